/**
 * The partner look-ups over real HTTP with partner tokens: the office lookup (GeefKBIVestiging,
 * seed 003 §60), the VMSW language requirement (every check counted) and the DVZ list (seed 004
 * answer 4), through the API and through `kbi export dvz`. Refusals are audited; bad input is
 * refused naming the field, and leaves nothing behind.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, type TestApp } from '../support/app.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { makeKbo } from '../../server/platform/identifiers/kbo.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';
import { inTransaction, openDatabase, type Database } from '../../server/platform/db.ts';
import { migrateToLatest } from '../../server/platform/migrate.ts';

const dayOffset = (days: number) => {
  const d = new Date(`${belgianToday()}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

const OFFICE_FIELDS = [
  'contactName',
  'email',
  'houseNumber',
  'kbiKey',
  'kboNumber',
  'municipality',
  'name',
  'openingHours',
  'organisationName',
  'phone',
  'postcode',
  'street',
];

async function lastAudit(app: TestApp, action: string) {
  return app.database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').executeTakeFirst();
}

async function grant(app: TestApp, body: Record<string, unknown>) {
  const { call } = await app.as('PRIVACY_OFFICER');
  return expectOk(await call('POST', '/api/v1/authorisations', { legalBasis: 'Test legal basis', startsOn: '2020-01-01', ...body }), 201);
}

/** The DVZ list pages on the person's id: the order in which a list names these persons. */
const byId = <T extends { id: string }>(persons: T[]) => [...persons].sort((a, b) => (a.id < b.id ? -1 : 1));

/** The number of rows in each table that a refused request must leave as it was. */
const counts = (app: TestApp) => app.rowCounts('audit_log', 'language_requirement_checks');

