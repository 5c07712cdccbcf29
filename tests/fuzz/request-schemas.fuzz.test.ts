/**
 * Hostile input on every request schema of both APIs, over real HTTP. The routes are read from the
 * running app's own OpenAPI documents (`/api/openapi.json`, `/api/exchange/openapi.json`); for each
 * POST, PUT and PATCH body and each GET query string, fast-check sends bodies that follow the
 * schema, bodies with one field made hostile (wrong types, huge strings, unicode, NUL, numbers at
 * their limits, malformed INSZ, dates and codes), extra properties, deep nesting and arbitrary JSON,
 * as a caller the route lets in (a staff role, or a partner). Every answer: no 5xx; every 4xx is
 * problem+json with type, title and status; and a rejected request stored nothing (the row count and
 * version sum of every table other than the audit trail and the log-in bookkeeping are unchanged).
 * Then the course-feed import formats get arbitrary bytes and lines the same way.
 * A fixed seed per route keeps a failure reproducible.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, type Call, type Res, startTestApp, type TestApp } from '../support/app.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';

const SEED = 1917;
const RUNS_PER_ROUTE = Number(process.env.KBI_FUZZ_RUNS ?? 6);

/** Tables a refused request may still write: the audit trail of the refusal, sessions, log-in back-off, import run records. */
const MAY_CHANGE_ON_REFUSAL = new Set([
  'audit_log',
  'audit_chain_head',
  'staff_sessions',
  'login_attempts',
  'import_batches',
  'partner_tokens',
  'login_throttle',
]);

type Schema = Record<string, any>;
interface Doc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string; schema?: Schema }[];
        requestBody?: { content: Record<string, { schema: Schema; examples?: Record<string, { value: unknown }> }> };
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\ufeff',
  '💥'.repeat(2000),
  'x'.repeat(70_000),
  'é'.repeat(5000),
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31',
  '2026-13-01',
  '2026-12-05T25:61:00Z',
  '+275760-09-13',
  '85073003329',
  '8507300332',
  '00000000000',
  '99999999999',
  '12.34.56-789.01',
  '0000000000',
  '<script>alert(1)</script>',
  "'; DROP TABLE persons; --",
  '../../etc/passwd',
  '%00',
  '${jndi:ldap://x}',
  '__proto__',
];
const HOSTILE_NUMBERS = [0, -1, -0, 1.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 5e-324];

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(true, false, null, [], {}, [null], { '': '' }),
  fc.anything({ maxDepth: 3, maxKeys: 4 }),
);

/** A value that follows the schema (near enough to reach the handler), from the document's own schemas. */
function conforming(schema: Schema | undefined, doc: Doc, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.constant(null);
  if (schema.$ref) {
    const name = String(schema.$ref).replace('#/components/schemas/', '');
    return conforming(doc.components?.schemas?.[name], doc, depth + 1);
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const key of ['anyOf', 'oneOf'] as const)
    if (Array.isArray(schema[key])) return fc.oneof(...schema[key].map((s: Schema) => conforming(s, doc, depth + 1)));
  if (Array.isArray(schema.allOf)) return conforming(Object.assign({}, ...schema.allOf), doc, depth + 1);
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((t: string) => conforming({ ...schema, type: t }, doc, depth + 1)));
  switch (schema.type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000, noNaN: true, noDefaultInfinity: true });
    case 'array':
      return fc.array(conforming(schema.items, doc, depth + 1), { maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'string':
      return stringFor(schema);
    case 'object':
    default: {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) model[k] = conforming(s, doc, depth + 1);
      return fc.record(model, { requiredKeys: required.filter((k) => k in props) });
    }
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const max = Math.min(schema.maxLength ?? 40, 40);
  const min = Math.min(schema.minLength ?? 0, max);
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date':
      return fc.oneof(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        fc.constantFrom('2026-02-29', '2024-02-29', '1900-02-29', '2026-04-31'),
      );
    case 'date-time':
      return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  }
  if (/insz/i.test(String(schema.description ?? '')) || max === 15)
    return fc.oneof(
      fc
        .tuple(fc.integer({ min: 0, max: 999 }), fc.date({ min: new Date('1930-01-01'), max: new Date('2020-01-01'), noInvalidDate: true }))
        .map(([s, d]) => makeInsz({ birthDate: d.toISOString().slice(0, 10), serial: s })),
      fc.string({ minLength: min, maxLength: max }),
    );
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= (schema.maxLength ?? Infinity));
    } catch {
      /* a pattern JavaScript cannot read: plain strings */
    }
  }
  return fc.string({ minLength: min, maxLength: max });
}

