import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderPermissions } from './access.docs.ts';

test('docs/permissions.md is the rendering of the current rule book (run npm run docs:permissions)', () => {
  const committed = readFileSync(new URL('../../../docs/permissions.md', import.meta.url), 'utf8');
  assert.equal(committed, renderPermissions());
});
