/**
 * The database types (server/platform/db.generated.ts) are what the migrations give: generated
 * from a freshly migrated PostgreSQL database, they must equal the committed file. A migration
 * without `npm run db:types` fails here (and the queries it affects fail the typecheck).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED, generateDbTypes } from '../scripts/db-types.ts';

const serverUrl = process.env.KBI_TEST_DATABASE_URL?.trim();

test(
  'the committed database types are generated from the migrated schema',
  { skip: serverUrl ? false : 'needs PostgreSQL: set KBI_TEST_DATABASE_URL (CI does)' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kbi-types-'));
    try {
      const out = join(dir, 'db.generated.ts');
      const { ok, output } = await generateDbTypes(serverUrl!, { outFile: out });
      assert.ok(ok, output);
      assert.equal(
        readFileSync(out, 'utf8'),
        readFileSync(GENERATED, 'utf8'),
        'server/platform/db.generated.ts is stale: run `npm run db:types` after a migration',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
