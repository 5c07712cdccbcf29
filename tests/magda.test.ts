/**
 * The real KBI's vocabulary fits our model: every coded value in the example answers of MAGDA
 * GeefDossierKBI-01.00 (tests/fixtures/magda, from Digitaal Vlaanderen's public test simulator) is
 * a code of the list we store that element in, and the deliberately false values are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { TEST_DATABASES } from './support/databases.ts';
import { MAGDA_CODE_LISTS as MAPPING, MAGDA_FALSE_VALUES as FALSE_VALUES, MAGDA_UNMAPPED as UNMAPPED } from '../server/modules/magda/codes.ts';

function* values(node: unknown, path: string): Generator<[string, string]> {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const n of node) yield* values(n, path);
    return;
  }
  if (typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if ('#text' in obj) yield [path, String(obj['#text']).trim()];
    for (const [k, v] of Object.entries(obj)) if (!k.startsWith('@_') && k !== '#text') yield* values(v, path ? `${path}/${k}` : k);
    return;
  }
  yield [path, String(node).trim()];
}

test('every coded value of the MAGDA example dossiers is a code of the list that holds it', async (t) => {
  const database = await TEST_DATABASES[0]!.open();
  t.after(() => database.close());
  const codes = await database.db.selectFrom('code_list').select(['list', 'code']).execute();
  const has = (list: string, code: string) => codes.some((c) => c.list === list && c.code === code);
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false });
  const dir = new URL('./fixtures/magda/', import.meta.url);
  let checked = 0,
    refused = 0,
    dossiers = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
    const doc = parser.parse(readFileSync(new URL(file, dir), 'utf8'));
    const dossier = doc?.GeefDossierKBIResponse?.Repliek?.Antwoorden?.Antwoord?.Inhoud?.KBIDossier;
    if (!dossier) continue;
    dossiers++;
    for (const [path, value] of values(dossier, '')) {
      const list = MAPPING[path];
      if (!list || UNMAPPED.has(path) || value === '') continue;
      if (FALSE_VALUES.has(value)) {
        assert.equal(has(list, value), false, `${file}: ${path} = ${value} is a false value and must be refused`);
        refused++;
        continue;
      }
      assert.ok(has(list, value), `${file}: ${path} = "${value}" is in code list ${list}`);
      checked++;
    }
  }
  assert.ok(dossiers >= 20, `read ${dossiers} example dossiers`);
  assert.ok(checked > 300, `checked ${checked} coded values`);
  assert.equal(refused, 4);
});
