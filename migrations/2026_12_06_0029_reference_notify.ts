/**
 * A notice on channel kbi_references (payload `*`, at commit) whenever offices, staff,
 * organisations, courses or course modules change or go, so that a process may keep the reference
 * data a MAGDA answer names (an office's KBO and KBI numbers, a contact person's name, a centre's
 * Davinci number, a course and its module) in memory and forget it the moment it may have changed.
 * A new row needs no notice: only rows that were read are kept. Frozen in time.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION kbi_notify_reference_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('kbi_references', '*');
      RETURN NULL;
    END $$;
  `.execute(db);
  for (const table of ['offices', 'staff', 'organisations', 'courses', 'course_modules'])
    await sql
      .raw(
        `CREATE TRIGGER ${table}_notify_references AFTER UPDATE OR DELETE OR TRUNCATE ON ${table}
           FOR EACH STATEMENT EXECUTE FUNCTION kbi_notify_reference_change()`,
      )
      .execute(db);
}
