/** Statistics steps shared by tests that show a publication survives what happens after it (retention, partition drops). */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { expectOk, type TestApp } from './app.ts';

/**
 * The first-contracts set validated and published for `year` as of now, by a monitoring analyst; and
 * `published()`, the publication as the API answers it and as stored, to compare before and after.
 */
export async function publishFirstContracts(app: TestApp, year: number) {
  const analyst = await app.as('MONITORING_ANALYST');
  const set = await expectOk(await analyst.call('GET', '/api/v1/statistics/sets/firstContracts'));
  await expectOk(await analyst.call('POST', `/api/v1/statistics/sets/firstContracts/versions/${set.version}/validations`, { note: 'checked' }), 201);
  await sleep(20); // asOf strictly after the validation
  const pub = await expectOk(
    await analyst.call('POST', '/api/v1/statistics/publications', { setId: 'firstContracts', year, provisional: false, asOf: new Date().toISOString() }),
    201,
  );
  const published = async () => ({
    api: (await analyst.call('GET', `/api/v1/statistics/publications/${pub.id}`)).body,
    row: (await sql<{ t: string }>`SELECT row_to_json(p)::text AS t FROM statistics_publications p WHERE id = ${pub.id}`.execute(app.database.db)).rows[0]!.t,
  });
  return { analyst, pub, published };
}
