/**
 * The purge of one person's dossier: what is due today (a plan, also the dry run's answer), and
 * doing it in one transaction (all or nothing), with its history and its audit record.
 *
 * - DELETE a cluster: its records of the person go, current and history, in the order their
 *   references demand (a part before its contract).
 * - ANONYMISE a cluster: its records stay without their free text and external numbers, in every
 *   version (the history is rewritten under the purge switch `kbi.purge`, the one way history changes).
 * - ANONYMISE the personalia: the INSZ becomes a number that can never be one (month 99), the names
 *   a dash, the birth date and address go, the postcode becomes the first of its province, the dossier
 *   number a new one; in every version. What the statistics count stays, so recomputed figures do not
 *   move. The partners' integrations of the old INSZ go with it.
 * - DELETE the personalia: the whole person goes, every cluster with it, and the partners'
 *   integrations and change notices about the person.
 * The audit record is written first, while the person still has the INSZ it is hashed under, so
 * that the person's own access report (by INSZ) shows that the data were purged, and when.
 */
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor, Tx } from '../../platform/db.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addMonths } from '../../platform/calendar.ts';
import { dropPartitions, listPartitions } from '../../platform/partitions.ts';
import type { RequestContext } from '../../platform/access.ts';
import { basisOf, clusterDates, withIds, type RetentionAction, type RetentionRule } from './retention.schedule.ts';
import { ANONYMISED_COLUMNS, CLUSTER_TABLES, PERSON_REMOVED, type RetentionCluster } from './retention.tables.ts';

export interface PlannedItem {
  cluster: RetentionCluster;
  ruleId: string;
  ruleVersion: number;
  action: RetentionAction;
  /** Since when the cluster is due. */
  due: string;
  /** Rows (current and history) deleted or anonymised, per table. */
  rows: Record<string, number>;
}

export interface PersonPlan {
  personId: string;
  insz: string;
  /** The personalia rule deletes the whole person. */
  deletesPerson: boolean;
  items: PlannedItem[];
}

