/**
 * Idempotency-Key on creates: the same request sent twice (a retry after a lost answer) creates
 * one record and gets the same answer; the same key with a different request is refused.
 */
import { createHash } from 'node:crypto';
import type { Db, Executor } from './db.ts';
import type { RequestContext } from './access.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from './errors.ts';

export interface StoredAnswer {
  statusCode: number;
  body: unknown;
  headers: Record<string, string>;
}

export const requestHash = (method: string, path: string, body: unknown) =>
  createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');

export function checkKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{8,128}$/.test(key)) {
    throw new Problem('badRequest', 'Idempotency-Key must be 8 to 128 visible ASCII characters', [
      { in: 'header', name: 'Idempotency-Key', detail: 'malformed' },
    ]);
  }
  return key;
}

/** The earlier answer to this key, or null when the key is new. */
export async function replay(db: Db, ctx: RequestContext, key: string, hash: string): Promise<StoredAnswer | null> {
  const row = await db.selectFrom('idempotency_keys').selectAll().where('actor_id', '=', ctx.actor.id).where('key', '=', key).executeTakeFirst();
  if (!row) return null;
  if (row.request_hash !== hash) throw new Problem('idempotencyKeyReused', 'this Idempotency-Key was used for another request; use a new key');
  return { statusCode: row.status_code, body: row.response, headers: row.headers };
}

/** Stores the answer in the transaction that made the change, so both exist or neither. */
export async function remember(
  tx: Executor,
  ctx: RequestContext,
  key: string,
  method: string,
  path: string,
  hash: string,
  answer: StoredAnswer,
): Promise<void> {
  await tx
    .insertInto('idempotency_keys')
    .values({
      key,
      actor_id: ctx.actor.id,
      method,
      path,
      request_hash: hash,
      status_code: answer.statusCode,
      response: JSON.stringify(answer.body),
      headers: JSON.stringify(answer.headers),
    })
    .execute();
}

/**
 * Runs a create under the request's Idempotency-Key, if it has one: a key seen before gets the
 * stored answer (with `Idempotent-Replayed: true`) and nothing runs; otherwise `run` makes the
 * change and calls `store` with its answer inside its own transaction, so that the change and
 * the remembered answer commit together.
 */
export async function idempotentCreate(
  db: Db,
  req: FastifyRequest,
  reply: FastifyReply,
  run: (store: (tx: Executor, answer: StoredAnswer) => Promise<void>) => Promise<StoredAnswer>,
): Promise<FastifyReply> {
  const key = checkKey(req.headers['idempotency-key'] as string | undefined);
  const path = req.url.split('?')[0]!;
  const hash = key ? requestHash(req.method, path, req.body) : '';
  if (key) {
    const earlier = await replay(db, req.ctx, key, hash);
    if (earlier)
      return reply
        .code(earlier.statusCode)
        .headers({ ...earlier.headers, 'Idempotent-Replayed': 'true' })
        .send(earlier.body);
  }
  let answer: StoredAnswer;
  try {
    answer = await run(async (tx, a) => {
      if (key) await remember(tx, req.ctx, key, req.method, path, hash, a);
    });
  } catch (err) {
    // A retry that raced its original (both passed the look-up above): the key's row of the one that
    // committed first refuses this one's, and this one's change rolled back with it. Answer as the
    // replay it is, not with a 409 that would tell the client its record was not made.
    const earlier = key && isKeyTaken(err) ? await replay(db, req.ctx, key, hash) : null;
    if (!earlier) throw err;
    return reply
      .code(earlier.statusCode)
      .headers({ ...earlier.headers, 'Idempotent-Replayed': 'true' })
      .send(earlier.body);
  }
  return reply.code(answer.statusCode).headers(answer.headers).send(answer.body);
}

const isKeyTaken = (err: unknown) =>
  typeof err === 'object' &&
  err !== null &&
  (err as { code?: unknown }).code === '23505' &&
  (err as { constraint?: unknown }).constraint === 'idempotency_keys_pkey';
