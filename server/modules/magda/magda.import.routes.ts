/**
 * The operator's door to the import of GeefDossierKBI answers: `kbi import … --kind magda-dossiers`
 * sends its files here while a running server holds the embedded data directory (otherwise it
 * imports directly). Not a partner's or a caseworker's route: dossiers of a legacy system are loaded
 * by the operator.
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { importMagdaDossiers } from './magda.import.ts';

/** Largest batch sent through a running server (some 20,000 dossiers); larger ones are imported with the server stopped. */
export const MAGDA_IMPORT_BODY_LIMIT = 256 * 1024 * 1024;

export function registerMagdaImportRoutes(http: FastifyInstance, deps: Deps): void {
  http.post<{
    Body: { batchId: string; organisationId: string; conversationsRelevantFor?: string[]; files: { name: string; xml: string }[] };
  }>(
    '/api/operator/imports/magda-dossiers',
    {
      config: { access: 'operator' },
      bodyLimit: MAGDA_IMPORT_BODY_LIMIT,
      schema: {
        hide: true,
        body: {
          type: 'object',
          required: ['batchId', 'organisationId', 'files'],
          additionalProperties: false,
          properties: {
            batchId: { type: 'string', maxLength: 100 },
            organisationId: { type: 'string', maxLength: 36 },
            conversationsRelevantFor: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 40 } },
            files: {
              type: 'array',
              maxItems: 100000,
              items: {
                type: 'object',
                required: ['name', 'xml'],
                additionalProperties: false,
                properties: { name: { type: 'string', maxLength: 1000 }, xml: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    async (req, reply) => {
      const result = await importMagdaDossiers(deps, req.ctx, req.body);
      return reply.code(result.status === 'failed' ? 422 : 200).send(result);
    },
  );
}