/** What is due today for these persons (all persons when absent), with only the clusters that still hold something to remove. */
export async function planPersons(db: Executor, today: string, rules: readonly RetentionRule[], personIds?: readonly string[]): Promise<PersonPlan[]> {
  const basis = await basisOf(db, personIds);
  const due = new Map<string, { insz: string; anonymised: boolean; clusters: { cluster: RetentionCluster; rule: RetentionRule; date: string }[] }>();
  for (const b of basis.values()) {
    const clusters = clusterDates(b, rules).filter((c): c is typeof c & { date: string } => c.date !== null && c.date <= today);
    if (clusters.length) due.set(b.personId, { insz: b.insz, anonymised: b.anonymisedOn !== null, clusters });
  }
  if (!due.size) return [];
  // What each due cluster still holds, counted per table for all candidates at once.
  const candidates = [...due.keys()];
  const wanted = new Map<string, { mode: RetentionAction; persons: string[] }>(); // table → how it is looked at, for whom
  const deleting = new Set<string>();
  for (const [personId, d] of due) {
    const whole = d.clusters.some((c) => c.cluster === 'personalia' && c.rule.action === 'DELETE');
    if (whole) deleting.add(personId);
    for (const c of d.clusters) {
      if (c.cluster === 'personalia') continue;
      const mode: RetentionAction = whole ? 'DELETE' : c.rule.action;
      for (const table of CLUSTER_TABLES.get(c.cluster) ?? []) {
        if (mode === 'ANONYMISE' && !ANONYMISED_COLUMNS[table]) continue;
        const key = `${table}|${mode}`;
        const entry = wanted.get(key) ?? { mode, persons: [] };
        entry.persons.push(personId);
        wanted.set(key, entry);
      }
    }
  }
  const counts = new Map<string, number>(); // person|table → rows
  for (const [key, { mode, persons }] of wanted) {
    const table = key.split('|')[0]!;
    const where = mode === 'DELETE' ? 'true' : stillIdentifying(table);
    for (const t of [table, `${table}_history`]) {
      const { rows } = await withIds<{ person_id: string; n: number }>(
        `SELECT person_id, count(*)::int AS n FROM ${t} WHERE person_id = ANY($ids) AND (${where}) GROUP BY person_id`,
        persons,
      ).execute(db);
      for (const r of rows) counts.set(`${r.person_id}|${table}`, (counts.get(`${r.person_id}|${table}`) ?? 0) + Number(r.n));
    }
  }
  const personRows = await withIds<{ id: string; n: number }>(
    `SELECT id, count(*)::int AS n FROM (SELECT id FROM persons WHERE id = ANY($ids) UNION ALL SELECT id FROM persons_history WHERE id = ANY($ids)) v GROUP BY id`,
    candidates,
  ).execute(db);
  const personCount = new Map(personRows.rows.map((r) => [r.id, Number(r.n)]));

  const plans: PersonPlan[] = [];
  for (const [personId, d] of due) {
    const deletesPerson = deleting.has(personId);
    const items: PlannedItem[] = [];
    for (const c of d.clusters) {
      let rows: Record<string, number> = {};
      if (c.cluster === 'personalia') {
        if (deletesPerson || !d.anonymised) rows = { persons: personCount.get(personId) ?? 0 };
      } else {
        for (const table of CLUSTER_TABLES.get(c.cluster) ?? []) {
          const n = counts.get(`${personId}|${table}`);
          if (n) rows[table] = n;
        }
      }
      if (Object.keys(rows).length)
        items.push({
          cluster: c.cluster,
          ruleId: c.rule.id,
          ruleVersion: c.rule.version,
          action: deletesPerson ? 'DELETE' : c.rule.action,
          due: c.date,
          rows,
        });
    }
    if (items.length) plans.push({ personId, insz: d.insz, deletesPerson, items });
  }
  return plans.sort((a, b) => a.personId.localeCompare(b.personId));
}

/** The condition "a row of this table still holds something ANONYMISE removes". */
function stillIdentifying(table: string): string {
  const columns = ANONYMISED_COLUMNS[table]!;
  return Object.entries(columns)
    .map(([c, empty]) => (empty === 'emptyArray' ? `cardinality(${c}) > 0` : `${c} IS NOT NULL`))
    .join(' OR ');
}

/** Tables in the order their rows can be deleted: a table before the tables it refers to. */
async function deleteOrder(db: Executor, tables: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ child: string; parent: string }>`
    SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
      FROM pg_constraint c
     WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(${sql.val([...tables])}::text[])
       AND c.confrelid::regclass::text = ANY(${sql.val([...tables])}::text[]) AND c.conrelid <> c.confrelid`.execute(db);
  const left = new Set(tables);
  const order: string[] = [];
  while (left.size) {
    // A table nobody left refers to can go now.
    const free = [...left].filter((t) => !rows.some((r) => r.parent === t && left.has(r.child)));
    if (!free.length) throw new Error(`the references between ${[...left].join(', ')} form a cycle`);
    for (const t of free.sort()) {
      order.push(t);
      left.delete(t);
    }
  }
  return order;
}

/** A number of 11 digits that is never an INSZ (birth month 99) and no current person has. */
async function pseudonym(tx: Tx): Promise<string> {
  for (;;) {
    const candidate = `${String(randomInt(100)).padStart(2, '0')}99${String(randomInt(10_000_000)).padStart(7, '0')}`;
    if (!(await tx.selectFrom('persons').select('id').where('insz', '=', candidate).executeTakeFirst())) return candidate;
  }
}

/** A dossier number no current dossier has, marked A (anonymised). */
async function anonymousDossierNumber(tx: Tx): Promise<string> {
  for (;;) {
    const candidate = `A${String(randomInt(10_000_000)).padStart(7, '0')}`;
    if (!(await tx.selectFrom('dossiers').select('id').where('dossier_number', '=', candidate).executeTakeFirst())) return candidate;
  }
}

