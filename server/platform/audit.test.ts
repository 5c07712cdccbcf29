/**
 * One way to write an audit record: only platform/audit.ts names the audit table's columns in an
 * insert; the statements that audit in their own SQL (dossier read, consult, DVZ list) take its
 * definition. A new inline `INSERT INTO audit_log` anywhere in the server fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUDIT_COLUMNS, auditInsertText } from './audit.ts';
import { dossierStatement } from '../modules/dossier/dossier.service.ts';
import { DOSSIER_RESOURCES } from '../modules/dossier/clusters.ts';

const SERVER = fileURLToPath(new URL('..', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : name.endsWith('.ts') && !name.endsWith('.test.ts') ? [p] : [];
  });

test('only platform/audit.ts writes audit rows; every other writer goes through its definition', () => {
  const writers = files(SERVER)
    .filter((f) => /INSERT\s+INTO\s+audit_log|insertInto\(\s*'audit_log'\s*\)/i.test(readFileSync(f, 'utf8')))
    .map((f) => relative(SERVER, f));
  assert.deepEqual(writers, ['platform/audit.ts']);
  const users = files(SERVER)
    .filter((f) => /\bauditInsert(Text)?\(/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(SERVER, f))
    .sort();
  assert.deepEqual(users, [
    'modules/dossier/dossier.service.ts',
    'modules/exchange/consult.service.ts',
    'modules/lookups/lookups.service.ts',
    'platform/audit.ts',
  ]);
});

test('the statements that audit in SQL insert every column of the definition, in its order', () => {
  const columns = `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')})`;
  for (const asOf of [false, true])
    for (const territory of ['all', 'offices', 'organisation'] as const) {
      assert.ok(dossierStatement(DOSSIER_RESOURCES, asOf, territory).text.includes(columns), `dossier statement ${asOf} ${territory}`);
    }
  const rendered = auditInsertText(Object.fromEntries(AUDIT_COLUMNS.map((c) => [c, `:${c}`])) as never, 'FROM x');
  assert.equal(rendered.replace(/\s+/g, ' '), `${columns} SELECT ${AUDIT_COLUMNS.map((c) => `:${c}`).join(', ')} FROM x`);
});
