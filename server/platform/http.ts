/** HTTP plumbing: problem+json for every failure, request ids, content types. */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyTypeProvider } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { Problem, catalogue, type Issue, type ProblemCode } from './errors.ts';

const PG_ERRORS: Record<string, ProblemCode> = {
  '23503': 'conflict', // foreign key: still referenced, or refers to nothing
  '23505': 'conflict', // unique
  '23514': 'badRequest', // check constraint
  '22P02': 'badRequest', // invalid text representation
  '22007': 'badRequest', // invalid datetime format
  '22008': 'badRequest', // datetime field overflow
  '22021': 'badRequest', // character not in repertoire (a NUL that got past the input check)
  '22P05': 'badRequest', // untranslatable character
  '40001': 'conflict', // serialization failure
};

export function sendProblem(reply: FastifyReply, problem: Problem, request: FastifyRequest): FastifyReply {
  // Which refusal, on which fields and why, with every digit masked: a detail may quote the caller's input (an INSZ, a birth date).
  if (problem.status < 500)
    request.log.info({ problem: problem.code, fields: problem.issues?.map((i) => `${i.in}.${i.name}: ${(i.detail ?? '').replace(/\d/g, '#')}`) }, 'problem');
  if (problem.status === 429 && typeof problem.extra.retryAfter === 'number') reply.header('retry-after', problem.extra.retryAfter);
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send(problem.body(`urn:uuid:${request.id}`));
}

function fromValidation(err: FastifyError): Problem {
  const where = ({ body: 'body', querystring: 'query', params: 'path', headers: 'header' } as const)[err.validationContext as 'body'] ?? 'body';
  const issues: Issue[] = (err.validation ?? []).map((v) => {
    const base = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
    const missing = (v.params as { missingProperty?: string }).missingProperty;
    const extra = (v.params as { additionalProperty?: string }).additionalProperty;
    const name = [base, missing ?? extra].filter(Boolean).join('.') || (where === 'body' ? '(body)' : '(parameters)');
    const detail = extra
      ? 'is not a known field'
      : missing
        ? 'is required'
        : v.keyword === 'format'
          ? `must be a valid ${(v.params as { format: string }).format}`
          : (v.message ?? 'is invalid');
    return {
      in: where,
      name,
      detail,
      type: extra ? 'urn:problem-type:belgif:input-validation:unknownInput' : 'urn:problem-type:belgif:input-validation:schemaViolation',
    };
  });
  return new Problem('badRequest', issues.map((i) => `${i.name}: ${i.detail}`).join('; ') || 'invalid input', issues);
}

export interface HttpHooks {
  /** Called for every problem that is an access denial, before it is sent (to audit it). */
  onDenied?: (request: FastifyRequest, problem: Problem) => Promise<void>;
}

