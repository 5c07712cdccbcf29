/** The synthetic population: valid, whole, deterministic, shaped like the published tables, and safe to extend. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../../../tests/support/databases.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { parseKbo } from '../../platform/identifiers/kbo.ts';
import { untyped, type Database } from '../../platform/db.ts';
import { ALL_RESOURCES } from '../dossier/clusters.ts';
import { DEMO_TODAY_ISO, generateDemoData } from './generator.ts';

const count = async (db: Database, table: string) =>
  Number(
    (
      await untyped(db.db)
        .selectFrom(table)
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const one = async <T>(db: Database, text: string): Promise<T> => (await sql.raw<{ v: T }>(text).execute(db.db)).rows[0]!.v;

/** A table as sorted JSON, without the recording time (the only thing allowed to differ between runs). */
async function snapshot(db: Database, table: string): Promise<string[]> {
  const rows = (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(db.db)).rows;
  return rows.map(({ sys_from, ...rest }) => JSON.stringify(rest)).sort();
}

const MAIN_TABLES = [
  'organisations',
  'offices',
  'staff',
  'courses',
  'course_modules',
  'lessons',
  'persons',
  'dossiers',
  'invitations',
  'target_group_determinations',
  'registrations',
  'contracts',
  'contract_parts',
  'trajectories',
  'trajectory_components',
  'enrolments',
  'participations',
  'waiting_list_entries',
  'test_results',
  'level_attainments',
  'language_skills',
  'literacy_assessments',
  'advice',
  'perspectives',
  'conversations',
  'certificates',
  'infringement_cases',
  'infringements',
  'infringement_facts',
  'infringement_decisions',
  'appointments',
];

