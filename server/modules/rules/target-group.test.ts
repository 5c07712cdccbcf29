/** The target-group assistant, table by table: who is outside, minor, entitled, obliged or exempt, with the boundaries and the 2016 change. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ageOn, proposeTargetGroup, regionOfPostcode, type TargetGroupFacts } from './target-group.policy.ts';
import { addDays, addMonths } from '../../platform/calendar.ts';

/** A third-country newcomer in Gent, registered for the first time on 10/01/2023 with a first long residence title, 30 years old. */
const NEWCOMER: TargetGroupFacts = {
  nationality: 'SYR',
  nationalityGroup: 'THIRD_COUNTRY',
  residenceStatus: 'ERKEND_VLUCHTELING',
  birthDate: '1993-03-15',
  region: 'FLANDERS',
  inNationalRegister: true,
  firstRegisteredOn: '2023-01-10',
  firstRegisteredRegion: 'FLANDERS',
  firstLongResidence: true,
  temporaryStay: false,
  ministerOfReligion: false,
  seriousIllness: false,
  dutchDiploma: false,
  earlierCertificate: false,
};
const ON = '2023-06-01';

describe('target-group assistant', () => {
  const cases: [string, Partial<TargetGroupFacts>, string, string, string | null, string | null][] = [
    // label, facts over NEWCOMER, judged on, outcome, no-target-group reason, exemption reason
    ['a recent third-country newcomer in the Flemish Region is obliged', {}, ON, 'PLICHT', null, null],
    ['a bis number: not in the National Register', { inNationalRegister: false }, ON, 'NONE', '03', null],
    ['living in Wallonia', { region: 'WALLONIA' }, ON, 'NONE', '05', null],
    ['an asylum seeker', { residenceStatus: 'ASIELZOEKER' }, ON, 'NONE', '01', null],
    ['a stay for a temporary purpose', { temporaryStay: true }, ON, 'NONE', '02', null],
    ['a Belgian born in Belgium', { nationality: 'BEL', nationalityGroup: 'EU_PLUS', bornAbroad: false }, ON, 'NONE', '06', null],
    [
      'a Belgian born abroad of parents born in Belgium',
      { nationality: 'BEL', nationalityGroup: 'EU_PLUS', bornAbroad: true, parentBornAbroad: false },
      ON,
      'NONE',
      '06',
      null,
    ],
    [
      'a Belgian born abroad of a parent born abroad, newly registered',
      { nationality: 'BEL', nationalityGroup: 'EU_PLUS', bornAbroad: true, parentBornAbroad: true, firstLongResidence: undefined },
      ON,
      'PLICHT',
      null,
      null,
    ],
    ['17 years old: the guidance trajectory for minors', { birthDate: '2005-06-02' }, ON, 'MINDERJARIG', null, null],
    ['18 on the very day: an adult', { birthDate: '2005-06-01' }, ON, 'PLICHT', null, null],
    ['living in Brussels: entitled, never obliged', { region: 'BRUSSELS' }, ON, 'RECHT', null, null],
    ['registered more than twelve months ago: entitled', {}, addDays(addMonths('2023-01-10', 12), 1), 'RECHT', null, null],
    ['exactly twelve months after the first registration: still obliged', {}, addMonths('2023-01-10', 12), 'PLICHT', null, null],
    ['no first long residence title: entitled', { firstLongResidence: false }, ON, 'RECHT', null, null],
    ['a minister of religion is obliged, however long registered', { ministerOfReligion: true, firstRegisteredOn: '2010-01-01' }, ON, 'PLICHT', null, null],
    ['an EU national: exempt', { nationality: 'FRA', nationalityGroup: 'EU_PLUS' }, ON, 'RECHT', null, '01'],
    ['65 on the day: exempt', { birthDate: '1958-06-01' }, ON, 'RECHT', null, '02'],
    ['64 on the day: obliged', { birthDate: '1958-06-02' }, ON, 'PLICHT', null, null],
    ['serious illness: exempt', { seriousIllness: true }, ON, 'RECHT', null, '03'],
    ['a Dutch-language diploma: exempt', { dutchDiploma: true }, ON, 'RECHT', null, '04'],
    ['a certificate obtained before: exempt', { earlierCertificate: true }, ON, 'RECHT', null, '05'],
  ];
  for (const [label, over, on, outcome, noReason, exemption] of cases)
    test(label, () => {
      const p = proposeTargetGroup({ ...NEWCOMER, ...over }, on);
      assert.deepEqual([p.outcome, p.noTargetGroupReason, p.exemptionReason], [outcome, noReason, exemption], JSON.stringify(p.reasons));
      assert.ok(p.reasons.length > 0 && p.rule.source.length > 0, 'every proposal says why and on what legal source');
    });

  test('the subtype follows the outcome', () => {
    assert.equal(proposeTargetGroup(NEWCOMER, ON).subtype, 'VOL_PROG');
    assert.equal(proposeTargetGroup({ ...NEWCOMER, region: 'BRUSSELS' }, ON).subtype, 'RECHT');
    assert.equal(proposeTargetGroup({ ...NEWCOMER, inNationalRegister: false }, ON).subtype, null);
  });

  test('the 2016 change: first registered in Brussels, then settled in Flanders — entitled before 29/02/2016, obliged from then on', () => {
    const moved = { ...NEWCOMER, firstRegisteredOn: '2015-06-01', firstRegisteredRegion: 'BRUSSELS' as const };
    const before = proposeTargetGroup(moved, '2016-02-28');
    const after = proposeTargetGroup(moved, '2016-02-29');
    assert.deepEqual([before.rule.id, before.outcome], ['target-group-2004', 'RECHT']);
    assert.deepEqual([after.rule.id, after.outcome], ['target-group-2016', 'PLICHT']);
    assert.equal(proposeTargetGroup(moved, addDays(addMonths('2015-06-01', 60), 1)).outcome, 'RECHT', 'five years later: entitled');
    assert.equal(proposeTargetGroup({ ...NEWCOMER, firstRegisteredOn: '2021-06-01' }, '2022-03-01').rule.id, 'target-group-2022');
  });

  test('what nobody answered is listed as missing, and the proposal stays on the safe side', () => {
    const p = proposeTargetGroup(
      { nationality: 'SYR', nationalityGroup: 'THIRD_COUNTRY', region: 'FLANDERS', inNationalRegister: true, birthDate: '1990-01-01' },
      ON,
    );
    assert.equal(p.outcome, 'RECHT', 'not obliged without a known first registration');
    for (const fact of ['firstRegisteredOn', 'firstLongResidence', 'temporaryStay', 'ministerOfReligion'] as const) assert.ok(p.missing.includes(fact), fact);
  });

  test('age and region', () => {
    assert.equal(ageOn('2000-02-29', '2018-02-28'), 17);
    assert.equal(ageOn('2000-02-29', '2018-03-01'), 18);
    assert.deepEqual(['1000', '1299', '1300', '1500', '3999', '4000', '7999', '8000', '9990', null].map(regionOfPostcode), [
      'BRUSSELS',
      'BRUSSELS',
      'WALLONIA',
      'FLANDERS',
      'FLANDERS',
      'WALLONIA',
      'WALLONIA',
      'FLANDERS',
      'FLANDERS',
      undefined,
    ]);
  });
});
