/**
 * What a partner receives: every partner kind × every cluster checked against the authorisation
 * data (read through the admin API, not copied here); the integration register; and the
 * refusals — no authorisation, an authorisation that ended, an integration that ended yesterday —
 * each audited, each leaving the data as it was.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type Call, type TestApp } from '../support/app.ts';
import { DOSSIER_RESOURCES } from '../../server/modules/dossier/clusters.ts';
import { AUTHORISABLE_CLUSTERS } from '../../server/modules/authorisations/authorisations.service.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { generateDemoData } from '../../server/modules/demo/generator.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';

const dayOffset = (days: number) => {
  const d = new Date(`${belgianToday()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/**
 * A person whose dossier fills nearly every table (from the deterministic demo population), with
 * records added through the API that the proportionality rules of seed 003 §61 must pick out.
 */
async function fullPerson(app: TestApp) {
  await generateDemoData(app.database, { persons: 25, seed: 11 });
  const counts = DOSSIER_RESOURCES.map((d) => `SELECT DISTINCT person_id, '${d.table}' AS t FROM ${d.table}`).join(' UNION ALL ');
  const richest = (
    await sql
      .raw<{ person_id: string }>(`SELECT person_id FROM (${counts}) x GROUP BY person_id ORDER BY count(*) DESC, person_id LIMIT 1`)
      .execute(app.database.db)
  ).rows[0]!;
  const person = await expectOk(await app.call('GET', `/api/v1/persons/${richest.person_id}`));
  const office = await app.factories.office((await app.factories.organisation({ kind: 'AGENCY', name: 'Atlas' })).id);
  const add = (resource: string, body: Record<string, unknown>) => app.factories.add(person.id, resource, body);
  const older = await add('contracts', { kind: 'MOTHER', signedOn: dayOffset(-400), registeredOn: dayOffset(-400) });
  const latest = await add('contracts', { kind: 'TAKEOVER', signedOn: dayOffset(-1), registeredOn: dayOffset(-1), previousContractId: older.id });
  await add('contractAddenda', { contractId: older.id, signedOn: dayOffset(-300) });
  await add('contractAddenda', { contractId: latest.id, signedOn: dayOffset(-1) });
  await add('registrations', { registeredOn: dayOffset(-1), type: 'EA', reason: '11', officeId: office.id });
  await add('targetGroupDeterminations', { determinedOn: dayOffset(-1), determined: true, type: 'RECHT' });
  await add('conversations', { heldAt: `${dayOffset(-2)}T10:00:00Z`, officeId: office.id, text: 'Afspraken rond aanwezigheid', relevantFor: ['OCMW'] });
  await add('conversations', { heldAt: `${dayOffset(-2)}T11:00:00Z`, officeId: office.id, text: 'Intern gesprek' });
  return { person, latest, older };
}

