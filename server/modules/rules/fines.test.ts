/** The fine schedule, table by table: the range and its edges, the steps for repeat fines, and no fines before 2009. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fineProblem, fineScheduleOn, proposedFine } from './fines.policy.ts';

describe('fine schedule (domain-rules §4.8, seed 004 table 12)', () => {
  const amounts: [number, boolean][] = [
    [50, true],
    [49.99, false],
    [5000, true],
    [5000.01, false],
    [100.5, true],
    [100.001, false],
    [Number.NaN, false],
  ];
  for (const [amount, ok] of amounts)
    test(`${amount} EUR on 2023-05-01 is ${ok ? 'allowed' : 'refused'}`, () => assert.equal(fineProblem('2023-05-01', amount) === null, ok));

  test('no administrative fine before 1 January 2009', () => {
    assert.equal(fineScheduleOn('2008-12-31'), null);
    assert.match(fineProblem('2008-12-31', 100)!, /no administrative fine/);
    assert.equal(proposedFine('2008-12-31', 0), null);
    assert.equal(fineScheduleOn('2009-01-01')?.id, 'fines-2009');
  });

  test('the proposal rises with earlier fines and stays at the last step', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 10].map((n) => proposedFine('2023-05-01', n)?.amount),
      [100, 375, 750, 1500, 1500, 1500],
    );
  });
});
