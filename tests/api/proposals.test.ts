/**
 * Infringement proposals over real HTTP (issue 13): the rules propose, the caseworker of the
 * person's office sees it on the worklist with its facts and handling deadline (a colleague of
 * another office does not), dismissing needs a reason, a stale or repeated decision changes
 * nothing, accepting opens the infringement case with the infringement of the proposal's type,
 * and the same facts are never proposed again.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type TestApp } from '../support/app.ts';
import { addDays } from '../../server/platform/calendar.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { evaluateRules } from '../../server/modules/rules/evaluation.service.ts';

async function world(app: TestApp) {
  const agency = await app.factories.organisation({ kind: 'AGENCY', name: 'Agentschap Integratie en Inburgering' });
  const office = await app.factories.office(agency.id, { name: 'Kantoor Gent' });
  const otherOffice = await app.factories.office(agency.id, { name: 'Kantoor Aalst' });
  const today = belgianToday();
  const person = await app.factories.person();
  await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: addDays(today, -200) });
  await app.factories.add(person.id, 'targetGroupDeterminations', {
    determinedOn: addDays(today, -190),
    determined: true,
    type: 'PLICHT',
    subtype: 'VOL_PROG',
  });
  // Invited five months ago by registered letter, never registered: the three months ran out.
  const invitation = await app.factories.add(person.id, 'invitations', {
    officeId: office.id,
    sentOn: addDays(today, -150),
    registeredLetter: true,
    status: 'SENT',
  });
  const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
  const colleague = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [otherOffice.id] });
  return { person, invitation, caseworker, colleague, today };
}

for (const which of TEST_DATABASES) {
  describe(`infringement proposals (${which.name})`, () => {
    test('proposed with its facts, on the right worklist, decided once, never proposed twice', async (t) => {
      const app = await startTestApp(t, which);
      const { person, invitation, caseworker, colleague, today } = await world(app);
      const run = await evaluateRules(app.database.db, { on: today, actor: 'system:test' });
      assert.deepEqual(run.byType, { NIET_TIJDIG_AANGEMELD: 1 });

      const list = await expectOk(await caseworker.call('GET', '/api/v1/worklist/infringementProposals'));
      assert.equal(list.items.length, 1);
      const p = list.items[0];
      assert.deepEqual([p.personId, p.familyName, p.type, p.detectedOn, p.overdue], [person.id, person.familyName, 'NIET_TIJDIG_AANGEMELD', today, false]);
      assert.equal(p.facts.invitationId, invitation.id);
      assert.ok(p.facts.due < today && p.facts.registeredOn === null, 'the facts: the term and that no registration came');
      assert.ok(p.dueOn > today, 'ten working days to handle it');
      assert.equal((await expectOk(await colleague.call('GET', '/api/v1/worklist/infringementProposals'))).items.length, 0, 'not in the other office');

      const summary = async (who: typeof caseworker) =>
        (await expectOk(await who.call('GET', '/api/v1/worklist/summary'))).lists.find((l: { list: string }) => l.list === 'proposals');
      assert.deepEqual(await summary(caseworker), { list: 'proposals', count: 1, oldest: today, overdue: 0 });
      assert.equal((await summary(colleague)).count, 0);

      const path = `/api/v1/infringementProposals/${p.id}/decision`;
      const counts = () => app.rowCounts('infringement_cases', 'infringements', 'infringement_proposals_history');
      const before = await counts();
      const dismiss = await caseworker.call('POST', path, { decision: 'DISMISS' }, { 'If-Match': `"${p.version}"` });
      assert.equal(dismiss.status, 400);
      assert.equal(dismiss.body.issues[0].name, 'reason');
      assert.equal((await caseworker.call('POST', path, { decision: 'ACCEPT' })).status, 428, 'If-Match is required');
      assert.equal((await caseworker.call('POST', path, { decision: 'ACCEPT' }, { 'If-Match': '"7"' })).status, 412);
      assert.equal((await colleague.call('POST', path, { decision: 'ACCEPT' }, { 'If-Match': `"${p.version}"` })).status, 404, 'outside the territory');
      assert.deepEqual(await counts(), before, 'refused decisions change nothing');

      const accepted = await expectOk(await caseworker.call('POST', path, { decision: 'ACCEPT' }, { 'If-Match': `"${p.version}"` }));
      assert.equal(accepted.status, 'ACCEPTED');
      const infringement = await app.database.db.selectFrom('infringements').selectAll().where('case_id', '=', accepted.caseId).executeTakeFirstOrThrow();
      assert.deepEqual([infringement.person_id, infringement.type], [person.id, 'NIET_TIJDIG_AANGEMELD']);
      const theCase = await app.database.db.selectFrom('infringement_cases').selectAll().where('id', '=', accepted.caseId).executeTakeFirstOrThrow();
      assert.equal(theCase.status, 'OPEN');
      assert.equal((await counts()).infringement_proposals_history, before.infringement_proposals_history! + 1, 'the open version kept in the history');
      assert.equal((await caseworker.call('POST', path, { decision: 'DISMISS', reason: 'x' }, { 'If-Match': `"${accepted.version}"` })).status, 409);
      assert.equal((await expectOk(await caseworker.call('GET', '/api/v1/worklist/infringementProposals'))).items.length, 0, 'handled: off the list');
      assert.equal((await summary(caseworker)).count, 0);
      const audit = await app.database.db.selectFrom('audit_log').select('result').where('action', '=', 'infringementProposals.decide').orderBy('at').execute();
      assert.deepEqual(
        audit.map((a) => a.result),
        ['denied', 'allowed'],
        "the colleague's refused attempt and the decision, each audited",
      );

      assert.equal((await evaluateRules(app.database.db, { on: today, actor: 'system:test' })).proposals, 0, 'the same facts are not proposed again');
    });

    test('a dismissal keeps its reason; a proposal past its handling day is flagged overdue', async (t) => {
      const app = await startTestApp(t, which);
      const { caseworker, today } = await world(app);
      await evaluateRules(app.database.db, { on: addDays(today, -30), actor: 'system:test' });
      const [p] = (await expectOk(await caseworker.call('GET', '/api/v1/worklist/infringementProposals'))).items;
      assert.equal(p.detectedOn, addDays(today, -30));
      assert.equal(p.overdue, true);
      const dismissed = await expectOk(
        await caseworker.call(
          'POST',
          `/api/v1/infringementProposals/${p.id}/decision`,
          { decision: 'DISMISS', reason: 'Aangemeld bij een ander kantoor; bewijs ontvangen.' },
          { 'If-Match': `"${p.version}"` },
        ),
      );
      assert.deepEqual(
        [dismissed.status, dismissed.caseId, dismissed.decisionReason],
        ['DISMISSED', null, 'Aangemeld bij een ander kantoor; bewijs ontvangen.'],
      );
      const listed = await expectOk(await caseworker.call('GET', '/api/v1/worklist/infringementProposals?status=DISMISSED'));
      assert.equal(listed.items.length, 1);
      assert.equal((await caseworker.call('GET', '/api/v1/worklist/infringementProposals?status=MAYBE')).status, 400);
      const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM infringement_cases`.execute(app.database.db);
      assert.equal(n.rows[0]!.n, 0, 'a dismissal opens no case');
    });

    test('not signing after registering, and not registering again after a suspension, are proposed; a postponement or a registration prevents them', async (t) => {
      const app = await startTestApp(t, which);
      const today = belgianToday();
      const agency = await app.factories.organisation({ kind: 'AGENCY' });
      const office = await app.factories.office(agency.id);
      const obliged = async () => {
        const person = await app.factories.person();
        await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: addDays(today, -400) });
        await app.factories.add(person.id, 'targetGroupDeterminations', {
          determinedOn: addDays(today, -390),
          determined: true,
          type: 'PLICHT',
          subtype: 'VOL_PROG',
        });
        return person;
      };
      const register = (personId: string, daysAgo: number, type = 'EA') =>
        app.factories.add(personId, 'registrations', { registeredOn: addDays(today, -daysAgo), type, reason: '11', officeId: office.id });

      const unsigned = await obliged();
      const registration = await register(unsigned.id, 150);
      const postponed = await obliged();
      await register(postponed.id, 150);
      await app.factories.add(postponed.id, 'signingPostponements', { startDate: addDays(today, -140), endDate: addDays(today, -20), reason: 'ZIEKTE' });

      const suspendedOnce = async (reRegisteredDaysAgo: number | null) => {
        const person = await obliged();
        await register(person.id, 380);
        const contract = await app.factories.add(person.id, 'contracts', {
          kind: 'MOTHER',
          signedOn: addDays(today, -370),
          registeredOn: addDays(today, -370),
        });
        const suspension = await app.factories.add(person.id, 'contractSuspensions', {
          contractId: contract.id,
          startDate: addDays(today, -200),
          endDate: addDays(today, -120),
          reason: 'MEDISCH',
        });
        if (reRegisteredDaysAgo !== null) await register(person.id, reRegisteredDaysAgo, 'HA');
        return { person, suspension };
      };
      const late = await suspendedOnce(null);
      await suspendedOnce(100); // registered again twenty days after the suspension: in time

      const run = await evaluateRules(app.database.db, { on: today, actor: 'system:test' });
      assert.deepEqual(run.byType, { GEWEIGERD_TE_ONDERTEKENEN: 1, NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING: 1 });
      const rows = await app.database.db.selectFrom('infringement_proposals').select(['person_id', 'type', 'facts_key', 'facts']).orderBy('type').execute();
      assert.deepEqual(
        rows.map((r) => [r.person_id, r.type, r.facts_key]),
        [
          [unsigned.id, 'GEWEIGERD_TE_ONDERTEKENEN', `registration:${registration.id}`],
          [late.person.id, 'NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING', `suspension:${late.suspension.id}`],
        ],
      );
      assert.equal((rows[1]!.facts as { suspensionEnded: string }).suspensionEnded, addDays(today, -120));
      assert.equal((await evaluateRules(app.database.db, { on: today, actor: 'system:test' })).proposals, 0, 'once');
    });
  });
}
