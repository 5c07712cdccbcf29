/**
 * Prometheus metrics of one serving process (`GET /api/metrics`, door 'monitoring'; names and
 * alerts in docs/OPERATIONS.md). Requests are counted by route pattern (`/api/v1/persons/:id`),
 * never by URL: URLs and query strings may carry ids or personal data. The database gauges (outbox,
 * import runs, pool) are read when scraped, so every process answers the same for them.
 *
 * Each process has a registry of its own (tests run several apps in one process). With
 * `KBI_WORKERS` > 1 a scrape reaches one of the processes behind the port: the request counters
 * are that process's (the `pid` label tells them apart); the database gauges are the whole
 * installation's.
 */
import client from 'prom-client';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Database } from './db.ts';
import type { ReadRouter } from './replica.ts';

/**
 * A reader of the outbox (a webhook dispatcher, a feed): how far behind it is. buildApp registers
 * the webhook relay's (`webhooks`, modules/notifications/notifications.metrics.ts); without any,
 * only the outbox head and the newest event's age are exposed.
 */
export interface OutboxReader {
  name: string;
  /** Events after this reader's position, and the age in seconds of the oldest of them (0 when none). */
  lag(database: Database): Promise<{ events: number; oldestAgeSeconds: number }>;
  /** Deliveries that failed so far (each attempt counted), if the reader tracks attempts. */
  failedDeliveries?(database: Database): Promise<number>;
}

export interface Metrics {
  registry: client.Registry;
  /** The text exposition format (what Prometheus scrapes). */
  render(): Promise<string>;
  contentType: string;
}

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const statusClass = (code: number) => STATUS_CLASSES[Math.min(4, Math.max(0, Math.floor(code / 100) - 1))]!;

