/**
 * The outbox relay: pushes each partner's outbox events to its webhook, in sequence order, at least
 * once, whatever crashes. It runs in the worker process (`kbi worker`; inside `npm start` on the
 * embedded database), and any number of relays may run at once on PostgreSQL.
 *
 * - A relay takes endpoints, not events: it leases an endpoint that has something due (claimed
 *   with FOR UPDATE SKIP LOCKED, then held by `lease_until` while it delivers outside any
 *   transaction), so one relay at a time delivers to a partner, in order. The lease runs out if the
 *   relay dies; another relay then takes the endpoint from its cursor: what was delivered but not
 *   yet recorded goes again, with the same event id (at-least-once).
 * - Events after the cursor go one by one in sequence order. The first that fails stops the round:
 *   the endpoint waits (exponential back-off with jitter), and that event is tried again before any
 *   later one. After the retry period it becomes a dead letter and the next event goes. A partner
 *   never receives N+1 before N was delivered or given up.
 * - Every attempt is recorded with its time, status and latency; the cursor moves, the attempts and
 *   dead letters are written in one transaction, and only while this relay still holds the lease.
 * - After `alertAfter` failed attempts in a row an endpoint is failing: logged once
 *   (`notification_endpoint_failing`) and shown to the administrator until a delivery succeeds.
 * - Dead letters queued for replay go before the endpoint's next new events.
 */
import http from 'node:http';
import https from 'node:https';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Deps } from '../../platform/deps.ts';
import { inTransaction, type Row, type Tx } from '../../platform/db.ts';
import type { Listener } from '../../platform/db.ts';
import { presentEvent } from '../../platform/outbox.ts';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './verify.ts';

export interface RelaySettings {
  /** Longest wait between two looks when no notification arrives, ms (`KBI_NOTIFY_POLL_MS`). */
  pollMs: number;
  /** A delivery that takes longer fails as a timeout, ms (`KBI_NOTIFY_TIMEOUT_MS`). */
  timeoutMs: number;
  /** How long an event is retried before it becomes a dead letter, s (`KBI_NOTIFY_RETRY_SECONDS`). */
  retrySeconds: number;
  /** First back-off, doubling per attempt, ms (`KBI_NOTIFY_BACKOFF_MS`). */
  backoffMs: number;
  /** Longest back-off, s (`KBI_NOTIFY_MAX_BACKOFF_SECONDS`). */
  maxBackoffSeconds: number;
  /** How long a relay holds an endpoint it took, s (`KBI_NOTIFY_LEASE_SECONDS`). */
  leaseSeconds: number;
  /** Failed attempts in a row that make an endpoint failing (`KBI_NOTIFY_ALERT_AFTER`). */
  alertAfter: number;
  /** Events per endpoint per round. */
  batch?: number;
  /** Endpoints served at once by one relay. */
  concurrency?: number;
}

export const ACTOR = 'system:notifications';

/**
 * The relay's own bookkeeping commits without waiting for the disk: should the database lose its
 * last milliseconds in a crash, the cursor is a little behind and those events go again (with their
 * ids) — at-least-once holds, and no change of anybody else's waits on it. The events themselves are
 * committed by their changes, durably.
 */
const relaxed = (tx: Tx) => sql`SET LOCAL synchronous_commit = off`.execute(tx);

/** Waits before attempt `attempt + 1` after `attempt` failures: doubling from backoffMs up to the maximum, then half to whole of it (jitter). */
export function backoffMs(settings: Pick<RelaySettings, 'backoffMs' | 'maxBackoffSeconds'>, attempt: number, random = Math.random): number {
  const full = Math.min(settings.maxBackoffSeconds * 1000, settings.backoffMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(full / 2 + (random() * full) / 2);
}

interface Outcome {
  delivered: boolean;
  status: number | null;
  error: string | null;
  ms: number;
  at: string;
}

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 8 }), https: new https.Agent({ keepAlive: true, maxSockets: 8 }) };

