/** Caseworker API for persons, their dossier and every cluster, plus the reference data they point to. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext, RoutePermission } from '../../platform/access.ts';
import { Problem } from '../../platform/errors.ts';
import { idempotentCreate } from '../../platform/idempotency.ts';
import type { Row } from '../../platform/db.ts';
import { DOSSIER_RESOURCES, PERSON_RESOURCE, REFERENCE_RESOURCES, camel, type FieldDef, type ResourceDef } from './clusters.ts';
import { isAllowed } from '../access/access.service.ts';
import { typed } from '../../platform/http.ts';
import { createRecord, deleteRecord, getRecord, listForPerson, listReference, updateRecord, versionsOf } from './records.ts';
import type { Deps } from '../../platform/deps.ts';
import { etagOf, versionFromIfMatch } from '../../platform/http.ts';
import { present } from './clusters.ts';
import { createBody, generatedObject, idParams, listQuery, pageOf, patchBody, personParams, recordSchema } from './schemas.ts';
import { dossierTimeline, readDossier, searchPersons } from './dossier.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
}

const PROBLEM = { $ref: 'Problem#' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, PROBLEM]));

function limitOf(query: { limit?: string }): number {
  const n = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new Problem('badRequest', 'limit: must be from 1 to 500', [{ in: 'query', name: 'limit', detail: 'must be from 1 to 500' }]);
  return n;
}

function asOfOf(query: { asOf?: string }): string | null {
  if (query.asOf === undefined) return null;
  const t = Date.parse(query.asOf);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(query.asOf) || Number.isNaN(t)) {
    throw new Problem('badRequest', 'asOf: must be a date-time with offset, e.g. 2023-01-15T00:00:00Z', [
      { in: 'query', name: 'asOf', detail: 'not a date-time with offset' },
    ]);
  }
  return query.asOf;
}

/** A staff route on a resource, and the rule-book right it needs (checked by the door before the body is read). */
const may = (def: ResourceDef, action: RoutePermission['action']) => ({
  access: 'staff' as const,
  permission: { action, cluster: def.cluster, table: def.table },
});

