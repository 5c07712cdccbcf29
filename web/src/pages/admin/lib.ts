/**
 * Small helpers of the administration screens: every page of a list, the organisations (names
 * for ids, kept per session), downloads as a file, moments typed in a form as ISO date-times.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, get, request, type Page } from '../../api.ts';
import { useI18n, type MessageKey, type Translate } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';

/** Follows the cursors of a list to its end (reference lists are small: tens to hundreds). */
export async function fetchAll<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page<T> = await get<Page<T>>(`${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.items);
    cursor = page.next;
    if (!cursor) break;
  }
  return out;
}

/** Loads once per `key`; `reload` asks again. Keeps the last answer while reloading. */
export function useLoad<T>(key: string | null, loader: () => Promise<T>) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (key === null) {
      setData(null);
      return;
    }
    let live = true;
    setLoading(true);
    loader()
      .then(
        (v) => {
          if (live) {
            setData(v);
            setError(null);
          }
        },
        (e) => {
          if (live) setError(e);
        },
      )
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
    // The loader is keyed by `key`: a new function each render must not refetch.
  }, [key, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}

export interface Organisation {
  id: string;
  kind: string;
  name: string;
  enterpriseNumber?: string;
  agency?: string;
  region?: string;
  parentId?: string;
  municipalityNis?: string;
  version: number;
}
export interface Office {
  id: string;
  organisationId: string;
  name: string;
  kboNumber?: string;
  kbiKey?: string;
  postcode?: string;
  municipality?: string;
  version: number;
  [field: string]: unknown;
}

// Organisations are reference data every staff role reads; one list per logged-in user.
let organisations: { userId: string; list: Promise<Organisation[]> } | null = null;
const listeners = new Set<() => void>();

/** After an organisation was added or changed: every screen asks again. */
export function refreshOrganisations(): void {
  organisations = null;
  for (const l of listeners) l();
}

export function useOrganisations() {
  const { user } = useSession();
  const { locale } = useI18n();
  const [list, setList] = useState<Organisation[] | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  useEffect(() => {
    if (!user) return;
    if (!organisations || organisations.userId !== user.id) {
      const p = fetchAll<Organisation>('/api/v1/organisations');
      p.catch(() => {
        if (organisations?.list === p) organisations = null;
      });
      organisations = { userId: user.id, list: p };
    }
    let live = true;
    organisations.list.then(
      (v) => {
        if (live) setList(v);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [user, tick]);
  return useMemo(() => {
    const sorted = [...(list ?? [])].sort((a, b) => a.name.localeCompare(b.name, locale));
    const byId = new Map(sorted.map((o) => [o.id, o]));
    return { list: sorted, loaded: list !== null, byId, name: (id: string | null | undefined) => (id ? (byId.get(id)?.name ?? id) : '—') };
  }, [list, locale]);
}

/** "2026-03-01T14:30" from a datetime-local field (the browser's time zone) → ISO with offset. */
export function localMomentToIso(value: string): string | undefined {
  if (!value) return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? value : t.toISOString();
}

/** Start of a day typed in a date field, in the browser's time zone; `nextDay` for an inclusive end. */
export function dayToIso(value: string, nextDay = false): string | undefined {
  if (!value) return undefined;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const t = new Date(y, m - 1, d + (nextDay ? 1 : 0));
  return Number.isNaN(t.getTime()) ? value : t.toISOString();
}

/** A moment to the second, in the user's language (the audit trail needs the seconds). */
export function useMomentFormat() {
  const { locale } = useI18n();
  return useMemo(() => {
    const f = new Intl.DateTimeFormat(locale, {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZone: 'Europe/Brussels',
    });
    return (value: string | null | undefined) => (value ? f.format(new Date(value)) : '—');
  }, [locale]);
}

/** "Jan, Piet; Klaas" → ["Jan", "Piet", "Klaas"]: a list typed in one field. */
export const splitList = (value: string): string[] => [
  ...new Set(
    value
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

/**
 * POSTs and saves the answer as a file (CSV, PDF). api.ts speaks JSON only and keeps its CSRF
 * token to itself, so the token is asked from the session, as the app does at start.
 */
export async function downloadPost(path: string, body: unknown, accept: string, fallbackName: string): Promise<void> {
  const { body: session } = await request<{ csrfToken: string }>('GET', '/api/v1/session');
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      body: JSON.stringify(body),
      headers: { accept: `${accept}, application/problem+json`, 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
    });
  } catch {
    throw new ApiError({ title: 'Network error', status: 0, code: 'network', detail: 'KBI could not be reached' });
  }
  if (!res.ok) {
    let problem: Record<string, unknown> = { title: res.statusText };
    try {
      problem = await res.json();
    } catch {
      /* not a problem document */
    }
    throw new ApiError({ ...(problem as { title: string }), status: res.status });
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const FIELD_MESSAGES: [RegExp, MessageKey][] = [
  [/^is required$|fewer than 1 (characters|items)/, 'admin.err.required'],
  [/must be a valid uuid|allowed values|^unknown (purpose|organisation kind|role)/, 'admin.err.choose'],
  [/must be a valid date$/, 'admin.err.date'],
  [/date-time/, 'admin.err.moment'],
  [/must match pattern/, 'admin.err.pattern'],
  [/more than \d+ characters/, 'admin.err.tooLong'],
  [/at least 12 characters/, 'admin.err.passwordShort'],
  [/must not contain the user name/, 'admin.err.passwordName'],
  [/too few different characters/, 'admin.err.passwordSimple'],
  [/ends before it starts|must lie after from|before startsOn/, 'admin.err.period'],
  [/no such organisation/, 'admin.err.noOrganisation'],
  [/either one partner organisation or a partner kind/, 'admin.err.partner'],
  [/unknown data cluster/, 'admin.err.cluster'],
];

/**
 * The server's words for what is wrong with each field, in the user's language where KBI knows
 * the message (an INSZ is always "not a valid INSZ"); otherwise the server's own words.
 */
export function fieldErrorsOf(error: unknown, t: Translate): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const [field, detail] of Object.entries(error.fieldErrors())) {
    const known = field === 'insz' ? 'admin.err.insz' : FIELD_MESSAGES.find(([re]) => re.test(detail))?.[1];
    out[field] = known ? t(known, { max: /more than (\d+)/.exec(detail)?.[1] ?? '' }) : detail;
  }
  return out;
}

/**
 * After a conflict (412) the newer version becomes the base of the next save: the fields the user
 * left alone take its values, what the user changed stays — so the save neither loses the other
 * person's change nor what was typed.
 */
export function rebase<T extends object>(typed: T, readBefore: T, readNow: T): T {
  const out = { ...typed };
  for (const k of Object.keys(readNow) as (keyof T)[]) {
    if (JSON.stringify(typed[k]) === JSON.stringify(readBefore[k])) out[k] = readNow[k];
  }
  return out;
}
