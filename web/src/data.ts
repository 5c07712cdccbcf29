/**
 * Shared reference data of the app, fetched once per session and kept: code lists (labels in
 * three languages) and the resource definitions the forms are built from.
 */
import { useEffect, useState } from 'react';
import { get, post } from './api.ts';
import { useI18n } from './i18n/index.tsx';

export interface CodeEntry {
  code: string;
  labelNl: string;
  labelFr: string;
  labelEn: string;
  sortOrder: number;
  validFrom: string | null;
  validTo: string | null;
}

export interface FieldMeta {
  name: string;
  type: 'text' | 'date' | 'datetime' | 'boolean' | 'integer' | 'number' | 'ref' | 'code' | 'codes' | 'texts' | 'kbo';
  required: boolean;
  immutable: boolean;
  list?: string;
  ref?: string;
  samePerson?: boolean;
  /** For an office or organisation: the organisation kinds that fit the field (others are not offered). */
  organisationKinds?: string[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  pattern?: string;
  description?: string;
}

export interface ResourceMeta {
  resource: string;
  title: string;
  description: string;
  cluster: string | null;
  personScoped: boolean;
  fields: FieldMeta[];
  periods: [string, string][];
  canRead: boolean;
  canWrite: boolean;
}

const cache = new Map<string, Promise<unknown>>();

/** Fetches once; later callers share the answer. `forget` clears the cache (at log-out). */
export function cached<T>(path: string): Promise<T> {
  let p = cache.get(path);
  if (!p) {
    p = get<T>(path);
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p as Promise<T>;
}
export const forget = () => cache.clear();

function useCached<T>(path: string | null): T | null {
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    if (!path) return;
    let live = true;
    cached<T>(path).then(
      (v) => {
        if (live) setValue(v);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [path]);
  return value;
}

export function useResources(): ResourceMeta[] | null {
  return useCached<{ items: ResourceMeta[] }>('/api/v1/resources')?.items ?? null;
}

export interface CodeList {
  entries: CodeEntry[];
  label(code: string | null | undefined): string;
}

/** Every code list in one request, the first time any screen needs one. */
export const allCodeLists = () => cached<{ lists: Record<string, CodeEntry[]> }>('/api/v1/codeLists?expand=codes');

/** A code list with labels in the user's language; codes the list lacks show as themselves. */
export function useCodeList(list: string | undefined): CodeList {
  const { language } = useI18n();
  const [lists, setLists] = useState<Record<string, CodeEntry[]> | null>(null);
  useEffect(() => {
    if (!list) return;
    let live = true;
    allCodeLists().then(
      (all) => {
        if (live) setLists(all.lists);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [list]);
  const entries = (list && lists?.[list]) || [];
  const key = language === 'fr' ? 'labelFr' : language === 'en' ? 'labelEn' : 'labelNl';
  return {
    entries,
    label: (code) => {
      if (code == null || code === '') return '—';
      const e = entries.find((x) => x.code === code);
      return e ? e[key] : code;
    },
  };
}

export interface StaffName {
  displayName: string;
  organisation: string | null;
}
const names = new Map<string, StaffName | null>();
const pending = new Set<string>();
let flush: Promise<void> | null = null;

/**
 * The display names (and organisations) of the staff accounts behind actor ids such as
 * `user:<id>`, fetched in one request per batch and kept; ids that are no account map to null.
 */
export function useStaffNames(actorIds: (string | null | undefined)[]): Record<string, StaffName | null> {
  const wanted = [...new Set(actorIds.filter((id): id is string => !!id && id.startsWith('user:')))];
  const key = wanted.sort().join(',');
  const [, rerender] = useState(0);
  useEffect(() => {
    const missing = wanted.filter((id) => !names.has(id));
    if (!missing.length) return;
    let live = true;
    for (const id of missing) pending.add(id);
    flush ??= Promise.resolve().then(async () => {
      const ids = [...pending].slice(0, 200);
      pending.clear();
      flush = null;
      try {
        const { items } = await post<{ items: ({ id: string } & StaffName)[] }>('/api/v1/users/names', { ids });
        for (const id of ids) names.set(id, null);
        for (const item of items) names.set(item.id, { displayName: item.displayName, organisation: item.organisation });
      } catch {
        /* names are a courtesy: the ids stay */
      }
    });
    void flush.then(() => {
      if (live) rerender((n) => n + 1);
    });
    return () => {
      live = false;
    };
  }, [key]);
  return Object.fromEntries(wanted.map((id) => [id, names.get(id) ?? null]));
}
