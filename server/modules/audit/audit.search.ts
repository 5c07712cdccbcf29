/**
 * The privacy officer's search of the audit trail: every access, newest first, filtered by period,
 * actor, organisation, action, result or the person concerned, and paged on the order of writing
 * (keyset, so a page never shifts while new rows arrive). Each line says in words who acted (the
 * staff member's name, the partner's organisation), what was done, for which purpose and with which
 * result; the person concerned is named by id only, never by name or INSZ. Requests refused before
 * anybody was identified are left out unless asked for; with `group`, the rows of one consultation
 * are one line. The search is itself an audited access.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import type { Db } from '../../platform/db.ts';
import { Problem, type Issue } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { demand } from '../access/access.service.ts';
import { codeLabels, consultations, distinct, type GroupableRow } from './audit.consultations.ts';
import { actionWords, clusterWords, purposeOf, resultWords, unnamedActorWords, type CodeLabels, type Lang } from './audit.words.ts';

export interface AuditSearchInput {
  from?: string;
  to?: string;
  actorId?: string;
  organisationId?: string;
  /** An action (`dossier.read`), or every action that starts with a prefix (`users.*`). */
  action?: string;
  result?: 'allowed' | 'denied';
  insz?: string;
  limit?: number;
  cursor?: string;
  /** The language of the words (default nl). */
  lang?: Lang;
  /** Also the requests refused before anybody was identified (no session, no token): left out by default. */
  includeAnonymous?: boolean;
  /** One line per consultation (audit.consultations.ts) instead of one per row. */
  group?: boolean;
}

export interface AuditLine {
  /** The order of writing across all lanes of the chain; the cursor pages on it. */
  id: number;
  /** The lane of the hash chain (migration 0017) and the position within it. */
  lane: number;
  seq: number;
  at: string;
  actorId: string;
  actorKind: string;
  organisationId: string | null;
  purpose: string | null;
  action: string;
  personId: string | null;
  clusters: string[];
  result: 'allowed' | 'denied';
  requestId: string | null;
  /** In words, in the language asked: the staff member's name, the partner's organisation, or who else acted. */
  actorName: string;
  organisationName: string | null;
  actionText: string;
  /** The purpose stated with the access, or that of the staff member's task; never empty. */
  purposeText: string;
  purposeStated: boolean;
  legalBasisText: string;
  resultText: string;
  clusterTexts: string[];
}

