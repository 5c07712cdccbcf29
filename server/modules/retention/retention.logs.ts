/**
 * The logs and the partner copies, each past its own term (retention rules LOG and PARTNER_COPY).
 *
 * Logs count from when a row was written: rows written before the Belgian day that lies the term
 * before today go. The audit trail goes through the audit module's trim (checkpoints keep it
 * verifiable); the others are plain deletes under the purge switch. The audit trail and the change
 * notices (outbox_events) are partitioned by month (migration 0037): a month wholly past the term
 * is dropped whole, if every row of it may go, instead of deleted row by row. A change notice goes
 * only once delivered: while a partner's webhook has not had it (its cursor lies before it) or it is
 * queued for a replay, it stays, and so does its month.
 *
 * A partner copy is what KBI holds for a partner about a person: its integration in the partner's
 * register (with its versions) and the change notices it was sent about the person. An integration
 * goes the term after it ended (the rule of the partner's kind, else the general one); the partner's
 * notices about the person go with the last of its integrations of that INSZ.
 */
import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db.ts';
import type { RequestContext } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addMonths } from '../../platform/calendar.ts';
import { planAuditPartitionDrops, planAuditTrim, trimAuditTrail } from '../audit/audit.trim.service.ts';
import { dropPartitions, partitionsBefore, partitionsReaching } from '../../platform/partitions.ts';
import type { RetentionRule } from './retention.schedule.ts';

type LogKind = NonNullable<RetentionRule['logKind']>;

/**
 * A change notice goes only once delivered: not while an active webhook of its partner has its
 * cursor before it, nor while it is queued for a replay. (The pull feed has no cursor of record.)
 */
const UNDELIVERED_EXCLUDED = `NOT EXISTS (SELECT 1 FROM notification_endpoints n
     WHERE n.organisation_id = outbox_events.organisation_id AND n.active AND n.mode <> 'PULL' AND n.cursor_seq < outbox_events.seq)
  AND NOT EXISTS (SELECT 1 FROM notification_dead_letters d WHERE d.seq = outbox_events.seq AND d.status = 'QUEUED')`;

/** The tables of each log and the column that says when a row was written. */
const LOG_TABLES: Record<Exclude<LogKind, 'AUDIT_TRAIL'>, { table: string; at: string; extra?: string; partitioned?: 'outbox_events' }[]> = {
  EXCHANGE_LOOKUPS: [
    { table: 'language_requirement_checks', at: 'checked_at' },
    { table: 'discimus_queries', at: 'asked_at' },
  ],
  PARTNER_EVENTS: [
    { table: 'notification_attempts', at: 'at' },
    { table: 'notification_dead_letters', at: 'dead_at', extra: `status <> 'QUEUED'` },
    { table: 'outbox_events', at: 'at', extra: UNDELIVERED_EXCLUDED, partitioned: 'outbox_events' },
  ],
  REPLAYED_ANSWERS: [{ table: 'idempotency_keys', at: 'created_at' }],
};

export interface LogPlan {
  ruleId: string;
  ruleVersion: number;
  logKind: LogKind;
  /** Rows written before the start of this Belgian day go. */
  before: string;
  rows: Record<string, number>;
  /** The month partitions dropped whole (planned, for a dry run), by table; their rows are counted in `rows`. */
  partitions?: Record<string, string[]>;
}

/** The start of a Belgian day as an SQL moment. */
const startOf = (day: string) => sql`(${day}::date::timestamp AT TIME ZONE 'Europe/Brussels')`;

