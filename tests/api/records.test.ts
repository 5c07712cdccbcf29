/** The caseworker API's plumbing: create/read/update, ETag, Idempotency-Key, cursors, search, OpenAPI. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp } from '../support/app.ts';

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

    test('a retry racing its original with the same Idempotency-Key gets the same record, not a 409', async (t) => {
      const { call, factories, rowCounts } = await startTestApp(t, which);
      const person = await factories.person();
      // Sent three at a time: on PostgreSQL they pass the key's look-up together, and the first to commit wins.
      for (let round = 0; round < 5; round++) {
        const body = { heldAt: '2023-03-22T10:00:00Z', text: `gesprek ${round}` };
        const answers = await Promise.all(
          [1, 2, 3].map(() => call('POST', `/api/v1/persons/${person.id}/conversations`, body, { 'idempotency-key': `race-000${round}-abc` })),
        );
        assert.deepEqual(
          answers.map((a) => a.status),
          [201, 201, 201],
          JSON.stringify(answers.map((a) => a.body)),
        );
        assert.equal(new Set(answers.map((a) => a.body.id)).size, 1, 'one record for the three');
        assert.equal(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true').length, 2, 'two are replays');
      }
      assert.equal((await rowCounts('conversations')).conversations, 5);
    });

    test(
      "a person's change beside a transaction that writes one of the person's records does not deadlock",
      { skip: which.name === 'postgres' ? false : 'row locks between sessions: PostgreSQL only' },
      async (t) => {
        const app = await startTestApp(t, which);
        const person = await app.factories.person();
        // Another writer of this person's dossier, in the order its triggers take locks: first the dossier
        // document's invalidation, later the key check of a record that names the person.
        const other = new pg.Client({ connectionString: (app.database as unknown as { url: string }).url });
        other.on('error', () => undefined); // ended below; the scratch database is dropped after the test
        await other.connect();
        await other.query(`BEGIN; SELECT set_config('kbi.actor', 'test:other', true)`);
        await other.query(
          `INSERT INTO dossier_documents AS d (person_id) VALUES ($1) ON CONFLICT (person_id) DO UPDATE SET version = d.version + 1, document = NULL, built_version = NULL`,
          [person.id],
        );
        // The caseworker changes the person meanwhile: it waits for the document, holding the person's row.
        const change = app.call('PATCH', `/api/v1/persons/${person.id}`, { street: 'Veldstraat' }, { 'if-match': `"${person.version}"` });
        const waiting = async () =>
          (
            await other.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
            )
          ).rows[0].n > 0;
        for (let i = 0; !(await waiting()); i++) {
          if (i > 400) throw new Error('the change never waited for the other transaction');
          await new Promise((r) => setTimeout(r, 25));
        }
        // The other transaction now writes a record of the person: its key check must not wait for the change.
        await other.query(`INSERT INTO conversations (person_id, held_at, text) VALUES ($1, now(), 'naast de wijziging')`, [person.id]);
        await other.query('COMMIT');
        await other.end();
        const changed = await change;
        assert.equal(changed.status, 200, JSON.stringify(changed.body));
        assert.equal(changed.body.street, 'Veldstraat');
      },
    );

    test(
      'a note on a person beside a transaction that already wrote partner events and then writes that person does not deadlock',
      { skip: which.name === 'postgres' ? false : 'row locks between sessions: PostgreSQL only' },
      async (t) => {
        const app = await startTestApp(t, which);
        const [p, q] = [await app.factories.person(), await app.factories.person()];
        // An OCMW follows both: their changes are events for it (the outbox head is held from a transaction's first event to its commit).
        const ocmw = await partner(app, 'OCMW');
        for (const x of [p, q]) await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: x.insz, capacityCode: '1' }), 201);
        const other = new pg.Client({ connectionString: (app.database as unknown as { url: string }).url });
        other.on('error', () => undefined);
        await other.connect();
        const note = (personId: string) => other.query(`INSERT INTO conversations (person_id, held_at, text) VALUES ($1, now(), 'gesprek')`, [personId]);
        // A transaction of two statements, as an import's upsert is: the first writes an event (and takes the head)…
        await other.query(`BEGIN; SELECT set_config('kbi.actor', 'test:other', true)`);
        await note(q.id);
        // …meanwhile the caseworker notes a conversation with p, which waits for the head…
        const created = app.call('POST', `/api/v1/persons/${p.id}/conversations`, { heldAt: '2026-01-05T10:00:00Z', text: 'naast het andere' });
        for (let i = 0; ; i++) {
          const { rows } = await other.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          );
          if (rows[0].n > 0) break;
          if (i > 400) throw new Error('the note never waited for the head');
          await new Promise((r) => setTimeout(r, 25));
        }
        // …and the first transaction's second statement writes p: it must not find p's dossier document taken by the waiting note.
        let second: unknown = null;
        await note(p.id).catch((e: unknown) => (second = e));
        await other.query(second ? 'ROLLBACK' : 'COMMIT');
        await other.end();
        assert.equal(second, null, `the second statement: ${String(second)}`);
        const answer = await created;
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
      },
    );

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
