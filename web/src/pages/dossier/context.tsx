/**
 * What every part of the dossier page needs: the document, the resource definitions, names of
 * referenced records (offices, organisations, staff, courses), code labels, and how to show a value.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Page } from '../../api.ts';
import { allCodeLists, cached, type CodeEntry, type FieldMeta, type ResourceMeta } from '../../data.ts';
import { formatKbo, kboUrl } from '../../format.ts';
import { useFormat, useI18n } from '../../i18n/index.tsx';
import { enumLabel, fieldLabel, resourceLabel, resourceSingular } from './labels.ts';
import { nameFieldsOf, recordsOf, type DossierDoc, type PersonAttendance, type Rec } from './model.ts';

/** Reference data the dossier points to; small enough to load whole (lessons are loaded per course). */
export const REFERENCE_RESOURCES = ['offices', 'organisations', 'staff', 'courses', 'courseModules'] as const;

/** Every page of a reference list, following `next`; each page is fetched once per session. */
export async function loadAll(resource: string, query = ''): Promise<Rec[]> {
  const items: Rec[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Rec> = await cached<Page<Rec>>(`/api/v1/${resource}?limit=500${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}

export interface References {
  list(resource: string): Rec[] | null;
  get(resource: string, id: unknown): Rec | null;
}

export function useReferences(): References {
  const [data, setData] = useState<Record<string, Map<string, Rec>>>({});
  useEffect(() => {
    let live = true;
    for (const r of REFERENCE_RESOURCES) {
      loadAll(r).then(
        (items) => {
          if (live) setData((d) => ({ ...d, [r]: new Map(items.map((i) => [i.id, i])) }));
        },
        () => {},
      );
    }
    return () => {
      live = false;
    };
  }, []);
  return useMemo(
    () => ({
      list: (resource) => (data[resource] ? [...data[resource].values()] : null),
      get: (resource, id) => (typeof id === 'string' ? (data[resource]?.get(id) ?? null) : null),
    }),
    [data],
  );
}

export interface CodeLabels {
  label(list: string | undefined, code: unknown): string;
  entries(list: string): CodeEntry[];
}

/** Labels of many code lists at once (the same cached answers `useCodeList` reads). */
export function useCodeLabels(lists: string[]): CodeLabels {
  const { language } = useI18n();
  const [data, setData] = useState<Record<string, CodeEntry[]>>({});
  const key = [...new Set(lists)].sort().join(',');
  useEffect(() => {
    let live = true;
    if (key)
      allCodeLists().then(
        (r) => {
          if (live) setData(r.lists);
        },
        () => {},
      ); // every list in one request
    return () => {
      live = false;
    };
  }, [key]);
  return useMemo(() => {
    const which = language === 'fr' ? 'labelFr' : language === 'en' ? 'labelEn' : 'labelNl';
    return {
      label: (list, code) => {
        if (code == null || code === '') return '—';
        const e = list ? data[list]?.find((x) => x.code === code) : undefined;
        return e ? e[which] : String(code);
      },
      entries: (list) => data[list] ?? [],
    };
  }, [data, language]);
}

export interface DossierContextValue {
  personId: string;
  doc: DossierDoc;
  meta: Map<string, ResourceMeta>;
  /** True when the page shows a past state, or the role may not write. */
  readOnly: boolean;
  refs: References;
  codes: CodeLabels;
  /** `user:<id>` of the logged-in user, as the history names them. */
  me: string;
  /** The attendance as the server judged it against the rule; null in a past state or when the role may not read it. */
  attendance: PersonAttendance | null;
  /** Reloads the dossier and its history (after a change). */
  reload(): Promise<void>;
}

const Context = createContext<DossierContextValue | null>(null);
export const DossierProvider = ({ value, children }: { value: DossierContextValue; children: ReactNode }) => (
  <Context.Provider value={value}>{children}</Context.Provider>
);
export function useDossier(): DossierContextValue {
  const v = useContext(Context);
  if (!v) throw new Error('useDossier outside DossierProvider');
  return v;
}

/** Names, labels and values in the user's language. */
export function useWords() {
  const { language, t } = useI18n();
  const fmt = useFormat();
  const ctx = useContext(Context);
  return useMemo(() => {
    const words = {
      language,
      t,
      fmt,
      resource: (r: string) => resourceLabel(language, r, ctx?.meta.get(r)?.title),
      singular: (r: string) => resourceSingular(language, r, ctx?.meta.get(r)?.title),
      field: (r: string, f: string) => fieldLabel(language, r, f),
      /** The name of a referenced record: an office's name, a staff member's full name, a record of this dossier. */
      refName(field: FieldMeta, id: unknown): string | null {
        if (typeof id !== 'string' || !ctx) return null;
        if (field.samePerson) {
          const target = recordsOf(ctx.doc, field.ref!).find((r) => r.id === id);
          return target ? words.recordName(field.ref!, target) : null;
        }
        const row = ctx.refs.get(field.ref!, id);
        return row ? referenceName(field.ref!, row, fmt.date) : null;
      },
      /** "Moedercontract · 13.01.2020": how a record is named in a choice or in the history. */
      recordName(resource: string, rec: Rec): string {
        if (!ctx) return resourceSingular(language, resource);
        const meta = ctx.meta.get(resource);
        if (!meta) return resourceSingular(language, resource);
        if (resource === 'enrolments') {
          const course = ctx.refs.get('courses', rec.courseId);
          return [course ? String(course.name) : resourceSingular(language, resource), fmt.date(rec.enrolledOn as string)].join(' · ');
        }
        const { code, date } = nameFieldsOf(meta);
        const bits = [code && rec[code.name] != null ? ctx.codes.label(code.list, rec[code.name]) : resourceSingular(language, resource)];
        if (date && rec[date.name]) bits.push(date.type === 'datetime' ? fmt.dateTime(rec[date.name] as string) : fmt.date(rec[date.name] as string));
        return bits.join(' · ');
      },
      /** A value as text, for a table cell or a details list. */
      text(resource: string, field: FieldMeta, value: unknown): string {
        if (value === null || value === undefined || value === '') return '—';
        switch (field.type) {
          case 'date':
            return fmt.date(value as string);
          case 'datetime':
            return fmt.dateTime(value as string);
          case 'boolean':
            return value ? t('yes') : t('no');
          case 'code':
            return ctx ? ctx.codes.label(field.list, value) : String(value);
          case 'codes':
            return (value as string[]).length ? (value as string[]).map((c) => (ctx ? ctx.codes.label(field.list, c) : c)).join(', ') : '—';
          case 'texts':
            return (value as string[]).join(', ') || '—';
          case 'number':
          case 'integer':
            return fmt.number(value as number);
          case 'kbo':
            return formatKbo(String(value));
          case 'ref':
            return words.refName(field, value) ?? '—';
          default:
            return field.enum ? enumLabel(language, String(value)) : String(value);
        }
      },
    };
    return words;
  }, [language, t, fmt, ctx]);
}

export type Words = ReturnType<typeof useWords>;

export function referenceName(resource: string, row: Rec, date: (v: string | null | undefined) => string): string {
  switch (resource) {
    case 'staff':
      return [row.givenName, row.familyName].filter(Boolean).join(' ');
    case 'courses':
      return `${String(row.name)} (${date(row.startDate as string)})`;
    case 'courseModules':
      return [row.code, row.name].filter(Boolean).join(' ');
    case 'lessons':
      return String(row.startsAt ?? row.id);
    default:
      return String(row.name ?? row.id);
  }
}

/** A value for a table cell: text, with a KBO number linking to the public enterprise register. */
export function Value({ resource, field, value, words, clip }: { resource: string; field: FieldMeta; value: unknown; words: Words; clip?: boolean }) {
  if (field.type === 'kbo' && typeof value === 'string' && value) {
    return (
      <a href={kboUrl(value)} target="_blank" rel="noreferrer" className="mono">
        {formatKbo(value)}
      </a>
    );
  }
  const text = words.text(resource, field, value);
  if (clip && text.length > 140) return <>{text.slice(0, 137).trimEnd()}…</>;
  return <>{text}</>;
}
