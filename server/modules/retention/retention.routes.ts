/**
 * The operator's side (door 'operator'): `kbi purge` reaching a running server that holds the
 * embedded data directory, through the token of its lock file; not part of the public API document.
 * Only on the embedded database: on PostgreSQL the server works as the application role, which may
 * not remove history or audit rows, and `kbi purge` connects as the owner itself.
 */
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../platform/db.ts';
import { typed } from '../../platform/http.ts';
import { purge } from './retention.service.ts';

export function registerRetentionOperatorRoutes(http: FastifyInstance, database: Database): void {
  if (database.kind !== 'pglite') return;
  typed(http).post(
    '/api/operator/retention/purge',
    {
      config: { access: 'operator' },
      schema: {
        hide: true,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['today', 'dryRun'],
          properties: { today: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, dryRun: { type: 'boolean' } },
        },
      },
    },
    async (req) => purge(database.db, { today: req.body.today, dryRun: req.body.dryRun, log: req.log }),
  );
}
