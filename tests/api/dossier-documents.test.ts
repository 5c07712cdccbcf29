/**
 * The stored dossier documents behind the partner consult (migration 0016) are a cache that can
 * never answer with less than the truth: the first consult assembles and stores the document,
 * later ones read it; any change — through the API, an import or plain SQL — drops it in the same
 * transaction; a build that races a change does not store; a removed person leaves no document.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp } from '../support/app.ts';
import { buildDocument, buildMissingDocuments } from '../../server/modules/dossier/documents.service.ts';
import { inTransaction } from '../../server/platform/db.ts';

for (const which of TEST_DATABASES) {
  describe(`stored dossier documents (${which.name})`, () => {
    test('stored by the first consult, dropped by every kind of change, the answer always current', async (t) => {
      const app = await startTestApp(t, which);
      const person = await app.factories.person();
      const contract = await app.factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2024-03-01', registeredOn: '2024-03-10' });
      const ocmw = await partner(app, 'OCMW', 'OCMW Gent');
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1' }), 201);
      const stored = async () =>
        (await app.database.db.selectFrom('dossier_documents').selectAll().where('person_id', '=', person.id).executeTakeFirst()) ?? null;
      const consult = async () =>
        expectOk(await ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { insz: person.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' }));

      const before = await stored();
      assert.equal(before?.document, null, 'nothing stored before the first consult');
      const first = await consult();
      const kept = await stored();
      assert.ok(kept?.document, 'the first consult stored the document');
      assert.equal(kept.built_version, kept.version);
      const second = await consult();
      assert.deepEqual(second, first, 'the stored document answers exactly what the assembled one did');
      assert.deepEqual(
        second.dossier.contracts.map((c: any) => c.signedOn),
        ['2024-03-01'],
      );

      // A change through the API: dropped in the same transaction, and the next consult shows it.
      await expectOk(
        await app.call(
          'PATCH',
          `/api/v1/contracts/${contract.id}`,
          { signedOn: '2024-03-04' },
          { 'if-match': '"1"', 'content-type': 'application/merge-patch+json' },
        ),
      );
      const afterPatch = await stored();
      assert.equal(afterPatch?.document, null, 'a change drops the document at once');
      assert.ok(Number(afterPatch!.version) > Number(kept.version));
      assert.deepEqual(
        (await consult()).dossier.contracts.map((c: any) => c.signedOn),
        ['2024-03-04'],
      );

      // A change made directly in SQL (as a bulk import does) drops it too.
      assert.ok((await stored())?.document);
      await inTransaction(app.database.db, 'test:sql', (tx) => sql`UPDATE contracts SET signed_on = '2024-03-05' WHERE id = ${contract.id}::uuid`.execute(tx));
      assert.equal((await stored())?.document, null);
      assert.deepEqual(
        (await consult()).dossier.contracts.map((c: any) => c.signedOn),
        ['2024-03-05'],
      );

      // A change of the person's own data, and a new record.
      await expectOk(
        await app.call(
          'PATCH',
          `/api/v1/persons/${person.id}`,
          { municipality: 'Aalst', postcode: '9300' },
          { 'if-match': '"1"', 'content-type': 'application/merge-patch+json' },
        ),
      );
      assert.equal((await stored())?.document, null);
      await consult();
      await app.factories.add(person.id, 'contracts', {
        kind: 'TAKEOVER',
        signedOn: '2025-01-10',
        registeredOn: '2025-01-10',
        previousContractId: contract.id,
      });
      assert.equal((await stored())?.document, null);
      assert.deepEqual(
        (await consult()).dossier.contracts.map((c: any) => c.signedOn),
        ['2025-01-10'],
        'seed 003 §61: the latest contract only',
      );

      // The person removed: no document stays behind.
      const lone = await app.factories.person();
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: lone.insz, capacityCode: '1' }), 201);
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { insz: lone.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' }));
      assert.ok((await app.database.db.selectFrom('dossier_documents').select('document').where('person_id', '=', lone.id).executeTakeFirst())?.document);
      await inTransaction(app.database.db, 'test:sql', (tx) => sql`DELETE FROM persons WHERE id = ${lone.id}::uuid`.execute(tx));
      assert.equal(await app.database.db.selectFrom('dossier_documents').select('person_id').where('person_id', '=', lone.id).executeTakeFirst(), undefined);
    });

    test('building all missing documents at once gives the same documents as one by one', async (t) => {
      const app = await startTestApp(t, which);
      const people = [await app.factories.person(), await app.factories.person(), await app.factories.person()];
      await app.factories.add(people[0]!.id, 'contracts', { kind: 'MOTHER', signedOn: '2024-03-01', registeredOn: '2024-03-01' });
      const singly = [];
      for (const p of people) singly.push((await buildDocument(app.database, p.id)).document);
      await app.database.exec(
        `BEGIN; SELECT set_config('kbi.actor', 'test', true); UPDATE dossier_documents SET document = NULL, built_version = NULL; COMMIT`,
      );
      const built = await buildMissingDocuments(app.database, { batch: 2 });
      assert.ok(built >= 3);
      for (const [i, p] of people.entries()) {
        const row = await app.database.db.selectFrom('dossier_documents').selectAll().where('person_id', '=', p.id).executeTakeFirstOrThrow();
        assert.equal(row.built_version, row.version);
        assert.deepEqual(row.document, singly[i]);
      }
      assert.equal(await buildMissingDocuments(app.database), 0, 'nothing left to build');
    });

    if (which.name === 'postgres') {
      test('a build that races an uncommitted change neither waits nor stores', async (t) => {
        const app = await startTestApp(t, which);
        const person = await app.factories.person();
        const contract = await app.factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2024-03-01', registeredOn: '2024-03-01' });
        const url = (app.database as unknown as { url: string }).url;
        const pg = (await import('pg')).default;
        const writer = new pg.Client({ connectionString: url });
        writer.on('error', () => {
          /* ended below */
        });
        await writer.connect();
        try {
          await writer.query(`BEGIN; SELECT set_config('kbi.actor', 'test', true); UPDATE contracts SET signed_on = '2024-04-01' WHERE id = '${contract.id}'`);
          const started = performance.now();
          const { document, stored } = await buildDocument(app.database, person.id);
          assert.ok(performance.now() - started < 2000, 'the build did not wait for the open change');
          assert.equal(stored, false, 'a row held by a change is not stored');
          assert.equal((document.contracts as any[])[0].signed_on, '2024-03-01', 'it read the committed state');
          await writer.query('COMMIT');
          const row = await app.database.db.selectFrom('dossier_documents').selectAll().where('person_id', '=', person.id).executeTakeFirstOrThrow();
          assert.equal(row.document, null);
          const fresh = await buildDocument(app.database, person.id);
          assert.equal(fresh.stored, true);
          assert.equal((fresh.document.contracts as any[])[0].signed_on, '2024-04-01');
        } finally {
          await writer.end();
        }
      });
    }
  });
}
