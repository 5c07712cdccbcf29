/**
 * The statistics of KBI: base sets as versioned definitions, computed as known on any date,
 * validated, published (frozen) and restated. Analysts see aggregates only: every answer here is a
 * count over units, never a person; a restatement names the records whose correction moved a cell
 * by table and record id, not by whom they concern.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { crashPoint } from '../../platform/crash.ts';
import type { Db } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import type { ReadOptions, ReadRouter, ReadTarget } from '../../platform/replica.ts';
import { demand } from '../access/access.service.ts';
import { checkDefinition, computeSet, periodOfYear, tablesOf, unitsOf } from './statistics.engine.ts';
import { BASE_SETS } from './statistics.sets.ts';
import { UnprotectableTable, applySuppression } from './statistics.suppression.ts';
import type { LocalText, SetDefinition, SetResult, Validation } from './statistics.types.ts';

// ---- Definitions: from statistics.sets.ts into the database, one version per content ---------------

/** The canonical JSON of a value: keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const versionedTables = new WeakMap<Db, Promise<ReadonlySet<string>>>();
/** Tables of the store that keep history (`<table>_history` exists): these can be read as known on a date. */
export function historyTables(db: Db): Promise<ReadonlySet<string>> {
  let found = versionedTables.get(db);
  if (!found) {
    found = sql<{ name: string }>`
      SELECT t.table_name AS name FROM information_schema.tables t
       WHERE t.table_schema = current_schema()
         AND EXISTS (SELECT 1 FROM information_schema.tables h WHERE h.table_schema = t.table_schema AND h.table_name = t.table_name || '_history')`
      .execute(db)
      .then((r) => new Set(r.rows.map((x) => x.name)));
    versionedTables.set(db, found);
    found.catch(() => versionedTables.delete(db));
  }
  return found;
}

const synced = new WeakMap<Db, Promise<void>>();
/**
 * Writes each base set whose content is not the latest stored version as a new version. Runs once
 * per process and database; several processes may race: the loser's insert conflicts and is dropped.
 */
export function ensureDefinitions(db: Db, sets: readonly SetDefinition[] = BASE_SETS): Promise<void> {
  let done = synced.get(db);
  if (!done) {
    done = (async () => {
      const versioned = await historyTables(db);
      for (const def of sets) {
        checkDefinition(def, versioned);
        const hash = sha256(canonicalJson(def));
        const latest = await db
          .selectFrom('statistics_definitions')
          .select(['version', 'content_hash'])
          .where('set_id', '=', def.id)
          .orderBy('version', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (latest?.content_hash === hash) continue;
        await sql`INSERT INTO statistics_definitions (set_id, version, definition, content_hash)
                  VALUES (${def.id}, ${(latest?.version ?? 0) + 1}, ${JSON.stringify(def)}::jsonb, ${hash})
                  ON CONFLICT DO NOTHING`.execute(db);
      }
    })();
    synced.set(db, done);
    done.catch(() => synced.delete(db));
  }
  return done;
}

interface StoredVersion {
  version: number;
  definition: SetDefinition;
  contentHash: string;
  createdAt: string;
}

async function versionsOf(db: Db, setId: string): Promise<StoredVersion[]> {
  await ensureDefinitions(db);
  const rows = await db
    .selectFrom('statistics_definitions')
    .select(['version', 'definition', 'content_hash', 'created_at'])
    .where('set_id', '=', setId)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    definition: r.definition as unknown as SetDefinition,
    contentHash: r.content_hash,
    createdAt: new Date(r.created_at as unknown as string).toISOString(),
  }));
}

async function definitionOf(db: Db, setId: string, version?: number): Promise<StoredVersion> {
  const versions = await versionsOf(db, setId);
  if (!versions.length) throw new Problem('resourceNotFound', `no base set ${setId}`);
  if (version === undefined) return versions[0]!;
  const found = versions.find((v) => v.version === version);
  if (!found)
    throw new Problem('badRequest', `version: set ${setId} has versions 1 to ${versions[0]!.version}`, [
      { in: 'query', name: 'version', detail: 'no such version' },
    ]);
  return found;
}

