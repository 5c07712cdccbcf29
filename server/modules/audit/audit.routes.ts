/** The privacy officer's view of the audit trail: a person's access report as JSON, CSV or PDF, and the search of the whole trail. */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db.ts';
import { personAccessReport, reportCsv, reportPdf } from './audit.report.ts';
import { DEFAULT_LIMIT, MAX_LIMIT, searchAudit, type AuditSearchInput } from './audit.search.ts';
import { typed } from '../../platform/http.ts';

const auditLine = {
  type: 'object',
  properties: {
    id: { type: 'integer', description: 'Order of writing across the lanes of the chain.' }, lane: { type: 'integer' }, seq: { type: 'integer', description: 'Position in the lane.' }, at: { type: 'string', format: 'date-time' }, actorId: { type: 'string' }, actorKind: { type: 'string' },
    organisationId: { type: ['string', 'null'] }, purpose: { type: ['string', 'null'] }, action: { type: 'string' }, personId: { type: ['string', 'null'] },
    clusters: { type: 'array', items: { type: 'string' } }, result: { type: 'string', enum: ['allowed', 'denied'] }, requestId: { type: ['string', 'null'] },
  },
} as const;

export function registerAuditRoutes(http: FastifyInstance, db: Db, acceptTestInsz: boolean): void {
  const app = typed(http);
  app.post('/api/v1/audit/personReport', {
    config: { access: 'staff', capability: 'readAudit' },
    schema: {
      tags: ['Audit'], summary: 'Who accessed a person\'s dossier, when and for which purpose (privacy officer)',
      description: 'The INSZ travels in the body, never in a URL. Answers JSON, or CSV (Accept: text/csv) or PDF (Accept: application/pdf).',
      body: {
        type: 'object', additionalProperties: false, required: ['insz'],
        properties: { insz: { type: 'string', maxLength: 15 }, from: { type: 'string', format: 'date-time' }, to: { type: 'string', format: 'date-time' } },
      },
      response: {
        200: {
          type: 'object', properties: {
            generatedAt: { type: 'string' }, from: { type: ['string', 'null'] }, to: { type: ['string', 'null'] },
            items: { type: 'array', items: { type: 'object', additionalProperties: true } },
          },
        },
        400: { $ref: 'Problem#' }, 403: { $ref: 'Problem#' },
      },
    },
  }, async (req, reply) => {
    const report = await personAccessReport(db, req.ctx, req.body, acceptTestInsz);
    const accept = String(req.headers.accept ?? '');
    if (accept.includes('text/csv')) return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="raadplegingen.csv"').send(reportCsv(report));
    if (accept.includes('application/pdf')) return reply.type('application/pdf').header('content-disposition', 'attachment; filename="raadplegingen.pdf"').send(await reportPdf(report));
    return report;
  });

  app.post('/api/v1/audit/search', {
    config: { access: 'staff', capability: 'readAudit' },
    schema: {
      tags: ['Audit'], summary: 'Search the audit trail, newest first (privacy officer)',
      description: 'Filters combine (AND). `action` is one action or, ending in `*`, every action with that prefix. `insz` finds the accesses about that person, '
        + 'also under an earlier INSZ and after the person was removed. The answer holds ids, never names or INSZ. Paged on the order of writing (id): pass `next` back as `cursor`. The search is itself audited.',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          from: { type: 'string', maxLength: 40, description: 'From this moment on (date-time with offset), inclusive.' },
          to: { type: 'string', maxLength: 40, description: 'Before this moment (date-time with offset), exclusive.' },
          actorId: { type: 'string', minLength: 1, maxLength: 140, pattern: '^[A-Za-z0-9:._@-]+$', description: 'E.g. user:<uuid>, partner:<client id>, system:operator.' },
          organisationId: { type: 'string', format: 'uuid' },
          action: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._ /:-]+\\*?$' },
          result: { type: 'string', enum: ['allowed', 'denied'] },
          insz: { type: 'string', maxLength: 15 },
          limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
          cursor: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: auditLine }, next: { type: ['string', 'null'] } } }, 400: { $ref: 'Problem#' }, 403: { $ref: 'Problem#' } },
    },
  }, async (req) => searchAudit(db, req.ctx, (req.body ?? {}) as AuditSearchInput, acceptTestInsz));
}
