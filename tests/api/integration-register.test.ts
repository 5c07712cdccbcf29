/**
 * Issue 11, defect 1: a partner gained a full dossier by declaring any INSZ in its integration
 * register, backdated without limit (start 2000-01-01, then a consult as of 2015 → 200). The start
 * is bounded, an older one only by an administrator with a reason; an asOf before the partner's
 * relation began is refused; the person's access report shows every declaration; the privacy
 * officer gets an anomaly list.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp } from '../support/app.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

const dayOffset = (days: number) => new Date(Date.parse(`${belgianToday()}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const PURPOSE = 'BEGELEIDING_OCMW_CLIENT';

for (const which of TEST_DATABASES) {
  describe(`integration register (${which.name})`, () => {
    test('a declared start is bounded: never ahead, at most 28 days back; further only by an administrator, with a reason', async (t) => {
      const app = await startTestApp(t, which);
      const ocmw = await partner(app, 'OCMW', 'OCMW Gent');
      const person = await app.factories.person();
      const before = await app.rowCounts('integrations');
      for (const [startsOn, pattern] of [
        ['2000-01-01', /more than 28 days back/],
        [dayOffset(-29), /more than 28 days back/],
        [dayOffset(1), /future/],
        ['2099-01-01', /future/],
      ] as const) {
        const res = await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1', startsOn });
        assert.equal(res.status, 400, `${startsOn}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.issues[0].name, 'startsOn');
        assert.match(res.body.issues[0].detail, pattern);
      }
      assert.deepEqual(await app.rowCounts('integrations'), before, 'nothing declared');
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1', startsOn: dayOffset(-28) }), 201);

      const other = await app.factories.person();
      const record = (body: Record<string, unknown>, call = app.call) =>
        call('POST', '/api/v1/integrations', { organisationId: ocmw.organisation.id, insz: other.insz, capacityCode: '2', startsOn: '2019-03-01', ...body });
      const noReason = await record({});
      assert.equal(noReason.status, 400);
      assert.equal(noReason.body.issues[0].name, 'reason');
      const officer = await app.as('PRIVACY_OFFICER');
      assert.equal(
        (await record({ reason: 'Cliënt sinds 2019, register pas nu aangesloten' }, officer.call)).status,
        403,
        'only the administrator records an older start',
      );
      assert.equal((await record({ startsOn: dayOffset(3), reason: 'Een start in de toekomst kan niet' })).status, 400);
      const recorded = await expectOk(await record({ reason: 'Cliënt sinds 2019, register pas nu aangesloten' }), 201);
      assert.equal(recorded.startsOn, '2019-03-01');

      // The person sees both declarations, with the administrator's reason.
      const report = await expectOk(await officer.call('POST', '/api/v1/audit/personReport', { insz: other.insz }));
      assert.deepEqual(
        report.declarations.map((d: any) => [d.organisation, d.capacityCode, d.startsOn, d.reason]),
        [['OCMW Gent', '2', '2019-03-01', 'Cliënt sinds 2019, register pas nu aangesloten']],
      );
      const first = await expectOk(await officer.call('POST', '/api/v1/audit/personReport', { insz: person.insz }));
      assert.deepEqual(
        first.declarations.map((d: any) => [d.organisation, d.capacityCode, d.startsOn, d.reason]),
        [['OCMW Gent', '1', dayOffset(-28), null]],
      );
      const csv = await officer.call('POST', '/api/v1/audit/personReport', { insz: other.insz }, { accept: 'text/csv' });
      assert.match(String(csv.body), /integratieverklaring 2 2019-03-01/);
    });

    test("a consult as of a moment before the partner's integration of the person began is refused, audited; after it, answered", async (t) => {
      const app = await startTestApp(t, which);
      const ocmw = await partner(app, 'OCMW', 'OCMW Gent');
      const person = await app.factories.person();
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1', startsOn: dayOffset(-10) }), 201);
      const consult = (asOf: string) => ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { insz: person.insz, purpose: PURPOSE, asOf });
      const early = await consult(`${dayOffset(-20)}T12:00:00Z`);
      assert.equal(early.status, 403, JSON.stringify(early.body));
      assert.equal(early.body.code, 'notIntegrated');
      assert.equal(early.body.issues[0].name, 'asOf');
      assert.equal((await consult('2015-06-01T00:00:00Z')).status, 403, "the probe's 2015");
      const denied = await app.database.db
        .selectFrom('audit_log')
        .select(['action', 'result'])
        .where('action', '=', 'exchange.consultAsOf')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        denied.map((r) => r.result),
        ['denied', 'denied'],
        'each refusal audited',
      );
      const later = await expectOk(await consult(`${dayOffset(-5)}T12:00:00Z`));
      assert.equal(later.asOf, `${dayOffset(-5)}T12:00:00Z`, 'answered (the person was registered only today, so KBI did not know them then)');
      assert.equal(later.known, false);
    });

    test("the privacy officer's anomaly list: a partner declaring unusually many persons, declarations never used; nobody else reads it", async (t) => {
      const app = await startTestApp(t, which);
      const busy = await partner(app, 'OCMW', 'OCMW Druk');
      const quiet = await partner(app, 'OCMW', 'OCMW Rustig');
      const persons = [];
      for (let i = 0; i < 5; i++) persons.push(await app.factories.person());
      for (const p of persons.slice(0, 4)) await expectOk(await busy.call('POST', '/api/exchange/v1/integrations', { insz: p.insz, capacityCode: '1' }), 201);
      await expectOk(await quiet.call('POST', '/api/exchange/v1/integrations', { insz: persons[4]!.insz, capacityCode: '1' }), 201);
      await expectOk(await quiet.call('POST', '/api/exchange/v1/dossiers/consult', { insz: persons[4]!.insz, purpose: PURPOSE }));
      await expectOk(await busy.call('POST', '/api/exchange/v1/dossiers/consult', { insz: persons[0]!.insz, purpose: PURPOSE }));

      const officer = await app.as('PRIVACY_OFFICER');
      // In the person's access report, the partner's consult carries the purpose it declared, in words, and its legal basis.
      const report = await expectOk(await officer.call('POST', '/api/v1/audit/personReport', { insz: persons[4]!.insz, lang: 'fr' }));
      const consulted = report.items.find((l: any) => l.actions.includes('exchange.consult'));
      assert.deepEqual(
        [consulted.actor, consulted.organisation, consulted.purpose, consulted.purposeText, consulted.purposeStated],
        ['OCMW Rustig', 'OCMW Rustig', PURPOSE, 'Accompagner le client du CPAS dans son intégration sociale', true],
      );
      assert.match(consulted.legalBasisText, /loi du 26 mai 2002 concernant le droit à l’intégration sociale/);
      assert.match(consulted.actionText, /Consultation du dossier par l'échange de données$/, 'declared and consulted in one sitting: one line');
      assert.ok(report.declarations.every((d: any) => d.capacityText === "Revenu d'intégration" && d.organisationKindText.startsWith('CPAS')));
      const list = await expectOk(await officer.call('GET', '/api/v1/audit/integrationAnomalies?days=30&minimum=3&graceDays=0'));
      assert.deepEqual(
        list.volume.map((v: any) => [v.organisation, v.declarations, v.medianOfKind]),
        [['OCMW Druk', 4, 1]],
      );
      assert.deepEqual(
        list.unused.map((u: any) => u.organisation),
        ['OCMW Druk', 'OCMW Druk', 'OCMW Druk'],
        "three of the busy partner's declarations were never used; the quiet partner used its one",
      );
      assert.deepEqual(new Set(list.unused.map((u: any) => u.personId)), new Set(persons.slice(1, 4).map((p) => p.id)));
      assert.ok(!JSON.stringify(list).includes(persons[1]!.insz), 'ids, never an INSZ');
      const bad = await officer.call('GET', '/api/v1/audit/integrationAnomalies?days=0');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.issues[0].name, 'days');
      const caseworker = await app.as('AGENCY_CASEWORKER');
      assert.equal((await caseworker.call('GET', '/api/v1/audit/integrationAnomalies')).status, 403);
    });
  });
}
