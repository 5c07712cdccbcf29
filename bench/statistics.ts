/**
 * Statistics at scale (issue 12): all base sets for one year on 1,000,000 persons with ten years of
 * history and 50 million participation rows on PostgreSQL, now and as known on a cut-off.
 *
 * The population is made in SQL (INSERT … SELECT over generate_series, deterministic through
 * setseed): the demo generator's whole life cycles would take the better part of an hour at this
 * size, and what is measured here is the statistics, not the generator. Record times (sys_from)
 * follow each row's event date over 2016–2026; 3 % of persons and contracts were corrected later,
 * their earlier version written to the history as the store's trigger would have.
 *
 *   KBI_BENCH_STAT_PERSONS  persons (default 1,000,000); participations are 50 per person
 */
import pg from 'pg';
import { scratchDatabase } from '../tests/support/databases.ts';
import { computeSet, periodOfYear } from '../server/modules/statistics/statistics.engine.ts';
import { historyTables } from '../server/modules/statistics/statistics.service.ts';
import { BASE_SETS } from '../server/modules/statistics/statistics.sets.ts';

const PERSONS = Number(process.env.KBI_BENCH_STAT_PERSONS ?? 1_000_000);

/** The statements that make the population, each timed. `:n` is the number of persons. */
export function population(n: number): [string, string][] {
  const enrolled = Math.round(n / 2); // half the persons follow a course of 100 lessons: 50 participations per person
  const courses = Math.max(10, Math.round(n / 200));
  const rec = (date: string) => `(${date})::timestamptz + interval '9 hours' + (random() * interval '3 days')`;
  return [
    [
      'organisations and offices',
      `INSERT INTO organisations (id, kind, name, agency, sys_from)
         SELECT ('00000000-0000-0000-0000-' || lpad(a::text, 12, '0'))::uuid, 'AGENCY', 'Agentschap ' || a, (ARRAY['ATLAS','IN_GENT','AGII'])[a], '2015-01-01' FROM generate_series(1, 3) a;
       INSERT INTO organisations (id, kind, name, sys_from)
         SELECT ('00000000-0000-0000-0001-' || lpad(c::text, 12, '0'))::uuid, 'CVO', 'CVO ' || c, '2015-01-01' FROM generate_series(1, 20) c;
       INSERT INTO offices (id, organisation_id, name, kbi_key, postcode, sys_from)
         SELECT ('00000000-0000-0000-0002-' || lpad(o::text, 12, '0'))::uuid,
                ('00000000-0000-0000-0000-' || lpad((CASE WHEN o = 1 THEN 1 WHEN o = 2 THEN 2 ELSE 3 END)::text, 12, '0'))::uuid,
                'Kantoor ' || o, upper(md5(o::text)), (ARRAY['2000','9000','2800','3500','9300','3000','8000','1000'])[o], '2015-01-01'
           FROM generate_series(1, 8) o;`,
    ],
    [
      'persons',
      `INSERT INTO persons (id, insz, family_name, given_names, gender, nationality, residence_status, postcode, first_extraction_date, created_by_organisation_id, valid_from, sys_from)
         SELECT ('10000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, lpad(i::text, 11, '0'), 'Persoon' || i, 'X', (1 + (i % 2))::text,
                nat[1 + ((i::bigint * 7919) % array_length(nat, 1))::int], res[1 + ((i::bigint * 104729) % array_length(res, 1))::int],
                (ARRAY['2000','9000','2800','3500','9300','3000','8000','1000'])[1 + i % 8],
                d, ('00000000-0000-0000-0000-' || lpad((CASE i % 8 WHEN 0 THEN 1 WHEN 1 THEN 2 ELSE 3 END)::text, 12, '0'))::uuid, d, ${rec('d')}
           FROM generate_series(1, ${n}) i,
                LATERAL (SELECT date '2016-01-01' + ((i * 2654435761::bigint) % 3900)::int AS d) x,
                (SELECT array_agg(code ORDER BY code) nat FROM code_list WHERE list = 'nationality') n,
                (SELECT array_agg(code ORDER BY code) res FROM code_list WHERE list = 'residence_status') r;`,
    ],
    [
      'target groups, invitations, registrations',
      `INSERT INTO target_group_determinations (person_id, determined_on, determined, type, valid_from, sys_from)
         SELECT id, first_extraction_date + 10, true, CASE WHEN random() < 0.4 THEN 'PLICHT' ELSE 'RECHT' END, first_extraction_date + 10, ${rec('first_extraction_date + 10')} FROM persons;
       INSERT INTO invitations (person_id, office_id, sent_on, status, valid_from, sys_from)
         SELECT id, ('00000000-0000-0000-0002-' || lpad((1 + abs(hashtext(id::text)) % 8)::text, 12, '0'))::uuid, first_extraction_date + 20, 'SENT', first_extraction_date + 20, ${rec('first_extraction_date + 20')} FROM persons;
       INSERT INTO registrations (person_id, registered_on, type, reason, valid_from, sys_from)
         SELECT id, first_extraction_date + 50, 'AANMELDING', 'UITNODIGING', first_extraction_date + 50, ${rec('first_extraction_date + 50')} FROM persons WHERE random() < 0.7;`,
    ],
    [
      'contracts and certificates',
      `INSERT INTO contracts (person_id, kind, signed_on, registered_on, office_id, valid_from, sys_from)
         SELECT id, 'MOTHER', first_extraction_date + 80, first_extraction_date + 80,
                ('00000000-0000-0000-0002-' || lpad((1 + abs(hashtext(id::text)) % 8)::text, 12, '0'))::uuid, first_extraction_date + 80, ${rec('first_extraction_date + 80')}
           FROM persons WHERE abs(hashtext(id::text)) % 100 < 25 AND first_extraction_date + 80 < date '2026-11-01';
       INSERT INTO certificates (person_id, kind, issued_on, office_id, valid_from, sys_from)
         SELECT person_id, 'INTEGRATION', signed_on + 400, office_id, signed_on + 400, ${rec('signed_on + 400')} FROM contracts WHERE random() < 0.8 AND signed_on + 400 < date '2026-11-01';`,
    ],
    [
      'infringement cases, infringements, decisions',
      `INSERT INTO infringement_cases (id, person_id, agency_office_id, opened_on, received_on, status, valid_from, sys_from)
         SELECT gen_random_uuid(), person_id, office_id, signed_on + 200, signed_on + 220, 'DECIDED', signed_on + 200, ${rec('signed_on + 220')}
           FROM contracts WHERE random() < 0.06 AND signed_on + 300 < date '2026-11-01';
       INSERT INTO infringements (person_id, case_id, type, sanctioning_authority, established_on, valid_from, sys_from)
         SELECT person_id, id, CASE WHEN opened_on < date '2022-03-01' THEN 'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD' ELSE 'NIET_REGELMATIG_DEELGENOMEN' END, 'HH', opened_on, opened_on, ${rec('opened_on')} FROM infringement_cases;
       INSERT INTO infringement_decisions (person_id, case_id, decision, decided_on, fine_amount, valid_from, sys_from)
         SELECT person_id, id, d, received_on + 60, CASE WHEN d = 'BOETE' THEN 100 + (random() * 10)::int * 50 END, received_on + 60, ${rec('received_on + 60')}
           FROM (SELECT *, (ARRAY['BOETE','BOETE','GEEN_BOETE','GEEN_GEVOLG'])[1 + (random() * 3)::int] d FROM infringement_cases) c;`,
    ],
    [
      `courses, ${courses} × 100 lessons, ${enrolled.toLocaleString('en')} enrolments`,
      `INSERT INTO courses (id, provider_id, course_type, name, start_date, valid_from, sys_from)
         SELECT ('20000000-0000-0000-0000-' || lpad(c::text, 12, '0'))::uuid, ('00000000-0000-0000-0001-' || lpad((1 + c % 20)::text, 12, '0'))::uuid,
                'NT2', 'NT2 ' || c, date '2016-01-01' + (c * 3900 / ${courses}), date '2016-01-01', '2016-01-01'
           FROM generate_series(1, ${courses}) c;
       INSERT INTO course_modules (id, course_id, code, name, valid_from, sys_from)
         SELECT ('30000000-0000-0000-0000-' || lpad(c::text, 12, '0'))::uuid, ('20000000-0000-0000-0000-' || lpad(c::text, 12, '0'))::uuid, 'M', 'Module', '2016-01-01', '2016-01-01'
           FROM generate_series(1, ${courses}) c;
       INSERT INTO lessons (id, module_id, starts_at, duration_minutes, valid_from, sys_from)
         SELECT gen_random_uuid(), ('30000000-0000-0000-0000-' || lpad(c::text, 12, '0'))::uuid,
                (date '2016-01-01' + (c * 3900 / ${courses}) + l * 2)::timestamptz + interval '9 hours', 180, '2016-01-01', '2016-01-01'
           FROM generate_series(1, ${courses}) c, generate_series(1, 100) l;
       INSERT INTO enrolments (id, person_id, course_id, module_id, enrolled_on, status, valid_from, sys_from)
         SELECT gen_random_uuid(), ('10000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid,
                ('20000000-0000-0000-0000-' || lpad((1 + i % ${courses})::text, 12, '0'))::uuid, ('30000000-0000-0000-0000-' || lpad((1 + i % ${courses})::text, 12, '0'))::uuid,
                date '2016-01-01' + ((1 + i % ${courses}) * 3900 / ${courses}), 'ACTIVE', '2016-01-01', '2016-01-01'
           FROM generate_series(1, ${enrolled}) i;`,
    ],
    [
      `participations (${(enrolled * 100).toLocaleString('en')} rows)`,
      `DROP INDEX participations_lesson; DROP INDEX participations_enrolment; DROP INDEX participations_person;
       ALTER TABLE participations DROP CONSTRAINT participations_pkey;
       INSERT INTO participations (id, person_id, enrolment_id, lesson_id, attendance, valid_from, sys_from)
         SELECT gen_random_uuid(), e.person_id, e.id, l.id, (ARRAY['PRESENT','PRESENT','PRESENT','PRESENT','ABSENT','ABSENT_JUSTIFIED'])[1 + (random() * 5)::int], l.starts_at, l.starts_at + interval '10 hours'
           FROM enrolments e JOIN lessons l ON l.module_id = e.module_id;
       ALTER TABLE participations ADD PRIMARY KEY (id);
       CREATE UNIQUE INDEX participations_lesson ON participations (enrolment_id, lesson_id);
       CREATE INDEX participations_enrolment ON participations (enrolment_id);
       CREATE INDEX participations_person ON participations (person_id);`,
    ],
    [
      'ten years of corrections (3 % of persons and contracts)',
      // The earlier version into the history, the current row becomes version 2 — what the trigger does, at a moment in the past.
      `SET session_replication_role = replica;
       WITH c AS (SELECT id, sys_from + interval '120 days' AS at FROM persons WHERE abs(hashtext(id::text)) % 100 < 3 AND sys_from + interval '120 days' < now())
       INSERT INTO persons_history (id, insz, family_name, given_names, gender, nationality, residence_status, postcode, first_extraction_date, created_by_organisation_id, correspondence_language, version, valid_from, sys_from, sys_to, recorded_by, ended_by)
         SELECT p.id, p.insz, p.family_name, p.given_names, p.gender, 'SYR', p.residence_status, p.postcode, p.first_extraction_date, p.created_by_organisation_id, p.correspondence_language, 1, p.valid_from, p.sys_from, c.at, p.recorded_by, 'bench:correction'
           FROM persons p JOIN c USING (id);
       UPDATE persons p SET version = 2, sys_from = h.sys_to, recorded_by = 'bench:correction' FROM persons_history h WHERE h.id = p.id;
       WITH c AS (SELECT id, sys_from + interval '60 days' AS at FROM contracts WHERE abs(hashtext(id::text)) % 100 < 3 AND sys_from + interval '60 days' < now())
       INSERT INTO contracts_history (id, person_id, kind, signed_on, registered_on, office_id, version, valid_from, sys_from, sys_to, recorded_by, ended_by)
         SELECT k.id, k.person_id, k.kind, k.signed_on - 30, k.registered_on, k.office_id, 1, k.valid_from, k.sys_from, c.at, k.recorded_by, 'bench:correction'
           FROM contracts k JOIN c USING (id);
       UPDATE contracts k SET version = 2, sys_from = h.sys_to, recorded_by = 'bench:correction' FROM contracts_history h WHERE h.id = k.id;
       SET session_replication_role = origin;`,
    ],
    ['ANALYZE', 'ANALYZE'],
  ];
}

