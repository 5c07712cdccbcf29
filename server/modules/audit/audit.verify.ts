/**
 * Checks the audit hash chain row by row: each row's hash must match its fields (else it was
 * altered), must point at the previous row's hash, and the sequence must have no gaps (else rows
 * were removed). Reads in pages, so it runs in flat memory on any size of trail.
 */
import { sql } from 'kysely';
import type { Db } from '../../platform/db.ts';

export interface ChainProblem {
  seq: number;
  id: number | null;
  problem: 'altered' | 'relinked' | 'missing';
  detail: string;
}

export interface ChainReport { ok: boolean; rows: number; problems: ChainProblem[] }

export async function verifyAuditChain(db: Db, pageSize = 10_000): Promise<ChainReport> {
  const problems: ChainProblem[] = [];
  let lastSeq = 0;
  let lastHash: string | null = null;
  let rows = 0;
  for (;;) {
    const page = (await sql<{ id: number; seq: number; hash: string; prev_hash: string | null; expected: string }>`
      SELECT id, seq, hash, prev_hash, kbi_audit_row_hash(prev_hash, a) AS expected
        FROM audit_log a WHERE seq > ${lastSeq} ORDER BY seq LIMIT ${pageSize}`.execute(db)).rows;
    if (!page.length) break;
    for (const r of page) {
      rows++;
      if (r.seq !== lastSeq + 1) {
        problems.push({ seq: lastSeq + 1, id: null, problem: 'missing', detail: `rows ${lastSeq + 1}–${r.seq - 1} are missing (before row id ${r.id})` });
      } else if ((r.prev_hash ?? null) !== lastHash) {
        problems.push({ seq: r.seq, id: r.id, problem: 'relinked', detail: `row ${r.seq} (id ${r.id}) does not point at the hash of row ${lastSeq}` });
      }
      if (r.expected !== r.hash) {
        problems.push({ seq: r.seq, id: r.id, problem: 'altered', detail: `row ${r.seq} (id ${r.id}) was changed after it was written: its fields no longer match its hash` });
      }
      lastSeq = r.seq;
      lastHash = r.hash;
    }
  }
  return { ok: problems.length === 0, rows, problems };
}
