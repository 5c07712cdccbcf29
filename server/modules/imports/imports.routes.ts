/**
 * The doors of the course feeds: partner clients POST a batch to /api/exchange/v1/imports/…, the
 * body streamed (text/csv, application/json or application/x-ndjson, up to 2 GiB) straight into the import service;
 * the operator's `kbi import` reaches the same service through /api/operator/imports/… while the
 * server holds the embedded database. Administrators list the runs; a partner follows its own.
 */
import { timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { Problem } from '../../platform/errors.ts';
import { OPERATOR } from '../../platform/access.ts';
import type { ImportFormat, ImportKind } from './imports.formats.ts';
import { ROW_ERROR_CODES } from './imports.errors.ts';
import { BATCH_ID, importBatch, listRuns, MAX_IMPORT_BYTES, partnerBatch, runById, type ImportOutcome } from './imports.service.ts';
import { typed } from '../../platform/http.ts';

const PROBLEM = { $ref: 'Problem#' };
const rowError = {
  type: 'object',
  properties: {
    line: { type: ['integer', 'null'] },
    column: { type: ['string', 'null'] },
    code: { type: 'string', enum: ROW_ERROR_CODES, description: 'Stable code of the reason (docs/imports.md); absent in reports written before it existed.' },
    params: { type: 'object', additionalProperties: { type: ['string', 'number'] }, description: 'The values the reason names, e.g. {"line": 12}.' },
    reason: { type: 'string', description: 'The reason in English.' },
  },
} as const;
export const runSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    organisationId: { type: 'string' },
    kind: { type: 'string', enum: ['participations', 'enrolments'] },
    batchId: { type: 'string' },
    contentHash: { type: ['string', 'null'], description: 'sha256 of the bytes sent (hex).' },
    format: { type: 'string' },
    status: { type: 'string', enum: ['running', 'succeeded', 'failed', 'replayed'] },
    rowsTotal: { type: 'integer', description: 'Rows read so far (while running) or in all.' },
    rowsWritten: { type: 'integer', description: 'Rows inserted or changed; rows already stored with the same values are not written again.' },
    rowsInserted: { type: 'integer' },
    rowsUpdated: { type: 'integer' },
    bytesRead: { type: 'integer' },
    errorCount: { type: 'integer', description: 'All errors found; at most 1000 are listed.' },
    replayOf: { type: ['string', 'null'], description: 'For a replayed batch: the run that imported it.' },
    attempts: { type: 'integer' },
    startedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
    errors: {
      type: 'array',
      items: rowError,
      description:
        "Row-level error report: line number (1 = the CSV header; in a JSON array the element's position, 1 = the first), column, reason. Never the values themselves.",
    },
  },
} as const;
const rejectedSchema = {
  type: 'object',
  description: 'Problem details of a rejected batch: nothing was imported; the row-level error report is in `errors`.',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errorCount: { type: 'integer' },
    errors: { type: 'array', items: rowError },
    run: runSchema,
  },
} as const;

/** Either JSON type reads both JSON forms: the reader tells an array from JSON Lines by the first byte. */
const FORMATS: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/json': 'ndjson',
  'application/x-ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
};
const formatOf = (req: FastifyRequest): ImportFormat => {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  const format = FORMATS[type];
  if (!format)
    throw new Problem('unsupportedMediaType', 'send the batch as text/csv, application/json (one array of objects) or application/x-ndjson (JSON Lines)', [
      { in: 'header', name: 'Content-Type', detail: 'not supported' },
    ]);
  return format;
};

/** The upload as the scope's parser hands it over: the raw request stream (never buffered). */
function streamOf(body: unknown): Readable {
  if (!(body instanceof Readable)) throw new Problem('internalServerError', 'the upload did not arrive as a stream');
  return body;
}

function batchIdOf(req: { query: { batchId?: string }; headers: FastifyRequest['headers'] }): string {
  const query = req.query.batchId;
  const header = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
  if (query && header && query !== header)
    throw new Problem('badRequest', 'batchId and Idempotency-Key differ; send one, or both the same', [
      { in: 'header', name: 'Idempotency-Key', detail: 'differs from batchId' },
    ]);
  const id = query ?? header;
  if (!id)
    throw new Problem('badRequest', 'name the batch: ?batchId=… (or the Idempotency-Key header)', [{ in: 'query', name: 'batchId', detail: 'required' }]);
  if (!BATCH_ID.test(id))
    throw new Problem('badRequest', 'batchId: 1 to 100 letters, digits or . _ : -', [{ in: 'query', name: 'batchId', detail: 'malformed' }]);
  return id;
}

function answer(reply: FastifyReply, req: FastifyRequest, outcome: ImportOutcome) {
  if (outcome.status !== 'failed') return reply.code(200).send(outcome.run);
  const { errors, ...run } = outcome.run;
  const problem = new Problem('badRequest', `${run.errorCount} error(s) in the batch; nothing was imported`, undefined, {
    errorCount: run.errorCount,
    errors,
    run: outcome.run,
  });
  return reply
    .code(400)
    .type('application/problem+json')
    .send(problem.body(`urn:uuid:${req.id}`));
}