export interface StatisticsBench {
  persons: number;
  rows: Record<string, number>;
  generation: { step: string; seconds: number }[];
  sets: { id: string; title: string; current: number; asOf: number; units: number }[];
}

const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const value = await fn();
  return [value, (performance.now() - t0) / 1000];
};

export async function benchStatistics(serverUrl: string, persons = PERSONS): Promise<StatisticsBench> {
  const database = await scratchDatabase(serverUrl, 'kbi_stat', 4);
  try {
    const client = new pg.Client({ connectionString: database.url! });
    client.on('error', () => undefined); // a failing step is reported by its query; the scratch database is dropped under the client
    await client.connect();
    await client.query(`SET kbi.actor = 'bench'; SET synchronous_commit = off; SET maintenance_work_mem = '512MB'; SELECT setseed(0.42)`);
    const generation: StatisticsBench['generation'] = [];
    for (const [step, text] of population(persons)) {
      const [, seconds] = await time(() =>
        client.query(text).catch((e: Error) => {
          throw new Error(`statistics bench, step "${step}": ${e.message}`);
        }),
      );
      generation.push({ step, seconds });
      console.error(`  ${step}: ${seconds.toFixed(1)} s`);
    }
    const counts = await client.query(
      `SELECT relname AS t, n_live_tup::bigint AS n FROM pg_stat_user_tables WHERE n_live_tup > 0 AND relname NOT LIKE 'kbi_%' AND relname <> 'code_list' ORDER BY 1`,
    );
    await client.end();
    const versioned = await historyTables(database.db);
    const options = (asOf: string | null) => ({ period: periodOfYear(2022), asOf, versioned });
    const cutOff = '2023-01-15T22:59:59Z';
    for (const def of BASE_SETS) await computeSet(database.db, def, 1, options(null)); // warm-up: caches and plans
    const sets: StatisticsBench['sets'] = [];
    for (const def of BASE_SETS) {
      const [now, current] = await time(() => computeSet(database.db, def, 1, options(null)));
      const [, asOf] = await time(() => computeSet(database.db, def, 1, options(cutOff)));
      sets.push({ id: def.id, title: def.title.en, current, asOf, units: now.breakdowns[0]?.total[def.measures[0]!.id] ?? 0 });
      console.error(`  ${def.id}: now ${current.toFixed(2)} s, as of ${asOf.toFixed(2)} s`);
    }
    return { persons, rows: Object.fromEntries(counts.rows.map((r) => [r.t, Number(r.n)])), generation, sets };
  } finally {
    await database.close();
  }
}

