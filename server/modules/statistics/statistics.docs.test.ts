import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { statisticsDocumentationFiles } from './statistics.docs.ts';

test('docs/statistics/ is generated from the base set definitions (run npm run docs:statistics)', () => {
  const dir = new URL('../../../docs/statistics/', import.meta.url);
  const files = statisticsDocumentationFiles();
  assert.deepEqual(readdirSync(dir).sort(), Object.keys(files).sort(), 'one page per base set and the index, nothing else');
  for (const [name, text] of Object.entries(files)) assert.equal(readFileSync(new URL(name, dir), 'utf8'), text, `${name} is out of date`);
});

test('every page documents population, counting unit, period rule, breaks and the query', () => {
  const files = statisticsDocumentationFiles();
  const page = files['infringementCases.md']!;
  for (const part of ['**Populatie**', '**Teleenheid**', '**Referentieperiode**', '## Breuken in de reeks', '01/03/2022', '```sql'])
    assert.ok(page.includes(part), part);
  assert.ok(files['discimus.md']!.includes('01/01/2017'), 'the DISCIMUS counting change of 2017 is a documented break');
});
