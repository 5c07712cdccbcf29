/**
 * The OCMW authorisation's reference as a citizen and a privacy officer read it: "VTC, beslissing van
 * 25 juli 2012", without the pointer into our source documents that migration 0008 stored with it
 * ("(seed 003 §97)"), which showed on the screens and in the access letter. The change keeps its
 * history like any other. Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(
      `
    SELECT set_config('kbi.actor', 'system:migration', true);
    UPDATE authorisations SET reference = 'VTC, beslissing van 25 juli 2012', valid_from = now()
     WHERE reference = 'VTC, beslissing van 25 juli 2012 (seed 003 §97)';
  `,
    )
    .execute(db);
}
