/**
 * Re-evaluation of the rules on demo data (issue 13 acceptance): the job runs weekly over 2022 —
 * across the change of 1 March 2022 — and a second, independent implementation in plain SQL (its
 * own holiday table from domain-rules §6.1, its own term arithmetic, its own attendance sums)
 * finds the same proposals per type. Running again proposes nothing new; a run for one person
 * touches that person only.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { TEST_DATABASES } from '../support/databases.ts';
import { generateDemoData } from '../../server/modules/demo/generator.ts';
import { evaluateChanged, evaluateRules, INTERRUPTED_RUN, startRuleEvaluation } from '../../server/modules/rules/evaluation.service.ts';

/** The ten legal holidays of 2020–2023, written out (domain-rules §6.1), not computed. */
const HOLIDAYS = [
  ...[2020, 2021, 2022, 2023].flatMap((y) => ['01-01', '05-01', '07-21', '08-15', '11-01', '11-11', '12-25'].map((d) => `${y}-${d}`)),
  // Easter Monday, Ascension Day, Whit Monday
  '2020-04-13',
  '2020-05-21',
  '2020-06-01',
  '2021-04-05',
  '2021-05-13',
  '2021-05-24',
  '2022-04-18',
  '2022-05-26',
  '2022-06-06',
  '2023-04-10',
  '2023-05-18',
  '2023-05-29',
];

const DAYS = Array.from({ length: 52 }, (_, k) => new Date(Date.UTC(2022, 0, 5 + 7 * k)).toISOString().slice(0, 10));