export function installHttpBasics(app: FastifyInstance, hooks: HttpHooks = {}): void {
  // JSON only: a text/plain body would otherwise reach the schema as a string.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.addHook('onRequest', async (request, reply) => {
    reply.header('BelGov-Trace-Id', request.id);
    reply.header('X-Request-Id', request.id);
    const related = request.headers['belgov-trace-id'];
    if (typeof related === 'string' && related.length <= 36) reply.header('BelGov-Related-Trace-Id', related);
  });

  // PostgreSQL text cannot hold U+0000: a NUL anywhere in the input is refused here, naming the
  // field, before any handler or the database sees it (on every route, log-in and token included).
  app.addHook('preValidation', async (request) => {
    const issues: Issue[] = [];
    findNul(request.body, 'body', '', issues);
    findNul(request.query, 'query', '', issues);
    findNul(request.params, 'path', '', issues);
    if (issues.length) throw new Problem('badRequest', issues.map((i) => `${i.name}: ${i.detail}`).join('; '), issues);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new Problem('resourceNotFound', `no such endpoint: ${request.method} ${request.routeOptions.url ?? 'path'}`), request),
  );

  app.setErrorHandler(async (err: FastifyError & { code?: string }, request, reply) => {
    if (err instanceof Problem) {
      if (err.denial && hooks.onDenied) {
        try {
          await hooks.onDenied(request, err);
        } catch (auditError) {
          // A denial that cannot be audited is still a denial; the failure itself is logged.
          request.log.error({ err: auditError }, 'audit_of_denial_failed');
        }
      }
      return sendProblem(reply, err, request);
    }
    if (err.validation) return sendProblem(reply, fromValidation(err), request);
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, new Problem('payloadTooLarge', 'the request body is larger than this API accepts'), request);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendProblem(
          reply,
          new Problem('unsupportedMediaType', 'send application/json (or application/merge-patch+json for PATCH)', [
            { in: 'header', name: 'Content-Type', detail: 'not supported' },
          ]),
          request,
        );
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return sendProblem(reply, new Problem('badRequest', 'the body is not valid JSON', [{ in: 'body', name: '(body)', detail: 'not valid JSON' }]), request);
    }
    if (err.statusCode === 400 && /JSON/i.test(err.message)) {
      return sendProblem(reply, new Problem('badRequest', 'the body is not valid JSON', [{ in: 'body', name: '(body)', detail: 'not valid JSON' }]), request);
    }
    const pgCode = typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code) ? PG_ERRORS[err.code] : undefined;
    if (pgCode) {
      request.log.warn({ pgCode: err.code, constraint: (err as { constraint?: string }).constraint }, 'database_refused_change');
      const constraint = (err as { constraint?: string }).constraint;
      const detail =
        err.code === '23503'
          ? 'the record is still referred to by other records, or refers to one that does not exist'
          : err.code === '23505'
            ? `a record with the same unique value already exists${constraint ? ` (${constraint})` : ''}`
            : `the database refused the value${constraint ? ` (${constraint})` : ''}`;
      return sendProblem(reply, new Problem(pgCode, detail), request);
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const code = (Object.keys(catalogue) as ProblemCode[]).find((k) => catalogue[k].status === err.statusCode) ?? 'badRequest';
      return sendProblem(reply, new Problem(code, err.message), request);
    }
    request.log.error({ err }, 'unexpected_error');
    return sendProblem(reply, new Problem('internalServerError', 'something went wrong on our side; the request id identifies it in our logs'), request);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The id of a request: the caller's `X-Request-Id` when it is a UUID (a gateway's or a partner's
 * correlation id, so one id follows the request through both systems' logs), else a new one. It
 * is in every log line of the request, the audit record, problem+json `instance`, and answered as
 * `X-Request-Id` (and BelGov-Trace-Id).
 */
export const newRequestId = (req?: { headers: Record<string, string | string[] | undefined> }): string => {
  const given = req?.headers['x-request-id'];
  return typeof given === 'string' && UUID.test(given) ? given.toLowerCase() : randomUUID();
};

const NUL_DETAIL = 'contains a NUL character (U+0000), which text cannot hold';

/** Collects every string under `value` holding U+0000, named by its path (`address.street`, `items.2`; a key itself too). */
function findNul(value: unknown, where: Issue['in'], path: string, issues: Issue[], depth = 0): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) issues.push({ in: where, name: path || (where === 'body' ? '(body)' : '(parameters)'), detail: NUL_DETAIL });
    return;
  }
  if (value === null || typeof value !== 'object' || depth > 64 || issues.length >= 20) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => findNul(v, where, path ? `${path}.${i}` : String(i), issues, depth + 1));
    return;
  }
  // A stream (a course-feed upload) is read by its own parser, which checks every field itself.
  if (typeof (value as { pipe?: unknown }).pipe === 'function') return;
  for (const [key, v] of Object.entries(value)) {
    const name = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) issues.push({ in: where, name: name.replace(/\u0000/g, '\\u0000'), detail: NUL_DETAIL });
    else findNul(v, where, name, issues, depth + 1);
  }
}

/**
 * Route schemas as types: a handler's `req.body`, `req.query` and `req.params` are typed from the
 * JSON schemas that validate them (json-schema-to-ts), so no handler casts its input; write
 * schemas `as const` (or inline) for that. Answers are shaped by the response schemas at run time
 * (fast-json-stringify drops what they do not name), so their types are left to the services.
 */
export interface SchemaTypes extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown;
  serializer: unknown;
}
export const typed = (app: FastifyInstance) => app.withTypeProvider<SchemaTypes>();
export type TypedApp = ReturnType<typeof typed>;

/** The ETag of a stored row: its version. */
export const etagOf = (row: { version?: unknown }) => `"${String(row.version)}"`;

/** Parses an If-Match header into the version it names. */
export function versionFromIfMatch(header: string | undefined): number {
  if (!header) throw new Problem('preconditionRequired', 'send If-Match with the ETag of the version you changed');
  const m = /^\s*(?:W\/)?"(\d+)"\s*$/.exec(header);
  if (!m) throw new Problem('badRequest', 'If-Match must be an ETag such as "3"', [{ in: 'header', name: 'If-Match', detail: 'not an ETag' }]);
  return Number(m[1]);
}
