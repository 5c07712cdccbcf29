/**
 * The whole dossier of one person, now or as KBI knew it at a moment in the past; the timeline
 * of its changes; and person search.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { assertInTerritory, authorize, inTerritory, isAllowed, territoryOf, territoryText } from '../access/access.service.ts';
import type { Territory } from '../access/access.policy.ts';
import { auditInsertText, recordAudit } from '../../platform/audit.ts';
import { Problem } from '../../platform/errors.ts';
import { quoteIdent, type Row } from '../../platform/db.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { camel, DOSSIER_RESOURCES, PERSON_RESOURCE, type ClusterName, type ResourceDef } from './clusters.ts';
import { decodeCursor, encodeCursor } from './records.ts';
/** The records door's input checks, for modules that write dossier records in a transaction of their own (the House's intake). */
export { checkReferences, checkRules, checkValidFrom, toColumns } from './records.ts';
import type { Deps } from '../../platform/deps.ts';
import { present } from './clusters.ts';
import { dossierRetention, type DossierRetention } from '../retention/retention.service.ts';

const TIMESTAMP_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$/;

/** A row as the dossier of that moment shows it: it was current then, so no "superseded" marks. */
export const normaliseTimestamps = (row: Row): Row => {
  delete row.sys_to;
  delete row.ended_by;
  for (const k of Object.keys(row)) {
    const v = row[k];
    // The cheap test first: it runs for every text of every row of every consult.
    if (typeof v === 'string' && v.endsWith('+00:00') && TIMESTAMP_UTC.test(v)) row[k] = v.slice(0, -6) + 'Z';
  }
  return row;
};

export interface DossierDocument {
  asOf: string | null;
  /** Resources left out because the reader's role may not see them. */
  withheld: string[];
  person: Record<string, unknown>;
  /** When the data of today's dossier go, by the retention rules (absent for a past state). */
  retention?: DossierRetention | null;
  [resource: string]: unknown;
}

const quoteAlias = (name: string) => {
  if (!/^[A-Za-z]+$/.test(name)) throw new Error(`unsafe alias: ${name}`);
  return `"${name}"`;
};

const statements = new Map<string, { name: string; text: string; territoryParams: number }>();

/** A resource's rows from `from` (a table or subquery, rows aliased x) as one JSON array in the resource's order. */
export const resourceArray = (def: ResourceDef, from: string): string =>
  `(SELECT coalesce(json_agg(x ORDER BY ${def.orderBy.map((c) => `x.${quoteIdent(c)}`).join(', ')}), '[]'::json) FROM ${from} x)`;

/**
 * The dossier statement for a set of tables: one JSON array per table, each an index lookup by
 * person ($1), read as known at $2 when given, and the audit row of the read written by the same
 * statement (one round trip, one commit). With a territory, the statement also checks that the
 * person lies in it ($11 = the actor's organisation, $12 = its offices): outside, it returns no
 * row and writes no audit row, and the caller takes the slow path that tells 404 from a denial.
 * Built once per variant and prepared by name.
 */
export function dossierStatement(
  resources: ResourceDef[],
  asOf: boolean,
  territory: Territory = 'all',
): { name: string; text: string; territoryParams: number } {
  const key = `${asOf ? 'asof' : 'now'}:${territory}:${resources.map((r) => r.resource).join(',')}`;
  let statement = statements.get(key);
  if (statement) return statement;
  const visible = territoryText(territory, { person: '$1::uuid', org: '$11::uuid', offices: '$12::uuid[]' });
  const conditions = [...(asOf ? [] : ['$2::timestamptz IS NULL']), ...(territory === 'all' ? [] : ['(SELECT ok FROM visible)'])];
  const audit = auditInsertText(
    {
      actor_id: '$3',
      actor_kind: '$4',
      organisation_id: '$5::uuid',
      purpose: '$6',
      action: '$7',
      person_id: '$1::uuid',
      clusters: '$8::text[]',
      result: `'allowed'`,
      request_id: '$9',
      detail: '$10::jsonb',
      insz_hash: 'NULL',
    },
    'FROM visible WHERE ok',
  );
  const text = `WITH visible AS (SELECT ${visible} AS ok),
    audit AS (${audit})
    ${dossierSelect(resources, asOf)}
    ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}`;
  // PostgreSQL must know the type of every parameter, so only those the rule uses are sent.
  statement = { name: `dossier_${statements.size + 1}`, text, territoryParams: text.includes('$12') ? 2 : text.includes('$11') ? 1 : 0 };
  statements.set(key, statement);
  return statement;
}