type Body = { json: unknown } | { raw: string };

/** Bodies for one schema: conforming, one field made hostile, an extra field, arbitrary JSON, broken JSON, deep nesting. */
function bodies(schema: Schema, doc: Doc, examples: unknown[] = []): fc.Arbitrary<Body> {
  const resolved = schema.$ref ? (doc.components?.schemas?.[String(schema.$ref).replace('#/components/schemas/', '')] ?? schema) : schema;
  const keys = Object.keys(resolved.properties ?? {});
  // The document's own examples (the exchange API has one per operation) reach the handler; mutations of them go deeper than random values.
  const base = examples.length ? fc.oneof(conforming(resolved, doc), fc.constantFrom(...examples)) : conforming(resolved, doc);
  const variants: fc.Arbitrary<Body>[] = [
    base.map((json) => ({ json })),
    ...(examples.length ? [fc.constantFrom(...examples).map((json) => ({ json }))] : []),
    fc.anything({ maxDepth: 4 }).map((json) => ({ json })),
    hostile.map((json) => ({ json })),
    fc.tuple(base, fc.string({ minLength: 1, maxLength: 20 }), hostile).map(([b, k, v]) => ({ json: { ...(b as object), [k]: v } })),
    fc
      .tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 100, max: 20_000 }))
      .map(([open, n]) => ({ raw: open.repeat(n) + (open === '[' ? ']' : '1}').repeat(n) })),
    fc
      .constantFrom('', '{', 'nul', '{"a":1,}', '\u0000', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '[1,2', '1e99999')
      .map((raw) => ({ raw })),
  ];
  if (keys.length)
    variants.push(
      fc.tuple(base, fc.constantFrom(...keys), hostile).map(([b, k, v]) => ({ json: { ...(b as object), [k]: v } })),
      fc.tuple(base, fc.constantFrom(...keys), hostile).map(([b, k, v]) => ({ json: { ...(b as object), [k]: v } })),
    );
  return fc.oneof(...variants);
}

/** Query strings: every parameter of the route, each a conforming or a hostile value. */
function queries(params: { name: string; schema?: Schema }[], doc: Doc): fc.Arbitrary<string> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of params) model[p.name] = fc.oneof(conforming(p.schema, doc), hostile);
  return fc.record(model, { requiredKeys: [] }).map((q) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) search.append(k, typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
    const s = search.toString();
    return s ? `?${s}` : '';
  });
}

/** The state of every table a refused request must leave alone: rows and the sum of versions. */
async function snapshotter(app: TestApp): Promise<() => Promise<Record<string, string>>> {
  const tables = await sql<{ table_name: string; has_version: boolean }>`
    SELECT t.table_name, EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name = t.table_name AND c.column_name = 'version') AS has_version
      FROM information_schema.tables t
     WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND t.table_name NOT LIKE 'kbi_migration%'
       AND t.table_name NOT IN (SELECT c.relname FROM pg_class c WHERE c.relispartition) -- counted through their parent
     ORDER BY 1`.execute(app.database.db);
  const kept = tables.rows.filter((t) => !MAY_CHANGE_ON_REFUSAL.has(t.table_name));
  assert.ok(kept.length > 40, `the personal tables are there (${kept.length})`);
  const text = `SELECT ${kept
    .map((t) => `(SELECT count(*)${t.has_version ? ` || '/' || coalesce(sum(version), 0)` : ''} FROM "${t.table_name}")::text AS "${t.table_name}"`)
    .join(', ')}`;
  return async () => (await sql.raw<Record<string, string>>(text).execute(app.database.db)).rows[0]!;
}