/** The first postcode of the province a postcode lies in: it keeps the province (kbi_province_of_postcode) and says nothing more. */
const PROVINCE_POSTCODE = `CASE kbi_province_of_postcode(postcode)
      WHEN 'BRUSSELS' THEN '1000' WHEN 'WALLOON_BRABANT' THEN '1300' WHEN 'FLEMISH_BRABANT' THEN '1500' WHEN 'ANTWERP' THEN '2000'
      WHEN 'LIMBURG' THEN '3500' WHEN 'LIEGE' THEN '4000' WHEN 'NAMUR' THEN '5000' WHEN 'HAINAUT' THEN '6000'
      WHEN 'LUXEMBOURG' THEN '6600' WHEN 'WEST_FLANDERS' THEN '8000' WHEN 'EAST_FLANDERS' THEN '9000' END`;

export interface PersonPurge {
  personId: string;
  items: PlannedItem[];
  deletedPerson: boolean;
}

/**
 * Purges one person as planned for `today`, in the caller's transaction, which must run as the
 * owner role (the application role may not change history). The person is locked and the plan made
 * again inside the transaction, so a change committed meanwhile (a new trajectory) counts. Returns
 * null when nothing is due any more.
 */
export async function purgePerson(tx: Tx, ctx: RequestContext, personId: string, today: string, rules: readonly RetentionRule[]): Promise<PersonPurge | null> {
  const locked = await tx.selectFrom('persons').select(['id', 'insz']).where('id', '=', personId).forUpdate().executeTakeFirst();
  if (!locked) return null;
  const [plan] = await planPersons(tx, today, rules, [personId]);
  if (!plan) return null;
  await sql`SELECT set_config('kbi.purge', 'on', true)`.execute(tx);

  await recordAudit(tx, ctx, {
    action: 'retention.purge',
    personId,
    clusters: plan.items.map((i) => i.cluster),
    result: 'allowed',
    detail: {
      today,
      deletesPerson: plan.deletesPerson,
      items: plan.items.map((i) => ({ cluster: i.cluster, rule: i.ruleId, ruleVersion: i.ruleVersion, action: i.action, due: i.due, rows: i.rows })),
    },
  });

  const deleteTables = plan.deletesPerson
    ? [...CLUSTER_TABLES.values()].flat()
    : plan.items.filter((i) => i.action === 'DELETE' && i.cluster !== 'personalia').flatMap((i) => CLUSTER_TABLES.get(i.cluster) ?? []);
  for (const table of await deleteOrder(tx, deleteTables)) {
    await sql`DELETE FROM ${sql.table(table)} WHERE person_id = ${personId}`.execute(tx);
    await sql`DELETE FROM ${sql.table(`${table}_history`)} WHERE person_id = ${personId}`.execute(tx);
  }

  for (const item of plan.items.filter((i) => i.action === 'ANONYMISE' && i.cluster !== 'personalia')) {
    for (const table of CLUSTER_TABLES.get(item.cluster) ?? []) {
      const columns = ANONYMISED_COLUMNS[table];
      if (!columns) continue;
      const set = Object.entries(columns)
        .map(([c, empty]) => `${c} = ${empty === 'emptyArray' ? `'{}'` : 'NULL'}`)
        .join(', ');
      const where = stillIdentifying(table);
      // The current rows first (the history trigger keeps their old version), then every version.
      await sql`UPDATE ${sql.table(table)} SET ${sql.raw(set)} WHERE person_id = ${personId} AND (${sql.raw(where)})`.execute(tx);
      await sql`UPDATE ${sql.table(`${table}_history`)} SET ${sql.raw(set)} WHERE person_id = ${personId} AND (${sql.raw(where)})`.execute(tx);
    }
  }

  const personalia = plan.items.find((i) => i.cluster === 'personalia');
  if (personalia) {
    // Nothing may keep pointing at the INSZ: the partners' register rows of it go, with their versions.
    const integrations = await tx.deleteFrom('integrations').where('insz', '=', locked.insz).returning('id').execute();
    await tx.deleteFrom('integrations_history').where('insz', '=', locked.insz).execute();
    if (integrations.length)
      await tx
        .deleteFrom('integrations_history')
        .where(
          'id',
          'in',
          integrations.map((i) => i.id),
        )
        .execute();
    if (plan.deletesPerson) {
      await tx.deleteFrom('outbox_events').where('person_id', '=', personId).execute();
      await tx.deleteFrom('persons').where('id', '=', personId).execute();
      await tx.deleteFrom('persons_history').where('id', '=', personId).execute();
    } else {
      const insz = await pseudonym(tx);
      const set = `insz = ${sqlText(insz)}, family_name = '-', given_names = '-', postcode = ${PROVINCE_POSTCODE}, ${PERSON_REMOVED.filter(
        (c) => !['insz', 'family_name', 'given_names', 'postcode'].includes(c),
      )
        .map((c) => `${c} = NULL`)
        .join(', ')}`;
      await sql`UPDATE persons SET ${sql.raw(set)}, anonymised_on = ${today}::date WHERE id = ${personId}`.execute(tx);
      await sql`UPDATE persons_history SET ${sql.raw(set)} WHERE id = ${personId}`.execute(tx);
      const dossierNumber = await anonymousDossierNumber(tx);
      await tx.updateTable('dossiers').set({ dossier_number: dossierNumber }).where('person_id', '=', personId).execute();
      await tx.updateTable('dossiers_history').set({ dossier_number: dossierNumber }).where('person_id', '=', personId).execute();
    }
  }
  return { personId, items: plan.items, deletedPerson: plan.deletesPerson };
}

