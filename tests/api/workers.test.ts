/**
 * `kbi serve` with KBI_WORKERS: one supervisor, that many serving processes on one port; a worker
 * that dies is replaced; SIGTERM stops them all. Several processes need PostgreSQL (PGlite is one
 * session in one process), which the configuration says at start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { TEST_DATABASES } from '../support/databases.ts';
import { startServerProcess } from '../support/processes.ts';
import { ConfigError, loadConfig } from '../../server/platform/config.ts';

test('KBI_WORKERS: more than one needs PostgreSQL; auto is one per core', () => {
  assert.throws(
    () => loadConfig({ KBI_WORKERS: '2' }),
    (e: unknown) => e instanceof ConfigError && /KBI_WORKERS=2 needs KBI_DATABASE_URL/.test(e.message),
  );
  assert.throws(() => loadConfig({ KBI_WORKERS: 'many', KBI_DATABASE_URL: 'postgres://h/db' }), /KBI_WORKERS/);
  assert.equal(loadConfig({ KBI_WORKERS: 'auto', KBI_DATABASE_URL: 'postgres://h/db' }).workers, availableParallelism());
  assert.equal(loadConfig({}).workers, 1);
});

/** The serving processes of a supervisor: its children that run `bin/kbi.js serve` (the worker runs `kbi worker`; the DISCIMUS simulator is another child). */
const workersOf = (pid: number): number[] => childrenOf(pid, 'serve');

/** The children of `pid` that run `bin/kbi.js <command>`. */
function childrenOf(pid: number, command: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`bin/kbi.js\0${command}`)) found.push(Number(entry));
    } catch {
      /* ended meanwhile */
    }
  }
  return found.sort();
}

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');

test(
  'kbi serve with KBI_WORKERS=2: two processes serve one port, a dead one is replaced, SIGTERM stops all',
  {
    skip: postgres ? false : 'needs PostgreSQL (set KBI_TEST_DATABASE_URL; CI does)',
  },
  async (t) => {
    const database = await postgres!.open();
    t.after(() => database.close());
    const server = await startServerProcess(
      { KBI_DATABASE_URL: database.url!, KBI_WORKERS: '2', KBI_DEMO_PERSONS: '3' },
      { ready: /Processes\s+2 serving processes/ },
    );
    t.after(() => server.stop());
    const { base } = server;
    const out = server.output();
    assert.match(out, /Demo data ready: 3 persons/, 'the supervisor seeds once, before the workers start');
    const first = workersOf(server.child.pid!);
    assert.equal(first.length, 2, 'two serving processes');
    assert.match(out, /and 1 worker process \(kbi worker\)/);
    // One background worker for all serving processes (the jobs run once, not once per process); a dead one is replaced.
    const jobs = childrenOf(server.child.pid!, 'worker');
    assert.equal(jobs.length, 1, 'one worker process');
    process.kill(jobs[0]!, 'SIGKILL');
    let replaced: number[] = [];
    for (let i = 0; i < 100 && (replaced.length !== 1 || replaced[0] === jobs[0]); i++) {
      await new Promise((r) => setTimeout(r, 200));
      replaced = childrenOf(server.child.pid!, 'worker');
    }
    assert.equal(replaced.length, 1, 'the dead worker process is replaced');
    assert.notEqual(replaced[0], jobs[0]);
    for (let i = 0; i < 6; i++) assert.equal((await fetch(`${base}/api/health`, { headers: { connection: 'close' } })).status, 200);

    process.kill(first[0]!, 'SIGKILL');
    let now = first;
    for (let i = 0; i < 100 && (now.length !== 2 || now.includes(first[0]!)); i++) {
      await new Promise((r) => setTimeout(r, 200));
      now = workersOf(server.child.pid!);
    }
    assert.equal(now.length, 2, 'the dead worker is replaced');
    assert.ok(!now.includes(first[0]!) && now.includes(first[1]!));
    let healthy = false;
    for (let i = 0; i < 100 && !healthy; i++) {
      healthy = await fetch(`${base}/api/health`, { headers: { connection: 'close' } }).then(
        (r) => r.ok,
        () => false,
      );
      if (!healthy) await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(healthy);

    assert.equal((await server.stop('SIGTERM')).code, 0);
    assert.ok(
      [...now, ...replaced].every((pid) => !existsSync(`/proc/${pid}`)),
      'no serving or worker process outlives the supervisor',
    );
    assert.equal(
      await fetch(`${base}/api/health`).then(
        () => 'up',
        () => 'gone',
      ),
      'gone',
    );
  },
);