for (const which of TEST_DATABASES) {
  describe(`partner look-ups (${which.name})`, () => {
    test('office lookup: by postcode, KBO number or KBI key, only what KBI staff entered, audited as an exchange', async (t) => {
      const app = await startTestApp(t, which);
      const enterprise = makeKbo(4_310_551, 'enterprise');
      const agency = await app.factories.organisation({ kind: 'AGENCY', name: 'Agentschap Integratie en Inburgering', enterpriseNumber: enterprise });
      const establishment = makeKbo(22_334_455, 'establishment');
      const gent = await app.factories.office(agency.id, {
        name: 'Kantoor Gent',
        kboNumber: establishment,
        postcode: '9000',
        municipality: 'Gent',
        street: 'Kongostraat',
        houseNumber: '42',
        phone: '09 123 45 67',
        email: 'gent@agii.example',
        contactName: 'Contactpersoon Gent',
        openingHours: 'ma–vr 9–12 u',
      });
      const gent2 = await app.factories.office(agency.id, { name: 'Loket Gent-Zuid', kboNumber: null, postcode: '9000' });
      const antwerpen = await app.factories.office(agency.id, { name: 'Kantoor Antwerpen', postcode: '2000', municipality: 'Antwerpen' });
      const other = await app.factories.organisation({ kind: 'HOUSE_OF_DUTCH', name: 'Huis van het Nederlands Gent' });
      const huis = await app.factories.office(other.id, { name: 'Huis Gent', postcode: '9000' });

      // Any partner with a valid token, whatever its authorisations.
      for (const kind of ['OCMW', 'VDAB']) {
        const { organisation, call } = await partner(app, kind);
        const byPostcode = await expectOk(await call('POST', '/api/exchange/v1/offices/search', { postcode: '9000' }));
        assert.deepEqual(byPostcode.items.map((o: any) => o.kbiKey).sort(), [gent.kbiKey, gent2.kbiKey, huis.kbiKey].sort(), `${kind}: the offices of 9000`);
        const first = byPostcode.items.find((o: any) => o.kbiKey === gent.kbiKey);
        assert.deepEqual(Object.keys(first).sort(), OFFICE_FIELDS, 'only the fields KBI staff entered, no ids or record metadata');
        assert.deepEqual(first, {
          kbiKey: gent.kbiKey,
          kboNumber: establishment,
          name: 'Kantoor Gent',
          organisationName: 'Agentschap Integratie en Inburgering',
          street: 'Kongostraat',
          houseNumber: '42',
          postcode: '9000',
          municipality: 'Gent',
          phone: '09 123 45 67',
          email: 'gent@agii.example',
          contactName: 'Contactpersoon Gent',
          openingHours: 'ma–vr 9–12 u',
        });
        const audit = await lastAudit(app, 'exchange.officeLookup');
        assert.equal(audit?.organisation_id, organisation.id);
        assert.equal(audit?.result, 'allowed');
        assert.equal(audit?.person_id, null);
        assert.deepEqual(audit?.detail, { by: ['postcode'], found: 3 });
      }
      const { call } = await partner(app, 'VMSW');
      const search = async (body: unknown) =>
        (await expectOk(await call('POST', '/api/exchange/v1/offices/search', body))).items.map((o: any) => o.name).sort();
      const formatted = `${establishment[0]}.${establishment.slice(1, 4)}.${establishment.slice(4, 7)}.${establishment.slice(7)}`;
      assert.deepEqual(await search({ kboNumber: formatted }), ['Kantoor Gent'], 'by the establishment number, dots allowed');
      assert.deepEqual(
        await search({ kboNumber: `BE ${enterprise}` }),
        ['Kantoor Antwerpen', 'Kantoor Gent', 'Loket Gent-Zuid'],
        'by the enterprise number: all its offices',
      );
      assert.deepEqual(await search({ kbiKey: antwerpen.kbiKey.toLowerCase() }), ['Kantoor Antwerpen'], 'by KBI key, in any case');
      assert.deepEqual(await search({ postcode: '9000', kboNumber: enterprise }), ['Kantoor Gent', 'Loket Gent-Zuid'], 'several filters: all must match');
      assert.deepEqual(await search({ postcode: '3000' }), []);

      // Bad input: 400 naming the field, and nothing written (not even an audit record).
      const before = await counts(app);
      const badKbo = `${establishment.slice(0, 8)}${String((Number(establishment.slice(8)) + 1) % 100).padStart(2, '0')}`;
      const cases: [unknown, string[]][] = [
        [{ kboNumber: badKbo }, ['kboNumber']],
        [{}, ['kbiKey', 'kboNumber', 'postcode']],
        [{ postcode: '0900' }, ['postcode']],
        [{ kbiKey: 'not-a-key' }, ['kbiKey']],
        [{ postcode: '9000', town: 'Gent' }, ['town']],
      ];
      for (const [body, fields] of cases) {
        const res = await call('POST', '/api/exchange/v1/offices/search', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.deepEqual(res.body.issues.map((i: any) => i.name).sort(), fields, JSON.stringify(body));
      }
      assert.deepEqual(await counts(app), before, 'bad input stores nothing');
      const anonymous = await app.anonymous('POST', '/api/exchange/v1/offices/search', { postcode: '9000' });
      assert.equal(anonymous.status, 401, 'a partner token is required');
    });

    test('VMSW language requirement: the answer and its basis, within the authorisation, every check counted', async (t) => {
      const app = await startTestApp(t, which);
      await grant(app, { partnerKind: 'VMSW', purpose: 'WOONCODE_TAALKENNIS', clusters: ['certificates', 'level', 'housingRequirement'] });
      const add = (person: any, resource: string, body: Record<string, unknown>) => app.factories.add(person.id, resource, body);
      const level = await app.factories.person();
      await add(level, 'levelAttainments', { domain: 'NT2', level: 'A1', obtainedOn: dayOffset(-30), basis: 'TEST' });
      const certified = await app.factories.person();
      await add(certified, 'certificates', { kind: 'INTEGRATION', documentType: 'ICO13G', issuedOn: dayOffset(-60) });
      const tested = await app.factories.person();
      await add(tested, 'testResults', { testType: 'NT2_TEST', takenOn: dayOffset(-90), result: 'NIET_GESLAAGD', level: 'A1' });
      await add(tested, 'testResults', { testType: 'NT2_TEST', takenOn: dayOffset(-20), result: 'GESLAAGD', level: 'A2' });
      const assessed = await app.factories.person();
      await add(assessed, 'housingRequirements', { mustMeetIntegration: true, mustMeetLanguage: true, meetsLanguage: false, assessedOn: dayOffset(-200) });
      await add(assessed, 'housingRequirements', { mustMeetIntegration: true, mustMeetLanguage: true, meetsLanguage: true, assessedOn: dayOffset(-3) });
      // Nothing that shows Dutch: a failed test, a passed MO test, an expired exemption, a suspension certificate, a future level.
      const none = await app.factories.person();
      await add(none, 'testResults', { testType: 'NT2_TEST', takenOn: dayOffset(-15), result: 'NIET_GESLAAGD', level: 'A1' });
      await add(none, 'testResults', { testType: 'MO_TEST', takenOn: dayOffset(-15), result: 'GESLAAGD' });
      await add(none, 'certificates', { kind: 'EXEMPTION', issuedOn: dayOffset(-400), expiresOn: dayOffset(-1) });
      await add(none, 'certificates', { kind: 'SUSPENSION', issuedOn: dayOffset(-10) });
      await add(none, 'housingRequirements', { mustMeetIntegration: true, mustMeetLanguage: true, meetsLanguage: false, assessedOn: dayOffset(-3) });

      const vmsw = await partner(app, 'VMSW');
      const check = async (caller: typeof vmsw, person: { insz: string }) =>
        expectOk(await caller.call('POST', '/api/exchange/v1/housing/languageRequirement', { insz: person.insz, purpose: 'WOONCODE_TAALKENNIS' }));
      const a = await check(vmsw, level);
      assert.equal(a.meetsRequirement, true);
      assert.deepEqual(a.basis, [{ kind: 'NT2_LEVEL', date: dayOffset(-30), detail: 'NT2 level A1 reached (TEST)' }]);
      assert.ok(Math.abs(Date.parse(a.checkedAt) - Date.now()) < 60_000);
      assert.deepEqual((await check(vmsw, certified)).basis, [{ kind: 'CERTIFICATE', date: dayOffset(-60), detail: 'integration certificate (ICO13G)' }]);
      const c = await check(vmsw, tested);
      assert.deepEqual(c.basis, [{ kind: 'TEST', date: dayOffset(-20), detail: 'NT2_TEST passed at level A2' }], 'only the passed test');
      assert.deepEqual(
        (await check(vmsw, assessed)).basis.map((b: any) => [b.kind, b.date]),
        [['WOONCODE', dayOffset(-3)]],
        'the latest Wooncode assessment decides',
      );
      const d = await check(vmsw, none);
      assert.equal(d.meetsRequirement, false);
      assert.deepEqual(d.basis, []);
      const unknown = await check(vmsw, { insz: makeInsz({ birthDate: '1981-02-03', serial: 771 }) });
      assert.deepEqual([unknown.known, unknown.meetsRequirement, unknown.basis], [false, false, []]);
      await check(vmsw, level); // asked again: counted again

      // Every check counted: one row each, with who, when, whom and the answer; one audit record each.
      const rows = await app.database.db.selectFrom('language_requirement_checks').selectAll().orderBy('checked_at').execute();
      assert.equal(rows.length, 7);
      assert.ok(
        rows.every((r) => r.organisation_id === vmsw.organisation.id && r.purpose === 'WOONCODE_TAALKENNIS' && /^partner:vmsw-/.test(r.actor_id)),
        'who asked, for which purpose',
      );
      assert.deepEqual(
        rows.map((r) => r.meets_requirement),
        [true, true, true, true, false, false, true],
      );
      assert.deepEqual(
        rows.map((r) => r.person_id),
        [level.id, certified.id, tested.id, assessed.id, none.id, null, level.id],
      );
      assert.ok(
        rows.every((r) => /^[0-9a-f]{64}$/.test(r.insz_hash)),
        'the INSZ only as its keyed hash',
      );
      assert.equal(rows[0]!.insz_hash, rows[6]!.insz_hash);
      assert.equal(rows[0]!.id, a.checkId);
      const audits = await app.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'exchange.languageRequirement').orderBy('id').execute();
      assert.equal(audits.length, 7);
      assert.deepEqual([...audits[0]!.clusters].sort(), ['certificates', 'housingRequirement', 'level']);
      assert.equal(audits[0]!.purpose, 'WOONCODE_TAALKENNIS');
      assert.equal(audits[5]!.person_id, null);
      assert.ok(audits[5]!.insz_hash, 'a check about an unknown person is findable by INSZ');
      const dbRejects = await app.database.db
        .updateTable('language_requirement_checks')
        .set({ meets_requirement: false })
        .execute()
        .then(
          () => 'updated',
          () => 'refused',
        );
      assert.equal(dbRejects, 'refused', 'a counted check cannot be changed afterwards');

      // An authorisation with fewer clusters: no basis from a cluster it lacks.
      const town = await partner(app, 'LOCAL_AUTHORITY');
      await grant(app, { partnerOrganisationId: town.organisation.id, purpose: 'WOONCODE_TAALKENNIS', clusters: ['level'] });
      assert.equal((await check(town, certified)).meetsRequirement, false, 'the certificate is not within this authorisation');
      assert.deepEqual(
        (await check(town, level)).basis.map((b: any) => b.kind),
        ['NT2_LEVEL'],
      );
      const audit = await lastAudit(app, 'exchange.languageRequirement');
      assert.deepEqual(audit?.clusters, ['level']);

      // Partner kinds without the authorisation, or with one that gives none of its clusters: 403, audited, nothing counted.
      const bare = await partner(app, 'VDAB');
      const personaliaOnly = await partner(app, 'CVO');
      await grant(app, { partnerOrganisationId: personaliaOnly.organisation.id, purpose: 'WOONCODE_TAALKENNIS', clusters: ['personalia'] });
      for (const [who, caller] of [
        ['OCMW', await partner(app, 'OCMW')],
        ['VDAB', bare],
        ['CVO with personalia only', personaliaOnly],
      ] as const) {
        const before = await counts(app);
        const res = await caller.call('POST', '/api/exchange/v1/housing/languageRequirement', { insz: level.insz, purpose: 'WOONCODE_TAALKENNIS' });
        assert.equal(res.status, 403, who);
        assert.equal(res.body.code, 'noAuthorisation', who);
        const after = await counts(app);
        assert.equal(after.language_requirement_checks, before.language_requirement_checks, `${who}: not counted as a check`);
        assert.equal(after.audit_log, before.audit_log! + 1, `${who}: the refusal is audited once`);
        const refusal = await lastAudit(app, 'exchange.languageRequirement');
        assert.deepEqual([refusal?.result, refusal?.organisation_id, refusal?.person_id], ['denied', caller.organisation.id, level.id]);
      }

      // Bad input: 400 naming the field, nothing stored.
      const before = await counts(app);
      for (const [body, field] of [
        [{ insz: '85073003329', purpose: 'WOONCODE_TAALKENNIS' }, 'insz'],
        [{ insz: level.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' }, 'purpose'],
        [{ insz: level.insz }, 'purpose'],
        [{ purpose: 'WOONCODE_TAALKENNIS' }, 'insz'],
      ] as const) {
        const res = await vmsw.call('POST', '/api/exchange/v1/housing/languageRequirement', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.ok(
          res.body.issues.some((i: any) => i.name === field),
          `${JSON.stringify(body)} names ${field}`,
        );
      }
      assert.deepEqual(await counts(app), before, 'bad input stores nothing');
    });

    test('DVZ list: the persons concerned with contract and certificate, within the authorisation and the integration register', async (t) => {
      const app = await startTestApp(t, which);
      await grant(app, {
        partnerKind: 'DVZ',
        purpose: 'VERBLIJFSRECHT_INTEGRATIE',
        clusters: ['personalia', 'contracts', 'certificates'],
        capacityCodes: ['VERBLIJF'],
      });
      const office = await app.factories.office((await app.factories.organisation({ kind: 'AGENCY', name: 'Atlas' })).id);
      const from = dayOffset(-200),
        to = dayOffset(-10);
      const person = (familyName: string, residenceStatus: string) => app.factories.person({ familyName, givenNames: 'Test', residenceStatus });
      const add = (p: any, resource: string, body: Record<string, unknown>) => app.factories.add(p.id, resource, body);
      const contract = (p: any, on: string) => add(p, 'contracts', { kind: 'MOTHER', signedOn: on, registeredOn: on });

      const signed = await person('Aziz', 'GEZINSHERENIGING_DERDELANDER');
      await contract(signed, dayOffset(-100));
      const certified = await person('Bakr', 'ARBEIDSMIGRANT_DERDELANDER');
      await contract(certified, dayOffset(-400));
      await add(certified, 'certificates', { kind: 'INTEGRATION', issuedOn: dayOffset(-50) });
      const registered = await person('Chen', 'STUDENT_DERDELANDER');
      await add(registered, 'registrations', { registeredOn: dayOffset(-150), type: 'EA', reason: '11', officeId: office.id });
      await contract(registered, dayOffset(-5)); // after the period: not signed as of its last day
      const refugee = await person('Dara', 'ERKEND_VLUCHTELING');
      await contract(refugee, dayOffset(-100));
      const european = await person('Eriksen', 'ARBEIDSMIGRANT_EU');
      await contract(european, dayOffset(-100));
      const notIntegrated = await person('Farah', 'GEREGULARISEERD');
      await contract(notIntegrated, dayOffset(-100));
      const quiet = await person('Gül', 'ANDERE_DERDELANDER');
      await contract(quiet, dayOffset(-300)); // nothing in the period

      const dvz = await partner(app, 'DVZ');
      for (const p of [signed, certified, registered, refugee, european, quiet]) {
        await expectOk(await dvz.call('POST', '/api/exchange/v1/integrations', { insz: p.insz, capacityCode: 'VERBLIJF', startsOn: dayOffset(-20) }), 201);
      }
      const list = await expectOk(await dvz.call('POST', '/api/exchange/v1/dvz/list', { from, to, purpose: 'VERBLIJFSRECHT_INTEGRATIE' }));
      const expected = new Map([
        [signed.id, { familyName: 'Aziz', givenNames: 'Test', insz: signed.insz, contractSigned: true, certificateObtained: false }],
        [certified.id, { familyName: 'Bakr', givenNames: 'Test', insz: certified.insz, contractSigned: true, certificateObtained: true }],
        [registered.id, { familyName: 'Chen', givenNames: 'Test', insz: registered.insz, contractSigned: false, certificateObtained: false }],
      ]);
      const listed = byId([signed, certified, registered]);
      assert.deepEqual(
        list,
        { from, to, rows: listed.map((p) => expected.get(p.id)), next: null },
        'third-country statuses under art. 1/2 only, with something in the period, integrated by DVZ; one page',
      );
      const audits = await app.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'exchange.dvzList').orderBy('id').execute();
      assert.deepEqual(
        audits.map((a) => a.person_id),
        listed.map((p) => p.id),
        'one audit record per person listed',
      );
      assert.ok(audits.every((a) => a.organisation_id === dvz.organisation.id && a.purpose === 'VERBLIJFSRECHT_INTEGRATIE' && a.result === 'allowed'));
      assert.deepEqual([...audits[0]!.clusters].sort(), ['certificates', 'contracts', 'personalia']);

      // An authorisation without capacity codes: every person concerned.
      const ministry = await partner(app, 'ABB');
      await grant(app, {
        partnerOrganisationId: ministry.organisation.id,
        purpose: 'VERBLIJFSRECHT_INTEGRATIE',
        clusters: ['personalia', 'contracts', 'certificates'],
      });
      const all = await expectOk(await ministry.call('POST', '/api/exchange/v1/dvz/list', { from, to, purpose: 'VERBLIJFSRECHT_INTEGRATIE' }));
      assert.deepEqual(all.rows.map((r: any) => r.familyName).sort(), ['Aziz', 'Bakr', 'Chen', 'Farah']);

      // Partners without it (or without every cluster of the list): 403, audited.
      const partial = await partner(app, 'LOCAL_AUTHORITY');
      await grant(app, { partnerOrganisationId: partial.organisation.id, purpose: 'VERBLIJFSRECHT_INTEGRATIE', clusters: ['personalia'] });
      for (const [who, caller] of [
        ['OCMW', await partner(app, 'OCMW')],
        ['VMSW', await partner(app, 'VMSW')],
        ['personalia only', partial],
      ] as const) {
        const before = await counts(app);
        const res = await caller.call('POST', '/api/exchange/v1/dvz/list', { from, to, purpose: 'VERBLIJFSRECHT_INTEGRATIE' });
        assert.equal(res.status, 403, who);
        assert.equal(res.body.code, 'noAuthorisation');
        assert.equal((await counts(app)).audit_log, before.audit_log! + 1, `${who}: audited once`);
        const refusal = await lastAudit(app, 'exchange.dvzList');
        assert.deepEqual([refusal?.result, refusal?.organisation_id], ['denied', caller.organisation.id]);
      }

      // Bad dates: 400 naming the field, nothing stored.
      const before = await counts(app);
      for (const [body, field] of [
        [{ from: '2025-02-30', to, purpose: 'VERBLIJFSRECHT_INTEGRATIE' }, 'from'],
        [{ from, to: 'yesterday', purpose: 'VERBLIJFSRECHT_INTEGRATIE' }, 'to'],
        [{ from: to, to: from, purpose: 'VERBLIJFSRECHT_INTEGRATIE' }, 'to'],
        [{ from: dayOffset(-800), to, purpose: 'VERBLIJFSRECHT_INTEGRATIE' }, 'to'],
        [{ from: dayOffset(5), to: dayOffset(6), purpose: 'VERBLIJFSRECHT_INTEGRATIE' }, 'from'],
        [{ from, to }, 'purpose'],
      ] as const) {
        const res = await dvz.call('POST', '/api/exchange/v1/dvz/list', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.ok(
          res.body.issues.some((i: any) => i.name === field),
          `${JSON.stringify(body)} names ${field}: ${JSON.stringify(res.body.issues)}`,
        );
      }
      assert.deepEqual(await counts(app), before, 'bad input stores nothing');
    });

    test('DVZ list pages: walked with any limit it lists every person once, also across a change between pages; a bad cursor or limit is named', async (t) => {
      const app = await startTestApp(t, which);
      const ministry = await partner(app, 'ABB');
      await grant(app, {
        partnerOrganisationId: ministry.organisation.id,
        purpose: 'VERBLIJFSRECHT_INTEGRATIE',
        clusters: ['personalia', 'contracts', 'certificates'],
      });
      const from = dayOffset(-200),
        to = dayOffset(-10);
      const persons: any[] = [];
      for (const familyName of ['Zeroual', 'Yilmaz', 'Xu', 'Wahid', 'Vargas', 'Usman', 'Tahir']) {
        const p = await app.factories.person({ familyName, givenNames: 'Test', residenceStatus: 'GEZINSHERENIGING_DERDELANDER' });
        await app.factories.add(p.id, 'contracts', { kind: 'MOTHER', signedOn: dayOffset(-100), registeredOn: dayOffset(-100) });
        persons.push(p);
      }
      const ask = (body: Record<string, unknown>) =>
        ministry.call('POST', '/api/exchange/v1/dvz/list', { from, to, purpose: 'VERBLIJFSRECHT_INTEGRATIE', ...body });
      const walk = async (limit: number, between?: (page: number) => Promise<void>) => {
        const pages: any[] = [];
        for (let cursor: string | undefined; ;) {
          const page = await expectOk(await ask({ limit, ...(cursor ? { cursor } : {}) }));
          pages.push(page);
          await between?.(pages.length);
          if (page.next === null) return pages;
          cursor = page.next;
        }
      };
      const whole = await expectOk(await ask({}));
      assert.equal(whole.next, null, 'the default limit holds them all');
      assert.deepEqual(
        whole.rows.map((r: any) => r.insz),
        byId(persons).map((p) => p.insz),
        'in the order of the person id',
      );

      for (const [limit, sizes] of [
        [1, [1, 1, 1, 1, 1, 1, 1]],
        [3, [3, 3, 1]],
        [7, [7]],
        [6, [6, 1]],
      ] as const) {
        const auditsBefore = (await counts(app)).audit_log!;
        const pages = await walk(limit);
        assert.deepEqual(
          pages.map((p) => p.rows.length),
          sizes,
          `limit ${limit}`,
        );
        assert.deepEqual(
          pages.flatMap((p) => p.rows),
          whole.rows,
          `limit ${limit}: every person once, as the unpaged list`,
        );
        assert.ok(pages.every((p) => p.from === from && p.to === to));
        assert.equal((await counts(app)).audit_log! - auditsBefore, persons.length, `limit ${limit}: one audit record per person received`);
      }

      // A person renamed between two pages keeps their place: the order is not by name.
      const order = byId(persons);
      const renamed = await walk(3, async (page) => {
        if (page !== 1) return;
        await inTransaction(app.database.db, 'test:setup', async (tx) => {
          await tx
            .updateTable('persons')
            .set({ family_name: 'Aaaa', valid_from: sql`now()` })
            .where('id', '=', order[4]!.id)
            .execute();
          await tx
            .updateTable('persons')
            .set({ family_name: 'Zzzz', valid_from: sql`now()` })
            .where('id', '=', order[1]!.id)
            .execute();
        });
      });
      assert.deepEqual(
        renamed.flatMap((p) => p.rows.map((r: any) => r.insz)),
        order.map((p) => p.insz),
        'nobody dropped, nobody twice',
      );

      // Bad limits and cursors: 400 naming the field; nothing audited.
      const before = await counts(app);
      const otherPeriod = (await expectOk(await ask({ limit: 2, from: dayOffset(-199) }))).next;
      const afterOther = await counts(app);
      const forged = Buffer.from(JSON.stringify({ after: "x' OR 1=1 --", from, to })).toString('base64url');
      for (const [body, field] of [
        [{ limit: 0 }, 'limit'],
        [{ limit: 1001 }, 'limit'],
        [{ limit: 2.5 }, 'limit'],
        [{ limit: '10' }, 'limit'],
        [{ cursor: '' }, 'cursor'],
        [{ cursor: 'not-a-cursor' }, 'cursor'],
        [{ cursor: forged }, 'cursor'],
        [{ cursor: 12 }, 'cursor'],
        [{ cursor: otherPeriod }, 'cursor'],
      ] as const) {
        const res = await ask(body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        assert.deepEqual(
          res.body.issues.map((i: any) => [i.in, i.name]),
          [['body', field]],
          JSON.stringify(body),
        );
      }
      assert.ok(before.audit_log! < afterOther.audit_log!, 'the other period was listed (and audited)');
      assert.deepEqual(await counts(app), afterOther, 'bad paging stores nothing');

      // The exchange OpenAPI document tells partners how to page.
      const doc = await expectOk(await app.anonymous('GET', '/api/exchange/openapi.json'));
      const operation = doc.paths['/api/exchange/v1/dvz/list'].post;
      const body = operation.requestBody.content['application/json'].schema.properties;
      assert.deepEqual([body.limit.minimum, body.limit.maximum, body.limit.default, body.cursor.type], [1, 1000, 500, 'string']);
      assert.deepEqual(operation.responses['200'].content['application/json'].schema.properties.next.type, ['string', 'null']);
    });
  });
}

/**
 * The CLI writes the API's rows as CSV, as the operator, and audits each person listed. On the
 * embedded database it needs a data directory of its own (the in-memory test database is not
 * reachable from another process); on PostgreSQL it connects to the test database.
 */
for (const which of TEST_DATABASES) {
  test(`kbi export dvz writes the list as CSV, audited (${which.name})`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kbi-dvz-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    let database: Database & { url?: string | null };
    if (which.name === 'pglite') {
      database = await openDatabase({ url: null, dataDir: join(dir, 'data') });
      await migrateToLatest(database.db);
    } else {
      database = await which.open();
    }
    let closed = false;
    t.after(async () => {
      if (!closed) await database.close();
    });

    const from = dayOffset(-100),
      to = dayOffset(-1);
    const persons = await inTransaction(database.db, 'test:setup', async (tx) => {
      const [org] = await sql<{ id: string }>`INSERT INTO organisations (kind, name) VALUES ('AGENCY', 'Atlas') RETURNING id`.execute(tx).then((r) => r.rows);
      const made: { id: string; insz: string; name: string }[] = [];
      const rows: [string, string, boolean, boolean][] = [
        ['Amrani', 'GEZINSHERENIGING_DERDELANDER', true, false],
        ['Bashir', 'GEREGULARISEERD', true, true],
        ['Costa', 'ERKEND_VLUCHTELING', true, false],
      ];
      for (const [i, [name, status, withContract, withCertificate]] of rows.entries()) {
        const insz = makeInsz({ birthDate: `1988-0${i + 1}-15`, serial: 300 + i });
        const [p] = (
          await sql<{ id: string }>`INSERT INTO persons (insz, family_name, given_names, gender, nationality, residence_status, created_by_organisation_id)
          VALUES (${insz}, ${name}, 'Salma, Lin', '2', 'MAR', ${status}, ${org!.id}::uuid) RETURNING id`.execute(tx)
        ).rows;
        if (withContract)
          await sql`INSERT INTO contracts (person_id, kind, signed_on, registered_on) VALUES (${p!.id}::uuid, 'MOTHER', ${dayOffset(-50)}::date, ${dayOffset(-50)}::date)`.execute(
            tx,
          );
        if (withCertificate)
          await sql`INSERT INTO certificates (person_id, kind, issued_on) VALUES (${p!.id}::uuid, 'INTEGRATION', ${dayOffset(-20)}::date)`.execute(tx);
        made.push({ id: p!.id, insz, name });
      }
      return made;
    });
    if (which.name === 'pglite') {
      await database.close();
      closed = true;
    }

    const env = { ...process.env, KBI_LOG_LEVEL: 'silent', KBI_DATA_DIR: join(dir, 'data'), KBI_DATABASE_URL: which.name === 'pglite' ? '' : database.url! };
    const kbi = (...args: string[]) => spawnSync(process.execPath, ['bin/kbi.js', ...args], { encoding: 'utf8', env, timeout: 120_000 });
    const out = join(dir, 'dvz.csv');
    const run = kbi('export', 'dvz', '--out', out, '--from', from, '--to', to, '--batch', '1'); // a page per person: the whole list all the same
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`2 persons \\(${from} to ${to}\\) written`));
    const csv = readFileSync(out, 'utf8');
    const expected: Record<string, object> = {
      [persons[0]!.id]: {
        naam: 'Amrani',
        voornaam: 'Salma, Lin',
        rijksregisternummer: persons[0]!.insz,
        inburgeringscontract_ondertekend: 'ja',
        inburgeringsattest_behaald: 'nee',
      },
      [persons[1]!.id]: {
        naam: 'Bashir',
        voornaam: 'Salma, Lin',
        rijksregisternummer: persons[1]!.insz,
        inburgeringscontract_ondertekend: 'ja',
        inburgeringsattest_behaald: 'ja',
      },
    };
    const listed = byId(persons.slice(0, 2));
    assert.deepEqual(
      parse(csv, { columns: true }),
      listed.map((p) => expected[p.id]),
      'the rows of the API, in its order, the refugee not among them',
    );
    assert.equal(existsSync(`${out}.partial`), false);

    const bad = kbi('export', 'dvz', '--out', join(dir, 'bad.csv'), '--from', '2025-13-01', '--to', to);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /from: a date/);
    assert.equal(existsSync(join(dir, 'bad.csv')), false, 'nothing written for a bad period');

    const check = which.name === 'pglite' ? await openDatabase({ url: null, dataDir: join(dir, 'data') }) : database;
    try {
      const audits = await check.db.selectFrom('audit_log').selectAll().where('action', '=', 'dvz.export').orderBy('id').execute();
      assert.deepEqual(
        audits.map((a) => a.person_id),
        listed.map((p) => p.id),
        "the operator's export is audited per person",
      );
      assert.ok(audits.every((a) => a.actor_id === 'system:operator' && a.actor_kind === 'system'));
    } finally {
      if (which.name === 'pglite') await check.close();
    }
  });
}
