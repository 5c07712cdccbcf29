/**
 * The code tables of migration 0002: every row complete and unique, every label of the published
 * statistics (seed 004) present exactly as printed, the nationality groups consistent with the
 * published totals, and the real MAGDA codes present while the simulator's deliberately wrong values
 * are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { CODE_LISTS, up } from './2026_11_24_0002_code_lists.ts';

const REFERENCE = new URL('../../shared/reference/', import.meta.url);
const NO_REFERENCE = 'shared/reference (the published tables of seed 004) is not present';

/** The rows of a reference CSV as objects (the files are plain: no field holds a comma or a quote). */
function table(name: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(new URL(name, REFERENCE), 'utf8').split(/\r?\n/).filter(Boolean);
  const columns = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    assert.equal(cells.length, columns.length, `${name}: ${line}`);
    return Object.fromEntries(columns.map((c, i) => [c, cells[i]!]));
  });
}

const list = (name: string) => CODE_LISTS.filter((r) => r.list === name);
const labels = (name: string) => new Set(list(name).map((r) => r.label_nl));
const distinct = (rows: Record<string, string>[], column: string) => [...new Set(rows.map((r) => r[column]!))];

const LISTS = [
  'gender', 'nationality', 'nationality_group', 'residence_status', 'agency', 'region', 'province', 'organisation_kind',
  'target_group_type', 'target_group_subtype', 'target_group_determined', 'no_target_group_reason', 'exemption_reason',
  'registration_type', 'registration_reason', 'registration_postponement_reason', 'signing_postponement_reason',
  'contract_kind', 'contract_part', 'contract_suspension_reason', 'certificate_kind', 'certificate_type',
  'trajectory_type', 'trajectory_status', 'trajectory_decision', 'trajectory_end_reason', 'trajectory_component_type',
  'trajectory_component_status', 'trajectory_component_decision', 'component_suspension_reason', 'course_type',
  'enrolment_status', 'enrolment_exit_reason', 'enrolment_result', 'attendance', 'test_type', 'test_result', 'cefr_level',
  'language', 'language_proficiency', 'literacy_level', 'advice_source', 'advice_type', 'perspective', 'lesson_moment',
  'appointment_reason', 'appointment_status', 'time_window', 'referral_reason', 'referral_status', 'infringement_type',
  'sanctioning_authority', 'infringement_decision', 'waiting_list_status', 'diploma_recognition_support_type',
  'invitation_status', 'dvz_advice_type', 'residence_card_type', 'conversation_channel', 'capacity_code_ocmw', 'purpose',
  'data_cluster',
];

test('every code is unique within its list and every row is complete', () => {
  const keys = CODE_LISTS.map((r) => `${r.list}/${r.code}`);
  const duplicates = keys.filter((k, i) => keys.indexOf(k) !== i);
  assert.deepEqual(duplicates, [], 'no duplicate (list, code)');
  const date = /^\d{4}-\d{2}-\d{2}$/;
  for (const r of CODE_LISTS) {
    const at = `${r.list}/${r.code}`;
    assert.match(r.list, /^[a-z][a-z0-9_]*$/, `${at}: list name is snake_case`);
    assert.match(r.code, /^\S{1,40}$/, `${at}: a code has 1 to 40 characters and no spaces (the API limit)`);
    for (const label of [r.label_nl, r.label_fr, r.label_en]) assert.ok(label.trim() === label && label.length > 0, `${at}: label "${label}"`);
    if (r.short_nl !== null) assert.ok(r.short_nl.length > 0 && r.short_nl.length <= 25, `${at}: a MAGDA KorteNaam has at most 25 characters`);
    assert.ok(Number.isInteger(r.sort_order) && r.sort_order > 0, `${at}: sort_order`);
    assert.ok(r.attributes && typeof r.attributes === 'object' && !Array.isArray(r.attributes), `${at}: attributes is an object`);
    for (const d of [r.valid_from, r.valid_to]) if (d !== null) assert.match(d, date, `${at}: date`);
    if (r.valid_from && r.valid_to) assert.ok(r.valid_from <= r.valid_to, `${at}: valid_from before valid_to`);
  }
  for (const name of new Set(CODE_LISTS.map((r) => r.list))) {
    const orders = list(name).map((r) => r.sort_order);
    assert.equal(new Set(orders).size, orders.length, `${name}: sort_order is unique`);
  }
});