async function validationsOf(db: Db, setId?: string): Promise<(Validation & { setId: string })[]> {
  const rows = await sql<{ set_id: string; version: number; validated_by: string; name: string | null; validated_at: Date; note: string | null }>`
    SELECT v.set_id, v.version, v.validated_by, u.display_name AS name, v.validated_at, v.note
      FROM statistics_validations v LEFT JOIN users u ON u.id::text = v.validated_by
     ${setId ? sql`WHERE v.set_id = ${setId}` : sql``}
     ORDER BY v.validated_at`.execute(db);
  return rows.rows.map((r) => ({
    setId: r.set_id,
    version: r.version,
    validatedBy: r.validated_by,
    validatedByName: r.name,
    validatedAt: new Date(r.validated_at).toISOString(),
    note: r.note,
  }));
}

// ---- Reading the catalogue -------------------------------------------------------------------------

export interface SetSummary {
  id: string;
  version: number;
  title: LocalText;
  description: LocalText;
  validated: boolean;
  dimensions: { id: string; label: LocalText }[];
  measures: { id: string; label: LocalText }[];
  breakdowns: { id: string; title: LocalText; dimensions: string[]; reference: string | null }[];
}

export async function listSets(db: Db, ctx: RequestContext): Promise<{ sets: SetSummary[] }> {
  demand(ctx, 'readStatistics', 'statistics.sets');
  await ensureDefinitions(db);
  const rows = await sql<{ set_id: string; version: number; definition: SetDefinition }>`
    SELECT DISTINCT ON (set_id) set_id, version, definition FROM statistics_definitions ORDER BY set_id, version DESC`.execute(db);
  const validated = new Set((await validationsOf(db)).map((v) => `${v.setId}@${v.version}`));
  const order = new Map(BASE_SETS.map((s, i) => [s.id, i]));
  return {
    sets: rows.rows
      .sort((a, b) => (order.get(a.set_id) ?? 99) - (order.get(b.set_id) ?? 99) || a.set_id.localeCompare(b.set_id))
      .map(({ set_id, version, definition: d }) => ({
        id: set_id,
        version,
        title: d.title,
        description: d.description,
        validated: validated.has(`${set_id}@${version}`),
        dimensions: d.dimensions.map((x) => ({ id: x.id, label: x.label })),
        measures: d.measures.map((x) => ({ id: x.id, label: x.label })),
        breakdowns: d.breakdowns.map((b) => ({ id: b.id, title: b.title, dimensions: [...b.dimensions], reference: b.reference ?? null })),
      })),
  };
}

export async function getSet(db: Db, ctx: RequestContext, setId: string) {
  demand(ctx, 'readStatistics', 'statistics.sets');
  const versions = await versionsOf(db, setId);
  if (!versions.length) throw new Problem('resourceNotFound', `no base set ${setId}`);
  const validations = await validationsOf(db, setId);
  return {
    id: setId,
    version: versions[0]!.version,
    definition: versions[0]!.definition,
    versions: versions.map((v) => ({
      version: v.version,
      createdAt: v.createdAt,
      contentHash: v.contentHash,
      validations: validations.filter((x) => x.version === v.version).map(({ setId: _, ...rest }) => rest),
    })),
  };
}

/** A named person declares a version of a set fit for use (once per person and version). */
export async function validateVersion(db: Db, ctx: RequestContext, setId: string, version: number, note: string | null): Promise<Validation> {
  demand(ctx, 'validateStatistics', 'statistics.validate');
  await definitionOf(db, setId, version);
  // The validation and its audit record commit together, or neither does.
  await db.transaction().execute(async (tx) => {
    const inserted = await sql<{ validated_at: Date }>`
      INSERT INTO statistics_validations (set_id, version, validated_by, note) VALUES (${setId}, ${version}, ${ctx.actor.id}, ${note})
      ON CONFLICT (set_id, version, validated_by) DO NOTHING RETURNING validated_at`.execute(tx);
    if (!inserted.rows.length) throw new Problem('conflict', `you already validated version ${version} of ${setId}`);
    await recordAudit(tx, ctx, { action: 'statistics.validate', personId: null, clusters: [], result: 'allowed', detail: { setId, version } });
  });
  const mine = (await validationsOf(db, setId)).find((v) => v.version === version && v.validatedBy === ctx.actor.id)!;
  const { setId: _, ...validation } = mine;
  return validation;
}

