/**
 * Builds the application from an explicit list of modules. Used by the server process, the
 * tests (which pass their own database) and the benchmarks.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { Problem } from './platform/errors.ts';
import type { Logger } from 'pino';
import type { Config, TlsConfig } from './platform/config.ts';
import { openDatabase, type Database } from './platform/db.ts';
import { migrateToLatest } from './platform/migrate.ts';
import { CodeLists } from './platform/codes.ts';
import { createLogger } from './platform/logger.ts';
import { installHttpBasics, newRequestId } from './platform/http.ts';
import { registerWebApp } from './platform/web.ts';
import { ANONYMOUS, ANONYMOUS_PARTNER, MONITOR, OPERATOR } from './platform/access.ts';
import { installMetrics, type OutboxReader } from './platform/metrics.ts';
import { openReadRouter, primaryReads } from './platform/replica.ts';
import { registerBackupOperatorRoute } from './platform/backup.ts';
import { registerOperationsRoutes } from './platform/operations.ts';
import type { Deps } from './platform/deps.ts';
import { installDoors, purposeOf, type Authenticators, type DeclaredRoute } from './platform/door.ts';
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { recordDenial } from './platform/audit.ts';
import cookie from '@fastify/cookie';
import { actorOf, can, isAllowed, resolveSession } from './modules/access/access.service.ts';
import type { ClusterName } from './modules/dossier/clusters.ts';
import { registerAccessRoutes, SESSION_COOKIE } from './modules/access/access.routes.ts';
import { openSessionCache } from './modules/access/access.sessions.ts';
import { registerOidcRoutes } from './modules/access/access.oidc.ts';
import { registerAuditOperatorRoutes, registerAuditRoutes } from './modules/audit/audit.routes.ts';
import { registerPartnerClientRoutes } from './modules/partners/partners.routes.ts';
import {
  PARTNER_CLIENT_CHANNEL,
  normalFingerprint,
  partnerFromCertificate,
  partnerFromToken,
  type ClientState,
  type PresentedCertificate,
} from './modules/partners/partners.service.ts';
import { NoticeCache } from './platform/notice-cache.ts';
import { problemSchema } from './modules/dossier/schemas.ts';
import { registerDossierRoutes } from './modules/dossier/dossier.routes.ts';
import { registerAuthorisationRoutes } from './modules/authorisations/authorisations.routes.ts';
import { registerExchangeRoutes } from './modules/exchange/exchange.routes.ts';
import { registerMagdaRoutes } from './modules/magda/magda.routes.ts';
import { registerMagdaImportRoutes } from './modules/magda/magda.import.routes.ts';
import { registerIntegrationRoutes } from './modules/integrations/integrations.routes.ts';
import { registerReferralRoutes } from './modules/exchange/referrals.routes.ts';
import { registerUsageRoutes } from './modules/exchange/usage.routes.ts';
import { registerStatisticsOperatorRoutes, registerStatisticsRoutes } from './modules/statistics/statistics.routes.ts';
import { exchangeDocument, registerExchangeDocs } from './modules/exchange/exchange.openapi.ts';
import { registerOperatorRoutes } from './modules/demo/demo.routes.ts';
import { registerLookupRoutes } from './modules/lookups/lookups.routes.ts';
import { registerDiscimusRoutes } from './modules/discimus/discimus.routes.ts';
import { registerRuleRoutes } from './modules/rules/rules.routes.ts';
import { registerHouseRoutes } from './modules/house/house.routes.ts';
import { registerNotificationOperatorRoutes, registerNotificationRoutes } from './modules/notifications/notifications.routes.ts';
import { webhookOutboxReader } from './modules/notifications/notifications.metrics.ts';
import { discimusClient } from './modules/discimus/discimus.client.ts';
import { registerImportRoutes } from './modules/imports/imports.routes.ts';
import { registerRetentionOperatorRoutes } from './modules/retention/retention.routes.ts';
import { failInterruptedImports } from './modules/imports/imports.service.ts';

export interface App {
  http: FastifyInstance;
  /** What the use-cases are given (the worker runs its jobs with the same). */
  deps: Deps;
  /** Every route with the door it declared (platform/door.ts). */
  routes: readonly DeclaredRoute[];
  database: Database;
  codes: CodeLists;
  close(): Promise<void>;
}