for (const which of TEST_DATABASES) {
  describe(`demo data generator (${which.name})`, () => {
    test('300 persons with valid identifiers, whole dossiers and consistent references', async (t) => {
      const db = await which.open();
      t.after(() => db.close());
      const progress: number[] = [];
      const summary = await generateDemoData(db, { persons: 300, seed: 7, batchSize: 100, onProgress: (done) => progress.push(done) });
      assert.deepEqual(progress, [100, 200, 300]);
      assert.equal(summary.persons, 300);
      assert.equal(summary.rows.persons, 300);

      const persons = await db.db.selectFrom('persons').select(['id', 'insz', 'gender', 'birth_date']).execute();
      assert.equal(persons.length, 300);
      for (const p of persons) {
        const parsed = parseInsz(p.insz, { today: new Date('2026-11-24') });
        assert.ok(parsed.ok, `INSZ ${p.insz} is valid`);
        assert.equal(parsed.insz.birthDate, p.birth_date, 'the INSZ encodes the birth date');
      }
      assert.ok(
        persons.some((p) => parseInsz(p.insz).ok && (parseInsz(p.insz) as { insz: { kind: string } }).insz.kind === 'bis'),
        'some bis numbers',
      );
      for (const o of await db.db.selectFrom('organisations').select('enterprise_number').execute()) {
        const kbo = parseKbo(o.enterprise_number ?? '');
        assert.ok(kbo.ok && kbo.kind === 'enterprise', `enterprise number ${o.enterprise_number}`);
      }
      for (const o of await db.db.selectFrom('offices').select(['kbo_number', 'kbi_key']).execute()) {
        const kbo = parseKbo(o.kbo_number ?? '');
        assert.ok(kbo.ok && kbo.kind === 'establishment', `establishment number ${o.kbo_number}`);
        assert.match(o.kbi_key, /^[0-9A-F]{32}$/);
      }
      const kinds = (await db.db.selectFrom('organisations').select('kind').distinct().execute()).map((r) => r.kind).sort();
      assert.deepEqual(kinds, ['ABB', 'AGENCY', 'AHOVOKS', 'CBE', 'CVO', 'DVZ', 'HOUSE_OF_DUTCH', 'OCMW', 'VDAB', 'VMSW']);

      // Every person has exactly one dossier, with a case lead, a managing office and a contact person.
      assert.equal(await one(db, `SELECT count(*)::int AS v FROM persons p WHERE NOT EXISTS (SELECT 1 FROM dossiers d WHERE d.person_id = p.id)`), 0);
      assert.equal(await count(db, 'dossiers'), 300);
      assert.equal(
        await one(
          db,
          `SELECT count(*)::int AS v FROM dossiers WHERE case_lead_organisation_id IS NULL OR managing_office_id IS NULL OR contact_staff_id IS NULL`,
        ),
        0,
      );
      for (const table of MAIN_TABLES) assert.ok((await count(db, table)) > 0, `${table} has rows`);

      // Every participation is at a lesson of the enrolment's own module, by the enrolled person, within the enrolment,
      // and every lesson held while enrolled has its participation row.
      assert.equal(
        await one(
          db,
          `SELECT count(*)::int AS v FROM participations p JOIN enrolments e ON e.id = p.enrolment_id JOIN lessons l ON l.id = p.lesson_id
        WHERE l.module_id <> e.module_id OR p.person_id <> e.person_id OR l.starts_at::date < e.start_date OR l.starts_at::date > coalesce(e.end_date, '${DEMO_TODAY_ISO}')`,
        ),
        0,
      );
      assert.equal(
        await one(
          db,
          `SELECT count(*)::int AS v FROM enrolments e JOIN lessons l ON l.module_id = e.module_id
        WHERE l.starts_at::date BETWEEN e.start_date AND least(coalesce(e.end_date, '${DEMO_TODAY_ISO}'), '${DEMO_TODAY_ISO}') AND e.status <> 'UITGESCHREVEN'
          AND NOT EXISTS (SELECT 1 FROM participations p WHERE p.enrolment_id = e.id AND p.lesson_id = l.id)`,
        ),
        0,
      );
      // Lessons are shared: persons enrol in the catalogue's groups, not in a course of their own.
      assert.ok((await one<number>(db, `SELECT max(n)::int AS v FROM (SELECT count(DISTINCT person_id) AS n FROM enrolments GROUP BY course_id) x`)) > 1);
      // Attendance: most attend (present or justified) at least 80 %, some less, a few less than half.
      const rates = (
        await sql<{ r: number }>`SELECT avg((attendance <> 'ABSENT')::int)::float AS r FROM participations GROUP BY person_id`.execute(db.db)
      ).rows.map((x) => x.r);
      assert.ok(rates.filter((r) => r >= 0.8).length > rates.length / 2, 'most attend regularly');
      assert.ok(
        rates.some((r) => r < 0.8),
        'some fall below 80 %',
      );
      assert.ok(
        rates.some((r) => r < 0.5),
        'a few fall below 50 %',
      );

      // seed 002: a wished date always comes with a time window (the table's CHECK enforces it too).
      assert.equal(await one(db, `SELECT count(*)::int AS v FROM appointments WHERE wished_date IS NOT NULL AND time_window IS NULL`), 0);
      // Later events never come before earlier ones, and nothing lies after the demo's today.
      for (const [label, text] of [
        [
          'registration before invitation',
          `SELECT count(*)::int AS v FROM registrations r JOIN invitations i ON i.id = r.invitation_id WHERE r.registered_on < i.sent_on`,
        ],
        [
          'contract before registration',
          `SELECT count(*)::int AS v FROM contracts c JOIN registrations r ON r.person_id = c.person_id WHERE c.signed_on < r.registered_on`,
        ],
        [
          'enrolment before contract',
          `SELECT count(*)::int AS v FROM enrolments e JOIN contracts c ON c.person_id = e.person_id WHERE e.enrolled_on < c.signed_on`,
        ],
        [
          'component outside its trajectory',
          `SELECT count(*)::int AS v FROM trajectory_components c JOIN trajectories t ON t.id = c.trajectory_id
          WHERE c.start_date < t.start_date OR (t.end_date IS NOT NULL AND (c.end_date IS NULL OR c.end_date > t.end_date))`,
        ],
        [
          'decision before its case was received',
          `SELECT count(*)::int AS v FROM infringement_decisions d JOIN infringement_cases c ON c.id = d.case_id WHERE d.decided_on < c.received_on`,
        ],
        [
          'infringement before the invitation',
          `SELECT count(*)::int AS v FROM infringements f JOIN invitations i ON i.person_id = f.person_id WHERE f.established_on < i.sent_on`,
        ],
        [
          'a record valid from after today',
          `SELECT count(*)::int AS v FROM (SELECT valid_from FROM participations UNION ALL SELECT valid_from FROM certificates
          UNION ALL SELECT valid_from FROM infringement_decisions UNION ALL SELECT valid_from FROM trajectories) x WHERE valid_from > '${DEMO_TODAY_ISO}'`,
        ],
      ] as const)
        assert.equal(await one(db, text), 0, label);

      // Every coded value is in its code list, and in force on the day of its record.
      for (const r of ALL_RESOURCES) {
        for (const f of r.fields) {
          if (f.type !== 'code' && f.type !== 'codes') continue;
          const values =
            f.type === 'code'
              ? `SELECT t.${f.column} AS v, t.valid_from::date AS d FROM ${r.table} t WHERE t.${f.column} IS NOT NULL`
              : `SELECT u AS v, t.valid_from::date AS d FROM ${r.table} t, unnest(t.${f.column}) u`;
          const bad = await one<number>(
            db,
            `SELECT count(*)::int AS v FROM (${values}) x LEFT JOIN code_list c ON c.list = '${f.list}' AND c.code = x.v
            WHERE c.code IS NULL OR (c.valid_to IS NOT NULL AND x.d > c.valid_to) ${['decision', 'end_reason'].includes(f.column) ? '' : 'OR (c.valid_from IS NOT NULL AND x.d < c.valid_from)'}`,
          );
          assert.equal(bad, 0, `${r.table}.${f.column} holds codes of list ${f.list} in force on the day`);
        }
      }
      // Every row was recorded by the generator (or, corrected later, by the demo corrector), from the day of its business event.
      for (const table of ['persons', 'contracts', 'participations', 'organisations', 'lessons']) {
        const actors = await sql.raw<{ recorded_by: string }>(`SELECT DISTINCT recorded_by FROM ${table} ORDER BY 1`).execute(db.db);
        assert.ok(
          actors.rows.every((r) => r.recorded_by === 'system:demo-generator' || r.recorded_by === 'system:demo-correction'),
          table,
        );
      }
      // A world with a past: each record was recorded on or soon after its business day (not at seeding time),
      // the earliest in 2015, and some were corrected later, their earlier version kept in the history.
      assert.equal(
        await one(db, `SELECT count(*)::int AS v FROM contracts WHERE version = 1 AND (sys_from < valid_from OR sys_from > valid_from + interval '40 days')`),
        0,
      );
      assert.ok((await one<string>(db, `SELECT min(sys_from)::date::text AS v FROM persons`)) < '2015-03-01', 'records from 2015 on');
      const corrected = await one<number>(
        db,
        `SELECT count(*)::int AS v FROM (SELECT id FROM persons_history UNION ALL SELECT id FROM contracts_history UNION ALL SELECT id FROM certificates_history
           UNION ALL SELECT id FROM target_group_determinations_history UNION ALL SELECT id FROM infringement_decisions_history) h`,
      );
      assert.ok(corrected >= 3 && corrected <= 30, `about 4 % of 300 persons have a corrected record (${corrected})`);
      assert.equal(
        await one(
          db,
          `SELECT count(*)::int AS v FROM contracts_history h JOIN contracts c USING (id) WHERE NOT (h.sys_to = c.sys_from AND h.version = 1 AND c.version = 2 AND h.sys_from < h.sys_to)`,
        ),
        0,
        'the earlier version ends when the correction starts',
      );
      assert.equal(await one(db, `SELECT count(*)::int AS v FROM contracts WHERE valid_from::date <> signed_on`), 0, 'valid_from is the business date');

      // Shaped like the published tables: t05 (≈ 55 % women), t06 (≈ half obliged among contracts).
      const women = persons.filter((p) => p.gender === '2').length / persons.length;
      assert.ok(women > 0.45 && women < 0.66, `share of women ${women} near table 5 (≈ 0.55)`);
      const obliged = await one<number>(
        db,
        `SELECT avg((t.type = 'PLICHT')::int)::float AS v FROM contracts c JOIN target_group_determinations t ON t.person_id = c.person_id`,
      );
      assert.ok(obliged > 0.3 && obliged < 0.7, `share obliged among contracts ${obliged} near table 6 (≈ 0.49)`);
      assert.equal(
        await one(db, `SELECT count(*)::int AS v FROM infringement_decisions WHERE (decision = 'BOETE') <> (fine_amount BETWEEN 50 AND 5000)`),
        0,
        'fines of 50–5,000 EUR',
      );
    });

    test('3,000 persons look like the published tables: infringements, certificates, agencies, minors', async (t) => {
      const db = await which.open();
      t.after(() => db.close());
      await generateDemoData(db, { persons: 3000, seed: 1 });
      const [r] = (
        await sql<{ contracts: number; cases: number; certificates: number; firsts: number; atlas: number; minors: number; persons: number }>`
        WITH f AS (SELECT DISTINCT ON (c.person_id) c.person_id, c.signed_on, c.office_id FROM contracts c ORDER BY c.person_id, c.signed_on)
        SELECT (SELECT count(*) FROM f)::int AS contracts,
               (SELECT count(*) FROM infringement_cases)::int AS cases,
               (SELECT count(DISTINCT person_id) FROM certificates WHERE kind = 'INTEGRATION' AND issued_on BETWEEN '2019-01-01' AND '2024-12-31')::int AS certificates,
               (SELECT count(*) FROM f WHERE signed_on BETWEEN '2019-01-01' AND '2024-12-31')::int AS firsts,
               (SELECT count(*) FROM f JOIN offices o ON o.id = f.office_id JOIN organisations g ON g.id = o.organisation_id WHERE g.agency = 'ATLAS')::int AS atlas,
               (SELECT count(*) FROM target_group_determinations WHERE type = 'MINDERJARIG')::int AS minors,
               (SELECT count(*) FROM persons)::int AS persons`.execute(db.db)
      ).rows;
      const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
      // Published: t09/t02 0.059 infringement cases per first contract; t08/t02 0.80 certificates; t02 Atlas 22.2 %.
      assert.ok(ratio(r!.cases, r!.contracts) > 0.04 && ratio(r!.cases, r!.contracts) < 0.08, `cases per contract ${ratio(r!.cases, r!.contracts)}`);
      assert.ok(
        ratio(r!.certificates, r!.firsts) > 0.65 && ratio(r!.certificates, r!.firsts) < 0.95,
        `certificates per contract ${ratio(r!.certificates, r!.firsts)}`,
      );
      assert.ok(ratio(r!.atlas, r!.contracts) > 0.19 && ratio(r!.atlas, r!.contracts) < 0.255, `Atlas share ${ratio(r!.atlas, r!.contracts)}`);
      assert.ok(ratio(r!.minors, r!.persons) > 0.015 && ratio(r!.minors, r!.persons) < 0.05, `minors ${ratio(r!.minors, r!.persons)}`);
      assert.equal(
        await one(db, `SELECT count(*)::int AS v FROM contracts c JOIN target_group_determinations t USING (person_id) WHERE t.type = 'MINDERJARIG'`),
        0,
        'minors sign no contract',
      );
      // A minor's track is school: DISCIMUS was asked about every minor, about no adult, and every
      // answer names the school year it was asked in (so the DISCIMUS base set has figures).
      const [school] = (
        await sql<{ minors: number; asked: number; adults: number; wrongYear: number; enrolled: number; answered: number }>`
        WITH m AS (SELECT DISTINCT person_id FROM target_group_determinations WHERE type = 'MINDERJARIG')
        SELECT (SELECT count(*) FROM m)::int AS minors,
               (SELECT count(DISTINCT q.person_id) FROM discimus_queries q JOIN m USING (person_id))::int AS asked,
               (SELECT count(*) FROM discimus_queries q WHERE q.person_id NOT IN (SELECT person_id FROM m))::int AS adults,
               (SELECT count(*) FROM discimus_queries q WHERE q.status = 'answered' AND (q.answer->>'schoolYear' <> q.school_year OR q.answered_at < q.asked_at))::int AS "wrongYear",
               (SELECT count(*) FROM discimus_queries q WHERE (q.answer->>'enrolled')::boolean)::int AS enrolled,
               (SELECT count(*) FROM discimus_queries q WHERE q.status = 'answered')::int AS answered`.execute(db.db)
      ).rows;
      assert.equal(school!.asked, school!.minors, 'every minor was asked about');
      assert.equal(school!.adults, 0, 'no adult was asked about');
      assert.equal(school!.wrongYear, 0, 'answers match their question');
      assert.ok(school!.enrolled > 0.7 * school!.answered && school!.enrolled < school!.answered, `${school!.enrolled} of ${school!.answered} enrolled`);
      // VMSW checked the language requirement of exactly the persons whose housing requirement was assessed.
      assert.equal(
        await one(db, `SELECT count(*)::int AS v FROM language_requirement_checks`),
        await one(db, `SELECT count(DISTINCT person_id)::int AS v FROM housing_requirements`),
      );
      assert.ok((await one<number>(db, `SELECT count(*)::int AS v FROM language_requirement_checks`)) > 50, 'VMSW checks exist');
    });

    test('the same persons and seed give the same rows', async (t) => {
      const a = await which.open();
      const b = await which.open();
      t.after(async () => {
        await a.close();
        await b.close();
      });
      await generateDemoData(a, { persons: 150, seed: 3 });
      await generateDemoData(b, { persons: 150, seed: 3, batchSize: 40 });
      for (const table of ['persons', 'contracts', 'participations', 'enrolments', 'infringements', 'lessons', 'offices', 'discimus_queries']) {
        assert.deepEqual(await snapshot(a, table), await snapshot(b, table), `${table} identical`);
      }
      const c = await generateDemoData(b, { persons: 0, seed: 4 });
      assert.equal(c.persons, 0);
    });

    test('calling it again adds persons without collisions and reuses the organisations', async (t) => {
      const db = await which.open();
      t.after(() => db.close());
      await generateDemoData(db, { persons: 150, seed: 3 });
      const organisations = await count(db, 'organisations');
      const firstIds = new Set((await db.db.selectFrom('persons').select('id').execute()).map((r) => r.id));
      await generateDemoData(db, { persons: 150, seed: 3 }); // the same seed again: still new people
      assert.equal(await count(db, 'persons'), 300);
      assert.equal(await count(db, 'organisations'), organisations, 'the demo world is made once');
      for (const [label, text] of [
        ['distinct INSZ', `SELECT count(DISTINCT insz)::int AS v FROM persons`],
        ['distinct dossier numbers', `SELECT count(DISTINCT dossier_number)::int AS v FROM dossiers`],
        ['persons with a dossier', `SELECT count(DISTINCT person_id)::int AS v FROM dossiers`],
      ] as const)
        assert.equal(await one(db, text), 300, label);
      const added = (await db.db.selectFrom('persons').select('id').execute()).filter((r) => !firstIds.has(r.id));
      assert.equal(added.length, 150);
      assert.equal(await one(db, `SELECT count(*)::int AS v FROM courses c WHERE (SELECT count(*) FROM courses d WHERE d.id = c.id) > 1`), 0);
    });
  });
}
