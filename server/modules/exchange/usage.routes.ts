/** `POST /api/v1/statistics/exchanges`: seed 001's table of exchanges per partner and month, with distinct dossiers beside every count. */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db.ts';
import { typed } from '../../platform/http.ts';
import { exchangeUsage, type UsageInput } from './usage.service.ts';

const PROBLEM = { $ref: 'Problem#' };
const cell = { type: 'object', properties: { exchanges: { type: 'integer' }, dossiers: { type: 'integer' } } } as const;

export function registerUsageRoutes(http: FastifyInstance, db: Db): void {
  const app = typed(http);
  app.post(
    '/api/v1/statistics/exchanges',
    {
      config: { access: 'staff', capability: 'readUsageStatistics' },
      schema: {
        tags: ['Statistics'],
        summary: 'Exchanges with partners per partner and month, per purpose and per cluster (seed 001)',
        description:
          'From the audit trail, where every exchange is recorded once. Every figure is given twice: the number of exchanges and the number of distinct dossiers they concern (seed 000). Months are Belgian calendar months; refused requests are counted apart.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'to'],
          properties: {
            from: { type: 'string', maxLength: 7, description: 'First month, YYYY-MM.' },
            to: { type: 'string', maxLength: 7, description: 'Last month, YYYY-MM (at most 120 months).' },
            partnerKind: { type: 'string', maxLength: 40, description: 'Only partners of this kind (code list organisation_kind).' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'string' },
              to: { type: 'string' },
              months: { type: 'array', items: { type: 'string' } },
              partners: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    organisationId: { type: 'string' },
                    name: { type: 'string' },
                    kind: { type: 'string' },
                    total: cell,
                    byMonth: { type: 'object', additionalProperties: cell },
                  },
                },
              },
              totalByMonth: { type: 'object', additionalProperties: cell },
              total: cell,
              byPurpose: { type: 'array', items: { type: 'object', properties: { purpose: { type: ['string', 'null'] }, ...cell.properties } } },
              byCluster: { type: 'array', items: { type: 'object', properties: { cluster: { type: 'string' }, ...cell.properties } } },
              refused: { type: 'integer' },
            },
          },
          400: PROBLEM,
          403: PROBLEM,
        },
      },
    },
    async (req) => exchangeUsage(db, req.ctx, req.body),
  );
}
