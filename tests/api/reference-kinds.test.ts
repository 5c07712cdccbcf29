/**
 * Pick-lists that fit the field (issue 14): a reference to an office or organisation must be of a
 * kind that fits — a contract is signed at an agency office, not at an OCMW or VDAB; a living wage is
 * paid by an OCMW. The form description says which kinds, and the server refuses the others at the
 * field, changing nothing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';

for (const which of TEST_DATABASES) {
  describe(`references of the right kind (${which.name})`, () => {
    test('an office or organisation of another kind is refused at its field; the form says which kinds fit', async (t) => {
      const app = await startTestApp(t, which);
      const agency = await app.factories.organisation({ kind: 'AGENCY' });
      const ocmw = await app.factories.organisation({ kind: 'OCMW', name: 'OCMW Gent' });
      const agencyOffice = await app.factories.office(agency.id);
      const ocmwOffice = await app.factories.office(ocmw.id);
      const person = await app.factories.person();
      const contract = { kind: 'MOTHER', signedOn: '2023-02-01', registeredOn: '2023-02-01' };
      const before = await app.rowCounts('contracts', 'living_wage_records');
      const wrong = await app.call('POST', `/api/v1/persons/${person.id}/contracts`, { ...contract, officeId: ocmwOffice.id });
      assert.equal(wrong.status, 400);
      assert.deepEqual([wrong.body.issues[0].name, wrong.body.issues[0].type], ['officeId', 'urn:problem-type:kbi:referenceDoesNotFit']);
      const wage = await app.call('POST', `/api/v1/persons/${person.id}/livingWageRecords`, { organisationId: agency.id, startsOn: '2023-01-01' });
      assert.equal(wage.body.issues[0].name, 'organisationId');
      assert.deepEqual(await app.rowCounts('contracts', 'living_wage_records'), before, 'nothing stored');
      await expectOk(await app.call('POST', `/api/v1/persons/${person.id}/contracts`, { ...contract, officeId: agencyOffice.id }), 201);
      await expectOk(await app.call('POST', `/api/v1/persons/${person.id}/livingWageRecords`, { organisationId: ocmw.id, startsOn: '2023-01-01' }), 201);

      const resources = (await expectOk(await app.call('GET', '/api/v1/resources'))).items;
      const office = resources.find((r: { resource: string }) => r.resource === 'contracts').fields.find((f: { name: string }) => f.name === 'officeId');
      assert.deepEqual(office.organisationKinds, ['AGENCY']);
    });
  });
}
