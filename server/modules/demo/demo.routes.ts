/**
 * Operator endpoints (door 'operator') through which `kbi seed` and `kbi users add` reach a running embedded server (PGlite allows one
 * process per data directory). Guarded by the token in the server's lock file, readable only by
 * the user who started it; not part of the public API document.
 */
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db.ts';
import { generateDemoData } from './generator.ts';
import { addAccountAsOperator } from '../access/access.service.ts';
import { typed } from '../../platform/http.ts';

export function registerOperatorRoutes(http: FastifyInstance, database: Database): void {
  const app = typed(http);
  const config = { access: 'operator' } as const;
  app.post(
    '/api/operator/seed',
    {
      config,
      schema: {
        hide: true,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['persons', 'seed'],
          properties: { persons: { type: 'integer', minimum: 1, maximum: 10_000_000 }, seed: { type: 'integer', minimum: 0 } },
        },
      },
    },
    async (req) => {
      const { persons, seed } = req.body;
      return generateDemoData(database, { persons, seed });
    },
  );
  app.post(
    '/api/operator/users',
    {
      config,
      schema: {
        hide: true,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'displayName', 'role', 'password'],
          properties: {
            username: { type: 'string' },
            displayName: { type: 'string' },
            role: { type: 'string' },
            password: { type: 'string' },
            organisationId: { type: 'string', format: 'uuid' },
          },
        },
      },
    },
    async (req) => {
      const row = await addAccountAsOperator(database.db, req.body);
      return { id: row.id, username: row.username, role: row.role };
    },
  );
}
