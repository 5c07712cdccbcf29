/** Transparency: the privacy officer sees who consulted a person's dossier, as JSON, CSV and PDF. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../../../tests/support/databases.ts';
import { expectOk, startTestApp } from '../../../tests/support/app.ts';
import { makeInsz } from '../../platform/identifiers/insz.ts';

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
      const actions = report.items.map((l: any) => l.action);
      assert.deepEqual(actions, ['persons.create', 'caseLead.create', 'dossier.read']);
      const read = report.items[2];
      assert.match(read.actor, /^Test AGENCY_CASEWORKER \(user:/);
      assert.equal(read.purpose, 'trajectbegeleiding');
      assert.equal(read.organisation, agency.name);
      assert.ok(!JSON.stringify(report).includes(other.id), 'nothing about anybody else');

      const denied = await expectOk(await officer('POST', '/api/v1/audit/personReport', { insz: other.insz }));
      assert.deepEqual(
        denied.items.map((l: any) => [l.action, l.result]),
        [
          ['persons.create', 'allowed'],
          ['dossier.read', 'denied'],
          ['persons.read', 'allowed'],
        ],
      );

      const csv = await officer('POST', '/api/v1/audit/personReport', { insz: person.insz }, { accept: 'text/csv' });
      assert.match(csv.headers.get('content-type')!, /^text\/csv/);
      const lines = String(csv.body).trim().split('\n');
      assert.equal(lines[0], 'moment,wie,soort,organisatie,doel,handeling,clusters,resultaat,verzoek');
      assert.equal(lines.length, 4);
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
      const reads = (r: any) => r.items.filter((l: any) => l.action === 'dossier.read').length;
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
    });
  });
}
