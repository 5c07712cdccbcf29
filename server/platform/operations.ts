/**
 * The operator's probes: liveness (the process answers; no database), readiness (the database
 * answers and its schema is this build's), and the Prometheus metrics (door 'monitoring': a
 * scraper's bearer token `KBI_METRICS_TOKEN`, or the CLI's operator token). docs/OPERATIONS.md.
 * The OpenAPI document describes them under the tag Operations.
 */
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Database } from './db.ts';
import { Problem } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { MIGRATIONS } from '../../migrations/index.ts';

/** How long readiness waits for the database before it answers 503. */
const READY_TIMEOUT_MS = 2000;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What readiness checks: null when ready, else why not (no personal data, no SQL text). */
export async function unreadiness(database: Database): Promise<string | null> {
  let applied: string[];
  try {
    const rows = await withTimeout(sql<{ name: string }>`SELECT name FROM kbi_migration`.execute(database.db), READY_TIMEOUT_MS);
    applied = rows.rows.map((r) => r.name);
  } catch (e) {
    return (e as Error).message === 'timeout' ? `the database did not answer within ${READY_TIMEOUT_MS} ms` : 'the database does not answer';
  }
  const known = Object.keys(MIGRATIONS);
  const missing = known.filter((name) => !applied.includes(name));
  if (missing.length) return `the database schema lacks ${missing.length} migration(s) of this build (first: ${missing[0]}); run \`npx kbi migrate\``;
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length)
    return `the database schema has ${unknown.length} migration(s) this build does not know (first: ${unknown[0]}): a newer version migrated it`;
  return null;
}

const tags = ['Operations'];
const statusBody = { type: 'object', properties: { status: { type: 'string' } } } as const;

export function registerOperationsRoutes(http: FastifyInstance, database: Database, metrics: Metrics): void {
  http.get(
    '/api/health/live',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Liveness: the process answers (no database involved)', security: [], response: { 200: statusBody } },
    },
    async () => ({ status: 'live' }),
  );
  http.get(
    '/api/health/ready',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Readiness: the database answers and has exactly the migrations of this build; 503 problem+json otherwise',
        security: [],
        response: { 200: statusBody, 503: { $ref: 'Problem#' } },
      },
    },
    async () => {
      const why = await unreadiness(database);
      if (why) throw new Problem('serviceUnavailable', why);
      return { status: 'ready' };
    },
  );
  http.get(
    '/api/metrics',
    {
      config: { access: 'monitoring' },
      schema: {
        tags,
        summary: 'Prometheus metrics (text exposition format): requests by route, latency, outbox, import runs, database pool, process',
        description: 'Send `Authorization: Bearer <KBI_METRICS_TOKEN>`. Names and alerts: docs/OPERATIONS.md.',
        security: [{ bearer: [] }],
        response: { 200: { type: 'string' }, 401: { $ref: 'Problem#' } },
      },
    },
    async (_req, reply) => {
      const text = await metrics.render();
      return reply.type(metrics.contentType).send(text);
    },
  );
}
