/** Every partner write honours Idempotency-Key: a retry after a lost answer changes nothing more. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp } from '../support/app.ts';

for (const which of TEST_DATABASES) {
  test(`an appointment request sent twice with one Idempotency-Key is registered once (${which.name})`, async (t) => {
    const app = await startTestApp(t, which);
    const ocmw = await partner(app, 'OCMW', 'OCMW Herhaal');
    const person = await app.factories.person();
    await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '1' }), 201);
    const body = { insz: person.insz, reason: 'INFO_TRAJECT' };
    const key = { 'idempotency-key': 'afspraak-0001-retry' };
    const first = await ocmw.call('POST', '/api/exchange/v1/appointments', body, key);
    assert.equal(first.status, 201);
    const again = await ocmw.call('POST', '/api/exchange/v1/appointments', body, key);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body, 'the same answer');
    assert.equal((await app.rowCounts('appointments')).appointments, 1, 'one appointment');
    const other = await ocmw.call('POST', '/api/exchange/v1/appointments', { ...body, reason: 'NT2' }, key);
    assert.equal(other.status, 422);
    assert.equal(other.body.code, 'idempotencyKeyReused');
    assert.equal((await app.rowCounts('appointments')).appointments, 1, 'still one');
    // Without a key every request is a new appointment.
    assert.equal((await ocmw.call('POST', '/api/exchange/v1/appointments', body)).status, 201);
    assert.equal((await app.rowCounts('appointments')).appointments, 2);
  });
}
