/**
 * The consultation screen's API (`/api/v1/consultations/*`, seed 002): a staff member with role
 * OCMW_SOCIAL_WORKER consults for their OCMW exactly as the OCMW's partner client would — the
 * OCMW's authorisations (seed 003's default for every OCMW) and integration register decide —
 * and requests appointments that only their own OCMW sees.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type TestApp } from '../support/app.ts';
import { DATA_CLUSTERS } from '../../server/modules/dossier/clusters.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

const PURPOSE = 'BEGELEIDING_OCMW_CLIENT';
const inDays = (days: number) => {
  const d = new Date(`${belgianToday()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** An OCMW with a social worker logged in, and a person in KBI with a little dossier. */
async function world(app: TestApp) {
  const ocmw = await app.factories.organisation({ kind: 'OCMW', name: 'OCMW Gent' });
  const worker = await app.as('OCMW_SOCIAL_WORKER', { organisationId: ocmw.id });
  const person = await app.factories.person();
  await app.factories.add(person.id, 'targetGroupDeterminations', {
    determinedOn: inDays(-30),
    determined: true,
    type: 'PLICHT',
    subtype: 'VOL_PROG',
    startDate: inDays(-30),
  });
  await app.factories.add(person.id, 'certificates', { kind: 'INTEGRATION', issuedOn: inDays(-5), documentId: 'IA-TEST-1' });
  return { ocmw, worker, person };
}

const appointments = (app: TestApp, personId: string) =>
  app.database.db
    .selectFrom('appointments')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

