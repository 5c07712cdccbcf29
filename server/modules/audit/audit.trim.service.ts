/**
 * The audit trail past its own term (retention rule AUDIT_TRAIL): a lane's oldest rows are removed,
 * and the chain still verifies. In one transaction, as the owner role (the application role may not
 * delete audit rows):
 * 1. per lane, the last row to remove: the rows written before `before`, and never one written after
 *    `upToId` (a purge does not remove its own records), from the lane's start;
 * 2. an audit row `retention.auditTrimmed` (the anchor) that names, for every lane that has lost rows,
 *    the seq and hash of its last removed row — in the chain itself, so it cannot be forged without
 *    breaking the chain;
 * 3. a checkpoint per such lane (`audit_chain_checkpoints`, append-only), pointing at the anchor;
 * 4. the rows themselves: the delete trigger lets through only rows a checkpoint of their lane covers,
 *    and only under the purge switch. The trail is partitioned by month (migration 0037): a month that
 *    lies wholly before `before` and whose every row a checkpoint covers is dropped whole (named in the
 *    anchor's `partitions`) instead of deleted row by row — the same rows the trigger would let
 *    through, checked here the same way; the rows of other months are deleted, partition by partition.
 *    A drop that does not get its lock in time leaves the month, covered, for the next trim.
 * Every trim re-anchors every lane that has a checkpoint, so the latest checkpoints are always named by
 * the latest anchor, which is younger than anything a trim removes. `kbi audit verify` starts each lane
 * from its latest checkpoint and checks that its anchor names it (audit.verify.ts).
 */
import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db.ts';
import type { RequestContext } from '../../platform/access.ts';
import { recordAuditWithId } from '../../platform/audit.ts';
import { dropPartitions, partitionsBefore, partitionsReaching } from '../../platform/partitions.ts';

export interface LaneCut {
  lane: number;
  /** The last row removed (now or by an earlier trim). */
  seq: number;
  hash: string;
  /** Rows this trim removes from the lane. */
  removed: number;
}

/** The latest checkpoint of each lane that has one. */
export async function latestCheckpoints(db: Executor): Promise<Map<number, { seq: number; hash: string; anchorId: number }>> {
  const { rows } = await sql<{ lane: number; seq: string; hash: string; anchor_id: string }>`
    SELECT DISTINCT ON (lane) lane, seq, hash, anchor_id FROM audit_chain_checkpoints ORDER BY lane, anchor_id DESC`.execute(db);
  return new Map(rows.map((r) => [r.lane, { seq: Number(r.seq), hash: r.hash, anchorId: Number(r.anchor_id) }]));
}

/** Where each lane would be cut: rows written before `before` (an ISO moment) and with an id up to `upToId`. Changes nothing. */
export async function planAuditTrim(db: Executor, before: string, upToId: number): Promise<LaneCut[]> {
  const previous = await latestCheckpoints(db);
  const heads = (await sql<{ lane: number; seq: string }>`SELECT lane, seq FROM audit_chain_lanes ORDER BY lane`.execute(db)).rows;
  const cuts: LaneCut[] = [];
  for (const head of heads) {
    const from = previous.get(head.lane)?.seq ?? 0;
    const kept = (
      await sql<{ seq: string }>`
      SELECT seq FROM audit_log WHERE lane = ${head.lane} AND seq > ${from} AND (at >= ${before}::timestamptz OR id > ${upToId})
       ORDER BY seq LIMIT 1`.execute(db)
    ).rows[0];
    const last = kept ? Number(kept.seq) - 1 : Number(head.seq);
    if (last <= from) continue;
    const row = (await sql<{ hash: string }>`SELECT hash FROM audit_log WHERE lane = ${head.lane} AND seq = ${last}`.execute(db)).rows[0];
    if (!row) throw new Error(`audit lane ${head.lane} has no row ${last}: verify the chain (kbi audit verify) before trimming it`);
    cuts.push({ lane: head.lane, seq: last, hash: row.hash, removed: last - from });
  }
  return cuts;
}

