/**
 * The transactional outbox (migration 0013): what a partner must learn of — the agency's decision
 * on its referral, an expiry, each step of an appointment it requested — is written here in the
 * transaction of the change itself, so that a change and its event exist together or not at all.
 * The partner reads its own events through the pull feed; a webhook dispatcher reads the same rows.
 * An event carries ids, status, codes and dates only: never a name, an INSZ or free text.
 */
import type { RequestContext } from './access.ts';
import type { Executor, Row } from './db.ts';
import { Problem } from './errors.ts';

export type EventType =
  | 'referral.decided'
  | 'referral.expired'
  | 'appointment.planned'
  | 'appointment.held'
  | 'appointment.cancelled'
  | 'infringement.transferred'
  /** Written by the dossier triggers (migration 0028), never by enqueueEvent: a dossier changed in clusters the partner may read. */
  | 'dossier.invalidated';

export interface OutboxEvent {
  /** The recipient partner organisation. */
  organisationId: string;
  type: EventType;
  /** The referral, appointment or infringement case it is about. */
  subjectId: string;
  personId: string | null;
  payload: Record<string, string | number | boolean | null>;
}

/**
 * Adds an event in the caller's transaction (the one that makes the change). The row locks the
 * outbox head until commit; write the event before the transaction's audit rows (lock order:
 * outbox_head, then audit_chain_head), as every writer here does, so that two writers never wait
 * on each other.
 */
export async function enqueueEvent(tx: Executor, ctx: RequestContext, event: OutboxEvent): Promise<void> {
  await tx
    .insertInto('outbox_events')
    .values({
      organisation_id: event.organisationId,
      type: event.type,
      subject_id: event.subjectId,
      person_id: event.personId,
      payload: JSON.stringify(event.payload),
      request_id: ctx.requestId,
    })
    .execute();
}

/** An event as the pull feed and the webhooks show it; `eventId` is the same in every delivery of it. */
export const presentEvent = (r: Row) => ({ eventId: r.event_id, seq: Number(r.seq), at: r.at, type: r.type, subjectId: r.subject_id, payload: r.payload });

export const MAX_FEED_PAGE = 500;

/** Parses the `after` and `limit` of the pull feed, naming the bad parameter. */
export function feedParams(query: { after?: string; limit?: string }): { after: number; limit: number } {
  const after = query.after === undefined ? 0 : Number(query.after);
  if (!Number.isSafeInteger(after) || after < 0)
    throw new Problem('badRequest', 'after: a sequence number (0 or more)', [{ in: 'query', name: 'after', detail: 'not a sequence number' }]);
  const limit = query.limit === undefined ? 100 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FEED_PAGE) {
    throw new Problem('badRequest', `limit: from 1 to ${MAX_FEED_PAGE}`, [{ in: 'query', name: 'limit', detail: `from 1 to ${MAX_FEED_PAGE}` }]);
  }
  return { after, limit };
}

/**
 * The recipient's events after `after`, in order. `next` is the cursor to ask with next time (the
 * last sequence number of this page, or `after` again when there is nothing new); `more` says
 * whether the next page is already waiting. Sequence numbers are in commit order without gaps, so
 * nothing is skipped between two polls.
 */
export async function eventsAfter(db: Executor, organisationId: string, after: number, limit: number) {
  const rows = await db
    .selectFrom('outbox_events')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(presentEvent);
  return { items, next: String(items.length ? items[items.length - 1]!.seq : after), more: rows.length > limit };
}