/** Counts every answered request by method, route pattern and status class, and times it. */
export function installMetrics(
  http: FastifyInstance,
  database: Database,
  options: { outboxReaders?: readonly OutboxReader[]; reads?: ReadRouter } = {},
): Metrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service: 'kbi', pid: String(process.pid) });
  client.collectDefaultMetrics({ register: registry, prefix: 'kbi_' });

  const requests = new client.Counter({
    name: 'kbi_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'kbi_http_request_duration_seconds',
    help: 'Time from request to answer, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  http.addHook('onResponse', async (req, reply) => {
    // A request that matched no route is counted under one label, whatever its URL.
    const route = req.routeOptions.url ?? '(unmatched)';
    const labels = { method: req.method, route, status_class: statusClass(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  // Database gauges, read at scrape time. A failing read shows as kbi_metrics_collect_errors_total, not as a failed scrape.
  const collectErrors = new client.Counter({
    name: 'kbi_metrics_collect_errors_total',
    help: 'Database reads for a scrape that failed, by gauge',
    labelNames: ['gauge'] as const,
    registers: [registry],
  });
  const guarded = (gauge: string, fn: () => Promise<void>) => async () => {
    try {
      await fn();
    } catch {
      collectErrors.inc({ gauge });
    }
  };
  /**
   * One database read that fills several gauges. A scrape collects every metric at once (in
   * parallel), so each of those gauges awaits the same read; the next scrape reads again.
   */
  const sharedRead = (gauge: string, fn: () => Promise<void>) => {
    let pending: Promise<void> | null = null;
    return () =>
      (pending ??= guarded(gauge, fn)().finally(() =>
        setImmediate(() => {
          pending = null;
        }),
      ));
  };

  const head: client.Gauge = new client.Gauge({
    name: 'kbi_outbox_head_seq',
    help: 'Sequence number of the newest outbox event (events written since the installation began)',
    registers: [registry],
    collect: guarded('outbox', async () => {
      const r = await sql<{ seq: string | null }>`SELECT max(seq)::text AS seq FROM outbox_events`.execute(database.db);
      head.set(Number(r.rows[0]?.seq ?? 0));
    }),
  });
  const newest: client.Gauge = new client.Gauge({
    name: 'kbi_outbox_newest_event_age_seconds',
    help: 'Age of the newest outbox event (0 when there is none)',
    registers: [registry],
    collect: guarded('outbox', async () => {
      const r = await sql<{ age: string | null }>`SELECT extract(epoch FROM now() - max(at))::text AS age FROM outbox_events`.execute(database.db);
      newest.set(Math.max(0, Number(r.rows[0]?.age ?? 0)));
    }),
  });
  const readers = options.outboxReaders ?? [];
  // One read fills all three, reader by reader.
  const readLag = sharedRead('outbox_readers', async () => {
    for (const reader of readers) {
      const lag = await reader.lag(database);
      lagEvents.set({ reader: reader.name }, lag.events);
      lagAge.set({ reader: reader.name }, lag.oldestAgeSeconds);
      if (reader.failedDeliveries) failures.set({ reader: reader.name }, await reader.failedDeliveries(database));
    }
  });
  const lagEvents = new client.Gauge({
    name: 'kbi_outbox_lag_events',
    help: 'Outbox events a reader has not yet handled, by reader',
    labelNames: ['reader'] as const,
    registers: [registry],
    collect: readLag,
  });
  const lagAge = new client.Gauge({
    name: 'kbi_outbox_lag_seconds',
    help: 'Age of the oldest outbox event a reader has not yet handled (0 when none), by reader',
    labelNames: ['reader'] as const,
    registers: [registry],
    collect: readLag,
  });
  const failures = new client.Gauge({
    name: 'kbi_outbox_delivery_failures',
    help: 'Failed delivery attempts so far, by reader (a counter kept in the database: use increase())',
    labelNames: ['reader'] as const,
    registers: [registry],
    collect: readLag,
  });
  const readImports = sharedRead('imports', async () => {
    const r = await sql<{ status: string; n: string; rows: string | null; quiet: string | null }>`
      SELECT status, count(*)::text AS n, sum(rows_total)::text AS rows, extract(epoch FROM now() - min(heartbeat_at))::text AS quiet
        FROM import_batches GROUP BY status`.execute(database.db);
    importRuns.reset();
    for (const status of ['running', 'succeeded', 'failed']) importRuns.set({ status }, 0);
    let rows = 0;
    let quiet = 0;
    for (const row of r.rows) {
      importRuns.set({ status: row.status }, Number(row.n));
      if (row.status === 'running') {
        rows = Number(row.rows ?? 0);
        quiet = Math.max(0, Number(row.quiet ?? 0));
      }
    }
    importRows.set(rows);
    importOldest.set(quiet);
  });
  const importRuns = new client.Gauge({
    name: 'kbi_import_runs',
    help: 'Course-feed import runs, by status (running, succeeded, failed, replayed …)',
    labelNames: ['status'] as const,
    registers: [registry],
    collect: readImports,
  });
  const importRows = new client.Gauge({
    name: 'kbi_import_running_rows',
    help: 'Rows read so far by the import runs running now',
    registers: [registry],
    collect: readImports,
  });
  const importOldest = new client.Gauge({
    name: 'kbi_import_running_heartbeat_age_seconds',
    help: 'Longest time since a running import run last showed progress (0 when none runs)',
    registers: [registry],
    collect: readImports,
  });

  const pool = new client.Gauge({
    name: 'kbi_db_pool_connections',
    help: 'Database connections of this process by state (total, idle, waiting callers, max); the embedded database has one',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const s = database.poolStats();
      pool.set({ state: 'total' }, s.total);
      pool.set({ state: 'idle' }, s.idle);
      pool.set({ state: 'waiting' }, s.waiting);
      pool.set({ state: 'max' }, s.max);
    },
  });
  new client.Gauge({
    name: 'kbi_db_info',
    help: 'The database this process uses (label kind: postgres or pglite); always 1',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.set({ kind: database.kind }, 1);
    },
  });

  // The streaming replica (KBI_REPLICA_URL), when one is configured: where the statistics and the event feed were read, and how far behind it is.
  const reads = options.reads;
  if (reads?.configured) {
    new client.Counter({
      name: 'kbi_replica_reads_total',
      help: 'Reads that may go to the replica (statistics, event feed), by where they were answered: replica or primary',
      labelNames: ['source'] as const,
      registers: [registry],
      collect() {
        const c = reads.counts();
        this.reset();
        this.inc({ source: 'replica' }, c.replica);
        this.inc({ source: 'primary' }, c.primary);
      },
    });
    const readReplica = sharedRead('replica', async () => {
      const state = await reads.state();
      replicaUsable.set(state?.usable ? 1 : 0);
      replicaLag.set(state?.lagSeconds ?? -1);
    });
    const replicaUsable = new client.Gauge({
      name: 'kbi_replica_usable',
      help: 'The replica answers, is a standby and its position is known (1) or not (0: every read goes to the primary)',
      registers: [registry],
      collect: readReplica,
    });
    const replicaLag = new client.Gauge({
      name: 'kbi_replica_lag_seconds',
      help: 'How far the replica is behind the primary, in seconds (0: caught up; -1: unknown)',
      registers: [registry],
      collect: readReplica,
    });
  }

  return { registry, render: () => registry.metrics(), contentType: registry.contentType };
}
