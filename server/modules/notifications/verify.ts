/**
 * The signature of KBI's webhooks, and the receiver helper for partners: copy `verifyWebhook` (it
 * needs only node:crypto) into the partner's receiver, or read it as the specification.
 *
 * Every delivery is a POST with a JSON body and three headers:
 * - `X-KBI-Event-Id`: the event's id (a redelivery carries the same id: drop duplicates by it);
 * - `X-KBI-Timestamp`: seconds since 1970 when this attempt was signed;
 * - `X-KBI-Signature`: `v1=` and the lower-case hex HMAC-SHA256, keyed with the endpoint's secret,
 *   of the timestamp, a full stop and the raw body bytes (`${timestamp}.${body}`).
 * A receiver checks the signature over the body exactly as received (before parsing it), compares
 * in constant time, and refuses a timestamp further than the replay window (5 minutes) from its
 * clock, so that a captured delivery cannot be played again later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-kbi-signature';
export const TIMESTAMP_HEADER = 'x-kbi-timestamp';
export const EVENT_ID_HEADER = 'x-kbi-event-id';
/** How far a delivery's timestamp may lie from the receiver's clock, in seconds. */
export const REPLAY_WINDOW_SECONDS = 300;

/** The signature header's value for this body at this timestamp (seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'signature' };

/**
 * Checks a delivery: the signature over `${timestamp}.${body}` with the shared secret, and the
 * timestamp within `toleranceSeconds` of `now` (a replayed old delivery fails). `body` is the raw
 * request body (string or bytes), not a re-serialised object.
 */
export function verifyWebhook(input: {
  secret: string;
  body: string | Buffer;
  timestamp: string | undefined | null;
  signature: string | undefined | null;
  now?: number;
  toleranceSeconds?: number;
}): VerifyResult {
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
