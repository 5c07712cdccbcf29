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
import type { Config } from './platform/config.ts';
import { openDatabase, type Database } from './platform/db.ts';
import { migrateToLatest } from './platform/migrate.ts';
import { CodeLists } from './platform/codes.ts';
import { createLogger } from './platform/logger.ts';
import { installHttpBasics, newRequestId } from './platform/http.ts';
import { registerWebApp } from './platform/web.ts';
import { ANONYMOUS, ANONYMOUS_PARTNER, OPERATOR } from './platform/access.ts';
import type { Deps } from './platform/deps.ts';
import { installDoors, purposeOf, type Authenticators, type DeclaredRoute } from './platform/door.ts';
import { timingSafeEqual } from 'node:crypto';
import { recordDenial } from './platform/audit.ts';
import cookie from '@fastify/cookie';
import { actorOf, can, isAllowed, resolveSession } from './modules/access/access.service.ts';
import type { ClusterName } from './modules/dossier/clusters.ts';
import { registerAccessRoutes, SESSION_COOKIE } from './modules/access/access.routes.ts';
import { openSessionCache } from './modules/access/access.sessions.ts';
import { registerOidcRoutes } from './modules/access/access.oidc.ts';
import { registerAuditOperatorRoutes, registerAuditRoutes } from './modules/audit/audit.routes.ts';
import { registerPartnerClientRoutes } from './modules/partners/partners.routes.ts';
import { PARTNER_CLIENT_CHANNEL, partnerFromToken, type ClientState } from './modules/partners/partners.service.ts';
import { NoticeCache } from './platform/notice-cache.ts';
import { problemSchema } from './modules/dossier/schemas.ts';
import { registerDossierRoutes } from './modules/dossier/dossier.routes.ts';
import { registerAuthorisationRoutes } from './modules/authorisations/authorisations.routes.ts';
import { registerExchangeRoutes } from './modules/exchange/exchange.routes.ts';
import { registerMagdaRoutes } from './modules/magda/magda.routes.ts';
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
import { discimusClient } from './modules/discimus/discimus.client.ts';
import { registerImportRoutes } from './modules/imports/imports.routes.ts';
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

export async function buildApp({ config, database, logger, operatorToken, extraRoutes }: BuildOptions): Promise<App> {
  const log = logger ?? createLogger(config.logLevel);
  const ownDatabase = !database;
  const db = database ?? (await openConfigured(config));
  if (database) await migrateToLatest(db.db);
  const codes = await CodeLists.load(db.db);
  // Course-feed runs left 'running' by a process that was killed are failed now, so they can be sent again.
  const interrupted = await failInterruptedImports({ db: db.db, database: db });
  if (interrupted) log.warn({ runs: interrupted }, 'import_runs_interrupted');

  const http: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    genReqId: newRequestId,
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
  });
  // The door of every route (platform/door.ts): the ways to authenticate are filled in below.
  const unready = async (): Promise<never> => {
    throw new Problem('serviceUnavailable', 'starting');
  };
  const authenticators: Authenticators = {
    staff: unready,
    partner: unready,
    operator: unready,
    can,
    allows: (ctx, p) => isAllowed(ctx, p.action, p.cluster as ClusterName | null, p.table),
  };
  const routes = installDoors(http, authenticators);
  // One line per request, with the route pattern only: URLs and query strings may carry personal data.
  http.addHook('onResponse', async (req, reply) => {
    req.log.info({ method: req.method, route: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
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
  // Partners authenticate as institutions with a bearer token from the client-credentials grant.
  authenticators.partner = async (req) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!bearer)
      throw new Problem('unauthenticated', 'send a bearer token from POST /api/exchange/v1/oauth/token').denied({
        action: `${req.method} ${req.routeOptions.url}`,
        personId: null,
        clusters: [],
        actor: ANONYMOUS_PARTNER,
      });
    return { actor: await partnerFromToken(db, bearer, partnerClients), requestId: req.id, purpose: purposeOf(req) };
  };
  // The CLI, while this server holds the embedded database, with the one-time token of the lock file.
  const expectedOperator = operatorToken ? Buffer.from(`Bearer ${operatorToken}`) : null;
  authenticators.operator = async (req) => {
    const given = Buffer.from(String(req.headers.authorization ?? ''));
    if (!expectedOperator || given.length !== expectedOperator.length || !timingSafeEqual(given, expectedOperator))
      throw refused(req, new Problem('unauthenticated', 'operator token required'));
    return { actor: OPERATOR, requestId: req.id };
  };
  http.addHook('preHandler', async (req, reply) => {
    if (!perActor || !req.ctx || req.ctx.actor.kind === 'system') return;
    const limit = await perActor(req);
    if (limit.isExceeded) {
      reply.header('retry-after', Math.ceil(limit.ttl / 1000));
      throw tooMany(limit.max, limit.ttl);
    }
  });
  registerAccessRoutes(http, db.db, sessionSettings, sessions);
  registerOidcRoutes(http, db.db, sessionSettings, config.oidc);
  registerAuditRoutes(http, db.db, config.acceptTestInsz);
  registerPartnerClientRoutes(http, db, partnerClients, throttle);

  const deps = { db: db.db, database: db, codes, acceptTestInsz: config.acceptTestInsz, integrationMaxBackdateDays: config.integrationMaxBackdateDays };
  registerDossierRoutes(http, deps);
  registerAuthorisationRoutes(http, db.db, codes, deps);
  registerIntegrationRoutes(http, deps);
  registerExchangeRoutes(http, deps);
  registerMagdaRoutes(http, deps);
  registerReferralRoutes(http, deps);
  registerUsageRoutes(http, db.db);
  registerStatisticsRoutes(http, db.db);
  registerLookupRoutes(http, deps, { config, operator: !!operatorToken });
  registerRuleRoutes(http, deps);
  registerHouseRoutes(http, deps);
  registerNotificationRoutes(http, db.db);
  registerDiscimusRoutes(http, deps, discimusClient({ url: config.discimusUrl, timeoutMs: config.discimusTimeoutMs }));
  registerImportRoutes(http, deps, !!operatorToken);
  if (operatorToken) {
    registerOperatorRoutes(http, db);
    registerAuditOperatorRoutes(http, db.db);
    registerStatisticsOperatorRoutes(http, db.db);
    registerNotificationOperatorRoutes(http, db.db);
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
      if (ownDatabase) await db.close();
    },
  };
}
