/**
 * One statement per chunk of checked rows: it resolves the natural keys (person by INSZ, course by
 * provider + training code + start date, module by code, lesson by start, enrolment by number or
 * by person), names every row that does not resolve or repeats an earlier line of the batch, and
 * upserts the others — all server-side, with one array parameter per column. A chunk names few
 * distinct persons, modules, lessons and enrolments: the rows refer to numbered lists of them
 * (built here), each looked up once, and joined back by that number. Rows already stored
 * with the same values are left alone (no new version); changed ones get a new version, the old
 * one kept by the history trigger.
 *
 * Repeats are found through `kbi_import_seen`, a temporary table of the keys written so far in
 * this transaction (dropped at its end), so memory in the process does not grow with the batch.
 */
import { sql } from 'kysely';
import type { Tx } from '../../platform/db.ts';
import type { ImportKind, RowError } from './imports.formats.ts';
import { isRowErrorCode, rowError } from './imports.errors.ts';
import type { EnrolmentRow, ParticipationRow } from './imports.rows.ts';

export interface ChunkResult {
  inserted: number;
  updated: number;
  problems: RowError[];
}

/** Prepares the import's transaction: its table of keys written, and no JIT (it costs more than it saves on chunk statements). */
export async function createSeenTable(tx: Tx, kind: ImportKind): Promise<void> {
  await sql`SET LOCAL jit = off`.execute(tx);
  // participations: enrolment × lesson; enrolments: course × enrolment number.
  await sql
    .raw(
      `CREATE TEMPORARY TABLE kbi_import_seen (a uuid NOT NULL, b ${kind === 'participations' ? 'uuid' : 'text'} NOT NULL, line integer NOT NULL, PRIMARY KEY (a, b)) ON COMMIT DROP`,
    )
    .execute(tx);
}

/** Numbers the distinct values of a chunk (1, 2, …), in first-seen order. */
class Keys<T> {
  readonly list: T[] = [];
  readonly #index = new Map<string, number>();
  of(key: string, value: () => T): number {
    let i = this.#index.get(key);
    if (i === undefined) {
      this.list.push(value());
      i = this.list.length;
      this.#index.set(key, i);
    }
    return i;
  }
  col<K extends keyof T>(k: K): T[K][] {
    return this.list.map((v) => v[k]);
  }
}

interface ModuleKey {
  providerId: string;
  trainingCode: string;
  courseStart: string;
  moduleCode: string | null;
}
const moduleKey = (r: ModuleKey) => `${r.providerId}|${r.trainingCode}|${r.courseStart}|${r.moduleCode ?? ''}`;

/** m: each distinct course module named in the chunk, resolved once. */
function modulesCte(modules: Keys<ModuleKey>) {
  return sql`m AS MATERIALIZED (
      SELECT k.idx::int AS idx, k.module_code, c.n AS course_n, c.id AS course_id, md.id AS module_id
        FROM unnest(${modules.col('providerId')}::uuid[], ${modules.col('trainingCode')}::text[], ${modules.col('courseStart')}::date[], ${modules.col('moduleCode')}::text[])
               WITH ORDINALITY AS k(provider_id, training_code, course_start, module_code, idx)
        LEFT JOIN LATERAL (SELECT count(*)::int AS n, min(c.id::text)::uuid AS id FROM courses c
                             WHERE c.provider_id = k.provider_id AND c.training_code = k.training_code AND c.start_date = k.course_start) c ON true
        LEFT JOIN LATERAL (SELECT md.id FROM course_modules md WHERE md.course_id = c.id AND md.code = k.module_code ORDER BY md.sequence, md.id LIMIT 1) md
               ON c.n = 1 AND k.module_code IS NOT NULL
    )`;
}

/** p: each distinct person named in the chunk. */
function personsCte(persons: Keys<string>) {
  return sql`p AS MATERIALIZED (
      SELECT k.idx::int AS idx, ps.id AS person_id FROM unnest(${persons.list}::text[]) WITH ORDINALITY AS k(insz, idx) LEFT JOIN persons ps ON ps.insz = k.insz
    )`;
}

