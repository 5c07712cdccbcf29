/**
 * Attendance against the rule in the dossier, in a real browser (issue 13): the caseworker sees per
 * trajectory component the share of lesson time present against the 80 % line and the outcome the
 * server judged; marking an absence as excused in the lesson grid takes it out of the base and the
 * figure moves at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { browserSkipReason, startBrowserWorld } from '../support/browser.ts';
import { demoUsername } from '../../server/modules/access/access.demo.ts';

const skip = browserSkipReason();

test('attendance against the 80 % rule in the dossier', { skip: skip ?? false }, async (t) => {
  const world = await startBrowserWorld(t);
  const db = world.database.db;
  const { office_ids: offices } = await db
    .selectFrom('users')
    .select('office_ids')
    .where('username', '=', demoUsername('AGENCY_CASEWORKER'))
    .executeTakeFirstOrThrow();

  // A component in the caseworker's territory with one enrolment, unexcused absences, lessons in the
  // past and no suspension: its figure is present time over present plus absent time.
  const { rows } = await sql<{ person_id: string; enrolment_id: string; component_id: string; enrolled_on: string; present: number; absent: number }>`
    SELECT e.person_id::text, e.id::text AS enrolment_id, e.component_id::text, e.enrolled_on::text,
           sum(l.duration_minutes) FILTER (WHERE pa.attendance = 'PRESENT')::int AS present,
           sum(l.duration_minutes) FILTER (WHERE pa.attendance = 'ABSENT')::int AS absent
      FROM enrolments e
      JOIN dossiers d ON d.person_id = e.person_id
      JOIN participations pa ON pa.enrolment_id = e.id
      JOIN lessons l ON l.id = pa.lesson_id
     WHERE d.managing_office_id = ANY(${offices}::uuid[]) AND e.component_id IS NOT NULL AND l.starts_at < now()
       AND NOT EXISTS (SELECT 1 FROM component_suspensions s WHERE s.component_id = e.component_id)
       AND (SELECT count(*) FROM enrolments o WHERE o.component_id = e.component_id) = 1
       AND (SELECT count(*) FROM enrolments o WHERE o.person_id = e.person_id AND o.enrolled_on = e.enrolled_on) = 1
     GROUP BY 1, 2, 3, 4
    HAVING count(*) FILTER (WHERE pa.attendance = 'ABSENT') >= 1 AND count(*) FILTER (WHERE pa.attendance = 'PRESENT') >= 2
     ORDER BY 1 LIMIT 1`.execute(db);
  const c = rows[0];
  assert.ok(c, 'the demo world has such a component');
  const percent = (present: number, absent: number) => Math.floor((present * 1000) / (present + absent)) / 10;
  const shown = (n: number) => `${n.toLocaleString('nl-BE')} %`;

  const page = await world.loginAs('AGENCY_CASEWORKER');
  await page.goto(`${world.base}/persons/${c.person_id}`);
  await page.locator('[data-dossier-ready]').waitFor();
  const panel = page.getByTestId('attendance-rule');
  await panel.waitFor();
  const before = percent(c.present, c.absent);
  await panel.getByText(shown(before)).first().waitFor();
  assert.equal(
    (await page.getByTestId('attendance-outcome').textContent())?.trim(),
    before >= 80 ? 'Regelmatig' : 'Niet regelmatig',
    'the outcome under the rule in force today',
  );
  if (before < 80) await panel.getByText(/Volgens de regel is dit een inbreuk: niet regelmatig deelgenomen/).waitFor();
  await world.screenshot(page, 'dossier-attendance-rule');

  // One unexcused absence becomes excused, through the lesson grid of the enrolment.
  const { rows: absences } = await sql<{ id: string; minutes: number }>`
    SELECT pa.id::text, l.duration_minutes AS minutes FROM participations pa JOIN lessons l ON l.id = pa.lesson_id
     WHERE pa.enrolment_id = ${c.enrolment_id} AND pa.attendance = 'ABSENT' AND l.starts_at < now() ORDER BY l.starts_at LIMIT 1`.execute(db);
  const absence = absences[0]!;
  const enrolments = page.locator('section[data-resource=enrolments]');
  await enrolments
    .getByRole('button', { name: /^Details/ })
    .first()
    .click();
  const grid = enrolments.locator('.dossier-lesson-grid');
  await grid.waitFor();
  // The absent lessons in the order of the grid: the first one is the one chosen above.
  await grid.locator('button.dossier-lesson.ABSENT').first().click();
  const form = enrolments.getByRole('form');
  await form.waitFor();
  await form.getByLabel(/Aanwezigheid/).selectOption('ABSENT_JUSTIFIED');
  await form.getByRole('button', { name: /Opslaan/ }).click();
  const after = percent(c.present, c.absent - absence.minutes);
  await panel.getByText(shown(after)).first().waitFor();
  assert.ok(after > before);
  const stored = await db.selectFrom('participations').select('attendance').where('id', '=', absence.id).executeTakeFirstOrThrow();
  assert.equal(stored.attendance, 'ABSENT_JUSTIFIED', 'the first absence in the grid is the earliest one');
  await panel
    .getByText(/gewettigd afwezig \(telt niet mee\)/)
    .first()
    .waitFor();
});
