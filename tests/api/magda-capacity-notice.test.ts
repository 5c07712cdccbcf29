/**
 * The MAGDA endpoint keeps which purposes a partner's capacity code (Hoedanigheid) stands for in
 * memory (magda.routes.ts), and forgets them the moment authorisations change (migration 0027's
 * notice): a capacity code withdrawn from an authorisation is refused on the very next question,
 * where a remembered answer would still have let the consult through. Likewise the offices, staff,
 * centres and courses an answer names (migration 0029's notice): an office's new KBO number is
 * answered on the next questions, not a remembered one.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { makeKbo } from '../../server/platform/identifiers/kbo.ts';
import { expectOk, partner, startTestApp } from '../support/app.ts';

const envelope = (clientId: string, insz: string) => `<?xml version="1.0"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
  <web:GeefDossierKBI xmlns:web="http://webservice.GeefDossierKBI-01.00.kbi-01.00.vip.vlaanderen.be">
    <Verzoek><Context><Naam>GeefDossierKBI</Naam><Versie>01.00.0000</Versie><Bericht><Type>VRAAG</Type>
      <Afzender><Identificatie>${clientId}</Identificatie><Referte>ref-1</Referte><Hoedanigheid>3003</Hoedanigheid></Afzender>
    </Bericht></Context>
    <Vragen><Vraag><Referte>q1</Referte><Inhoud><INSZ>${insz}</INSZ></Inhoud></Vraag></Vragen></Verzoek>
  </web:GeefDossierKBI>
</soapenv:Body></soapenv:Envelope>`;

for (const which of TEST_DATABASES) {
  describe(`MAGDA capacity codes in memory (${which.name})`, () => {
    test('a capacity code withdrawn from the authorisation is refused on the next question', async (t) => {
      const app = await startTestApp(t, which);
      const person = await app.factories.person();
      const p = await partner(app, 'VMSW', 'VMSW Brugge');
      const created = await app.call('POST', '/api/v1/authorisations', {
        partnerOrganisationId: p.organisation.id,
        purpose: 'WOONCODE_TAALKENNIS',
        clusters: ['personalia'],
        legalBasis: 'Vlaamse Wooncode, art. 92 §3',
        startsOn: '2020-01-01',
        capacityCodes: ['3003'],
      });
      const authorisation = await expectOk(created, 201);
      await expectOk(await p.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '3003' }), 201);
      const clientId = `vmsw-${p.organisation.id.slice(0, 8)}`;
      const ask = async () =>
        String((await p.call('POST', '/api/magda/soap', envelope(clientId, person.insz), { 'content-type': 'text/xml; charset=utf-8' })).body);

      for (let i = 0; i < 3; i++) assert.match(await ask(), /<KBIDossier>/, 'answered (and the capacity code remembered)');
      // The authorisation no longer names capacity code 3003 (and no longer needs an integration):
      // a remembered 3003 would now reach the consult and be answered.
      const changed = await app.call(
        'PATCH',
        `/api/v1/authorisations/${authorisation.id}`,
        { capacityCodes: [] },
        { 'if-match': created.headers.get('etag')! },
      );
      await expectOk(changed);
      // The notice arrives at commit, asynchronously; the next questions must be refused as soon as it has.
      let answer = '';
      for (let i = 0; i < 50 && !/-300010/.test(answer); i++) {
        answer = await ask();
        if (!/-300010/.test(answer)) await new Promise((r) => setTimeout(r, 20));
      }
      assert.match(answer, /<Identificatie>-300010<\/Identificatie>[\s\S]*Hoedanigheid 3003/);
      assert.doesNotMatch(await ask(), /<KBIDossier>/);
    });

    test('an office whose KBO number changed is answered with the new number', async (t) => {
      const app = await startTestApp(t, which);
      const person = await app.factories.person();
      const agency = await app.factories.organisation();
      const office = await app.factories.office(agency.id);
      await app.factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2023-02-01', registeredOn: '2023-02-01', officeId: office.id });
      const p = await partner(app, 'VMSW', 'VMSW Gent');
      await expectOk(
        await app.call('POST', '/api/v1/authorisations', {
          partnerOrganisationId: p.organisation.id,
          purpose: 'WOONCODE_TAALKENNIS',
          clusters: ['personalia', 'contracts'],
          legalBasis: 'Vlaamse Wooncode, art. 92 §3',
          startsOn: '2020-01-01',
          capacityCodes: ['3003'],
        }),
        201,
      );
      await expectOk(await p.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '3003' }), 201);
      const clientId = `vmsw-${p.organisation.id.slice(0, 8)}`;
      const ask = async () =>
        String((await p.call('POST', '/api/magda/soap', envelope(clientId, person.insz), { 'content-type': 'text/xml; charset=utf-8' })).body);
      const kboIn = (xml: string) => /<Contract>[\s\S]*?<KboNummer>(\d+)<\/KboNummer>/.exec(xml)?.[1];

      for (let i = 0; i < 3; i++) assert.equal(kboIn(await ask()), office.kboNumber, 'answered (and the office remembered)');
      const renumbered = makeKbo(21_999_000, 'establishment');
      await expectOk(
        await app.call(
          'PATCH',
          `/api/v1/offices/${office.id}`,
          { kboNumber: renumbered },
          { 'if-match': '"1"', 'content-type': 'application/merge-patch+json' },
        ),
      );
      let seen: string | undefined;
      for (let i = 0; i < 50 && seen !== renumbered; i++) {
        seen = kboIn(await ask());
        if (seen !== renumbered) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(seen, renumbered, 'the new KBO number once the notice has arrived');
      assert.equal(kboIn(await ask()), renumbered, 'and from then on');
    });
  });
}
