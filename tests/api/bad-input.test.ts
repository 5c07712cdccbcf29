/**
 * Bad input never changes stored data: each refusal is problem+json with the right status and
 * names the field at fault, and the row counts before and after are the same.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type Res } from '../support/app.ts';

const TABLES = ['persons', 'persons_history', 'contracts', 'contracts_history', 'trajectories', 'audit_log', 'idempotency_keys'];

function assertProblem(res: Res, status: number, field?: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(res.body.status, status);
  assert.ok(res.body.type && res.body.title && res.body.code, 'type, title and code are present');
  if (field)
    assert.ok(
      res.body.issues?.some((i: { name: string }) => i.name === field),
      `the problem names ${field}: ${JSON.stringify(res.body.issues)}`,
    );
}

for (const which of TEST_DATABASES) {
  describe(`bad input changes nothing (${which.name})`, () => {
    test('each kind of bad input is refused with a problem naming the field, and nothing changes', async (t) => {
      const { call, factories, rowCounts } = await startTestApp(t, which);
      const person = await factories.person();
      const contract = await factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2022-08-01', registeredOn: '2022-08-01' });
      await expectOk(await call('PATCH', `/api/v1/contracts/${contract.id}`, { endDate: '2024-01-01' }, { 'if-match': '"1"' }));
      const ocmw = await factories.organisation({ kind: 'OCMW', name: 'OCMW Gent' });
      const reason = (await call('GET', '/api/v1/codeLists/appointment_reason')).body.items[0].code;
      const valid = { familyName: 'Peeters', givenNames: 'Jan', gender: '1', nationality: 'SYR' };

      const cases: [string, () => Promise<Res>, number, string?][] = [
        ['INSZ with a wrong check digit', () => call('POST', '/api/v1/persons', { ...valid, insz: '85073003329' }), 400, 'insz'],
        ['INSZ of the wrong length', () => call('POST', '/api/v1/persons', { ...valid, insz: '8507300332' }), 400, 'insz'],
        ['INSZ with month 13', () => call('POST', '/api/v1/persons', { ...valid, insz: '85133000105' }), 400, 'insz'],
        ['malformed INSZ in a search', () => call('POST', '/api/v1/persons/search', { insz: '12345678901' }), 400, 'insz'],
        ['unknown gender code', () => call('POST', '/api/v1/persons', { ...valid, insz: '85073003328', gender: 'Z' }), 400, 'gender'],
        [
          'unknown contract kind',
          () => call('POST', `/api/v1/persons/${person.id}/contracts`, { kind: 'GRANDMOTHER', signedOn: '2022-08-01', registeredOn: '2022-08-01' }),
          400,
          'kind',
        ],
        [
          'unknown field',
          () => call('POST', `/api/v1/persons/${person.id}/contracts`, { kind: 'MOTHER', signedOn: '2022-08-01', registeredOn: '2022-08-01', colour: 'blue' }),
          400,
          'colour',
        ],
        [
          'missing required field',
          () => call('POST', `/api/v1/persons/${person.id}/contracts`, { kind: 'MOTHER', registeredOn: '2022-08-01' }),
          400,
          'signedOn',
        ],
        [
          'impossible date 30 February',
          () => call('POST', `/api/v1/persons/${person.id}/contracts`, { kind: 'MOTHER', signedOn: '2023-02-30', registeredOn: '2023-03-01' }),
          400,
          'signedOn',
        ],
        [
          'end before start',
          () =>
            call('POST', `/api/v1/persons/${person.id}/contracts`, {
              kind: 'MOTHER',
              signedOn: '2022-08-01',
              registeredOn: '2022-08-01',
              endDate: '2021-01-01',
            }),
          400,
          'endDate',
        ],
        [
          'end before start by a patch',
          () => call('PATCH', `/api/v1/contracts/${contract.id}`, { endDate: '2020-01-01' }, { 'if-match': '"2"' }),
          400,
          'endDate',
        ],
        [
          'a wished date without a time window',
          () => call('POST', `/api/v1/persons/${person.id}/appointments`, { requestedById: ocmw.id, reason, status: 'REGISTERED', wishedDate: '2024-01-01' }),
          422,
          'timeWindow',
        ],
        [
          'reference to a record of another dossier',
          () => call('POST', `/api/v1/persons/${person.id}/contractParts`, { contractId: '00000000-0000-4000-8000-000000000000', part: 'MO' }),
          400,
          'contractId',
        ],
        ['stale If-Match', () => call('PATCH', `/api/v1/contracts/${contract.id}`, { endDate: '2025-01-01' }, { 'if-match': '"1"' }), 412],
        ['missing If-Match', () => call('PATCH', `/api/v1/contracts/${contract.id}`, { endDate: '2025-01-01' }), 428],
        [
          'changing an immutable field',
          () => call('PATCH', `/api/v1/contractParts/00000000-0000-4000-8000-000000000000`, { contractId: contract.id }, { 'if-match': '"1"' }),
          400,
          'contractId',
        ],
        [
          'wrong content type',
          () => call('POST', '/api/v1/persons', 'insz=85073003328', { 'content-type': 'application/x-www-form-urlencoded' }),
          415,
          'Content-Type',
        ],
        ['text/plain body', () => call('POST', '/api/v1/persons', JSON.stringify({ ...valid, insz: '85073003328' }), { 'content-type': 'text/plain' }), 415],
        ['not JSON', () => call('POST', '/api/v1/persons', '{"insz": ', {}), 400],
        ['oversize body', () => call('POST', '/api/v1/persons', { ...valid, insz: '85073003328', municipality: 'x'.repeat(2 * 1024 * 1024) }), 413],
        ['malformed id in the path', () => call('GET', '/api/v1/contracts/not-a-uuid'), 400, 'id'],
        [
          'unknown person',
          () =>
            call('POST', '/api/v1/persons/00000000-0000-4000-8000-000000000000/contracts', {
              kind: 'MOTHER',
              signedOn: '2022-08-01',
              registeredOn: '2022-08-01',
            }),
          404,
        ],
        ['malformed asOf', () => call('GET', `/api/v1/persons/${person.id}/dossier?asOf=yesterday`), 400, 'asOf'],
        [
          'fine without amount',
          () =>
            call('POST', `/api/v1/persons/${person.id}/infringementDecisions`, {
              caseId: '00000000-0000-4000-8000-000000000000',
              decision: 'BOETE',
              decidedOn: '2023-01-01',
              fineAmount: 10,
            }),
          400,
          'fineAmount',
        ],
      ];

      for (const [what, send, status, field] of cases) {
        const before = await rowCounts(...TABLES.filter((x) => x !== 'audit_log'));
        const res = await send();
        assertProblem(res, status, field);
        assert.deepEqual(await rowCounts(...TABLES.filter((x) => x !== 'audit_log')), before, `${what}: nothing changed`);
      }
    });

    test('an INSZ never appears in clear in a problem', async (t) => {
      const { call } = await startTestApp(t, which);
      const res = await call('POST', '/api/v1/persons', { insz: '85073003329', familyName: 'A', givenNames: 'B', gender: '1', nationality: 'SYR' });
      assert.equal(res.status, 400);
      assert.ok(!JSON.stringify(res.body).includes('85073003329'));
    });

    test('two caseworkers change the same contract: the second gets 412 and the first change stands', async (t) => {
      const { call, factories } = await startTestApp(t, which);
      const person = await factories.person();
      const contract = await factories.add(person.id, 'contracts', { kind: 'MOTHER', signedOn: '2022-08-01', registeredOn: '2022-08-01' });
      const etag = (await call('GET', `/api/v1/contracts/${contract.id}`)).headers.get('etag')!;
      const [a, b] = await Promise.all([
        call('PATCH', `/api/v1/contracts/${contract.id}`, { endDate: '2024-01-01' }, { 'if-match': etag }),
        call('PATCH', `/api/v1/contracts/${contract.id}`, { endDate: '2025-06-30' }, { 'if-match': etag }),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [200, 412]);
      const winner = a.status === 200 ? a : b;
      const loser = a.status === 200 ? b : a;
      assert.equal(loser.body.currentVersion, 2);
      const now = await expectOk(await call('GET', `/api/v1/contracts/${contract.id}`));
      assert.equal(now.endDate, winner.body.endDate);
      assert.equal(now.version, 2);
    });
  });
}
