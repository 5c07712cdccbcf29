/** Transparency: the privacy officer sees who consulted a person's dossier, as JSON, CSV and a letter (PDF) in Dutch or French. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../../../tests/support/databases.ts';
import { expectOk, startTestApp } from '../../../tests/support/app.ts';
import { makeInsz } from '../../platform/identifiers/insz.ts';
import { pdfText } from '../../../tests/support/pdf-text.ts';

for (const which of TEST_DATABASES) {
  describe(`person access report (${which.name})`, () => {
    test('lists every access to the dossier with who, when and why; only for the privacy officer', async (t) => {
      const { call, as, factories, anonymous } = await startTestApp(t, which);
      const agency = await factories.organisation();
      const office = await factories.office(agency.id);
      const person = await factories.person();
      const other = await factories.person();
      await factories.add(person.id, 'caseLead', { openedOn: '2023-01-02', managingOfficeId: office.id });
      const { call: caseworker } = await as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
      await caseworker('GET', `/api/v1/persons/${person.id}/dossier`, undefined, { 'kbi-purpose': 'trajectbegeleiding' });
      await caseworker('GET', `/api/v1/persons/${other.id}/dossier`); // outside the territory: a denied access of the other person
      await call('GET', `/api/v1/persons/${other.id}`);

      const { call: officer } = await as('PRIVACY_OFFICER');
      const report = await expectOk(await officer('POST', '/api/v1/audit/personReport', { insz: person.insz }));
      // The administrator's creation of the person and its case lead, in one sitting: one line.
      const actions = report.items.map((l: any) => l.actions);
      assert.deepEqual(actions, [['persons.create', 'caseLead.create'], ['dossier.read']]);
      const read = report.items[1];
      assert.equal(read.actor, 'Test AGENCY_CASEWORKER');
      assert.match(read.actorId, /^user:/);
      assert.equal(read.purpose, 'trajectbegeleiding');
      assert.equal(read.purposeText, 'trajectbegeleiding', 'a purpose that is no code, as stated');
      assert.equal(read.actionText, 'Dossier ingezien');
      assert.equal(read.organisation, agency.name);
      assert.ok(!JSON.stringify(report).includes(other.id), 'nothing about anybody else');

      const denied = await expectOk(await officer('POST', '/api/v1/audit/personReport', { insz: other.insz }));
      assert.deepEqual(
        denied.items.map((l: any) => [l.action, l.result, l.resultText]),
        [
          ['persons.create', 'allowed', 'toegestaan'],
          ['dossier.read', 'denied', 'geweigerd'],
          ['persons.read', 'allowed', 'toegestaan'],
        ],
      );

      const csv = await officer('POST', '/api/v1/audit/personReport', { insz: person.insz }, { accept: 'text/csv' });
      assert.match(csv.headers.get('content-type')!, /^text\/csv/);
      const lines = String(csv.body).trim().split('\n');
      assert.equal(lines[0], 'moment,tot,wie,soort,organisatie,doel,rechtsgrond,handeling,gegevens,resultaat,handelingscodes,verzoek');
      assert.equal(lines.length, 3, 'a header and one line per consultation');
      const pdfRes = await officer('POST', '/api/v1/audit/personReport', { insz: person.insz }, { accept: 'application/pdf' });
      assert.equal(pdfRes.headers.get('content-type'), 'application/pdf');
      assert.ok(String(pdfRes.body).startsWith('%PDF-'), 'a PDF document');

      // A corrected INSZ: the accesses made under the old number belong to the person still, whichever number is asked for.
      const newInsz = makeInsz({ birthDate: '1979-11-02', serial: 411 });
      await expectOk(
        await call(
          'PATCH',
          `/api/v1/persons/${person.id}`,
          { insz: newInsz, birthDate: '1979-11-02' },
          { 'if-match': `"${person.version}"`, 'content-type': 'application/merge-patch+json' },
        ),
      );
      await caseworker('GET', `/api/v1/persons/${person.id}/dossier`);
      const reads = (r: any) => r.items.filter((l: any) => l.actions.includes('dossier.read')).length;
      assert.equal(
        reads(await expectOk(await officer('POST', '/api/v1/audit/personReport', { insz: newInsz }))),
        2,
        'one read under the old INSZ, one under the new',
      );
      assert.equal(reads(await expectOk(await officer('POST', '/api/v1/audit/personReport', { insz: person.insz }))), 2);

      // Nobody else reads the audit trail, not even the administrator (separation of duties).
      assert.equal((await call('POST', '/api/v1/audit/personReport', { insz: person.insz })).status, 403);
      assert.equal((await caseworker('POST', '/api/v1/audit/personReport', { insz: person.insz })).status, 403);
      assert.equal((await anonymous('POST', '/api/v1/audit/personReport', { insz: person.insz })).status, 401);
      assert.equal((await officer('POST', '/api/v1/audit/personReport', { insz: '12345678901' })).status, 400);
      assert.equal((await officer('POST', '/api/v1/audit/personReport', { insz: person.insz, lang: 'de' })).status, 400);
    });

    test('a letter to the person in Dutch or in French: one line per consultation, purpose and legal basis in words, no codes', async (t) => {
      const { as, call, factories, base } = await startTestApp(t, which);
      const agency = await factories.organisation({ name: 'Agentschap Integratie en Inburgering Limburg' });
      const office = await factories.office(agency.id);
      const person = await factories.person({ givenNames: 'Amina', familyName: 'El Idrissi' });
      await factories.add(person.id, 'caseLead', { openedOn: '2023-01-02', managingOfficeId: office.id });
      const caseworker = await as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [office.id] });
      const rename = async (userId: string, displayName: string) =>
        expectOk(await call('PATCH', `/api/v1/users/${userId}`, { displayName }, { 'if-match': '"1"', 'content-type': 'application/merge-patch+json' }));
      await rename(caseworker.userId, 'Ann Peeters');
      // The caseworker opens the dossier on screen: the dossier and its timeline, no purpose stated.
      await expectOk(await caseworker.call('GET', `/api/v1/persons/${person.id}/dossier`));
      await expectOk(await caseworker.call('GET', `/api/v1/persons/${person.id}/timeline`));
      const officer = await as('PRIVACY_OFFICER');
      await rename(officer.userId, 'Pieter Claes');

      const report = await expectOk(await officer.call('POST', '/api/v1/audit/personReport', { insz: person.insz }));
      const view = report.items.at(-1);
      assert.deepEqual(view.actions, ['dossier.read', 'dossier.timeline'], 'the page view is one line');
      assert.equal(view.actor, 'Ann Peeters');
      assert.equal(view.purpose, null);
      assert.equal(view.purposeText, 'Opvolging van het inburgeringstraject', "the purpose of the caseworker's task");
      assert.equal(view.legalBasisText, 'Decreet van 7 juni 2013 betreffende het Vlaamse integratie- en inburgeringsbeleid');
      assert.ok(view.clusterTexts.includes('inburgeringscontracten'));
      assert.deepEqual(report.person, {
        known: true,
        name: 'Amina El Idrissi',
        inszMasked: `••.••.••-•${person.insz.slice(7, 9)}.${person.insz.slice(9, 11)}`,
      });
      assert.ok(
        report.items.every((l: any) => l.purposeText && l.legalBasisText),
        'no line without purpose',
      );

      // The PDF as bytes (the test client reads answers as text).
      const { csrfToken } = await expectOk(await officer.call('GET', '/api/v1/session'));
      const letter = async (lang: string) => {
        const res = await fetch(`${base}/api/v1/audit/personReport`, {
          method: 'POST',
          headers: { cookie: officer.cookie, 'x-csrf-token': csrfToken, accept: 'application/pdf', 'content-type': 'application/json' },
          body: JSON.stringify({ insz: person.insz, lang }),
        });
        assert.equal(res.headers.get('content-type'), 'application/pdf');
        assert.match(res.headers.get('content-disposition') ?? '', new RegExp(`-${lang}\\.pdf"$`));
        const body = Buffer.from(await res.arrayBuffer());
        assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-');
        return pdfText(body).replace(/\s+/g, ' '); // a sentence may wrap
      };
      const codes = [
        'dossier.read',
        'dossier.timeline',
        'caseLead',
        'persons.create',
        'user:',
        'AGENCY_CASEWORKER',
        'personalia',
        'targetGroup',
        person.insz,
        'null',
        'undefined',
      ];
      const nl = await letter('nl');
      for (const expected of [
        'Kruispuntbank Inburgering',
        'Amina El Idrissi',
        report.person.inszMasked,
        'artikel 15 van de Algemene verordening gegevensbescherming',
        'Geachte mevrouw, geachte heer,',
        'Ann Peeters',
        'Agentschap Integratie en Inburgering Limburg',
        'Opvolging van het inburgeringstraject',
        'Decreet van 7 juni 2013 betreffende het Vlaamse',
        'inburgeringscontracten',
        'Tijdlijn van het dossier ingezien',
        'functionaris voor gegevensbescherming',
        'Pieter Claes',
        'Pagina 1 van',
      ])
        assert.ok(nl.includes(expected), `the Dutch letter says ${expected}`);
      for (const absent of [...codes, 'Page ', ' the ', 'Dossier read', 'Madame']) assert.ok(!nl.includes(absent), `the Dutch letter does not say ${absent}`);

      const fr = await letter('fr');
      for (const expected of [
        'Amina El Idrissi',
        'Madame, Monsieur,',
        'article 15 du Règlement général sur la protection des données',
        'Ann Peeters',
        'Suivi du parcours d’intégration civique',
        'Décret du 7 juin 2013 relatif à la politique flamande',
        "contrats d'intégration civique",
        'Consultation du dossier',
        'délégué à la protection des données',
        'Page 1 sur',
      ])
        assert.ok(fr.includes(expected), `the French letter says ${expected}`);
      for (const absent of [...codes, 'Pagina', ' the ', 'Opvolging', 'Geachte']) assert.ok(!fr.includes(absent), `the French letter does not say ${absent}`);

      const csv = await officer.call('POST', '/api/v1/audit/personReport', { insz: person.insz, lang: 'fr' }, { accept: 'text/csv' });
      assert.match(String(csv.body).split('\n')[0]!, /^moment,jusqu’à,qui,type,organisation,finalité/);
      assert.match(String(csv.body), /Suivi du parcours d’intégration civique/);
    });
  });
}