const sqlText = (s: string) => {
  if (!/^[0-9]+$/.test(s)) throw new Error('only digits');
  return `'${s}'`;
};

/**
 * Participations are partitioned by the year of their lesson (migration 0038). A year goes whole
 * only when every row of it has gone past its term — that is, when the persons' purges (row by
 * row, with their history, their dossier documents invalidated and each person's audit record) have
 * left it empty — and when the whole year lies more than the courses cluster's term back, so that no
 * lesson of it can still be within a term. An empty year within the term stays (a late import of
 * an old course still finds it); DEFAULT always stays.
 */
export async function emptyParticipationYears(
  db: Executor,
  today: string,
  rules: readonly RetentionRule[],
): Promise<{ before: string; rule: RetentionRule; names: string[] } | null> {
  const rule = rules.find((r) => r.subject === 'CLUSTER' && r.cluster === 'courses');
  if (!rule) return null;
  const before = addMonths(today, -rule.termMonths);
  const names: string[] = [];
  for (const p of await listPartitions(db, 'participations')) {
    if (p.isDefault || !p.toBound || p.toBound.slice(0, 10) > before) continue;
    const { rows } = await sql<{ empty: boolean }>`SELECT NOT EXISTS (SELECT 1 FROM ${sql.table(p.name)}) AS empty`.execute(db);
    if (rows[0]!.empty) names.push(p.name);
  }
  return { before, rule, names };
}

/** Drops the empty participation years past the term (emptyParticipationYears), audited; returns those dropped. */
export async function dropParticipationYears(tx: Tx, ctx: RequestContext, today: string, rules: readonly RetentionRule[]): Promise<string[]> {
  const found = await emptyParticipationYears(tx, today, rules);
  if (!found?.names.length) return [];
  const dropped = await dropPartitions(tx, 'participations', found.names);
  if (dropped.length)
    await recordAudit(tx, ctx, {
      action: 'retention.partitionsDropped',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: { table: 'participations', rule: found.rule.id, ruleVersion: found.rule.version, before: found.before, partitions: dropped },
    });
  return dropped;
}
