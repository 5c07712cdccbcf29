/**
 * Issue 12 acceptance: figures published as known at T1 stay the same forever, and a restatement
 * lists exactly the cells that moved since, by how much, and the record corrections behind them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';

const patch = { 'content-type': 'application/merge-patch+json' };

for (const which of TEST_DATABASES) {
  test(`2022 published as known at T1; corrections afterwards move exactly their cells in the restatement (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    const { factories } = app;
    const agency = await factories.organisation({ kind: 'AGENCY', agency: 'AGII', name: 'Agentschap Integratie en Inburgering' });
    const gent = await factories.office(agency.id, { postcode: '9000', municipality: 'Gent' });
    const leuven = await factories.office(agency.id, { postcode: '3000', municipality: 'Leuven' });
    const hasselt = await factories.office(agency.id, { postcode: '3500', municipality: 'Hasselt' });

    // Three persons with a first contract in 2022 at Gent, one with a first contract in 2021 at Hasselt.
    const contract = (officeId: string, signedOn: string) => ({ kind: 'MOTHER', signedOn, registeredOn: signedOn, officeId });
    const a = await factories.person({ nationality: 'SYR', gender: '2' });
    const b = await factories.person({ nationality: 'SYR', gender: '2' });
    const c = await factories.person({ nationality: 'SYR', gender: '2' });
    const d = await factories.person({ nationality: 'MAR', gender: '1' });
    const aContract = await factories.add(a.id, 'contracts', contract(gent.id, '2022-03-14'));
    await factories.add(b.id, 'contracts', contract(gent.id, '2022-05-02'));
    await factories.add(c.id, 'contracts', contract(gent.id, '2022-11-30'));
    const dContract = await factories.add(d.id, 'contracts', contract(hasselt.id, '2021-12-20'));

    const analyst = await app.as('MONITORING_ANALYST');
    const set = await expectOk(await analyst.call('GET', '/api/v1/statistics/sets/firstContracts'));
    const publishBody = { setId: 'firstContracts', year: 2022, provisional: true };

    // Only a validated definition is published.
    await sleep(20);
    let t1 = new Date().toISOString();
    const early = await analyst.call('POST', '/api/v1/statistics/publications', { ...publishBody, asOf: t1 });
    assert.equal(early.status, 422, 'a version nobody validated is not published');
    await expectOk(
      await analyst.call('POST', `/api/v1/statistics/sets/firstContracts/versions/${set.version}/validations`, { note: 'population and unit checked' }),
      201,
    );
    assert.equal(
      (await analyst.call('POST', `/api/v1/statistics/sets/firstContracts/versions/${set.version}/validations`, {})).status,
      409,
      'one validation per person and version',
    );
    const caseworker = await app.as('AGENCY_CASEWORKER');
    assert.equal((await caseworker.call('POST', '/api/v1/statistics/publications', { ...publishBody, asOf: t1 })).status, 403);

    t1 = new Date().toISOString();
    const pub = await expectOk(await analyst.call('POST', '/api/v1/statistics/publications', { ...publishBody, asOf: t1 }), 201);
    assert.equal(pub.version, set.version);
    assert.match(pub.contentHash, /^[0-9a-f]{64}$/);
    assert.match(pub.title, /toestand op \d\d\/\d\d\/\d{4}, voorlopig$/);
    const cellOf = (result: any, breakdown: string, key: Record<string, string | null>) =>
      result.breakdowns.find((x: any) => x.id === breakdown).cells.find((cell: any) => JSON.stringify(cell.key) === JSON.stringify(key))?.values.persons ?? 0;
    assert.equal(pub.result.breakdowns[0].total.persons, 3);
    assert.equal(cellOf(pub.result, 'agencyRegion', { agency: 'AGII', region: 'EAST_FLANDERS' }), 3);
    assert.equal(cellOf(pub.result, 'nationality', { nationality: 'SYR' }), 3);

    // After T1: three corrections of records.
    await sleep(20);
    await expectOk(await app.call('PATCH', `/api/v1/contracts/${aContract.id}`, { officeId: leuven.id }, { ...patch, 'if-match': '"1"' }));
    await expectOk(await app.call('PATCH', `/api/v1/persons/${b.id}`, { nationality: 'AFG' }, { ...patch, 'if-match': '"1"' }));
    await expectOk(
      await app.call('PATCH', `/api/v1/contracts/${dContract.id}`, { signedOn: '2022-01-03', registeredOn: '2022-01-03' }, { ...patch, 'if-match': '"1"' }),
    );
    // A change that moves no figure of this set (a phone number of c) is no part of the restatement.
    await expectOk(await app.call('PATCH', `/api/v1/persons/${c.id}`, { familyName: 'Verbeterd' }, { ...patch, 'if-match': '"1"' }));

    // As known at T1, the figures are what was published, forever.
    const again = await expectOk(await analyst.call('GET', `/api/v1/statistics/sets/firstContracts/result?year=2022&asOf=${encodeURIComponent(t1)}`));
    assert.deepEqual(again.breakdowns, pub.result.breakdowns, 'as of T1 nothing changed');
    const now = await expectOk(await analyst.call('GET', '/api/v1/statistics/sets/firstContracts/result?year=2022'));
    assert.equal(now.breakdowns[0].total.persons, 4, 'now d counts in 2022 too');

    const r = await expectOk(await analyst.call('GET', `/api/v1/statistics/publications/${pub.id}/restatement`));
    assert.equal(r.unchanged, true, 'recomputed as of the cut-off, the hash is the published one');
    const moved = r.cells
      .map(
        (cell: any) =>
          `${cell.breakdown} ${JSON.stringify(cell.key)} ${cell.published.persons}→${cell.restated.persons} (${cell.delta.persons > 0 ? '+' : ''}${cell.delta.persons})`,
      )
      .sort();
    assert.deepEqual(
      moved,
      [
        'agencyRegion {"agency":"AGII","region":"EAST_FLANDERS"} 3→2 (-1)',
        'agencyRegion {"agency":"AGII","region":"FLEMISH_BRABANT"} 0→1 (+1)',
        'agencyRegion {"agency":"AGII","region":"LIMBURG"} 0→1 (+1)',
        'gender {"gender":"1"} 0→1 (+1)',
        'nationality {"nationality":"AFG"} 0→1 (+1)',
        'nationality {"nationality":"MAR"} 0→1 (+1)',
        'nationality {"nationality":"SYR"} 3→2 (-1)',
        'nationalityGroup {"nationality_group":"THIRD_COUNTRY"} 3→4 (+1)',
        'residenceStatus {"residence_status":null} 3→4 (+1)',
        'targetGroup {"target_group":null} 3→4 (+1)',
      ].sort(),
      'exactly the cells the corrections moved',
    );
    const corrections = r.corrections.map((x: any) => `${x.table} ${x.recordId} ${x.kind} ${x.columns.join(',')}`).sort();
    assert.deepEqual(
      corrections,
      [
        `contracts ${aContract.id} changed office_id`,
        `contracts ${dContract.id} changed signed_on,registered_on`,
        `persons ${b.id} changed nationality`,
      ].sort(),
      'exactly the corrections behind them, and not the change that moved nothing',
    );
    const aMove = r.corrections.find((x: any) => x.recordId === aContract.id).moved;
    assert.deepEqual(
      aMove.map((m: any) => [m.breakdown, m.from.region.nl, m.to.region.nl]),
      [['agencyRegion', 'Oost-Vlaanderen', 'Vlaams-Brabant']],
      'the correction says which cell it moved the unit from and to',
    );
    const dMove = r.corrections.find((x: any) => x.recordId === dContract.id).moved;
    assert.ok(
      dMove.every((m: any) => m.from === null && m.to !== null),
      'a unit that entered the year comes from no cell',
    );
    assert.equal(JSON.stringify(r).includes(a.insz), false, 'no INSZ in a restatement');
    assert.equal(JSON.stringify(r).includes('Testpersoon'), false, 'no name in a restatement');

    // Published figures are frozen: listed with their hash, and the database refuses to change them.
    const list = await expectOk(await analyst.call('GET', '/api/v1/statistics/publications?setId=firstContracts'));
    assert.deepEqual(
      list.publications.map((p: any) => p.id),
      [pub.id],
    );
    await assert.rejects(
      app.database.db.updateTable('statistics_publications').set({ provisional: false }).where('id', '=', pub.id).execute(),
      /cannot be changed/,
    );
  });
}
