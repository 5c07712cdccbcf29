/** The administrator's API of partner webhooks: endpoints, delivery log, failing endpoints, dead letters and their replay. */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db.ts';
import { typed } from '../../platform/http.ts';
import {
  getEndpoint,
  listAttempts,
  listDeadLetters,
  listEndpoints,
  MODES,
  TRANSPORTS,
  presentAttempt,
  presentDeadLetter,
  presentEndpoint,
  replayAsAdministrator,
  replayDeadLetters,
  rotateEndpointSecret,
  setEndpoint,
} from './notifications.service.ts';

const PROBLEM = { $ref: 'Problem#' };
const tags = ['Notifications'];
const staff = { access: 'staff', capability: 'manageUsers' } as const;
const uuid = { type: 'string', format: 'uuid' } as const;

const endpointSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    organisationId: { type: 'string' },
    organisationName: { type: ['string', 'null'] },
    url: { type: 'string' },
    mode: { type: 'string', enum: [...MODES] },
    transport: {
      type: 'string',
      enum: [...TRANSPORTS],
      description: 'WEBHOOK: signed JSON POSTs; MAGDA: one signed InvalidatieKBIDossier SOAP question per dossier.invalidated event.',
    },
    active: { type: 'boolean' },
    cursor: { type: 'integer', description: 'Every event of the partner up to this sequence number is delivered or dead-lettered.' },
    retrying: {
      type: ['object', 'null'],
      properties: { seq: { type: 'integer' }, attempts: { type: 'integer' }, since: { type: 'string' }, nextAttemptAt: { type: 'string' } },
    },
    pending: { type: 'integer', description: 'Events after the cursor, not yet delivered.' },
    deadLetters: { type: 'integer', description: 'Dead letters not (yet) delivered by a replay.' },
    failing: { type: 'boolean' },
    failingSince: { type: ['string', 'null'] },
    consecutiveFailures: { type: 'integer' },
    alertedAt: { type: ['string', 'null'] },
    lastSuccessAt: { type: ['string', 'null'] },
    lastError: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    secret: { type: 'string', description: 'The signing secret, shown only when the webhook is created or its secret rotated.' },
  },
} as const;

const attemptSchema = {
  type: 'object',
  description: "One delivery attempt: a POST of one or more of the partner's events, in sequence order.",
  properties: {
    seq: { type: 'integer', description: 'Sequence number of the first event the delivery carried.' },
    lastSeq: { type: 'integer', description: 'Sequence number of the last event the delivery carried.' },
    events: { type: 'integer', description: 'How many events the delivery carried.' },
    eventId: { type: 'string', description: 'Id of the first event the delivery carried.' },
    type: { type: ['string', 'null'], description: 'Type of the first event the delivery carried.' },
    attempt: { type: 'integer', description: 'Which attempt this is for the first event (replays counted apart).' },
    at: { type: 'string' },
    statusCode: { type: ['integer', 'null'] },
    latencyMs: { type: 'integer' },
    delivered: { type: 'boolean' },
    error: { type: ['string', 'null'] },
    replay: { type: 'boolean' },
  },
} as const;

const deadLetterSchema = {
  type: 'object',
  properties: {
    endpointId: { type: 'string' },
    organisationId: { type: 'string' },
    organisationName: { type: 'string' },
    seq: { type: 'integer' },
    eventId: { type: 'string' },
    type: { type: 'string' },
    deadAt: { type: 'string' },
    attempts: { type: 'integer' },
    lastError: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['DEAD', 'QUEUED', 'DELIVERED'] },
    replayRequestedAt: { type: ['string', 'null'] },
    replayAttempts: { type: 'integer' },
    deliveredAt: { type: ['string', 'null'] },
  },
} as const;

const replayBody = {
  type: 'object',
  additionalProperties: false,
  properties: { organisationId: uuid, endpointId: uuid, eventId: uuid },
} as const;

