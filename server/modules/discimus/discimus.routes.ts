/** Staff routes of the DISCIMUS queries: ask (honouring Idempotency-Key) and list every query of a person. */
import type { FastifyInstance } from 'fastify';
import { checkKey, remember, replay, requestHash } from '../../platform/idempotency.ts';
import type { Deps } from '../../platform/deps.ts';
import { personParams } from '../dossier/schemas.ts';
import type { DiscimusClient } from './discimus.client.ts';
import { DISCIMUS_CLUSTER, askDiscimus, discimusQueriesOf, presentQuery } from './discimus.service.ts';
import { typed } from '../../platform/http.ts';

const PROBLEM = { $ref: 'Problem#' };
/** A Problem (serviceUnavailable) that also names the recorded failed query. */
const UNAVAILABLE = {
  type: 'object',
  additionalProperties: true,
  description: 'RFC 9457 problem (code serviceUnavailable) with queryId: the failed query, recorded.',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    queryId: { type: 'string' },
  },
} as const;

const querySchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    personId: { type: 'string' },
    askedAt: { type: 'string' },
    askedBy: { type: 'string' },
    schoolYear: { type: 'string' },
    status: { type: 'string', enum: ['answered', 'failed'] },
    enrolled: { type: ['boolean', 'null'] },
    answer: { type: ['object', 'null'], additionalProperties: true },
    answeredAt: { type: ['string', 'null'] },
    error: { type: ['string', 'null'] },
  },
} as const;

export function registerDiscimusRoutes(http: FastifyInstance, deps: Deps, client: DiscimusClient): void {
  const app = typed(http);
  const path = '/api/v1/persons/:personId/discimusQueries';
  app.post(
    path,
    {
      config: { access: 'staff', permission: { action: 'create', cluster: DISCIMUS_CLUSTER } },
      schema: {
        tags: ['DISCIMUS'],
        summary: 'Ask DISCIMUS whether this minor is enrolled in a school',
        description:
          'KBI asks the education database and keeps the query and its answer (or its failure) with their times; earlier queries are never overwritten (seed 000). ' +
          'When DISCIMUS does not answer, the failed query is recorded and the answer is 503 with its queryId. Honours Idempotency-Key.',
        params: personParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { schoolYear: { type: 'string', maxLength: 9, description: 'YYYY-YYYY; default: the current school year (from 1 September).' } },
        },
        response: { 201: querySchema, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 422: PROBLEM, 503: UNAVAILABLE },
      },
    },
    async (req, reply) => {
      const key = checkKey(req.headers['idempotency-key'] as string | undefined);
      const url = req.url.split('?')[0]!;
      const hash = key ? requestHash(req.method, url, req.body ?? {}) : '';
      if (key) {
        const earlier = await replay(deps.db, req.ctx, key, hash);
        if (earlier)
          return reply
            .code(earlier.statusCode as 201)
            .headers({ ...earlier.headers, 'Idempotent-Replayed': 'true' })
            .send(earlier.body);
      }
      const { personId } = req.params;
      const row = await askDiscimus(deps, client, req.ctx, personId, req.body ?? {}, async (tx, stored) => {
        if (key) await remember(tx, req.ctx, key, req.method, url, hash, { statusCode: 201, body: presentQuery(stored), headers: {} });
      });
      return reply.code(201).send(presentQuery(row));
    },
  );
  app.get(
    path,
    {
      config: { access: 'staff', permission: { action: 'read', cluster: DISCIMUS_CLUSTER } },
      schema: {
        tags: ['DISCIMUS'],
        summary: 'Every DISCIMUS query about this person, newest first, each with its answer or failure',
        params: personParams,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: querySchema } } }, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req) => ({ items: (await discimusQueriesOf(deps, req.ctx, req.params.personId)).map(presentQuery) }),
  );
}