// A problem is `column|code` or `column|code|line` (the line of an earlier row it repeats): see imports.errors.ts.
const COURSE_PROBLEMS = sql`WHEN person_id IS NULL THEN 'insz|unknownPerson'
      WHEN course_n = 0 THEN 'trainingCode|unknownCourse'
      WHEN course_n > 1 THEN 'trainingCode|ambiguousCourse'`;

function split(rows: { line: number | null; problem: string | null }[]): RowError[] {
  return rows
    .filter((r) => r.problem !== null)
    .map((r) => {
      const [column, code, line] = r.problem!.split('|') as [string, string, string | undefined];
      if (!isRowErrorCode(code)) throw new Error(`import statement: unknown problem code ${code}`);
      return rowError(r.line, column, code, line ? { line: Number(line) } : {});
    });
}

async function run(tx: Tx, statement: ReturnType<typeof sql<unknown>>): Promise<ChunkResult> {
  const { rows } = (await statement.execute(tx)) as {
    rows: { line: number | null; problem: string | null; inserted: number | null; updated: number | null }[];
  };
  const head = rows.find((r) => r.line === null && r.problem === null)!;
  return { inserted: Number(head.inserted ?? 0), updated: Number(head.updated ?? 0), problems: split(rows).sort((a, b) => a.line! - b.line!) };
}

/** Participations of one chunk; `write` false: only check (the batch already failed). */
export function writeParticipations(tx: Tx, rows: ParticipationRow[], write: boolean): Promise<ChunkResult> {
  return run(tx, participationStatement(rows, write));
}

