/**
 * Change notifications for partners (issue 16), the administrator's side: a partner's webhook
 * (URL, signing secret, push / pull / both), its delivery log, the failing endpoints and the dead
 * letters with their replay. The events themselves are written by the database in the transaction
 * of each change (migration 0028) and pushed by the relay (notifications.relay.ts).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { inTransaction, type Db, type Row } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { demand } from '../access/access.service.ts';

export const MODES = ['PUSH', 'PULL', 'BOTH'] as const;
export type Mode = (typeof MODES)[number];
/** WEBHOOK: signed JSON POSTs of one or more events; MAGDA: one signed InvalidatieKBIDossier question per dossier.invalidated event. */
export const TRANSPORTS = ['WEBHOOK', 'MAGDA'] as const;
export type Transport = (typeof TRANSPORTS)[number];

const requireAdministrator = (ctx: RequestContext) => demand(ctx, 'manageUsers', 'notifications.manage', 'only an administrator manages partner webhooks');

const isLoopback = (host: string) => ['localhost', '[::1]', '::1'].includes(host) || host.startsWith('127.');

/** A webhook URL: https, or http to this machine (tests, a local relay); no credentials, no fragment. */
export function checkWebhookUrl(raw: string): string {
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    /* below */
  }
  const bad = (detail: string) => new Problem('badRequest', `url: ${detail}`, [{ in: 'body', name: 'url', detail }]);
  if (!url || !['http:', 'https:'].includes(url.protocol)) throw bad('not an http(s) URL');
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) throw bad('must use https (http only on a loopback address)');
  if (url.username || url.password || url.hash) throw bad('no credentials or fragment in the URL');
  return url.toString();
}

