/**
 * A running KBI on a test database, reached over real HTTP (a port on 127.0.0.1), with small
 * helpers to call it and factories that build valid records through the API itself.
 */
import type { TestContext } from 'node:test';
import { Agent, request as httpsRequest } from 'node:https';
import { sql } from 'kysely';
import { buildApp, type App } from '../../server/app.ts';
import { loadConfig } from '../../server/platform/config.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';
import { makeKbo } from '../../server/platform/identifiers/kbo.ts';
import { untyped, type Database } from '../../server/platform/db.ts';
import type { TestDatabase } from './databases.ts';
import { OPERATOR } from '../../server/platform/access.ts';
import { createUser } from '../../server/modules/access/access.service.ts';

export interface Res {
  status: number;
  headers: Headers;
  body: any;
}

export type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Res>;

export interface TestApp {
  app: App;
  database: Database;
  base: string;
  /** Calls as the logged-in administrator of the test installation. */
  call: Call;
  /** Calls without any session. */
  anonymous: Call;
  /**
   * Creates a staff account with this role (and offices) and returns a caller logged in as it, and
   * `at(base)`: the same session calling another KBI process on the same database (sessions live there).
   */
  as(
    role: string,
    options?: { organisationId?: string; officeIds?: string[] },
  ): Promise<{ call: Call; userId: string; cookie: string; at(base: string): Call }>;
  /** The organisation the test administrator belongs to. */
  homeOrganisationId: string;
  rowCounts(...tables: string[]): Promise<Record<string, number>>;
  factories: Factories;
  /** Stops the app and closes its database now rather than after the test (a crash test hands the embedded data directory to a KBI process); once. */
  close(): Promise<void>;
}