test('the lists are exactly the ones the application names', () => {
  assert.deepEqual([...new Set(CODE_LISTS.map((r) => r.list))].sort(), [...LISTS].sort());
});

test('exactly four certificate kinds and the seventeen data clusters of seed 003 §61', () => {
  assert.deepEqual(list('certificate_kind').map((r) => r.code), ['INTEGRATION', 'EVC', 'EXEMPTION', 'SUSPENSION']);
  assert.deepEqual(list('data_cluster').map((r) => r.code), [
    'caseLead', 'languages', 'contracts', 'certificates', 'registration', 'targetGroup', 'level', 'advice', 'perspective',
    'trajectories', 'trajectoryOffice', 'sanctioningPartner', 'components', 'componentSuspensions', 'courses',
    'diplomaRecognition', 'conversations',
  ]);
  assert.deepEqual(list('data_cluster').map((r) => r.attributes.number), Array.from({ length: 17 }, (_, i) => i + 1));
  for (const type of list('certificate_type')) {
    assert.ok(list('certificate_kind').some((k) => k.code === type.attributes.kind), `${type.code} names its certificate kind`);
  }
});

test('every nationality has a group of list nationality_group', () => {
  const groups = new Set(list('nationality_group').map((r) => r.code));
  assert.deepEqual([...groups], ['EU_PLUS', 'THIRD_COUNTRY', 'UNKNOWN']);
  for (const r of list('nationality')) assert.ok(groups.has(r.attributes.group as string), `${r.label_nl} has a group`);
  const group = (code: string) => list('nationality').find((r) => r.code === code)?.attributes.group;
  assert.equal(group('UNK'), 'UNKNOWN');
  assert.equal(list('nationality').find((r) => r.code === 'UNK')?.label_nl, 'onbepaald');
  for (const code of ['BEL', 'GBR', 'NOR', 'ISL', 'LIE', 'CHE', 'DEU', 'ROU']) assert.equal(group(code), 'EU_PLUS', code);
  for (const code of ['SYR', 'TUR', 'MAR', 'UKR', 'XKX', 'XXA', 'SUN', 'YUG', 'AND']) assert.equal(group(code), 'THIRD_COUNTRY', code);
  assert.equal(list('nationality').filter((r) => r.attributes.group === 'EU_PLUS' && !r.attributes.formerState).length, 27 + 3 + 1 + 1,
    'EU+ = 27 EU member states + Iceland, Liechtenstein, Norway + Switzerland + United Kingdom');
});

test('every label of the published tables has a code with exactly that label', (t) => {
  if (!existsSync(REFERENCE)) return t.skip(NO_REFERENCE);
  for (const [file, column, name] of [
    ['t04_contracts_by_nationality.csv', 'nationality', 'nationality'],
    ['t15_fines_by_nationality.csv', 'nationality', 'nationality'],
    ['t07_contracts_by_residence_status.csv', 'residence_status', 'residence_status'],
    ['t16_fines_by_residence_status.csv', 'residence_status', 'residence_status'],
    ['t10_infringement_files_by_type.csv', 'infringement_type', 'infringement_type'],
    ['t11_infringement_decisions_by_outcome.csv', 'decision', 'infringement_decision'],
    ['t03_contracts_by_nationality_group.csv', 'nationality_group', 'nationality_group'],
  ] as const) {
    const have = labels(name);
    const missing = distinct(table(file), column).filter((label) => !have.has(label));
    assert.deepEqual(missing, [], `${file}: every ${column} is a ${name} label`);
  }
  assert.deepEqual([...labels('residence_status')].sort(), distinct(table('t07_contracts_by_residence_status.csv'), 'residence_status').sort(),
    'residence_status holds the 19 statuses of table 7 and nothing else');
  assert.deepEqual([...labels('infringement_type')].sort(), distinct(table('t10_infringement_files_by_type.csv'), 'infringement_type').sort());
  assert.deepEqual([...labels('infringement_decision')].sort(), distinct(table('t11_infringement_decisions_by_outcome.csv'), 'decision').sort());
  // Regions: label_nl as in table 2, statisticsLabel as in tables 1, 9 and 13.
  assert.deepEqual([...labels('region')].sort(), distinct(table('t02_contracts_by_agency_region.csv'), 'region').filter(Boolean).sort());
  const statisticsLabels = new Set([...list('region'), ...list('agency')].map((r) => r.attributes.statisticsLabel));
  for (const [file, column] of [['t09_infringement_files_by_region.csv', 'agency_or_province'], ['t13_fines_by_region.csv', 'agency_or_province'],
    ['t01_reach_by_agency_province.csv', 'province'], ['t01_reach_by_agency_province.csv', 'agency'], ['t02_contracts_by_agency_region.csv', 'agency']] as const) {
    for (const label of distinct(table(file), column).filter(Boolean)) assert.ok(statisticsLabels.has(label), `${file}: "${label}"`);
  }
  for (const [file, name] of [['t05_contracts_by_gender.csv', 'gender'], ['t06_contracts_by_target_group.csv', 'target_group_type']] as const) {
    const column = name === 'gender' ? 'gender' : 'target_group';
    const have = new Set(list(name).map((r) => r.attributes.statisticsLabel));
    for (const label of distinct(table(file), column)) assert.ok(have.has(label), `${file}: "${label}"`);
  }
});

