/**
 * Infringement cases over real HTTP (issue 13): the cases awaiting a decision in the caseworker's
 * territory with the fine the schedule proposes; the decision with its amount (50–5,000 EUR), date
 * and deciding organisation; and a person on a living wage — known from an OCMW's integration under
 * capacity code 1 or from a caseworker's dated record — gets no administrative fine: the case goes
 * to that OCMW, which learns of it through its event feed. Refused steps change nothing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type TestApp } from '../support/app.ts';
import { addDays } from '../../server/platform/calendar.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

async function world(app: TestApp) {
  const agency = await app.factories.organisation({ kind: 'AGENCY', name: 'Agentschap Integratie en Inburgering' });
  const office = await app.factories.office(agency.id, { name: 'Kantoor Gent' });
  const otherOffice = await app.factories.office(agency.id, { name: 'Kantoor Aalst' });
  const abb = await app.factories.organisation({ kind: 'ABB', name: 'Agentschap Binnenlands Bestuur' });
  const ocmw = await partner(app, 'OCMW', 'OCMW Gent');
  const today = belgianToday();
  const caseworker = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
  const colleague = await app.as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [otherOffice.id] });

  /** A person of the Gent office with an open case of one infringement, opened `age` days ago. */
  const personWithCase = async (age: number) => {
    const person = await app.factories.person();
    await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: addDays(today, -400) });
    await app.factories.add(person.id, 'trajectories', {
      type: 'TT_IBVP',
      startDate: addDays(today, -300),
      status: 'OP',
      statusSince: addDays(today, -300),
      sanctioningPartnerId: abb.id,
    });
    const theCase = await app.factories.add(person.id, 'infringementCases', { agencyOfficeId: office.id, openedOn: addDays(today, -age), status: 'OPEN' });
    await app.factories.add(person.id, 'infringements', {
      caseId: theCase.id,
      type: 'NIET_REGELMATIG_DEELGENOMEN',
      sanctioningAuthority: 'HH',
      establishedOn: addDays(today, -age),
    });
    return { person, theCase };
  };
  return { abb, ocmw, today, caseworker, colleague, personWithCase };
}

const itemOf = async (who: { call: TestApp['call'] }, id: string, view = 'AWAITING') =>
  (await expectOk(await who.call('GET', `/api/v1/worklist/infringementCases?view=${view}`))).items.find((c: { id: string }) => c.id === id);