for (const which of TEST_DATABASES) {
  describe(`consultation screen API (${which.name})`, () => {
    test('an OCMW social worker consults an integrated client and receives the 17 clusters of seed 003', async (t) => {
      const app = await startTestApp(t, which);
      const { worker, person } = await world(app);
      const declared = await worker.call('POST', '/api/v1/consultations/integrations', { insz: person.insz, capacityCode: '1' });
      assert.equal(declared.status, 201);
      assert.equal(
        (await worker.call('POST', '/api/v1/consultations/integrations', { insz: person.insz, capacityCode: '1' })).status,
        200,
        'declaring again is a no-op',
      );

      const answer = await expectOk(await worker.call('POST', '/api/v1/consultations/dossier', { insz: person.insz, purpose: PURPOSE }));
      assert.equal(answer.known, true);
      assert.deepEqual(answer.clusters, [...DATA_CLUSTERS].sort(), 'the 17 clusters of seed 003 §61');
      assert.equal(answer.authorisations.length, 1);
      assert.equal(answer.dossier.targetGroupDeterminations[0].type, 'PLICHT');
      assert.equal(answer.dossier.certificates[0].documentId, 'IA-TEST-1');
      assert.equal(answer.dossier.infringements, undefined, 'infringements are not among them');
      assert.equal(answer.person, undefined, 'nor are the personalia');

      // The dossier itself stays closed to the role: it consults, it does not browse.
      assert.equal((await worker.call('GET', `/api/v1/persons/${person.id}/dossier`)).status, 403);
      const integrations = await expectOk(await worker.call('POST', '/api/v1/consultations/integrations/search', { insz: person.insz }));
      assert.deepEqual(
        integrations.items.map((i: any) => [i.capacityCode, i.endsOn]),
        [['1', null]],
      );
    });

    test('a person the OCMW has not integrated is refused (notIntegrated), and the refusal is audited', async (t) => {
      const app = await startTestApp(t, which);
      const { ocmw, worker, person } = await world(app);
      const refused = await worker.call('POST', '/api/v1/consultations/dossier', { insz: person.insz, purpose: PURPOSE });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'notIntegrated');
      assert.equal(refused.body.dossier, undefined);
      const audit = await app.database.db
        .selectFrom('audit_log')
        .select(['action', 'result', 'organisation_id', 'detail'])
        .where('actor_id', '=', `user:${worker.userId}`)
        .where('action', '=', 'exchange.consult')
        .execute();
      assert.deepEqual(
        audit.map((a) => [a.action, a.result, a.organisation_id]),
        [['exchange.consult', 'denied', ocmw.id]],
        'one denial, for the OCMW',
      );
      assert.equal((typeof audit[0]!.detail === 'string' ? JSON.parse(audit[0]!.detail) : audit[0]!.detail).code, 'notIntegrated');

      const badInsz = await worker.call('POST', '/api/v1/consultations/dossier', { insz: '85.07.30-033.29', purpose: PURPOSE });
      assert.equal(badInsz.status, 400);
      assert.equal(badInsz.body.code, 'invalidInsz');
      assert.ok(badInsz.body.issues.some((i: any) => i.name === 'insz'));

      // Once integrated (as the screen offers), the same consult is answered.
      await expectOk(await worker.call('POST', '/api/v1/consultations/integrations', { insz: person.insz, capacityCode: '9' }), 201);
      assert.equal((await worker.call('POST', '/api/v1/consultations/dossier', { insz: person.insz, purpose: PURPOSE })).status, 200);
      const badCode = await worker.call('POST', '/api/v1/consultations/integrations', { insz: person.insz, capacityCode: '10' });
      assert.equal(badCode.status, 400, 'capacity codes of the OCMW sector only (1–9)');
      assert.ok(badCode.body.issues.some((i: any) => i.name === 'capacityCode'));
    });

    test('another role cannot use the consultation screen', async (t) => {
      const app = await startTestApp(t, which);
      const { ocmw, person } = await world(app);
      for (const role of ['AGENCY_CASEWORKER', 'HOUSE_OF_DUTCH']) {
        // Even a caseworker placed in an OCMW organisation does not consult for it.
        const other = await app.as(role, { organisationId: ocmw.id });
        const res = await other.call('POST', '/api/v1/consultations/dossier', { insz: person.insz, purpose: PURPOSE });
        assert.equal(res.status, 403, role);
        assert.equal(res.body.code, 'forbidden', role);
        assert.equal((await other.call('POST', '/api/v1/consultations/appointments', { insz: person.insz, reason: 'NT2' })).status, 403, role);
      }
      assert.equal((await app.anonymous('POST', '/api/v1/consultations/dossier', { insz: person.insz, purpose: PURPOSE })).status, 401);
    });

    test('appointments: a date without a time window and an unknown reason are refused naming the field; a valid one is listed for its own OCMW only', async (t) => {
      const app = await startTestApp(t, which);
      const { worker, person } = await world(app);
      await expectOk(await worker.call('POST', '/api/v1/consultations/integrations', { insz: person.insz, capacityCode: '1' }), 201);
      const request = (body: Record<string, unknown>) => worker.call('POST', '/api/v1/consultations/appointments', { insz: person.insz, ...body });

      const noWindow = await request({ reason: 'NT2', wishedDate: inDays(7) });
      assert.equal(noWindow.status, 400);
      assert.deepEqual(
        noWindow.body.issues.map((i: any) => [i.in, i.name]),
        [['body', 'timeWindow']],
      );
      assert.equal(await appointments(app, person.id), 0, 'nothing stored');

      const unknownReason = await request({ reason: 'KOFFIE', wishedDate: inDays(7) });
      assert.equal(unknownReason.status, 400);
      assert.deepEqual(unknownReason.body.issues.map((i: any) => i.name).sort(), ['reason', 'timeWindow'], 'every faulty field is named');
      const pastDate = await request({ reason: 'NT2', wishedDate: inDays(-1), timeWindow: 'VOORMIDDAG' });
      assert.deepEqual(
        pastDate.body.issues.map((i: any) => i.name),
        ['wishedDate'],
      );
      assert.equal(await appointments(app, person.id), 0, 'still nothing stored');

      const created = await request({ reason: 'NT2', extraInformation: 'Avondcursus gevraagd.', wishedDate: inDays(7), timeWindow: 'VOORMIDDAG' });
      assert.equal(created.status, 201);
      assert.equal(created.body.status, 'REGISTERED');
      const withoutDate = await request({ reason: 'INFO_TRAJECT' });
      assert.equal(withoutDate.status, 201, 'the date is optional, and then so is the time window');
      assert.equal(await appointments(app, person.id), 2);

      const listed = await expectOk(await worker.call('POST', '/api/v1/consultations/appointments/search', { insz: person.insz }));
      assert.deepEqual(listed.items.map((a: any) => a.id).sort(), [created.body.id, withoutDate.body.id].sort());
      const mine = listed.items.find((a: any) => a.id === created.body.id);
      assert.deepEqual([mine.reason, mine.wishedDate, mine.timeWindow, mine.extraInformation], ['NT2', inDays(7), 'VOORMIDDAG', 'Avondcursus gevraagd.']);

      // Another OCMW, with the same client in its own register, does not see them.
      const otherOcmw = await app.factories.organisation({ kind: 'OCMW', name: 'OCMW Aalst' });
      const colleague = await app.as('OCMW_SOCIAL_WORKER', { organisationId: otherOcmw.id });
      await expectOk(await colleague.call('POST', '/api/v1/consultations/integrations', { insz: person.insz, capacityCode: '1' }), 201);
      const theirs = await expectOk(await colleague.call('POST', '/api/v1/consultations/appointments/search', { insz: person.insz }));
      assert.deepEqual(theirs.items, []);
      // A colleague of the same OCMW sees them: the requests are the centre's, not the worker's.
      const sameCentre = await app.as('OCMW_SOCIAL_WORKER', {
        organisationId: (await app.database.db.selectFrom('users').select('organisation_id').where('id', '=', worker.userId).executeTakeFirstOrThrow())
          .organisation_id,
      });
      assert.equal((await expectOk(await sameCentre.call('POST', '/api/v1/consultations/appointments/search', { insz: person.insz }))).items.length, 2);
    });
  });
}
