/** The code tables hold every label the published statistics use, exactly as printed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CODE_LISTS } from './2026_11_24_0002_code_lists.ts';

const reference = (name: string) => readFileSync(new URL(`../server/modules/demo/reference/${name}`, import.meta.url), 'utf8')
  .split('\n').slice(1).filter(Boolean).map((line) => line.split(','));

test('no duplicate codes, and every nationality has its group', () => {
  const keys = CODE_LISTS.map((r) => `${r.list}/${r.code}`);
  assert.equal(new Set(keys).size, keys.length);
  for (const r of CODE_LISTS.filter((c) => c.list === 'nationality')) {
    assert.ok(['EU_PLUS', 'THIRD_COUNTRY', 'UNKNOWN'].includes(r.attributes.group as string), r.label_nl);
  }
  assert.equal(CODE_LISTS.filter((c) => c.list === 'certificate_kind').length, 4);
  assert.equal(CODE_LISTS.filter((c) => c.list === 'data_cluster').length, 17);
  assert.equal(CODE_LISTS.filter((c) => c.list === 'residence_status').length, 19);
});

test('every label of the published tables has a code with exactly that label', () => {
  const has = (list: string, label: string) => CODE_LISTS.some((c) => c.list === list && c.label_nl === label);
  for (const [file, column, list] of [
    ['t04_contracts_by_nationality.csv', 1, 'nationality'], ['t15_fines_by_nationality.csv', 1, 'nationality'],
    ['t07_contracts_by_residence_status.csv', 1, 'residence_status'], ['t16_fines_by_residence_status.csv', 1, 'residence_status'],
    ['t10_infringement_files_by_type.csv', 1, 'infringement_type'], ['t11_infringement_decisions_by_outcome.csv', 1, 'infringement_decision'],
  ] as const) {
    for (const row of reference(file)) assert.ok(has(list, row[column]!), `${list} "${row[column]}" of ${file}`);
  }
});

test('the infringement types follow the reform of 1 March 2022', () => {
  const type = (code: string) => CODE_LISTS.find((c) => c.list === 'infringement_type' && c.code === code)!;
  assert.equal(type('ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD').valid_to, '2022-02-28');
  assert.equal(type('NIET_REGELMATIG_DEELGENOMEN').valid_from, '2022-03-01');
});