/** The checkpoints after cutting `cuts`: the cuts, and every other lane's latest checkpoint. */
async function checkpointsAfter(db: Executor, cuts: readonly LaneCut[]): Promise<LaneCut[]> {
  const previous = await latestCheckpoints(db);
  return [
    ...cuts,
    ...[...previous].filter(([lane]) => !cuts.some((c) => c.lane === lane)).map(([lane, p]) => ({ lane, seq: p.seq, hash: p.hash, removed: 0 })),
  ].sort((a, b) => a.lane - b.lane);
}

/**
 * The month partitions wholly before `before` whose every row the checkpoints cover (an empty one
 * too): what may be dropped whole. A row of a lane without a checkpoint, or past its lane's
 * checkpoint (a row the trim keeps), keeps its month.
 */
export async function droppableAuditPartitions(db: Executor, before: string, checkpoints: readonly { lane: number; seq: number }[]): Promise<string[]> {
  const covered = JSON.stringify(checkpoints.map((c) => ({ lane: c.lane, seq: c.seq })));
  const names: string[] = [];
  for (const p of await partitionsBefore(db, 'audit_log', before)) {
    const { rows } = await sql<{ kept: boolean }>`
      SELECT EXISTS (SELECT 1 FROM ${sql.table(p.name)} a
        WHERE a.seq > coalesce((SELECT (c->>'seq')::bigint FROM jsonb_array_elements(${covered}::jsonb) c WHERE (c->>'lane')::int = a.lane), 0)) AS kept`.execute(
      db,
    );
    if (!rows[0]!.kept) names.push(p.name);
  }
  return names;
}

/** The month partitions a trim before `before` would drop whole (none if it cuts nothing). Changes nothing. */
export async function planAuditPartitionDrops(db: Executor, before: string, upToId: number): Promise<string[]> {
  const cuts = await planAuditTrim(db, before, upToId);
  if (!cuts.length) return [];
  return droppableAuditPartitions(db, before, await checkpointsAfter(db, cuts));
}

/**
 * Removes the rows planAuditTrim finds, with anchor and checkpoints; returns the cuts (none: nothing
 * was written) and the month partitions dropped whole.
 */
export async function trimAuditTrail(
  tx: Tx,
  ctx: RequestContext,
  before: string,
  upToId: number,
  detail: Record<string, unknown> = {},
): Promise<{ cuts: LaneCut[]; partitions: string[] }> {
  const cuts = await planAuditTrim(tx, before, upToId);
  if (!cuts.length) return { cuts, partitions: [] };
  const checkpoints = await checkpointsAfter(tx, cuts);
  const droppable = await droppableAuditPartitions(tx, before, checkpoints);
  const anchorId = await recordAuditWithId(tx, ctx, {
    action: 'retention.auditTrimmed',
    personId: null,
    clusters: [],
    result: 'allowed',
    detail: { ...detail, before, checkpoints, ...(droppable.length ? { partitions: droppable } : {}) },
  });
  await tx
    .insertInto('audit_chain_checkpoints')
    .values(checkpoints.map((c) => ({ lane: c.lane, seq: c.seq, hash: c.hash, removed: c.removed, anchor_id: anchorId })))
    .execute();
  await sql`SELECT set_config('kbi.purge', 'on', true)`.execute(tx);
  // Row by row in the months kept (every removed row was written before \`before\`, so only the months
  // that begin before it, and DEFAULT, can hold one); then the covered months whole, last, so that the
  // exclusive lock a drop takes on audit_log is held only until the commit.
  for (const p of await partitionsReaching(tx, 'audit_log', before))
    if (!droppable.includes(p.name)) for (const c of cuts) await sql`DELETE FROM ${sql.table(p.name)} WHERE lane = ${c.lane} AND seq <= ${c.seq}`.execute(tx);
  return { cuts, partitions: await dropPartitions(tx, 'audit_log', droppable) };
}
