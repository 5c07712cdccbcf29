/**
 * Change notifications at load (issue 16) on PostgreSQL: dossier changes committed at a steady
 * 200 per second for 60 seconds, each routed by the database to one partner and pushed by a
 * `kbi worker` process to that partner's receiver process (tests/support/webhook-receiver.ts,
 * which checks every signature); then the largest delivery rate the relay sustains on a backlog.
 *
 * Latency runs from the event's write (in the one-statement transaction of the change, so its
 * commit follows within a millisecond) to the receiver's arrival time, both on this machine's clock.
 *
 *   KBI_BENCH_NOTIFY_RATE     changes per second (default 200)
 *   KBI_BENCH_NOTIFY_SECONDS  how long (default 60)
 *   KBI_BENCH_NOTIFY_BACKLOG  events of the maximum-rate run (default 40,000)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { scratchDatabase } from '../tests/support/databases.ts';
import { startReceiver, type Receiver } from '../tests/support/notifications.ts';
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
  deliveredLatency: { count: number; p50: number; p99: number; max: number };
  commitErrors: number;
  backlog: { events: number; seconds: number; perSecond: number };
  attempts: number;
  duplicates: number;
  errors: Record<string, number>;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function worker(url: string): ChildProcess {
  return spawn(process.execPath, ['bin/kbi.js', 'worker'], {
    env: {
      ...process.env,
      KBI_DATABASE_URL: url,
      KBI_LOG_LEVEL: 'warn',
      KBI_REFERRAL_EXPIRY_MINUTES: '0',
      KBI_RULE_EVALUATION_SECONDS: '0',
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
    const received = () => receivers.reduce((n, r) => n + r.count(), 0);

    // 1. Sustained: RATE changes per second for SECONDS, each its own transaction.
    relay = worker(database.url);
    // Warm up: the worker is ready once a first change has reached its receiver.
    await client.query(`UPDATE persons SET given_names = given_names WHERE id = $1`, [persons[0]]);
    await until('the worker to start', () => received() >= 1, 120_000);
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
    await until('every sustained delivery', () => received() >= warm + changes, 120_000);
    // Every sustained delivery, without the warm-up's.
    const latencies = receivers
      .flatMap((r) => r.received())
      .sort((a, b) => a.receivedAt - b.receivedAt)
      .slice(warm)
      .map((e) => e.receivedAt - Date.parse(e.at))
      .sort((a, b) => a - b);

    // 2. Maximum rate: the worker stopped, a backlog written, the worker started, time to drain it.
    await stop(relay);
    relay = null;
    const before = received();
    const backlogPersons = persons.slice(0, Math.min(persons.length, BACKLOG));
    let backlog = 0;
    while (backlog < BACKLOG) {
      const n = Math.min(backlogPersons.length, BACKLOG - backlog);
      await client.query(`UPDATE persons SET given_names = given_names WHERE id = ANY($1)`, [backlogPersons.slice(0, n)]);
      backlog += n;
    }
    relay = worker(database.url);
    await until('the backlog', () => received() - before >= backlog, 600_000);
    // From the first to the last arrival of the backlog: the worker's start-up does not count.
    const backlogArrivals = receivers
      .flatMap((r) => r.received())
      .map((e) => e.receivedAt)
      .sort((a, b) => a - b)
      .slice(before);
    const drainSeconds = (backlogArrivals[backlogArrivals.length - 1]! - backlogArrivals[0]!) / 1000;

    const { rows: attemptRows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_attempts`);
    const { rows: errorRows } = await client.query<{ error: string; n: number }>(
      `SELECT coalesce(error, 'none') AS error, count(*)::int AS n FROM notification_attempts WHERE NOT delivered GROUP BY 1`,
    );
    const all = receivers.flatMap((r) => r.received());
    const distinct = new Set(all.map((e) => e.eventId)).size;
    return {
      rate: RATE,
      seconds: Math.round(offered),
      changes,
      commitErrors,
      deliveredLatency: { count: latencies.length, p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies[latencies.length - 1] ?? 0 },
      backlog: { events: backlog, seconds: drainSeconds, perSecond: backlog / drainSeconds },
      attempts: attemptRows[0]!.n,
      duplicates: all.length - distinct,
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
  say('## Change notifications at load (issue 16)');
  say('');
  say(
    `PostgreSQL, one \`kbi worker\` process relaying to ${PARTNERS} partner webhooks (a receiver process each, checking every signature), ${PERSONS.toLocaleString('en')} demo persons each in one partner's integration register.`,
  );
  say('');
  say('| measure | value |');
  say('|---|---|');
  say(`| dossier changes committed | ${b.changes.toLocaleString('en')} at ${b.rate}/s for ${b.seconds} s (${b.commitErrors} failed) |`);
  say(`| commit-to-receipt latency p50 | ${b.deliveredLatency.p50} ms |`);
  say(
    `| commit-to-receipt latency p99 | ${b.deliveredLatency.p99} ms (max ${b.deliveredLatency.max} ms, ${b.deliveredLatency.count.toLocaleString('en')} deliveries) |`,
  );
  say(
    `| maximum sustained delivery rate | ${Math.round(b.backlog.perSecond).toLocaleString('en')} deliveries/s (a backlog of ${b.backlog.events.toLocaleString('en')} in ${b.backlog.seconds.toFixed(1)} s) |`,
  );
  say(`| delivery attempts recorded | ${b.attempts.toLocaleString('en')}; duplicates received: ${b.duplicates} |`);
  const errors = Object.entries(b.errors);
  say(`| failed attempts by kind | ${errors.length ? errors.map(([k, n]) => `${k}: ${n}`).join(', ') : 'none'} |`);
  say('');
  say(`Goals: p99 < 1 s — ${b.deliveredLatency.p99 < 1000 ? 'met' : 'NOT met'}; ≥ 2,000 deliveries/s — ${b.backlog.perSecond >= 2000 ? 'met' : 'NOT met'}.`);
  say('');
}
