/**
 * Issue 11, defect 9: implausible values were accepted — a birth date in 2999, a birth date the
 * INSZ contradicts, validFrom in year 1 or 2999. Each is refused naming the field; nothing stored.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type Res } from '../support/app.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';

function refused(res: Res, name: string, pattern: RegExp, what: string) {
  assert.equal(res.status, 400, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  const issue = res.body.issues?.find((i: any) => i.name === name);
  assert.ok(issue, `${what} names ${name}: ${JSON.stringify(res.body.issues)}`);
  assert.match(issue.detail, pattern, what);
}

for (const which of TEST_DATABASES) {
  describe(`plausible values (${which.name})`, () => {
    test('birth dates, dates of the path and validFrom are plausible; a birth date agrees with the INSZ', async (t) => {
      const app = await startTestApp(t, which);
      const before = await app.rowCounts('persons', 'contracts');
      const person = (over: Record<string, unknown>) => ({
        insz: makeInsz({ birthDate: '1990-04-12', serial: 217 }),
        familyName: 'Peeters',
        givenNames: 'Sara',
        gender: '2',
        nationality: 'MAR',
        ...over,
      });

      refused(
        await app.call('POST', '/api/v1/persons', person({ insz: makeInsz({ birthDate: null, serial: 31, kind: 'bis' }), birthDate: '2999-04-12' })),
        'birthDate',
        /future/,
        'a birth date in 2999',
      );
      refused(
        await app.call('POST', '/api/v1/persons', person({ birthDate: '1990-04-13' })),
        'birthDate',
        /does not match the birth date the INSZ encodes \(1990-04-12\)/,
        'a birth date the INSZ contradicts',
      );
      refused(
        await app.call('POST', '/api/v1/persons', person({ birthDate: '1890-01-01', insz: makeInsz({ birthDate: null, serial: 33, kind: 'bis' }) })),
        'birthDate',
        /before 1900/,
        'a birth date in 1890',
      );
      refused(await app.call('POST', '/api/v1/persons', person({ validFrom: '0001-01-01T00:00:00Z' })), 'validFrom', /before 2000/, 'validFrom in year 1');
      refused(
        await app.call('POST', '/api/v1/persons', person({ validFrom: '2999-01-01T00:00:00Z' })),
        'validFrom',
        /more than a year ahead/,
        'validFrom in 2999',
      );
      assert.deepEqual(await app.rowCounts('persons', 'contracts'), before, 'nothing stored');

      const sara = await expectOk(await app.call('POST', '/api/v1/persons', person({ birthDate: '1990-04-12' })), 201);
      const read = await app.call('GET', `/api/v1/persons/${sara.id}`);
      refused(
        await app.call(
          'PATCH',
          `/api/v1/persons/${sara.id}`,
          { birthDate: '1991-04-12' },
          { 'if-match': read.headers.get('etag')!, 'content-type': 'application/merge-patch+json' },
        ),
        'birthDate',
        /does not match/,
        'a change of the birth date alone',
      );
      refused(
        await app.call('POST', `/api/v1/persons/${sara.id}/contracts`, { kind: 'MOTHER', signedOn: '2999-02-01', registeredOn: '2023-02-01' }),
        'signedOn',
        /more than 20 years ahead/,
        'a contract signed in 2999',
      );
      refused(
        await app.call('POST', `/api/v1/persons/${sara.id}/contracts`, { kind: 'MOTHER', signedOn: '0023-02-01', registeredOn: '2023-02-01' }),
        'signedOn',
        /before 1900/,
        'a contract signed in year 23',
      );
      assert.deepEqual((await app.rowCounts('contracts')).contracts, before.contracts, 'no contract stored');
      const unchanged = await expectOk(await app.call('GET', `/api/v1/persons/${sara.id}`));
      assert.equal(unchanged.birthDate, '1990-04-12');

      // Plausible values still go through: a correction from the past, a bis number with an unknown date.
      await expectOk(
        await app.call('POST', `/api/v1/persons/${sara.id}/contracts`, {
          kind: 'MOTHER',
          signedOn: '2023-02-01',
          registeredOn: '2023-02-01',
          validFrom: '2023-02-01T00:00:00Z',
        }),
        201,
      );
      await expectOk(
        await app.call('POST', '/api/v1/persons', person({ insz: makeInsz({ birthDate: null, serial: 35, kind: 'bis' }), birthDate: '1979-11-02' })),
        201,
      );
    });
  });
}
