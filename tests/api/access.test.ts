/**
 * Who may see what. The expectations come from the rule book itself (access.policy.ts), never
 * from a copy in this test: every role × every caseworker endpoint, then the ways in which a
 * log-in fails, each denied, audited, and changing nothing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type Res } from '../support/app.ts';
import { POLICY, ROLES, roleAllows, type Action, type Role } from '../../server/modules/access/access.policy.ts';
import { DOSSIER_RESOURCES, REFERENCE_RESOURCES, type ClusterName } from '../../server/modules/dossier/clusters.ts';

const which = TEST_DATABASES[TEST_DATABASES.length - 1]!; // PostgreSQL when available, else PGlite

/** What the rule book says must happen: 403 when the role may not, 404 when the person is outside its territory. */
function expected(role: Role, action: Action, cluster: ClusterName | null, table: string | undefined, personal: boolean, success: number): number {
  if (!roleAllows(role, action, cluster, table)) return 403;
  if (personal && POLICY[role].territory === 'none') return 404;
  return success;
}

describe(`access (${which.name})`, () => {
  test('every role × every caseworker endpoint is allowed or denied exactly as the rule book says', async (t) => {
    const { as, factories, database } = await startTestApp(t, which);
    const deniedCount = async () =>
      Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE result = 'denied'`.execute(database.db)).rows[0]!.n);
    const agency = await factories.organisation();
    const office = await factories.office(agency.id);
    const person = await factories.person();
    await factories.add(person.id, 'caseLead', { openedOn: '2023-01-02', managingOfficeId: office.id, caseLeadOrganisationId: agency.id });
    const contract = await factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2023-02-01', registeredOn: '2023-02-01' });
    // The organisation advised the person too: as a House of Dutch its role sees its clients (territory clients).
    await factories.add(person.id, 'advice', { source: 'HOUSE_OF_DUTCH', adviceType: 'CVO_STANDAARD', givenOn: '2023-01-15', givenById: agency.id });
    const creates: [string, Record<string, unknown>][] = [
      ['languageSkills', { language: 'ARA', proficiency: 'MOEDERTAAL' }],
      ['advice', { source: 'HOUSE_OF_DUTCH', adviceType: 'CVO_STANDAARD', givenOn: '2023-02-02' }],
      ['contractAddenda', { contractId: contract.id, signedOn: '2023-03-01' }],
      ['conversations', { heldAt: '2023-03-01T10:00:00Z', text: 'Opvolggesprek.' }],
      ['invitations', { sentOn: '2023-01-01', status: 'SENT' }],
    ];
    let checked = 0,
      refusals = 0;
    const deniedBefore = await deniedCount();
    for (const role of ROLES) {
      const { call: asRole } = await as(role, { organisationId: agency.id, officeIds: [office.id] });
      const check = (res: Res, want: number, what: string) => {
        assert.equal(res.status, want, `${role} ${what}: ${JSON.stringify(res.body)}`);
        checked++;
        if (want === 403 || want === 404) refusals++;
      };
      for (const def of DOSSIER_RESOURCES) {
        check(
          await asRole('GET', `/api/v1/persons/${person.id}/${def.resource}`),
          expected(role, 'read', def.cluster, def.table, true, 200),
          `lists ${def.resource}`,
        );
      }
      for (const [resource, body] of creates) {
        const def = DOSSIER_RESOURCES.find((d) => d.resource === resource)!;
        check(
          await asRole('POST', `/api/v1/persons/${person.id}/${resource}`, body),
          expected(role, 'create', def.cluster, def.table, true, 201),
          `creates ${resource}`,
        );
      }
      const dossier = await asRole('GET', `/api/v1/persons/${person.id}/dossier`);
      check(dossier, expected(role, 'read', 'personalia', 'persons', true, 200), 'reads the dossier');
      if (dossier.status === 200) {
        for (const def of DOSSIER_RESOURCES) {
          assert.equal(
            def.resource in dossier.body,
            roleAllows(role, 'read', def.cluster, def.table),
            `${role}'s dossier shows ${def.resource} only if allowed`,
          );
          assert.equal(dossier.body.withheld.includes(def.resource), !roleAllows(role, 'read', def.cluster, def.table));
        }
      }
      check(await asRole('GET', `/api/v1/persons/${person.id}`), expected(role, 'read', 'personalia', 'persons', true, 200), 'reads the person');
      const search = await asRole('POST', '/api/v1/persons/search', { familyName: person.familyName });
      check(search, roleAllows(role, 'search', 'personalia') ? 200 : 403, 'searches');
      if (search.status === 200)
        assert.equal(search.body.items.length, POLICY[role].territory === 'none' ? 0 : 1, `${role} finds only persons in its territory`);
      for (const def of REFERENCE_RESOURCES) {
        check(await asRole('GET', `/api/v1/${def.resource}?limit=1`), 200, `reads ${def.resource}`);
      }
      check(
        await asRole('POST', '/api/v1/offices', { organisationId: agency.id, name: `Loket ${role}`, postcode: '9000' }),
        expected(role, 'create', null, 'offices', false, 201),
        'creates an office',
      );
      check(await asRole('GET', '/api/v1/users'), POLICY[role].manageUsers ? 200 : 403, 'lists accounts');
    }
    assert.ok(checked > ROLES.length * 45, `${checked} checks`);
    assert.equal((await deniedCount()) - deniedBefore, refusals, 'every refusal left exactly one audit record with result denied');
  });

  test('a caseworker sees the persons of their own offices only; an outsider gets 404, audited', async (t) => {
    const { as, factories, database } = await startTestApp(t, which);
    const agency = await factories.organisation();
    const [ghent, kortrijk] = [await factories.office(agency.id), await factories.office(agency.id, { postcode: '8500', municipality: 'Kortrijk' })];
    const [mine, theirs] = [await factories.person(), await factories.person()];
    await factories.add(mine.id, 'caseLead', { openedOn: '2023-01-02', managingOfficeId: ghent.id });
    await factories.add(theirs.id, 'caseLead', { openedOn: '2023-01-02', managingOfficeId: kortrijk.id });
    const { call: caseworker, userId } = await as('AGENCY_CASEWORKER', { organisationId: agency.id, officeIds: [ghent.id] });

    assert.equal((await caseworker('GET', `/api/v1/persons/${mine.id}/dossier`)).status, 200);
    const outsider = await caseworker('GET', `/api/v1/persons/${theirs.id}/dossier`);
    assert.equal(outsider.status, 404, 'not 403: the existence of the dossier does not leak');
    assert.equal((await caseworker('PATCH', `/api/v1/persons/${theirs.id}`, { municipality: 'X' }, { 'if-match': '"1"' })).status, 404);
    const found = await expectOk(await caseworker('POST', '/api/v1/persons/search', { familyName: 'Testpersoon' }));
    assert.deepEqual(
      found.items.map((p: any) => p.id),
      [mine.id],
    );
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'result'])
      .where('person_id', '=', theirs.id)
      .where('actor_id', '=', `user:${userId}`)
      .execute();
    assert.deepEqual(audit, [
      { action: 'dossier.read', result: 'denied' },
      { action: 'persons.update', result: 'denied' },
    ]);
    const person = await database.db.selectFrom('persons').select(['municipality', 'version']).where('id', '=', theirs.id).executeTakeFirstOrThrow();
    assert.deepEqual(person, { municipality: 'Gent', version: 1 });
  });

  test('wrong password, missing CSRF token, expired session and logout: each denied, audited, nothing changed', async (t) => {
    // The idle rule itself, read from the database each time: the session memory and its revocation
    // by notification (asynchronous, so a change made here in SQL lands a moment later) are sessions.test.ts's.
    const { anonymous, as, rowCounts, database } = await startTestApp(t, which, { KBI_SESSION_IDLE_MINUTES: '5', KBI_SESSION_CACHE_SECONDS: '0' });
    const deniedCount = async () =>
      Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE result = 'denied'`.execute(database.db)).rows[0]!.n);
    const body = { insz: '93051822361', familyName: 'Test', givenNames: 'Login', gender: '1', nationality: 'BEL' };

    let denied = await deniedCount();
    const before = await rowCounts('persons', 'sessions');
    const wrong = await anonymous('POST', '/api/v1/session', { username: 'administrator.1', password: 'not-the-password' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'invalidCredentials');
    const unknown = await anonymous('POST', '/api/v1/session', { username: 'nobody.here', password: 'whatever-it-is' });
    assert.deepEqual([unknown.status, unknown.body.detail], [401, wrong.body.detail], 'an unknown account looks the same as a wrong password');
    assert.equal(await deniedCount(), (denied += 2));
    assert.deepEqual(await rowCounts('persons', 'sessions'), before);

    assert.equal((await anonymous('POST', '/api/v1/persons', body)).status, 401, 'no session, no access');
    assert.equal(await deniedCount(), ++denied);

    const { call } = await as('AGENCY_CASEWORKER');
    const noCsrf = await call('POST', '/api/v1/persons', body, { 'x-csrf-token': 'forged' });
    assert.equal(noCsrf.status, 403);
    assert.equal(noCsrf.body.code, 'csrfTokenMissing');
    assert.equal(await deniedCount(), ++denied);
    assert.equal((await rowCounts('persons')).persons, before.persons);

    // The session idles past its limit.
    await database.exec(`UPDATE sessions SET last_seen_at = now() - interval '6 minutes'`);
    const expired = await call('GET', '/api/v1/session');
    assert.equal(expired.status, 401);
    assert.equal(expired.body.code, 'sessionExpired');
    assert.equal(await deniedCount(), ++denied);

    // Logging out really ends the session: the same cookie no longer works.
    const fresh = await as('AGENCY_CASEWORKER');
    assert.equal((await fresh.call('GET', '/api/v1/session')).status, 200);
    assert.equal((await fresh.call('DELETE', '/api/v1/session')).status, 204);
    assert.equal((await fresh.call('GET', '/api/v1/session')).status, 401);
    const ended = await database.db.selectFrom('sessions').select('end_reason').where('end_reason', 'is not', null).orderBy('end_reason').execute();
    assert.deepEqual(
      ended.map((r) => r.end_reason),
      ['idle', 'logout'],
    );
  });

  test('an administrator manages accounts; a weak password, an unknown role and a stale version are refused', async (t) => {
    const { call, as, homeOrganisationId } = await startTestApp(t, which);
    const weak = await call('POST', '/api/v1/users', {
      username: 'jan.peeters',
      displayName: 'Jan',
      role: 'TEAM_LEAD',
      organisationId: homeOrganisationId,
      password: 'short',
    });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.issues[0].name, 'password');
    const role = await call('POST', '/api/v1/users', { username: 'jan.peeters', displayName: 'Jan', role: 'KING', organisationId: homeOrganisationId });
    assert.equal(role.status, 400);
    const made = await expectOk(
      await call('POST', '/api/v1/users', {
        username: 'jan.peeters',
        displayName: 'Jan',
        role: 'TEAM_LEAD',
        organisationId: homeOrganisationId,
        password: 'Een-lang-wachtwoord-42',
      }),
      201,
    );
    const changed = await expectOk(await call('PATCH', `/api/v1/users/${made.id}`, { active: false }, { 'if-match': '"1"' }));
    assert.equal(changed.active, false);
    assert.equal((await call('PATCH', `/api/v1/users/${made.id}`, { active: true }, { 'if-match': '"1"' })).status, 412);
    const { call: lead } = await as('TEAM_LEAD');
    assert.equal(
      (await lead('POST', '/api/v1/users', { username: 'x.y.z', displayName: 'X', role: 'ADMINISTRATOR', organisationId: homeOrganisationId })).status,
      403,
    );
  });
});