/** What each log rule removes today; `upToAuditId`: audit rows after it are never removed (they are this run's own). */
export async function planLogs(db: Executor, today: string, rules: readonly RetentionRule[], upToAuditId: number): Promise<LogPlan[]> {
  const plans: LogPlan[] = [];
  for (const rule of rules.filter((r) => r.subject === 'LOG')) {
    const before = addMonths(today, -rule.termMonths);
    const rows: Record<string, number> = {};
    const partitions: Record<string, string[]> = {};
    if (rule.logKind === 'AUDIT_TRAIL') {
      const moment = await beforeMoment(db, before);
      const removed = (await planAuditTrim(db, moment, upToAuditId)).reduce((n, c) => n + c.removed, 0);
      if (removed) rows.audit_log = removed;
      const whole = await planAuditPartitionDrops(db, moment, upToAuditId);
      if (whole.length) partitions.audit_log = whole;
    } else {
      for (const t of LOG_TABLES[rule.logKind!]) {
        const { rows: r } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t.table)}
          WHERE ${sql.ref(t.at)} < ${startOf(before)} ${t.extra ? sql`AND ${sql.raw(t.extra)}` : sql``}`.execute(db);
        if (Number(r[0]!.n)) rows[t.table] = Number(r[0]!.n);
        if (t.partitioned) {
          const whole = (await wholePartitions(db, t, await beforeMoment(db, before))).map((p) => p.name);
          if (whole.length) partitions[t.table] = whole;
        }
      }
    }
    // Months go whole only with rows past the term to remove (an empty month past it goes with them).
    const whole = Object.keys(rows).length && Object.keys(partitions).length;
    plans.push({ ruleId: rule.id, ruleVersion: rule.version, logKind: rule.logKind!, before, rows, ...(whole ? { partitions } : {}) });
  }
  return plans;
}

/** The month partitions of a partitioned log wholly before `moment` of which every row may go, with their row counts. */
async function wholePartitions(db: Executor, t: (typeof LOG_TABLES)['PARTNER_EVENTS'][number], moment: string): Promise<{ name: string; rows: number }[]> {
  const out: { name: string; rows: number }[] = [];
  for (const p of await partitionsBefore(db, t.partitioned!, moment)) {
    // The partition under the parent's name, so that the condition's column references hold.
    const { rows } = await sql<{ n: number; kept: number }>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE NOT (${sql.raw(t.extra ?? 'true')}))::int AS kept
        FROM ${sql.table(p.name)} AS ${sql.table(t.table)}`.execute(db);
    if (!rows[0]!.kept) out.push({ name: p.name, rows: Number(rows[0]!.n) });
  }
  return out;
}

async function beforeMoment(db: Executor, day: string): Promise<string> {
  const { rows } = await sql<{ m: string }>`SELECT ${startOf(day)} AS m`.execute(db);
  return new Date(rows[0]!.m).toISOString();
}

/** Removes what the plan of one log rule found, and audits it (the audit trail: its trim's anchor is the record). */
export async function trimLog(
  tx: Tx,
  ctx: RequestContext,
  plan: LogPlan,
  upToAuditId: number,
): Promise<{ rows: Record<string, number>; partitions: Record<string, string[]> }> {
  const removed: Record<string, number> = {};
  const partitions: Record<string, string[]> = {};
  if (plan.logKind === 'AUDIT_TRAIL') {
    const trim = await trimAuditTrail(tx, ctx, await beforeMoment(tx, plan.before), upToAuditId, { rule: plan.ruleId, ruleVersion: plan.ruleVersion });
    const n = trim.cuts.reduce((s, c) => s + c.removed, 0);
    if (n) removed.audit_log = n;
    if (trim.partitions.length) partitions.audit_log = trim.partitions;
    return { rows: removed, partitions };
  }
  await sql`SELECT set_config('kbi.purge', 'on', true)`.execute(tx);
  const moment = await beforeMoment(tx, plan.before);
  const drops: { table: 'outbox_events'; whole: { name: string; rows: number }[] }[] = [];
  for (const t of LOG_TABLES[plan.logKind]) {
    const condition = sql`${sql.ref(t.at)} < ${startOf(plan.before)} ${t.extra ? sql`AND ${sql.raw(t.extra)}` : sql``}`;
    if (!t.partitioned) {
      const r = await sql`DELETE FROM ${sql.table(t.table)} WHERE ${condition}`.execute(tx);
      if (Number(r.numAffectedRows ?? 0)) removed[t.table] = Number(r.numAffectedRows);
      continue;
    }
    // Row by row in the months that are not dropped whole (only those that begin before the cut, and
    // DEFAULT, can hold such rows); the whole months last, so that the exclusive lock a drop takes
    // on the table is held only until the commit.
    const whole = await wholePartitions(tx, t, moment);
    for (const p of await partitionsReaching(tx, t.partitioned, moment)) {
      if (whole.some((w) => w.name === p.name)) continue;
      const r = await sql`DELETE FROM ${sql.table(p.name)} AS ${sql.table(t.table)} WHERE ${condition}`.execute(tx);
      if (Number(r.numAffectedRows ?? 0)) removed[t.table] = (removed[t.table] ?? 0) + Number(r.numAffectedRows);
    }
    drops.push({ table: t.partitioned, whole });
  }
  for (const d of drops) {
    const dropped = await dropPartitions(
      tx,
      d.table,
      d.whole.map((w) => w.name),
    );
    const rows = d.whole.filter((w) => dropped.includes(w.name)).reduce((n, w) => n + w.rows, 0);
    if (rows) removed[d.table] = (removed[d.table] ?? 0) + rows;
    if (dropped.length) partitions[d.table] = dropped;
  }
  if (Object.keys(removed).length || Object.keys(partitions).length)
    await recordAudit(tx, ctx, {
      action: 'retention.logTrimmed',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: {
        rule: plan.ruleId,
        ruleVersion: plan.ruleVersion,
        before: plan.before,
        rows: removed,
        ...(Object.keys(partitions).length ? { partitions } : {}),
      },
    });
  return { rows: removed, partitions };
}

