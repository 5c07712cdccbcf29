/**
 * Change notifications at load (issue 16) on PostgreSQL: dossier changes committed at a steady
 * 200 per second for 60 seconds, each routed by the database to one partner and pushed by a
 * `kbi worker` process to that partner's receiver process (tests/support/webhook-receiver.ts,
 * which checks every signature); then the largest delivery rate the relay sustains on a backlog.
 *
 * Every figure counts events, not POSTs (a delivery carries several). Latency runs, per event, from
 * its write (the start of the one-statement transaction of the change: its commit follows, so the
 * figure is if anything too high) to its first arrival at the receiver, both on this machine's
 * clock. The webhooks' signing secrets do not expire and each attempt is signed when it is sent, so
 * nothing in the run can lapse midway; a run with any failed commit, failed or refused delivery,
 * missing event, or an offered rate short of the target is reported as no result.
 *
 *   KBI_BENCH_NOTIFY_RATE     changes per second (default 200)
 *   KBI_BENCH_NOTIFY_SECONDS  how long (default 60)
 *   KBI_BENCH_NOTIFY_BACKLOG  events of the maximum-rate run (default 40,000)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { scratchDatabase } from '../tests/support/databases.ts';
import { startReceiver, type Receiver, type Received } from '../tests/support/notifications.ts';
import { generateDemoData } from '../server/modules/demo/generator.ts';

const RATE = Number(process.env.KBI_BENCH_NOTIFY_RATE ?? 200);
const SECONDS = Number(process.env.KBI_BENCH_NOTIFY_SECONDS ?? 60);
const BACKLOG = Number(process.env.KBI_BENCH_NOTIFY_BACKLOG ?? 40_000);
/** Partners, each with its own webhook and receiver: the relay serves endpoints side by side, each in order. */
const PARTNERS = 8;
const PERSONS = 4000;
const SECRET = 'b'.repeat(43);

export interface NotificationsBench {
  rate: number;
  seconds: number;
  changes: number;
  /** Changes per second actually committed (the driver may fall behind on a busy machine). */
  offeredPerSecond: number;
  deliveredLatency: { count: number; p50: number; p99: number; max: number };
  /** POSTs that brought the sustained run's events. */
  sustainedDeliveries: number;
  commitErrors: number;
  backlog: { events: number; seconds: number; perSecond: number; deliveries: number };
  attempts: number;
  duplicates: number;
  /** Events written but never received. */
  missing: number;
  /** Deliveries the receivers refused (signature, timestamp, body). */
  rejected: number;
  errors: Record<string, number>;
}

