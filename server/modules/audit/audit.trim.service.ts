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
 *    and only under the purge switch.
 * Every trim re-anchors every lane that has a checkpoint, so the latest checkpoints are always named by
 * the latest anchor, which is younger than anything a trim removes. `kbi audit verify` starts each lane
 * from its latest checkpoint and checks that its anchor names it (audit.verify.ts).
 */
import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db.ts';
import type { RequestContext } from '../../platform/access.ts';
import { recordAuditWithId } from '../../platform/audit.ts';

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

/** Removes the rows planAuditTrim finds, with anchor and checkpoints; returns the cuts (none: nothing was written). */
export async function trimAuditTrail(tx: Tx, ctx: RequestContext, before: string, upToId: number, detail: Record<string, unknown> = {}): Promise<LaneCut[]> {
  const cuts = await planAuditTrim(tx, before, upToId);
  if (!cuts.length) return [];
  const previous = await latestCheckpoints(tx);
  const checkpoints: LaneCut[] = [
    ...cuts,
    ...[...previous].filter(([lane]) => !cuts.some((c) => c.lane === lane)).map(([lane, p]) => ({ lane, seq: p.seq, hash: p.hash, removed: 0 })),
  ].sort((a, b) => a.lane - b.lane);
  const anchorId = await recordAuditWithId(tx, ctx, {
    action: 'retention.auditTrimmed',
    personId: null,
    clusters: [],
    result: 'allowed',
    detail: { ...detail, before, checkpoints },
  });
  await tx
    .insertInto('audit_chain_checkpoints')
    .values(checkpoints.map((c) => ({ lane: c.lane, seq: c.seq, hash: c.hash, removed: c.removed, anchor_id: anchorId })))
    .execute();
  await sql`SELECT set_config('kbi.purge', 'on', true)`.execute(tx);
  for (const c of cuts) await sql`DELETE FROM audit_log WHERE lane = ${c.lane} AND seq <= ${c.seq}`.execute(tx);
  return cuts;
}
