/**
 * When each cluster of a person's dossier is due: the dates a rule's term counts from, read from the
 * dossier's own dated facts, and the rule's term on top. Used alike by the purge (what goes today),
 * its dry run, and the dossier (the date a caseworker sees), so the three cannot disagree.
 *
 * - LAST_ACTIVITY: the latest dated fact of the dossier (any date of any record: a contract signed, a
 *   lesson moment, a decision, a conversation, the first extraction from the register, the end of a
 *   partner's integration). While a partner has the person integrated, the dossier is active: no date.
 *   A person without any dated fact counts from the day the person was last recorded.
 * - TRAJECTORY_END: the end of the last trajectory; no date while one runs; without any trajectory,
 *   the last activity.
 * - CERTIFICATE: the (latest) integration certificate; without one, the trajectory end.
 * For the last two the term never counts from before the cluster's own latest fact (a conversation
 * held after the trajectory ended keeps its own term). The personalia close the dossier: once they
 * are due, every cluster is, whatever its own term says.
 * A term of n months on a start date D ends n months later (addMonths); the data go the day after.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db.ts';
import { addDays, addMonths } from '../../platform/calendar.ts';
import { CLUSTER_TABLES, PERSON_DATES, PERSON_TABLES, type RetentionCluster } from './retention.tables.ts';

export type StartsFrom = 'LAST_ACTIVITY' | 'TRAJECTORY_END' | 'CERTIFICATE' | 'INTEGRATION_END' | 'RECORDED';
export type RetentionAction = 'DELETE' | 'ANONYMISE';

export interface RetentionRule {
  id: string;
  version: number;
  subject: 'CLUSTER' | 'PARTNER_COPY' | 'LOG';
  cluster: RetentionCluster | null;
  partnerKind: string | null;
  logKind: 'AUDIT_TRAIL' | 'EXCHANGE_LOOKUPS' | 'PARTNER_EVENTS' | 'REPLAYED_ANSWERS' | null;
  startsFrom: StartsFrom;
  termMonths: number;
  action: RetentionAction;
  legalBasis: string;
  termSource: string;
}

export async function loadRules(db: Executor): Promise<RetentionRule[]> {
  const rows = await db.selectFrom('retention_rules').selectAll().orderBy('subject').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    version: r.version,
    subject: r.subject as RetentionRule['subject'],
    cluster: r.cluster as RetentionCluster | null,
    partnerKind: r.partner_kind,
    logKind: r.log_kind as RetentionRule['logKind'],
    startsFrom: r.starts_from as StartsFrom,
    termMonths: r.term_months,
    action: r.action as RetentionAction,
    legalBasis: r.legal_basis,
    termSource: r.term_source,
  }));
}

/** Open-ended: the term has not started (a trajectory or an integration still runs). */
const OPEN = 'infinity';

/** The dates the rules of one person count from ('infinity': not started yet). */
export interface Basis {
  personId: string;
  insz: string;
  anonymisedOn: string | null;
  lastActivity: string;
  trajectoryEnd: string;
  certificate: string;
  /** The latest dated fact of each cluster that has one. */
  clusterLast: Partial<Record<RetentionCluster, string>>;
}

const day = (v: unknown): string | null => (v === null || v === undefined ? null : String(v).slice(0, 10) === 'infinity' ? OPEN : String(v).slice(0, 10));
const later = (a: string, b: string | undefined | null) => (!b ? a : a === OPEN || b === OPEN ? OPEN : a > b ? a : b);

/** The facts query: one row per record with a dated fact (person, cluster, its latest day). */
function factsSql(filter: string): string {
  const branches = PERSON_TABLES.filter((t) => t.dates.length).map((t) => {
    const days = t.dates.map((d) => (d.moment ? `(${d.column} AT TIME ZONE 'Europe/Brussels')::date` : `${d.column}`));
    return `SELECT person_id, '${t.cluster}'::text AS cluster, ${days.length > 1 ? `GREATEST(${days.join(', ')})` : days[0]} AS d FROM ${t.table} WHERE ${filter.replace(/\{person\}/g, 'person_id')}`;
  });
  branches.push(`SELECT id, 'personalia', GREATEST(${PERSON_DATES.join(', ')}) FROM persons WHERE ${filter.replace(/\{person\}/g, 'id')}`);
  // A partner's integration: active until it ends (an open one has no end).
  branches.push(
    `SELECT p.id, NULL, coalesce(i.ends_on, 'infinity'::date) FROM integrations i JOIN persons p ON p.insz = i.insz WHERE ${filter.replace(/\{person\}/g, 'p.id')}`,
  );
  return branches.join('\n      UNION ALL ');
}