/**
 * The read part of the dossier statement, without its audit: the person ($1) and one JSON array per
 * table, as known at $2 when `asOf`. Only dossierStatement, which adds the audit row, serves it.
 */
export function dossierSelect(resources: ResourceDef[], asOf: boolean): string {
  const source = (table: string, personColumn: string) => {
    const t = quoteIdent(table),
      h = quoteIdent(`${table}_history`),
      c = quoteIdent(personColumn);
    return asOf
      ? `(SELECT * FROM ${t} WHERE ${c} = $1 AND sys_from <= $2 UNION ALL SELECT * FROM ${h} WHERE ${c} = $1 AND sys_from <= $2 AND sys_to > $2)`
      : `(SELECT * FROM ${t} WHERE ${c} = $1)`;
  };
  const arrays = resources.map((def) => `${resourceArray(def, source(def.table, 'person_id'))} AS ${quoteAlias(def.resource)}`);
  return `SELECT (SELECT row_to_json(p) FROM ${source('persons', 'id')} p) AS person,
      ${arrays.join(',\n      ')}`;
}

/** Reads the full dossier, now or as KBI knew it at `asOf`; the read is audited in the same statement. */
export async function readDossier(
  deps: Deps,
  ctx: RequestContext,
  personId: string,
  asOf: string | null,
  resources: ResourceDef[] = DOSSIER_RESOURCES,
): Promise<DossierDocument> {
  authorize(ctx, 'read', 'personalia', undefined, personId);
  // A role sees the clusters it may read; the document says which ones it withholds.
  const withheld = resources.filter((def) => !isAllowed(ctx, 'read', def.cluster, def.table)).map((def) => def.resource);
  resources = resources.filter((def) => !withheld.includes(def.resource));
  const action = asOf ? 'dossier.readAsOf' : 'dossier.read';
  const territory = territoryOf(ctx.actor);
  if (territory === 'none') await assertInTerritory(deps.db, ctx, personId, action); // throws: nobody is in it
  const clusters = ['personalia', ...new Set(resources.map((d) => d.cluster!).filter(Boolean))];
  const { name, text, territoryParams } = dossierStatement(resources, asOf !== null, territory);
  const [row] = await deps.database.prepared(name, text, [
    personId,
    asOf,
    ctx.actor.id,
    ctx.actor.kind,
    ctx.actor.organisationId,
    ctx.purpose ?? null,
    action,
    clusters,
    ctx.requestId,
    JSON.stringify(asOf ? { asOf } : {}),
    ...[ctx.actor.organisationId, ctx.actor.officeIds].slice(0, territoryParams),
  ]);
  // No row: outside the territory (or no such person); the slow path says which, and audits a denial.
  if (!row) await assertInTerritory(deps.db, ctx, personId, action);
  if (!row?.person) throw new Problem('resourceNotFound', asOf ? 'person not known to KBI at that moment' : 'person not found');
  const doc = dossierDocument(row, resources, asOf, withheld);
  // Today's dossier says when its data go (retention rules, seed 003 §68–70): the personalia and every cluster it holds records of.
  if (!asOf) {
    const withRecords = new Set(resources.filter((def) => (doc[def.resource] as unknown[]).length).map((def) => def.cluster!));
    doc.retention = await dossierRetention(deps.db, personId, withRecords);
  }
  return doc;
}

