/** INSZ and KBO numbers against the published test vectors (research/domain-rules.md §1.6, §2). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatInsz, makeInsz, maskInsz, parseInsz, redactInsz } from './insz.ts';
import { formatKbo, makeKbo, parseEnterpriseNumber, parseEstablishmentNumber, parseKbo } from './kbo.ts';

const today = new Date('2026-11-24T00:00:00Z');

const VALID_INSZ = [
  '85073003328',
  '17073003384',
  '75060898009',
  '00000100166',
  '00000100195',
  '00000000128',
  '00010000135',
  '93051822361',
  '98472899765',
  '01490700185',
  '75460898095',
  '75260898052',
  '00400100155',
  '00400100184',
  '00200100112',
  '00200100141',
  '85473500193',
  '85273500150',
  '23292805780',
  '81050003552',
  '81000003517',
  '10000100182',
  '00003241778',
  '81120103571',
  '81050103522',
  '19082416188',
  '92200006963',
  '10200100128',
  '24203200171',
  '92321506985',
  '92400006909',
  '10400100171',
  '92521506931',
  '70252501507',
  '92471506993',
  '19282416134',
  '80240199943',
  '53480200724',
  '88022999990',
  '88022999297',
  '20070199922',
  '20070199951',
  '80000099902',
  '00000199938',
  '99000099913',
  '40000100133',
  '40000095579',
  '88222999936',
  '08222999934',
  '88422999979',
  '08422999977',
  '99200199926',
  '01200199934',
  '99400199969',
  '01451599980',
  '01400199977',
  '00290199976',
];
const INVALID_INSZ: [string, string][] = [
  ['12345678901', 'checksum'],
  ['85133000105', 'month 13'],
  ['85533000191', 'bis month 53'],
  ['85333000148', 'bis month 33'],
  ['81130103578', 'month 13'],
  ['81043103522', '31 April'],
  ['81023003522', '30 February'],
  ['81022903534', '29 Feb 1981'],
  ['81050103521', 'checksum'],
  ['12345678900', 'checksum'],
  ['88022999991', 'checksum'],
  ['87022999991', '1987 not leap'],
  ['20070199952', 'checksum'],
  ['80000099903', 'checksum'],
  ['00000199939', 'checksum'],
  ['99000099942', '2099 is in the future'],
  ['96331699989', 'bis month 33'],
  ['96531699935', 'bis month 53'],
  ['92612099915', 'test month 61 without test mode'],
  ['08222999935', 'checksum'],
  ['08451799971', 'checksum'],
  ['01200199935', 'checksum'],
  ['01400199981', 'checksum'],
  ['8507300332', 'too short'],
  ['850730033289', 'too long'],
  ['8507300332a', 'letter'],
  ['', 'empty'],
];

describe('INSZ', () => {
  for (const v of VALID_INSZ) test(`${v} is valid`, () => assert.ok(parseInsz(v, { today }).ok, JSON.stringify(parseInsz(v, { today }))));
  for (const [v, why] of INVALID_INSZ) test(`${v || '(empty)'} is invalid: ${why}`, () => assert.equal(parseInsz(v, { today }).ok, false));

  test('reads kind, birth date and gender', () => {
    const r = parseInsz('85.07.30-033.28', { today });
    assert.ok(r.ok);
    assert.deepEqual(r.insz, { value: '85073003328', kind: 'nationalRegister', birthDate: '1985-07-30', birthYear: 1985, gender: 'M', testNumber: false });
    const y2k = parseInsz('17073003384', { today });
    assert.ok(y2k.ok && y2k.insz.birthDate === '2017-07-30');
    const bis20 = parseInsz('75260898052', { today });
    assert.ok(bis20.ok && bis20.insz.kind === 'bis' && bis20.insz.gender === null && bis20.insz.birthDate === '1975-06-08');
    const unknown = parseInsz('00000100166', { today });
    assert.ok(unknown.ok && unknown.insz.birthDate === null);
  });

  test('strict mode refuses counters 000 and 999 of a register number (belgif), the default accepts them (stdnum-js)', () => {
    for (const v of ['47060200096', '99020299964']) {
      assert.equal(parseInsz(v, { today, strict: true }).ok, false, v);
      assert.equal(parseInsz(v, { today }).ok, true, v);
    }
    assert.ok(parseInsz('80240199943', { today, strict: true }).ok, 'a bis number may use 999');
  });

  test('MAGDA test numbers only in test mode', () => {
    assert.equal(parseInsz('14620915640', { today }).ok, false);
    const r = parseInsz('14620915640', { today, allowTestNumbers: true });
    assert.ok(r.ok && r.insz.testNumber);
  });

  test('made numbers round-trip for 500 people across 1920–2025, both bis variants and unknown dates', () => {
    for (let i = 0; i < 500; i++) {
      const year = 1920 + (i % 106);
      const month = 1 + (i % 12);
      const day = 1 + (i % 28);
      const birthDate = i % 50 === 0 ? null : `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const kind = i % 3 === 0 ? ('bis' as const) : ('nationalRegister' as const);
      const genderKnown = i % 6 !== 0;
      const serial = 1 + (i % 997);
      const v = makeInsz({ birthDate, serial, kind, genderKnown });
      const r = parseInsz(v, { today });
      assert.ok(r.ok, `${v} from ${birthDate}`);
      assert.equal(r.insz.kind, kind);
      if (birthDate) assert.equal(r.insz.birthDate, birthDate);
      if (kind === 'bis' && !genderKnown) assert.equal(r.insz.gender, null);
      else assert.equal(r.insz.gender, serial % 2 ? 'M' : 'F');
    }
  });

  test('masking keeps only the check digits', () => {
    assert.equal(maskInsz('85073003328'), '**.**.**-***.28');
    assert.equal(formatInsz('85073003328'), '85.07.30-033.28');
    const text = redactInsz('person 85073003328 and 93.05.18-223.61 but not 123 or 123456789012');
    assert.ok(!text.includes('850730033') && !text.includes('93.05.18-223'));
    assert.ok(text.includes('123456789012'), 'a 12-digit run is not an INSZ');
  });
});

describe('KBO numbers', () => {
  const enterprises = [
    '0403019261',
    '0428759497',
    '0202239951',
    '0220764971',
    '0248015142',
    '0402918402',
    '0407139583',
    '0408299922',
    '0441928931',
    '0450118996',
    '0462423150',
    '0474621394',
    '0884303369',
    '0566988259',
    '0206731645',
    '0353456320',
    '0543307391',
    '0862910119',
  ];
  const establishments = ['2297964444', '2147812701', '2147812897'];
  for (const v of enterprises)
    test(`${v} is an enterprise number`, () => assert.deepEqual(parseEnterpriseNumber(v), { ok: true, value: v, kind: 'enterprise' }));
  for (const v of establishments)
    test(`${v} is an establishment unit number`, () => assert.deepEqual(parseEstablishmentNumber(v), { ok: true, value: v, kind: 'establishment' }));
  for (const v of ['0431150351', '0884303370', '2111111111', '0000000000', '20000000032', '54321', 'test', '2297964445', '9123456789']) {
    test(`${v} is invalid`, () => assert.equal(parseKbo(v).ok, false));
  }
  test('an enterprise number is no establishment unit and vice versa', () => {
    assert.equal(parseEstablishmentNumber('0884303369').ok, false);
    assert.equal(parseEnterpriseNumber('2147812701').ok, false);
    assert.equal(parseEnterpriseNumber('2000021323').ok, false, 'first digit not 0/1');
  });
  test('normalises BE prefix, dots and old 9-digit numbers', () => {
    assert.deepEqual(parseKbo('BE 0403.019.261'), { ok: true, value: '0403019261', kind: 'enterprise' });
    assert.deepEqual(parseKbo('403019261'), { ok: true, value: '0403019261', kind: 'enterprise' });
    assert.equal(formatKbo('0403019261'), '0403.019.261');
    assert.equal(formatKbo('2147812701'), '2.147.812.701');
  });
  test('made numbers are valid', () => {
    for (let i = 0; i < 200; i++) {
      assert.ok(parseEnterpriseNumber(makeKbo(4_000_000 + i * 37, 'enterprise')).ok);
      assert.ok(parseEstablishmentNumber(makeKbo(20_000_000 + i * 12_345, 'establishment')).ok);
    }
    assert.throws(() => makeKbo(20_000_000, 'enterprise'));
  });
});