/** Whether a run had anything wrong that makes its figures no result. */
export const notificationErrors = (b: NotificationsBench): string[] =>
  [
    b.commitErrors ? `${b.commitErrors} changes failed to commit` : '',
    b.offeredPerSecond < b.rate * 0.95 ? `the driver committed ${b.offeredPerSecond.toFixed(0)} changes/s, short of ${b.rate}/s` : '',
    Object.keys(b.errors).length
      ? `failed deliveries (${Object.entries(b.errors)
          .map(([k, n]) => `${k}: ${n}`)
          .join(', ')})`
      : '',
    b.rejected ? `${b.rejected} deliveries refused by a receiver` : '',
    b.missing ? `${b.missing} events never received` : '',
  ].filter(Boolean);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function worker(url: string): ChildProcess {
  return spawn(process.execPath, ['bin/kbi.js', 'worker'], {
    env: {
      ...process.env,
      KBI_DATABASE_URL: url,
      KBI_LOG_LEVEL: 'warn',
      KBI_REFERRAL_EXPIRY_MINUTES: '0',
      KBI_RULE_EVALUATION_SECONDS: '0',
      // No retention purge: on the demo data it would change persons (and so write events) that the run did not.
      KBI_RETENTION_MINUTES: '0',
      KBI_NOTIFY_POLL_MS: '500',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

const stop = async (child: ChildProcess) => {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
};

async function until(what: string, check: () => boolean | Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`notifications bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function benchNotifications(serverUrl: string): Promise<NotificationsBench> {
  const database = await scratchDatabase(serverUrl, 'kbi_notify', 4);
  const receivers: Receiver[] = [];
  let relay: ChildProcess | null = null;
  const client = new pg.Client({ connectionString: database.url });
  // Every change names its actor, as the database demands (the history triggers refuse one without).
  const pool = new pg.Pool({ connectionString: database.url, max: 8, options: '-c kbi.actor=bench' });
  try {
    await generateDemoData(database, { persons: PERSONS, seed: 3 });
    await client.connect();
    await client.query(`SET kbi.actor = 'bench'`);
    // Partners of their own: each has an eighth of the persons in its register, and a webhook.
    const { rows: orgs } = await client.query<{ id: string }>(
      `INSERT INTO organisations (kind, name) SELECT 'OCMW', 'OCMW bench ' || g FROM generate_series(1, ${PARTNERS}) g RETURNING id`,
    );
    await client.query(
      `INSERT INTO authorisations (partner_kind, purpose, clusters, legal_basis, starts_on, capacity_codes)
       VALUES ('OCMW', 'BEGELEIDING_OCMW_CLIENT', ARRAY['personalia'], 'bench', DATE '2020-01-01', ARRAY['1'])`,
    );
    const ids = orgs.map((o) => o.id);
    await client.query(
      `INSERT INTO integrations (organisation_id, insz, capacity_code, starts_on)
       SELECT ($1::uuid[])[1 + (row_number() OVER (ORDER BY id) % ${PARTNERS})::int], insz, '1', current_date - 1 FROM persons`,
      [ids],
    );
    for (const id of ids) {
      const r = await startReceiver({ secret: SECRET });
      receivers.push(r);
      await client.query(`INSERT INTO notification_endpoints (organisation_id, url, secret, cursor_seq) VALUES ($1, $2, $3, (SELECT seq FROM outbox_head))`, [
        id,
        r.url,
        SECRET,
      ]);
    }
    const persons = (
      await client.query<{ id: string }>(
        `SELECT p.id FROM persons p WHERE EXISTS (SELECT 1 FROM integrations i WHERE i.insz = p.insz AND i.organisation_id = ANY($1))`,
        [ids],
      )
    ).rows.map((r) => r.id);
    await client.query('VACUUM ANALYZE');
    /** Events received so far (verified deliveries only, duplicates included). */
    const received = () => receivers.reduce((n, r) => n + r.count(), 0);
    const head = async () => Number((await client.query<{ seq: string }>(`SELECT seq::text FROM outbox_head`)).rows[0]!.seq);
    const written = async (from: number, to: number) =>
      Number(
        (
          await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM outbox_events WHERE seq > $1 AND seq <= $2 AND organisation_id = ANY($3)`, [
            from,
            to,
            ids,
          ])
        ).rows[0]!.n,
      );
    /** The first arrival of each event with a sequence number in (from, to]. */
    const firstArrivals = (from: number, to: number) => {
      const first = new Map<string, Received>();
      for (const e of receivers.flatMap((r) => r.received())) {
        if (e.seq <= from || e.seq > to) continue;
        const seen = first.get(e.eventId);
        if (!seen || e.receivedAt < seen.receivedAt) first.set(e.eventId, e);
      }
      return [...first.values()];
    };

    // 1. Sustained: RATE changes per second for SECONDS, each its own transaction.
    relay = worker(database.url);
    // Warm up: the worker is ready once a first change has reached its receiver.
    await client.query(`UPDATE persons SET given_names = given_names WHERE id = $1`, [persons[0]]);
    await until('the worker to start', () => received() >= 1, 120_000);
    const sustainedFrom = await head();
    const warm = received();
    let changes = 0;
    let commitErrors = 0;
    const inflight = new Set<Promise<unknown>>();
    const start = performance.now();
    for (let i = 0; i < RATE * SECONDS; i++) {
      const due = start + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const id = persons[i % persons.length]!;
      const p = pool.query(`UPDATE persons SET given_names = given_names WHERE id = $1`, [id]).then(
        () => changes++,
        () => commitErrors++,
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await Promise.all(inflight);
    const offered = (performance.now() - start) / 1000;
    const sustainedTo = await head();
    const sustainedEvents = await written(sustainedFrom, sustainedTo);
    // Wait for every event (or give up after two minutes and report what is missing).
    await until('every sustained delivery', () => received() - warm >= sustainedEvents, 120_000).catch(() => undefined);
    const sustained = firstArrivals(sustainedFrom, sustainedTo);
    const latencies = sustained.map((e) => e.receivedAt - Date.parse(e.at)).sort((a, b) => a - b);

    // 2. Maximum rate: the worker stopped, a backlog written, the worker started, time to drain it.
    await stop(relay);
    relay = null;
    const backlogFrom = await head();
    const backlogPersons = persons.slice(0, Math.min(persons.length, BACKLOG));
    let backlog = 0;
    while (backlog < BACKLOG) {
      const n = Math.min(backlogPersons.length, BACKLOG - backlog);
      await client.query(`UPDATE persons SET given_names = given_names WHERE id = ANY($1)`, [backlogPersons.slice(0, n)]);
      backlog += n;
    }
    const backlogTo = await head();
    const before = received();
    relay = worker(database.url);
    await until('the backlog', () => received() - before >= backlog, 600_000).catch(() => undefined);
    // From the first to the last arrival of the backlog, so the worker's start-up does not count;
    // the events of the first delivery(ies), which arrived at that first moment, do not count either.
    const backlogArrivals = firstArrivals(backlogFrom, backlogTo)
      .map((e) => e.receivedAt)
      .sort((a, b) => a - b);
    const drainSeconds = backlogArrivals.length ? (backlogArrivals[backlogArrivals.length - 1]! - backlogArrivals[0]!) / 1000 : 0;
    const drained = backlogArrivals.filter((t) => t > backlogArrivals[0]!).length;

    const { rows: attemptRows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_attempts`);
    const { rows: errorRows } = await client.query<{ error: string; n: number }>(
      `SELECT coalesce(error, 'none') AS error, count(*)::int AS n FROM notification_attempts WHERE NOT delivered GROUP BY 1`,
    );
    const all = receivers.flatMap((r) => r.received());
    const distinct = new Set(all.map((e) => e.eventId)).size;
    const deliveriesOf = (events: Received[]) => new Set(events.map((e) => e.delivery)).size;
    const backlogWritten = await written(backlogFrom, backlogTo);
    return {
      rate: RATE,
      seconds: Math.round(offered),
      changes,
      offeredPerSecond: changes / offered,
      commitErrors,
      deliveredLatency: { count: latencies.length, p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies[latencies.length - 1] ?? 0 },
      sustainedDeliveries: deliveriesOf(sustained),
      backlog: {
        events: backlogWritten,
        seconds: drainSeconds,
        perSecond: drainSeconds > 0 ? drained / drainSeconds : 0,
        deliveries: deliveriesOf(firstArrivals(backlogFrom, backlogTo)),
      },
      attempts: attemptRows[0]!.n,
      duplicates: all.length - distinct,
      missing: sustainedEvents - sustained.length + (backlogWritten - backlogArrivals.length),
      rejected: receivers.reduce((n, r) => n + r.rejected().length, 0),
      errors: Object.fromEntries(errorRows.map((r) => [r.error, r.n])),
    };
  } finally {
    if (relay) await stop(relay);
    for (const r of receivers) await r.stop();
    await client.end().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await database.close();
  }
}

export function reportNotifications(b: NotificationsBench, say: (s: string) => void): void {
  const errors = notificationErrors(b);
  say('## Change notifications at load (issue 16)');
  say('');
  say(
    `PostgreSQL, one \`kbi worker\` process relaying to ${PARTNERS} partner webhooks (a receiver process each, checking every signature with the partners' helper), ${PERSONS.toLocaleString('en')} demo persons each in one partner's integration register. A delivery is one signed POST of up to ${process.env.KBI_NOTIFY_BATCH ?? 100} of a partner's pending events (\`KBI_NOTIFY_BATCH\`); every figure below counts events. Latency runs per event from the start of the transaction that wrote it (its commit follows) to its first arrival at the receiver.`,
  );
  say('');
  say('| measure | value |');
  say('|---|---|');
  say(
    `| dossier changes committed | ${b.changes.toLocaleString('en')} in ${b.seconds} s (${b.offeredPerSecond.toFixed(0)}/s, target ${b.rate}/s; ${b.commitErrors} failed) |`,
  );
  say(`| commit-to-receipt latency p50 | ${b.deliveredLatency.p50} ms |`);
  say(
    `| commit-to-receipt latency p99 | ${b.deliveredLatency.p99} ms (max ${b.deliveredLatency.max} ms; ${b.deliveredLatency.count.toLocaleString('en')} events in ${b.sustainedDeliveries.toLocaleString('en')} deliveries) |`,
  );
  say(
    `| maximum sustained delivery rate | ${Math.round(b.backlog.perSecond).toLocaleString('en')} events delivered/s (a backlog of ${b.backlog.events.toLocaleString('en')} events in ${b.backlog.deliveries.toLocaleString('en')} deliveries, ${b.backlog.seconds.toFixed(1)} s from first to last arrival) |`,
  );
  say(`| delivery attempts recorded | ${b.attempts.toLocaleString('en')}; duplicate events received: ${b.duplicates}; events never received: ${b.missing} |`);
  const failed = Object.entries(b.errors);
  say(
    `| failed attempts by kind | ${failed.length ? failed.map(([k, n]) => `${k}: ${n}`).join(', ') : 'none'}; deliveries refused by a receiver: ${b.rejected} |`,
  );
  say('');
  if (errors.length) say(`**This run had errors: its figures are NO RESULT** (${errors.join('; ')}).`);
  else
    say(
      `No errors. Goals: p99 < 1 s — ${b.deliveredLatency.p99 < 1000 ? 'met' : 'NOT met'}; ≥ 2,000 deliveries/s — ${b.backlog.perSecond >= 2000 ? 'met' : 'NOT met'}.`,
    );
  say('');
}