export function participationStatement(rows: ParticipationRow[], write: boolean) {
  const persons = new Keys<string>(),
    modules = new Keys<ModuleKey>();
  const lessons = new Keys<{ midx: number; start: string }>(),
    enrolments = new Keys<{ pidx: number; midx: number; number: string | null }>();
  const lidx: number[] = [],
    eidx: number[] = [];
  for (const r of rows) {
    const pidx = persons.of(r.insz, () => r.insz);
    const mk = moduleKey(r);
    const midx = modules.of(mk, () => ({ providerId: r.providerId, trainingCode: r.trainingCode, courseStart: r.courseStart, moduleCode: r.moduleCode }));
    lidx.push(lessons.of(`${midx}|${r.lessonStart}`, () => ({ midx, start: r.lessonStart })));
    eidx.push(enrolments.of(`${pidx}|${midx}|${r.enrolmentNumber ?? ''}`, () => ({ pidx, midx, number: r.enrolmentNumber })));
  }
  return sql`
    WITH ${modulesCte(modules)}, ${personsCte(persons)}, l AS MATERIALIZED (
      SELECT k.idx::int AS idx, ls.id AS lesson_id, ls.starts_at
        FROM unnest(${lessons.col('midx')}::int[], ${lessons.col('start')}::text[]) WITH ORDINALITY AS k(midx, lesson_start, idx)
        JOIN m ON m.idx = k.midx
        LEFT JOIN LATERAL (SELECT ls.id, ls.starts_at FROM lessons ls WHERE ls.module_id = m.module_id
                             AND ls.starts_at = CASE WHEN k.lesson_start ~ '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$' THEN k.lesson_start::timestamptz
                                                     ELSE k.lesson_start::timestamp AT TIME ZONE 'Europe/Brussels' END
                             ORDER BY ls.id LIMIT 1) ls ON true
    ), e AS MATERIALIZED (
      SELECT k.idx::int AS idx, k.number AS enrolment_number, p.person_id, m.course_n, m.module_id,
             COALESCE(en.n, ep.n) AS enrolment_n, COALESCE(en.id, ep.id) AS enrolment_id,
             COALESCE(en.person_id, ep.person_id) AS enrolment_person, COALESCE(en.module_id, ep.module_id) AS enrolment_module
        FROM unnest(${enrolments.col('pidx')}::int[], ${enrolments.col('midx')}::int[], ${enrolments.col('number')}::text[]) WITH ORDINALITY AS k(pidx, midx, number, idx)
        JOIN p ON p.idx = k.pidx
        JOIN m ON m.idx = k.midx
        LEFT JOIN LATERAL (SELECT count(*)::int AS n, min(x.id::text)::uuid AS id, min(x.person_id::text)::uuid AS person_id, min(x.module_id::text)::uuid AS module_id
                             FROM enrolments x WHERE x.course_id = m.course_id AND x.external_id = k.number) en ON k.number IS NOT NULL AND m.module_id IS NOT NULL
        LEFT JOIN LATERAL (SELECT count(*)::int AS n, min(x.id::text)::uuid AS id, min(x.person_id::text)::uuid AS person_id, min(x.module_id::text)::uuid AS module_id
                             FROM enrolments x WHERE x.person_id = p.person_id AND x.course_id = m.course_id AND (x.module_id = m.module_id OR x.module_id IS NULL)) ep
               ON k.number IS NULL AND m.module_id IS NOT NULL
    ), r AS (
      SELECT u.line, u.attendance, e.*, l.lesson_id, l.starts_at
        FROM unnest(${rows.map((r) => r.line)}::int[], ${lidx}::int[], ${eidx}::int[], ${rows.map((r) => r.attendance)}::text[]) AS u(line, lidx, eidx, attendance)
        JOIN l ON l.idx = u.lidx
        JOIN e ON e.idx = u.eidx
    ), k AS (
      SELECT r.*, s.line AS seen_line, min(r.line) OVER (PARTITION BY r.enrolment_id, r.lesson_id) AS first_line
        FROM r LEFT JOIN kbi_import_seen s ON s.a = r.enrolment_id AND s.b = r.lesson_id
    ), v AS (
      SELECT k.*, CASE
        ${COURSE_PROBLEMS}
        WHEN module_id IS NULL THEN 'moduleCode|unknownModule'
        WHEN lesson_id IS NULL THEN 'lessonStart|unknownLesson'
        WHEN enrolment_n = 0 AND enrolment_number IS NOT NULL THEN 'enrolmentNumber|unknownEnrolment'
        WHEN enrolment_n = 0 THEN 'insz|notEnrolled'
        WHEN enrolment_n > 1 THEN 'enrolmentNumber|ambiguousEnrolment'
        WHEN enrolment_person <> person_id THEN 'enrolmentNumber|enrolmentOfOtherPerson'
        WHEN enrolment_module IS NOT NULL AND enrolment_module <> module_id THEN 'moduleCode|enrolmentOfOtherModule'
        WHEN seen_line IS NOT NULL THEN 'lessonStart|duplicateAttendance|' || seen_line
        WHEN first_line <> line THEN 'lessonStart|duplicateAttendance|' || first_line
      END AS problem
        FROM k
    ), seen AS (
      INSERT INTO kbi_import_seen (a, b, line) SELECT enrolment_id, lesson_id, line FROM v WHERE problem IS NULL RETURNING 1
    ), ins AS (
      INSERT INTO participations (person_id, enrolment_id, lesson_id, attendance, valid_from, lesson_on)
      SELECT person_id, enrolment_id, lesson_id, attendance, starts_at, (starts_at AT TIME ZONE 'Europe/Brussels')::date FROM v WHERE problem IS NULL AND ${write}::boolean
      ON CONFLICT (enrolment_id, lesson_id, lesson_on) DO UPDATE SET attendance = EXCLUDED.attendance
        WHERE participations.attendance IS DISTINCT FROM EXCLUDED.attendance
      -- Not xmax: a partitioned table (migration 0038) has no system columns to return. An update is a
      -- new version (the history trigger counts it), an insert the first.
      RETURNING (version = 1) AS inserted
    )
    ${TAIL}`;
}

const TAIL = sql`SELECT NULL::int AS line, NULL::text AS problem, (SELECT count(*) FILTER (WHERE inserted) FROM ins)::int AS inserted,
           (SELECT count(*) FILTER (WHERE NOT inserted) FROM ins)::int AS updated, (SELECT count(*) FROM seen)::int AS seen
    UNION ALL
    SELECT line, problem, NULL, NULL, NULL FROM v WHERE problem IS NOT NULL`;

