/** The privacy officer's view of the audit trail: a person's access report as JSON, CSV or PDF. */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db.ts';
import { personAccessReport, reportCsv, reportPdf } from './audit.report.ts';

export function registerAuditRoutes(app: FastifyInstance, db: Db, acceptTestInsz: boolean): void {
  app.post('/api/v1/audit/personReport', {
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
    const report = await personAccessReport(db, req.ctx, req.body as { insz: string; from?: string; to?: string }, acceptTestInsz);
    const accept = String(req.headers.accept ?? '');
    if (accept.includes('text/csv')) return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="raadplegingen.csv"').send(reportCsv(report));
    if (accept.includes('application/pdf')) return reply.type('application/pdf').header('content-disposition', 'attachment; filename="raadplegingen.pdf"').send(await reportPdf(report));
    return report;
  });
}