export interface PartnerCopyPlan {
  insz: string;
  personId: string | null;
  integrations: { id: string; organisationId: string; ruleId: string; ruleVersion: number; endsOn: string }[];
}

/** The integrations whose partner-copy term has passed, by INSZ (of all INSZ, or of one). */
export async function planPartnerCopies(db: Executor, today: string, insz?: string): Promise<PartnerCopyPlan[]> {
  const { rows } = await sql<{
    id: string;
    insz: string;
    organisation_id: string;
    ends_on: string;
    rule_id: string;
    rule_version: number;
    person_id: string | null;
  }>`
    SELECT i.id, i.insz, i.organisation_id, i.ends_on::text AS ends_on, r.id AS rule_id, r.version AS rule_version, p.id AS person_id
      FROM integrations i
      JOIN organisations o ON o.id = i.organisation_id
      JOIN LATERAL (SELECT * FROM retention_rules r WHERE r.subject = 'PARTNER_COPY' AND (r.partner_kind = o.kind OR r.partner_kind IS NULL)
                     ORDER BY r.partner_kind NULLS LAST LIMIT 1) r ON true
      LEFT JOIN persons p ON p.insz = i.insz
     WHERE i.ends_on IS NOT NULL AND (i.ends_on + make_interval(months => r.term_months))::date < ${today}::date
       ${insz ? sql`AND i.insz = ${insz}` : sql``}
     ORDER BY i.insz, i.id`.execute(db);
  const byInsz = new Map<string, PartnerCopyPlan>();
  for (const r of rows) {
    const plan = byInsz.get(r.insz) ?? { insz: r.insz, personId: r.person_id, integrations: [] };
    plan.integrations.push({ id: r.id, organisationId: r.organisation_id, ruleId: r.rule_id, ruleVersion: r.rule_version, endsOn: r.ends_on });
    byInsz.set(r.insz, plan);
  }
  return [...byInsz.values()];
}

/** Removes one INSZ's partner copies past their term, planned again inside the transaction; audited. */
export async function purgePartnerCopies(tx: Tx, ctx: RequestContext, insz: string, today: string): Promise<{ integrations: number; events: number } | null> {
  const [plan] = await planPartnerCopies(tx, today, insz);
  if (!plan) return null;
  const ids = plan.integrations.map((i) => i.id);
  await tx.selectFrom('integrations').select('id').where('id', 'in', ids).forUpdate().execute();
  const organisations = [...new Set(plan.integrations.map((i) => i.organisationId))];
  await sql`SELECT set_config('kbi.purge', 'on', true)`.execute(tx);
  await tx.deleteFrom('integrations').where('id', 'in', ids).execute();
  await tx.deleteFrom('integrations_history').where('id', 'in', ids).execute();
  let events = 0;
  if (plan.personId) {
    const r = await sql`DELETE FROM outbox_events e WHERE e.person_id = ${plan.personId} AND e.organisation_id = ANY(${sql.val(organisations)}::uuid[])
      AND NOT EXISTS (SELECT 1 FROM integrations i WHERE i.insz = ${insz} AND i.organisation_id = e.organisation_id)`.execute(tx);
    events = Number(r.numAffectedRows ?? 0);
  }
  await recordAudit(tx, ctx, {
    action: 'retention.partnerCopyPurged',
    personId: plan.personId,
    clusters: [],
    result: 'allowed',
    detail: {
      today,
      integrations: plan.integrations.map((i) => ({ organisationId: i.organisationId, rule: i.ruleId, ruleVersion: i.ruleVersion, endsOn: i.endsOn })),
      events,
    },
    ...(plan.personId ? {} : { insz }),
  });
  return { integrations: ids.length, events };
}