const KIND_TEXT: Record<ImportKind, string> = {
  participations: 'Participation lesson by lesson: one row per person per lesson (present, absent, absent with justification).',
  enrolments: 'Enrolments in courses: one row per enrolment, keyed by your enrolment number within the course.',
};

export function registerImportRoutes(http: FastifyInstance, deps: Deps, operator: boolean): void {
  const app = typed(http);
  // The uploads live in a scope of their own: there, every body reaches the handler as the raw
  // stream (nothing is buffered, whatever its type), and the body limit is the import's.
  void app.register(async (plain) => {
    const scope = typed(plain);
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    for (const kind of ['participations', 'enrolments'] as const) {
      scope.post(
        `/api/exchange/v1/imports/${kind}`,
        {
          config: { access: 'partner' },
          bodyLimit: MAX_IMPORT_BYTES,
          schema: {
            tags: ['Exchange'],
            summary: `Import a batch of ${kind} (course feed)`,
            security: [{ bearer: [] }],
            description:
              `${KIND_TEXT[kind]} For adult-education centres (CVO, CBE), AHOVOKS and Houses of Dutch. The body is text/csv (header row, UTF-8, ; or ,) ` +
              'or application/json (one array of objects) or application/x-ndjson (one JSON object per line), streamed, up to 2 GiB; columns in docs/imports.md. ' +
              "All or nothing: one bad row and nothing is imported, and the answer (400) lists every bad row by line (in a JSON array: the element's position), column and reason. The same batchId with the same content again answers `replayed` and changes nothing.",
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: { batchId: { type: 'string', maxLength: 100, description: 'Your name for the batch (or send it as Idempotency-Key).' } },
            },
            response: { 200: runSchema, 400: rejectedSchema, 401: PROBLEM, 403: PROBLEM, 409: PROBLEM, 413: PROBLEM, 415: PROBLEM },
          },
        },
        async (req, reply) => {
          const format = formatOf(req);
          const batchId = batchIdOf(req);
          return answer(reply, req, await importBatch(deps, req.ctx, { kind, batchId, format, body: streamOf(req.body) }));
        },
      );
    }
    if (operator) {
      scope.post(
        '/api/operator/imports/:kind',
        {
          config: { access: 'operator' },
          bodyLimit: MAX_IMPORT_BYTES,
          schema: {
            hide: true,
            params: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', enum: ['participations', 'enrolments'] } } },
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: { batchId: { type: 'string', maxLength: 100 }, asOrganisation: { type: 'string', maxLength: 36 } },
            },
          },
        },
        async (req, reply) => {
          const { kind } = req.params;
          const { asOrganisation } = req.query;
          const outcome = await importBatch(deps, req.ctx, {
            kind,
            batchId: batchIdOf(req),
            format: formatOf(req),
            body: streamOf(req.body),
            organisationId: asOrganisation,
          });
          return answer(reply, req, outcome);
        },
      );
    }
  });

  app.get(
    '/api/exchange/v1/imports/:batchId',
    {
      config: { access: 'partner' },
      schema: {
        tags: ['Exchange'],
        summary: 'Your batch: the latest attempt, its progress while running, its error report',
        security: [{ bearer: [] }],
        params: { type: 'object', required: ['batchId'], properties: { batchId: { type: 'string', maxLength: 100 } } },
        querystring: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: ['participations', 'enrolments'] } } },
        response: { 200: runSchema, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req) => partnerBatch(deps, req.ctx, req.params.batchId, req.query.kind),
  );

  app.get(
    '/api/v1/imports',
    {
      config: { access: 'staff', capability: 'readImportRuns' },
      schema: {
        tags: ['Imports'],
        summary: 'Runs of the course feeds, newest first (administrator)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            organisationId: { type: 'string', format: 'uuid' },
            status: { type: 'string', enum: ['running', 'succeeded', 'failed', 'replayed'] },
            limit: { type: 'string', pattern: '^[0-9]{1,3}$', description: 'At most this many runs, 1–500 (default 100).' },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: runSchema } } }, 401: PROBLEM, 403: PROBLEM },
      },
    },
    async (req) => {
      const q = req.query;
      return { items: await listRuns(deps, req.ctx, { ...q, limit: q.limit ? Math.min(500, Math.max(1, Number(q.limit))) : undefined }) };
    },
  );

  app.get(
    '/api/v1/imports/:id',
    {
      config: { access: 'staff', capability: 'readImportRuns' },
      schema: {
        tags: ['Imports'],
        summary: 'One run of a course feed with its error report (administrator)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        response: { 200: runSchema, 401: PROBLEM, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req) => runById(deps, req.ctx, req.params.id),
  );
}
