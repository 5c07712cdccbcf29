/**
 * One consultation, however many audit rows it wrote. Opening a dossier on screen reads the
 * dossier and its timeline (two requests, two rows); a partner's consult writes one row per
 * request. Rows that follow each other in the trail are one consultation when the same actor
 * looked at the same person with the same result, in the same request or within a few seconds of
 * the previous row — and no consultation lasts longer than half a minute.
 */
import { sql } from 'kysely';
import type { Db } from '../../platform/db.ts';
import type { CodeLabels } from './audit.words.ts';

/** Seconds between two rows of one page view (dossier and timeline are asked one after the other). */
export const SAME_VIEW_SECONDS = 5;
/** The longest a consultation can last: a caseworker who keeps reading is seen again, later. */
export const MAX_CONSULTATION_SECONDS = 30;
const MAX_ROWS = 50;

/** What grouping needs to know of a row. */
export interface GroupableRow {
  actorId: string;
  /** The person's id, or the keyed hash of an INSZ KBI does not know; null when the row is about nobody. */
  personKey: string | null;
  result: string;
  requestId: string | null;
  /** Milliseconds since the epoch. */
  atMs: number;
}

/**
 * Whether `row` belongs to the consultation `group` (its rows in the order they are read, either
 * way in time): same actor, same person, same result, and the same request or close in time.
 */
export function sameConsultation(group: readonly GroupableRow[], row: GroupableRow): boolean {
  const first = group[0]!;
  const last = group[group.length - 1]!;
  if (group.length >= MAX_ROWS) return false;
  if (row.actorId !== last.actorId || row.result !== last.result || row.personKey === null || row.personKey !== last.personKey) return false;
  if (Math.abs(first.atMs - row.atMs) > MAX_CONSULTATION_SECONDS * 1000) return false;
  return (row.requestId !== null && row.requestId === last.requestId) || Math.abs(last.atMs - row.atMs) <= SAME_VIEW_SECONDS * 1000;
}

/** Groups rows in the order given into consultations. */
export function consultations<T extends GroupableRow>(rows: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (const row of rows) {
    const current = groups[groups.length - 1];
    if (current && sameConsultation(current, row)) current.push(row);
    else groups.push([row]);
  }
  return groups;
}

/** Distinct values in their first order. */
export const distinct = <T>(values: Iterable<T>): T[] => [...new Set(values)];

/** The labels of one code list, code → [nl, fr, en]. */
export async function codeLabels(db: Db, list: string): Promise<CodeLabels> {
  const rows = (
    await sql<{ code: string; label_nl: string; label_fr: string; label_en: string }>`
    SELECT code, label_nl, label_fr, label_en FROM code_list WHERE list = ${list}`.execute(db)
  ).rows;
  return new Map(rows.map((r) => [r.code, [r.label_nl, r.label_fr, r.label_en] as const]));
}