// ---- Computing ---------------------------------------------------------------------------------------

export interface ComputeRequest {
  setId: string;
  year: number;
  /** ISO moment; absent: now. */
  asOf?: string;
  version?: number;
}

function checkYear(year: number): void {
  const now = new Date().getUTCFullYear();
  if (!Number.isInteger(year) || year < 2000 || year > now)
    throw new Problem('badRequest', `year: from 2000 to ${now}`, [{ in: 'query', name: 'year', detail: `a year from 2000 to ${now}` }]);
}

/** A cut-off moment: a valid timestamp, not in the future (the future is not known yet, and would not stay put). */
function checkAsOf(asOf: string | undefined, field = 'asOf'): string | null {
  if (asOf === undefined) return null;
  const t = Date.parse(asOf);
  if (!/^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(asOf) || Number.isNaN(t))
    throw new Problem('badRequest', `${field}: a date or moment, e.g. 2023-01-15 or 2023-01-15T12:00:00Z`, [
      { in: 'query', name: field, detail: 'not a date' },
    ]);
  if (t > Date.now()) throw new Problem('badRequest', `${field}: lies in the future`, [{ in: 'query', name: field, detail: 'in the future' }]);
  // A date alone means the end of that day in Belgium: "situation on 15/1/2023" includes that day.
  return asOf.length === 10 ? belgianEndOfDay(asOf) : new Date(t).toISOString();
}

/** The last moment of a Belgian calendar day, as an ISO instant (capped at now). */
function belgianEndOfDay(day: string): string {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  // Brussels is UTC+1 or UTC+2: midnight there is 22:00 or 23:00 UTC the day before.
  const offsetHours = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Brussels', hour: '2-digit', hour12: false }).format(next)) % 24;
  const end = new Date(next.getTime() - offsetHours * 3600_000 - 1);
  return new Date(Math.min(end.getTime(), Date.now())).toISOString();
}

/**
 * Runs the figures' reads on the streaming replica when `reads` routes there (platform/replica.ts),
 * else on `db`. The definitions, the catalogue and every write stay on the primary (`db`).
 */
function readFigures<T>(db: Db, reads: ReadRouter | undefined, options: ReadOptions, read: (target: ReadTarget) => Promise<T>): Promise<T> {
  return reads ? reads.read(options, read) : read({ db, source: 'primary', consistentAt: new Date().toISOString() });
}

/**
 * A set's figures for a year as known at `asOf` (absent: now). With a replica, a cut-off the replica
 * has reached is computed there, and so is "now" while the replica is within its allowed lag — the
 * result's `asOf` is then the moment up to which the replica holds every commit of the primary.
 */
export async function computeResult(db: Db, ctx: RequestContext, request: ComputeRequest, reads?: ReadRouter): Promise<SetResult> {
  demand(ctx, 'readStatistics', 'statistics.compute');
  checkYear(request.year);
  const asOf = checkAsOf(request.asOf);
  const stored = await definitionOf(db, request.setId, request.version);
  const versioned = await historyTables(db);
  const { result, source } = await readFigures(db, reads, { notBefore: asOf }, async (target) => ({
    source: target.source,
    result: await computeSet(target.db, stored.definition, stored.version, {
      period: periodOfYear(request.year),
      asOf,
      versioned,
      knownAt: target.source === 'replica' ? target.consistentAt : undefined,
    }),
  }));
  await recordAudit(db, ctx, {
    action: 'statistics.compute',
    personId: null,
    clusters: [],
    result: 'allowed',
    detail: { setId: request.setId, version: stored.version, year: request.year, asOf: result.asOf, source },
  });
  return result;
}

// ---- Publishing --------------------------------------------------------------------------------------

export interface PublishRequest {
  setId: string;
  year: number;
  asOf: string;
  provisional: boolean;
  threshold?: number;
}

