/** Administration of authorisations (privacy officer, administrator). */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db.ts';
import type { CodeLists } from '../../platform/codes.ts';
import { versionFromIfMatch } from '../../platform/http.ts';
import type { Deps } from '../../platform/deps.ts';
import { typed } from '../../platform/http.ts';
import {
  AUTHORISABLE_CLUSTERS,
  createAuthorisation,
  getAuthorisation,
  listAuthorisations,
  presentAuthorisation,
  updateAuthorisation,
  type AuthorisationInput,
} from './authorisations.service.ts';

const PROBLEM = { $ref: 'Problem#' };
const nullableDate = { type: ['string', 'null'], format: 'date' } as const;
const fields = {
  partnerOrganisationId: { type: ['string', 'null'], format: 'uuid', description: 'One partner organisation …' },
  partnerKind: { type: ['string', 'null'], maxLength: 40, description: '… or every partner of a kind (code list organisation_kind).' },
  purpose: { type: 'string', maxLength: 60, description: 'Code list purpose.' },
  clusters: {
    type: 'array',
    minItems: 1,
    maxItems: AUTHORISABLE_CLUSTERS.length,
    uniqueItems: true,
    items: { type: 'string', enum: [...AUTHORISABLE_CLUSTERS] },
  },
  legalBasis: { type: 'string', minLength: 3, maxLength: 500, description: 'The act or deliberation the exchange rests on.' },
  reference: { type: ['string', 'null'], maxLength: 200, description: 'E.g. the deliberation number and date.' },
  startsOn: { type: 'string', format: 'date' },
  endsOn: nullableDate,
  capacityCodes: {
    type: 'array',
    maxItems: 50,
    uniqueItems: true,
    items: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,20}$' },
    description: 'Only for persons the partner integrated under one of these codes on the day of the consultation; empty: no integration needed.',
  },
  description: { type: ['string', 'null'], maxLength: 2000 },
} as const;
const authorisationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    ...fields,
    version: { type: 'integer' },
    recordedAt: { type: 'string' },
    recordedBy: { type: 'string' },
    supersededAt: { type: 'string' },
    supersededBy: { type: 'string' },
  },
} as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

export function registerAuthorisationRoutes(http: FastifyInstance, db: Db, codes: CodeLists, deps: Deps): void {
  const app = typed(http);
  app.get(
    '/api/v1/authorisations',
    {
      config: { access: 'staff', capability: 'manageAuthorisations' },
      schema: {
        tags: ['Authorisations'],
        summary: 'Authorisations of partners (privacy officer, administrator)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            partnerOrganisationId: { type: 'string', format: 'uuid' },
            partnerKind: { type: 'string', maxLength: 40 },
            on: { type: 'string', format: 'date', description: 'Only those in force on this day.' },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: authorisationSchema } } }, 403: PROBLEM },
      },
    },
    async (req) => ({ items: (await listAuthorisations(db, req.ctx, req.query)).map(presentAuthorisation) }),
  );

  app.get(
    '/api/v1/authorisations/:id',
    {
      config: { access: 'staff', capability: 'manageAuthorisations' },
      schema: {
        tags: ['Authorisations'],
        summary: 'One authorisation with every earlier version',
        params: idParams,
        response: {
          200: { type: 'object', properties: { ...authorisationSchema.properties, versions: { type: 'array', items: authorisationSchema } } },
          403: PROBLEM,
          404: PROBLEM,
        },
      },
    },
    async (req, reply) => {
      const { current, versions } = await getAuthorisation(db, req.ctx, req.params.id);
      return reply.header('etag', `"${current.version}"`).send({ ...presentAuthorisation(current), versions: versions.map(presentAuthorisation) });
    },
  );

  app.post(
    '/api/v1/authorisations',
    {
      config: { access: 'staff', capability: 'manageAuthorisations' },
      schema: {
        tags: ['Authorisations'],
        summary: 'Grant an authorisation',
        body: { type: 'object', additionalProperties: false, required: ['purpose', 'clusters', 'legalBasis', 'startsOn'], properties: fields },
        response: { 201: authorisationSchema, 400: PROBLEM, 403: PROBLEM },
      },
    },
    async (req, reply) => {
      const row = await createAuthorisation(db, codes, req.ctx, req.body);
      return reply.code(201).header('etag', `"${row.version}"`).send(presentAuthorisation(row));
    },
  );

  app.patch(
    '/api/v1/authorisations/:id',
    {
      config: { access: 'staff', capability: 'manageAuthorisations' },
      schema: {
        tags: ['Authorisations'],
        summary: 'Change an authorisation (e.g. end it); send If-Match. The old version stays in the history.',
        params: idParams,
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: fields },
        response: { 200: authorisationSchema, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 412: PROBLEM, 428: PROBLEM },
      },
    },
    async (req, reply) => {
      const version = versionFromIfMatch(req.headers['if-match']);
      const row = await updateAuthorisation(db, codes, req.ctx, req.params.id, version, req.body);
      return reply.header('etag', `"${row.version}"`).send(presentAuthorisation(row));
    },
  );
}
