/**
 * The outbox relay: pushes each partner's outbox events to its webhook, in sequence order, at least
 * once, whatever crashes. It runs in the worker process (`kbi worker`; inside `npm start` on the
 * embedded database), and any number of relays may run at once on PostgreSQL.
 *
 * - A relay takes endpoints, not events: it leases an endpoint that has something due (claimed
 *   with FOR UPDATE SKIP LOCKED, then held by `lease_until` while it delivers outside any
 *   transaction), so one relay at a time delivers to a partner, in order. The lease runs out if the
 *   relay dies; another relay then takes the endpoint from its cursor: what was delivered but not
 *   yet recorded goes again, with the same event ids (at-least-once). A relay starts a delivery
 *   only when it ends (or times out) before the lease does, and renews the lease each time it
 *   records one.
 * - A delivery is one signed POST of up to `batchSize` of the partner's events after its cursor, in
 *   sequence order (a JSON array); a 2xx acknowledges all of them and the cursor moves past the
 *   last. The events that piled up while one delivery was under way go together in the next, so
 *   the delay to the partner stays one round trip or two however many changes come in.
 * - A delivery that fails stops the round: its first event is retried (exponential back-off with
 *   jitter) alone, before any later one; once its retry period is over and it failed alone, it
 *   becomes a dead letter and the next events go. A partner never receives N+1 before N was delivered or given up, and an event
 *   the partner refuses never takes the others of its delivery into the dead letters. After a
 *   failure deliveries grow again from one event, doubling with each success, so a partner that
 *   cannot take a full delivery within the timeout still gets everything.
 * - Every attempt is recorded with its time, status, latency and the events it carried (the first
 *   and last sequence number, how many); the cursor moves, the attempts and dead letters are
 *   written in one transaction after each delivery, and the cursor and dead letters only while
 *   this relay still holds the lease.
 * - After `alertAfter` failed attempts in a row an endpoint is failing: logged once
 *   (`notification_endpoint_failing`) and shown to the administrator until a delivery succeeds.
 * - Dead letters queued for replay go before the endpoint's next new events, one per delivery.
 * - An endpoint of transport MAGDA (magda-push.ts) gets the same treatment with another wire
 *   format: each `dossier.invalidated` event is its own signed InvalidatieKBIDossier SOAP question
 *   (a delivery of one), delivered when the OCMW answers with an Antwoord and no Uitzondering FOUT;
 *   events of other types have no MAGDA message and the cursor passes them.
 */
import http from 'node:http';
import https from 'node:https';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Deps } from '../../platform/deps.ts';
import type { Listener, Row } from '../../platform/db.ts';
import { presentEvent } from '../../platform/outbox.ts';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './verify.ts';
import { invalidatieVraag, judgeAnswer, MAGDA_EVENT_TYPE, recipientOf, SERVICE } from './magda-push.ts';
import {
  claimEndpoints,
  earlierAttempts,
  eventsAfter,
  queuedReplays,
  recordRound,
  type AttemptRecord,
  type DeadLetterRecord,
  type ReplayRecord,
} from './notifications.queries.ts';

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
  /** Most events in one delivery (`KBI_NOTIFY_BATCH`, 100 when not given). */
  batchSize?: number;
  /** KBI's sender id in MAGDA messages (`KBI_MAGDA_SENDER_ID`, kbi.vlaanderen.be when not given). */
  magdaSenderId?: string;
  /** Endpoints served at once by one relay. */
  concurrency?: number;
}

export const ACTOR = 'system:notifications';

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

/** How a POST's answer is judged besides its status: the body's content type, and the reading of the answer (MAGDA). */
export interface PostOptions {
  contentType?: string;
  userAgent?: string;
  /** Reads the answer (status and body, any status but a redirect): null when delivered, else what failed. Without it: 2xx is delivered. */
  judge?: (status: number, body: string) => string | null;
}

