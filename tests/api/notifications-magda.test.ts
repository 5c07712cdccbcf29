/**
 * Change notifications over MAGDA (issue 16), on both databases: an endpoint of transport MAGDA gets
 * each dossier.invalidated event as its own InvalidatieKBIDossier question, signed as a webhook is,
 * at a real receiver process (tests/support/magda-receiver.ts) that checks the signature with the
 * partners' helper and reads the envelope with the MAGDA module's guarded reader. The INSZ is read
 * from the integration record at send time (the outbox has none); an Uitzondering FOUT is a failed
 * attempt, retried with back-off, then a dead letter, which a replay delivers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type TestApp } from '../support/app.ts';
import { startReceiver, waitFor } from '../support/notifications.ts';
import { belgianToday, dayOffset } from '../../server/modules/integrations/integrations.service.ts';
import { inTransaction } from '../../server/platform/db.ts';
import { createLogger } from '../../server/platform/logger.ts';
import { startRelay, type RelaySettings } from '../../server/modules/notifications/notifications.relay.ts';
import { judgeAnswer } from '../../server/modules/notifications/magda-push.ts';

/** Short back-off and a retry period of a second: a refused event is tried several times, then given up. */
const FAST: RelaySettings = {
  pollMs: 50,
  timeoutMs: 1000,
  retrySeconds: 1,
  backoffMs: 50,
  maxBackoffSeconds: 1,
  leaseSeconds: 5,
  alertAfter: 3,
  magdaSenderId: 'kbi.test.vlaanderen.be',
};

interface Message {
  naam: string;
  versie: string;
  type: string;
  afzender: string;
  eventId: string;
  ontvanger: string;
  hoedanigheid: string;
  seq: number;
  insz: string;
  soapAction: string | null;
  contentType: string | null;
  rejected?: string;
}

const touch = (app: TestApp, personId: string) =>
  inTransaction(app.database.db, 'test:screen', (tx) => sql`UPDATE dossiers SET opened_on = opened_on WHERE person_id = ${personId}::uuid`.execute(tx));

