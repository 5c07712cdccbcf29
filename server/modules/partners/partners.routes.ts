/** Partner clients (administration) and the exchange API's token endpoint. */
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db.ts';
import formbody from '@fastify/formbody';
import { Problem } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/access.ts';
import { demand } from '../access/access.service.ts';
import type { NoticeCache } from '../../platform/notice-cache.ts';
import {
  bindCertificate,
  issueToken,
  listCertificates,
  presentCertificate,
  presentClient,
  registerClient,
  rotateSecret,
  setClientActive,
  unbindCertificate,
  type ClientState,
} from './partners.service.ts';
import { typed } from '../../platform/http.ts';
import type { ThrottleSettings } from '../../platform/throttle.ts';

const PROBLEM = { $ref: 'Problem#' };
const clientSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    clientId: { type: 'string' },
    organisationId: { type: 'string' },
    active: { type: 'boolean' },
    version: { type: 'integer' },
    secretRotatedAt: { type: ['string', 'null'] },
    recordedAt: { type: 'string' },
    recordedBy: { type: 'string' },
    clientSecret: { type: 'string' },
  },
} as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const certificateSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    partnerClientId: { type: 'string' },
    fingerprint: { type: 'string', description: 'SHA-256 of the certificate (DER), lower-case hex' },
    subject: { type: ['string', 'null'] },
    notBefore: { type: 'string', format: 'date-time' },
    notAfter: { type: 'string', format: 'date-time' },
    version: { type: 'integer' },
    recordedAt: { type: 'string' },
    recordedBy: { type: 'string' },
  },
} as const;

