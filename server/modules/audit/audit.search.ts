/**
 * The privacy officer's search of the audit trail: every access, newest first, filtered by period,
 * actor, organisation, action, result or the person concerned, and paged on the order of writing
 * (keyset, so a page never shifts while new rows arrive). The answer names no one: ids,
 * never names or INSZ. The search is itself an audited access.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import type { Db } from '../../platform/db.ts';
import { Problem, type Issue } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { demand } from '../access/access.service.ts';

export interface AuditSearchInput {
  from?: string;
  to?: string;
  actorId?: string;
  organisationId?: string;
  /** An action (`dossier.read`), or every action that starts with a prefix (`users.*`). */
  action?: string;
  result?: 'allowed' | 'denied';
  insz?: string;
  limit?: number;
  cursor?: string;
}

export interface AuditLine {
  /** The order of writing across all lanes of the chain; the cursor pages on it. */
  id: number;
  /** The lane of the hash chain (migration 0017) and the position within it. */
  lane: number;
  seq: number;
  at: string;
  actorId: string;
  actorKind: string;
  organisationId: string | null;
  purpose: string | null;
  action: string;
  personId: string | null;
  clusters: string[];
  result: 'allowed' | 'denied';
  requestId: string | null;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;
const AFTER_FROM = 'must lie after from';
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The same rule as the person's access report: only a role with readAudit reads the trail. */
export function requireReadAudit(ctx: RequestContext, action: string): void {
  demand(ctx, 'readAudit', action, 'only the privacy officer reads the audit trail');
}

const cursorOf = (id: number) => Buffer.from(JSON.stringify({ id })).toString('base64url');

function idFromCursor(cursor: string): number | null {
  try {
    const { id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown };
    return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

/** A date-time with offset on a day that exists (Date.parse alone takes 30 February). */
function isDateTime(v: string): boolean {
  if (!DATE_TIME.test(v) || Number.isNaN(Date.parse(v))) return false;
  const [y, m, d] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

/** Everything the schema cannot check, in one problem that names every bad field. */
function validate(input: AuditSearchInput, acceptTestInsz: boolean): { insz: string | null; before: number | null } {
  const issues: Issue[] = [];
  for (const name of ['from', 'to'] as const) {
    const v = input[name];
    if (v !== undefined && !isDateTime(v)) issues.push({ in: 'body', name, detail: 'must be a date-time with offset, e.g. 2026-01-15T00:00:00Z' });
  }
  if (!issues.length && input.from && input.to && Date.parse(input.to) <= Date.parse(input.from)) issues.push({ in: 'body', name: 'to', detail: AFTER_FROM });
  let insz: string | null = null;
  if (input.insz !== undefined) {
    const parsed = parseInsz(input.insz, { allowTestNumbers: acceptTestInsz });
    if (parsed.ok) insz = parsed.insz.value;
    else issues.push({ in: 'body', name: 'insz', detail: `not a valid INSZ: ${parsed.message}` });
  }
  let before: number | null = null;
  if (input.cursor !== undefined) {
    before = idFromCursor(input.cursor);
    if (before === null) issues.push({ in: 'body', name: 'cursor', detail: 'not a cursor this search gave out' });
  }
  if (issues.length) {
    // One kind of mistake gets its own problem type; several get the general one.
    const only = issues.length === 1 ? issues[0]! : null;
    const code = only?.name === 'insz' ? 'invalidInsz' : only?.name === 'to' && only.detail === AFTER_FROM ? 'invalidPeriod' : 'badRequest';
    throw new Problem(code, issues.map((i) => `${i.name}: ${i.detail}`).join('; '), issues);
  }
  return { insz, before };
}

/**
 * The keyed hashes under which the audit trail holds the accesses about this INSZ: its own, and
 * those of every INSZ that the person (or persons, current or removed) known under it has had.
 * The chain trigger stamps each row that names a person with the hash of that person's INSZ of
 * the moment, so matching these hashes finds every row with the person's id as well as every
 * access about the INSZ that named no known person — the person report's rule, kept on the
 * insz_hash index even when an INSZ was corrected later.
 */
export async function inszHashesOf(db: Db, insz: string): Promise<{ hashes: string[]; personId: string | null }> {
  const rows = (
    await sql<{ h: string; current_id: string | null }>`
    WITH ids AS (SELECT id FROM persons WHERE insz = ${insz} UNION SELECT id FROM persons_history WHERE insz = ${insz}),
         inszs AS (SELECT ${insz}::text AS insz
                   UNION SELECT p.insz FROM persons p JOIN ids ON ids.id = p.id
                   UNION SELECT h.insz FROM persons_history h JOIN ids ON ids.id = h.id)
    SELECT kbi_insz_hash(i.insz) AS h, (SELECT id FROM persons WHERE insz = ${insz}) AS current_id FROM inszs i`.execute(db)
  ).rows;
  return { hashes: rows.map((r) => r.h), personId: rows[0]?.current_id ?? null };
}

export async function searchAudit(
  db: Db,
  ctx: RequestContext,
  input: AuditSearchInput,
  acceptTestInsz = false,
): Promise<{ items: AuditLine[]; next: string | null }> {
  requireReadAudit(ctx, 'audit.search');
  const { insz, before } = validate(input, acceptTestInsz);
  const limit = input.limit ?? DEFAULT_LIMIT;
  const person = insz ? await inszHashesOf(db, insz) : null;

  let q = db
    .selectFrom('audit_log as a')
    .select([
      'a.id',
      'a.lane',
      'a.seq',
      sql<string>`to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at'),
      'a.actor_id',
      'a.actor_kind',
      'a.organisation_id',
      'a.purpose',
      'a.action',
      'a.person_id',
      'a.clusters',
      'a.result',
      'a.request_id',
    ]);
  const where: Expression<SqlBool>[] = [];
  if (before !== null) where.push(sql<SqlBool>`a.id < ${before}`);
  if (input.from) where.push(sql<SqlBool>`a.at >= ${input.from}::timestamptz`);
  if (input.to) where.push(sql<SqlBool>`a.at < ${input.to}::timestamptz`);
  if (input.actorId) where.push(sql<SqlBool>`a.actor_id = ${input.actorId}`);
  if (input.organisationId) where.push(sql<SqlBool>`a.organisation_id = ${input.organisationId}::uuid`);
  if (input.result) where.push(sql<SqlBool>`a.result = ${input.result}`);
  if (input.action) {
    where.push(
      input.action.endsWith('*')
        ? sql<SqlBool>`left(a.action, ${input.action.length - 1}) = ${input.action.slice(0, -1)}`
        : sql<SqlBool>`a.action = ${input.action}`,
    );
  }
  if (person) where.push(sql<SqlBool>`a.insz_hash = ANY(${sql.val(person.hashes)}::text[])`);
  for (const w of where) q = q.where(w);
  const rows = await q
    .orderBy('a.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);

  await recordAudit(db, ctx, {
    action: 'audit.search',
    personId: person?.personId ?? null,
    clusters: [],
    result: 'allowed',
    ...(insz && !person?.personId ? { insz } : {}),
    // Which filters were used, never their values (an INSZ or a period of interest is itself telling).
    detail: {
      filters: Object.keys(input).filter((k) => k !== 'limit' && k !== 'cursor' && input[k as keyof AuditSearchInput] !== undefined),
      found: page.length,
    },
  });
  return {
    items: page.map((r) => ({
      id: Number(r.id),
      lane: r.lane,
      seq: Number(r.seq),
      at: r.at,
      actorId: r.actor_id,
      actorKind: r.actor_kind,
      organisationId: r.organisation_id ?? null,
      purpose: r.purpose ?? null,
      action: r.action,
      personId: r.person_id ?? null,
      clusters: r.clusters ?? [],
      result: r.result as AuditLine['result'],
      requestId: r.request_id ?? null,
    })),
    next: rows.length > limit ? cursorOf(Number(page[page.length - 1]!.id)) : null,
  };
}
