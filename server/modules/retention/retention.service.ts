/**
 * Retention (issue 17; seed 003 §68–70): the purge that applies the retention rules, its dry run,
 * the scheduled run of the worker, and the date a caseworker sees in the dossier.
 *
 * A purge, for a day `today` (the clock is a parameter, so it can be moved):
 * 1. every person with a cluster past its term and something left to remove, one transaction per
 *    person (retention.purge.ts: all or nothing, with its history, audited first);
 * 2. the partner copies past their term, one transaction per INSZ;
 * 3. the logs past their own term, one transaction per log (the audit trail keeps verifying).
 * It runs as the database owner: the application role may not delete history or audit rows. Published
 * statistics are frozen rows of their own (statistics_publications) that no rule touches, and what
 * ANONYMISE keeps is what the statistics count: recomputing a publication gives the same figures.
 * Every run is recorded in retention_runs (counts only); a dry run writes nothing.
 */
import { sql } from 'kysely';
import type { Db, Executor, HeldLock } from '../../platform/db.ts';
import { inTransaction } from '../../platform/db.ts';
import type { Actor, RequestContext } from '../../platform/access.ts';
import { maskInsz } from '../../platform/identifiers/insz.ts';
import { repeat, type Repeating } from '../../platform/schedule.ts';
import { planLogs, planPartnerCopies, purgePartnerCopies, trimLog, type LogPlan } from './retention.logs.ts';
import { dropParticipationYears, emptyParticipationYears, planPersons, purgePerson, type PlannedItem } from './retention.purge.ts';
import { basisOf, clusterDates, loadRules, type RetentionAction, type StartsFrom } from './retention.schedule.ts';
import { LOG_TABLES_WITH_PERSON, PERSON_TABLES, type RetentionCluster } from './retention.tables.ts';

/** The actor of every purge: its changes and audit records name it. */
export const RETENTION_ACTOR: Actor = Object.freeze({ id: 'system:retention', kind: 'system', organisationId: null, role: null, officeIds: [] }) as Actor;

export interface PurgedPerson {
  /** The INSZ masked but for its last digits: enough for an operator to check, too little to misuse. */
  inszMasked: string;
  personId: string;
  deletesPerson: boolean;
  items: PlannedItem[];
}

export interface PurgeReport {
  today: string;
  dryRun: boolean;
  /** The retention_runs row (null for a dry run). */
  runId: string | null;
  persons: PurgedPerson[];
  /** Persons whose purge failed (rolled back; tried again on the next run). */
  failed: number;
  partnerCopies: { inszMasked: string; integrations: number }[];
  logs: LogPlan[];
  /** The years of participations dropped whole, empty and past the courses term (a dry run: those empty now). */
  participationYears: string[];
  /** Per cluster: what happens, to how many persons, how many rows (current and history). */
  clusters: Record<string, { action: RetentionAction; persons: number; rows: number }>;
}

/** Minimal logger (pino's shape): events with ids, never personal data. */
export interface RetentionLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
const SILENT: RetentionLog = { info: () => {}, error: () => {} };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Applies the retention rules for `today` (dry run: only says what would go). `db` must be the owner
 * role's connection on PostgreSQL.
 */
