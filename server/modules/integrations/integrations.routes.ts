/**
 * The staff side of the integration register: every partner's declarations of a person (privacy
 * officer, administrator) and the administrator's recording of a declaration for a partner. The
 * partners' own side is the exchange API (exchange.routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { typed } from '../../platform/http.ts';
import { integrationSchema } from './integrations.schemas.ts';
import { presentIntegration, recordIntegration, searchIntegrations } from './integrations.service.ts';

const PROBLEM = { $ref: 'Problem#' };

export function registerIntegrationRoutes(http: FastifyInstance, deps: Deps): void {
  const app = typed(http);
  app.post(
    '/api/v1/integrations/search',
    {
      config: { access: 'staff', capability: 'manageAuthorisations' },
      schema: {
        tags: ['Authorisations'],
        summary: "Every partner's integrations of a person (privacy officer, administrator)",
        description: 'A POST, so that the INSZ never appears in a URL.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['insz'],
          properties: { insz: { type: 'string', maxLength: 15 }, organisationId: { type: 'string', format: 'uuid' } },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: integrationSchema } } }, 400: PROBLEM, 403: PROBLEM },
      },
    },
    async (req) => ({ items: (await searchIntegrations(deps, req.ctx, req.body)).map(presentIntegration) }),
  );

  app.post(
    '/api/v1/integrations',
    {
      config: { access: 'staff', capability: 'recordIntegrations' },
      schema: {
        tags: ['Authorisations'],
        summary: "Record a declaration in a partner's integration register (administrator)",
        description:
          "For a client a partner took on before it could declare it itself. A start more than KBI_INTEGRATION_MAX_BACKDATE_DAYS back (28 by default) needs a reason, kept in the audit record and shown in the person's access report; a start in the future is refused.",
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['organisationId', 'insz', 'capacityCode', 'startsOn'],
          properties: {
            organisationId: { type: 'string', format: 'uuid' },
            insz: { type: 'string', maxLength: 15 },
            capacityCode: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,20}$' },
            startsOn: { type: 'string', format: 'date' },
            endsOn: { type: ['string', 'null'], format: 'date' },
            reason: { type: 'string', maxLength: 500 },
          },
        },
        response: { 201: integrationSchema, 200: integrationSchema, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req, reply) => {
      const { row, created } = await recordIntegration(deps, req.ctx, req.body);
      return reply.code(created ? 201 : 200).send(presentIntegration(row));
    },
  );
}