/** The basis dates of the given persons (all persons when `personIds` is absent). */
export async function basisOf(db: Executor, personIds?: readonly string[]): Promise<Map<string, Basis>> {
  const filter = personIds ? '{person} = ANY($ids)' : 'true';
  const text = `
    WITH facts(person_id, cluster, d) AS (
      ${factsSql(filter)}
    ),
    last AS (SELECT person_id, max(d) AS d FROM facts GROUP BY person_id),
    per_cluster AS (SELECT person_id, cluster, max(d) AS d FROM facts WHERE cluster IS NOT NULL AND d IS NOT NULL GROUP BY person_id, cluster),
    clusters AS (SELECT person_id, json_object_agg(cluster, d) AS c FROM per_cluster GROUP BY person_id),
    trajectory AS (SELECT person_id, max(coalesce(end_date, 'infinity'::date)) AS d FROM trajectories WHERE ${filter.replace(/\{person\}/g, 'person_id')} GROUP BY person_id),
    certificate AS (SELECT person_id, max(issued_on) AS d FROM certificates WHERE kind = 'INTEGRATION' AND ${filter.replace(/\{person\}/g, 'person_id')} GROUP BY person_id)
    SELECT p.id, p.insz, p.anonymised_on::text AS anonymised_on, (p.sys_from AT TIME ZONE 'Europe/Brussels')::date::text AS recorded,
           last.d::text AS last_activity, trajectory.d::text AS trajectory_end, certificate.d::text AS certificate, clusters.c AS clusters
      FROM persons p
      LEFT JOIN last ON last.person_id = p.id
      LEFT JOIN clusters ON clusters.person_id = p.id
      LEFT JOIN trajectory ON trajectory.person_id = p.id
      LEFT JOIN certificate ON certificate.person_id = p.id
     WHERE ${filter.replace(/\{person\}/g, 'p.id')}`;
  const { rows } = await withIds<{
    id: string;
    insz: string;
    anonymised_on: string | null;
    recorded: string;
    last_activity: string | null;
    trajectory_end: string | null;
    certificate: string | null;
    clusters: Record<string, string> | string | null;
  }>(text, personIds).execute(db);
  const out = new Map<string, Basis>();
  for (const r of rows) {
    const lastActivity = day(r.last_activity) ?? day(r.recorded)!;
    const trajectoryEnd = day(r.trajectory_end) ?? lastActivity;
    const clusters = (typeof r.clusters === 'string' ? JSON.parse(r.clusters) : (r.clusters ?? {})) as Record<string, string>;
    out.set(r.id, {
      personId: r.id,
      insz: r.insz,
      anonymisedOn: r.anonymised_on,
      lastActivity,
      trajectoryEnd,
      certificate: day(r.certificate) ?? trajectoryEnd,
      clusterLast: Object.fromEntries(Object.entries(clusters).map(([c, d]) => [c, day(d)!])) as Basis['clusterLast'],
    });
  }
  return out;
}

/** SQL text in which every `$ids` is the array of person ids, as a parameter. */
export function withIds<R>(text: string, ids: readonly string[] | undefined) {
  const parts = text.split('$ids');
  return sql<R>`${sql.join(
    parts.map((p) => sql.raw(p)),
    sql`${ids ?? []}::uuid[]`,
  )}`;
}

/** The first day on which data kept `termMonths` from `start` may no longer be kept; null when the term has not started. */
export function dueDay(start: string, termMonths: number): string | null {
  return start === OPEN ? null : addDays(addMonths(start, termMonths), 1);
}

export interface ClusterDue {
  cluster: RetentionCluster;
  rule: RetentionRule;
  /** The first day the cluster's records go (or lose what identifies the person); null: not foreseen yet. */
  date: string | null;
}

/** The due day of every cluster of one person under the cluster rules. */
export function clusterDates(basis: Basis, rules: readonly RetentionRule[]): ClusterDue[] {
  const byCluster = new Map(rules.filter((r) => r.subject === 'CLUSTER').map((r) => [r.cluster!, r]));
  const startOf = (rule: RetentionRule): string => {
    const own = basis.clusterLast[rule.cluster!];
    if (rule.startsFrom === 'TRAJECTORY_END') return later(basis.trajectoryEnd, own);
    if (rule.startsFrom === 'CERTIFICATE') return later(basis.certificate, own);
    return basis.lastActivity;
  };
  const personalia = byCluster.get('personalia');
  const closes = personalia ? dueDay(startOf(personalia), personalia.termMonths) : null;
  const out: ClusterDue[] = [];
  for (const cluster of ['personalia', ...CLUSTER_TABLES.keys()] as RetentionCluster[]) {
    const rule = byCluster.get(cluster);
    if (!rule) continue;
    let date = dueDay(startOf(rule), rule.termMonths);
    if (closes && (!date || closes < date)) date = closes;
    out.push({ cluster, rule, date });
  }
  return out;
}
