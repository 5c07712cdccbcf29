/**
 * The relay in real worker processes (`kbi worker`) on PostgreSQL, pushing to real receiver
 * processes: a worker killed with SIGKILL in the middle of deliveries loses nothing (a new worker
 * takes the endpoint when the dead one's lease runs out, and what went unrecorded goes again with
 * the same event id); two workers at once lose nothing and keep each partner's order, and the
 * duplicates are counted and reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { personWithCaseLead, subscribedOcmw, summarise, waitFor, type Receiver } from '../support/notifications.ts';
import { startWorkerProcess, type KbiProcess } from '../support/processes.ts';
import { inTransaction } from '../../server/platform/db.ts';

/** The URL of the test's own PostgreSQL database (startTestApp opened it). */
const dbUrl = (app: TestApp): string => (app.database as unknown as { url: string }).url;

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');
const skip = postgres ? false : 'needs PostgreSQL (set KBI_TEST_DATABASE_URL; CI does)';
/** A worker's settings for deliveries of at most `n` events (KBI_NOTIFY_BATCH). */
const batchOf = (n: number) => ({ KBI_NOTIFY_BATCH: String(n) });

/** `n` dossier changes, each its own transaction (one event per subscribed partner each). */
async function changes(app: TestApp, personId: string, n: number) {
  for (let i = 0; i < n; i++)
    await inTransaction(app.database.db, 'test:change', (tx) => sql`UPDATE dossiers SET opened_on = opened_on WHERE person_id = ${personId}::uuid`.execute(tx));
}

const eventSeqs = async (app: TestApp, organisationId: string) =>
  (
    await app.database.db
      .selectFrom('outbox_events')
      .select('seq')
      .where('organisation_id', '=', organisationId)
      .where('type', '=', 'dossier.invalidated')
      .orderBy('seq')
      .execute()
  ).map((r) => Number(r.seq));

/** Each event arrived with one id only, whatever the number of its deliveries. */
function sameIdPerSeq(receiver: Receiver) {
  const ids = new Map<number, Set<string>>();
  for (const r of receiver.received()) ids.set(r.seq, (ids.get(r.seq) ?? new Set()).add(r.eventId));
  for (const [seq, set] of ids) assert.equal(set.size, 1, `event ${seq} arrived under one id`);
}

test('a worker killed with SIGKILL mid-delivery loses nothing; duplicates carry the same event id', { skip }, async (t) => {
  const app = await startTestApp(t, postgres!);
  const { person } = await personWithCaseLead(app);
  // Deliveries of ten events at most, each answered after 40 ms: the kill lands while some are under way.
  const { organisationId, receiver } = await subscribedOcmw(app, person.insz, 'OCMW Gent', 40);
  const workers: KbiProcess[] = [];
  try {
    await changes(app, person.id, 300);
    const expected = await eventSeqs(app, organisationId);
    const since = expected.length - 300;
    workers.push(startWorkerProcess(dbUrl(app), batchOf(10)));
    await waitFor('deliveries under way', () => receiver.received().length >= 60, 30_000);
    await workers[0]!.stop();
    const atKill = receiver.received().length;
    assert.ok(atKill < 300, `killed in the middle (${atKill} delivered)`);
    workers.push(startWorkerProcess(dbUrl(app), batchOf(10)));
    await waitFor('every event', () => summarise(receiver.received()).distinct >= 300, 45_000);
    const s = summarise(receiver.received());
    assert.equal(s.distinct, 300);
    assert.deepEqual(s.seqs, expected.slice(since), 'every event, first arrivals in sequence order');
    sameIdPerSeq(receiver);
    t.diagnostic(`killed after ${atKill} events delivered; ${s.duplicates} duplicates after the restart, each with its event's id; ${s.deliveries} deliveries`);
  } finally {
    for (const w of workers) await w.stop();
    await receiver.stop();
  }
});

test('two workers at once: nothing lost, each partner in order; duplicates counted and reported', { skip }, async (t) => {
  const app = await startTestApp(t, postgres!);
  const { person } = await personWithCaseLead(app);
  // Small deliveries, each answered after 20 ms: each partner takes a few leases' turns, which either worker may take.
  const a = await subscribedOcmw(app, person.insz, 'OCMW Gent', 20);
  const b = await subscribedOcmw(app, person.insz, 'OCMW Aalst', 20);
  const workers = [startWorkerProcess(dbUrl(app), batchOf(5)), startWorkerProcess(dbUrl(app), batchOf(5))];
  try {
    // Both running before the first change: each commit wakes both, and they race for the two webhooks.
    await Promise.all(workers.map((w) => w.started));
    await changes(app, person.id, 250);
    for (const { organisationId, receiver } of [a, b]) {
      const expected = (await eventSeqs(app, organisationId)).slice(-250);
      await waitFor('every event', () => summarise(receiver.received()).distinct >= 250, 45_000);
      const s = summarise(receiver.received());
      assert.deepEqual(s.seqs, expected, 'every event, first arrivals in sequence order');
      sameIdPerSeq(receiver);
      t.diagnostic(`partner ${organisationId.slice(0, 8)}: ${s.distinct} events in ${s.deliveries} deliveries, ${s.duplicates} duplicates`);
    }
    const byWorker = await app.database.db
      .selectFrom('notification_attempts')
      .select(['worker', sql<number>`count(*)::int`.as('n')])
      .groupBy('worker')
      .execute();
    t.diagnostic(`attempts per worker: ${byWorker.map((r) => r.n).join(', ')}`);
  } finally {
    for (const w of workers) await w.stop();
    await a.receiver.stop();
    await b.receiver.stop();
  }
});