/** One POST: 2xx is delivered; a redirect (never followed), another status, a timeout or a connection error is a failure. */
export function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  const at = new Date().toISOString();
  return new Promise((resolve) => {
    let done = false;
    const finish = (status: number | null, error: string | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ delivered: error === null, status, error, ms: Math.round(performance.now() - started), at });
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return finish(null, 'bad url');
    }
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(target, {
      method: 'POST',
      agent: target.protocol === 'https:' ? agents.https : agents.http,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'KBI-Webhooks/1' },
    });
    const timer = setTimeout(() => {
      finish(null, 'timeout');
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      const error = status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? 'redirect' : `status ${status}`;
      res.on('end', () => finish(status, error));
      res.on('error', () => finish(status, error ?? 'connection'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(null, `connection ${e.code ?? 'error'}`.slice(0, 200)));
    req.end(body);
  });
}

/** The body of a delivery: the event as the pull feed shows it. */
export const deliveryBody = (event: Row): string => JSON.stringify(presentEvent(event));

export interface Relay {
  stop(): Promise<void>;
  /** Runs rounds until nothing is due (tests, the bench). */
  drain(): Promise<number>;
}

export function startRelay(deps: Deps, settings: RelaySettings, log: Pick<Logger, 'info' | 'warn' | 'error'>): Relay {
  const me = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const batch = settings.batch ?? 200;
  const concurrency = settings.concurrency ?? 8;
  const leaseMs = settings.leaseSeconds * 1000;
  let stopped = false;
  let listener: Listener | null = null;
  /** Endpoints being served now, and whether something may have come since the last claim. */
  const serving = new Set<Promise<unknown>>();
  let claiming = false;
  let dirty = true;
  let timer: NodeJS.Timeout | null = null;
  /** Takes up to `concurrency` endpoints with something due. */
  async function claim(limit: number): Promise<Row[]> {
    return inTransaction(deps.db, ACTOR, async (tx) => {
      await relaxed(tx);
      const { rows } = await sql<Row>`
      UPDATE notification_endpoints e SET lease_owner = ${me}, lease_until = now() + make_interval(secs => ${settings.leaseSeconds})
       WHERE e.id IN (
         SELECT x.id FROM notification_endpoints x
          WHERE x.active AND x.mode <> 'PULL' AND x.next_attempt_at <= now() AND (x.lease_until IS NULL OR x.lease_until < now())
            AND (EXISTS (SELECT 1 FROM outbox_events o WHERE o.organisation_id = x.organisation_id AND o.seq > x.cursor_seq)
                 OR EXISTS (SELECT 1 FROM notification_dead_letters d WHERE d.endpoint_id = x.id AND d.status = 'QUEUED' AND d.next_attempt_at <= now()))
          ORDER BY x.next_attempt_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
      RETURNING e.*, EXISTS (SELECT 1 FROM notification_dead_letters d WHERE d.endpoint_id = e.id AND d.status = 'QUEUED') AS has_replays`.execute(tx);
      return rows;
    });
  }

  async function deliver(ep: Row, event: Row): Promise<Outcome> {
    const body = deliveryBody(event);
    const ts = Math.floor(Date.now() / 1000);
    return post(
      ep.url,
      { [EVENT_ID_HEADER]: event.event_id, [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signWebhook(ep.secret, ts, body) },
      body,
      settings.timeoutMs,
    );
  }

  /** Serves one leased endpoint: replays, then new events in order; returns the attempts made. */
  async function serve(ep: Row): Promise<number> {
    const until = Date.now() + leaseMs / 2;
    const attempts: Record<string, unknown>[] = [];
    const deadLetters: Record<string, unknown>[] = [];
    const replays: { seq: number; status: 'DELIVERED' | 'QUEUED' | 'DEAD'; attempts: number; next: string | null; error: string | null }[] = [];
    let cursor = Number(ep.cursor_seq);
    let head = ep.head_seq === null ? null : { seq: Number(ep.head_seq), attempts: ep.head_attempts as number, since: ep.head_since as string };
    let nextAttempt = new Date();
    let failures = ep.consecutive_failures as number;
    let failingSince: string | null = ep.failing_since;
    let lastSuccess: string | null = ep.last_success_at;
    let lastError: string | null = ep.last_error;
    let blocked = false;
    const note = (event: Row, attempt: number, o: Outcome, replay: boolean) => {
      attempts.push({
        endpoint_id: ep.id,
        seq: event.seq,
        event_id: event.event_id,
        attempt,
        at: o.at,
        status_code: o.status,
        latency_ms: o.ms,
        delivered: o.delivered,
        error: o.error,
        replay,
        worker: me,
      });
      if (o.delivered) {
        failures = 0;
        failingSince = null;
        lastSuccess = o.at;
      } else {
        failures += 1;
        failingSince ??= o.at;
        lastError = o.error;
      }
    };
    const retryMs = settings.retrySeconds * 1000;

    const queued = !ep.has_replays
      ? []
      : await deps.db
          .selectFrom('notification_dead_letters as d')
          .innerJoin('outbox_events as o', 'o.seq', 'd.seq')
          .select(['o.seq', 'o.event_id', 'o.at', 'o.type', 'o.subject_id', 'o.payload', 'd.replay_attempts', 'd.replay_requested_at'])
          .where('d.endpoint_id', '=', ep.id)
          .where('d.status', '=', 'QUEUED')
          .where('d.next_attempt_at', '<=', sql<string>`now()`)
          .orderBy('d.seq')
          .limit(batch)
          .execute();
    for (const event of queued) {
      if (Date.now() > until) break;
      const o = await deliver(ep, event);
      const n = (event.replay_attempts as number) + 1;
      note(event, n, o, true);
      if (o.delivered) replays.push({ seq: event.seq, status: 'DELIVERED', attempts: n, next: null, error: null });
      else {
        const giveUp = Date.now() - Date.parse(event.replay_requested_at as string) >= retryMs;
        const wait = backoffMs(settings, n);
        replays.push({
          seq: event.seq,
          status: giveUp ? 'DEAD' : 'QUEUED',
          attempts: n,
          next: giveUp ? null : new Date(Date.now() + wait).toISOString(),
          error: o.error,
        });
        if (!giveUp) nextAttempt = new Date(Date.now() + wait);
        blocked = true;
        break;
      }
    }

    if (!blocked) {
      const events = await deps.db
        .selectFrom('outbox_events')
        .select(['seq', 'event_id', 'at', 'type', 'subject_id', 'payload'])
        .where('organisation_id', '=', ep.organisation_id)
        .where('seq', '>', cursor)
        .orderBy('seq')
        .limit(batch)
        .execute();
      for (const event of events) {
        if (Date.now() > until || stopped) break;
        const o = await deliver(ep, event);
        const retried = head !== null && head.seq === event.seq;
        const n = retried ? head!.attempts + 1 : 1;
        note(event, n, o, false);
        if (o.delivered) {
          cursor = event.seq;
          head = null;
          continue;
        }
        const since = retried ? head!.since : o.at;
        if (Date.now() - Date.parse(since) >= retryMs) {
          deadLetters.push({ endpoint_id: ep.id, seq: event.seq, event_id: event.event_id, attempts: n, last_error: o.error });
          log.warn({ endpoint: ep.id, organisationId: ep.organisation_id, seq: event.seq, attempts: n }, 'notification_dead_letter');
          cursor = event.seq;
          head = null;
          continue;
        }
        head = { seq: event.seq, attempts: n, since };
        nextAttempt = new Date(Date.now() + backoffMs(settings, n));
        break;
      }
    }

    const failing = failures >= settings.alertAfter;
    let alertedAt: string | null = ep.alerted_at;
    if (failing && !alertedAt) {
      alertedAt = new Date().toISOString();
      log.warn({ endpoint: ep.id, organisationId: ep.organisation_id, failures, since: failingSince, error: lastError }, 'notification_endpoint_failing');
    } else if (!failing && alertedAt && failures === 0) {
      alertedAt = null;
      log.info({ endpoint: ep.id, organisationId: ep.organisation_id }, 'notification_endpoint_recovered');
    }

    await inTransaction(deps.db, ACTOR, async (tx) => {
      await relaxed(tx);
      if (attempts.length)
        await tx
          .insertInto('notification_attempts')
          .values(attempts as never)
          .execute();
      if (deadLetters.length)
        await tx
          .insertInto('notification_dead_letters')
          .values(deadLetters as never)
          .onConflict((c) => c.columns(['endpoint_id', 'seq']).doNothing())
          .execute();
      for (const r of replays) {
        await tx
          .updateTable('notification_dead_letters')
          .set({
            status: r.status,
            replay_attempts: r.attempts,
            next_attempt_at: r.next,
            last_error: r.error,
            delivered_at: r.status === 'DELIVERED' ? sql<string>`now()` : null,
            dead_at: r.status === 'DEAD' ? sql<string>`now()` : sql<string>`dead_at`,
          })
          .where('endpoint_id', '=', ep.id)
          .where('seq', '=', r.seq)
          .where('status', '=', 'QUEUED')
          .execute();
      }
      const held = await tx
        .updateTable('notification_endpoints')
        .set({
          cursor_seq: cursor,
          head_seq: head?.seq ?? null,
          head_attempts: head?.attempts ?? 0,
          head_since: head?.since ?? null,
          next_attempt_at: nextAttempt.toISOString(),
          lease_owner: null,
          lease_until: null,
          consecutive_failures: failures,
          failing_since: failingSince,
          alerted_at: alertedAt,
          last_success_at: lastSuccess,
          last_error: lastError,
          updated_at: sql<string>`now()`,
        })
        .where('id', '=', ep.id)
        .where('lease_owner', '=', me)
        .executeTakeFirst();
      if (Number(held.numUpdatedRows) === 0) log.warn({ endpoint: ep.id }, 'notification_lease_lost');
    });
    return attempts.length;
  }

  /** One round: serve every endpoint taken (up to `limit`), side by side. */
  async function round(limit: number): Promise<number> {
    const endpoints = await claim(limit);
    if (!endpoints.length) return 0;
    const done = await Promise.all(
      endpoints.map((ep) =>
        serve(ep).catch((err: unknown) => {
          log.error(
            { endpoint: ep.id, error: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : undefined },
            'notification_relay_failed',
          );
          return 0;
        }),
      ),
    );
    return done.reduce((a, b) => a + b, 0) || endpoints.length;
  }

  /**
   * Takes endpoints while there is room (`concurrency` served side by side) and serves each as soon
   * as it is taken, so a slow endpoint never holds up the others; one claim at a time. Woken by
   * NOTIFY kbi_outbox at each commit that adds an event, by an endpoint done, and every pollMs
   * (back-offs falling due, replays, a lost notification).
   */
  async function pump(): Promise<void> {
    if (claiming || stopped) return;
    claiming = true;
    try {
      while (!stopped && dirty && serving.size < concurrency) {
        dirty = false;
        const endpoints = await claim(concurrency - serving.size);
        if (endpoints.length) dirty = true; // there may be more
        for (const ep of endpoints) {
          const p = serve(ep)
            .catch((err: unknown) => {
              log.error(
                { endpoint: ep.id, error: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : undefined },
                'notification_relay_failed',
              );
            })
            .finally(() => {
              serving.delete(p);
              dirty = true;
              void pump();
            });
          serving.add(p);
        }
      }
    } catch (err) {
      log.error({ error: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : undefined }, 'notification_relay_failed');
    } finally {
      claiming = false;
    }
  }
  function poke() {
    dirty = true;
    void pump();
  }

  const loop = (async () => {
    try {
      listener = await deps.database.listen('kbi_outbox', poke, poke);
    } catch (err) {
      log.warn({ message: err instanceof Error ? err.message : undefined }, 'notification_listen_failed');
    }
    if (stopped) return;
    timer = setInterval(poke, settings.pollMs);
    timer.unref();
    poke();
  })();

  return {
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await loop;
      while (claiming || serving.size) await Promise.all([...serving, new Promise((r) => setTimeout(r, 10))]);
      await listener?.close();
    },
    async drain() {
      let total = 0;
      for (;;) {
        const n = await round(concurrency);
        if (!n) return total;
        total += n;
      }
    },
  };
}
