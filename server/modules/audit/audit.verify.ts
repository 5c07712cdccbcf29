/**
 * Checks the audit hash chain row by row, lane by lane (migration 0017): each row's hash must
 * match its fields (else it was altered), must point at the previous row's hash in its lane, the
 * sequence must have no gaps, and each lane must reach as far as its head says (else rows were
 * removed). A lane whose oldest rows the retention purge removed past their term (migration 0030)
 * starts at its latest checkpoint: the first row kept must follow the checkpoint's seq and hash,
 * and the checkpoint must be named by its anchor, an audit row in the chain. Reads in pages, so it
 * runs in flat memory on any size of trail.
 */
import { sql } from 'kysely';
import type { Db } from '../../platform/db.ts';
import { latestCheckpoints } from './audit.trim.service.ts';

export interface ChainProblem {
  lane: number;
  seq: number;
  id: number | null;
  problem: 'altered' | 'relinked' | 'missing' | 'checkpoint';
  detail: string;
}

export interface ChainReport {
  ok: boolean;
  rows: number;
  problems: ChainProblem[];
}

export async function verifyAuditChain(db: Db, pageSize = 10_000): Promise<ChainReport> {
  const problems: ChainProblem[] = [];
  let rows = 0;
  const heads = (await sql<{ lane: number; seq: string }>`SELECT lane, seq FROM audit_chain_lanes ORDER BY lane`.execute(db)).rows;
  const checkpoints = await latestCheckpoints(db);
  for (const head of heads) {
    const lane = head.lane;
    const name = (seq: number) => (lane === 0 ? `row ${seq}` : `row ${seq} of lane ${lane}`);
    const checkpoint = checkpoints.get(lane);
    let lastSeq = checkpoint?.seq ?? 0;
    let lastHash: string | null = checkpoint?.hash ?? null;
    if (checkpoint) {
      const anchor = (
        await sql<{ detail: { checkpoints?: { lane: number; seq: number; hash: string }[] } | string }>`
        SELECT detail FROM audit_log WHERE id = ${checkpoint.anchorId} AND action = 'retention.auditTrimmed'`.execute(db)
      ).rows[0];
      const named = (typeof anchor?.detail === 'string' ? JSON.parse(anchor.detail) : anchor?.detail)?.checkpoints ?? [];
      if (!named.some((c: { lane: number; seq: number; hash: string }) => c.lane === lane && Number(c.seq) === checkpoint.seq && c.hash === checkpoint.hash))
        problems.push({
          lane,
          seq: checkpoint.seq,
          id: checkpoint.anchorId,
          problem: 'checkpoint',
          detail: `${lane ? `lane ${lane}: ` : ''}the checkpoint after row ${checkpoint.seq} (rows removed past their term) is not named by its audit record id ${checkpoint.anchorId}`,
        });
    }
    for (;;) {
      const page = (
        await sql<{ id: number; seq: number; hash: string; prev_hash: string | null; expected: string }>`
        SELECT id, seq, hash, prev_hash, kbi_audit_row_hash(prev_hash, a) AS expected
          FROM audit_log a WHERE lane = ${lane} AND seq > ${lastSeq} ORDER BY seq LIMIT ${pageSize}`.execute(db)
      ).rows;
      if (!page.length) break;
      for (const r of page) {
        rows++;
        if (r.seq !== lastSeq + 1) {
          problems.push({
            lane,
            seq: lastSeq + 1,
            id: null,
            problem: 'missing',
            detail: `${lane ? `lane ${lane}: ` : ''}rows ${lastSeq + 1}–${r.seq - 1} are missing (before row id ${r.id})`,
          });
        } else if ((r.prev_hash ?? null) !== lastHash) {
          problems.push({
            lane,
            seq: r.seq,
            id: r.id,
            problem: 'relinked',
            detail: `${name(r.seq)} (id ${r.id}) does not point at the hash of row ${lastSeq}`,
          });
        }
        if (r.expected !== r.hash) {
          problems.push({
            lane,
            seq: r.seq,
            id: r.id,
            problem: 'altered',
            detail: `${name(r.seq)} (id ${r.id}) was changed after it was written: its fields no longer match its hash`,
          });
        }
        lastSeq = r.seq;
        lastHash = r.hash;
      }
    }
    const reached = Number(head.seq);
    if (reached > lastSeq) {
      problems.push({
        lane,
        seq: lastSeq + 1,
        id: null,
        problem: 'missing',
        detail: `${lane ? `lane ${lane}: ` : ''}rows ${lastSeq + 1}–${reached} at the end of the chain are missing`,
      });
    }
  }
  return { ok: problems.length === 0, rows, problems };
}
