/** Certificate eligibility, table by table: which parts each regime asks, the NT2 level, attendance under the 2003 decree, open components. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { certificateEligibility, type ComponentFacts } from './certificate.policy.ts';

const c = (id: string, type: string, over: Partial<ComponentFacts> = {}): ComponentFacts => {
  const parts: Record<string, [ComponentFacts['part'], string | null]> = {
    TO_OB_MO: ['MO', null],
    TO_OB_LLO: ['LO', null],
    TO_A1: ['NT2', 'A1'],
    TO_A2: ['NT2', 'A2'],
    TO_WERK: ['WORK', null],
    TO_PART: ['PARTICIPATION', null],
  };
  const [part, level] = parts[type]!;
  return { id, type, part, level, status: 'TO_STA_99', decision: 'VO', exempted: false, attendance: 'REGULAR', ...over };
};

describe('certificate eligibility', () => {
  const cases: [string, ComponentFacts[], string, boolean, string][] = [
    // label, components, trajectory start, eligible, rule
    ['2022: MO met and NT2 A2 met', [c('mo', 'TO_OB_MO'), c('nt2', 'TO_A2')], '2022-09-01', true, 'certificate-2022'],
    ['2022: NT2 only at A1 is not enough', [c('mo', 'TO_OB_MO'), c('nt2', 'TO_A1')], '2022-09-01', false, 'certificate-2022'],
    ['2022: MO not met', [c('mo', 'TO_OB_MO', { decision: 'NVO' }), c('nt2', 'TO_A2')], '2022-09-01', false, 'certificate-2022'],
    [
      '2022: MO exempted counts',
      [c('mo', 'TO_OB_MO', { exempted: true, status: 'TO_STA_31', decision: null }), c('nt2', 'TO_A2')],
      '2022-09-01',
      true,
      'certificate-2022',
    ],
    [
      '2022: a running trajectory to work keeps it waiting',
      [c('mo', 'TO_OB_MO'), c('nt2', 'TO_A2'), c('w', 'TO_WERK', { status: 'TO_STA_31', decision: null })],
      '2022-09-01',
      false,
      'certificate-2022',
    ],
    ['2022: career orientation is not asked', [c('mo', 'TO_OB_MO'), c('nt2', 'TO_A2')], '2023-01-10', true, 'certificate-2022'],
    ['2022: completed without a decision is not done', [c('mo', 'TO_OB_MO', { decision: null }), c('nt2', 'TO_A2')], '2022-09-01', false, 'certificate-2022'],
    ['2016: MO, NT2 (A1) and career orientation met', [c('mo', 'TO_OB_MO'), c('nt2', 'TO_A1'), c('lo', 'TO_OB_LLO')], '2018-01-01', true, 'certificate-2016'],
    ['2016: career orientation missing', [c('mo', 'TO_OB_MO'), c('nt2', 'TO_A1')], '2018-01-01', false, 'certificate-2016'],
    [
      '2016: irregular attendance does not matter',
      [c('mo', 'TO_OB_MO', { attendance: 'BELOW_REGULAR' }), c('nt2', 'TO_A1'), c('lo', 'TO_OB_LLO')],
      '2018-01-01',
      true,
      'certificate-2016',
    ],
    [
      '2004: irregular attendance does',
      [c('mo', 'TO_OB_MO', { attendance: 'BELOW_REGULAR' }), c('nt2', 'TO_A1'), c('lo', 'TO_OB_LLO')],
      '2015-01-01',
      false,
      'certificate-2004',
    ],
    ['2004: regular everywhere', [c('mo', 'TO_OB_MO'), c('nt2', 'TO_A1'), c('lo', 'TO_OB_LLO')], '2015-01-01', true, 'certificate-2004'],
    [
      'the last day of the 2003 regime',
      [c('mo', 'TO_OB_MO', { attendance: 'BELOW_REGULAR' }), c('nt2', 'TO_A1'), c('lo', 'TO_OB_LLO')],
      '2016-02-28',
      false,
      'certificate-2004',
    ],
    [
      'the first day of the result commitment',
      [c('mo', 'TO_OB_MO', { attendance: 'BELOW_REGULAR' }), c('nt2', 'TO_A1'), c('lo', 'TO_OB_LLO')],
      '2016-02-29',
      true,
      'certificate-2016',
    ],
    ['no components at all', [], '2022-09-01', false, 'certificate-2022'],
  ];
  for (const [label, components, start, eligible, rule] of cases)
    test(label, () => {
      const e = certificateEligibility(components, start);
      assert.deepEqual([e.eligible, e.rule.id], [eligible, rule], JSON.stringify(e));
    });

  test('it says which component fulfils each part and which keep it waiting', () => {
    const e = certificateEligibility([c('mo', 'TO_OB_MO'), c('nt2', 'TO_A2', { status: 'TO_STA_31', decision: null })], '2022-09-01');
    assert.deepEqual(e.parts, [
      { part: 'MO', componentId: 'mo', done: true },
      { part: 'NT2', componentId: 'nt2', done: false },
    ]);
    assert.deepEqual(e.open, ['nt2']);
  });
});