/** The BENCHMARKS.md section. */
export function reportStatistics(b: StatisticsBench, say: (s: string) => void): void {
  const total = (k: 'current' | 'asOf') => b.sets.reduce((n, s) => n + s[k], 0);
  const generated = b.generation.reduce((n, s) => n + s.seconds, 0);
  say(`## Statistics at ${b.persons.toLocaleString('en')} persons (PostgreSQL)`);
  say('');
  say(
    `A population made in SQL (bench/statistics.ts): ${b.persons.toLocaleString('en')} persons with record times spread over 2016–2026 and 3 % of persons and contracts corrected later (earlier versions in the history), ${(b.rows.participations ?? 0).toLocaleString('en')} participation rows. Generated in **${generated.toFixed(0)} s**:`,
  );
  say('');
  say('| step | time |');
  say('|---|---|');
  for (const g of b.generation) say(`| ${g.step} | ${g.seconds.toFixed(1)} s |`);
  say('');
  say('Every base set for 2022 with the real engine (one GROUPING SETS scan per set), now and as known on 15/01/2023, after one warm-up pass:');
  say('');
  say('| set | units 2022 | now | as of 15/01/2023 | as-of / now |');
  say('|---|---|---|---|---|');
  for (const s of b.sets)
    say(
      `| ${s.title} | ${s.units.toLocaleString('en')} | ${s.current.toFixed(2)} s | ${s.asOf.toFixed(2)} s | ${(s.asOf / Math.max(s.current, 0.001)).toFixed(2)}× |`,
    );
  say(
    `| **all ${b.sets.length} sets** | | **${total('current').toFixed(1)} s** | **${total('asOf').toFixed(1)} s** | **${(total('asOf') / total('current')).toFixed(2)}×** |`,
  );
  say('');
  const fast = Math.max(total('current'), total('asOf')) < 30;
  const ratio = total('asOf') / total('current') <= 2;
  say(
    `Goal: all sets under 30 s — ${fast ? 'met' : 'NOT met'}; as-of no slower than 2× now — ${ratio ? 'met' : 'NOT met'} (${(total('asOf') / total('current')).toFixed(2)}×).`,
  );
  say('');
}