/** Every proposal the rules should make on the days given, in plain SQL: type, person and facts. */
const independent = (days: string[]) => sql<{ type: string; n: number }>`
  WITH RECURSIVE
  hol(d) AS (SELECT unnest(${HOLIDAYS}::date[])),
  evaluation(d) AS (SELECT unnest(${days}::date[])),
  tg AS (  -- the target group on each evaluation day
    SELECT e.d, p.id AS person_id,
           (SELECT t.type FROM target_group_determinations t WHERE t.person_id = p.id AND t.determined_on <= e.d AND t.type IS NOT NULL
             ORDER BY t.determined_on DESC, t.id DESC LIMIT 1) AS target_group,
           EXISTS (SELECT 1 FROM component_suspensions s WHERE s.person_id = p.id AND s.start_date <= e.d AND coalesce(s.end_date, e.d) >= e.d)
        OR EXISTS (SELECT 1 FROM contract_suspensions s WHERE s.person_id = p.id AND s.start_date <= e.d AND coalesce(s.end_date, e.d) >= e.d) AS suspended
      FROM evaluation e CROSS JOIN persons p),
  letters AS (  -- the registration term of each invitation: served on the 3rd working day, 3 months, last day to a working day
    SELECT i.id, i.person_id, i.sent_on,
           CASE WHEN i.registered_letter IS DISTINCT FROM false
                THEN (SELECT w FROM generate_series(i.sent_on + 1, i.sent_on + 30, interval '1 day') w
                       WHERE extract(isodow FROM w) < 6 AND w::date NOT IN (SELECT d FROM hol) ORDER BY w OFFSET 2 LIMIT 1)::date
                ELSE i.sent_on END AS served
      FROM invitations i WHERE i.sent_on IS NOT NULL),
  terms AS (
    SELECT l.*, (SELECT w FROM generate_series((l.served + interval '3 months')::date, (l.served + interval '3 months')::date + 10, interval '1 day') w
                  WHERE extract(isodow FROM w) < 6 AND w::date NOT IN (SELECT d FROM hol) ORDER BY w LIMIT 1)::date AS due
      FROM letters l),
  registration AS (
    SELECT DISTINCT
           CASE WHEN EXISTS (SELECT 1 FROM infringements f WHERE f.person_id = t.person_id AND f.type IN ('NIET_TIJDIG_AANGEMELD', 'NA_INBREUK_NIET_TIJDIG_AANGEMELD') AND f.established_on < t.sent_on)
                THEN 'NA_INBREUK_NIET_TIJDIG_AANGEMELD' ELSE 'NIET_TIJDIG_AANGEMELD' END AS type,
           t.person_id, 'invitation:' || t.id AS facts
      FROM terms t JOIN tg ON tg.person_id = t.person_id
     WHERE t.due < tg.d AND t.due >= tg.d - 365 AND tg.target_group = 'PLICHT' AND NOT tg.suspended
       AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = t.person_id AND r.registered_on >= t.sent_on AND r.registered_on <= t.due)),
  parts AS (  -- minutes per running component and evaluation day, suspended lessons left out
    SELECT e.d, c.person_id, c.id AS component_id,
           sum(l.duration_minutes) FILTER (WHERE pa.attendance = 'PRESENT') AS present,
           sum(l.duration_minutes) FILTER (WHERE pa.attendance = 'ABSENT') AS absent
      FROM evaluation e
      JOIN trajectory_components c ON c.start_date <= e.d AND (c.end_date IS NULL OR c.end_date >= e.d - 7)
      JOIN enrolments en ON en.component_id = c.id
      JOIN participations pa ON pa.enrolment_id = en.id
      JOIN lessons l ON l.id = pa.lesson_id AND (l.starts_at AT TIME ZONE 'Europe/Brussels')::date <= e.d
     WHERE NOT EXISTS (SELECT 1 FROM component_suspensions s WHERE s.component_id = c.id
                         AND (l.starts_at AT TIME ZONE 'Europe/Brussels')::date BETWEEN s.start_date AND coalesce(s.end_date, 'infinity'::date))
     GROUP BY 1, 2, 3),
  judged AS (
    SELECT p.d, p.person_id,
           string_agg(p.component_id::text, ',' ORDER BY p.component_id::text) FILTER (WHERE coalesce(p.present, 0) * 100 < 80 * (coalesce(p.present, 0) + coalesce(p.absent, 0))) AS below,
           bool_or(coalesce(p.absent, 0) * 100 > 50 * (coalesce(p.present, 0) + coalesce(p.absent, 0))) AS half_absent
      FROM parts p GROUP BY 1, 2),
  attendance AS (
    SELECT DISTINCT
           CASE WHEN j.d >= '2022-03-01' THEN 'NIET_REGELMATIG_DEELGENOMEN'
                WHEN j.half_absent THEN 'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD' ELSE 'ONREGELMATIGE_DEELNAME' END AS type,
           j.person_id,
           CASE WHEN j.d >= '2022-03-01' THEN 'attendance-2022' ELSE 'attendance-2004' END || ':' || j.below AS facts
      FROM judged j JOIN tg ON tg.person_id = j.person_id AND tg.d = j.d
     WHERE j.below IS NOT NULL AND NOT tg.suspended
       AND (tg.target_group = 'PLICHT' OR (tg.target_group = 'RECHT' AND j.d < '2022-03-01' AND j.half_absent))),
  nextWorking AS (  -- a day's next working day (itself when it is one), for the terms below
    SELECT g.d, (SELECT w FROM generate_series(g.d, g.d + 10, interval '1 day') w WHERE extract(isodow FROM w) < 6 AND w::date NOT IN (SELECT d FROM hol) ORDER BY w LIMIT 1)::date AS w
      FROM (SELECT day::date AS d FROM generate_series('2019-01-01'::date, '2024-12-31'::date, interval '1 day') day) g),
  signing AS (  -- registered, no contract signed by three months after it, no postponement of signing
    SELECT DISTINCT 'GEWEIGERD_TE_ONDERTEKENEN' AS type, r.person_id, 'registration:' || r.id AS facts
      FROM (SELECT r.*, n.w AS due FROM registrations r JOIN nextWorking n ON n.d = (r.registered_on + interval '3 months')::date) r
      JOIN tg ON tg.person_id = r.person_id
     WHERE r.due < tg.d AND r.due >= tg.d - 365 AND tg.target_group = 'PLICHT' AND NOT tg.suspended
       AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.person_id = r.person_id AND c.signed_on <= r.due)
       AND NOT EXISTS (SELECT 1 FROM signing_postponements sp WHERE sp.person_id = r.person_id AND sp.start_date <= tg.d AND coalesce(sp.end_date, 'infinity'::date) >= r.registered_on)),
  reregistration AS (  -- from 01/03/2022: a contract suspension ended, no registration within three months after it
    SELECT DISTINCT 'NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING' AS type, s.person_id, 'suspension:' || s.id AS facts
      FROM (SELECT s.*, n.w AS due FROM contract_suspensions s JOIN nextWorking n ON n.d = (s.end_date + interval '3 months')::date WHERE s.end_date >= '2022-03-01') s
      JOIN tg ON tg.person_id = s.person_id
     WHERE s.due < tg.d AND s.due >= tg.d - 365 AND tg.target_group = 'PLICHT' AND NOT tg.suspended
       AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = s.person_id AND r.registered_on > s.end_date AND r.registered_on <= s.due))
  SELECT type, count(*)::int AS n
    FROM (SELECT * FROM registration UNION ALL SELECT * FROM attendance UNION ALL SELECT * FROM signing UNION ALL SELECT * FROM reregistration) x
   GROUP BY type ORDER BY type`;