export interface BuildOptions {
  config: Readonly<Config>;
  /** An already opened database (tests); otherwise the configured one is opened and migrated. */
  database?: Database;
  logger?: Logger;
  /** Token of the operator endpoint used by the CLI while this server holds the data directory. */
  operatorToken?: string;
  /** Readers of the outbox whose lag /api/metrics reports (platform/metrics.ts), besides the webhook relay's, which is always there. */
  outboxReaders?: readonly OutboxReader[];
  /** Extra routes registered before the app is sealed (benchmarks compare against bare variants). */
  extraRoutes?: (http: FastifyInstance, database: Database) => void;
}

/**
 * Opens the configured database. On PostgreSQL the schema is migrated first by the connecting
 * (owner) role, then the server's pool assumes the restricted application role.
 */
async function openConfigured(config: Readonly<Config>): Promise<Database> {
  if (!config.databaseUrl || !config.dbRole) {
    const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
    await migrateToLatest(db.db);
    return db;
  }
  const owner = await openDatabase({ url: config.databaseUrl, poolSize: 1 });
  try {
    await migrateToLatest(owner.db);
  } finally {
    await owner.close();
  }
  const app = await openDatabase({ url: config.databaseUrl, poolSize: config.dbPoolSize, role: config.dbRole });
  const [who] = await app.prepared('kbi_whoami', 'SELECT current_user AS role', []);
  if (who?.role !== config.dbRole)
    throw new Error(`could not assume database role ${config.dbRole} (connected as ${String(who?.role)}); grant it to the login role or set KBI_DB_ROLE=`);
  return app;
}

/**
 * Where TLS ends at this server: its certificate and key, and with a client CA the request for a
 * client certificate, which is not required (a caller without one uses its bearer token) and not
 * refused by the handshake (a certificate that does not chain is refused by the door, audited).
 */
function tlsOptions(tls: TlsConfig) {
  return {
    cert: readFileSync(tls.certFile),
    key: readFileSync(tls.keyFile),
    ...(tls.clientCaFile ? { ca: readFileSync(tls.clientCaFile), requestCert: true, rejectUnauthorized: false } : {}),
    minVersion: 'TLSv1.2' as const,
  };
}

/** The client certificate of a request's TLS connection (read once per connection), or null. */
const presentedCertificates = new WeakMap<TLSSocket, PresentedCertificate | null>();
function presentedCertificate(req: FastifyRequest): PresentedCertificate | null {
  const socket = req.raw.socket as TLSSocket;
  if (typeof socket?.getPeerX509Certificate !== 'function') return null;
  let presented = presentedCertificates.get(socket);
  if (presented === undefined) {
    const cert = socket.getPeerX509Certificate();
    presented = cert
      ? {
          fingerprint: normalFingerprint(cert.fingerprint256),
          chained: socket.authorized,
          chainError: socket.authorizationError ? String((socket.authorizationError as Error & { code?: string }).code ?? socket.authorizationError) : null,
        }
      : null;
    presentedCertificates.set(socket, presented);
  }
  return presented;
}

