/**
 * Course-feed import throughput on PostgreSQL, side by side with PostgreSQL's own COPY of the same
 * rows into the same table, in the same run (issue 5: goal ≥ 50 % of COPY).
 *
 * On a scratch database with demo data it makes two identical courses of the first CVO (5 modules
 * of `lessons / 5` lessons each) and enrols the same persons in both. Course A's participation
 * file (CSV, one row per person per lesson, natural keys: INSZ, training code, course start,
 * module code, lesson start, enrolment number) goes through the import service — streamed from a
 * temporary file, parsed, checked, resolved and upserted in one transaction, as a partner's batch
 * would be. Course B's rows, already resolved to ids, are loaded with `COPY participations FROM
 * STDIN` by psql. Both land in `participations` with all its indexes, foreign keys and triggers.
 */
import { createWriteStream, createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { inTransaction, type Database } from '../server/platform/db.ts';
import { CodeLists } from '../server/platform/codes.ts';
import { importBatch } from '../server/modules/imports/imports.service.ts';

export interface ImportBench {
  rows: number;
  persons: number;
  lessons: number;
  fileBytes: number;
  importSeconds: number;
  importRowsPerSecond: number;
  copySeconds: number;
  copyRowsPerSecond: number;
  /** import rows/s ÷ COPY rows/s */
  ratio: number;
}

/**
 * Measures on `database` (a PostgreSQL scratch database with demo data; `url` its connection
 * string, for psql). `rows` is rounded to persons × lessons (at most as many persons as there are).
 */
export async function benchImports(database: Database & { url: string }, opts: { rows?: number; lessons?: number } = {}): Promise<ImportBench> {
  if (database.kind !== 'postgres') throw new Error('benchImports needs PostgreSQL');
  const lessons = Math.max(5, Math.round((opts.lessons ?? 500) / 5) * 5);
  const wanted = Math.max(1, Math.ceil((opts.rows ?? 1_000_000) / lessons));
  const { db } = database;
  const cvo = await db.selectFrom('organisations').select(['id']).where('kind', '=', 'CVO').orderBy('id').executeTakeFirst();
  if (!cvo) throw new Error('benchImports needs demo data (a CVO)');
  const people = await db.selectFrom('persons').select(['id', 'insz']).orderBy('id').limit(wanted).execute();
  const persons = people.length;
  const tag = Date.now().toString(36).toUpperCase();

  // Two identical courses, every person enrolled in both.
  const courses: Record<'A' | 'B', string> = { A: '', B: '' };
  await inTransaction(db, 'bench:setup', async (tx) => {
    for (const which of ['A', 'B'] as const) {
      const [c] = (
        await sql<{ id: string }>`INSERT INTO courses (provider_id, course_type, name, training_code, start_date)
        VALUES (${cvo.id}, 'NT2', ${`Bench ${which}`}, ${`BENCH-${which}-${tag}`}, '2024-01-01') RETURNING id`.execute(tx)
      ).rows;
      courses[which] = c!.id;
      await sql`INSERT INTO course_modules (course_id, code, name, sequence) SELECT ${c!.id}, 'M' || m, 'Module ' || m, m FROM generate_series(1, 5) m`.execute(
        tx,
      );
      await sql`INSERT INTO lessons (module_id, starts_at, duration_minutes)
        SELECT m.id, timestamptz '2024-01-01 08:00+00' + ((m.sequence - 1) * ${lessons / 5} + l) * interval '1 hour', 120
          FROM course_modules m, generate_series(0, ${lessons / 5 - 1}) l WHERE m.course_id = ${c!.id}`.execute(tx);
      await sql`INSERT INTO enrolments (person_id, course_id, enrolled_on, status, external_id)
        SELECT id, ${c!.id}, '2023-12-15', 'LOPEND', ${`B${which}-`} || id::text FROM unnest(${people.map((p) => p.id)}::uuid[]) AS u(id)`.execute(tx);
    }
  });
  await sql`ANALYZE courses, course_modules, lessons, enrolments, participations`.execute(db);

  const dir = mkdtempSync(join(tmpdir(), 'kbi-bench-import-'));
  try {
    // Course A's feed: natural keys, as a centre sends it.
    const file = join(dir, 'participations.csv');
    const out = createWriteStream(file);
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    await write('insz;trainingCode;courseStart;moduleCode;lessonStart;enrolmentNumber;attendance\n');
    const perModule = lessons / 5;
    for (const [i, p] of people.entries()) {
      let block = '';
      for (let l = 0; l < lessons; l++) {
        const at = new Date(Date.UTC(2024, 0, 1, 8 + l)).toISOString().slice(0, 19) + 'Z';
        block += `${p.insz};BENCH-A-${tag};2024-01-01;M${Math.floor(l / perModule) + 1};${at};BA-${p.id};${(i + l) % 9 === 0 ? 'ABSENT' : 'PRESENT'}\n`;
      }
      await write(block);
    }
    out.end();
    await once(out, 'finish');
    const rows = persons * lessons;

    const codes = await CodeLists.load(db);
    const deps = { db, database, codes, acceptTestInsz: true };
    const ctx = { actor: { id: 'bench:cvo', kind: 'partner' as const, organisationId: cvo.id, role: null, officeIds: [] }, requestId: 'bench' };
    let started = process.hrtime.bigint();
    const outcome = await importBatch(deps, ctx, { kind: 'participations', batchId: `bench-${tag}`, format: 'csv', body: createReadStream(file) });
    const importSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (outcome.status !== 'succeeded' || outcome.run.rowsInserted !== rows) {
      throw new Error(`bench import did not succeed: ${JSON.stringify(outcome.run).slice(0, 1000)}`);
    }

    // Course B's same rows, resolved to ids, through PostgreSQL's own COPY.
    const copyFile = join(dir, 'participations.copy');
    const env = { ...process.env, PGOPTIONS: '-c kbi.actor=bench:copy -c TimeZone=UTC' };
    execFileSync(
      'psql',
      [
        database.url,
        '-v',
        'ON_ERROR_STOP=1',
        '-qc',
        `\\copy (SELECT e.person_id, e.id, l.id, CASE WHEN (row_number() OVER (ORDER BY e.person_id, l.starts_at) - 1) % 9 = 0 THEN 'ABSENT' ELSE 'PRESENT' END, l.starts_at
         FROM enrolments e JOIN course_modules m ON m.course_id = e.course_id JOIN lessons l ON l.module_id = m.id
        WHERE e.course_id = '${courses.B}' ORDER BY e.person_id, l.starts_at) TO '${copyFile}'`,
      ],
      { env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    started = process.hrtime.bigint();
    execFileSync(
      'psql',
      [database.url, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy participations (person_id, enrolment_id, lesson_id, attendance, valid_from) FROM '${copyFile}'`],
      { env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const copySeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const copied = await db
      .selectFrom('participations as p')
      .innerJoin('enrolments as e', 'e.id', 'p.enrolment_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('e.course_id', '=', courses.B)
      .executeTakeFirstOrThrow();
    if (Number(copied.n) !== rows) throw new Error(`COPY loaded ${copied.n} rows, expected ${rows}`);

    const importRowsPerSecond = rows / importSeconds,
      copyRowsPerSecond = rows / copySeconds;
    return {
      rows,
      persons,
      lessons,
      fileBytes: statSync(file).size,
      importSeconds,
      importRowsPerSecond,
      copySeconds,
      copyRowsPerSecond,
      ratio: importRowsPerSecond / copyRowsPerSecond,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
