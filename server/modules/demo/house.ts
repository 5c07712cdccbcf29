/**
 * The demo House of Dutch's desk, so that its screen shows every step (issue 14): intakes waiting for
 * the language test, for the advice and for a placement; persons on the waiting list for a few weeks;
 * one placed and one whose application was cancelled; and the next courses of its providers with free
 * places (one of them full). Dates count back from the day of seeding, as the demo OCMW's integrations
 * do, so the lists look the same whenever the demo is started. Written once per database.
 *
 * The generated population also leaves applications that never found a place years ago; a House
 * clears those: an application still waiting after two years is cancelled a year after it was made.
 */
import { sql } from 'kysely';
import { inTransaction, untyped, type Database } from '../../platform/db.ts';
import { addDays } from '../../platform/calendar.ts';
import { belgianToday } from '../integrations/integrations.service.ts';

const ACTOR = 'system:demo-generator';

export async function showcaseHouse(database: Database): Promise<void> {
  const db = database.db;
  // The demo House of Dutch account's organisation: the first demo House (as ensureDemoAccounts chooses it).
  const house = await db
    .selectFrom('organisations')
    .select('id')
    .where('recorded_by', '=', ACTOR)
    .where('kind', '=', 'HOUSE_OF_DUTCH')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!house) return;
  const houseId = house.id;
  const done = await db.selectFrom('language_intakes').select('id').where('house_id', '=', houseId).limit(1).executeTakeFirst();
  if (done) return;
  const office = await db.selectFrom('offices').select('id').where('organisation_id', '=', houseId).orderBy('id').limit(1).executeTakeFirst();
  if (!office) return;
  const providers = (
    await sql<{ provider_id: string; kind: string }>`
      SELECT DISTINCT w.provider_id::text, o.kind FROM waiting_list_entries w JOIN offices f ON f.id = w.office_id JOIN organisations o ON o.id = w.provider_id
       WHERE f.organisation_id = ${houseId} ORDER BY 1`.execute(db)
  ).rows;
  if (!providers.length)
    providers.push(
      ...(
        await sql<{ provider_id: string; kind: string }>`
          SELECT o.id::text AS provider_id, o.kind FROM organisations o, organisations h
           WHERE h.id = ${houseId} AND o.kind IN ('CVO', 'CBE') ORDER BY coalesce(o.region = h.region, false) DESC, o.id LIMIT 4`.execute(db)
      ).rows,
    );
  const cvo = providers.find((p) => p.kind === 'CVO')?.provider_id ?? providers[0]?.provider_id;
  const cbe = providers.find((p) => p.kind === 'CBE')?.provider_id ?? cvo;
  if (!cvo || !cbe) return;
  // Persons the House advised before (its clients) first, then others, in the order of their ids (deterministic).
  const persons = (
    await sql<{ id: string }>`
      SELECT p.id::text FROM persons p
       ORDER BY EXISTS (SELECT 1 FROM advice a WHERE a.person_id = p.id AND a.given_by_id = ${houseId}) DESC, p.id
       LIMIT 10`.execute(db)
  ).rows.map((r) => r.id);
  if (persons.length < 10) return;

  await inTransaction(db, ACTOR, async (tx) => {
    // Days on the Belgian calendar, as the desk counts them (the database's current_date is UTC's:
    // between midnight in Brussels and midnight UTC it is still yesterday there).
    const today = belgianToday();
    const day = async (daysAgo: number) => addDays(today, -daysAgo);
    const t = untyped(tx);
    await sql`
      UPDATE waiting_list_entries w SET status = 'CANCELLED', status_since = w.applied_on + 365, valid_from = now()
        FROM offices f
       WHERE f.id = w.office_id AND f.organisation_id = ${houseId} AND w.status = 'APPLIED' AND w.applied_on < ${addDays(today, -730)}::date`.execute(tx);

    const course = async (name: string, provider: string, startsIn: number, places: number, level: string) =>
      (
        await t
          .insertInto('courses')
          .values({
            provider_id: provider,
            course_type: 'NT2',
            variant: provider === cbe ? 'alfa' : 'standaard',
            name,
            language: 'NLD',
            start_date: await day(-startsIn),
            end_date: await day(-startsIn - 120),
            target_level: level,
            places,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id as string;
    const evening = await course('Nederlands tweede taal – richtgraad 1 (avond)', cvo, 9, 18, 'A2');
    const day1 = await course('Nederlands tweede taal – richtgraad 1 (dag)', cvo, 23, 16, 'A2');
    await course('Nederlands tweede taal – alfabetisering', cbe, 37, 12, 'A1');
    const full = await course('Nederlands tweede taal – richtgraad 2 (intensief)', cvo, 4, 1, 'B1');

    const steps: {
      daysAgo: number;
      referredBy: string;
      test?: boolean;
      advice?: [string, string, string];
      waiting?: { status: 'APPLIED' | 'PLACED' | 'CANCELLED'; provider: string; daysAgo: number; course?: string };
    }[] = [
      { daysAgo: 2, referredBy: 'AGENCY' },
      { daysAgo: 6, referredBy: 'OWN_INITIATIVE' },
      { daysAgo: 11, referredBy: 'OCMW', test: true },
      { daysAgo: 16, referredBy: 'AGENCY', test: true, advice: ['CVO_STANDAARD', 'A2', 'SEMI_INTENSIEF'] },
      { daysAgo: 95, referredBy: 'VDAB', test: true, advice: ['CVO_STANDAARD', 'A2', 'INTENSIEF'], waiting: { status: 'APPLIED', provider: cvo, daysAgo: 88 } },
      { daysAgo: 64, referredBy: 'AGENCY', test: true, advice: ['CBE_ALFA', 'A1', 'EXTENSIEF'], waiting: { status: 'APPLIED', provider: cbe, daysAgo: 60 } },
      {
        daysAgo: 40,
        referredBy: 'OWN_INITIATIVE',
        test: true,
        advice: ['CVO_TRAAG', 'A1', 'SEMI_INTENSIEF'],
        waiting: { status: 'APPLIED', provider: cvo, daysAgo: 33 },
      },
      {
        daysAgo: 19,
        referredBy: 'OCMW',
        test: true,
        advice: ['CVO_STANDAARD', 'A2', 'SEMI_INTENSIEF'],
        waiting: { status: 'APPLIED', provider: cvo, daysAgo: 14 },
      },
      {
        daysAgo: 50,
        referredBy: 'AGENCY',
        test: true,
        advice: ['UNIVERSITAIR', 'B1', 'INTENSIEF'],
        waiting: { status: 'PLACED', provider: cvo, daysAgo: 45, course: full },
      },
      {
        daysAgo: 120,
        referredBy: 'SCHOOL',
        test: true,
        advice: ['CVO_STANDAARD', 'A2', 'EXTENSIEF'],
        waiting: { status: 'CANCELLED', provider: cvo, daysAgo: 110 },
      },
    ];
    for (const [i, s] of steps.entries()) {
      const person = persons[i]!;
      const intakeOn = await day(s.daysAgo);
      const intake = await t
        .insertInto('language_intakes')
        .values({ person_id: person, house_id: houseId, office_id: office.id, intake_on: intakeOn, referred_by: s.referredBy })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (s.test)
        await t
          .insertInto('test_results')
          .values({ person_id: person, test_type: 'NT2_INSCHALING', taken_on: await day(s.daysAgo - 3), result: 'GESLAAGD', level: 'A1', provider_id: houseId })
          .execute();
      if (s.advice)
        await t
          .insertInto('advice')
          .values({
            person_id: person,
            source: 'HOUSE_OF_DUTCH',
            advice_type: s.advice[0],
            advised_level: s.advice[1],
            course_type: 'NT2',
            intensity: s.advice[2],
            given_on: await day(s.daysAgo - 5),
            given_by_id: houseId,
            intake_id: intake.id,
          })
          .execute();
      if (s.waiting) {
        const applied = await day(s.waiting.daysAgo);
        let enrolment: string | null = null;
        if (s.waiting.course)
          enrolment = (
            await t
              .insertInto('enrolments')
              .values({ person_id: person, course_id: s.waiting.course, enrolled_on: await day(3), status: 'INGESCHREVEN', target_attendance_rate: 80 })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id as string;
        await t
          .insertInto('waiting_list_entries')
          .values({
            person_id: person,
            course_type: 'NT2',
            applied_on: applied,
            provider_id: s.waiting.provider,
            office_id: office.id,
            status: s.waiting.status,
            status_since: s.waiting.status === 'APPLIED' ? applied : await day(3),
            enrolment_id: enrolment,
          })
          .execute();
      }
    }
    void evening;
    void day1;
  });
}
