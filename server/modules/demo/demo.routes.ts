/**
 * Operator endpoint through which `kbi seed` reaches a running embedded server (PGlite allows one
 * process per data directory). Guarded by the token in the server's lock file, readable only by
 * the user who started it; not part of the public API document.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { generateDemoData } from './generator.ts';

export function registerOperatorRoutes(app: FastifyInstance, database: Database, token: string): void {
  const expected = Buffer.from(`Bearer ${token}`);
  app.post('/api/operator/seed', {
    schema: {
      hide: true,
      body: { type: 'object', additionalProperties: false, required: ['persons', 'seed'], properties: { persons: { type: 'integer', minimum: 1, maximum: 10_000_000 }, seed: { type: 'integer', minimum: 0 } } },
    },
  }, async (req) => {
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Problem('unauthenticated', 'operator token required');
    const { persons, seed } = req.body as { persons: number; seed: number };
    return generateDemoData(database, { persons, seed });
  });
}
