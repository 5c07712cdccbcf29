/**
 * Several processes against one PostgreSQL (issue 17): two `kbi serve` processes and two `kbi worker`
 * processes under the soak's mixed load for twenty seconds — partner consults, caseworker creates
 * and If-Match edits (with races between the two API processes), enrolment imports, statistics
 * runs — then the soak's reconciliation (tests/support/soak.ts, the engine `npm run soak` runs for
 * ten minutes): no acknowledged write lost or doubled, no change notice lost, the relay caught up
 * with nothing dead, every consult and write audited and the chain intact, clean logs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSoak } from '../support/soak.ts';

const server = process.env.KBI_TEST_DATABASE_URL?.trim();

test(
  'two API processes and two workers under mixed load: no lost or doubled write, no lost notice, audit intact',
  { skip: server ? false : 'needs PostgreSQL (set KBI_TEST_DATABASE_URL; CI does)', timeout: 300_000 },
  async (t) => {
    const r = await runSoak({
      serverUrl: server!,
      seconds: 20,
      apiProcesses: 2,
      workers: 2,
      rate: 15,
      concurrency: 8,
      persons: 600,
      integrated: 200,
      progress: (line) => t.diagnostic(line),
    });
    const rc = r.reconciliation;
    t.diagnostic(
      `${r.load.started} operations (${r.load.perApiProcess.join(' + ')} per API process); ${rc.writes.acknowledged} versions, ${rc.imports.versions} enrolment versions, ${rc.writes.conflicts} × 412; ${rc.notifications.received} notices by ${rc.notifications.deliveries} POSTs (${rc.notifications.duplicates} duplicates); ${rc.audit.rows} audit records`,
    );
    assert.deepEqual(r.problems, [], 'a clean reconciliation and no unexplained error');
    // The load really went through both API processes and wrote every kind of thing the reconciliation checks.
    assert.equal(r.load.perApiProcess.length, 2);
    for (const n of r.load.perApiProcess) assert.ok(n >= r.load.started / 3, `each API process served its share (${r.load.perApiProcess.join(', ')})`);
    assert.ok(rc.writes.acknowledged >= 60, `record versions acknowledged and found (${rc.writes.acknowledged})`);
    assert.ok(rc.writes.conflicts >= 1, 'If-Match races between the processes, each with one loser');
    assert.ok(rc.creates.retried >= 1 && rc.imports.batches >= 3 && rc.imports.replays >= 1, 'retried creates, import batches and replayed batches');
    assert.ok(rc.notifications.received >= 50, `change notices received (${rc.notifications.received})`);
    assert.ok(rc.audit.consultsChecked >= 50 && rc.reports.runs >= 1, 'consults audited, statistics computed');
    assert.equal(r.processes.length, 4);
  },
);
