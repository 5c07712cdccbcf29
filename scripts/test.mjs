#!/usr/bin/env node
// Runs the whole suite with node's test runner. Node 20 does not discover .ts files itself,
// so we list them here: every *.test.ts under server/, migrations/ and tests/.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

function find(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
const files = only.length ? only : ['server', 'migrations', 'tests'].flatMap((d) => find(d)).sort();
// The browser tests serve the built web app: build it once here, before files run side by side and
// two of them would start the same build at once.
if (files.some((f) => f.includes('browser'))) {
  const build = spawnSync(process.execPath, [new URL('./build-web.mjs', import.meta.url).pathname], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// Test files run side by side, one per core by default (KBI_TEST_CONCURRENCY overrides): each file is a
// process of its own with its own databases, browser and ports.
const concurrency = process.env.KBI_TEST_CONCURRENCY ?? String(Math.max(1, availableParallelism()));
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${new URL('./timings-reporter.mjs', import.meta.url).pathname}`,
    '--test-reporter-destination=stdout',
    ...files,
  ],
  {
    stdio: 'inherit',
    // KBI_WEB_BUILT: the build above is the one every browser test file serves (none starts its own).
    env: { ...process.env, NODE_ENV: 'test', ...(files.some((f) => f.includes('browser')) ? { KBI_WEB_BUILT: '1' } : {}) },
  },
);
process.exit(result.status ?? 1);
