#!/usr/bin/env node
// Builds the web app (web/ → web/dist) when it is missing or older than its sources; `--force`
// builds anyway. `npm start` runs it first, so a fresh clone serves the app without a manual step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('../web/', import.meta.url));
const built = join(web, 'dist', 'index.html');

function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n))));
}

const force = process.argv.includes('--force');
const sources = ['src', 'index.html', 'vite.config.ts'].map((p) => join(web, p));
const stale =
  force ||
  !existsSync(built) ||
  Math.max(...sources.map(newest), newest(fileURLToPath(new URL('../package-lock.json', import.meta.url)))) > statSync(built).mtimeMs;
if (!stale) process.exit(0);
process.stdout.write('Building the web app (web/ → web/dist)…\n');
const vite = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));
const result = spawnSync(process.execPath, [vite, 'build', '--config', join(web, 'vite.config.ts'), '--logLevel', 'warn'], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
}); // the test runner sets NODE_ENV=test: the build is always the production one
process.exit(result.status ?? 1);