for (const which of TEST_DATABASES) {
  describe(`infringement cases (${which.name})`, () => {
    test('awaiting a decision with the proposed fine; decided once with amount, date and deciding organisation', async (t) => {
      const app = await startTestApp(t, which);
      const { abb, today, caseworker, colleague, personWithCase } = await world(app);
      const { person, theCase } = await personWithCase(120);

      const item = await itemOf(caseworker, theCase.id);
      assert.deepEqual(
        [item.personId, item.status, item.overdue, item.earlierFines, item.proposedFine.amount, item.livingWage],
        [person.id, 'OPEN', true, 0, 100, null],
        'a first fine proposes 100 EUR; opened 120 days ago, past the three months',
      );
      assert.deepEqual(
        item.infringements.map((i: { type: string }) => i.type),
        ['NIET_REGELMATIG_DEELGENOMEN'],
      );
      assert.equal(await itemOf(colleague, theCase.id), undefined, 'not on the list of another office');
      const summary = (await expectOk(await caseworker.call('GET', '/api/v1/worklist/summary'))).lists.find((l: { list: string }) => l.list === 'cases');
      assert.deepEqual(summary, { list: 'cases', count: 1, oldest: addDays(today, -120), overdue: 1 });

      const path = `/api/v1/infringementCases/${theCase.id}/decision`;
      const ifMatch = { 'If-Match': `"${item.version}"` };
      const counts = () => app.rowCounts('infringement_decisions', 'infringement_cases_history');
      const before = await counts();
      for (const [body, field] of [
        [{ decision: 'BOETE' }, 'fineAmount'],
        [{ decision: 'BOETE', fineAmount: 49.99 }, 'fineAmount'],
        [{ decision: 'BOETE', fineAmount: 5000.01 }, 'fineAmount'],
        [{ decision: 'BOETE', fineAmount: 100.001 }, 'fineAmount'],
        [{ decision: 'GEEN_BOETE', fineAmount: 100, reason: 'x' }, 'fineAmount'],
        [{ decision: 'GEEN_GEVOLG' }, 'reason'],
        [{ decision: 'BOETE', fineAmount: 100, decidedOn: addDays(today, 1) }, 'decidedOn'],
        [{ decision: 'BOETE', fineAmount: 100, decidedOn: addDays(today, -121) }, 'decidedOn'],
        [{ decision: 'BOETE', fineAmount: 100, decidingOrganisationId: person.id }, 'decidingOrganisationId'],
      ] as const) {
        const res = await caseworker.call('POST', path, body, ifMatch);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.issues[0].name, field, JSON.stringify(body));
      }
      assert.equal((await caseworker.call('POST', path, { decision: 'BOETE', fineAmount: 100 })).status, 428);
      assert.equal((await caseworker.call('POST', path, { decision: 'BOETE', fineAmount: 100 }, { 'If-Match': '"9"' })).status, 412);
      assert.equal((await colleague.call('POST', path, { decision: 'BOETE', fineAmount: 100 }, ifMatch)).status, 404);
      assert.deepEqual(await counts(), before, 'refused decisions change nothing');

      const decided = await expectOk(
        await caseworker.call('POST', path, { decision: 'BOETE', fineAmount: 375, reason: 'Tweede ingebrekestelling genegeerd.' }, ifMatch),
      );
      assert.equal(decided.status, 'DECIDED');
      assert.deepEqual(decided.decision, {
        decision: 'BOETE',
        decidedOn: today,
        fineAmount: 375,
        decidingOrganisationId: abb.id,
        reason: 'Tweede ingebrekestelling genegeerd.',
      });
      assert.equal((await caseworker.call('POST', path, { decision: 'GEEN_GEVOLG', reason: 'x' }, { 'If-Match': `"${decided.version}"` })).status, 409);
      assert.equal(await itemOf(caseworker, theCase.id), undefined, 'decided: off the list');
      assert.equal((await itemOf(caseworker, theCase.id, 'DECIDED')).decision.fineAmount, 375);
      assert.equal((await counts()).infringement_cases_history, before.infringement_cases_history! + 1, 'the open case kept in the history');

      // The same person's next case proposes the second step of the schedule.
      const next = await app.factories.add(person.id, 'infringementCases', { openedOn: today, status: 'OPEN' });
      assert.deepEqual([(await itemOf(caseworker, next.id)).earlierFines, (await itemOf(caseworker, next.id)).proposedFine.amount], [1, 375]);

      const audit = await app.database.db
        .selectFrom('audit_log')
        .select(['action', 'result'])
        .where('action', 'like', 'infringementCases.%')
        .orderBy('at')
        .execute();
      assert.ok(audit.some((a) => a.action === 'infringementCases.decide' && a.result === 'allowed'));
      assert.ok(
        audit.some((a) => a.action === 'infringementCases.decide' && a.result === 'denied'),
        "the colleague's attempt is audited",
      );
    });

    test('a person on a living wage gets no fine: the case goes to the OCMW that pays it, which is told', async (t) => {
      const app = await startTestApp(t, which);
      const { ocmw, today, caseworker, personWithCase } = await world(app);

      // Known from the OCMW's own integration register, capacity code 1 (leefloon).
      const a = await personWithCase(20);
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: a.person.insz, capacityCode: '1', startsOn: addDays(today, -10) }), 201);
      const item = await itemOf(caseworker, a.theCase.id);
      assert.deepEqual([item.livingWage.source, item.livingWage.organisationId, item.overdue], ['INTEGRATION', ocmw.organisation.id, false]);
      const fine = await caseworker.call(
        'POST',
        `/api/v1/infringementCases/${a.theCase.id}/decision`,
        { decision: 'BOETE', fineAmount: 100 },
        { 'If-Match': `"${item.version}"` },
      );
      assert.equal(fine.status, 400);
      assert.equal(fine.body.issues[0].name, 'decision');
      assert.match(fine.body.detail, /living wage paid by OCMW Gent/);
      const handed = await expectOk(
        await caseworker.call('POST', `/api/v1/infringementCases/${a.theCase.id}/handToOcmw`, undefined, { 'If-Match': `"${item.version}"` }),
      );
      assert.deepEqual([handed.status, handed.ocmwId], ['OCMW', ocmw.organisation.id]);
      const infringement = await app.database.db.selectFrom('infringements').selectAll().where('case_id', '=', a.theCase.id).executeTakeFirstOrThrow();
      assert.equal(infringement.sanctioning_authority, 'OCMW');
      const events = await expectOk(await ocmw.call('GET', '/api/exchange/v1/events'));
      const event = events.items.find((e: { type: string }) => e.type === 'infringement.transferred');
      assert.equal(event.subjectId, a.theCase.id);
      assert.doesNotMatch(JSON.stringify(event), new RegExp(a.person.insz), 'ids and codes only');
      assert.equal(await itemOf(caseworker, a.theCase.id), undefined);
      assert.equal((await itemOf(caseworker, a.theCase.id, 'OCMW')).ocmwId, ocmw.organisation.id);

      // Known from a caseworker's dated record; an ended living wage no longer counts.
      const b = await personWithCase(20);
      const record = await app.factories.add(b.person.id, 'livingWageRecords', { organisationId: ocmw.organisation.id, startsOn: addDays(today, -60) });
      assert.equal((await itemOf(caseworker, b.theCase.id)).livingWage.source, 'RECORD');
      await expectOk(
        await caseworker.call('PATCH', `/api/v1/livingWageRecords/${record.id}`, { endsOn: addDays(today, -1) }, { 'If-Match': `"${record.version}"` }),
      );
      const b2 = await itemOf(caseworker, b.theCase.id);
      assert.equal(b2.livingWage, null);
      const refused = await caseworker.call('POST', `/api/v1/infringementCases/${b.theCase.id}/handToOcmw`, undefined, { 'If-Match': `"${b2.version}"` });
      assert.equal(refused.status, 409, 'no living wage today: stays with the enforcement officer');
      await expectOk(
        await caseworker.call(
          'POST',
          `/api/v1/infringementCases/${b.theCase.id}/decision`,
          { decision: 'BOETE', fineAmount: 100 },
          { 'If-Match': `"${b2.version}"` },
        ),
      );

      // Other capacity codes (e.g. 3, social assistance) are no living wage.
      const c = await personWithCase(5);
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: c.person.insz, capacityCode: '3', startsOn: addDays(today, -5) }), 201);
      assert.equal((await itemOf(caseworker, c.theCase.id)).livingWage, null);
    });
  });
}