const soap = (inner: string) =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/><s:Body>${inner}</s:Body></s:Envelope>`;
const repliek = (inner: string) =>
  soap(`<w:InvalidatieKBIDossierResponse xmlns:w="urn:x"><Repliek><Context/>${inner}</Repliek></w:InvalidatieKBIDossierResponse>`);

test("the OCMW's answer: an Antwoord is a delivery; a SOAP fault, an Uitzondering FOUT, another status or no MAGDA answer is not", () => {
  assert.equal(judgeAnswer(200, repliek('<Antwoorden><Antwoord><Referte>7</Referte></Antwoord></Antwoorden>')), null);
  assert.equal(
    judgeAnswer(
      200,
      repliek('<Antwoorden><Antwoord><Uitzonderingen><Uitzondering><Type>WAARSCHUWING</Type></Uitzondering></Uitzonderingen></Antwoord></Antwoorden>'),
    ),
    null,
    'a warning is no failure',
  );
  assert.equal(
    judgeAnswer(
      200,
      repliek(
        '<Uitzonderingen><Uitzondering><Identificatie>30001</Identificatie><Type>FOUT</Type><Diagnose>onbekend</Diagnose></Uitzondering></Uitzonderingen>',
      ),
    ),
    'Uitzondering FOUT 30001: onbekend',
  );
  assert.match(
    judgeAnswer(
      200,
      repliek(
        '<Antwoorden><Antwoord><Uitzonderingen><Uitzondering><Identificatie>9</Identificatie><Type>FOUT</Type></Uitzondering></Uitzonderingen></Antwoord></Antwoorden>',
      ),
    )!,
    /^Uitzondering FOUT 9/,
  );
  assert.equal(
    judgeAnswer(500, soap('<s:Fault><faultcode>s:Server</faultcode><faultstring>kapot</faultstring></s:Fault>')),
    'status 500 SOAP fault s:Server: kapot',
  );
  assert.equal(judgeAnswer(503, 'Service Unavailable'), 'status 503');
  assert.equal(judgeAnswer(200, repliek('')), 'not a MAGDA answer: no Antwoord');
  assert.match(judgeAnswer(200, '{"ok":true}')!, /^not a MAGDA answer/);
  assert.match(
    judgeAnswer(200, `<!DOCTYPE x [<!ENTITY e "Antwoord">]>${repliek('<Antwoorden><Antwoord/></Antwoorden>')}`)!,
    /document type declaration/,
    'no DTD, no entities',
  );
});

for (const which of TEST_DATABASES) {
  describe(`change notifications over MAGDA (${which.name})`, () => {
    test('one signed InvalidatieKBIDossier per event, in order, with the INSZ read at send time; a FOUT is retried, then a dead letter; replay', async (t) => {
      const app = await startTestApp(t, which);
      const agency = await app.factories.organisation({ kind: 'AGENCY' });
      const office = await app.factories.office(agency.id);
      const person = await app.factories.person();
      const ocmw = await partner(app, 'OCMW', 'OCMW Gent');
      const integration = await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1' }), 201);
      await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: dayOffset(belgianToday(), -30) });
      const org = ocmw.organisation.id as string;
      const client = await app.database.db.selectFrom('partner_clients').select('client_id').where('organisation_id', '=', org).executeTakeFirstOrThrow();

      // The transport is checked: anything but WEBHOOK or MAGDA is a problem.
      const bad = await app.call('PUT', `/api/v1/notifications/endpoints/${org}`, { url: 'https://ocmw.example/magda', transport: 'SMTP' });
      assert.equal(bad.status, 400);
      assert.match(bad.headers.get('content-type') ?? '', /application\/problem\+json/);
      const created = await expectOk(
        await app.call('PUT', `/api/v1/notifications/endpoints/${org}`, { url: 'https://ocmw.example/magda', mode: 'PULL', transport: 'MAGDA' }),
        201,
      );
      assert.equal(created.transport, 'MAGDA');

      for (let i = 0; i < 4; i++) await touch(app, person.id);
      const events = await app.database.db
        .selectFrom('outbox_events')
        .selectAll()
        .where('organisation_id', '=', org)
        .where('seq', '>', created.cursor)
        .orderBy('seq')
        .execute();
      assert.equal(events.length, 4);
      assert.ok(!JSON.stringify(events).includes(person.insz), 'no INSZ in the outbox');
      const refused = events[2]!;

      // The OCMW answers an Uitzondering FOUT to the third event, an Antwoord to the others.
      let receiver = await startReceiver({ secret: created.secret, refuse: refused.event_id, magda: true });
      const { file, port } = receiver;
      const view = await expectOk(await app.call('PUT', `/api/v1/notifications/endpoints/${org}`, { url: receiver.url, mode: 'BOTH' }));
      assert.equal(view.transport, 'MAGDA', 'kept when not given');
      let relay = startRelay(app.app.deps, FAST, createLogger('silent'));
      try {
        const dead = await waitFor('the refused event a dead letter, the others delivered', async () => {
          const items = (await expectOk(await app.call('GET', '/api/v1/notifications/deadLetters'))).items;
          const v = (await expectOk(await app.call('GET', `/api/v1/notifications/endpoints/${view.id}`))) as { pending: number };
          return items.length && v.pending === 0 && receiver.received().length === 3 ? items : null;
        });
        const got = receiver.received() as unknown as Message[];
        assert.deepEqual(
          got.map((m) => [m.eventId, m.seq]),
          [0, 1, 3].map((i) => [events[i]!.event_id, Number(events[i]!.seq)]),
          'each other event once, as its own message, in sequence order; the one after the refused one after it was given up',
        );
        for (const m of got) {
          assert.equal(m.naam, 'InvalidatieKBIDossier');
          assert.equal(m.versie, '01.00.0000');
          assert.equal(m.type, 'VRAAG');
          assert.equal(m.afzender, 'kbi.test.vlaanderen.be', "KBI's MAGDA sender id");
          assert.equal(m.ontvanger, client.client_id, "the partner's client id");
          assert.equal(m.hoedanigheid, '1', 'the capacity code of the integration record');
          assert.equal(m.insz, person.insz, 'the INSZ of the integration record, read at send time');
          assert.equal(m.soapAction, '"InvalidatieKBIDossier"');
          assert.match(m.contentType ?? '', /^text\/xml/);
        }
        assert.ok(events.every((e) => e.subject_id === integration.id));

        // The refused event: tried again with back-off until the retry period was over, then given up.
        assert.deepEqual(
          dead.map((d: { eventId: string }) => d.eventId),
          [refused.event_id],
        );
        const tries = receiver.rejected() as unknown as Message[];
        assert.ok(tries.length >= 2, `retried before it was given up (${tries.length} tries)`);
        assert.ok(tries.every((m) => m.rejected === 'FOUT' && m.eventId === refused.event_id && m.seq === Number(refused.seq) && m.insz === person.insz));
        assert.equal(dead[0].attempts, tries.length);
        assert.equal(dead[0].lastError, 'Uitzondering FOUT 99999: dossier niet te verwerken');
        const log = (await expectOk(await app.call('GET', `/api/v1/notifications/endpoints/${view.id}/attempts?limit=100`))).items;
        assert.ok(
          log.every((a: { events: number }) => a.events === 1),
          'a delivery of one event each',
        );
        const failed = log.filter((a: { delivered: boolean }) => !a.delivered);
        assert.equal(failed.length, tries.length);
        assert.ok(
          failed.every(
            (a: { statusCode: number; error: string; seq: number }) =>
              a.statusCode === 200 && /^Uitzondering FOUT/.test(a.error) && a.seq === Number(refused.seq),
          ),
        );
        assert.equal(log.filter((a: { delivered: boolean }) => a.delivered).length, 3);

        // A wrong signature: the OCMW answers a SOAP fault, a failed attempt with its status (retried
        // for an hour now, so the event goes once the secret is right again).
        await relay.stop();
        relay = startRelay(app.app.deps, { ...FAST, retrySeconds: 3600 }, createLogger('silent'));
        await inTransaction(app.database.db, 'test:tamper', (tx) => sql`UPDATE notification_endpoints SET secret = ${'x'.repeat(43)}`.execute(tx));
        await touch(app, person.id);
        await waitFor('a SOAP fault recorded', async () =>
          (await expectOk(await app.call('GET', `/api/v1/notifications/endpoints/${view.id}/attempts?limit=5`))).items.find((a: { error: string | null }) =>
            a.error?.includes('SOAP fault'),
          ),
        );
        const faulted = (await expectOk(await app.call('GET', `/api/v1/notifications/endpoints/${view.id}/attempts?limit=5`))).items.find(
          (a: { error: string | null }) => a.error?.includes('SOAP fault'),
        );
        assert.equal(faulted.statusCode, 500);
        assert.equal(faulted.error, 'status 500 SOAP fault soapenv:Client: signature');
        await inTransaction(app.database.db, 'test:tamper', (tx) => sql`UPDATE notification_endpoints SET secret = ${created.secret}`.execute(tx));
        await waitFor('the event after the fault delivered', () => receiver.received().length === 4);

        // The OCMW takes it now: a replay delivers the dead letter, the same event id and INSZ.
        await receiver.stop();
        receiver = await startReceiver({ secret: created.secret, port, file, magda: true });
        assert.equal((await expectOk(await app.call('POST', '/api/v1/notifications/replay', { eventId: refused.event_id }))).queued, 1);
        await waitFor('the replay recorded', async () => {
          const items = (await expectOk(await app.call('GET', '/api/v1/notifications/deadLetters?all=true'))).items;
          return items[0]?.status === 'DELIVERED';
        });
        const replayed = (receiver.received() as unknown as Message[]).filter((m) => m.eventId === refused.event_id);
        assert.equal(replayed.length, 1);
        assert.equal(replayed[0]!.insz, person.insz);
        assert.equal(replayed[0]!.seq, Number(refused.seq));
      } finally {
        await relay.stop();
        await receiver.stop();
      }
    });
  });
}