/** Largest answer read for judging (a MAGDA Repliek is a few kilobytes). */
const ANSWER_LIMIT = 256 * 1024;

/** One POST: 2xx is delivered (or what `judge` says); a redirect (never followed), another status, a timeout or a connection error is a failure. */
export function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, options: PostOptions = {}): Promise<Outcome> {
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
      headers: {
        ...headers,
        'content-type': options.contentType ?? 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': options.userAgent ?? 'KBI-Webhooks/1',
      },
    });
    const timer = setTimeout(() => {
      finish(null, 'timeout');
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const redirect = status >= 300 && status < 400;
      const judge = options.judge;
      if (!judge || redirect) {
        res.resume();
        const error = status >= 200 && status < 300 ? null : redirect ? 'redirect' : `status ${status}`;
        res.on('end', () => finish(status, error));
        res.on('error', () => finish(status, error ?? 'connection'));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= ANSWER_LIMIT) chunks.push(c);
      });
      res.on('end', () => {
        if (size > ANSWER_LIMIT) return finish(status, `answer over ${ANSWER_LIMIT} bytes`);
        let error: string | null;
        try {
          error = judge(status, Buffer.concat(chunks).toString('utf8'));
        } catch (e) {
          error = `unreadable answer: ${e instanceof Error ? e.message : 'error'}`.slice(0, 200);
        }
        finish(status, error);
      });
      res.on('error', () => finish(status, 'connection'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(null, `connection ${e.code ?? 'error'}`.slice(0, 200)));
    req.end(body);
  });
}

/** The body of a delivery: its events as the pull feed shows them, in sequence order. */
export const deliveryBody = (events: readonly Row[]): string => JSON.stringify(events.map(presentEvent));

export interface Relay {
  stop(): Promise<void>;
  /** Runs rounds until nothing is due (tests, the bench). */
  drain(): Promise<number>;
}

/**
 * Starts a relay: woken by NOTIFY kbi_outbox and every pollMs (`background`, the worker's), or only
 * when asked to `drain()` (`background: false`: the demo showcase, which delivers at set moments).
 */
