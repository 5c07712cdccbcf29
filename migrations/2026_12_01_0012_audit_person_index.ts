/**
 * Drops the index of audit_log on (person_id, at). Frozen in time.
 *
 * Every audited read adds a row, and an index on a random key (a person's uuid) costs a write to
 * a random page of an ever larger index (and, after each checkpoint, a full page image in the WAL).
 * Nothing reads the trail by person id: the privacy officer's report searches by the keyed INSZ
 * hash (audit_log_insz_hash), which also finds the accesses of persons removed since.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS audit_log_person`.execute(db);
}