for (const which of TEST_DATABASES) {
  describe(`partner access by authorisation (${which.name})`, () => {
    test('every partner kind × every cluster: a consult answers exactly what the authorisation data allows', async (t) => {
      const app = await startTestApp(t, which);
      const { person } = await fullPerson(app);
      const { as } = app;
      const { call: privacy } = await as('PRIVACY_OFFICER');

      // Authorisations besides the seed-003 default for OCMW, granted through the admin API.
      const grants = [
        {
          partnerKind: 'VDAB',
          purpose: 'BEGELEIDING_NAAR_WERK',
          clusters: ['languages', 'level', 'advice', 'certificates', 'perspective'],
          legalBasis: 'Samenwerkingsprotocol VDAB',
          startsOn: '2020-01-01',
        },
        {
          partnerKind: 'VMSW',
          purpose: 'WOONCODE_TAALKENNIS',
          clusters: ['certificates', 'level', 'housingRequirement'],
          legalBasis: 'Vlaamse Wooncode art. 92',
          startsOn: '2020-01-01',
        },
        {
          partnerKind: 'DVZ',
          purpose: 'VERBLIJFSRECHT_INTEGRATIE',
          clusters: ['personalia', 'contracts', 'certificates'],
          legalBasis: 'Vreemdelingenwet art. 1/2',
          startsOn: '2020-01-01',
          capacityCodes: ['VERBLIJF'],
        },
        {
          partnerKind: 'CVO',
          purpose: 'CURSUSORGANISATIE',
          clusters: ['courses', 'trajectories', 'components'],
          legalBasis: 'Inburgeringsdecreet',
          startsOn: '2020-01-01',
        },
      ];
      for (const g of grants) await expectOk(await privacy('POST', '/api/v1/authorisations', g), 201);
      const authorisations = (await expectOk(await privacy('GET', `/api/v1/authorisations?on=${belgianToday()}`))).items as any[];
      assert.ok(
        authorisations.some((a) => a.partnerKind === 'OCMW' && a.clusters.length === 17),
        'seed 003 is loaded by default',
      );

      const kinds = (await app.database.db.selectFrom('code_list').select('code').where('list', '=', 'organisation_kind').orderBy('sort_order').execute()).map(
        (c) => c.code as string,
      );
      assert.ok(kinds.length >= 10);
      for (const kind of kinds) {
        const { organisation, call } = await partner(app, kind);
        const mine = authorisations.filter((a) => a.partnerKind === kind || a.partnerOrganisationId === organisation.id);
        const purposes = [...new Set(mine.map((a) => a.purpose))];
        if (!purposes.length) {
          const before = await app.rowCounts('audit_log');
          const res = await call('POST', '/api/exchange/v1/dossiers/consult', { insz: person.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' });
          assert.equal(res.status, 403, `${kind} without authorisation is refused`);
          assert.equal(res.body.code, 'noAuthorisation');
          const audit = await app.database.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
          assert.equal(audit.result, 'denied');
          assert.equal((await app.rowCounts('audit_log')).audit_log, before.audit_log! + 1, 'one audit record for the refusal');
          continue;
        }
        for (const purpose of purposes) {
          const forPurpose = mine.filter((a) => a.purpose === purpose);
          for (const code of [...new Set(forPurpose.flatMap((a) => a.capacityCodes as string[]))].slice(0, 1)) {
            const declared = await call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: code, startsOn: dayOffset(-10) });
            assert.equal(declared.status, purposes.indexOf(purpose) === 0 ? 201 : 200, 'a second declaration of an open integration is a no-op');
          }
          const answer = await expectOk(await call('POST', '/api/exchange/v1/dossiers/consult', { insz: person.insz, purpose }));
          const expected = new Set(forPurpose.flatMap((a) => a.clusters as string[]));
          assert.equal(answer.known, true);
          for (const cluster of AUTHORISABLE_CLUSTERS) {
            assert.equal(
              answer.clusters.includes(cluster),
              expected.has(cluster),
              `${kind} / ${purpose} / ${cluster}: ${expected.has(cluster) ? 'allowed' : 'denied'}`,
            );
            for (const def of DOSSIER_RESOURCES.filter((d) => d.cluster === cluster)) {
              if (expected.has(cluster)) assert.ok(Array.isArray(answer.dossier[def.resource]), `${kind}: ${def.resource} present`);
              else assert.equal(answer.dossier[def.resource], undefined, `${kind}: ${def.resource} withheld`);
            }
          }
          assert.equal(answer.person !== undefined, expected.has('personalia'), `${kind}: personalia only when authorised`);
          // Columns of a cluster the partner lacks stay home even when their table is shared.
          for (const trajectory of answer.dossier.trajectories ?? []) {
            assert.equal('managingOfficeId' in trajectory, expected.has('trajectoryOffice'), `${kind}: trajectory office`);
            assert.equal('sanctioningPartnerId' in trajectory, expected.has('sanctioningPartner'), `${kind}: sanctioning partner`);
          }
          const audit = await app.database.db
            .selectFrom('audit_log')
            .selectAll()
            .where('action', '=', 'exchange.consult')
            .orderBy('id', 'desc')
            .executeTakeFirstOrThrow();
          assert.equal(audit.person_id, person.id);
          assert.equal(audit.purpose, purpose);
          assert.equal(audit.organisation_id, organisation.id);
          assert.deepEqual([...audit.clusters].sort(), [...expected].sort(), `${kind}: the audit names the clusters touched`);
        }
      }
    });

    test('seed 003 §61 for OCMW: the latest contract only, the last registration of the past year, relevant conversations', async (t) => {
      const app = await startTestApp(t, which);
      const { person, latest, older } = await fullPerson(app);
      const ocmw = await partner(app, 'OCMW', 'OCMW Gent');
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1', startsOn: dayOffset(-5) }), 201);
      const answer = await expectOk(await ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { insz: person.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' }));
      assert.equal(answer.clusters.length, 17);
      assert.deepEqual(
        answer.dossier.contracts.map((c: any) => c.id),
        [latest.id],
        'only the latest mother or takeover contract',
      );
      assert.ok(
        answer.dossier.contractAddenda.every((a: any) => a.contractId === latest.id) && answer.dossier.contractAddenda.length === 1,
        'only its addenda',
      );
      assert.ok(
        !answer.dossier.contracts.some((c: any) => c.id === older.id) && !answer.dossier.contractAddenda.some((a: any) => a.contractId === older.id),
        'the older contract does not leave',
      );
      assert.deepEqual(
        answer.dossier.registrations.map((r: any) => r.registeredOn),
        [dayOffset(-1)],
        'the most recent registration of the past year',
      );
      assert.deepEqual(
        answer.dossier.targetGroupDeterminations.map((d: any) => [d.determinedOn, d.type]),
        [[dayOffset(-1), 'RECHT']],
        'the most recent target-group determination',
      );
      const texts = answer.dossier.conversations.map((c: any) => c.text);
      assert.ok(texts.includes('Afspraken rond aanwezigheid') && !texts.includes('Intern gesprek'), 'only conversations relevant for OCMW');
      assert.ok(answer.dossier.conversations.every((c: any) => c.relevantFor.includes('OCMW')));
      assert.equal(answer.person, undefined, 'personalia are not among the 17 clusters');
      for (const withheld of ['invitations', 'infringementCases', 'appointments', 'referrals', 'housingRequirements'])
        assert.equal(answer.dossier[withheld], undefined);

      // A person KBI does not know: "not known", and the access is still audited under the INSZ's keyed hash.
      const stranger = makeInsz({ birthDate: '1985-07-30', serial: 997 });
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: stranger, capacityCode: '1' }), 201);
      const unknown = await expectOk(await ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { insz: stranger, purpose: 'BEGELEIDING_OCMW_CLIENT' }));
      assert.equal(unknown.known, false);
      assert.equal(unknown.dossier, undefined);
      const row = (
        await sql<any>`SELECT insz_hash = kbi_insz_hash(${stranger}) AS same FROM audit_log WHERE action = 'exchange.consult' ORDER BY id DESC LIMIT 1`.execute(
          app.database.db,
        )
      ).rows[0];
      assert.equal(row.same, true);
    });

    test('refusals: no token, unknown purpose, an ended authorisation, an integration ended yesterday — audited, nothing changed', async (t) => {
      const app = await startTestApp(t, which);
      const { person } = await fullPerson(app);
      const { call: privacy } = await app.as('PRIVACY_OFFICER');
      const vdab = await partner(app, 'VDAB', 'VDAB Gent');
      const ocmw = await partner(app, 'OCMW', 'OCMW Aalst');
      const tables = ['authorisations', 'authorisations_history', 'integrations', 'integrations_history', 'persons', 'contracts'];
      const deniedCount = async () =>
        Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE result = 'denied'`.execute(app.database.db)).rows[0]!.n);
      const consult = (who: { call: Call }, purpose: string) => who.call('POST', '/api/exchange/v1/dossiers/consult', { insz: person.insz, purpose });

      // An authorisation that ended yesterday is no authorisation.
      const grant = await expectOk(
        await privacy('POST', '/api/v1/authorisations', {
          partnerOrganisationId: vdab.organisation.id,
          purpose: 'BEGELEIDING_NAAR_WERK',
          clusters: ['level'],
          legalBasis: 'Protocol VDAB',
          startsOn: '2020-01-01',
        }),
        201,
      );
      await expectOk(await consult(vdab, 'BEGELEIDING_NAAR_WERK'));
      await expectOk(await privacy('PATCH', `/api/v1/authorisations/${grant.id}`, { endsOn: dayOffset(-1) }, { 'if-match': '"1"' }));
      let denied = await deniedCount();
      let counts = await app.rowCounts(...tables);
      const ended = await consult(vdab, 'BEGELEIDING_NAAR_WERK');
      assert.equal(ended.status, 403);
      assert.equal(ended.body.code, 'noAuthorisation');
      assert.equal(await deniedCount(), ++denied);
      assert.deepEqual(await app.rowCounts(...tables), counts);
      const versions = await expectOk(await privacy('GET', `/api/v1/authorisations/${grant.id}`));
      assert.equal(versions.version, 2);
      assert.deepEqual(
        versions.versions.map((v: any) => [v.version, v.endsOn]),
        [[1, null]],
        'the earlier version is kept',
      );

      // An integration that ended yesterday does not carry today's consult.
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1', startsOn: dayOffset(-20) }), 201);
      await expectOk(await consult(ocmw, 'BEGELEIDING_OCMW_CLIENT'));
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations/end', { insz: person.insz, capacityCode: '1', endsOn: dayOffset(-1) }));
      counts = await app.rowCounts(...tables);
      const notIntegrated = await consult(ocmw, 'BEGELEIDING_OCMW_CLIENT');
      assert.equal(notIntegrated.status, 403);
      assert.equal(notIntegrated.body.code, 'notIntegrated');
      assert.equal(await deniedCount(), ++denied);
      assert.deepEqual(await app.rowCounts(...tables), counts);
      const denial = await app.database.db.selectFrom('audit_log').selectAll().where('result', '=', 'denied').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(denial.action, 'exchange.consult');
      assert.ok(denial.insz_hash, 'the refusal is findable by INSZ');
      const history = await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations/search', { insz: person.insz }));
      assert.deepEqual(
        history.items.map((i: any) => i.endsOn),
        [dayOffset(-1)],
      );

      // Bad input: a capacity code outside the sector's list, a malformed INSZ, an unknown purpose; no token at all.
      counts = await app.rowCounts(...tables);
      const badCode = await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '12' });
      assert.equal(badCode.status, 400);
      assert.equal(badCode.body.issues[0].name, 'capacityCode');
      const badInsz = await ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { insz: '12345678901', purpose: 'BEGELEIDING_OCMW_CLIENT' });
      assert.equal(badInsz.status, 400);
      assert.equal(badInsz.body.issues[0].name, 'insz');
      const badPurpose = await consult(ocmw, 'NIEUWSGIERIGHEID');
      assert.equal(badPurpose.status, 400);
      assert.equal(badPurpose.body.issues[0].name, 'purpose');
      const anonymous = await app.anonymous('POST', '/api/exchange/v1/dossiers/consult', { insz: person.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' });
      assert.equal(anonymous.status, 401);
      assert.equal(await deniedCount(), ++denied, 'the anonymous attempt is audited');
      assert.deepEqual(await app.rowCounts(...tables), counts);
    });

    test('authorisations are managed by the privacy officer and the administrator only, versioned, with If-Match', async (t) => {
      const app = await startTestApp(t, which);
      const { call: privacy } = await app.as('PRIVACY_OFFICER');
      const { call: caseworker } = await app.as('AGENCY_CASEWORKER');
      const body = { partnerKind: 'VMSW', purpose: 'WOONCODE_TAALKENNIS', clusters: ['certificates'], legalBasis: 'Vlaamse Wooncode', startsOn: '2024-01-01' };
      const before = await app.rowCounts('authorisations');
      assert.equal((await caseworker('POST', '/api/v1/authorisations', body)).status, 403);
      assert.equal((await caseworker('GET', '/api/v1/authorisations')).status, 403);
      const unknownCluster = await privacy('POST', '/api/v1/authorisations', { ...body, clusters: ['certificates', 'bankAccounts'] });
      assert.equal(unknownCluster.status, 400);
      assert.equal(unknownCluster.body.issues[0].name, 'clusters.1');
      const both = await privacy('POST', '/api/v1/authorisations', { ...body, partnerOrganisationId: app.homeOrganisationId });
      assert.equal(both.status, 400);
      assert.equal(both.body.issues[0].name, 'partnerKind');
      const backwards = await privacy('POST', '/api/v1/authorisations', { ...body, endsOn: '2023-12-31' });
      assert.equal(backwards.body.issues[0].name, 'endsOn');
      const unknownPurpose = await privacy('POST', '/api/v1/authorisations', { ...body, purpose: 'X' });
      assert.equal(unknownPurpose.body.issues[0].name, 'purpose');
      assert.deepEqual(await app.rowCounts('authorisations'), before, 'bad input stores nothing');

      const made = await expectOk(await privacy('POST', '/api/v1/authorisations', body), 201);
      await expectOk(await privacy('PATCH', `/api/v1/authorisations/${made.id}`, { clusters: ['certificates', 'level'] }, { 'if-match': '"1"' }));
      const stale = await app.call('PATCH', `/api/v1/authorisations/${made.id}`, { clusters: ['certificates'] }, { 'if-match': '"1"' });
      assert.equal(stale.status, 412, 'a stale version is refused, the change of the other stands');
      assert.equal((await app.call('PATCH', `/api/v1/authorisations/${made.id}`, { clusters: ['certificates'] })).status, 428);
      const now = await expectOk(await privacy('GET', `/api/v1/authorisations/${made.id}`));
      assert.deepEqual(now.clusters, ['certificates', 'level']);
      assert.equal(now.versions.length, 1);
    });
  });
}