export async function buildApp({ config, database, logger, operatorToken, extraRoutes, outboxReaders }: BuildOptions): Promise<App> {
  const log = logger ?? createLogger(config.logLevel);
  if (config.crashAt) log.warn({ crashAt: config.crashAt }, 'crash_point_armed');
  const ownDatabase = !database;
  const db = database ?? (await openConfigured(config));
  if (database) await migrateToLatest(db.db);
  const codes = await CodeLists.load(db.db);
  // Course-feed runs left 'running' by a process that was killed are failed now, so they can be sent again.
  const interrupted = await failInterruptedImports({ db: db.db, database: db });
  if (interrupted) log.warn({ runs: interrupted }, 'import_runs_interrupted');
  // Statistics and the partners' event feed may read from a streaming replica (KBI_REPLICA_URL).
  const reads = config.replicaUrl
    ? await openReadRouter(db, { url: config.replicaUrl, poolSize: config.dbPoolSize, role: config.dbRole, maxLagSeconds: config.replicaMaxLagSeconds, log })
    : primaryReads(db);

  const http: FastifyInstance = Fastify({
    ...(config.tls ? { https: tlsOptions(config.tls) } : {}),
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    genReqId: newRequestId,
    logController: new LogController({ disableRequestLogging: true }),
    // A request Node's parser refuses before Fastify sees it (a URL or headers over 16 KiB, a broken
    // request line) is answered as problem+json too (tests/fuzz/request-schemas.fuzz.test.ts found a bare 431).
    clientErrorHandler: answerClientError,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  }) as unknown as FastifyInstance;
  // The door of every route (platform/door.ts): the ways to authenticate are filled in below.
  const unready = async (): Promise<never> => {
    throw new Problem('serviceUnavailable', 'starting');
  };
  const authenticators: Authenticators = {
    staff: unready,
    partner: unready,
    operator: unready,
    monitoring: unready,
    can,
    allows: (ctx, p) => isAllowed(ctx, p.action, p.cluster as ClusterName | null, p.table),
  };
  const routes = installDoors(http, authenticators);
  // One line per request, with the route pattern only: URLs and query strings may carry personal data.
  http.addHook('onResponse', async (req, reply) => {
    req.log.info({ method: req.method, route: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  const metrics = installMetrics(http, db, { outboxReaders: [webhookOutboxReader, ...(outboxReaders ?? [])], reads });
  installHttpBasics(http, {
    // Every denial is audited once, here, with the facts the throwing service attached.
    onDenied: (req, problem) => recordDenial(db.db, req.ctx ?? { actor: ANONYMOUS, requestId: req.id }, problem),
  });
  await http.register(cookie);
  http.addSchema(problemSchema);
  await http.register(helmet, {
    // A strict policy: nothing inline, nothing from elsewhere (the API docs page brings its own hashes).
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  const tooMany = (max: number, ttl: number) => new Problem('tooManyRequests', `more than ${max} requests in a minute; retry after ${Math.ceil(ttl / 1000)} s`);
  type Limiter = (req: FastifyRequest) => Promise<{ isExceeded: boolean; max: number; ttl: number }>;
  let perActor: Limiter | null = null;
  if (config.rateLimitPerMinute > 0 || config.userRateLimitPerMinute > 0 || config.partnerRateLimitPerMinute > 0) {
    // Per client address on every request, before anything else runs (this also bounds failed log-ins).
    await http.register(rateLimit, {
      global: config.rateLimitPerMinute > 0,
      max: config.rateLimitPerMinute,
      timeWindow: '1 minute',
      keyGenerator: (req) => req.ip,
      errorResponseBuilder: (_req, context) => tooMany(context.max, context.ttl),
    });
    // And per staff member or partner client once authenticated (below), so that one busy actor
    // behind a shared address (a partner's gateway, an office's proxy) is limited as itself.
    const limitOf = (req: FastifyRequest) =>
      (req.ctx?.actor.kind === 'partner' ? config.partnerRateLimitPerMinute : config.userRateLimitPerMinute) || Number.MAX_SAFE_INTEGER;
    if (config.userRateLimitPerMinute > 0 || config.partnerRateLimitPerMinute > 0) {
      perActor = http.createRateLimit({ keyGenerator: (req) => `actor:${req.ctx!.actor.id}`, max: limitOf, timeWindow: 60_000 }) as Limiter;
    }
  }

  await http.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kruispuntbank Inburgering — caseworker API',
        version: '1.0.0',
        description:
          'Persons, their integration dossier with its full history, and the reference data it refers to. Staff log in with POST /api/v1/session; every read and write of personal data is checked against role and territory and audited. Errors are RFC 9457 problem+json.',
        license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'kbi_session',
            description: 'Staff session from POST /api/v1/session; changes also need the X-CSRF-Token header.',
          },
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'Partner access token from POST /api/exchange/v1/oauth/token (client credentials).',
          },
        },
      },
      security: [{ session: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  // The partner exchange API has a document of its own, with examples (exchange.openapi.ts); its
  // page lives in a scope of its own (the UI plugin decorates the instance it is given).
  await http.register(async (scope) => {
    await scope.register(swaggerUi, { routePrefix: '/api/exchange/docs', staticCSP: true, transformSpecification: (spec) => exchangeDocument(spec as never) });
  });
  await http.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  registerExchangeDocs(http);

  http.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Operations'],
        summary: 'Liveness and database check',
        response: { 200: { type: 'object', properties: { status: { type: 'string' }, database: { type: 'string' } } } },
      },
    },
    async () => {
      await db.db.selectFrom('kbi_migration').select('name').limit(1).execute();
      return { status: 'ok', database: db.kind };
    },
  );
  http.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => http.swagger());
  registerOperationsRoutes(http, db, metrics);

  // Staff authenticate with the session cookie (and the CSRF token on every change).
  const throttle = { freeAttempts: config.loginFreeAttempts, maxBackoffSeconds: config.loginMaxBackoffSeconds };
  const sessionSettings = { idleMinutes: config.sessionIdleMinutes, maxHours: config.sessionMaxHours, throttle };
  const sessions = await openSessionCache(db, config.sessionCacheSeconds);
  const partnerClients = await NoticeCache.open<ClientState>(db, PARTNER_CLIENT_CHANNEL, config.sessionCacheSeconds);
  http.decorateRequest('session', null);
  const refused = (req: FastifyRequest, problem: Problem) => problem.denied({ action: `${req.method} ${req.routeOptions.url}`, personId: null, clusters: [] });
  authenticators.staff = async (req) => {
    const token = req.cookies[SESSION_COOKIE];
    const resolved = token ? await resolveSession(db, sessionSettings, token, sessions) : null;
    if (!resolved || 'expired' in resolved) {
      throw refused(req, resolved ? new Problem('sessionExpired', 'your session has expired; log in again') : new Problem('unauthenticated', 'log in first'));
    }
    req.session = resolved;
    const ctx = { actor: actorOf(resolved.user), requestId: req.id, purpose: purposeOf(req) };
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.headers['x-csrf-token'] !== resolved.csrfToken) {
      req.ctx = ctx; // the refusal is audited as this staff member's
      throw refused(req, new Problem('csrfTokenMissing', 'send the X-CSRF-Token you received at log-in with every change'));
    }
    return ctx;
  };
  // Partners authenticate as institutions with a bearer token from the client-credentials grant,
  // or, where TLS ends here, with a client certificate bound to their client (or both, if they agree).
  authenticators.partner = async (req) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    const certificate = config.tls?.clientCaFile ? presentedCertificate(req) : null;
    if (!bearer && !certificate)
      throw new Problem(
        'unauthenticated',
        config.tls?.clientCaFile
          ? 'send a bearer token from POST /api/exchange/v1/oauth/token, or present a client certificate bound to your client'
          : 'send a bearer token from POST /api/exchange/v1/oauth/token',
      ).denied({
        action: `${req.method} ${req.routeOptions.url}`,
        personId: null,
        clusters: [],
        actor: ANONYMOUS_PARTNER,
      });
    const byCertificate = certificate ? await partnerFromCertificate(db, certificate) : null;
    const byToken = bearer ? await partnerFromToken(db, bearer, partnerClients) : null;
    // Two credentials that name different clients: refused, never one of them guessed.
    if (byCertificate && byToken && byCertificate.id !== byToken.id)
      throw new Problem('unauthenticated', 'the bearer token and the client certificate stand for different partner clients', undefined, {
        error: 'invalid_client_certificate',
      }).denied({
        action: 'exchange.authenticate',
        personId: null,
        clusters: [],
        actor: ANONYMOUS_PARTNER,
        detail: { certificateClientId: byCertificate.id.replace(/^partner:/, ''), tokenClientId: byToken.id.replace(/^partner:/, '') },
      });
    return { actor: (byCertificate ?? byToken)!, requestId: req.id, purpose: purposeOf(req) };
  };
  // The CLI, while this server holds the embedded database, with the one-time token of the lock file.
  const expectedOperator = operatorToken ? Buffer.from(`Bearer ${operatorToken}`) : null;
  authenticators.operator = async (req) => {
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    if (!expectedOperator || given.length !== expectedOperator.length || !timingSafeEqual(given, expectedOperator))
      throw refused(req, new Problem('unauthenticated', 'operator token required'));
    return { actor: OPERATOR, requestId: req.id };
  };
  // A metrics scraper: its own bearer token (KBI_METRICS_TOKEN), or the operator token of the CLI.
  const expectedScraper = config.metricsToken ? Buffer.from(`Bearer ${config.metricsToken}`) : null;
  authenticators.monitoring = async (req) => {
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    const matches = (expected: Buffer | null) => !!expected && given.length === expected.length && timingSafeEqual(given, expected);
    if (matches(expectedScraper)) return { actor: MONITOR, requestId: req.id };
    if (matches(expectedOperator)) return { actor: OPERATOR, requestId: req.id };
    throw refused(req, new Problem('unauthenticated', 'send the metrics bearer token (KBI_METRICS_TOKEN)'));
  };
  http.addHook('preHandler', async (req, reply) => {
    if (!perActor || !req.ctx || req.ctx.actor.kind === 'system') return;
    const limit = await perActor(req);
    if (limit.isExceeded) {
      reply.header('retry-after', Math.ceil(limit.ttl / 1000));
      if (req.routeOptions.config.answersThrottle) req.throttled = tooMany(limit.max, limit.ttl);
      else throw tooMany(limit.max, limit.ttl);
    }
  });
  registerAccessRoutes(http, db.db, sessionSettings, sessions);
  registerOidcRoutes(http, db.db, sessionSettings, config.oidc);
  registerAuditRoutes(http, db.db, config.acceptTestInsz);
  registerPartnerClientRoutes(http, db, partnerClients, throttle);

  const deps = {
    db: db.db,
    database: db,
    codes,
    acceptTestInsz: config.acceptTestInsz,
    integrationMaxBackdateDays: config.integrationMaxBackdateDays,
    reads,
  };
  registerDossierRoutes(http, deps);
  registerAuthorisationRoutes(http, db.db, codes, deps);
  registerIntegrationRoutes(http, deps);
  registerExchangeRoutes(http, deps);
  registerMagdaRoutes(http, deps);
  registerReferralRoutes(http, deps);
  registerUsageRoutes(http, db.db);
  registerStatisticsRoutes(http, db.db, reads);
  registerLookupRoutes(http, deps, { config, operator: !!operatorToken });
  registerRuleRoutes(http, deps);
  registerHouseRoutes(http, deps);
  registerNotificationRoutes(http, db.db);
  registerDiscimusRoutes(http, deps, discimusClient({ url: config.discimusUrl, timeoutMs: config.discimusTimeoutMs }));
  registerImportRoutes(http, deps, !!operatorToken);
  if (operatorToken) registerMagdaImportRoutes(http, deps);
  if (operatorToken) {
    registerOperatorRoutes(http, db);
    registerAuditOperatorRoutes(http, db.db);
    registerStatisticsOperatorRoutes(http, db.db, reads);
    registerNotificationOperatorRoutes(http, db.db);
    registerRetentionOperatorRoutes(http, db);
    if (db.dumpDataDir) registerBackupOperatorRoute(http, db);
  }
  extraRoutes?.(http, db);
  if (config.serveWebApp && !(await registerWebApp(http))) log.warn('web_app_not_built: run `npm run build` to serve the web app');
  await http.ready();

  return {
    http,
    deps,
    routes,
    database: db,
    codes,
    async close() {
      await http.close();
      await sessions.close();
      await partnerClients.close();
      await reads.close();
      if (ownDatabase) await db.close();
    },
  };
}

/** Node's HTTP parser refused the request (headers too large, malformed): answer problem+json and close. */
function answerClientError(err: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (!socket.writable) return;
  const [status, title] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : err.code === 'HPE_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({
    type: status === 400 ? 'urn:problem-type:belgif:badRequest' : 'about:blank',
    title,
    status,
    detail:
      status === 431
        ? 'the request line or headers are larger than this server accepts (16 KiB); send long input in the body'
        : 'the request could not be read',
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}
