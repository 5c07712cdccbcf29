/**
 * Every role reaches its own people in the demo world, and only them (issue 14): for each role with
 * dossiers — caseworker (its offices), team lead (its organisation), House of Dutch (its clients:
 * advised, tested, on its waiting list, placed in its courses, or registered by it), administrator
 * (everyone) — the population computed independently in SQL is not empty, a sample of it is found
 * by INSZ and its dossier opens, and a sample outside it is neither found nor opened. The OCMW
 * reaches its integrated clients through the consultation only; the analyst and the privacy officer
 * reach no dossier at all, by design (aggregates and the audit trail).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';
import { generateDemoData } from '../../server/modules/demo/generator.ts';
import { demoUsername, ensureDemoAccounts } from '../../server/modules/access/access.demo.ts';
import type { Role } from '../../server/modules/access/access.policy.ts';

/** Who each role may see, written out again in plain SQL ($1 organisation, $2 offices). */
const POPULATION: Partial<Record<Role, string>> = {
  AGENCY_CASEWORKER: `SELECT p.id FROM persons p LEFT JOIN dossiers d ON d.person_id = p.id
     WHERE d.managing_office_id = ANY($2::uuid[]) OR (d.managing_office_id IS NULL AND p.created_by_organisation_id = $1)`,
  TEAM_LEAD: `SELECT p.id FROM persons p LEFT JOIN dossiers d ON d.person_id = p.id LEFT JOIN offices o ON o.id = d.managing_office_id
     WHERE o.organisation_id = $1 OR d.case_lead_organisation_id = $1 OR p.created_by_organisation_id = $1`,
  HOUSE_OF_DUTCH: `SELECT p.id FROM persons p WHERE p.created_by_organisation_id = $1
     OR p.id IN (SELECT person_id FROM advice WHERE given_by_id = $1)
     OR p.id IN (SELECT person_id FROM test_results WHERE provider_id = $1)
     OR p.id IN (SELECT person_id FROM waiting_list_entries WHERE provider_id = $1)
     OR p.id IN (SELECT e.person_id FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE c.provider_id = $1)`,
  ADMINISTRATOR: `SELECT p.id FROM persons p WHERE $1::uuid IS NOT NULL OR $2::uuid[] IS NOT NULL`,
};

/** A search that finds nobody: refused, or answered without a person. */
async function nobody(call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>, insz: string): Promise<boolean> {
  const res = await call('POST', '/api/v1/persons/search', { insz });
  return res.status === 403 || (res.status === 200 && res.body.items.length === 0);
}

for (const which of TEST_DATABASES) {
  describe(`role populations in the demo world (${which.name})`, () => {
    test('each role finds and opens exactly its own people', async (t) => {
      const app = await startTestApp(t, which);
      await generateDemoData(app.database, { persons: 400, seed: 7 });
      await ensureDemoAccounts(app.database);
      const db = app.database.db;
      const everyone = (await db.selectFrom('persons').select(['id', 'insz']).orderBy('id').execute()) as { id: string; insz: string }[];

      for (const [role, population] of Object.entries(POPULATION) as [Role, string][]) {
        const demo = await db
          .selectFrom('users')
          .select(['organisation_id', 'office_ids'])
          .where('username', '=', demoUsername(role))
          .executeTakeFirstOrThrow();
        const { rows } = await sql<{ id: string }>`${sql.raw(
          population
            .replace('$1', `'${demo.organisation_id}'::uuid`)
            .replaceAll('$1', `'${demo.organisation_id}'::uuid`)
            .replace('$2', `'{${demo.office_ids.join(',')}}'::uuid[]`)
            .replaceAll('$2', `'{${demo.office_ids.join(',')}}'::uuid[]`),
        )}`.execute(db);
        const mine = new Set(rows.map((r) => r.id));
        assert.ok(mine.size > 0, `${role}: the demo world gives it people (${mine.size})`);
        const caller = await app.as(role, { organisationId: demo.organisation_id, officeIds: demo.office_ids });
        const inside = everyone.filter((p) => mine.has(p.id)).slice(0, 12);
        const outside = everyone.filter((p) => !mine.has(p.id)).slice(0, 12);
        for (const p of inside) {
          const found = await expectOk(await caller.call('POST', '/api/v1/persons/search', { insz: p.insz }));
          assert.deepEqual(
            found.items.map((i: { id: string }) => i.id),
            [p.id],
            `${role} finds its person`,
          );
          assert.equal((await caller.call('GET', `/api/v1/persons/${p.id}/dossier`)).status, 200, `${role} opens its person's dossier`);
        }
        for (const p of outside) {
          const found = await expectOk(await caller.call('POST', '/api/v1/persons/search', { insz: p.insz }));
          assert.equal(found.items.length, 0, `${role} does not find another's person`);
          assert.equal((await caller.call('GET', `/api/v1/persons/${p.id}/dossier`)).status, 404, `${role} does not open another's person`);
        }
        console.log(`# ${role}: ${mine.size} of ${everyone.length} persons; ${inside.length} found and opened, ${outside.length} outside refused`);
      }

      // The OCMW: its integrated clients through the consultation, no direct search.
      const ocmw = await db
        .selectFrom('users')
        .select(['organisation_id'])
        .where('username', '=', demoUsername('OCMW_SOCIAL_WORKER'))
        .executeTakeFirstOrThrow();
      const worker = await app.as('OCMW_SOCIAL_WORKER', { organisationId: ocmw.organisation_id });
      const clients = await db.selectFrom('integrations').select('insz').where('organisation_id', '=', ocmw.organisation_id).limit(5).execute();
      assert.ok(clients.length > 0, 'the demo OCMW has clients in its register');
      for (const c of clients) {
        const answer = await expectOk(await worker.call('POST', '/api/v1/consultations/dossier', { insz: c.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' }));
        assert.equal(answer.known, true);
      }
      const integrated = new Set(
        (await db.selectFrom('integrations').select('insz').where('organisation_id', '=', ocmw.organisation_id).execute()).map((r) => r.insz),
      );
      const stranger = everyone.find((p) => !integrated.has(p.insz))!;
      assert.equal((await worker.call('POST', '/api/v1/consultations/dossier', { insz: stranger.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' })).status, 403);
      assert.deepEqual(await nobody(worker.call, stranger.insz), true, 'no direct search');

      // The analyst and the privacy officer: no dossier, by design.
      for (const role of ['MONITORING_ANALYST', 'PRIVACY_OFFICER'] as const) {
        const caller = await app.as(role);
        assert.equal(await nobody(caller.call, everyone[0]!.insz), true, role);
        assert.equal((await caller.call('GET', `/api/v1/persons/${everyone[0]!.id}/dossier`)).status, 403, role);
      }
    });
  });
}