/** The API shape of a row of the dossier statement. */
export function dossierDocument(row: Row, resources: ResourceDef[], asOf: string | null, withheld: string[]): DossierDocument {
  const doc: DossierDocument = { asOf, withheld, person: present(PERSON_RESOURCE, normaliseTimestamps(row.person)) };
  for (const def of resources) doc[def.resource] = (row[def.resource] as Row[]).map((r) => present(def, normaliseTimestamps(r)));
  return doc;
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface TimelineEvent {
  resource: string;
  /** The data cluster the record belongs to (personalia for the person). */
  cluster: string;
  recordId: string;
  change: 'created' | 'updated' | 'deleted';
  version: number;
  at: string;
  by: string;
  /** Where the change came from: a staff member's screen, a partner (API or course feed), or the system. */
  source: 'screen' | 'partner' | 'system';
  validFrom: string;
  /** For an update, the fields that changed, before and after. */
  changes?: FieldChange[];
}

/** A moment as one ISO string, whatever form the driver gave it in (Date or text): the history sorts and compares them. */
const iso = (v: unknown) => new Date(v as string).toISOString();

const sourceOf = (by: string): TimelineEvent['source'] => (by.startsWith('user:') ? 'screen' : by.startsWith('partner:') ? 'partner' : 'system');

/** The fields that differ between two versions of a record, as the API names and shows them. */
function fieldChanges(def: ResourceDef, before: Row, after: Row): FieldChange[] {
  const a = present(def, before);
  const b = present(def, after);
  const out: FieldChange[] = [];
  for (const f of def.fields) {
    const name = camel(f.column);
    const x = a[name] ?? null;
    const y = b[name] ?? null;
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ field: name, before: x, after: y });
  }
  return out;
}

/**
 * Every change to the dossier, newest first: creations, updates (with the fields that changed,
 * before and after) and removals of each record, who made them and from where. Only the clusters
 * the caller's role may read: the history tells no more than the dossier itself.
 */
export async function dossierTimeline(deps: Deps, ctx: RequestContext, personId: string): Promise<TimelineEvent[]> {
  authorize(ctx, 'read', 'personalia', undefined, personId);
  await assertInTerritory(deps.db, ctx, personId, 'dossier.timeline');
  const all = [PERSON_RESOURCE, ...DOSSIER_RESOURCES.filter((d) => d.cluster && isAllowed(ctx, 'read', d.cluster, d.table))];
  const defs = new Map(all.map((d) => [d.resource, d]));
  const parts = all.flatMap((def) => {
    const col = def.table === 'persons' ? sql.ref('t.id') : sql.ref('t.person_id');
    return [def.table, `${def.table}_history`].map(
      (table) =>
        sql`SELECT ${def.resource}::text AS resource, t.id, t.version, t.sys_from, t.sys_to, t.recorded_by, t.ended_by, t.valid_from, to_jsonb(t) AS data
              FROM ${sql.table(table)} t WHERE ${col} = ${personId}`,
    );
  });
  const rows = (await sql<Row>`${sql.join(parts, sql` UNION ALL `)}`.execute(deps.db)).rows;
  if (!rows.some((r) => r.resource === 'persons')) throw new Problem('resourceNotFound', 'person not found');
  await recordAudit(deps.db, ctx, {
    action: 'dossier.timeline',
    personId,
    clusters: [...new Set(all.map((d) => d.cluster ?? 'personalia'))] as ClusterName[],
    result: 'allowed',
  });
  const versions = new Map<string, Row[]>();
  for (const r of rows) versions.set(r.id, [...(versions.get(r.id) ?? []), r]);
  for (const list of versions.values()) list.sort((a, b) => a.version - b.version);
  const clusterOf = (resource: string) => defs.get(resource)?.cluster ?? 'personalia';
  // Versions superseded within their own transaction (sys_from = sys_to) were never visible: leave them out.
  const events: TimelineEvent[] = rows
    .filter((r) => r.sys_to === null || iso(r.sys_to) !== iso(r.sys_from))
    .map((r) => {
      const event: TimelineEvent = {
        resource: r.resource,
        cluster: clusterOf(r.resource),
        recordId: r.id,
        change: r.version === 1 ? 'created' : 'updated',
        version: r.version,
        at: iso(r.sys_from),
        by: r.recorded_by,
        source: sourceOf(r.recorded_by),
        validFrom: iso(r.valid_from),
      };
      const previous = versions
        .get(r.id)!
        .filter((v) => v.version < r.version)
        .at(-1);
      if (previous) event.changes = fieldChanges(defs.get(r.resource)!, previous.data, r.data);
      return event;
    });
  for (const list of versions.values()) {
    const r = list.at(-1)!;
    if (r.sys_to)
      events.push({
        resource: r.resource,
        cluster: clusterOf(r.resource),
        recordId: r.id,
        change: 'deleted',
        version: r.version,
        at: iso(r.sys_to),
        by: r.ended_by,
        source: sourceOf(r.ended_by),
        validFrom: iso(r.sys_to),
      });
  }
  // Newest first; at the same moment a removal comes before the versions it ended, then the higher version.
  const rank = (e: TimelineEvent) => (e.change === 'deleted' ? 1 : 0);
  return events.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : rank(b) - rank(a) || b.version - a.version));
}

