/**
 * Usage statistics of the exchange (seed 001's table), counted from the audit trail: exchanges
 * and distinct dossiers side by side (seed 000), per partner and month, per purpose and cluster.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp } from '../support/app.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

for (const which of TEST_DATABASES) {
  test(`exchange usage per partner and month, in exchanges and in dossiers (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    const ocmw = await partner(app, 'OCMW', 'OCMW Teststad');
    const other = await partner(app, 'OCMW', 'OCMW Anderstad');
    const a = await app.factories.person();
    const b = await app.factories.person();
    for (const p of [a, b]) await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: p.insz, capacityCode: '1' }), 201);
    // Three consults of a, one of b: 4 exchanges, 2 dossiers. One refused consult (not integrated at the other OCMW).
    for (const p of [a, a, a, b])
      await expectOk(await ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { insz: p.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' }));
    assert.equal((await other.call('POST', '/api/exchange/v1/dossiers/consult', { insz: a.insz, purpose: 'BEGELEIDING_OCMW_CLIENT' })).status, 403);

    const month = belgianToday().slice(0, 7);
    const analyst = await app.as('MONITORING_ANALYST');
    const report = await expectOk(await analyst.call('POST', '/api/v1/statistics/exchanges', { from: month, to: month }));
    assert.deepEqual(report.months, [month]);
    const row = report.partners.find((p: any) => p.organisationId === ocmw.organisation.id);
    assert.ok(row, 'the consulting OCMW has a row');
    assert.equal(row.name, 'OCMW Teststad');
    // Declarations in the integration register are not exchanges of dossier data: not counted.
    assert.deepEqual(row.byMonth[month], { exchanges: 4, dossiers: 2 });
    assert.deepEqual(row.total, { exchanges: 4, dossiers: 2 });
    assert.equal(
      report.partners.some((p: any) => p.organisationId === other.organisation.id),
      false,
      'a partner with only refused requests has no row',
    );
    assert.equal(report.refused, 1);
    const consults = report.byPurpose.find((p: any) => p.purpose === 'BEGELEIDING_OCMW_CLIENT');
    assert.deepEqual({ exchanges: consults.exchanges, dossiers: consults.dossiers }, { exchanges: 4, dossiers: 2 });
    const contracts = report.byCluster.find((c: any) => c.cluster === 'contracts');
    assert.deepEqual(
      { exchanges: contracts.exchanges, dossiers: contracts.dossiers },
      { exchanges: 4, dossiers: 2 },
      'each consult counts once for each cluster it carried',
    );
    assert.ok(report.total.exchanges >= 4);

    // Another period holds nothing; the partner-kind filter narrows.
    const empty = await expectOk(await analyst.call('POST', '/api/v1/statistics/exchanges', { from: '2015-01', to: '2015-11' }));
    assert.equal(empty.months.length, 11);
    assert.deepEqual(empty.total, { exchanges: 0, dossiers: 0 });
    const vdabOnly = await expectOk(await analyst.call('POST', '/api/v1/statistics/exchanges', { from: month, to: month, partnerKind: 'VDAB' }));
    assert.equal(vdabOnly.partners.length, 0);

    // Bad input names the field; other roles are refused.
    const bad = await analyst.call('POST', '/api/v1/statistics/exchanges', { from: '2026-13', to: month });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.issues[0].name, 'from');
    const reversed = await analyst.call('POST', '/api/v1/statistics/exchanges', { from: month, to: '2015-01' });
    assert.equal(reversed.status, 400);
    assert.equal(reversed.body.issues[0].name, 'to');
    const caseworker = await app.as('AGENCY_CASEWORKER');
    assert.equal((await caseworker.call('POST', '/api/v1/statistics/exchanges', { from: month, to: month })).status, 403);
  });
}
