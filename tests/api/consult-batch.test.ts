/**
 * Group commit of partner consults: questions that arrive together share one statement, yet each
 * gets exactly the answer it would get alone, its own audit record (or refusal), and nothing of
 * another question — mixed partners, known and unknown persons, integrated or not.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type Res } from '../support/app.ts';
import { generateDemoData } from '../../server/modules/demo/generator.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';
import { consultBatching } from '../../server/modules/exchange/consult.service.ts';
import { verifyAuditChain } from '../../server/modules/audit/audit.verify.ts';

const CONSULT = '/api/exchange/v1/dossiers/consult';
const PURPOSE = 'BEGELEIDING_OCMW_CLIENT';

for (const which of TEST_DATABASES) {
  describe(`consults asked together (${which.name})`, () => {
    test('each of 90 simultaneous consults gets its own answer, audit record or refusal', async (t) => {
      const app = await startTestApp(t, which);
      await generateDemoData(app.database, { persons: 12, seed: 5 });
      const people = (await app.database.db.selectFrom('persons').select(['id', 'insz']).orderBy('insz').execute()) as { id: string; insz: string }[];
      assert.ok(people.length >= 10, `demo persons: ${people.length}`);
      const stranger = makeInsz({ birthDate: '1985-03-04', serial: 123 }); // valid, unknown to KBI
      const ocmwA = await partner(app, 'OCMW', 'OCMW A');
      const ocmwB = await partner(app, 'OCMW', 'OCMW B');
      const vdab = await partner(app, 'VDAB'); // no authorisation for this purpose
      // A has half of the persons and the stranger in its register; B only the first person.
      const registerA = [...people.slice(0, 6).map((p) => p.insz), stranger];
      for (const insz of registerA) await expectOk(await ocmwA.call('POST', '/api/exchange/v1/integrations', { insz, capacityCode: '1' }), 201);
      await expectOk(await ocmwB.call('POST', '/api/exchange/v1/integrations', { insz: people[0]!.insz, capacityCode: '1' }), 201);

      const questions = Array.from({ length: 90 }, (_, i) => {
        const caller = [ocmwA, ocmwB, vdab][i % 3]!;
        const insz = i % 7 === 0 ? stranger : people[i % people.length]!.insz;
        return { caller, insz };
      });
      const ask = ({ caller, insz }: (typeof questions)[number]) => caller.call('POST', CONSULT, { insz, purpose: PURPOSE });
      // Alone, one after the other: the answers to compare with.
      const alone: Res[] = [];
      for (const q of questions) alone.push(await ask(q));
      const lastBefore = (
        await app.database.db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.max('id').as('id'))
          .executeTakeFirstOrThrow()
      ).id as number;
      const before = { ...consultBatching };

      const together = await Promise.all(questions.map(ask));

      // PGlite answers each statement before the next request is read; a server shares them.
      if (which.name === 'postgres') assert.ok(consultBatching.largest > 1, 'some consults shared a statement');
      assert.ok(
        consultBatching.questions - before.questions >= questions.length - together.filter((r) => r.status === 403 && r.body.code === 'noAuthorisation').length,
      );
      const strip = (r: Res) => ({ status: r.status, code: r.body.code, body: r.status === 200 ? r.body : null });
      together.forEach((r, i) => assert.deepEqual(strip(r), strip(alone[i]!), `question ${i} answered as alone`));

      // Each answer to the right partner about the right person.
      const statuses = together.map((r) => r.status);
      assert.ok(statuses.includes(200) && statuses.includes(403), 'the burst mixes answers and refusals');
      together.forEach((r, i) => {
        const { caller, insz } = questions[i]!;
        if (caller === vdab) return assert.equal(r.body.code, 'noAuthorisation');
        const inRegister = caller === ocmwA ? registerA.includes(insz) : insz === people[0]!.insz;
        if (!inRegister) return assert.equal(r.body.code, 'notIntegrated', `question ${i}`);
        assert.equal(r.status, 200, `question ${i}`);
        assert.equal(r.body.known, insz !== stranger);
        assert.ok(insz === stranger ? !r.body.dossier : r.body.dossier.contracts, `question ${i}`);
      });

      // One audit record per question, allowed or denied, each naming its own organisation and person.
      const rows = await app.database.db
        .selectFrom('audit_log')
        .select(['organisation_id', 'person_id', 'result', 'action'])
        .where('action', '=', 'exchange.consult')
        .where('id', '>', lastBefore)
        .execute();
      const expected = new Map<string, number>();
      const got = new Map<string, number>();
      const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
      together.forEach((r, i) => {
        const { caller, insz } = questions[i]!;
        const person = people.find((p) => p.insz === insz)?.id ?? null;
        bump(expected, `${caller.organisation.id}|${r.status === 200 ? person : 'denied'}|${r.status === 200 ? 'allowed' : 'denied'}`);
      });
      for (const row of rows) bump(got, `${row.organisation_id}|${row.result === 'allowed' ? row.person_id : 'denied'}|${row.result}`);
      assert.deepEqual(Object.fromEntries([...got].sort()), Object.fromEntries([...expected].sort()));
      const report = await verifyAuditChain(app.database.db);
      assert.ok(report.ok, JSON.stringify(report.problems));
    });
  });
}