export const presentEndpoint = (r: Row) => ({
  id: r.id,
  organisationId: r.organisation_id,
  organisationName: r.organisation_name ?? null,
  url: r.url,
  mode: r.mode,
  transport: r.transport,
  active: r.active,
  cursor: Number(r.cursor_seq),
  retrying: r.head_seq === null ? null : { seq: Number(r.head_seq), attempts: r.head_attempts, since: r.head_since, nextAttemptAt: r.next_attempt_at },
  pending: Number(r.pending ?? 0),
  deadLetters: Number(r.dead_letters ?? 0),
  /** Failed `alertAfter` times in a row and not recovered since (alerted). */
  failing: r.alerted_at !== null,
  failingSince: r.failing_since,
  consecutiveFailures: r.consecutive_failures,
  alertedAt: r.alerted_at,
  lastSuccessAt: r.last_success_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const endpointsQuery = (db: Db) =>
  db
    .selectFrom('notification_endpoints as e')
    .innerJoin('organisations as o', 'o.id', 'e.organisation_id')
    .selectAll('e')
    .select([
      'o.name as organisation_name',
      sql<number>`(SELECT count(*) FROM outbox_events x WHERE x.organisation_id = e.organisation_id AND x.seq > e.cursor_seq)::int`.as('pending'),
      sql<number>`(SELECT count(*) FROM notification_dead_letters d WHERE d.endpoint_id = e.id AND d.status <> 'DELIVERED')::int`.as('dead_letters'),
    ]);

/** Every partner webhook, failing ones first. */
export async function listEndpoints(db: Db, ctx: RequestContext): Promise<Row[]> {
  requireAdministrator(ctx);
  return endpointsQuery(db)
    .orderBy(sql`e.alerted_at IS NULL`)
    .orderBy('o.name')
    .execute();
}

export async function getEndpoint(db: Db, ctx: RequestContext, id: string): Promise<Row> {
  requireAdministrator(ctx);
  const row = await endpointsQuery(db).where('e.id', '=', id).executeTakeFirst();
  if (!row) throw new Problem('resourceNotFound', 'no such webhook');
  return row;
}

export interface EndpointInput {
  url: string;
  mode?: Mode;
  transport?: Transport;
  active?: boolean;
}

/**
 * Registers or changes an organisation's webhook. A new one gets a signing secret, returned this
 * once, and starts after the events that exist now (earlier ones are in the pull feed).
 */
export async function setEndpoint(
  db: Db,
  ctx: RequestContext,
  organisationId: string,
  input: EndpointInput,
): Promise<{ row: Row; secret: string | null; created: boolean }> {
  requireAdministrator(ctx);
  const url = checkWebhookUrl(input.url);
  const org = await db.selectFrom('organisations').select(['id', 'kind']).where('id', '=', organisationId).executeTakeFirst();
  if (!org) throw new Problem('resourceNotFound', 'no such organisation');
  return inTransaction(db, ctx.actor.id, async (tx) => {
    const existing = await tx.selectFrom('notification_endpoints').select('id').where('organisation_id', '=', organisationId).forUpdate().executeTakeFirst();
    let secret: string | null = null;
    if (existing) {
      await tx
        .updateTable('notification_endpoints')
        .set({ url, mode: input.mode, transport: input.transport, active: input.active, updated_at: sql<string>`now()`, next_attempt_at: sql<string>`now()` })
        .where('id', '=', existing.id)
        .execute();
    } else {
      secret = randomBytes(32).toString('base64url');
      await tx
        .insertInto('notification_endpoints')
        .values({
          organisation_id: organisationId,
          url,
          secret,
          mode: input.mode ?? 'BOTH',
          transport: input.transport ?? 'WEBHOOK',
          active: input.active ?? true,
          // The newest committed event (seq is gapless in commit order). Not outbox_head: the serving
          // processes' role (kbi_app) may not read it, only the sequence trigger keeps it.
          cursor_seq: sql<number>`(SELECT coalesce(max(seq), 0) FROM outbox_events)`,
        })
        .execute();
    }
    await recordAudit(tx, ctx, {
      action: existing ? 'notifications.endpoint.update' : 'notifications.endpoint.create',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: { organisationId, mode: input.mode ?? null, transport: input.transport ?? null, active: input.active ?? null },
    });
    const row = await endpointsQuery(tx as unknown as Db)
      .where('e.organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow();
    return { row, secret, created: !existing };
  });
}

/** A new signing secret, returned this once; the old one stops at once. */
export async function rotateEndpointSecret(db: Db, ctx: RequestContext, id: string): Promise<{ row: Row; secret: string }> {
  requireAdministrator(ctx);
  const secret = randomBytes(32).toString('base64url');
  return inTransaction(db, ctx.actor.id, async (tx) => {
    const changed = await tx
      .updateTable('notification_endpoints')
      .set({ secret, updated_at: sql<string>`now()` })
      .where('id', '=', id)
      .executeTakeFirst();
    if (!Number(changed.numUpdatedRows)) throw new Problem('resourceNotFound', 'no such webhook');
    await recordAudit(tx, ctx, { action: 'notifications.endpoint.rotateSecret', personId: null, clusters: [], result: 'allowed', detail: { endpointId: id } });
    return {
      row: await endpointsQuery(tx as unknown as Db)
        .where('e.id', '=', id)
        .executeTakeFirstOrThrow(),
      secret,
    };
  });
}

/** One delivery attempt: the events it carried (the first's id and type, the first and last sequence number, how many). */
export const presentAttempt = (r: Row) => ({
  seq: Number(r.seq),
  lastSeq: Number(r.last_seq),
  events: r.events,
  eventId: r.event_id,
  type: r.type ?? null,
  attempt: r.attempt,
  at: r.at,
  statusCode: r.status_code,
  latencyMs: r.latency_ms,
  delivered: r.delivered,
  error: r.error,
  replay: r.replay,
});

/** The delivery log of a webhook (every attempt, with the type of its first event), newest first. */
export async function listAttempts(db: Db, ctx: RequestContext, endpointId: string, limit = 100): Promise<Row[]> {
  requireAdministrator(ctx);
  return db
    .selectFrom('notification_attempts as a')
    .leftJoin('outbox_events as o', 'o.seq', 'a.seq')
    .selectAll('a')
    .select('o.type')
    .where('a.endpoint_id', '=', endpointId)
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute();
}

export const presentDeadLetter = (r: Row) => ({
  endpointId: r.endpoint_id,
  organisationId: r.organisation_id,
  organisationName: r.organisation_name,
  seq: Number(r.seq),
  eventId: r.event_id,
  type: r.type,
  deadAt: r.dead_at,
  attempts: r.attempts,
  lastError: r.last_error,
  status: r.status,
  replayRequestedAt: r.replay_requested_at,
  replayAttempts: r.replay_attempts,
  deliveredAt: r.delivered_at,
});

/** Dead letters (not yet delivered by a replay unless `all`), oldest first. */
export async function listDeadLetters(db: Db, ctx: RequestContext, filter: { endpointId?: string; all?: boolean } = {}): Promise<Row[]> {
  requireAdministrator(ctx);
  let q = db
    .selectFrom('notification_dead_letters as d')
    .innerJoin('notification_endpoints as e', 'e.id', 'd.endpoint_id')
    .innerJoin('organisations as o', 'o.id', 'e.organisation_id')
    .innerJoin('outbox_events as x', 'x.seq', 'd.seq')
    .selectAll('d')
    .select(['e.organisation_id', 'o.name as organisation_name', 'x.type']);
  if (filter.endpointId) q = q.where('d.endpoint_id', '=', filter.endpointId);
  if (!filter.all) q = q.where('d.status', '<>', 'DELIVERED');
  return q.orderBy('d.endpoint_id').orderBy('d.seq').limit(1000).execute();
}

export interface ReplayFilter {
  /** Only this partner organisation's dead letters. */
  organisationId?: string;
  /** Only this webhook's. */
  endpointId?: string;
  /** Only this event. */
  eventId?: string;
}

/** Queues dead letters for delivery again (the relay sends them before the endpoint's next events); returns how many. */
export async function replayDeadLetters(db: Db, actorId: string, filter: ReplayFilter): Promise<number> {
  return inTransaction(db, actorId, async (tx) => {
    let q = tx
      .updateTable('notification_dead_letters as d')
      .set({ status: 'QUEUED', replay_requested_at: sql<string>`now()`, replay_requested_by: actorId, replay_attempts: 0, next_attempt_at: sql<string>`now()` })
      .where('d.status', '=', 'DEAD');
    if (filter.endpointId) q = q.where('d.endpoint_id', '=', filter.endpointId);
    if (filter.eventId) q = q.where('d.event_id', '=', filter.eventId);
    if (filter.organisationId)
      q = q.where('d.endpoint_id', 'in', (s) => s.selectFrom('notification_endpoints').select('id').where('organisation_id', '=', filter.organisationId!));
    const res = await q.executeTakeFirst();
    const n = Number(res.numUpdatedRows);
    // Wake the endpoints now rather than at their next planned attempt.
    if (n)
      await sql`UPDATE notification_endpoints SET next_attempt_at = now() WHERE id IN (SELECT endpoint_id FROM notification_dead_letters WHERE status = 'QUEUED') AND head_seq IS NULL`.execute(
        tx,
      );
    return n;
  });
}

/** The administrator's replay (audited). */
export async function replayAsAdministrator(db: Db, ctx: RequestContext, filter: ReplayFilter): Promise<number> {
  requireAdministrator(ctx);
  const n = await replayDeadLetters(db, ctx.actor.id, filter);
  await recordAudit(db, ctx, { action: 'notifications.replay', personId: null, clusters: [], result: 'allowed', detail: { ...filter, queued: n } });
  return n;
}
