/**
 * The statistics portal's API under /api/v1/statistics: the base sets and their documentation,
 * results as known on any date (JSON, CSV, XLSX), validation, publication and restatement.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../platform/db.ts';
import type { ReadRouter } from '../../platform/replica.ts';
import { typed } from '../../platform/http.ts';
import { setDocumentation } from './statistics.docs.ts';
import { exportResult, type ExportFormat } from './statistics.export.ts';
import { computeResult, getPublication, getSet, listPublications, listSets, publish, restate, validateVersion } from './statistics.service.ts';
import type { SetResult } from './statistics.types.ts';

const PROBLEM = { $ref: 'Problem#' };
const TAGS = ['Statistics'];
const SET_ID = { type: 'string', pattern: '^[a-z][a-zA-Z0-9]{1,60}$', description: 'Id of a base set, e.g. firstContracts.' } as const;
const FORMAT = {
  type: 'string',
  enum: ['json', 'csv', 'xlsx'],
  default: 'json',
  description: 'json (default), csv (tidy: one row per number) or xlsx (a sheet per breakdown, laid out as the answers to parliament).',
} as const;
const LANG = { type: 'string', enum: ['nl', 'fr', 'en'], default: 'nl', description: 'Language of labels in csv and xlsx.' } as const;
const AS_OF = {
  type: 'string',
  maxLength: 40,
  description:
    'The situation on: the figures as KBI knew them at this moment (ISO date or timestamp; a date alone is the end of that Belgian day). Absent: now.',
} as const;
const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

async function send(reply: FastifyReply, result: SetResult, format: ExportFormat, lang: 'nl' | 'fr' | 'en', extra: { provisional?: boolean; name: string }) {
  if (format === 'json') return result;
  const file = await exportResult(result, format, lang, { provisional: extra.provisional });
  return reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${extra.name}.${format}"`).send(file.body);
}

/** `reads`: where the figures are read (a streaming replica when configured, platform/replica.ts); the rest is on `db`. */
export function registerStatisticsRoutes(http: FastifyInstance, db: Db, reads?: ReadRouter): void {
  const app = typed(http);
  const staff = (capability: 'readStatistics' | 'validateStatistics' | 'publishStatistics') => ({ access: 'staff' as const, capability });

  app.get(
    '/api/v1/statistics/sets',
    {
      config: staff('readStatistics'),
      schema: {
        tags: TAGS,
        summary: 'The base sets of the statistics (seed 000 §6), latest version of each, with its breakdowns',
        response: { 200: { type: 'object', properties: { sets: { type: 'array', items: ANY_OBJECT } } }, 403: PROBLEM },
      },
    },
    async (req) => listSets(db, req.ctx),
  );

  app.get(
    '/api/v1/statistics/sets/:setId',
    {
      config: staff('readStatistics'),
      schema: {
        tags: TAGS,
        summary: 'A base set: its definition (population, counting unit, period rule, dimensions, query), versions and validations',
        params: { type: 'object', required: ['setId'], properties: { setId: SET_ID } },
        response: { 200: ANY_OBJECT, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req) => getSet(db, req.ctx, req.params.setId),
  );

  app.get(
    '/api/v1/statistics/sets/:setId/documentation',
    {
      config: staff('readStatistics'),
      schema: {
        tags: TAGS,
        summary: 'The documentation page of a base set, in Markdown (generated from its definition)',
        params: { type: 'object', required: ['setId'], properties: { setId: SET_ID } },
        querystring: { type: 'object', additionalProperties: false, properties: { lang: LANG } },
        response: { 200: { type: 'string' }, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req, reply) => {
      const set = await getSet(db, req.ctx, req.params.setId);
      return reply.header('content-type', 'text/markdown; charset=utf-8').send(setDocumentation(set.definition, set.versions, req.query.lang ?? 'nl'));
    },
  );

  app.get(
    '/api/v1/statistics/sets/:setId/result',
    {
      config: staff('readStatistics'),
      schema: {
        tags: TAGS,
        summary: 'Computes a base set for a year as KBI knew the data at a moment; the same moment gives the same figures forever',
        params: { type: 'object', required: ['setId'], properties: { setId: SET_ID } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['year'],
          properties: {
            year: { type: 'string', pattern: '^[0-9]{4}$', description: 'The reference year (Belgian calendar year), e.g. 2022.' },
            asOf: AS_OF,
            version: { type: 'string', pattern: '^[1-9][0-9]{0,5}$', description: 'A version of the definition (default: the latest).' },
            format: FORMAT,
            lang: LANG,
          },
        },
        response: { 200: ANY_OBJECT, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const version = q.version === undefined ? undefined : Number(q.version);
      const result = await computeResult(db, req.ctx, { setId: req.params.setId, year: Number(q.year), asOf: q.asOf, version }, reads);
      return send(reply, result, q.format ?? 'json', q.lang ?? 'nl', { name: `${req.params.setId}-${q.year}-${result.asOf.slice(0, 10)}` });
    },
  );

  app.post(
    '/api/v1/statistics/sets/:setId/versions/:version/validations',
    {
      config: staff('validateStatistics'),
      schema: {
        tags: TAGS,
        summary: 'Declares a version of a base set valid (content and scope checked); once per person and version',
        params: { type: 'object', required: ['setId', 'version'], properties: { setId: SET_ID, version: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' } } },
        body: { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 2000 } } },
        response: { 201: ANY_OBJECT, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM },
      },
    },
    async (req, reply) => reply.code(201).send(await validateVersion(db, req.ctx, req.params.setId, Number(req.params.version), req.body?.note ?? null)),
  );

  app.post(
    '/api/v1/statistics/publications',
    {
      config: staff('publishStatistics'),
      schema: {
        tags: TAGS,
        summary: 'Publishes a base set for a year as known at a cut-off: the figures are frozen with their definition version and SHA-256',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['setId', 'year', 'asOf', 'provisional'],
          properties: {
            setId: SET_ID,
            year: { type: 'integer', minimum: 2000, maximum: 2100 },
            asOf: AS_OF,
            provisional: { type: 'boolean', description: 'The figures may still change (e.g. "onder voorbehoud").' },
            threshold: {
              type: 'integer',
              minimum: 2,
              maximum: 100,
              description: 'Small-cell protection: withhold cells below this count, and the cells that would give them away.',
            },
          },
        },
        response: { 201: ANY_OBJECT, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 422: PROBLEM },
      },
    },
    async (req, reply) => reply.code(201).send(await publish(db, req.ctx, req.body)),
  );

  app.get(
    '/api/v1/statistics/publications',
    {
      config: staff('readStatistics'),
      schema: {
        tags: TAGS,
        summary: 'Publications, newest first',
        querystring: { type: 'object', additionalProperties: false, properties: { setId: SET_ID } },
        response: { 200: { type: 'object', properties: { publications: { type: 'array', items: ANY_OBJECT } } }, 403: PROBLEM },
      },
    },
    async (req) => listPublications(db, req.ctx, req.query.setId),
  );

  app.get(
    '/api/v1/statistics/publications/:publicationId',
    {
      config: staff('readStatistics'),
      schema: {
        tags: TAGS,
        summary: 'A publication with its frozen figures',
        params: { type: 'object', required: ['publicationId'], properties: { publicationId: { type: 'string', format: 'uuid' } } },
        querystring: { type: 'object', additionalProperties: false, properties: { format: FORMAT, lang: LANG } },
        response: { 200: ANY_OBJECT, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req, reply) => {
      const pub = await getPublication(db, req.ctx, req.params.publicationId);
      const format = req.query.format ?? 'json';
      if (format === 'json') return pub;
      return send(reply, pub.result, format, req.query.lang ?? 'nl', {
        provisional: pub.provisional,
        name: `${pub.setId}-${pub.year}-${pub.asOf.slice(0, 10)}`,
      });
    },
  );

  app.get(
    '/api/v1/statistics/publications/:publicationId/restatement',
    {
      config: staff('readStatistics'),
      schema: {
        tags: TAGS,
        summary: 'A publication recomputed as known later: the cells that moved, by how much, and the record corrections behind them',
        params: { type: 'object', required: ['publicationId'], properties: { publicationId: { type: 'string', format: 'uuid' } } },
        querystring: { type: 'object', additionalProperties: false, properties: { asOf: AS_OF } },
        response: {
          200: {
            type: 'object',
            properties: {
              publication: ANY_OBJECT,
              asOf: { type: 'string' },
              unchanged: { type: 'boolean', description: 'Recomputed as of the cut-off, the figures equal the published ones (same SHA-256).' },
              cells: { type: 'array', items: ANY_OBJECT },
              corrections: { type: 'array', items: ANY_OBJECT },
            },
          },
          400: PROBLEM,
          403: PROBLEM,
          404: PROBLEM,
        },
      },
    },
    async (req) => restate(db, req.ctx, req.params.publicationId, req.query.asOf, reads),
  );
}

/**
 * The operator's side (door 'operator'): `kbi report` reaching a running embedded server through
 * the token of its lock file; not part of the public API document.
 */
export function registerStatisticsOperatorRoutes(http: FastifyInstance, db: Db, reads?: ReadRouter): void {
  const app = typed(http);
  app.post(
    '/api/operator/statistics/result',
    {
      config: { access: 'operator' },
      schema: {
        hide: true,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['setId', 'year'],
          properties: { setId: SET_ID, year: { type: 'integer' }, asOf: AS_OF },
        },
      },
    },
    async (req) => computeResult(db, req.ctx, req.body, reads),
  );
}