export interface PublicationSummary {
  id: string;
  setId: string;
  version: number;
  year: number;
  asOf: string;
  provisional: boolean;
  threshold: number | null;
  contentHash: string;
  title: string;
  publishedBy: string;
  publishedAt: string;
}
export interface Publication extends PublicationSummary {
  result: SetResult;
}

/** The figures of a result, without when they were computed: what the content hash covers. */
function figuresOf(result: SetResult): unknown {
  const { computedAt: _, current: __, ...rest } = result;
  return rest;
}
export const resultHash = (result: SetResult) => sha256(canonicalJson(figuresOf(result)));

/**
 * A moment is settled when no transaction that could still commit rows recorded before it is
 * running: a row's sys_from is its transaction's start, so a long transaction begun before T and
 * committed after a publication would otherwise change "as known at T" afterwards. Only sessions
 * on this database count: another database on the same server cannot write these rows.
 */
async function assertSettled(db: Db, asOf: string): Promise<void> {
  const { rows } = await sql<{ oldest: Date | null }>`
    SELECT min(xact_start) AS oldest FROM pg_stat_activity
     WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
       AND datname = current_database()`.execute(db);
  const oldest = rows[0]?.oldest;
  if (oldest && new Date(oldest).getTime() <= Date.parse(asOf))
    throw new Problem('conflict', `asOf: changes begun before ${asOf} are still being written; publish again in a moment, or choose an earlier moment`);
}