export function startRelay(deps: Deps, settings: RelaySettings, log: Pick<Logger, 'info' | 'warn' | 'error'>, options: { background?: boolean } = {}): Relay {
  const me = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const batchSize = settings.batchSize ?? 100;
  const magdaSenderId = settings.magdaSenderId ?? 'kbi.vlaanderen.be';
  const concurrency = settings.concurrency ?? 8;
  const leaseMs = settings.leaseSeconds * 1000;
  const retryMs = settings.retrySeconds * 1000;
  let stopped = false;
  let listener: Listener | null = null;
  /** Endpoints being served now, and whether something may have come since the last claim. */
  const serving = new Set<Promise<unknown>>();
  let claiming = false;
  let dirty = true;
  let timer: NodeJS.Timeout | null = null;
  /** How many events the next delivery to an endpoint may carry: one after a failure, doubling with each success up to batchSize. */
  const window = new Map<string, number>();

  /** Takes up to `limit` endpoints with something due; `leasedAt` is when this process asked (the lease runs no earlier than a lease from then). */
  async function claim(limit: number): Promise<{ leasedAt: number; endpoints: Row[] }> {
    const leasedAt = Date.now();
    return { leasedAt, endpoints: await claimEndpoints(deps.db, me, settings.leaseSeconds, limit) };
  }

  async function deliver(ep: Row, events: readonly Row[]): Promise<Outcome> {
    if (ep.transport === 'MAGDA') return deliverMagda(ep, events[0]!);
    const body = deliveryBody(events);
    const ts = Math.floor(Date.now() / 1000);
    return post(ep.url, { [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signWebhook(ep.secret, ts, body) }, body, settings.timeoutMs);
  }

  /** One event as an InvalidatieKBIDossier question, signed as a webhook is (magda-push.ts); a record gone fails without a POST. */
  async function deliverMagda(ep: Row, event: Row): Promise<Outcome> {
    const to = await recipientOf(deps.db, ep.organisation_id, event.subject_id);
    if ('missing' in to) return { delivered: false, status: null, error: to.missing, ms: 0, at: new Date().toISOString() };
    const body = invalidatieVraag(event, to, magdaSenderId);
    const ts = Math.floor(Date.now() / 1000);
    return post(
      ep.url,
      { [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: signWebhook(ep.secret, ts, body), soapaction: `"${SERVICE}"` },
      body,
      settings.timeoutMs,
      { contentType: 'text/xml; charset=utf-8', userAgent: 'KBI-MAGDA/1', judge: judgeAnswer },
    );
  }

  /** Serves one leased endpoint: replays, then new events in order, a delivery at a time; returns the events sent. */
  async function serve(ep: Row, leasedAt: number): Promise<number> {
    const began = Date.now();
    /** The lease ends no earlier than this, by this process's clock. */
    let leaseUntil = leasedAt + leaseMs;
    /** A delivery may start when it ends (or times out) before the lease. */
    const canSend = () => !stopped && Date.now() + settings.timeoutMs < leaseUntil;
    /** Served long enough: others may want the relay's room (rounds are at most half a lease). */
    const turnOver = () => Date.now() - began >= leaseMs / 2;

    const attempts: AttemptRecord[] = [];
    const deadLetters: DeadLetterRecord[] = [];
    const replays: ReplayRecord[] = [];
    let cursor = Number(ep.cursor_seq);
    let head = ep.head_seq === null ? null : { seq: Number(ep.head_seq), attempts: ep.head_attempts as number, since: ep.head_since as string };
    let nextAttempt = new Date();
    let failures = ep.consecutive_failures as number;
    let failingSince: string | null = ep.failing_since;
    let lastSuccess: string | null = ep.last_success_at;
    let lastError: string | null = ep.last_error;
    let alertedAt: string | null = ep.alerted_at;
    /** The highest sequence number any delivery to this endpoint carried. */
    let tried = ep.tried_seq === null ? 0 : Number(ep.tried_seq);
    let sent = 0;
    const magda = ep.transport === 'MAGDA';

    const note = (events: readonly Row[], attempt: number, o: Outcome, replay: boolean) => {
      const first = events[0]!;
      const last = events[events.length - 1]!;
      attempts.push({
        seq: Number(first.seq),
        last_seq: Number(last.seq),
        events: events.length,
        event_id: first.event_id,
        attempt,
        at: o.at,
        status_code: o.status,
        latency_ms: o.ms,
        delivered: o.delivered,
        error: o.error,
        replay,
      });
      sent += events.length;
      tried = Math.max(tried, Number(last.seq));
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

    /** Writes what was done since the last record, keeping the lease (renewed) or letting it go; false when the lease was lost. */
    async function record(keep: boolean): Promise<boolean> {
      const failing = failures >= settings.alertAfter;
      if (failing && !alertedAt) {
        alertedAt = new Date().toISOString();
        log.warn({ endpoint: ep.id, organisationId: ep.organisation_id, failures, since: failingSince, error: lastError }, 'notification_endpoint_failing');
      } else if (!failing && alertedAt && failures === 0) {
        alertedAt = null;
        log.info({ endpoint: ep.id, organisationId: ep.organisation_id }, 'notification_endpoint_recovered');
      }
      const asked = Date.now();
      const held = await recordRound(deps.db, {
        endpointId: ep.id,
        owner: me,
        keepSeconds: keep ? settings.leaseSeconds : null,
        state: {
          cursor,
          head,
          nextAttemptAt: nextAttempt.toISOString(),
          consecutiveFailures: failures,
          failingSince,
          alertedAt,
          lastSuccessAt: lastSuccess,
          lastError,
        },
        attempts,
        deadLetters,
        replays,
      });
      attempts.length = 0;
      deadLetters.length = 0;
      replays.length = 0;
      if (held) leaseUntil = asked + leaseMs;
      else log.warn({ endpoint: ep.id }, 'notification_lease_lost');
      return held;
    }

    try {
      return await deliverAll();
    } catch (err) {
      // The attempts made so far are kept and the endpoint let go, if the database still answers.
      await record(false).catch(() => false);
      throw err;
    }

    async function deliverAll(): Promise<number> {
      // 1. Dead letters queued for replay, one per delivery, oldest first; a failure ends the round.
      let blocked = false;
      const queued = ep.has_replays ? await queuedReplays(deps.db, ep.id, batchSize) : [];
      for (const event of queued) {
        if (!canSend() || turnOver()) {
          blocked = true; // the rest of the replays before any new event: next round
          break;
        }
        const o = await deliver(ep, [event]);
        const n = (event.replay_attempts as number) + 1;
        note([event], n, o, true);
        if (o.delivered) replays.push({ seq: Number(event.seq), status: 'DELIVERED', attempts: n, next: null, error: null });
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

      // 2. New events after the cursor, a delivery at a time, each recorded before the next.
      let more = !blocked;
      while (more && canSend() && !turnOver()) {
        // Over MAGDA every delivery is one event (one question per message).
        const limit = head !== null || magda ? 1 : (window.get(ep.id) ?? (failures > 0 ? 1 : batchSize));
        const events = await eventsAfter(deps.db, ep.organisation_id, cursor, limit);
        if (!events.length) break;
        const first = events[0]!;
        const firstSeq = Number(first.seq);
        if (magda && first.type !== MAGDA_EVENT_TYPE) {
          // No MAGDA message for it: passed over (the pull feed has it), the cursor moves on.
          cursor = firstSeq;
          continue;
        }
        const retried = head !== null && head.seq === firstSeq;
        const attempt = retried ? head!.attempts + 1 : 1 + (firstSeq <= tried ? await earlierAttempts(deps.db, ep.id, firstSeq) : 0);
        const o = await deliver(ep, events);
        note(events, attempt, o, false);
        if (o.delivered) {
          cursor = Number(events[events.length - 1]!.seq);
          head = null;
          window.set(ep.id, Math.min(batchSize, limit * 2));
          more = events.length === limit; // a full delivery: more may be waiting
        } else {
          window.set(ep.id, 1);
          const since = retried ? head!.since : o.at;
          // Given up only once the retry period is over and it failed alone (in a delivery of several, another may be the cause).
          if (events.length === 1 && Date.now() - Date.parse(since) >= retryMs) {
            deadLetters.push({ seq: firstSeq, event_id: first.event_id, attempts: attempt, last_error: o.error });
            log.warn({ endpoint: ep.id, organisationId: ep.organisation_id, seq: firstSeq, attempts: attempt }, 'notification_dead_letter');
            cursor = firstSeq;
            head = null;
            more = true;
          } else {
            head = { seq: firstSeq, attempts: attempt, since };
            nextAttempt = new Date(Date.now() + backoffMs(settings, attempt));
            more = false;
          }
        }
        const keep = more && canSend() && !turnOver();
        if (!(await record(keep)) || !keep) return sent;
      }
      await record(false);
      return sent;
    }
  }

  const failed = (ep: Row) => (err: unknown) => {
    log.error(
      { endpoint: ep.id, error: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : undefined },
      'notification_relay_failed',
    );
    return 0;
  };

  /** One round: serve every endpoint taken (up to `limit`), side by side. */
  async function round(limit: number): Promise<number> {
    const { leasedAt, endpoints } = await claim(limit);
    if (!endpoints.length) return 0;
    const done = await Promise.all(endpoints.map((ep) => serve(ep, leasedAt).catch(failed(ep))));
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
        const { leasedAt, endpoints } = await claim(concurrency - serving.size);
        if (endpoints.length) dirty = true; // there may be more
        for (const ep of endpoints) {
          const p = serve(ep, leasedAt)
            .catch(failed(ep))
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
    if (options.background === false) return;
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
