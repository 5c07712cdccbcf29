/**
 * The signature of KBI's webhooks, and the receiver helper for partners: copy `verifyWebhook` and
 * `readWebhook` (they need only node:crypto) into the partner's receiver, or read them as the
 * specification.
 *
 * Every delivery is a POST whose body is a JSON array of one or more of the partner's events, in
 * sequence order (the shape of the pull feed's items), with two headers:
 * - `X-KBI-Timestamp`: seconds since 1970 when this attempt was signed;
 * - `X-KBI-Signature`: `v1=` and the lower-case hex HMAC-SHA256, keyed with the endpoint's secret,
 *   of the timestamp, a full stop and the raw body bytes (`${timestamp}.${body}`).
 * A receiver checks the signature over the body exactly as received (before parsing it), compares
 * in constant time, and refuses a timestamp further than the replay window (5 minutes) from its
 * clock, so that a captured delivery cannot be played again later. It answers 2xx only once it has
 * stored every event of the delivery: the answer acknowledges them all, and anything else has the
 * whole delivery sent again. An event may arrive more than once (at least once): always with the
 * same `eventId`, by which the receiver drops the duplicate.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-kbi-signature';
export const TIMESTAMP_HEADER = 'x-kbi-timestamp';
/** How far a delivery's timestamp may lie from the receiver's clock, in seconds. */
export const REPLAY_WINDOW_SECONDS = 300;

/** An event as a delivery carries it (the pull feed's items). */
export interface WebhookEvent {
  /** The same in every delivery of this event: drop a duplicate by it. */
  eventId: string;
  /** One sequence for all partners, in commit order: a partner's own events have gaps, never a reordering. */
  seq: number;
  at: string;
  type: string;
  subjectId: string;
  payload: Record<string, unknown>;
}

/** The signature header's value for this body at this timestamp (seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'signature' };

export interface WebhookInput {
  secret: string;
  /** The raw request body (string or bytes), not a re-serialised object. */
  body: string | Buffer;
  timestamp: string | undefined | null;
  signature: string | undefined | null;
  now?: number;
  toleranceSeconds?: number;
}

/**
 * Checks a delivery: the signature over `${timestamp}.${body}` with the shared secret, and the
 * timestamp within `toleranceSeconds` of `now` (a replayed old delivery fails).
 */
export function verifyWebhook(input: WebhookInput): VerifyResult {
  const { secret, timestamp, signature } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^v1=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed' };
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? REPLAY_WINDOW_SECONDS)) return { ok: false, reason: 'expired' };
  const body = typeof input.body === 'string' ? input.body : input.body.toString('utf8');
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'signature' };
}

/**
 * Verifies a delivery, then reads its events (in sequence order). A body that is signed but not an
 * array of events is `malformed`: answer it with a 4xx, not a 2xx.
 */
export function readWebhook(input: WebhookInput): { ok: true; events: WebhookEvent[] } | { ok: false; reason: Exclude<VerifyResult, { ok: true }>['reason'] } {
  const check = verifyWebhook(input);
  if (!check.ok) return check;
  let events: unknown;
  try {
    events = JSON.parse(typeof input.body === 'string' ? input.body : input.body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const isEvent = (e: unknown): e is WebhookEvent =>
    typeof e === 'object' && e !== null && typeof (e as WebhookEvent).eventId === 'string' && Number.isSafeInteger((e as WebhookEvent).seq);
  if (!Array.isArray(events) || events.length === 0 || !events.every(isEvent)) return { ok: false, reason: 'malformed' };
  return { ok: true, events };
}