export interface SearchInput {
  insz?: string;
  familyName?: string;
  givenNames?: string;
  birthDate?: string;
  officeId?: string;
  limit?: number;
  cursor?: string;
}

/** Finds persons by INSZ, name (prefix, case-insensitive), birth date and managing office. */
export async function searchPersons(deps: Deps, ctx: RequestContext, input: SearchInput): Promise<{ items: Record<string, unknown>[]; next: string | null }> {
  authorize(ctx, 'search', 'personalia');
  const limit = input.limit ?? 25;
  let q = deps.db.selectFrom('persons as p').selectAll('p').where(inTerritory(ctx.actor));
  if (input.insz) {
    const parsed = parseInsz(input.insz, { allowTestNumbers: deps.acceptTestInsz });
    if (!parsed.ok) throw new Problem('invalidInsz', `insz: not a valid INSZ: ${parsed.message}`, [{ in: 'body', name: 'insz', detail: parsed.message }]);
    q = q.where('p.insz', '=', parsed.insz.value);
  }
  if (input.familyName) q = q.where(sql`lower(p.family_name)`, 'like', `${escapeLike(input.familyName.toLowerCase())}%`);
  if (input.givenNames) q = q.where(sql`lower(p.given_names)`, 'like', `${escapeLike(input.givenNames.toLowerCase())}%`);
  if (input.birthDate) q = q.where('p.birth_date', '=', input.birthDate);
  if (input.officeId) q = q.where('p.id', 'in', (eb: any) => eb.selectFrom('dossiers').select('person_id').where('managing_office_id', '=', input.officeId!));
  const after = decodeCursor<[string, string, string]>(input.cursor);
  if (after) q = q.where(sql`(lower(p.family_name), lower(p.given_names), p.id)`, '>', sql`(${after[0]}, ${after[1]}, ${after[2]}::uuid)`);
  const rows = await q
    .orderBy(sql`lower(p.family_name)`)
    .orderBy(sql`lower(p.given_names)`)
    .orderBy('p.id')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit);
  await recordAudit(deps.db, ctx, {
    action: 'persons.search',
    personId: null,
    clusters: ['personalia'],
    result: 'allowed',
    detail: {
      criteria: Object.keys(input).filter((k) => k !== 'cursor' && k !== 'limit' && (input as Record<string, unknown>)[k]),
      found: items.map((r) => r.id),
    },
  });
  const last = items[items.length - 1];
  return {
    items: items.map((r) => present(PERSON_RESOURCE, r)),
    next: rows.length > limit && last ? encodeCursor([last.family_name.toLowerCase(), last.given_names.toLowerCase(), last.id]) : null,
  };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