export async function startTestApp(
  t: TestContext,
  which: TestDatabase,
  env: Record<string, string> = {},
  options: {
    operatorToken?: string;
    /** With KBI_TLS_* in env: the CA the test trusts for the server's certificate (PEM); the app is then reached over https. */
    serverCa?: string | Buffer;
  } = {},
): Promise<TestApp> {
  const database = await which.open();
  // Per-actor limits are tested on their own (hardening.test.ts); the suites here make many requests as one user.
  const config = loadConfig({
    KBI_LOG_LEVEL: process.env.KBI_TEST_LOG_LEVEL ?? 'silent',
    KBI_DEMO_PERSONS: '0',
    PORT: '0',
    KBI_USER_RATE_LIMIT_PER_MINUTE: '0',
    KBI_PARTNER_RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  const app = await buildApp({ config, database, operatorToken: options.operatorToken });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = app.http.server.address();
  const base = `${config.tls ? 'https' : 'http'}://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const overTls = config.tls ? tlsCaller(base, { ca: options.serverCa ?? '' }) : null;
  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      await app.close();
      await database.close();
    })());
  t.after(close);

  const plain = httpCaller(base);
  const anonymous: Call = (method, path, body, headers = {}) => (overTls ?? plain)(method, path, body, headers);

  async function rowCounts(...tables: string[]) {
    const out: Record<string, number> = {};
    for (const table of tables) {
      const r = await untyped(database.db)
        .selectFrom(table)
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      out[table] = Number(r.n);
    }
    return out;
  }

  // The test installation's own organisation and administrator, made the way an operator would.
  const [home] = await database.prepared(
    'test_home_org',
    `INSERT INTO organisations (kind, name, recorded_by) VALUES ('ABB', 'Agentschap Binnenlands Bestuur', 'test:setup') RETURNING id`,
    [],
  );
  const homeOrganisationId = home!.id as string;
  let accounts = 0;
  async function as(role: string, options: { organisationId?: string; officeIds?: string[] } = {}) {
    const username = `${role.toLowerCase().replace(/_/g, '.')}.${++accounts}`;
    const password = `Test-${role}-passw0rd!`;
    const user = await createUser(
      database.db,
      { actor: OPERATOR, requestId: 'test-setup' },
      {
        username,
        displayName: `Test ${role}`,
        role,
        organisationId: options.organisationId ?? homeOrganisationId,
        officeIds: options.officeIds ?? [],
        password,
      },
    );
    const session = await anonymous('POST', '/api/v1/session', { username, password });
    if (session.status !== 200) throw new Error(`log-in as ${role} failed: ${JSON.stringify(session.body)}`);
    const cookieHeader = session.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = session.body.csrfToken as string;
    const credentials = { cookie: cookieHeader, 'x-csrf-token': csrf };
    const caller: Call = (method, path, body, headers = {}) => anonymous(method, path, body, { ...credentials, ...headers });
    const at = (other: string): Call => {
      const call = httpCaller(other);
      return (method, path, body, headers = {}) => call(method, path, body, { ...credentials, ...headers });
    };
    return { call: caller, userId: user.id as string, cookie: cookieHeader, at };
  }
  const admin = await as('ADMINISTRATOR');
  const call = admin.call;

  const testApp: TestApp = { app, database, base, call, anonymous, as, homeOrganisationId, rowCounts, factories: undefined as unknown as Factories, close };
  testApp.factories = factories(testApp);
  return testApp;
}

/** Calls a KBI over plain http at `base` (JSON in and out; a body that is not JSON is given as text). */
export function httpCaller(base: string): Call {
  return async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}

export async function expectOk(res: Res, status = 200): Promise<any> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

let serial = 1;

export interface Factories {
  organisation(over?: Record<string, unknown>): Promise<any>;
  office(organisationId: string, over?: Record<string, unknown>): Promise<any>;
  person(over?: Record<string, unknown>): Promise<any>;
  course(providerId: string, lessons?: number): Promise<{ course: any; module: any; lessons: any[] }>;
  add(personId: string, resource: string, body: Record<string, unknown>): Promise<any>;
}

function factories(app: TestApp): Factories {
  const post = async (path: string, body: unknown) => expectOk(await app.call('POST', path, body), 201);
  return {
    organisation: (over = {}) =>
      post('/api/v1/organisations', { kind: 'AGENCY', name: `Agentschap ${serial++}`, enterpriseNumber: makeKbo(5_433_000 + serial, 'enterprise'), ...over }),
    office: (organisationId, over = {}) =>
      post('/api/v1/offices', {
        organisationId,
        name: `Kantoor ${serial++}`,
        kboNumber: makeKbo(21_478_000 + serial, 'establishment'),
        postcode: '9000',
        municipality: 'Gent',
        ...over,
      }),
    person: (over = {}) => {
      const n = serial++;
      return post('/api/v1/persons', {
        insz: makeInsz({ birthDate: `1990-0${1 + (n % 9)}-1${n % 10}`, serial: 100 + n }),
        familyName: `Testpersoon${n}`,
        givenNames: 'Amina',
        gender: '2',
        nationality: 'SYR',
        postcode: '9000',
        municipality: 'Gent',
        ...over,
      });
    },
    async course(providerId, lessonCount = 4) {
      const course = await post('/api/v1/courses', { providerId, courseType: 'NT2', name: 'NT2 richtgraad 1', startDate: '2022-09-01', endDate: '2023-01-31' });
      const module = await post('/api/v1/courseModules', { courseId: course.id, code: 'NT2-1', name: 'NT2 - Breakthrough', hours: 60, sequence: 1 });
      const lessons = [];
      for (let i = 0; i < lessonCount; i++) {
        lessons.push(
          await post('/api/v1/lessons', { moduleId: module.id, startsAt: `2022-09-${String(5 + i * 7).padStart(2, '0')}T09:00:00Z`, durationMinutes: 180 }),
        );
      }
      return { course, module, lessons };
    },
    add: (personId, resource, body) => post(`/api/v1/persons/${personId}/${resource}`, body),
  };
}

/** A partner organisation of `kind` with an API client, and a caller with its bearer token (client-credentials grant). */
export async function partner(app: TestApp, kind: string, name = `${kind} test`): Promise<{ organisation: any; call: Call; authorization: string }> {
  const organisation = await app.factories.organisation({ kind, name });
  const clientId = `${kind.toLowerCase().replace(/_/g, '-')}-${organisation.id.slice(0, 8)}`;
  const client = await expectOk(await app.call('POST', '/api/v1/partnerClients', { organisationId: organisation.id, clientId }), 201);
  const token = await expectOk(
    await app.anonymous('POST', '/api/exchange/v1/oauth/token', { grant_type: 'client_credentials', client_id: clientId, client_secret: client.clientSecret }),
  );
  const authorization = `Bearer ${token.access_token}`;
  const call: Call = (method, path, body, headers = {}) => app.anonymous(method, path, body, { authorization, ...headers });
  return { organisation, call, authorization };
}

/**
 * Calls over https with node's own TLS client: trusting `ca` for the server's certificate and, with
 * `cert` and `key`, presenting that client certificate. A new connection per call.
 */
export function tlsCaller(base: string, tls: { ca: string | Buffer; cert?: string | Buffer; key?: string | Buffer }): Call {
  return (method, path, body, headers = {}) =>
    new Promise<Res>((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const all: Record<string, string> = { ...headers };
      if (payload !== undefined) {
        all['content-type'] ??= 'application/json';
        all['content-length'] = String(Buffer.byteLength(payload));
      }
      const req = httpsRequest(
        new URL(path, base),
        { method, headers: all, agent: new Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, keepAlive: false, maxCachedSessions: 0 }) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const responseHeaders = new Headers();
            for (const [k, v] of Object.entries(res.headers))
              for (const one of ([] as (string | undefined)[]).concat(v)) if (one !== undefined) responseHeaders.append(k, one);
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              /* not JSON */
            }
            resolve({ status: res.statusCode ?? 0, headers: responseHeaders, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}
