/** The caseworker API's plumbing: create/read/update, ETag, Idempotency-Key, cursors, search, OpenAPI. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';

for (const which of TEST_DATABASES) {
  describe(`caseworker API (${which.name})`, () => {
    test('a person is registered, read with its ETag, changed with If-Match and found again', async (t) => {
      const { call } = await startTestApp(t, which);
      const created = await call('POST', '/api/v1/persons', {
        insz: '85.07.30-033.28',
        familyName: 'El Amrani',
        givenNames: 'Youssef',
        gender: '1',
        nationality: 'SYR',
        postcode: '2000',
        municipality: 'Antwerpen',
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.insz, '85073003328', 'stored without separators');
      assert.equal(created.body.birthDate, '1985-07-30', 'birth date taken from the INSZ');
      assert.equal(created.body.province, 'ANTWERP', 'province derived from the postcode');
      assert.equal(created.headers.get('etag'), '"1"');
      assert.equal(created.headers.get('location'), `/api/v1/persons/${created.body.id}`);
      assert.ok(created.headers.get('belgov-trace-id'));

      const read = await call('GET', `/api/v1/persons/${created.body.id}`);
      assert.equal(read.headers.get('etag'), '"1"');
      const changed = await expectOk(
        await call(
          'PATCH',
          `/api/v1/persons/${created.body.id}`,
          { postcode: '9000', municipality: 'Gent' },
          { 'if-match': '"1"', 'content-type': 'application/merge-patch+json' },
        ),
      );
      assert.equal(changed.version, 2);
      assert.equal(changed.province, 'EAST_FLANDERS');

      const duplicate = await call('POST', '/api/v1/persons', { insz: '85073003328', familyName: 'X', givenNames: 'Y', gender: '1', nationality: 'SYR' });
      assert.equal(duplicate.status, 409, 'one current person per INSZ');

      const byInsz = await expectOk(await call('POST', '/api/v1/persons/search', { insz: '85073003328' }));
      assert.deepEqual(
        byInsz.items.map((p: any) => p.id),
        [created.body.id],
      );
      const byName = await expectOk(await call('POST', '/api/v1/persons/search', { familyName: 'el am' }));
      assert.equal(byName.items.length, 1);
      const byBirth = await expectOk(await call('POST', '/api/v1/persons/search', { birthDate: '1985-07-30' }));
      assert.equal(byBirth.items.length, 1);
      const none = await expectOk(await call('POST', '/api/v1/persons/search', { familyName: 'Zzz' }));
      assert.deepEqual(none.items, []);
    });

    test('persons are found by their managing office, and a MAGDA-style conversation without text is kept', async (t) => {
      const { call, factories } = await startTestApp(t, which);
      const agency = await factories.organisation();
      const [here, there] = [await factories.office(agency.id), await factories.office(agency.id)];
      const [a, b] = [await factories.person(), await factories.person()];
      await factories.add(a.id, 'caseLead', {
        openedOn: '2023-01-02',
        managingOfficeId: here.id,
        caseLeadOrganisationId: agency.id,
        caseLeadSince: '2023-01-02',
      });
      await factories.add(b.id, 'caseLead', { openedOn: '2023-01-02', managingOfficeId: there.id });
      const found = await expectOk(await call('POST', '/api/v1/persons/search', { officeId: here.id }));
      assert.deepEqual(
        found.items.map((p: any) => p.id),
        [a.id],
      );
      const second = await call('POST', `/api/v1/persons/${a.id}/caseLead`, { openedOn: '2023-01-02' });
      assert.equal(second.status, 409, 'one dossier per person');
      const talk = await factories.add(a.id, 'conversations', { heldAt: '2023-03-22T10:00:00Z', officeId: here.id });
      assert.equal(talk.text, undefined);
    });

    test('the same create with the same Idempotency-Key makes one record; another body with that key is refused', async (t) => {
      const { call, factories, rowCounts } = await startTestApp(t, which);
      const person = await factories.person();
      const body = { kind: 'MOTHER', signedOn: '2022-08-01', registeredOn: '2022-08-01' };
      const first = await call('POST', `/api/v1/persons/${person.id}/contracts`, body, { 'idempotency-key': 'retry-0001-abc' });
      const again = await call('POST', `/api/v1/persons/${person.id}/contracts`, body, { 'idempotency-key': 'retry-0001-abc' });
      assert.equal(first.status, 201);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      assert.equal((await rowCounts('contracts')).contracts, 1);
      const other = await call(
        'POST',
        `/api/v1/persons/${person.id}/contracts`,
        { ...body, signedOn: '2022-09-01', registeredOn: '2022-09-01' },
        { 'idempotency-key': 'retry-0001-abc' },
      );
      assert.equal(other.status, 422);
      assert.equal((await rowCounts('contracts')).contracts, 1);
    });

    test('lists are paged with an opaque cursor that visits every record once', async (t) => {
      const { call, factories } = await startTestApp(t, which);
      const org = await factories.organisation();
      const made = [];
      for (let i = 0; i < 7; i++) made.push((await factories.office(org.id, { name: `Loket ${i}` })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await expectOk(await call('GET', `/api/v1/offices?limit=3&organisationId=${org.id}${cursor ? `&cursor=${cursor}` : ''}`));
        assert.ok(page.items.length <= 3);
        seen.push(...page.items.map((o: any) => o.id));
        cursor = page.next;
      } while (cursor);
      assert.deepEqual([...seen].sort(), [...made].sort());
      assert.equal((await call('GET', '/api/v1/offices?cursor=garbage!')).status, 400);
      assert.equal((await call('GET', '/api/v1/offices?limit=0')).status, 400);

      const person = await factories.person();
      for (let i = 1; i <= 5; i++)
        await factories.add(person.id, 'languageSkills', { language: ['ARA', 'ENG', 'FRA', 'TUR', 'RUS'][i - 1], proficiency: 'GOED' });
      const p1 = await expectOk(await call('GET', `/api/v1/persons/${person.id}/languageSkills?limit=2`));
      const p2 = await expectOk(await call('GET', `/api/v1/persons/${person.id}/languageSkills?limit=2&cursor=${p1.next}`));
      const p3 = await expectOk(await call('GET', `/api/v1/persons/${person.id}/languageSkills?limit=2&cursor=${p2.next}`));
      assert.deepEqual(
        [...p1.items, ...p2.items, ...p3.items].map((l: any) => l.language),
        ['ARA', 'ENG', 'FRA', 'RUS', 'TUR'],
      );
      assert.equal(p3.next, null);
    });

    test('every read and write of personal data leaves an audit record', async (t) => {
      const { call, factories, database } = await startTestApp(t, which);
      const person = await factories.person();
      await call('GET', `/api/v1/persons/${person.id}/dossier`);
      const rows = await database.db
        .selectFrom('audit_log')
        .select(['action', 'person_id', 'actor_id', 'result'])
        .where('person_id', '=', person.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.action),
        ['persons.create', 'dossier.read'],
      );
      assert.ok(
        rows.every((r) => r.actor_id.startsWith('user:') && r.result === 'allowed'),
        JSON.stringify(rows),
      );
    });

    test('health, the OpenAPI 3.1 document and its docs page answer', async (t) => {
      const { call } = await startTestApp(t, which);
      assert.deepEqual((await expectOk(await call('GET', '/api/health'))).status, 'ok');
      const doc = await expectOk(await call('GET', '/api/openapi.json'));
      assert.equal(doc.openapi, '3.1.0');
      for (const path of [
        '/api/v1/persons',
        '/api/v1/persons/search',
        '/api/v1/persons/{personId}/dossier',
        '/api/v1/persons/{personId}/contracts',
        '/api/v1/contracts/{id}',
      ]) {
        assert.ok(doc.paths[path], `OpenAPI documents ${path}`);
      }
      const docs = await call('GET', '/api/docs');
      assert.ok([200, 302].includes(docs.status));
      const unknown = await call('GET', '/api/v1/nothing-here');
      assert.equal(unknown.status, 404);
      assert.match(unknown.headers.get('content-type')!, /problem\+json/);
    });
  });
}
