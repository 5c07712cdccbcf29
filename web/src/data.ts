/**
 * Shared reference data of the app, fetched once per session and kept: code lists (labels in
 * three languages) and the resource definitions the forms are built from.
 */
import { useEffect, useState } from 'react';
import { get } from './api.ts';
import { useI18n } from './i18n/index.tsx';

export interface CodeEntry { code: string; labelNl: string; labelFr: string; labelEn: string; sortOrder: number; validFrom: string | null; validTo: string | null }

export interface FieldMeta {
  name: string;
  type: 'text' | 'date' | 'datetime' | 'boolean' | 'integer' | 'number' | 'ref' | 'code' | 'codes' | 'texts' | 'kbo';
  required: boolean;
  immutable: boolean;
  list?: string;
  ref?: string;
  samePerson?: boolean;
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
    cached<T>(path).then((v) => { if (live) setValue(v); }, () => {});
    return () => { live = false; };
  }, [path]);
  return value;
}

export function useResources(): ResourceMeta[] | null {
  return useCached<{ items: ResourceMeta[] }>('/api/v1/resources')?.items ?? null;
}

export interface CodeList { entries: CodeEntry[]; label(code: string | null | undefined): string }

/** A code list with labels in the user's language; codes the list lacks show as themselves. */
export function useCodeList(list: string | undefined): CodeList {
  const { language } = useI18n();
  const entries = useCached<{ items: CodeEntry[] }>(list ? `/api/v1/codeLists/${list}` : null)?.items ?? [];
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
