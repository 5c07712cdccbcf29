/**
 * The background worker: scheduled jobs that belong to no request (the referral expiry sweep and
 * the re-evaluation of the rules of the decree, the outbox relay for webhooks, the daily retention purge, the partitions of the
 * audit trail and the outbox made ahead), in a process of their own so that web processes
 * only answer requests and a busy job never slows them — and so that with several serving
 * processes a job runs once, not once per process. `npx kbi worker` runs it alone; `kbi serve`
 * starts one (on PostgreSQL as a child process, restarted if it dies; on the embedded database,
 * which one process holds, inside the serving process).
 */
import type { Logger } from 'pino';
import type { Config } from './platform/config.ts';
import type { Deps } from './platform/deps.ts';
import { startReferralExpiry } from './modules/exchange/referrals.service.ts';
import { startRuleEvaluation } from './modules/rules/evaluation.service.ts';
import { belgianToday } from './modules/integrations/integrations.service.ts';
import { startRelay } from './modules/notifications/notifications.relay.ts';
import { startRetention } from './modules/retention/retention.service.ts';
import type { Db } from './platform/db.ts';
import { startPartitionUpkeep } from './platform/partitions.ts';

/** How often the worker makes sure the months ahead of the partitioned tables exist (they are made three months ahead). */
const PARTITION_UPKEEP_MS = 6 * 3600_000;

export interface Worker {
  /** The jobs that run, with their interval. */
  jobs: { name: string; everyMs: number }[];
  /** Stops every job, waiting for a run in progress. */
  stop(): Promise<void>;
}

export function startWorker(
  deps: Deps,
  config: Pick<Config, 'referralExpiryMinutes' | 'ruleEvaluationSeconds'> & Partial<Pick<Config, 'notify' | 'retentionMinutes' | 'crashAt'>>,
  log: Pick<Logger, 'info' | 'warn' | 'error'>,
  /** The owner role's connection, for the retention purge (default deps.db: on the embedded database there are no roles). */
  ownerDb: Db = deps.db,
): Worker {
  const running: { name: string; everyMs: number; handle: { stop(): Promise<void> } }[] = [];
  if (config.referralExpiryMinutes > 0) {
    const everyMs = config.referralExpiryMinutes * 60_000;
    running.push({ name: 'referrals.expire', everyMs, handle: startReferralExpiry(deps, everyMs, log) });
  }
  if (config.ruleEvaluationSeconds > 0) {
    const everyMs = config.ruleEvaluationSeconds * 1000;
    running.push({ name: 'rules.evaluate', everyMs, handle: startRuleEvaluation(deps.database, everyMs, () => belgianToday(), log) });
  }
  if (config.notify && config.notify.pollMs > 0) {
    // Woken by NOTIFY kbi_outbox at every commit that adds an event; pollMs is only the longest wait.
    running.push({ name: 'notifications.relay', everyMs: config.notify.pollMs, handle: startRelay(deps, config.notify, log) });
  }
  if (config.retentionMinutes && config.retentionMinutes > 0) {
    // Checks every retentionMinutes; purges once a Belgian day.
    const everyMs = config.retentionMinutes * 60_000;
    running.push({
      name: 'retention.purge',
      everyMs,
      handle: startRetention(
        ownerDb,
        everyMs,
        () => belgianToday(),
        log,
        (key) => deps.database.tryLock(key),
      ),
    });
  }
  // Always: an insert outside every partition lands in DEFAULT, where a later month cannot be made.
  running.push({ name: 'partitions.ensure', everyMs: PARTITION_UPKEEP_MS, handle: startPartitionUpkeep(deps.db, PARTITION_UPKEEP_MS, log) });
  if (config.crashAt) log.warn({ crashAt: config.crashAt }, 'crash_point_armed');
  log.info({ jobs: running.map((j) => j.name), pid: process.pid }, 'worker_started');
  return {
    jobs: running.map(({ name, everyMs }) => ({ name, everyMs })),
    async stop() {
      await Promise.all(running.map((j) => j.handle.stop()));
      log.info({ pid: process.pid }, 'worker_stopped');
    },
  };
}