/** With `group`: one consultation, the fields of its newest row with every cluster seen, and its rows. */
export interface AuditConsultation extends AuditLine {
  firstAt: string;
  actions: string[];
  lines: AuditLine[];
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 500;
const AFTER_FROM = 'must lie after from';
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The same rule as the person's access report: only a role with readAudit reads the trail. */
export function requireReadAudit(ctx: RequestContext, action: string): void {
  demand(ctx, 'readAudit', action, 'only the privacy officer reads the audit trail');
}

const cursorOf = (id: number) => Buffer.from(JSON.stringify({ id })).toString('base64url');

function idFromCursor(cursor: string): number | null {
  try {
    const { id } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown };
    return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

/** A date-time with offset on a day that exists (Date.parse alone takes 30 February). */
function isDateTime(v: string): boolean {
  if (!DATE_TIME.test(v) || Number.isNaN(Date.parse(v))) return false;
  const [y, m, d] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

/** Everything the schema cannot check, in one problem that names every bad field. */
function validate(input: AuditSearchInput, acceptTestInsz: boolean): { insz: string | null; before: number | null } {
  const issues: Issue[] = [];
  for (const name of ['from', 'to'] as const) {
    const v = input[name];
    if (v !== undefined && !isDateTime(v)) issues.push({ in: 'body', name, detail: 'must be a date-time with offset, e.g. 2026-01-15T00:00:00Z' });
  }
  if (!issues.length && input.from && input.to && Date.parse(input.to) <= Date.parse(input.from)) issues.push({ in: 'body', name: 'to', detail: AFTER_FROM });
  let insz: string | null = null;
  if (input.insz !== undefined) {
    const parsed = parseInsz(input.insz, { allowTestNumbers: acceptTestInsz });
    if (parsed.ok) insz = parsed.insz.value;
    else issues.push({ in: 'body', name: 'insz', detail: `not a valid INSZ: ${parsed.message}` });
  }
  let before: number | null = null;
  if (input.cursor !== undefined) {
    before = idFromCursor(input.cursor);
    if (before === null) issues.push({ in: 'body', name: 'cursor', detail: 'not a cursor this search gave out' });
  }
  if (issues.length) {
    // One kind of mistake gets its own problem type; several get the general one.
    const only = issues.length === 1 ? issues[0]! : null;
    const code = only?.name === 'insz' ? 'invalidInsz' : only?.name === 'to' && only.detail === AFTER_FROM ? 'invalidPeriod' : 'badRequest';
    throw new Problem(code, issues.map((i) => `${i.name}: ${i.detail}`).join('; '), issues);
  }
  return { insz, before };
}

/**
 * The keyed hashes under which the audit trail holds the accesses about this INSZ: its own, and
 * those of every INSZ that the person (or persons, current or removed) known under it has had.
 * The chain trigger stamps each row that names a person with the hash of that person's INSZ of
 * the moment, so matching these hashes finds every row with the person's id as well as every
 * access about the INSZ that named no known person — the person report's rule, kept on the
 * insz_hash index even when an INSZ was corrected later.
 */
export async function inszHashesOf(db: Db, insz: string): Promise<{ hashes: string[]; personId: string | null }> {
  const rows = (
    await sql<{ h: string; current_id: string | null }>`
    WITH ids AS (SELECT id FROM persons WHERE insz = ${insz} UNION SELECT id FROM persons_history WHERE insz = ${insz}),
         inszs AS (SELECT ${insz}::text AS insz
                   UNION SELECT p.insz FROM persons p JOIN ids ON ids.id = p.id
                   UNION SELECT h.insz FROM persons_history h JOIN ids ON ids.id = h.id)
    SELECT kbi_insz_hash(i.insz) AS h, (SELECT id FROM persons WHERE insz = ${insz}) AS current_id FROM inszs i`.execute(db)
  ).rows;
  return { hashes: rows.map((r) => r.h), personId: rows[0]?.current_id ?? null };
}

interface Row {
  id: string | number;
  lane: number;
  seq: string | number;
  at: string;
  actor_id: string;
  actor_kind: string;
  organisation_id: string | null;
  purpose: string | null;
  action: string;
  person_id: string | null;
  insz_hash: string | null;
  clusters: string[] | null;
  result: string;
  request_id: string | null;
  display_name: string | null;
  role: string | null;
  organisation_name: string | null;
}

/** One row of the trail, with its words. */
function lineOf(r: Row, purposes: CodeLabels, lang: Lang): AuditLine {
  const clusters = r.clusters ?? [];
  const reading = purposeOf({ purpose: r.purpose, actorKind: r.actor_kind, role: r.role }, purposes, lang);
  const actorName =
    r.display_name ??
    (r.actor_kind === 'partner' && r.actor_id !== 'anonymous' ? (r.organisation_name ?? r.actor_id) : unnamedActorWords(r.actor_id, r.actor_kind, lang));
  return {
    id: Number(r.id),
    lane: r.lane,
    seq: Number(r.seq),
    at: r.at,
    actorId: r.actor_id,
    actorKind: r.actor_kind,
    organisationId: r.organisation_id ?? null,
    purpose: r.purpose ?? null,
    action: r.action,
    personId: r.person_id ?? null,
    clusters,
    result: r.result as AuditLine['result'],
    requestId: r.request_id ?? null,
    actorName,
    organisationName: r.organisation_name ?? null,
    actionText: actionWords(r.action, lang),
    purposeText: reading.purpose,
    purposeStated: reading.stated,
    legalBasisText: reading.legalBasis,
    resultText: resultWords(r.result, lang),
    clusterTexts: clusters.map((c) => clusterWords(c, lang)),
  };
}

/** A consultation as one line: its newest row, every cluster and action of its rows. */
function consultationOf(lines: AuditLine[], lang: Lang): AuditConsultation {
  const newest = lines[0]!;
  const clusters = distinct(lines.flatMap((l) => l.clusters));
  const actions = distinct(lines.map((l) => l.action));
  const stated = lines.find((l) => l.purposeStated);
  return {
    ...newest,
    ...(stated ? { purpose: stated.purpose, purposeText: stated.purposeText, purposeStated: true, legalBasisText: stated.legalBasisText } : {}),
    firstAt: lines[lines.length - 1]!.at,
    actions,
    actionText: distinct(lines.map((l) => l.actionText)).join(' + '),
    clusters,
    clusterTexts: clusters.map((c) => clusterWords(c, lang)),
    lines,
  };
}

/** Rows read per statement when grouping, and the most a page may read (a page then ends early, its cursor still right). */
const GROUP_BATCH = 500;
const GROUP_MAX_BATCHES = 10;

export async function searchAudit(
  db: Db,
  ctx: RequestContext,
  input: AuditSearchInput,
  acceptTestInsz = false,
): Promise<{ items: AuditLine[] | AuditConsultation[]; next: string | null }> {
  requireReadAudit(ctx, 'audit.search');
  const { insz, before } = validate(input, acceptTestInsz);
  const limit = input.limit ?? DEFAULT_LIMIT;
  const lang = input.lang ?? 'nl';
  const person = insz ? await inszHashesOf(db, insz) : null;
  const purposes = await codeLabels(db, 'purpose');

  const where: Expression<SqlBool>[] = [];
  if (input.from) where.push(sql<SqlBool>`a.at >= ${input.from}::timestamptz`);
  if (input.to) where.push(sql<SqlBool>`a.at < ${input.to}::timestamptz`);
  if (input.actorId) where.push(sql<SqlBool>`a.actor_id = ${input.actorId}`);
  if (input.organisationId) where.push(sql<SqlBool>`a.organisation_id = ${input.organisationId}::uuid`);
  if (input.result) where.push(sql<SqlBool>`a.result = ${input.result}`);
  // Refused before anybody was identified: the background noise of the internet, unless asked for.
  if (!input.includeAnonymous) where.push(sql<SqlBool>`a.actor_id <> 'anonymous'`);
  if (input.action) {
    where.push(
      input.action.endsWith('*')
        ? sql<SqlBool>`left(a.action, ${input.action.length - 1}) = ${input.action.slice(0, -1)}`
        : sql<SqlBool>`a.action = ${input.action}`,
    );
  }
  if (person) where.push(sql<SqlBool>`a.insz_hash = ANY(${sql.val(person.hashes)}::text[])`);

  /** Up to `n` rows before the row with id `below` (or the newest), newest first, with the names of who acted. */
  const read = async (below: number | null, n: number): Promise<Row[]> => {
    let q = db
      .selectFrom('audit_log as a')
      .leftJoin('users as u', (j) => j.on(sql<SqlBool>`a.actor_id = 'user:' || u.id::text`))
      .leftJoin('organisations as o', 'o.id', 'a.organisation_id')
      .select([
        'a.id',
        'a.lane',
        'a.seq',
        sql<string>`to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('at'),
        'a.actor_id',
        'a.actor_kind',
        'a.organisation_id',
        'a.purpose',
        'a.action',
        'a.person_id',
        'a.insz_hash',
        'a.clusters',
        'a.result',
        'a.request_id',
        'u.display_name',
        'u.role',
        'o.name as organisation_name',
      ]);
    for (const w of where) q = q.where(w);
    if (below !== null) q = q.where(sql<SqlBool>`a.id < ${below}`);
    return (await q.orderBy('a.id', 'desc').limit(n).execute()) as Row[];
  };

  let items: AuditLine[] | AuditConsultation[];
  let next: string | null;
  if (!input.group) {
    const rows = await read(before, limit + 1);
    items = rows.slice(0, limit).map((r) => lineOf(r, purposes, lang));
    next = rows.length > limit ? cursorOf(items[items.length - 1]!.id) : null;
  } else {
    // Read until the page holds `limit` whole consultations and the first row of the next one:
    // only then is the last consultation known to be complete, and the cursor falls between two.
    const seen: ReturnType<typeof groupable>[] = [];
    let below = before;
    let more = true;
    for (let batch = 0; batch < GROUP_MAX_BATCHES && more; batch++) {
      const rows = await read(below, GROUP_BATCH);
      more = rows.length === GROUP_BATCH;
      seen.push(...rows.map((r) => groupable(r, lineOf(r, purposes, lang))));
      if (rows.length) below = Number(rows[rows.length - 1]!.id);
      if (consultations(seen).length > limit) break;
    }
    const groups = consultations(seen).map((g) => g.map((x) => x.line));
    const complete = groups.length > limit ? groups.slice(0, limit) : groups;
    items = complete.map((g) => consultationOf(g, lang));
    const last = complete[complete.length - 1]?.at(-1);
    next = groups.length > limit || (more && last) ? cursorOf(last!.id) : null;
  }

  await recordAudit(db, ctx, {
    action: 'audit.search',
    personId: person?.personId ?? null,
    clusters: [],
    result: 'allowed',
    ...(insz && !person?.personId ? { insz } : {}),
    // Which filters were used, never their values (an INSZ or a period of interest is itself telling).
    detail: {
      filters: Object.keys(input).filter(
        (k) => !['limit', 'cursor', 'lang', 'group', 'includeAnonymous'].includes(k) && input[k as keyof AuditSearchInput] !== undefined,
      ),
      found: items.length,
    },
  });
  return { items, next };
}

/** The grouping facts of a row and its line (the INSZ hash stays on the server). */
const groupable = (row: Row, line: AuditLine): { line: AuditLine } & GroupableRow => ({
  line,
  actorId: row.actor_id,
  personKey: row.person_id ?? row.insz_hash ?? null,
  result: row.result,
  requestId: row.request_id ?? null,
  atMs: Date.parse(line.at),
});