test('the nationality groups reproduce the published totals per nationality group', (t) => {
  if (!existsSync(REFERENCE)) return t.skip(NO_REFERENCE);
  const groupOf = new Map(list('nationality').map((r) => [r.label_nl, r.attributes.group as string]));
  const groupCode: Record<string, string> = { 'eu+': 'EU_PLUS', derdelander: 'THIRD_COUNTRY', onbepaald: 'UNKNOWN' };
  const compare = (byNationality: string, byGroup: string, tolerance: (year: string) => number) => {
    const sums = new Map<string, number>();
    for (const r of table(byNationality)) {
      const key = `${r.year}/${groupOf.get(r.nationality!)}`;
      sums.set(key, (sums.get(key) ?? 0) + Number(r.count));
    }
    for (const r of table(byGroup)) {
      const key = `${r.year}/${groupCode[r.nationality_group!.toLowerCase()]}`;
      const diff = Math.abs((sums.get(key) ?? 0) - Number(r.count));
      assert.ok(diff <= tolerance(r.year!), `${byGroup} ${key}: published ${r.count}, grouped ${sums.get(key) ?? 0}`);
    }
  };
  // Fines: exact in every year. Contracts: exact in 2022; 2020 and 2021 count 3 and 2 persons more as
  // third-country nationals than any per-nationality grouping gives (see the migration).
  compare('t15_fines_by_nationality.csv', 't14_fines_by_nationality_group.csv', () => 0);
  compare('t04_contracts_by_nationality.csv', 't03_contracts_by_nationality_group.csv', (year) => (year === '2022' ? 0 : 3));
});

test('the infringement types follow the reform of 1 March 2022', () => {
  const type = (code: string) => list('infringement_type').find((r) => r.code === code);
  assert.equal(type('ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD')?.valid_to, '2022-02-28');
  assert.equal(type('NIET_REGELMATIG_DEELGENOMEN')?.valid_from, '2022-03-01');
  assert.equal(type('NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING')?.valid_from, '2022-03-01');
  assert.equal(list('infringement_type').filter((r) => r.valid_from === null && r.valid_to === null).length, 4);
});

