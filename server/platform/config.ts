/**
 * One validated, frozen configuration object, read from the environment once.
 * Boot fails naming every bad key at once, never the first only.
 */
import { resolve } from 'node:path';

export interface Config {
  /** HTTP port (`PORT`). */
  port: number;
  /** Interface to bind (`HOST`). Loopback by default: staff authentication arrives with the access module. */
  host: string;
  /** PostgreSQL server URL (`KBI_DATABASE_URL`); when absent the embedded PGlite database is used. */
  databaseUrl: string | null;
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
  /** Size of the PostgreSQL connection pool (`KBI_DB_POOL`). */
  dbPoolSize: number;
  /** Accept MAGDA test numbers (month 61–72) as INSZ (`KBI_ACCEPT_TEST_INSZ`). */
  acceptTestInsz: boolean;
  /**
   * PostgreSQL role the server assumes after migrating (`KBI_DB_ROLE`, default kbi_app, empty = none):
   * it may only read and add audit and history rows.
   */
  dbRole: string | null;
  /** A staff session ends after this many minutes without a request (`KBI_SESSION_IDLE_MINUTES`). */
  sessionIdleMinutes: number;
  /** …and in any case this many hours after log-in (`KBI_SESSION_MAX_HOURS`). */
  sessionMaxHours: number;
  /** Requests per minute per client before 429 (`KBI_RATE_LIMIT_PER_MINUTE`, 0 = no limit). */
  rateLimitPerMinute: number;
  /** Allow binding a non-loopback HOST before staff authentication exists (`KBI_ALLOW_REMOTE`). */
  allowRemote: boolean;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
  const config: Config = {
    port: int('PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    databaseUrl,
    dataDir: resolve(env.KBI_DATA_DIR?.trim() || './data'),
    logLevel,
    bodyLimit: int('KBI_BODY_LIMIT', 1024 * 1024, 1024, 512 * 1024 * 1024),
    demoPersons: int('KBI_DEMO_PERSONS', 5000, 0, 10_000_000),
    demoSeed: int('KBI_DEMO_SEED', 1, 0, 2 ** 31 - 1),
    dbPoolSize: int('KBI_DB_POOL', 8, 1, 200),
    acceptTestInsz: bool('KBI_ACCEPT_TEST_INSZ', false),
    allowRemote: bool('KBI_ALLOW_REMOTE', false),
    sessionIdleMinutes: int('KBI_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionMaxHours: int('KBI_SESSION_MAX_HOURS', 10, 1, 72),
    rateLimitPerMinute: int('KBI_RATE_LIMIT_PER_MINUTE', 1200, 0, 10_000_000),
    dbRole: env.KBI_DB_ROLE === undefined ? 'kbi_app' : env.KBI_DB_ROLE.trim() || null,
  };
  if (config.dbRole && !/^[a-z_][a-z0-9_]*$/.test(config.dbRole)) problems.push('KBI_DB_ROLE must be a plain lower-case role name');
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(config.host) || config.host.startsWith('127.');
  if (!loopback && !config.allowRemote) {
    problems.push(`HOST=${config.host} would expose the API beyond this machine before staff log-in exists; use a loopback address or set KBI_ALLOW_REMOTE=true behind an authenticating proxy`);
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}
