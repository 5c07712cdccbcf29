/** The privacy officer's view of the audit trail: a person's access report as JSON, CSV or PDF, and the search of the whole trail. */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db.ts';
import { integrationAnomalies } from './audit.anomalies.ts';
import { reportPdf } from './audit.letter.ts';
import { personAccessReport, reportCsv } from './audit.report.ts';
import { verifyAuditChain } from './audit.verify.ts';
import { DEFAULT_LIMIT, MAX_LIMIT, searchAudit, type AuditSearchInput } from './audit.search.ts';
import { typed } from '../../platform/http.ts';

const auditLine = {
  type: 'object',
  properties: {
    id: { type: 'integer', description: 'Order of writing across the lanes of the chain.' },
    lane: { type: 'integer' },
    seq: { type: 'integer', description: 'Position in the lane.' },
    at: { type: 'string', format: 'date-time' },
    actorId: { type: 'string' },
    actorKind: { type: 'string' },
    organisationId: { type: ['string', 'null'] },
    purpose: { type: ['string', 'null'] },
    action: { type: 'string' },
    personId: { type: ['string', 'null'] },
    clusters: { type: 'array', items: { type: 'string' } },
    result: { type: 'string', enum: ['allowed', 'denied'] },
    requestId: { type: ['string', 'null'] },
    actorName: { type: 'string', description: "Who acted, in words: the staff member's name, the partner's organisation, KBI itself, or not logged in." },
    organisationName: { type: ['string', 'null'] },
    actionText: { type: 'string', description: 'The action in words, in the language asked.' },
    purposeText: { type: 'string', description: "The purpose stated with the access, or that of the staff member's task; never empty." },
    purposeStated: { type: 'boolean' },
    legalBasisText: { type: 'string' },
    resultText: { type: 'string' },
    clusterTexts: { type: 'array', items: { type: 'string' } },
  },
} as const;

const consultation = {
  type: 'object',
  properties: {
    ...auditLine.properties,
    firstAt: { type: 'string', format: 'date-time', description: 'When the consultation began (its oldest row).' },
    actions: { type: 'array', items: { type: 'string' } },
    lines: { type: 'array', items: auditLine, description: 'The rows of the consultation, newest first.' },
  },
} as const;

