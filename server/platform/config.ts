/**
 * One validated, frozen configuration object, read from the environment once.
 * Boot fails naming every bad key at once, never the first only.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { accessSync, constants } from 'node:fs';
import { CRASH_POINTS, isCrashPoint, type CrashPoint } from './crash.ts';

export interface Config {
  /** HTTP port (`PORT`). */
  port: number;
  /** Interface to bind (`HOST`). Loopback by default: anything else needs TLS in front (the session cookie is Secure). */
  host: string;
  /** PostgreSQL server URL (`KBI_DATABASE_URL`); when absent the embedded PGlite database is used. */
  databaseUrl: string | null;
  /**
   * A PostgreSQL streaming replica (hot standby) of that server (`KBI_REPLICA_URL`): the statistics and the
   * partners' event feed read from it while it is at most `replicaMaxLagSeconds` behind; null: all on the primary.
   */
  replicaUrl: string | null;
  /** How far the replica may be behind for a read to go there (`KBI_REPLICA_MAX_LAG_SECONDS`; 0: only when caught up). */
  replicaMaxLagSeconds: number;
  /** Folder of the embedded database and the server lock file (`KBI_DATA_DIR`). */
  dataDir: string;
  /** pino level (`KBI_LOG_LEVEL`). */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest accepted request body in bytes (`KBI_BODY_LIMIT`). */
  bodyLimit: number;
  /** Persons generated on the first start of an empty database (`KBI_DEMO_PERSONS`, 0 = none). */
  demoPersons: number;
  /** Seed of the deterministic demo data generator (`KBI_DEMO_SEED`). */
  demoSeed: number;
  /** Size of the PostgreSQL connection pool (`KBI_DB_POOL`), per serving process. */
  dbPoolSize: number;
  /** Serving processes of `kbi serve` on one port (`KBI_WORKERS`, default 1; `auto` = one per CPU core); more than one needs PostgreSQL. */
  workers: number;
  /** Accept MAGDA test numbers (month 61–72) as INSZ (`KBI_ACCEPT_TEST_INSZ`). */
  acceptTestInsz: boolean;
  /** Bearer token a Prometheus scraper sends to `GET /api/metrics` (`KBI_METRICS_TOKEN`); null = only the CLI's operator token opens it. */
  metricsToken: string | null;
  /**
   * PostgreSQL role the server assumes after migrating (`KBI_DB_ROLE`, default kbi_app, empty = none):
   * it may only read and add audit and history rows.
   */
  dbRole: string | null;
  /** A staff session ends after this many minutes without a request (`KBI_SESSION_IDLE_MINUTES`). */
  sessionIdleMinutes: number;
  /** …and in any case this many hours after log-in (`KBI_SESSION_MAX_HOURS`). */
  sessionMaxHours: number;
  /** Seconds a resolved session or partner client stays in a process's memory, revoked at once by notification (`KBI_SESSION_CACHE_SECONDS`, 0 = off). */
  sessionCacheSeconds: number;
  /** Requests per minute per client address before 429 (`KBI_RATE_LIMIT_PER_MINUTE`, 0 = no limit). */
  rateLimitPerMinute: number;
  /** …and per logged-in staff member (`KBI_USER_RATE_LIMIT_PER_MINUTE`, 0 = no limit). */
  userRateLimitPerMinute: number;
  /** …and per partner API client (`KBI_PARTNER_RATE_LIMIT_PER_MINUTE`, 0 = no limit). */
  partnerRateLimitPerMinute: number;
  /** Allow binding a non-loopback HOST before staff authentication exists (`KBI_ALLOW_REMOTE`). */
  allowRemote: boolean;
  /** OpenID Connect log-in of staff (`KBI_OIDC_*`); null when `KBI_OIDC_ISSUER` is empty. */
  oidc: OidcConfig | null;
  /** Serve the built web app (web/dist) from this process (`KBI_SERVE_WEB`, default true); false for an API-only node. */
  serveWebApp: boolean;
  /** Whether `kbi serve` starts the background worker (`KBI_WORKER`; false for an API-only node when another machine runs it). */
  runWorker: boolean;
  /** Base URL of the DISCIMUS education database (`KBI_DISCIMUS_URL`); null: not configured (the demo starts a simulator). */
  discimusUrl: string | null;
  /** How long KBI waits for a DISCIMUS answer, in milliseconds (`KBI_DISCIMUS_TIMEOUT_MS`). */
  discimusTimeoutMs: number;
  /** Minutes between two sweeps that expire overdue referrals in `kbi serve` (`KBI_REFERRAL_EXPIRY_MINUTES`, 0 = off). */
  referralExpiryMinutes: number;
  /** Seconds between rounds of the rules' re-evaluation of changed dossiers (0: off); everyone once a day. */
  ruleEvaluationSeconds: number;
  /** Minutes between the worker's checks whether today's retention purge ran (`KBI_RETENTION_MINUTES`, 0 = off); it purges once a day. */
  retentionMinutes: number;
  /** How far back a partner may date the start of an integration it declares (`KBI_INTEGRATION_MAX_BACKDATE_DAYS`); further only by an administrator, with a reason. */
  integrationMaxBackdateDays: number;
  /** Failed log-ins (per account) or token requests (per client id) in a row before each further one waits (`KBI_LOGIN_FREE_ATTEMPTS`). */
  loginFreeAttempts: number;
  /** The longest wait the doubling back-off reaches (`KBI_LOGIN_MAX_BACKOFF_SECONDS`). */
  loginMaxBackoffSeconds: number;
  /** TLS ends at this server (`KBI_TLS_CERT`, `KBI_TLS_KEY`, optionally `KBI_TLS_CLIENT_CA`); null: plain HTTP (TLS in front, if any). */
  tls: TlsConfig | null;
  /** The webhook relay of the worker (`KBI_NOTIFY_*`); pollMs 0 = off. */
  notify: NotifyConfig;
  /** Tests only: the named point where the process kills itself (`KBI_CRASH_AT`, platform/crash.ts); null = none. */
  crashAt: CrashPoint | null;
}