test('the real codes of the MAGDA examples are codes; the simulator\'s wrong values are not', () => {
  const real: Record<string, string[]> = {
    gender: ['1', '2'],
    target_group_determined: ['JA', 'NEE'],
    target_group_type: ['PLICHT', 'RECHT', 'MINDERJARIG'],
    target_group_subtype: ['VOL_PROG', 'RECHT', 'MINDERJARIG'],
    no_target_group_reason: ['01'],
    exemption_reason: ['01'],
    registration_type: ['EA', 'HA'],
    registration_reason: ['13', '15'],
    signing_postponement_reason: ['BIJSTAND_ZIEK_FAMILIELID'],
    certificate_type: ['AEVC05', 'ICO13G'],
    trajectory_type: ['TT_IBVP', 'TT_IBRH', 'TT_IBGD', 'TT_NT2'],
    trajectory_status: ['GS', 'OP', 'TS'],
    trajectory_decision: ['JA_IB'],
    trajectory_component_type: ['TO_OB_MO', 'TO_OB_LLO', 'TO_A1'],
    trajectory_component_status: ['TO_STA_02', 'TO_STA_31', 'TO_STA_99'],
    trajectory_component_decision: ['VO', 'NVO'],
    language: ['ALB', 'ENG', 'POR', 'SH'],
    language_proficiency: ['MOEDERTAAL', 'GOED'],
    literacy_level: ['GEALFABETISEERD'],
    cefr_level: ['B1'],
    lesson_moment: ['MAA_OCHTEND', 'MAA_MIDDAG', 'DIN_OCHTEND', 'DIN_MIDDAG', 'WOE_OCHTEND', 'WOE_MIDDAG', 'DON_OCHTEND', 'DON_MIDDAG', 'VRIJ_OCHTEND', 'VRIJ_MIDDAG'],
    enrolment_status: ['INGESCHREVEN'],
    sanctioning_authority: ['HH', 'OCMW', 'VDAB'],
    advice_type: ['AR'],
  };
  for (const [name, values] of Object.entries(real)) {
    for (const code of values) assert.ok(list(name).some((r) => r.code === code), `${name} has ${code}`);
  }
  const wrong: [string, string][] = [['target_group_type', 'VALS_TYPE'], ['trajectory_status', 'VALS'], ['trajectory_type', 'TT_ONGEKEND'], ['certificate_type', 'ZEVER_ATTEST']];
  for (const [name, code] of wrong) assert.ok(!list(name).some((r) => r.code === code), `${name} refuses the simulator's test value ${code}`);
  // The MAGDA names where the examples give them.
  const row = (name: string, code: string) => list(name).find((r) => r.code === code)!;
  assert.equal(row('no_target_group_reason', '01').label_nl, 'Asielzoeker < 4 maanden na asielaanvraag');
  assert.equal(row('registration_reason', '13').label_nl, 'Eigen werving onthaalbureau');
  assert.equal(row('registration_reason', '13').short_nl, 'Eigen werving onthaalbure');
  assert.equal(row('registration_reason', '15').label_nl, 'Derden');
  assert.equal(row('signing_postponement_reason', 'BIJSTAND_ZIEK_FAMILIELID').short_nl, 'Bijstand ziek familielid');
  assert.equal(list('lesson_moment').length, 21);
});

test('up() stores every row, attributes as JSON objects and dates as dates', async (t) => {
  const { openDatabase } = await import('../server/platform/db.ts');
  const database = await openDatabase({ url: null });
  t.after(() => database.close());
  // The table as migration 0001 creates it.
  await database.exec(`
    CREATE TABLE code_list (
      list text NOT NULL, code text NOT NULL, label_nl text NOT NULL, label_fr text NOT NULL, label_en text NOT NULL,
      short_nl text, sort_order integer NOT NULL, attributes jsonb NOT NULL DEFAULT '{}', valid_from date, valid_to date,
      PRIMARY KEY (list, code)
    );`);
  await up(database.db);
  const rows = await database.db.selectFrom('code_list').selectAll().execute();
  assert.equal(rows.length, CODE_LISTS.length);
  const afg = rows.find((r) => r.list === 'nationality' && r.code === 'AFG')!;
  assert.deepEqual(afg.attributes, { group: 'THIRD_COUNTRY', iso2: 'AF' });
  const reformed = rows.find((r) => r.list === 'infringement_type' && r.code === 'NIET_REGELMATIG_DEELGENOMEN')!;
  assert.equal(String(reformed.valid_from).slice(0, 10), '2022-03-01');
  const [typed] = await database.prepared('code_list_jsonb_type', `SELECT jsonb_typeof(attributes) AS kind FROM code_list WHERE list = 'nationality' AND code = 'BEL'`, []);
  assert.equal(typed?.kind, 'object');
});