for (const which of TEST_DATABASES) {
  describe(`re-evaluation of the rules (${which.name})`, () => {
    test('a year of weekly runs finds what an independent SQL finds, per type; again: nothing new', async (t) => {
      const database = await which.open();
      t.after(() => database.close());
      await generateDemoData(database, { persons: 2500, seed: 11 });
      for (const on of DAYS) await evaluateRules(database.db, { on, actor: 'system:test' });
      const found = await sql<{ type: string; n: number }>`SELECT type, count(*)::int AS n FROM infringement_proposals GROUP BY type ORDER BY type`.execute(
        database.db,
      );
      const expected = await independent(DAYS).execute(database.db);
      console.log(
        `# proposals over 52 weekly runs in 2022: ${found.rows.map((r) => `${r.type} ${r.n}`).join(', ')}; independent SQL: ${expected.rows.map((r) => `${r.type} ${r.n}`).join(', ')}`,
      );
      assert.deepEqual(found.rows, expected.rows);
      const types = new Set(found.rows.map((r) => r.type));
      for (const type of ['NIET_TIJDIG_AANGEMELD', 'NIET_REGELMATIG_DEELGENOMEN']) assert.ok(types.has(type), `the demo year shows ${type}`);
      assert.ok(types.has('ONREGELMATIGE_DEELNAME') || types.has('ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD'), 'the weeks before 1 March 2022 judge by the old rule');

      // Idempotent: the same runs again propose nothing; every run is recorded.
      const before = found.rows.reduce((n, r) => n + r.n, 0);
      for (const on of DAYS.slice(0, 10)) assert.equal((await evaluateRules(database.db, { on, actor: 'system:test' })).proposals, 0);
      assert.equal(Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM infringement_proposals`.execute(database.db)).rows[0]!.n), before);
      const runs = await sql<{
        n: number;
        open: number;
      }>`SELECT count(*)::int AS n, count(*) FILTER (WHERE finished_at IS NULL OR error IS NOT NULL)::int AS open FROM rule_evaluations`.execute(database.db);
      assert.deepEqual(runs.rows[0], { n: 62, open: 0 });

      // Every proposal carries its facts: the term's dates, or the figures of every part and the rule.
      const sample = await sql<{ type: string; facts: any }>`SELECT DISTINCT ON (type) type, facts FROM infringement_proposals ORDER BY type, id`.execute(
        database.db,
      );
      for (const s of sample.rows) {
        if (s.facts.kind === 'registrationTerm') assert.ok(s.facts.due > s.facts.sentOn && s.facts.termStarts, s.type);
        else if (s.facts.kind === 'signingTerm') assert.ok(s.facts.due > s.facts.registeredOn && s.facts.registrationId, s.type);
        else if (s.facts.kind === 'reRegistrationTerm') assert.ok(s.facts.due > s.facts.suspensionEnded && s.facts.suspensionId, s.type);
        else assert.ok(s.facts.parts.length > 0 && s.facts.rule.id, s.type);
      }
    });

    test('after a change only the persons it touched are evaluated; the job runs everyone once a day', async (t) => {
      const database = await which.open();
      t.after(() => database.close());
      await generateDemoData(database, { persons: 300, seed: 5 });
      const on = '2022-06-01';
      const first = await evaluateChanged(database.db, on, 'system:test');
      assert.ok(first && first.persons > 0, 'at first every person is behind');
      assert.equal(await evaluateChanged(database.db, on, 'system:test'), null, 'then nobody');

      // One person's registration is moved: that person, and nobody else, is evaluated again.
      const { rows } = await sql<{ id: string; person_id: string }>`SELECT id::text, person_id::text FROM registrations ORDER BY id LIMIT 1`.execute(
        database.db,
      );
      await database.db.transaction().execute(async (tx) => {
        await sql`SELECT set_config('kbi.actor', 'test', true)`.execute(tx);
        await sql`UPDATE registrations SET registered_on = registered_on + 1 WHERE id = ${rows[0]!.id}::uuid`.execute(tx);
      });
      const again = await evaluateChanged(database.db, on, 'system:test');
      assert.ok(again, 'the changed person is due');
      const run = await sql<{ kind: string }>`SELECT kind FROM rule_evaluations WHERE id = ${again.runId}::uuid`.execute(database.db);
      assert.equal(run.rows[0]!.kind, 'persons');
      assert.ok(again.persons <= 1);
      assert.equal(await evaluateChanged(database.db, on, 'system:test'), null);

      // The job: a full run for the day when it is missing, then only changes.
      const lines: string[] = [];
      const log = {
        info: (_: object, msg: string) => lines.push(msg),
        warn: (_: object, msg: string) => lines.push(`WARN ${msg}`),
        error: (_: object, msg: string) => lines.push(`ERROR ${msg}`),
      };
      await startRuleEvaluation(database, 60_000, () => on, log).stop();
      await startRuleEvaluation(database, 60_000, () => on, log).stop();
      assert.deepEqual(lines, ['rules_evaluated_all'], 'one full run for the day, none the second time, no errors');
      const full = await sql<{ n: number }>`SELECT count(*)::int AS n FROM rule_evaluations WHERE kind = 'full' AND evaluated_on = ${on}::date`.execute(
        database.db,
      );
      assert.equal(full.rows[0]!.n, 1);

      // Two workers' jobs at once, under the job's lock: one evaluates the next day, the other leaves
      // it; and the one holding the lock ends the run a dead worker left unfinished (none of its
      // proposals were written), once.
      const next = '2022-06-02';
      const dead = await database.db
        .insertInto('rule_evaluations')
        .values({ kind: 'full', evaluated_on: next, started_by: 'system:rules' })
        .returning('id')
        .executeTakeFirstOrThrow();
      lines.length = 0;
      await Promise.all([startRuleEvaluation(database, 60_000, () => next, log), startRuleEvaluation(database, 60_000, () => next, log)].map((j) => j.stop()));
      assert.deepEqual(lines, ['WARN rules_runs_interrupted', 'rules_evaluated_all'], 'the dead run ended once, one full run, no errors');
      const runsNext = await database.db
        .selectFrom('rule_evaluations')
        .select(['id', 'finished_at', 'error'])
        .where('kind', '=', 'full')
        .where('evaluated_on', '=', next)
        .orderBy('started_at')
        .execute();
      assert.equal(runsNext.length, 2, 'the dead run and one full run of the day, not one per worker');
      assert.equal(runsNext[0]!.id, dead.id);
      assert.ok(runsNext[0]!.finished_at && runsNext[0]!.error === INTERRUPTED_RUN, 'the dead run is no longer shown running');
      assert.ok(runsNext[1]!.finished_at && runsNext[1]!.error === null);
    });

    test(
      'a person whose dossier is being changed while the rules look is left for the next round, not waited for',
      { skip: which.name === 'postgres' ? false : 'row locks between sessions: PostgreSQL only' },
      async (t) => {
        const database = await which.open();
        t.after(() => database.close());
        await generateDemoData(database, { persons: 60, seed: 5 });
        const on = '2022-06-01';
        await evaluateChanged(database.db, on, 'system:test');
        const { rows } = await sql<{ id: string; person_id: string }>`
          SELECT DISTINCT ON (person_id) id::text, person_id::text FROM registrations ORDER BY person_id, id LIMIT 2`.execute(database.db);
        const [busy, quiet] = rows as [{ id: string; person_id: string }, { id: string; person_id: string }];
        const change = (id: string) => sql`UPDATE registrations SET registered_on = registered_on WHERE id = ${id}::uuid`;
        await database.db.transaction().execute(async (tx) => {
          await sql`SELECT set_config('kbi.actor', 'test', true)`.execute(tx);
          await change(busy.id).execute(tx);
          await change(quiet.id).execute(tx);
        });
        // Both are due. Another session changes the first again and keeps its transaction open, holding that person's dossier document.
        const other = new pg.Client({ connectionString: (database as unknown as { url: string }).url });
        other.on('error', () => undefined);
        await other.connect();
        await other.query(`BEGIN; SELECT set_config('kbi.actor', 'test:other', true)`);
        await other.query(`UPDATE registrations SET registered_on = registered_on WHERE id = $1`, [busy.id]);
        const round = evaluateChanged(database.db, on, 'system:test');
        const outcome = await Promise.race([round.then(() => 'done'), new Promise((r) => setTimeout(() => r('waited'), 10_000))]);
        await other.query('COMMIT');
        await other.end();
        await round;
        assert.equal(outcome, 'done', 'the round did not wait for the transaction holding a document');
        const behind = async () =>
          (
            await sql<{ person_id: string }>`SELECT person_id::text FROM dossier_documents WHERE rules_version IS DISTINCT FROM version`.execute(database.db)
          ).rows.map((r) => r.person_id);
        assert.deepEqual(await behind(), [busy.person_id], 'the busy person is left for the next round, the other is done');
        assert.ok(await evaluateChanged(database.db, on, 'system:test'));
        assert.deepEqual(await behind(), []);
      },
    );
  });
}