export interface TlsConfig {
  /** PEM file of the server's certificate (and its chain) (`KBI_TLS_CERT`). */
  certFile: string;
  /** PEM file of its private key (`KBI_TLS_KEY`). */
  keyFile: string;
  /**
   * PEM file of the CA(s) that issue partners' client certificates (`KBI_TLS_CLIENT_CA`): when set, the
   * server asks every caller for a certificate (not required: bearer tokens keep working), and a
   * certificate that chains to it and is bound to an active partner client stands for that client.
   */
  clientCaFile: string | null;
}

/** The outbox relay to partners' webhooks (README, Configuration). */
export interface NotifyConfig {
  pollMs: number;
  timeoutMs: number;
  retrySeconds: number;
  backoffMs: number;
  maxBackoffSeconds: number;
  leaseSeconds: number;
  alertAfter: number;
  batchSize: number;
  /** KBI's sender id in the MAGDA messages it sends (`Afzender/Identificatie`, `KBI_MAGDA_SENDER_ID`). */
  magdaSenderId: string;
}

export interface OidcConfig {
  /** Issuer identifier of the OpenID provider; its metadata is discovered from it (`KBI_OIDC_ISSUER`). */
  issuer: string;
  /** KBI's client at that provider (`KBI_OIDC_CLIENT_ID`, `KBI_OIDC_CLIENT_SECRET`). */
  clientId: string;
  clientSecret: string;
  /** The public URL of KBI's callback, as registered at the provider (`KBI_OIDC_REDIRECT_URI`). */
  redirectUri: string;
  /** ID token claim matched to the KBI user name at an account's first OIDC log-in (`KBI_OIDC_USERNAME_CLAIM`). */
  usernameClaim: string;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const OIDC_CALLBACK_PATH = '/api/v1/session/oidc/callback';

const isLoopback = (host: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host) || host.startsWith('127.');

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const problems: string[] = [];
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${key} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    problems.push(`${key} must be true or false, got "${raw}"`);
    return fallback;
  };
  const logLevel = (env.KBI_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LEVELS.includes(logLevel)) problems.push(`KBI_LOG_LEVEL must be one of ${LEVELS.join(', ')}, got "${logLevel}"`);
  const databaseUrl = env.KBI_DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('KBI_DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const replicaUrl = env.KBI_REPLICA_URL?.trim() || null;
  if (replicaUrl && !/^postgres(ql)?:\/\//.test(replicaUrl)) problems.push('KBI_REPLICA_URL must be a postgres:// or postgresql:// URL');
  if (replicaUrl && !databaseUrl)
    problems.push('KBI_REPLICA_URL needs KBI_DATABASE_URL: it is a replica of that PostgreSQL server (the embedded database has none)');
  const config: Config = {
    port: int('PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl,
    replicaUrl,
    replicaMaxLagSeconds: int('KBI_REPLICA_MAX_LAG_SECONDS', 10, 0, 86_400),
    dataDir: resolve(env.KBI_DATA_DIR?.trim() || './data'),
    logLevel,
    bodyLimit: int('KBI_BODY_LIMIT', 1024 * 1024, 1024, 512 * 1024 * 1024),
    demoPersons: int('KBI_DEMO_PERSONS', 5000, 0, 10_000_000),
    demoSeed: int('KBI_DEMO_SEED', 1, 0, 2 ** 31 - 1),
    dbPoolSize: int('KBI_DB_POOL', 8, 1, 200),
    workers: env.KBI_WORKERS?.trim() === 'auto' ? availableParallelism() : int('KBI_WORKERS', 1, 1, 64),
    acceptTestInsz: bool('KBI_ACCEPT_TEST_INSZ', false),
    metricsToken: env.KBI_METRICS_TOKEN?.trim() || null,
    allowRemote: bool('KBI_ALLOW_REMOTE', false),
    sessionIdleMinutes: int('KBI_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionMaxHours: int('KBI_SESSION_MAX_HOURS', 10, 1, 72),
    sessionCacheSeconds: int('KBI_SESSION_CACHE_SECONDS', 30, 0, 300),
    rateLimitPerMinute: int('KBI_RATE_LIMIT_PER_MINUTE', 1200, 0, 10_000_000),
    userRateLimitPerMinute: int('KBI_USER_RATE_LIMIT_PER_MINUTE', 600, 0, 10_000_000),
    partnerRateLimitPerMinute: int('KBI_PARTNER_RATE_LIMIT_PER_MINUTE', 6000, 0, 10_000_000),
    dbRole: env.KBI_DB_ROLE === undefined ? 'kbi_app' : env.KBI_DB_ROLE.trim() || null,
    oidc: oidcConfig(env, problems),
    serveWebApp: bool('KBI_SERVE_WEB', true),
    runWorker: bool('KBI_WORKER', true),
    discimusUrl: env.KBI_DISCIMUS_URL?.trim().replace(/\/+$/, '') || null,
    discimusTimeoutMs: int('KBI_DISCIMUS_TIMEOUT_MS', 5000, 100, 120_000),
    referralExpiryMinutes: int('KBI_REFERRAL_EXPIRY_MINUTES', 15, 0, 24 * 60),
    ruleEvaluationSeconds: int('KBI_RULE_EVALUATION_SECONDS', 10, 0, 24 * 3600),
    retentionMinutes: int('KBI_RETENTION_MINUTES', 60, 0, 24 * 60),
    integrationMaxBackdateDays: int('KBI_INTEGRATION_MAX_BACKDATE_DAYS', 28, 0, 366),
    loginFreeAttempts: int('KBI_LOGIN_FREE_ATTEMPTS', 5, 1, 100),
    loginMaxBackoffSeconds: int('KBI_LOGIN_MAX_BACKOFF_SECONDS', 300, 1, 3600),
    tls: tlsConfig(env, problems),
    notify: {
      pollMs: int('KBI_NOTIFY_POLL_MS', 1000, 0, 3_600_000),
      timeoutMs: int('KBI_NOTIFY_TIMEOUT_MS', 5000, 100, 60_000),
      retrySeconds: int('KBI_NOTIFY_RETRY_SECONDS', 86_400, 0, 30 * 86_400),
      backoffMs: int('KBI_NOTIFY_BACKOFF_MS', 1000, 10, 3_600_000),
      maxBackoffSeconds: int('KBI_NOTIFY_MAX_BACKOFF_SECONDS', 3600, 1, 86_400),
      leaseSeconds: int('KBI_NOTIFY_LEASE_SECONDS', 60, 1, 3600),
      alertAfter: int('KBI_NOTIFY_ALERT_AFTER', 5, 1, 1_000_000),
      batchSize: int('KBI_NOTIFY_BATCH', 100, 1, 1000),
      magdaSenderId: env.KBI_MAGDA_SENDER_ID?.trim() || 'kbi.vlaanderen.be',
    },
    crashAt: null,
  };
  const crashAt = env.KBI_CRASH_AT?.trim();
  if (crashAt && isCrashPoint(crashAt)) config.crashAt = crashAt;
  else if (crashAt) problems.push(`KBI_CRASH_AT must be one of ${Object.keys(CRASH_POINTS).join(', ')} (tests only), got "${crashAt}"`);
  if (config.notify.leaseSeconds * 1000 < 2 * config.notify.timeoutMs) {
    problems.push(`KBI_NOTIFY_LEASE_SECONDS must be at least twice KBI_NOTIFY_TIMEOUT_MS (a relay must finish a delivery while it holds the endpoint)`);
  }
  if (config.discimusUrl) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(config.discimusUrl);
    } catch {
      /* reported below */
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search || parsed.hash) {
      problems.push(`KBI_DISCIMUS_URL must be an http or https base URL without query, got "${config.discimusUrl}"`);
    } else if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) {
      problems.push(`KBI_DISCIMUS_URL must use https (http only on a loopback address), got "${config.discimusUrl}"`);
    }
  }
  if (config.workers > 1 && !config.databaseUrl) {
    problems.push(`KBI_WORKERS=${config.workers} needs KBI_DATABASE_URL: the embedded PGlite database is one session in one process`);
  }
  if (config.metricsToken && !/^[\x21-\x7e]{32,256}$/.test(config.metricsToken))
    problems.push('KBI_METRICS_TOKEN must be 32 to 256 printable characters without spaces (e.g. `openssl rand -hex 32`)');
  if (config.dbRole && !/^[a-z_][a-z0-9_]*$/.test(config.dbRole)) problems.push('KBI_DB_ROLE must be a plain lower-case role name');
  if (!isLoopback(config.host) && !config.allowRemote) {
    problems.push(
      `HOST=${config.host} would expose the API beyond this machine; use a loopback address, or set KBI_ALLOW_REMOTE=true with TLS in front (the session cookie is Secure)`,
    );
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** The TLS settings, or null when neither certificate nor key is set; every missing or unreadable file goes to `problems`. */
function tlsConfig(env: NodeJS.ProcessEnv, problems: string[]): TlsConfig | null {
  const file = (key: string): string | null => {
    const value = env[key]?.trim();
    if (!value) return null;
    const path = resolve(value);
    try {
      accessSync(path, constants.R_OK);
    } catch {
      problems.push(`${key} must be a readable PEM file, got "${value}"`);
    }
    return path;
  };
  const certFile = file('KBI_TLS_CERT');
  const keyFile = file('KBI_TLS_KEY');
  const clientCaFile = file('KBI_TLS_CLIENT_CA');
  if (!certFile && !keyFile) {
    if (clientCaFile) problems.push('KBI_TLS_CLIENT_CA needs KBI_TLS_CERT and KBI_TLS_KEY: client certificates are only seen where TLS ends at this server');
    return null;
  }
  if (!certFile || !keyFile) {
    problems.push('KBI_TLS_CERT and KBI_TLS_KEY go together: set both (TLS ends here) or neither');
    return null;
  }
  return { certFile, keyFile, clientCaFile };
}

/** The OIDC settings, or null when no issuer is set; every missing or bad key goes to `problems`. */
function oidcConfig(env: NodeJS.ProcessEnv, problems: string[]): OidcConfig | null {
  const issuer = env.KBI_OIDC_ISSUER?.trim();
  if (!issuer) return null;
  // Tokens and the client secret travel over these URLs: plain http only to this machine (tests).
  const url = (key: string, value: string, what: string): URL | null => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      problems.push(`${key} must be ${what}, got "${value}"`);
      return null;
    }
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && isLoopback(parsed.hostname))) {
      problems.push(`${key} must be an https URL (http only on a loopback address), got "${value}"`);
      return null;
    }
    return parsed;
  };
  const issuerUrl = url('KBI_OIDC_ISSUER', issuer, 'the URL of the OpenID provider (its issuer identifier)');
  if (issuerUrl && (issuerUrl.search || issuerUrl.hash)) problems.push('KBI_OIDC_ISSUER must be an issuer identifier, without query or fragment');
  const required = (key: string): string => {
    const value = env[key]?.trim();
    if (!value) problems.push(`${key} is required when KBI_OIDC_ISSUER is set`);
    return value ?? '';
  };
  const clientId = required('KBI_OIDC_CLIENT_ID');
  const clientSecret = required('KBI_OIDC_CLIENT_SECRET');
  const redirectUri = required('KBI_OIDC_REDIRECT_URI');
  const redirect = redirectUri ? url('KBI_OIDC_REDIRECT_URI', redirectUri, `the public URL of ${OIDC_CALLBACK_PATH}`) : null;
  if (redirect && (!redirect.pathname.endsWith(OIDC_CALLBACK_PATH) || redirect.search || redirect.hash)) {
    problems.push(`KBI_OIDC_REDIRECT_URI must be the public URL of ${OIDC_CALLBACK_PATH}, without query, got "${redirectUri}"`);
  }
  const usernameClaim = env.KBI_OIDC_USERNAME_CLAIM?.trim() || 'preferred_username';
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(usernameClaim)) problems.push(`KBI_OIDC_USERNAME_CLAIM must be a claim name, got "${usernameClaim}"`);
  return { issuer, clientId, clientSecret, redirectUri, usernameClaim };
}
