/**
 * The partner exchange API (`/api/exchange/v1`), for partner clients with a bearer token:
 * the consult of a dossier and the integration register. Every INSZ travels in a POST body,
 * never in a URL, so that it cannot land in an access log.
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../dossier/records.ts';
import { integrationSchema } from '../authorisations/authorisations.routes.ts';
import { consultDossier, type ConsultInput } from './consult.service.ts';
import { declareIntegration, endIntegration, partnerIntegrations, presentIntegration, type DeclareInput, type EndInput } from './integrations.service.ts';

const PROBLEM = { $ref: 'Problem#' };
const security = [{ bearer: [] }];
const insz = { type: 'string', maxLength: 15, description: 'INSZ: national register or bis number (dots and dash allowed).' } as const;
const capacityCode = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,20}$', description: 'Hoedanigheidscode (OCMW: 1–9, seed 002).' } as const;

export function registerExchangeRoutes(app: FastifyInstance, deps: Deps): void {
  app.post('/api/exchange/v1/dossiers/consult', {
    schema: {
      tags: ['Exchange'], summary: 'Consult a dossier (KBIDossiers / GeefDossierKBI)', security,
      description: 'Is the person known to KBI, and the clusters your authorisations give you for this purpose today — nothing more. '
        + 'Where an authorisation names capacity codes, the person must be in your integration register today under one of them. '
        + 'With asOf, the dossier as KBI knew it at that moment.',
      body: {
        type: 'object', additionalProperties: false, required: ['insz', 'purpose'],
        properties: { insz, purpose: { type: 'string', maxLength: 60, description: 'Code list purpose, e.g. BEGELEIDING_OCMW_CLIENT.' }, asOf: { type: 'string', format: 'date-time' } },
      },
      response: {
        200: {
          type: 'object', additionalProperties: true,
          properties: {
            known: { type: 'boolean' }, purpose: { type: 'string' }, asOf: { type: ['string', 'null'] },
            clusters: { type: 'array', items: { type: 'string' } },
            authorisations: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, legalBasis: { type: 'string' } } } },
            person: { type: 'object', additionalProperties: true },
            dossier: { type: 'object', additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: true } } },
          },
        },
        400: PROBLEM, 401: PROBLEM, 403: PROBLEM,
      },
    },
  }, async (req) => consultDossier(deps, req.ctx, req.body as ConsultInput));

  app.post('/api/exchange/v1/integrations', {
    schema: {
      tags: ['Exchange'], summary: 'Declare that you have the person in your client register under a capacity code', security,
      description: 'Declaring again while a declaration is open is a no-op (200); a new declaration answers 201.',
      body: {
        type: 'object', additionalProperties: false, required: ['insz', 'capacityCode'],
        properties: { insz, capacityCode, startsOn: { type: 'string', format: 'date', description: 'Default: today.' }, endsOn: { type: ['string', 'null'], format: 'date' } },
      },
      response: { 200: integrationSchema, 201: integrationSchema, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM },
    },
  }, async (req, reply) => {
    const { row, created } = await declareIntegration(deps, req.ctx, req.body as DeclareInput);
    return reply.code(created ? 201 : 200).send(presentIntegration(row));
  });

  app.post('/api/exchange/v1/integrations/end', {
    schema: {
      tags: ['Exchange'], summary: 'End your integration of a person under a capacity code', security,
      body: { type: 'object', additionalProperties: false, required: ['insz', 'capacityCode'], properties: { insz, capacityCode, endsOn: { type: 'string', format: 'date', description: 'Last day; default: today.' } } },
      response: { 200: integrationSchema, 400: PROBLEM, 401: PROBLEM, 404: PROBLEM },
    },
  }, async (req) => presentIntegration(await endIntegration(deps, req.ctx, req.body as EndInput)));

  app.post('/api/exchange/v1/integrations/search', {
    schema: {
      tags: ['Exchange'], summary: 'Your integrations of a person, open and ended', security,
      body: { type: 'object', additionalProperties: false, required: ['insz'], properties: { insz } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: integrationSchema } } }, 400: PROBLEM, 401: PROBLEM },
    },
  }, async (req) => ({ items: (await partnerIntegrations(deps, req.ctx, (req.body as { insz: string }).insz)).map(presentIntegration) }));
}