export function registerPartnerClientRoutes(http: FastifyInstance, database: Database, clients: NoticeCache<ClientState>, throttle?: ThrottleSettings): void {
  const app = typed(http);
  app.get(
    '/api/v1/partnerClients',
    {
      config: { access: 'staff', capability: 'manageUsers' },
      schema: {
        tags: ['Partners'],
        summary: 'Partner API clients (administrator)',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: clientSchema } } }, 403: PROBLEM },
      },
    },
    async (req) => {
      registerCheck(req.ctx);
      return { items: (await database.db.selectFrom('partner_clients').selectAll().orderBy('client_id').execute()).map(presentClient) };
    },
  );
  app.post(
    '/api/v1/partnerClients',
    {
      config: { access: 'staff', capability: 'manageUsers' },
      schema: {
        tags: ['Partners'],
        summary: 'Register an API client for a partner organisation; the secret is shown this once',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['organisationId', 'clientId'],
          properties: { organisationId: { type: 'string', format: 'uuid' }, clientId: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{2,99}$' } },
        },
        response: { 201: clientSchema, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM },
      },
    },
    async (req, reply) => {
      const { client, secret } = await registerClient(database, req.ctx, req.body);
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...presentClient(client), clientSecret: secret });
    },
  );
  app.post(
    '/api/v1/partnerClients/:id/secret',
    {
      config: { access: 'staff', capability: 'manageUsers' },
      schema: {
        tags: ['Partners'],
        summary: 'Rotate the secret: a new one is shown this once; the old one stops working (after an optional grace period)',
        params: idParams,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { graceSeconds: { type: 'integer', minimum: 0, maximum: 86_400 } } },
        response: { 200: clientSchema, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req, reply) => {
      const { client, secret } = await rotateSecret(database, req.ctx, req.params.id, req.body?.graceSeconds ?? 0);
      clients.drop(client.client_id); // its tokens are revoked at once in this process; the others hear of it by notification
      return reply.header('cache-control', 'no-store').send({ ...presentClient(client), clientSecret: secret });
    },
  );
  app.patch(
    '/api/v1/partnerClients/:id',
    {
      config: { access: 'staff', capability: 'manageUsers' },
      schema: {
        tags: ['Partners'],
        summary: 'Enable or disable a client',
        params: idParams,
        body: { type: 'object', additionalProperties: false, required: ['active'], properties: { active: { type: 'boolean' } } },
        response: { 200: clientSchema, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req) => {
      const client = await setClientActive(database, req.ctx, req.params.id, req.body.active);
      clients.drop(client.client_id); // at once in this process; the others hear of it by notification
      return presentClient(client);
    },
  );
  app.get(
    '/api/v1/partnerClients/:id/certificates',
    {
      config: { access: 'staff', capability: 'manageUsers' },
      schema: {
        tags: ['Partners'],
        summary: 'The client certificates bound to a partner client (administrator)',
        params: idParams,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: certificateSchema } } }, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req) => ({ items: (await listCertificates(database, req.ctx, req.params.id)).map(presentCertificate) }),
  );
  app.post(
    '/api/v1/partnerClients/:id/certificates',
    {
      config: { access: 'staff', capability: 'manageUsers' },
      schema: {
        tags: ['Partners'],
        summary: 'Bind a client certificate to a partner client',
        description:
          'Where TLS ends at the KBI server (KBI_TLS_CLIENT_CA), a certificate that chains to the client CA and is bound here stands for the client instead of a bearer token, between notBefore and notAfter. ' +
          'Give the certificate (PEM; its fingerprint and dates are read from it, the dates may be narrowed) or its SHA-256 fingerprint with both dates. A certificate stands for one client only.',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            certificate: { type: 'string', maxLength: 20_000 },
            fingerprint: { type: 'string', pattern: '^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$' },
            notBefore: { type: 'string', format: 'date-time' },
            notAfter: { type: 'string', format: 'date-time' },
          },
        },
        response: { 201: certificateSchema, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM },
      },
    },
    async (req, reply) => reply.code(201).send(presentCertificate(await bindCertificate(database, req.ctx, req.params.id, req.body))),
  );
  app.delete(
    '/api/v1/partnerClients/:id/certificates/:certificateId',
    {
      config: { access: 'staff', capability: 'manageUsers' },
      schema: {
        tags: ['Partners'],
        summary: 'Unbind a client certificate: from the next request on it stands for nobody',
        params: {
          type: 'object',
          required: ['id', 'certificateId'],
          properties: { id: { type: 'string', format: 'uuid' }, certificateId: { type: 'string', format: 'uuid' } },
        },
        response: { 204: { type: 'null' }, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req, reply) => {
      await unbindCertificate(database, req.ctx, req.params.id, req.params.certificateId);
      return reply.code(204).send();
    },
  );

  // Form bodies (RFC 6749) only here: the rest of the API accepts JSON alone.
  app.register(async (plain) => {
    const scope = typed(plain);
    await scope.register(formbody);
    scope.post(
      '/api/exchange/v1/oauth/token',
      {
        config: { access: 'public' },
        schema: {
          tags: ['Exchange'],
          summary: 'OAuth 2.0 client-credentials grant: a 5-minute bearer token for a partner client',
          security: [],
          description: 'Client id and secret by HTTP Basic authentication or in the form body (application/x-www-form-urlencoded or JSON).',
          body: {
            type: 'object',
            required: ['grant_type'],
            properties: {
              grant_type: { type: 'string', enum: ['client_credentials'] },
              client_id: { type: 'string', maxLength: 100 },
              client_secret: { type: 'string', maxLength: 200 },
              scope: { type: 'string' },
            },
          },
          response: {
            200: { type: 'object', properties: { access_token: { type: 'string' }, token_type: { type: 'string' }, expires_in: { type: 'integer' } } },
            400: PROBLEM,
            401: PROBLEM,
          },
        },
      },
      async (req, reply) => {
        const body = req.body;
        let clientId = body.client_id,
          secret = body.client_secret;
        const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
        if (basic) {
          const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
          const colon = decoded.indexOf(':');
          clientId = decodeURIComponent(decoded.slice(0, colon));
          secret = decodeURIComponent(decoded.slice(colon + 1));
        }
        if (!clientId || !secret) throw new Problem('unauthenticated', 'client credentials missing', undefined, { error: 'invalid_client' });
        return reply.header('cache-control', 'no-store').send(await issueToken(database, req.id, clientId, secret, throttle));
      },
    );
  });

  app.get(
    '/api/exchange/v1/whoami',
    {
      config: { access: 'partner' },
      schema: {
        tags: ['Exchange'],
        summary: 'The partner client and organisation the bearer token stands for',
        security: [{ bearer: [] }],
        response: { 200: { type: 'object', properties: { clientId: { type: 'string' }, organisationId: { type: 'string' } } }, 401: PROBLEM },
      },
    },
    async (req) => ({ clientId: req.ctx.actor.id.replace(/^partner:/, ''), organisationId: req.ctx.actor.organisationId }),
  );
}

function registerCheck(ctx: RequestContext) {
  demand(ctx, 'manageUsers', 'partnerClients.list', 'only an administrator manages partner clients');
}