const dateNl = (iso: string) =>
  new Intl.DateTimeFormat('nl-BE', { timeZone: 'Europe/Brussels', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(iso));

export async function publish(db: Db, ctx: RequestContext, request: PublishRequest): Promise<Publication> {
  demand(ctx, 'publishStatistics', 'statistics.publish');
  checkYear(request.year);
  const asOf = checkAsOf(request.asOf)!;
  const threshold = request.threshold ?? null;
  if (threshold !== null && (!Number.isInteger(threshold) || threshold < 2 || threshold > 100))
    throw new Problem('badRequest', 'threshold: a whole number from 2 to 100', [{ in: 'body', name: 'threshold', detail: 'from 2 to 100' }]);
  const stored = await definitionOf(db, request.setId);
  const validations = (await validationsOf(db, request.setId)).filter((v) => v.version === stored.version);
  if (!validations.length)
    throw new Problem(
      'businessRule',
      `version ${stored.version} of ${request.setId} is not validated yet: figures are published from a validated definition only`,
    );
  await assertSettled(db, asOf);
  let result = await computeSet(db, stored.definition, stored.version, { period: periodOfYear(request.year), asOf, versioned: await historyTables(db) });
  if (threshold !== null) result = await protect(db, result, threshold);
  const contentHash = resultHash(result);
  const title = `${stored.definition.title.nl} ${request.year} — toestand op ${dateNl(asOf)}${request.provisional ? ', voorlopig' : ''}`;
  // The publication and its audit record in one transaction: a crash between them leaves neither.
  const row = await db.transaction().execute(async (tx) => {
    const published = await tx
      .insertInto('statistics_publications')
      .values({
        set_id: request.setId,
        version: stored.version,
        period_year: request.year,
        as_of: asOf,
        provisional: request.provisional,
        threshold,
        result: JSON.stringify(result),
        content_hash: contentHash,
        title,
        published_by: ctx.actor.id,
      })
      .returning(['id', 'published_at'])
      .executeTakeFirstOrThrow();
    crashPoint('statistics.publish.stored');
    await recordAudit(tx, ctx, {
      action: 'statistics.publish',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: { publicationId: published.id, setId: request.setId, version: stored.version, year: request.year, asOf, contentHash },
    });
    return published;
  });
  return {
    id: row.id,
    setId: request.setId,
    version: stored.version,
    year: request.year,
    asOf,
    provisional: request.provisional,
    threshold,
    contentHash,
    title,
    publishedBy: ctx.actor.id,
    publishedAt: new Date(row.published_at as unknown as string).toISOString(),
    result,
  };
}

/** Small-cell protection, with the nationalities of a group adding up to the group's cell. */
async function protect(db: Db, result: SetResult, threshold: number): Promise<SetResult> {
  const groups = await db
    .selectFrom('code_list')
    .select(['code', sql<string>`attributes->>'group'`.as('group')])
    .where('list', '=', 'nationality')
    .execute();
  try {
    return applySuppression(result, threshold, new Map(groups.map((g) => [g.code, g.group ?? 'UNKNOWN'])));
  } catch (e) {
    if (!(e instanceof UnprotectableTable)) throw e;
    const where = [...new Set(e.cells.map((k) => k.split('|')[0]))].join(', ');
    throw new Problem(
      'businessRule',
      `threshold: a total or subtotal of breakdown ${where} is itself below ${threshold} and would give its cells away; publish without small-cell protection or with a lower threshold`,
      [{ in: 'body', name: 'threshold', detail: 'cannot be met by this table' }],
    );
  }
}

const SUMMARY = [
  'id',
  'set_id',
  'version',
  'period_year',
  'as_of',
  'provisional',
  'threshold',
  'content_hash',
  'title',
  'published_by',
  'published_at',
] as const;
type SummaryRow = {
  id: string;
  set_id: string;
  version: number;
  period_year: number;
  as_of: unknown;
  provisional: boolean;
  threshold: number | null;
  content_hash: string;
  title: string;
  published_by: string;
  published_at: unknown;
};
const summaryOf = (r: SummaryRow): PublicationSummary => ({
  id: r.id,
  setId: r.set_id,
  version: r.version,
  year: r.period_year,
  asOf: new Date(r.as_of as string).toISOString(),
  provisional: r.provisional,
  threshold: r.threshold,
  contentHash: r.content_hash,
  title: r.title,
  publishedBy: r.published_by,
  publishedAt: new Date(r.published_at as string).toISOString(),
});

export async function listPublications(db: Db, ctx: RequestContext, setId?: string): Promise<{ publications: PublicationSummary[] }> {
  demand(ctx, 'readStatistics', 'statistics.publications');
  let q = db.selectFrom('statistics_publications').select(SUMMARY).orderBy('published_at', 'desc').limit(500);
  if (setId) q = q.where('set_id', '=', setId);
  return { publications: (await q.execute()).map((r) => summaryOf(r as SummaryRow)) };
}

export async function getPublication(db: Db, ctx: RequestContext, id: string): Promise<Publication> {
  demand(ctx, 'readStatistics', 'statistics.publications');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Problem('resourceNotFound', `no publication ${id}`);
  const row = await db
    .selectFrom('statistics_publications')
    .select([...SUMMARY, 'result'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new Problem('resourceNotFound', `no publication ${id}`);
  return { ...summaryOf(row as SummaryRow), result: row.result as unknown as SetResult };
}

// ---- Restatement -------------------------------------------------------------------------------------

export interface MovedCell {
  breakdown: string;
  key: Record<string, string | null>;
  labels: Record<string, LocalText>;
  published: Record<string, number>;
  restated: Record<string, number>;
  delta: Record<string, number>;
}
export interface Correction {
  table: string;
  recordId: string;
  kind: 'created' | 'changed' | 'deleted';
  recordedAt: string;
  recordedBy: string;
  columns: string[];
  moved: { breakdown: string; from: Record<string, LocalText> | null; to: Record<string, LocalText> | null }[];
}
export interface Restatement {
  publication: PublicationSummary;
  asOf: string;
  /** Recomputing as of the publication's cut-off gives exactly the published figures. */
  unchanged: boolean;
  cells: MovedCell[];
  corrections: Correction[];
}

const cellId = (breakdown: string, key: Record<string, string | null>) => `${breakdown}|${canonicalJson(key)}`;
const STANDARD_COLUMNS = new Set(['version', 'valid_from', 'sys_from', 'sys_to', 'recorded_by', 'ended_by']);

/**
 * What changed since a publication: its figures recomputed as known at `asOf` (default now), the
 * cells that moved, and the record corrections behind them — found by comparing the units (one per
 * person and cell) at both moments and reading, for the persons whose units moved, the versions of
 * their records recorded in between.
 */
export async function restate(db: Db, ctx: RequestContext, publicationId: string, asOfRaw?: string, reads?: ReadRouter): Promise<Restatement> {
  const pub = await getPublication(db, ctx, publicationId);
  const explicit = checkAsOf(asOfRaw);
  if (explicit && Date.parse(explicit) < Date.parse(pub.asOf))
    throw new Problem('badRequest', 'asOf: before the publication’s cut-off', [{ in: 'query', name: 'asOf', detail: 'before the cut-off' }]);
  const stored = await definitionOf(db, pub.setId, pub.version);
  const versioned = await historyTables(db);
  // "Now" on a replica is the moment up to which it holds every commit of the primary.
  const found = await readFigures(db, reads, { notBefore: explicit ?? pub.asOf }, (target) =>
    movedSince(target.db, pub, stored.definition, explicit ?? (target.source === 'replica' ? target.consistentAt : new Date().toISOString()), versioned),
  );
  await recordAudit(db, ctx, {
    action: 'statistics.restate',
    personId: null,
    clusters: [],
    result: 'allowed',
    detail: { publicationId, asOf: found.asOf, movedCells: found.cells.length, corrections: found.corrections.length },
  });
  const { result: _, ...publication } = pub;
  return { publication, ...found };
}

/** The restatement's reads: the figures at both moments, the cells that moved and the corrections behind them. */
async function movedSince(
  db: Db,
  pub: Publication,
  def: SetDefinition,
  asOf: string,
  versioned: ReadonlySet<string>,
): Promise<Omit<Restatement, 'publication'>> {
  const options = (t: string) => ({ period: periodOfYear(pub.year), asOf: t, versioned });
  const [before, after] = await Promise.all([computeSet(db, def, pub.version, options(pub.asOf)), computeSet(db, def, pub.version, options(asOf))]);
  const again = pub.threshold !== null ? await protect(db, before, pub.threshold) : before;
  const unchanged = resultHash(again) === pub.contentHash;

  // Cells that moved, per breakdown, in both directions (a cell may appear or vanish).
  const cells: MovedCell[] = [];
  for (const b of def.breakdowns) {
    const was = new Map(before.breakdowns.find((x) => x.id === b.id)!.cells.map((c) => [cellId(b.id, c.key), c]));
    const now = new Map(after.breakdowns.find((x) => x.id === b.id)!.cells.map((c) => [cellId(b.id, c.key), c]));
    for (const id of new Set([...was.keys(), ...now.keys()])) {
      const p = was.get(id),
        r = now.get(id);
      const published = Object.fromEntries(def.measures.map((m) => [m.id, p?.values[m.id] ?? 0]));
      const restated = Object.fromEntries(def.measures.map((m) => [m.id, r?.values[m.id] ?? 0]));
      const delta = Object.fromEntries(def.measures.map((m) => [m.id, restated[m.id]! - published[m.id]!]));
      if (Object.values(delta).some((d) => d !== 0)) cells.push({ breakdown: b.id, key: (p ?? r)!.key, labels: (p ?? r)!.labels, published, restated, delta });
    }
  }

  // Persons whose units differ between the two moments, and how their cells moved.
  const [u1, u2] = await Promise.all([unitsOf(db, def, options(pub.asOf)), unitsOf(db, def, options(asOf))]);
  const byPerson = (units: Record<string, string | null>[]) => {
    const m = new Map<string, string[]>();
    for (const u of units) {
      const list = m.get(u.person_id ?? '') ?? [];
      list.push(canonicalJson(u));
      m.set(u.person_id ?? '', list);
    }
    for (const l of m.values()) l.sort();
    return m;
  };
  const [p1, p2] = [byPerson(u1), byPerson(u2)];
  const movedPersons = [...new Set([...p1.keys(), ...p2.keys()])].filter((p) => p && (p1.get(p) ?? []).join('\n') !== (p2.get(p) ?? []).join('\n'));
  const labelsIn = (result: SetResult) => {
    const m = new Map<string, Record<string, LocalText>>();
    for (const b of result.breakdowns) for (const c of b.cells) m.set(cellId(b.id, c.key), c.labels);
    return m;
  };
  const [l1, l2] = [labelsIn(before), labelsIn(after)];
  const movesOf = (person: string) => {
    const unit = (units: string[] | undefined) => (units?.[0] ? (JSON.parse(units[0]) as Record<string, string | null>) : null);
    const a = unit(p1.get(person)),
      z = unit(p2.get(person));
    return def.breakdowns.flatMap((b) => {
      const k = (u: Record<string, string | null> | null) => (u ? Object.fromEntries(b.dimensions.map((d) => [d, u[d] ?? null])) : null);
      const [ka, kz] = [k(a), k(z)];
      if (canonicalJson(ka) === canonicalJson(kz)) return [];
      return [{ breakdown: b.id, from: ka ? (l1.get(cellId(b.id, ka)) ?? null) : null, to: kz ? (l2.get(cellId(b.id, kz)) ?? null) : null }];
    });
  };

  const corrections = await correctionsOf(db, def, movedPersons, pub.asOf, asOf, versioned);
  return { asOf, unchanged, cells, corrections: corrections.map(({ personId, ...c }) => ({ ...c, moved: movesOf(personId) })) };
}

/** The versions of the moved persons' records (in the tables the set reads) recorded between the two moments. */
async function correctionsOf(
  db: Db,
  def: SetDefinition,
  persons: string[],
  from: string,
  to: string,
  versioned: ReadonlySet<string>,
): Promise<(Omit<Correction, 'moved'> & { personId: string })[]> {
  if (!persons.length) return [];
  const out: (Omit<Correction, 'moved'> & { personId: string })[] = [];
  for (const table of tablesOf(def.query).filter((t) => versioned.has(t))) {
    const personColumn = table === 'persons' ? 'id' : (await hasColumn(db, table, 'person_id')) ? 'person_id' : null;
    if (!personColumn) continue;
    const t = sql.table(table),
      h = sql.table(`${table}_history`),
      pc = sql.ref(personColumn);
    // Every version of a touched record that was current at `from` or recorded up to `to`, oldest first.
    const { rows } = await sql<Record<string, unknown>>`
      WITH touched AS (
        SELECT id FROM ${t} WHERE ${pc}::text IN (${sql.join(persons)}) AND sys_from > ${from}::timestamptz AND sys_from <= ${to}::timestamptz
        UNION SELECT id FROM ${h} WHERE ${pc}::text IN (${sql.join(persons)}) AND sys_to > ${from}::timestamptz AND sys_to <= ${to}::timestamptz)
      SELECT v.*, v.${pc}::text AS kbi_person FROM (SELECT * FROM ${t} UNION ALL SELECT * FROM ${h}) v
       WHERE v.id IN (SELECT id FROM touched) AND v.sys_from <= ${to}::timestamptz
       ORDER BY v.id, v.sys_from`.execute(db);
    const byId = new Map<string, Record<string, unknown>[]>();
    for (const r of rows) byId.set(String(r.id), [...(byId.get(String(r.id)) ?? []), r]);
    for (const [id, versions] of byId) {
      const old = versions.filter((v) => Date.parse(String(new Date(v.sys_from as string).toISOString())) <= Date.parse(from)).at(-1);
      const last = versions.at(-1)!;
      const endedBeforeTo = last.sys_to !== null && last.sys_to !== undefined && new Date(last.sys_to as string).getTime() <= Date.parse(to);
      const kind: Correction['kind'] = endedBeforeTo ? 'deleted' : old ? 'changed' : 'created';
      const columns =
        old && !endedBeforeTo
          ? Object.keys(last).filter((k) => !STANDARD_COLUMNS.has(k) && k !== 'kbi_person' && canonicalJson(old[k]) !== canonicalJson(last[k]))
          : [];
      out.push({
        table,
        recordId: id,
        kind,
        recordedAt: new Date((endedBeforeTo ? last.sys_to : last.sys_from) as string).toISOString(),
        recordedBy: String(endedBeforeTo ? last.ended_by : last.recorded_by),
        columns,
        personId: String(last.kbi_person),
      });
    }
  }
  return out.sort((a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.table.localeCompare(b.table));
}

async function hasColumn(db: Db, table: string, column: string): Promise<boolean> {
  const { rows } =
    await sql`SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table} AND column_name = ${column}`.execute(db);
  return rows.length > 0;
}
