/**
 * What the task lists of the rules share: counting the open items per day for the start page, and
 * taking an item for a decision — it exists, its person is in the caller's territory, and it is
 * still the version the caller read. One place, so that every list counts and refuses alike.
 */
import { sql, type Kysely } from 'kysely';
import type { Actor, RequestContext } from '../../platform/access.ts';
import type { Executor, Row } from '../../platform/db.ts';
import { recordAudit } from '../../platform/audit.ts';
import { camel, type ClusterName } from '../dossier/clusters.ts';
import { Problem } from '../../platform/errors.ts';
import { assertInTerritory, inTerritory } from '../access/access.service.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import { deadline, type DeadlineId } from './deadlines.policy.ts';
import { lockById } from '../../platform/shards.ts';

export type WorkTable = 'infringement_proposals' | 'infringement_cases' | 'certificate_proposals';

export interface ListSummary {
  count: number;
  oldest: string | null;
  overdue: number;
}

/**
 * The items of `table` in one of `statuses`, for persons in the actor's territory: how many, the
 * oldest `dayColumn`, and how many are past the deadline that runs from that day. Counts only.
 */
export async function summariseItems(
  db: Executor,
  actor: Actor,
  table: WorkTable,
  dayColumn: string,
  statuses: readonly string[],
  id: DeadlineId,
): Promise<ListSummary> {
  const { rows } = await sql<{ day: string; n: number }>`
    SELECT t.${sql.ref(dayColumn)}::text AS day, count(*)::int AS n FROM ${sql.table(table)} t
     WHERE t.status = ANY(${[...statuses]}::text[]) AND ${inTerritory(actor, sql.ref('t.person_id'))}
     GROUP BY 1 ORDER BY 1`.execute(db);
  const today = belgianToday();
  let count = 0,
    overdue = 0;
  for (const r of rows) {
    count += r.n;
    const due = deadline(id, r.day)?.due;
    if (due && today > due) overdue += r.n;
  }
  return { count, oldest: rows[0]?.day ?? null, overdue };
}

/**
 * Locks an item of `table` for a decision in the caller's transaction: refuses an unknown item (404),
 * a person outside the caller's territory (404, audited as `action`) and a version other than the
 * one the caller read (412). The caller checks the item's status itself.
 */
export async function lockItem(
  tx: Executor,
  ctx: RequestContext,
  table: WorkTable,
  id: string,
  expectedVersion: number,
  action: string,
  noun: string,
): Promise<Row> {
  const current = await lockById(tx, table, id);
  if (!current) throw new Problem('resourceNotFound', `${noun} not found`);
  await assertInTerritory(tx, ctx, current.person_id, action);
  if (current.version !== expectedVersion)
    throw new Problem('preconditionFailed', `this ${noun} was changed by someone else; reload it`, undefined, { currentVersion: current.version });
  return current;
}

/** The reason of a decision, trimmed: required for some decisions, never longer than `max`. */
export function decisionReason(reason: string | null | undefined, required: string | null, max = 1000): string | null {
  const trimmed = reason?.trim() || null;
  if (required && !trimmed) throw new Problem('badRequest', `reason: ${required}`, [{ in: 'body', name: 'reason', detail: required }]);
  if (trimmed && trimmed.length > max)
    throw new Problem('badRequest', `reason: at most ${max} characters`, [{ in: 'body', name: 'reason', detail: `at most ${max} characters` }]);
  return trimmed;
}

/**
 * Records the decision on a proposed item in the caller's transaction: its new status, the day, the
 * reason and what the decision made (`made`: the case opened, the certificate issued), then the
 * audit record of the decision. Returns the item as it is now.
 */
export async function closeItem(
  tx: Executor,
  ctx: RequestContext,
  table: 'infringement_proposals' | 'certificate_proposals',
  id: string,
  change: { status: string; reason: string | null; made: Record<string, string | null> },
  audit: { action: string; clusters: ClusterName[]; decision: string },
): Promise<Row> {
  const row = await (tx as Kysely<any>)
    .updateTable(table)
    .set({ status: change.status, decided_on: belgianToday(), decision_reason: change.reason, valid_from: sql`now()`, ...change.made })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(tx, ctx, {
    action: audit.action,
    personId: row.person_id,
    clusters: audit.clusters,
    result: 'allowed',
    detail: { proposalId: row.id, decision: audit.decision, ...Object.fromEntries(Object.entries(change.made).map(([k, v]) => [camel(k), v])) },
  });
  return row;
}

/**
 * The proposed items of `table` in one status (default OPEN) for persons in the caller's territory,
 * the oldest first, each with the day it should be handled by (`id` runs from the day it was found)
 * and whether that passed; the list read is audited with what it found.
 */
export async function listItems(
  db: Executor,
  ctx: RequestContext,
  table: 'infringement_proposals' | 'certificate_proposals',
  input: { status?: string },
  options: { statuses: readonly string[]; deadline: DeadlineId; action: string; clusters: ClusterName[] },
): Promise<Row[]> {
  const status = input.status ?? 'OPEN';
  if (!options.statuses.includes(status)) {
    const detail = `one of ${options.statuses.join(', ')}`;
    throw new Problem('badRequest', `status: ${detail}`, [{ in: 'query', name: 'status', detail }]);
  }
  const { rows } = await sql<Row>`
    SELECT t.*, p.insz, p.family_name, p.given_names FROM ${sql.table(table)} t JOIN persons p ON p.id = t.person_id
     WHERE t.status = ${status} AND ${inTerritory(ctx.actor, sql.ref('t.person_id'))}
     ORDER BY t.detected_on, t.id LIMIT 500`.execute(db);
  await recordAudit(db, ctx, {
    action: options.action,
    personId: null,
    clusters: options.clusters,
    result: 'allowed',
    detail: { status, found: rows.map((r) => r.id) },
  });
  const today = belgianToday();
  return rows.map((r) => {
    const due = deadline(options.deadline, String(r.detected_on instanceof Date ? r.detected_on.toISOString() : r.detected_on).slice(0, 10))?.due ?? null;
    return { ...r, due_on: due, overdue: r.status === 'OPEN' && due !== null && today > due };
  });
}