export function registerDossierRoutes(http: FastifyInstance, deps: Deps): void {
  const app = typed(http);
  const tagOf = (def: ResourceDef) => (def.personScoped ? 'Dossier clusters' : def.table === 'persons' ? 'Persons' : 'Reference data');

  /** POST that creates a record, honouring Idempotency-Key; answers 201 with Location and ETag. */
  async function create(req: FastifyRequest, reply: FastifyReply, def: ResourceDef, personId: string | null, body: Record<string, unknown>) {
    return idempotentCreate(deps.db, req, reply, async (store) => {
      let answer = { statusCode: 201, body: {} as unknown, headers: {} as Record<string, string> };
      await createRecord(deps, req.ctx, def, personId, body, async (tx, row) => {
        answer = { statusCode: 201, body: present(def, row), headers: { location: `/api/v1/${def.resource}/${row.id}`, etag: etagOf(row) } };
        await store(tx, answer);
      });
      return answer;
    });
  }

  const single = (def: ResourceDef) => {
    const base = `/api/v1/${def.resource}/:id`;
    app.get(
      base,
      {
        config: may(def, 'read'),
        schema: {
          tags: [tagOf(def)],
          summary: `Read a ${def.title.toLowerCase()}`,
          params: idParams,
          response: { 200: recordSchema(def), ...errors(400, 404) },
        },
      },
      async (req, reply) => {
        const row = await getRecord(deps, req.ctx, def, req.params.id);
        return reply.header('etag', etagOf(row)).send(present(def, row));
      },
    );
    app.patch(
      base,
      {
        config: may(def, 'update'),
        schema: {
          tags: [tagOf(def)],
          summary: `Change a ${def.title.toLowerCase()}`,
          description: 'Send If-Match with the ETag you read. A stale ETag gets 412 and changes nothing. The old version stays in the history.',
          params: idParams,
          body: patchBody(def),
          response: { 200: recordSchema(def), ...errors(400, 404, 412, 422, 428) },
        },
      },
      async (req, reply) => {
        const version = versionFromIfMatch(req.headers['if-match']);
        const row = await updateRecord(deps, req.ctx, def, req.params.id, version, req.body);
        return reply.header('etag', etagOf(row)).send(present(def, row));
      },
    );
    app.delete(
      base,
      {
        config: may(def, 'delete'),
        schema: {
          tags: [tagOf(def)],
          summary: `Remove a ${def.title.toLowerCase()}`,
          description: 'Send If-Match. The removed record stays in the history (asOf reads still show it).',
          params: idParams,
          response: { 204: { type: 'null' }, ...errors(404, 409, 412, 428) },
        },
      },
      async (req, reply) => {
        await deleteRecord(deps, req.ctx, def, req.params.id, versionFromIfMatch(req.headers['if-match']));
        return reply.code(204).send();
      },
    );
    app.get(
      `${base}/versions`,
      {
        config: may(def, 'read'),
        schema: {
          tags: [tagOf(def)],
          summary: `Every version of a ${def.title.toLowerCase()}`,
          params: idParams,
          response: { 200: pageOf(recordSchema(def)), ...errors(404) },
        },
      },
      async (req) => ({ items: (await versionsOf(deps, req.ctx, def, req.params.id)).map((r) => present(def, r)), next: null }),
    );
  };

  // Persons
  app.post(
    '/api/v1/persons',
    {
      config: may(PERSON_RESOURCE, 'create'),
      schema: {
        tags: ['Persons'],
        summary: 'Register a person',
        body: createBody(PERSON_RESOURCE),
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string' } } },
        response: { 201: recordSchema(PERSON_RESOURCE), ...errors(400, 409, 422) },
      },
    },
    (req, reply) => create(req, reply, PERSON_RESOURCE, null, req.body),
  );
  app.post(
    '/api/v1/persons/search',
    {
      config: may(PERSON_RESOURCE, 'search'),
      schema: {
        tags: ['Persons'],
        summary: 'Search persons',
        description: 'By INSZ, name (prefix, case-insensitive), birth date or managing office. A POST, so that the INSZ never appears in a URL or access log.',
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            insz: { type: 'string', maxLength: 15 },
            familyName: { type: 'string', minLength: 1, maxLength: 100 },
            givenNames: { type: 'string', minLength: 1, maxLength: 100 },
            birthDate: { type: 'string', format: 'date' },
            officeId: { type: 'string', format: 'uuid' },
            limit: { type: 'integer', minimum: 1, maximum: 200 },
            cursor: { type: 'string', maxLength: 500 },
          },
        },
        response: { 200: pageOf(recordSchema(PERSON_RESOURCE)), ...errors(400) },
      },
    },
    async (req) => searchPersons(deps, req.ctx, req.body),
  );
  single(PERSON_RESOURCE);

  app.get(
    '/api/v1/persons/:personId/dossier',
    {
      config: may(PERSON_RESOURCE, 'read'),
      schema: {
        tags: ['Persons'],
        summary: 'The full dossier of a person',
        description:
          'Every cluster in one document. With asOf, the dossier exactly as KBI knew it at that moment (records changed or removed since then show their earlier state).',
        params: personParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { asOf: { type: 'string', maxLength: 40, description: 'A past moment, date-time with offset.' } },
        },
        response: { 200: { type: 'object', additionalProperties: true }, ...errors(400, 404) },
      },
    },
    async (req) => readDossier(deps, req.ctx, req.params.personId, asOfOf(req.query)),
  );

  app.get(
    '/api/v1/persons/:personId/timeline',
    {
      config: may(PERSON_RESOURCE, 'read'),
      schema: {
        tags: ['Persons'],
        summary: 'Every change to the dossier, newest first, with what changed (before and after), who and from where; the clusters your role may read',
        params: personParams,
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    resource: { type: 'string' },
                    cluster: { type: 'string' },
                    recordId: { type: 'string' },
                    change: { type: 'string', enum: ['created', 'updated', 'deleted'] },
                    version: { type: 'integer' },
                    at: { type: 'string' },
                    by: { type: 'string' },
                    source: {
                      type: 'string',
                      enum: ['screen', 'partner', 'system'],
                      description: "A staff member's screen, a partner (API or course feed), or the system.",
                    },
                    validFrom: { type: 'string' },
                    changes: {
                      type: 'array',
                      description: 'For an update: the fields that changed, before and after (API names).',
                      items: { type: 'object', properties: { field: { type: 'string' }, before: {}, after: {} } },
                    },
                  },
                },
              },
            },
          },
          ...errors(404),
        },
      },
    },
    async (req) => ({ items: await dossierTimeline(deps, req.ctx, req.params.personId) }),
  );

  for (const def of DOSSIER_RESOURCES) {
    app.post(
      `/api/v1/persons/:personId/${def.resource}`,
      {
        config: may(def, 'create'),
        schema: {
          tags: ['Dossier clusters'],
          summary: `Add a ${def.title.toLowerCase()} to the dossier`,
          description: def.description,
          params: personParams,
          body: createBody(def),
          response: { 201: recordSchema(def), ...errors(400, 404, 409, 422) },
        },
      },
      (req, reply) => create(req, reply, def, req.params.personId, req.body),
    );
    app.get(
      `/api/v1/persons/:personId/${def.resource}`,
      {
        config: may(def, 'read'),
        schema: {
          tags: ['Dossier clusters'],
          summary: `The ${def.title.toLowerCase()} records of a person`,
          params: personParams,
          querystring: listQuery,
          response: { 200: pageOf(recordSchema(def)), ...errors(400, 404) },
        },
      },
      async (req) => {
        const q = req.query;
        const page = await listForPerson(deps, req.ctx, def, req.params.personId, limitOf(q), q.cursor);
        return { items: page.items.map((r: Row) => present(def, r)), next: page.next };
      },
    );
    single(def);
  }

  for (const def of REFERENCE_RESOURCES) {
    const filterable = def.fields.filter((f) => f.type === 'ref' || f.type === 'code' || f.column === 'postcode' || f.column === 'kbo_number');
    app.post(
      `/api/v1/${def.resource}`,
      {
        config: may(def, 'create'),
        schema: {
          tags: ['Reference data'],
          summary: `Add a ${def.title.toLowerCase()}`,
          description: def.description,
          body: createBody(def),
          response: { 201: recordSchema(def), ...errors(400, 409, 422) },
        },
      },
      (req, reply) => create(req, reply, def, null, req.body),
    );
    app.get(
      `/api/v1/${def.resource}`,
      {
        config: may(def, 'read'),
        schema: {
          tags: ['Reference data'],
          summary: `List ${def.title.toLowerCase()} records`,
          querystring: generatedObject({
            ...listQuery,
            properties: { ...listQuery.properties, ...Object.fromEntries(filterable.map((f) => [camel(f.column), { type: 'string', maxLength: 64 }])) },
          }),
          response: { 200: pageOf(recordSchema(def)), ...errors(400) },
        },
      },
      async (req) => {
        const q = req.query;
        const text = (name: string) => (typeof q[name] === 'string' ? q[name] : undefined);
        const filters = Object.fromEntries(filterable.map((f) => [f.column, text(camel(f.column))]));
        const page = await listReference(deps, req.ctx, def, limitOf({ limit: text('limit') }), text('cursor'), filters);
        return { items: page.items.map((r) => present(def, r)), next: page.next };
      },
    );
    single(def);
  }

  // What the forms of the web app are built from: every resource with its fields, and what the
  // caller's role may do with it. The same definitions drive validation, so a form cannot drift.
  const describeField = (f: FieldDef) => ({
    name: camel(f.column),
    type: f.type,
    required: !!f.required,
    immutable: !!f.immutable,
    ...(f.list ? { list: f.list } : {}),
    ...(f.ref ? { ref: camel(f.ref.table), samePerson: !!f.ref.samePerson, ...(f.ref.kinds ? { organisationKinds: f.ref.kinds } : {}) } : {}),
    ...(f.maxLength ? { maxLength: f.maxLength } : {}),
    ...(f.minimum !== undefined ? { minimum: f.minimum } : {}),
    ...(f.maximum !== undefined ? { maximum: f.maximum } : {}),
    ...(f.enum ? { enum: f.enum } : {}),
    ...(f.pattern ? { pattern: f.pattern } : {}),
    ...(f.description ? { description: f.description } : {}),
  });
  app.get(
    '/api/v1/resources',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['Reference data'],
        summary: 'Every resource with its fields, and what your role may do with it',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } } } } },
      },
    },
    async (req) => ({
      items: [PERSON_RESOURCE, ...DOSSIER_RESOURCES, ...REFERENCE_RESOURCES].map((def) => ({
        resource: def.resource,
        title: def.title,
        description: def.description,
        cluster: def.cluster,
        personScoped: def.personScoped,
        fields: def.fields.map(describeField),
        periods: (def.periods ?? []).map(([from, to]) => [camel(from), camel(to)]),
        canRead: def.cluster === null || isAllowed(req.ctx, 'read', def.cluster, def.table),
        canWrite: isAllowed(req.ctx, 'create', def.cluster, def.table),
      })),
    }),
  );

  app.get(
    '/api/v1/codeLists',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['Reference data'],
        summary: 'The names of the code lists; with expand=codes, every list with its codes (one request for an app)',
        querystring: { type: 'object', additionalProperties: false, properties: { expand: { type: 'string', enum: ['codes'] } } },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: { type: 'string' } },
              lists: { type: 'object', additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: true } } },
            },
          },
        },
      },
    },
    async (req) => {
      const names = deps.codes.names();
      if (req.query.expand !== 'codes') return { items: names };
      return { items: names, lists: Object.fromEntries(names.map((n) => [n, deps.codes.list(n)])) };
    },
  );
  app.get(
    '/api/v1/codeLists/:list',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['Reference data'],
        summary: 'The codes of one list, with labels in Dutch, French and English',
        params: { type: 'object', required: ['list'], properties: { list: { type: 'string', pattern: '^[a-z_]{1,60}$' } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, ...errors(404) },
      },
    },
    async (req) => {
      const items = deps.codes.list(req.params.list);
      if (!items.length) throw new Problem('resourceNotFound', 'no such code list');
      return { items };
    },
  );
}
