/** What ANONYMISE removes is decided field by field: a new text field of the dossier must be classified before it can be kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOSSIER_RESOURCES } from '../dossier/clusters.ts';
import { ANONYMISED_COLUMNS, CLUSTER_TABLES, KEPT_TEXT, PERSON_REMOVED, PERSON_TABLES } from './retention.tables.ts';

test('every text field of the dossier is either removed by ANONYMISE or kept as a code that says nothing about the person', () => {
  const unclassified: string[] = [];
  for (const def of DOSSIER_RESOURCES)
    for (const f of def.fields) {
      if (f.type !== 'text' || f.enum) continue;
      if (ANONYMISED_COLUMNS[def.table]?.[f.column] || KEPT_TEXT[def.table]?.includes(f.column)) continue;
      unclassified.push(`${def.table}.${f.column}`);
    }
  assert.deepEqual(unclassified, [], 'classify these in retention.tables.ts (ANONYMISED_COLUMNS or KEPT_TEXT)');
  const tables = new Set(PERSON_TABLES.map((t) => t.table));
  for (const table of [...Object.keys(ANONYMISED_COLUMNS), ...Object.keys(KEPT_TEXT)]) assert.ok(tables.has(table), `${table} is a table of the dossier`);
});

test('anonymised personalia lose name, INSZ, birth date and address; every cluster has its tables', () => {
  assert.deepEqual([...PERSON_REMOVED].sort(), [
    'birth_date',
    'box',
    'family_name',
    'given_names',
    'house_number',
    'insz',
    'municipality',
    'postcode',
    'street',
  ]);
  assert.deepEqual(CLUSTER_TABLES.get('conversations'), ['conversations']);
  assert.ok(CLUSTER_TABLES.get('infringements')!.includes('infringement_proposals'), "the rules' work items go with their cluster");
  assert.ok(CLUSTER_TABLES.get('certificates')!.includes('certificate_proposals'));
});