export async function purge(db: Db, options: { today: string; dryRun: boolean; log?: RetentionLog }): Promise<PurgeReport> {
  const { today, dryRun } = options;
  const log = options.log ?? SILENT;
  if (!DAY.test(today) || Number.isNaN(Date.parse(today))) throw new Error(`today must be a day (YYYY-MM-DD), got ${today}`);
  await assertKnownPersonTables(db);
  const rules = await loadRules(db);
  // Audit rows written from here on are this run's own: a trim never removes them.
  const upToAuditId = Number((await sql<{ id: string | null }>`SELECT max(id) AS id FROM audit_log`.execute(db)).rows[0]?.id ?? 0);
  const plans = await planPersons(db, today, rules);
  const copies = await planPartnerCopies(db, today);
  const logs = await planLogs(db, today, rules, upToAuditId);
  const report: PurgeReport = {
    today,
    dryRun,
    runId: null,
    persons: plans.map((p) => ({ inszMasked: maskInsz(p.insz), personId: p.personId, deletesPerson: p.deletesPerson, items: p.items })),
    failed: 0,
    partnerCopies: copies.map((c) => ({ inszMasked: maskInsz(c.insz), integrations: c.integrations.length })),
    logs,
    participationYears: (await emptyParticipationYears(db, today, rules))?.names ?? [],
    clusters: totals(plans.map((p) => p.items)),
  };
  if (dryRun) return report;

  const run = await db.insertInto('retention_runs').values({ today, started_by: RETENTION_ACTOR.id }).returning('id').executeTakeFirstOrThrow();
  report.runId = run.id;
  const ctx: RequestContext = { actor: RETENTION_ACTOR, requestId: `retention-${run.id}` };
  const done: PlannedItem[][] = [];
  const purgedPersons: PurgedPerson[] = [];
  for (const plan of plans) {
    try {
      const result = await inTransaction(db, RETENTION_ACTOR.id, (tx) => purgePerson(tx, ctx, plan.personId, today, rules));
      if (result) {
        done.push(result.items);
        purgedPersons.push({ inszMasked: maskInsz(plan.insz), personId: plan.personId, deletesPerson: result.deletedPerson, items: result.items });
      }
    } catch (err) {
      report.failed++;
      log.error(
        { runId: run.id, personId: plan.personId, error: err instanceof Error ? err.name : typeof err, code: (err as { code?: string }).code },
        'retention_person_failed',
      );
    }
  }
  report.persons = purgedPersons;
  report.clusters = totals(done);
  // After the persons: the years their purges left empty.
  report.participationYears = await inTransaction(db, RETENTION_ACTOR.id, (tx) => dropParticipationYears(tx, ctx, today, rules));
  const partnerRows = { integrations: 0, events: 0 };
  for (const copy of copies) {
    try {
      const r = await inTransaction(db, RETENTION_ACTOR.id, (tx) => purgePartnerCopies(tx, ctx, copy.insz, today));
      partnerRows.integrations += r?.integrations ?? 0;
      partnerRows.events += r?.events ?? 0;
    } catch (err) {
      report.failed++;
      log.error({ runId: run.id, error: err instanceof Error ? err.name : typeof err, code: (err as { code?: string }).code }, 'retention_partner_copy_failed');
    }
  }
  const logRows: Record<string, Record<string, number>> = {};
  const logPartitions: Record<string, Record<string, string[]>> = {};
  for (const plan of logs.filter((l) => Object.keys(l.rows).length)) {
    const trimmed = await inTransaction(db, RETENTION_ACTOR.id, (tx) => trimLog(tx, ctx, plan, upToAuditId));
    logRows[plan.ruleId] = trimmed.rows;
    if (Object.keys(trimmed.partitions).length) logPartitions[plan.ruleId] = trimmed.partitions;
  }
  report.logs = logs.map(({ partitions: _planned, ...l }) => ({
    ...l,
    rows: logRows[l.ruleId] ?? {},
    ...(logPartitions[l.ruleId] ? { partitions: logPartitions[l.ruleId] } : {}),
  }));
  await db
    .updateTable('retention_runs')
    .set({
      finished_at: sql<string>`clock_timestamp()`,
      persons: purgedPersons.length,
      failed: report.failed,
      summary: JSON.stringify({
        clusters: report.clusters,
        partnerCopies: partnerRows,
        logs: logRows,
        partitions: { ...logPartitions, ...(report.participationYears.length ? { courses: { participations: report.participationYears } } : {}) },
      }),
    })
    .where('id', '=', run.id)
    .execute();
  log.info({ runId: run.id, today, persons: purgedPersons.length, failed: report.failed, partnerCopies: copies.length }, 'retention_purged');
  return report;
}

function totals(itemLists: PlannedItem[][]): PurgeReport['clusters'] {
  const out: PurgeReport['clusters'] = {};
  for (const items of itemLists)
    for (const i of items) {
      const t = (out[i.cluster] ??= { action: i.action, persons: 0, rows: 0 });
      t.persons++;
      t.rows += Object.values(i.rows).reduce((a, b) => a + b, 0);
    }
  return out;
}