export function registerAuditRoutes(http: FastifyInstance, db: Db, acceptTestInsz: boolean): void {
  const app = typed(http);
  app.post(
    '/api/v1/audit/personReport',
    {
      config: { access: 'staff', capability: 'readAudit' },
      schema: {
        tags: ['Audit'],
        summary: "Who accessed a person's dossier, when and for which purpose (privacy officer)",
        description:
          'The INSZ travels in the body, never in a URL. One line per consultation, with purpose, legal basis, action and data in words. ' +
          'Answers JSON, or CSV (Accept: text/csv) or, with Accept: application/pdf, a letter to send to the person as it is (GDPR art. 15), in the language of `lang`.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['insz'],
          properties: {
            insz: { type: 'string', maxLength: 15 },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            lang: { type: 'string', enum: ['nl', 'fr', 'en'], default: 'nl', description: 'The language of the words and of the letter (default Dutch).' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              generatedAt: { type: 'string' },
              lang: { type: 'string' },
              from: { type: ['string', 'null'] },
              to: { type: ['string', 'null'] },
              person: {
                type: 'object',
                additionalProperties: true,
                description: 'The name if KBI knows the person, and the INSZ masked but for its last digits.',
              },
              madeBy: { type: ['string', 'null'] },
              items: { type: 'array', items: { type: 'object', additionalProperties: true } },
              declarations: {
                type: 'array',
                description: "Every declaration of the person in a partner's integration register: each opens that partner's access from its start.",
                items: { type: 'object', additionalProperties: true },
              },
            },
          },
          400: { $ref: 'Problem#' },
          403: { $ref: 'Problem#' },
        },
      },
    },
    async (req, reply) => {
      const report = await personAccessReport(db, req.ctx, req.body, acceptTestInsz);
      const accept = String(req.headers.accept ?? '');
      const name = { nl: 'raadplegingen', fr: 'consultations', en: 'consultations' }[report.lang];
      if (accept.includes('text/csv'))
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(reportCsv(report));
      if (accept.includes('application/pdf'))
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${name}-${report.lang}.pdf"`)
          .send(await reportPdf(report));
      return report;
    },
  );

  app.get(
    '/api/v1/audit/integrationAnomalies',
    {
      config: { access: 'staff', capability: 'readAudit' },
      schema: {
        tags: ['Audit'],
        summary: 'Anomalies of the integration register: partners declaring unusually many persons, declarations never used (privacy officer)',
        description:
          'volume: partners with at least `minimum` new declarations in the last `days` and more than three times the median of the other partners of their kind. ' +
          'unused: declarations made in the window, older than `graceDays`, through which the partner never consulted the person (no consult, appointment or referral since). Ids and codes only; the reading is audited.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            days: { type: 'string', pattern: '^[0-9]{1,3}$', description: 'The window, in days back from now (1–366, default 30).' },
            minimum: { type: 'string', pattern: '^[0-9]{1,7}$', description: 'Fewest new declarations that can count as unusually many (default 20).' },
            graceDays: { type: 'string', pattern: '^[0-9]{1,3}$', description: 'Days a declaration may go unused before it is listed (default 7).' },
          },
        },
        response: { 200: { type: 'object', additionalProperties: true }, 400: { $ref: 'Problem#' }, 403: { $ref: 'Problem#' } },
      },
    },
    async (req) => {
      const number = (v: string | undefined) => (v === undefined ? undefined : Number(v));
      return integrationAnomalies(db, req.ctx, { days: number(req.query.days), minimum: number(req.query.minimum), graceDays: number(req.query.graceDays) });
    },
  );

  app.post(
    '/api/v1/audit/search',
    {
      config: { access: 'staff', capability: 'readAudit' },
      schema: {
        tags: ['Audit'],
        summary: 'Search the audit trail, newest first (privacy officer)',
        description:
          'Filters combine (AND). `action` is one action or, ending in `*`, every action with that prefix. `insz` finds the accesses about that person, ' +
          'also under an earlier INSZ and after the person was removed. Each line names who acted and says what, why and with which result in words; ' +
          'the person concerned is an id, never a name or INSZ. Paged on the order of writing (id): pass `next` back as `cursor`. The search is itself audited.',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'string', maxLength: 40, description: 'From this moment on (date-time with offset), inclusive.' },
            to: { type: 'string', maxLength: 40, description: 'Before this moment (date-time with offset), exclusive.' },
            actorId: {
              type: 'string',
              minLength: 1,
              maxLength: 140,
              pattern: '^[A-Za-z0-9:._@-]+$',
              description: 'E.g. user:<uuid>, partner:<client id>, system:operator.',
            },
            organisationId: { type: 'string', format: 'uuid' },
            action: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._ /:-]+\\*?$' },
            result: { type: 'string', enum: ['allowed', 'denied'] },
            insz: { type: 'string', maxLength: 15 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
            cursor: { type: 'string', minLength: 1, maxLength: 200 },
            lang: { type: 'string', enum: ['nl', 'fr', 'en'], default: 'nl', description: 'The language of the words (actionText, purposeText, …).' },
            includeAnonymous: {
              type: 'boolean',
              default: false,
              description: 'Also the requests refused before anybody was identified (no session, no token); left out by default.',
            },
            group: {
              type: 'boolean',
              default: false,
              description:
                'One line per consultation: consecutive rows of the same actor about the same person, in one request or within a few seconds (a dossier and its timeline), with their rows in `lines`.',
            },
          },
        },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: consultation }, next: { type: ['string', 'null'] } } },
          400: { $ref: 'Problem#' },
          403: { $ref: 'Problem#' },
        },
      },
    },
    async (req) => searchAudit(db, req.ctx, req.body ?? {}, acceptTestInsz),
  );
}

/**
 * The operator's side (door 'operator'): `kbi audit verify` and `kbi audit person` reaching a running
 * embedded server through the token of its lock file; not part of the public API document.
 */
export function registerAuditOperatorRoutes(http: FastifyInstance, db: Db): void {
  const app = typed(http);
  const config = { access: 'operator' } as const;
  app.post(
    '/api/operator/audit/person',
    {
      config,
      schema: {
        hide: true,
        body: {
          type: 'object',
          required: ['insz'],
          properties: { insz: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, lang: { type: 'string', enum: ['nl', 'fr', 'en'] } },
        },
      },
    },
    async (req) => {
      return personAccessReport(db, req.ctx, req.body);
    },
  );
  app.post('/api/operator/audit/verify', { config, schema: { hide: true } }, async () => {
    return verifyAuditChain(db);
  });
}