function assertAnswer(res: Res, what: string): void {
  assert.ok(res.status < 500, `${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  if (res.status >= 400) {
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, `${what}: ${res.status} is problem+json`);
    assert.equal(typeof res.body?.type, 'string', `${what}: problem type`);
    assert.equal(typeof res.body?.title, 'string', `${what}: problem title`);
    assert.equal(res.body?.status, res.status, `${what}: problem status`);
  }
}

const diff = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a)
    .filter((k) => a[k] !== b[k])
    .map((k) => `${k}: ${a[k]} → ${b[k]}`);

for (const which of TEST_DATABASES) {
  describe(`fuzzing the request schemas (${which.name})`, () => {
    test('no input makes a 5xx, every refusal is problem+json, and a refused request stores nothing', { timeout: 600_000 }, async (t) => {
      const app = await startTestApp(t, which, { KBI_RATE_LIMIT_PER_MINUTE: '0' });
      const snapshot = await snapshotter(app);
      const doc = (await expectOk(await app.anonymous('GET', '/api/openapi.json'))) as Doc;
      const exchange = (await expectOk(await app.anonymous('GET', '/api/exchange/openapi.json'))) as Doc;

      // Callers: the administrator, staff of every kind of organisation, a partner (an OCMW has seed 003's authorisation).
      const agency = await app.factories.organisation({ kind: 'AGENCY' });
      const office = await app.factories.office(agency.id);
      const ocmw = await app.factories.organisation({ kind: 'OCMW', name: 'OCMW Fuzz' });
      const staff: [string, Call][] = [['administrator', app.call]];
      for (const [role, organisationId, officeIds] of [
        ['AGENCY_CASEWORKER', agency.id, [office.id]],
        ['TEAM_LEAD', agency.id, [office.id]],
        ['OCMW_SOCIAL_WORKER', ocmw.id, []],
        ['MONITORING_ANALYST', app.homeOrganisationId, []],
        ['PRIVACY_OFFICER', app.homeOrganisationId, []],
      ] as const)
        staff.push([role, (await app.as(role, { organisationId, officeIds: [...officeIds] })).call]);
      const ocmwPartner = await partner(app, 'OCMW');
      const person = await app.factories.person();

      const pathOf = (url: string) =>
        url
          .replace(/\/persons\/\{id\}/, `/persons/${person.id}`)
          .replace('{personId}', person.id)
          .replace('{list}', 'gender')
          .replace('{batchId}', 'batch-1')
          .replace('{version}', '1')
          .replace('{file}', 'Generiek.xsd')
          .replace(/\{[A-Za-z]+\}/g, () => randomUUID());

      const exchangePaths = new Set(Object.keys(exchange.paths));
      let routes = 0;
      let requests = 0;
      let rerun = 0;
      const statuses = new Map<number, number>();
      for (const [url, ops] of Object.entries({ ...doc.paths, ...exchange.paths })) {
        for (const [m, op] of Object.entries(ops)) {
          const method = m.toUpperCase();
          const json = op.requestBody?.content?.['application/json']?.schema;
          const query = (op.parameters ?? []).filter((p) => p.in === 'query');
          const declared = app.app.routes.find((r) => r.method === method && r.url === url.replace(/\{(\w+)\}/g, ':$1'));
          if (!declared) continue;
          if (!(json && ['POST', 'PUT', 'PATCH'].includes(method)) && !(method === 'GET' && query.length)) continue;
          // The course feeds take CSV and JSON Lines streams: fuzzed on their own below. MAGDA takes XML (its own tests).
          if (url.startsWith('/api/exchange/v1/imports/') || url.startsWith('/api/magda/')) continue;
          if (url === '/api/v1/session' && method === 'DELETE') continue;
          const path = pathOf(url);
          const headers: Record<string, string> = { 'if-match': '"1"', ...(method === 'PATCH' ? { 'content-type': 'application/merge-patch+json' } : {}) };
          // The caller: whoever the route lets past its door (a 403 before validation tells nothing of the schema).
          let caller: Call = app.anonymous;
          if (declared.access === 'partner' || exchangePaths.has(url)) caller = declared.access === 'public' ? app.anonymous : ocmwPartner.call;
          else if (declared.access === 'staff') {
            caller = staff[0]![1];
            for (const [, c] of staff) {
              const probe = await c(method, path, method === 'GET' ? undefined : {}, headers);
              if (probe.status !== 403) {
                caller = c;
                break;
              }
            }
          }
          routes++;
          const arbitrary =
            method === 'GET'
              ? queries(query, doc).map((q) => ({ q, body: null as Body | null }))
              : bodies(
                  json!,
                  doc,
                  // The examples, about the person of this test (the example INSZ is synthetic and unknown here).
                  Object.values(op.requestBody?.content?.['application/json']?.examples ?? {}).map((e) =>
                    JSON.parse(JSON.stringify(e.value).replaceAll('88031412365', person.insz as string)),
                  ),
                ).map((body) => ({ q: '', body: body as Body | null }));
          // A route's cases run first with one snapshot around them all (cheap); when something changed
          // and some case got through to a handler (2xx), they run again with a snapshot around each,
          // so that a change is pinned on the request that made it and a refused one must change nothing.
          const run = async (each: boolean, seed: number) => {
            let passed = 0;
            await fc.assert(
              fc.asyncProperty(arbitrary, async ({ q, body }) => {
                const before = each ? await snapshot() : null;
                const payload = body === null ? undefined : 'raw' in body ? body.raw : JSON.stringify(body.json);
                const res = await caller(method, path + q, payload, {
                  ...headers,
                  ...(payload !== undefined ? { 'content-type': headers['content-type'] ?? 'application/json' } : {}),
                });
                requests++;
                statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
                if (res.status < 400) passed++;
                const what = `${method} ${url}${q.slice(0, 200)} ${payload === undefined ? '' : payload.slice(0, 300)}`;
                assertAnswer(res, what);
                if (before && res.status >= 400) assert.deepEqual(diff(before, await snapshot()), [], `${what}: a refused request stored nothing`);
              }),
              { seed, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
            );
            return passed;
          };
          const before = await snapshot();
          const passed = await run(false, SEED + routes);
          const changed = diff(before, await snapshot());
          if (changed.length) {
            assert.ok(passed > 0, `${method} ${url}: every request was refused, yet ${changed.join(', ')}`);
            rerun++;
            await run(true, SEED + routes + 100_000);
          }
        }
      }
      t.diagnostic(
        `${routes} routes (${rerun} again request by request), ${requests} requests; answers ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
      );
      assert.ok(routes > 100, `the routes of both documents were fuzzed (${routes})`);
      assert.ok(
        [...statuses.keys()].some((s) => s < 300),
        'some bodies got through validation to a handler',
      );
      // The audit trail is intact after all of it.
      const chain = await app.database.db
        .selectFrom('audit_log')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      assert.ok(Number(chain.n) > 0);
    });

    test(
      'the course feeds: arbitrary bytes and lines never make a 5xx, a refusal is problem+json or a failed run, and nothing is imported',
      { timeout: 300_000 },
      async (t) => {
        const app = await startTestApp(t, which, { KBI_RATE_LIMIT_PER_MINUTE: '0' });
        const snapshot = await snapshotter(app);
        const cvo = await partner(app, 'CVO', 'CVO Fuzz');
        const persons = [await app.factories.person(), await app.factories.person()];
        const csvHeader = {
          enrolments: 'insz;trainingCode;courseStart;moduleCode;enrolmentNumber;enrolledOn;startDate;status;targetAttendanceRate',
          participations: 'insz,trainingCode,courseStart,moduleCode,lessonStart,enrolmentNumber,attendance',
        };
        const cell = fc.oneof(
          fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 100)),
          fc.constantFrom(...persons.map((p) => p.insz as string)),
          fc.string({ maxLength: 12 }),
        );
        const line = (sep: string) => fc.array(cell, { maxLength: 10 }).map((cells) => cells.join(sep));
        const kind = fc.constantFrom('enrolments' as const, 'participations' as const);
        const upload = fc.oneof(
          // CSV: the right header, then lines of hostile cells (quotes, separators, NUL, a lone surrogate …)
          fc.tuple(kind, fc.array(line(';'), { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r')).map(([k, lines, eol]) => ({
            kind: k,
            type: 'text/csv',
            body: Buffer.from([csvHeader[k].replace(/,/g, k === 'enrolments' ? ';' : ','), ...lines].join(eol) + eol),
          })),
          // Arbitrary bytes under every accepted type
          fc
            .tuple(kind, fc.constantFrom('text/csv', 'application/x-ndjson', 'application/json', 'application/jsonl'), fc.uint8Array({ maxLength: 400 }))
            .map(([k, type, bytes]) => ({
              kind: k,
              type,
              body: Buffer.from(bytes),
            })),
          // JSON Lines and JSON arrays of arbitrary values
          fc
            .tuple(
              kind,
              fc.array(
                fc.oneof(fc.anything({ maxDepth: 2 }), fc.dictionary(fc.constantFrom('insz', 'attendance', 'status', 'lessonStart', 'enrolmentNumber'), cell)),
                { maxLength: 5 },
              ),
              fc.boolean(),
            )
            .map(([k, items, array]) => ({
              kind: k,
              type: array ? 'application/json' : 'application/x-ndjson',
              body: Buffer.from(array ? JSON.stringify(items) : items.map((i) => JSON.stringify(i) ?? 'undefined').join('\n')),
            })),
          // Other content types
          fc
            .tuple(kind, fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', '', 'text/csv; charset=latin1'))
            .map(([k, type]) => ({ kind: k, type, body: Buffer.from('a;b\n1;2\n') })),
        );
        let n = 0;
        await fc.assert(
          fc.asyncProperty(upload, async ({ kind: k, type, body }) => {
            const before = await snapshot();
            const res = await fetch(`${app.base}/api/exchange/v1/imports/${k}?batchId=fuzz-${++n}`, {
              method: 'POST',
              headers: { authorization: cvo.authorization, ...(type ? { 'content-type': type } : {}) },
              body,
            });
            const text = await res.text();
            let parsed: any = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              /* not JSON */
            }
            const what = `${k} ${type} ${JSON.stringify(body.toString('latin1').slice(0, 300))}`;
            assert.ok(res.status < 500, `${what}: ${res.status} ${text.slice(0, 500)}`);
            // A refusal is either problem+json or the failed run itself, with its row errors.
            if (res.status >= 400 && parsed?.status === 'failed')
              assert.ok(parsed.errorCount > 0 && parsed.errors.length > 0, `${what}: ${text.slice(0, 500)}`);
            else assertAnswer({ status: res.status, headers: res.headers, body: parsed }, what);
            if (res.status < 300)
              assert.ok(['succeeded', 'replayed'].includes(parsed.status) && parsed.rowsWritten === 0 && (parsed.rowsInserted ?? 0) === 0, `${what}: ${text}`);
            assert.deepEqual(diff(before, await snapshot()), [], `${what}: nothing was imported`);
          }),
          {
            seed: SEED,
            numRuns: Number(process.env.KBI_FUZZ_IMPORT_RUNS ?? 60),
            endOnFailure: true,
            examples: [
              // A quote inside an unquoted field (csv-parse's INVALID_OPENING_QUOTE) was a 500 before imports.formats.ts caught every CsvError.
              [{ kind: 'participations', type: 'text/csv', body: Buffer.from(`${csvHeader.participations}\n90081710768;"0c2,zx;x\n`) }],
              [{ kind: 'enrolments', type: 'text/csv', body: Buffer.from(`${csvHeader.enrolments}\n"a"b;c\n`) }],
            ],
          },
        );
      },
    );
  });
}