/**
 * The purge refuses to run when the database holds personal data it knows no rule for: a table
 * with a person's id or an INSZ that is neither a cluster's (retention.tables.ts) nor a known log.
 */
export async function assertKnownPersonTables(db: Executor): Promise<void> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND column_name IN ('person_id', 'insz') AND table_name NOT LIKE '%\\_history'
       AND table_name NOT IN (SELECT c.relname FROM pg_class c WHERE c.relispartition AND c.relnamespace = current_schema()::regnamespace)`.execute(db);
  const known = new Set([...PERSON_TABLES.map((t) => t.table), ...LOG_TABLES_WITH_PERSON, 'persons', 'integrations']);
  const unknown = rows.filter((r) => !known.has(r.table_name)).map((r) => `${r.table_name}.${r.column_name}`);
  if (unknown.length)
    throw new Error(`no retention rule covers ${unknown.join(', ')}: add the table to server/modules/retention/retention.tables.ts before purging`);
}

export interface ClusterRetention {
  cluster: RetentionCluster;
  rule: string;
  action: RetentionAction;
  startsFrom: StartsFrom;
  termMonths: number;
  /** The first day these records go (or lose what identifies the person); null: not foreseen while a trajectory or an integration runs. */
  date: string | null;
}

export interface DossierRetention {
  /** The earliest of the dates below: when something of this dossier goes first. */
  deletionDate: string | null;
  /** The day the person was anonymised (null: not anonymised). */
  anonymisedOn: string | null;
  /** The personalia and every cluster the dossier holds records of, with its rule and date. */
  clusters: ClusterRetention[];
}

/**
 * What the retention rules say about one person's dossier: for the personalia and for each cluster
 * in `withRecords`, the rule and the day its term ends. Null for an unknown person.
 */
export async function dossierRetention(db: Executor, personId: string, withRecords: ReadonlySet<string>): Promise<DossierRetention | null> {
  const [rules, basis] = await Promise.all([loadRules(db), basisOf(db, [personId])]);
  const b = basis.get(personId);
  if (!b) return null;
  const clusters = clusterDates(b, rules)
    .filter((c) => c.cluster === 'personalia' || withRecords.has(c.cluster))
    .map((c) => ({ cluster: c.cluster, rule: c.rule.id, action: c.rule.action, startsFrom: c.rule.startsFrom, termMonths: c.rule.termMonths, date: c.date }));
  const dates = clusters.map((c) => c.date).filter((d): d is string => d !== null);
  return { deletionDate: dates.length ? dates.sort()[0]! : null, anonymisedOn: b.anonymisedOn, clusters };
}

/** Whether a purge already ran for this day (the scheduled purge runs once a day). */
async function ranOn(db: Executor, today: string): Promise<boolean> {
  const row = await db.selectFrom('retention_runs').select('id').where('today', '=', today).where('finished_at', 'is not', null).executeTakeFirst();
  return !!row;
}

/**
 * The worker's job: every `everyMs`, purge for today unless a run for today finished already.
 * `db` is the owner role's connection. A run that stopped halfway (the process ended) finished no
 * row, so the next check runs again; what it had done is not due any more. `tryLock` (the
 * database's process lock) lets one worker purge at a time: several `kbi worker` processes all
 * check at start, and two purges of the same persons at once deadlocked on them (the soak met it)
 * besides doing the work twice; a worker that finds the lock taken leaves the day to the other.
 */
export function startRetention(
  db: Db,
  everyMs: number,
  today: () => string,
  log: RetentionLog,
  tryLock?: (key: string) => Promise<HeldLock | null>,
): Repeating {
  return repeat(everyMs, async () => {
    let held: HeldLock | null = null;
    try {
      if (tryLock) {
        held = await tryLock('kbi:retention.purge');
        if (!held) return;
      }
      const day = today();
      if (await ranOn(db, day)) return;
      await purge(db, { today: day, dryRun: false, log });
    } catch (err) {
      log.error({ error: err instanceof Error ? err.name : typeof err, message: err instanceof Error ? err.message : undefined }, 'retention_failed');
    } finally {
      await held?.release();
    }
  });
}