export function registerNotificationRoutes(http: FastifyInstance, db: Db): void {
  const app = typed(http);
  app.get(
    '/api/v1/notifications/endpoints',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Partner webhooks with their delivery state, failing ones first (administrator)',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: endpointSchema } } }, 403: PROBLEM },
      },
    },
    async (req) => ({ items: (await listEndpoints(db, req.ctx)).map(presentEndpoint) }),
  );
  app.put(
    '/api/v1/notifications/endpoints/:organisationId',
    {
      config: staff,
      schema: {
        tags,
        summary: "Register or change a partner organisation's webhook; a new one's signing secret is shown this once",
        description:
          "mode: PUSH (pushed), PULL (the event feed only, nothing pushed) or BOTH. The pull feed answers in every mode. transport: WEBHOOK (default for a new endpoint: signed JSON POSTs of one or more events) or MAGDA (the OCMW's InvalidatieKBIDossier service: one signed SOAP question per dossier.invalidated event; other event types only in the pull feed). A new webhook starts after the events that exist now.",
        params: { type: 'object', required: ['organisationId'], properties: { organisationId: uuid } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: {
            url: { type: 'string', maxLength: 2000 },
            mode: { type: 'string', enum: [...MODES] },
            transport: { type: 'string', enum: [...TRANSPORTS] },
            active: { type: 'boolean' },
          },
        },
        response: { 200: endpointSchema, 201: endpointSchema, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req, reply) => {
      const { row, secret, created } = await setEndpoint(db, req.ctx, req.params.organisationId, req.body);
      return reply.code(created ? 201 : 200).send({ ...presentEndpoint(row), ...(secret ? { secret } : {}) });
    },
  );
  app.post(
    '/api/v1/notifications/endpoints/:id/secret',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Rotate the signing secret of a webhook: the new one is shown this once and signs from the next delivery on',
        params: { type: 'object', required: ['id'], properties: { id: uuid } },
        response: { 200: endpointSchema, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req) => {
      const { row, secret } = await rotateEndpointSecret(db, req.ctx, req.params.id);
      return { ...presentEndpoint(row), secret };
    },
  );
  app.get(
    '/api/v1/notifications/endpoints/:id',
    {
      config: staff,
      schema: {
        tags,
        summary: 'One webhook',
        params: { type: 'object', required: ['id'], properties: { id: uuid } },
        response: { 200: endpointSchema, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req) => presentEndpoint(await getEndpoint(db, req.ctx, req.params.id)),
  );
  app.get(
    '/api/v1/notifications/endpoints/:id/attempts',
    {
      config: staff,
      schema: {
        tags,
        summary: 'The delivery log of a webhook: every attempt with its time, status and latency, newest first',
        params: { type: 'object', required: ['id'], properties: { id: uuid } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: '1 to 1000; default 100.' } },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: attemptSchema } } }, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req) => {
      await getEndpoint(db, req.ctx, req.params.id);
      return { items: (await listAttempts(db, req.ctx, req.params.id, Math.min(1000, Math.max(1, Number(req.query.limit ?? 100))))).map(presentAttempt) };
    },
  );
  app.get(
    '/api/v1/notifications/deadLetters',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Dead letters: events given up after the retry period, not yet delivered by a replay (all=true: those too)',
        querystring: { type: 'object', additionalProperties: false, properties: { endpointId: uuid, all: { type: 'string', enum: ['true', 'false'] } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: deadLetterSchema } } }, 403: PROBLEM },
      },
    },
    async (req) => ({
      items: (await listDeadLetters(db, req.ctx, { endpointId: req.query.endpointId, all: req.query.all === 'true' })).map(presentDeadLetter),
    }),
  );
  app.post(
    '/api/v1/notifications/replay',
    {
      config: staff,
      schema: {
        tags,
        summary: 'Queue dead letters for delivery again (all, or of one partner, webhook or event); the relay sends them before new events',
        body: replayBody,
        response: { 200: { type: 'object', properties: { queued: { type: 'integer' } } }, 400: PROBLEM, 403: PROBLEM },
      },
    },
    async (req) => ({ queued: await replayAsAdministrator(db, req.ctx, req.body ?? {}) }),
  );
}

/** `kbi notifications replay` through the server that holds the embedded database. */
export function registerNotificationOperatorRoutes(http: FastifyInstance, db: Db): void {
  typed(http).post('/api/operator/notifications/replay', { config: { access: 'operator' }, schema: { hide: true, body: replayBody } }, async (req) => ({
    queued: await replayDeadLetters(db, req.ctx.actor.id, req.body ?? {}),
  }));
}