/** Enrolments of one chunk, upserted by course and the sender's enrolment number. */
export function writeEnrolments(tx: Tx, rows: EnrolmentRow[], write: boolean): Promise<ChunkResult> {
  const persons = new Keys<string>(),
    modules = new Keys<ModuleKey>();
  const pidx: number[] = [],
    midx: number[] = [];
  for (const r of rows) {
    pidx.push(persons.of(r.insz, () => r.insz));
    midx.push(
      modules.of(moduleKey(r), () => ({ providerId: r.providerId, trainingCode: r.trainingCode, courseStart: r.courseStart, moduleCode: r.moduleCode })),
    );
  }
  const col = <K extends keyof EnrolmentRow>(k: K) => rows.map((r) => r[k]);
  return run(
    tx,
    sql`
    WITH ${modulesCte(modules)}, ${personsCte(persons)}, r AS (
      SELECT u.*, p.person_id, m.course_n, m.course_id, m.module_id, m.module_code, x.person_id AS existing_person
        FROM unnest(${col('line')}::int[], ${pidx}::int[], ${midx}::int[], ${col('enrolmentNumber')}::text[], ${col('enrolledOn')}::date[], ${col('startDate')}::date[],
                    ${col('endDate')}::date[], ${col('status')}::text[], ${col('targetAttendanceRate')}::numeric[], ${col('exitReason')}::text[], ${col('result')}::text[])
          AS u(line, pidx, midx, enrolment_number, enrolled_on, start_date, end_date, status, rate, exit_reason, result)
        JOIN p ON p.idx = u.pidx
        JOIN m ON m.idx = u.midx
        LEFT JOIN enrolments x ON m.course_n = 1 AND x.course_id = m.course_id AND x.external_id = u.enrolment_number
    ), k AS (
      SELECT r.*, s.line AS seen_line, min(r.line) OVER (PARTITION BY r.course_id, r.enrolment_number) AS first_line
        FROM r LEFT JOIN kbi_import_seen s ON s.a = r.course_id AND s.b = r.enrolment_number
    ), v AS (
      SELECT k.*, CASE
        ${COURSE_PROBLEMS}
        WHEN module_code IS NOT NULL AND module_id IS NULL THEN 'moduleCode|unknownModule'
        WHEN existing_person IS NOT NULL AND existing_person <> person_id THEN 'enrolmentNumber|enrolmentNumberTaken'
        WHEN seen_line IS NOT NULL THEN 'enrolmentNumber|duplicateEnrolment|' || seen_line
        WHEN first_line <> line THEN 'enrolmentNumber|duplicateEnrolment|' || first_line
      END AS problem
        FROM k
    ), seen AS (
      INSERT INTO kbi_import_seen (a, b, line) SELECT course_id, enrolment_number, line FROM v WHERE problem IS NULL RETURNING 1
    ), ins AS (
      INSERT INTO enrolments (person_id, course_id, module_id, enrolled_on, start_date, end_date, status, target_attendance_rate, exit_reason, result, external_id)
      SELECT person_id, course_id, module_id, enrolled_on, start_date, end_date, status, COALESCE(rate, 80), exit_reason, result, enrolment_number
        FROM v WHERE problem IS NULL AND ${write}::boolean
      ON CONFLICT (course_id, external_id) WHERE external_id IS NOT NULL DO UPDATE SET
        module_id = EXCLUDED.module_id, enrolled_on = EXCLUDED.enrolled_on, start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date,
        status = EXCLUDED.status, target_attendance_rate = EXCLUDED.target_attendance_rate, exit_reason = EXCLUDED.exit_reason, result = EXCLUDED.result
      WHERE (enrolments.module_id, enrolments.enrolled_on, enrolments.start_date, enrolments.end_date, enrolments.status, enrolments.target_attendance_rate, enrolments.exit_reason, enrolments.result)
        IS DISTINCT FROM (EXCLUDED.module_id, EXCLUDED.enrolled_on, EXCLUDED.start_date, EXCLUDED.end_date, EXCLUDED.status, EXCLUDED.target_attendance_rate, EXCLUDED.exit_reason, EXCLUDED.result)
      RETURNING (xmax = 0) AS inserted
    )
    ${TAIL}`,
  );
}

export const WRITERS: Record<ImportKind, (tx: Tx, rows: any[], write: boolean) => Promise<ChunkResult>> = {
  participations: writeParticipations,
  enrolments: writeEnrolments,
};
