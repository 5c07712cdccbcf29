/**
 * Consult dossier (KBIDossiers; MAGDA's GeefDossierKBI), seed 003 §57: a partner asks by INSZ for
 * one purpose whether KBI knows the person, and receives exactly the clusters its authorisations
 * give it for that purpose today, for a person it has integrated where an authorisation demands
 * so. Nothing else leaves: not another cluster, not a column of a cluster it lacks, not more of a
 * cluster than seed 003 §61 allows (only the latest mother or takeover contract with its
 * addenda, the most recent registration of the past year, the most recent target-group
 * determination, conversations flagged relevant for the partner's kind).
 */
import type { RequestContext } from '../../platform/access.ts';
import { Problem } from '../../platform/errors.ts';
import { auditInsertText, recordAudit } from '../../platform/audit.ts';
import type { Row } from '../../platform/db.ts';
import { DOSSIER_RESOURCES, PERSON_RESOURCE, type ClusterName, type ResourceDef } from '../dossier/clusters.ts';
import { dossierStatement, normaliseTimestamps } from '../dossier/dossier.service.ts';
import type { Deps } from '../../platform/deps.ts';
import { present } from '../dossier/clusters.ts';
import { buildDocument } from '../dossier/documents.service.ts';
import { belgianToday, exchangeOrganisation, parseInszField, personIdByInsz } from '../integrations/integrations.service.ts';
import { ATTENDANCE_CLUSTERS, judgeAttendance, type PersonAttendance } from '../rules/attendance.service.ts';

export interface ConsultInput {
  insz: string;
  purpose: string;
  asOf?: string;
}

export interface ConsultAnswer {
  known: boolean;
  purpose: string;
  asOf: string | null;
  /** The clusters this answer holds: those of the authorisations that held. */
  clusters: ClusterName[];
  /** The authorisations (ids and legal bases) the answer rests on. */
  authorisations: { id: string; legalBasis: string }[];
  person?: Record<string, unknown>;
  dossier?: Record<string, Record<string, unknown>[]>;
}

/** Columns of a resource that belong to another cluster than the resource's own (seed 003 §61, 11 and 12). */
const COLUMN_CLUSTERS: Record<string, Record<string, ClusterName>> = {
  trajectories: {
    managing_office_id: 'trajectoryOffice',
    managed_since: 'trajectoryOffice',
    contact_staff_id: 'trajectoryOffice',
    sanctioning_partner_id: 'sanctioningPartner',
  },
};

/** The tables of a set of clusters, in one stable order, so that each set has one prepared statement. */
const resourcesFor = (clusters: ClusterName[]): ResourceDef[] => DOSSIER_RESOURCES.filter((d) => d.cluster && clusters.includes(d.cluster));

export interface Authorised {
  partnerKind: string | null;
  /** The clusters of the authorisations that hold, sorted. */
  clusters: ClusterName[];
  basis: { id: string; legalBasis: string }[];
}

/**
 * The rule of who may know what, as SQL over `req` (one row per question: n, org, purpose, insz,
 * day): `party`, the asking organisation's kind and the capacity codes under which the
 * person is in its integration register that day; `auth`, the organisation's authorisations that
 * hold on the day for the purpose (its own and its kind's); `holding`, those that apply to this
 * person: without capacity codes, or with one of the register's; `rule`, per question what the
 * decision needs. One rule in one place, read in the same statement as what it guards.
 */
const RULE = `
  party AS (
    SELECT req.n, o.kind,
           (SELECT coalesce(array_agg(i.capacity_code), '{}') FROM integrations i
             WHERE i.organisation_id = req.org AND i.insz = req.insz AND i.starts_on <= req.day AND (i.ends_on IS NULL OR i.ends_on >= req.day)) AS codes
      FROM req JOIN organisations o ON o.id = req.org),
  auth AS (
    SELECT party.n, party.codes, a.id, a.clusters, a.capacity_codes, a.legal_basis
      FROM party JOIN req USING (n)
      JOIN authorisations a ON (a.partner_organisation_id = req.org OR a.partner_kind = party.kind)
       AND a.purpose = req.purpose AND a.starts_on <= req.day AND (a.ends_on IS NULL OR a.ends_on >= req.day)),
  holding AS (SELECT * FROM auth WHERE cardinality(capacity_codes) = 0 OR capacity_codes && codes),
  rule AS (
    SELECT req.n, party.kind AS partner_kind,
      (SELECT count(*) FROM auth WHERE auth.n = req.n)::int AS authorisations,
      (SELECT array_agg(DISTINCT c ORDER BY c) FROM auth, unnest(auth.capacity_codes) c WHERE auth.n = req.n) AS capacity_codes,
      (SELECT json_agg(json_build_object('id', id, 'legalBasis', legal_basis) ORDER BY id) FROM holding WHERE holding.n = req.n) AS holding,
      (SELECT coalesce(array_agg(DISTINCT c ORDER BY c), '{}') FROM holding, unnest(holding.clusters) c WHERE holding.n = req.n) AS clusters
      FROM req LEFT JOIN party USING (n))`;

const RULE_COLUMNS = 'rule.partner_kind, rule.authorisations, rule.capacity_codes, rule.holding, rule.clusters';

/** $1 organisation, $2 purpose, $3 the day, $4 the INSZ. */
const AUTHORISED_FOR = {
  name: 'kbi_authorised_for',
  text: `WITH req AS (SELECT 1 AS n, $1::uuid AS org, $2::text AS purpose, $3::date AS day, $4::text AS insz), ${RULE} SELECT ${RULE_COLUMNS} FROM rule`,
};

/**
 * Today's consults in one statement, for any number of questions at once (arrays $1 organisations,
 * $2 purposes, $3 days, $4 INSZs, $5 actors, $6 actor kinds, $7 actions, $8 request ids): per
 * question the rule, the person under the INSZ, the person's stored dossier document when it is
 * current, and — only when an authorisation holds — the audit record of the access (for an unknown
 * INSZ under its keyed hash), committed with the read. `audited` counts the records written.
 */
const CONSULT_NOW = {
  name: 'kbi_consult_now',
  text: `WITH req AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
      WITH ORDINALITY AS r(org, purpose, day, insz, actor, actor_kind, action, request_id, n)),
  ${RULE},
  person AS (SELECT req.n, p.id FROM req JOIN persons p ON p.insz = req.insz),
  audit AS (
    ${auditInsertText(
      {
        actor_id: 'req.actor',
        actor_kind: 'req.actor_kind',
        organisation_id: 'req.org',
        purpose: 'req.purpose',
        action: 'req.action',
        person_id: 'person.id',
        clusters: `CASE WHEN person.id IS NOT NULL THEN rule.clusters ELSE '{}' END`,
        result: `'allowed'`,
        request_id: 'req.request_id',
        detail: `jsonb_build_object('authorisations', (SELECT jsonb_agg(id ORDER BY id) FROM holding WHERE holding.n = req.n))
             || CASE WHEN person.id IS NOT NULL THEN '{}'::jsonb ELSE '{"known": false}'::jsonb END`,
        insz_hash: 'CASE WHEN person.id IS NULL THEN kbi_insz_hash(req.insz) END',
      },
      `FROM req JOIN rule USING (n) LEFT JOIN person USING (n)
     WHERE rule.holding IS NOT NULL
     ORDER BY req.n
    RETURNING 1`,
    )})
  SELECT ${RULE_COLUMNS}, person.id AS person_id, d.document, (SELECT count(*) FROM audit)::int AS audited
    FROM rule LEFT JOIN person USING (n)
    LEFT JOIN dossier_documents d ON d.person_id = person.id AND d.built_version = d.version AND rule.holding IS NOT NULL
   ORDER BY rule.n`,
};

interface Question {
  params: [string, string, string, string, string, string, string, string];
  resolve: (row: Row) => void;
  reject: (e: unknown) => void;
}

/** How the consults of this process were grouped: statements run, questions answered, the largest group. */
export const consultBatching = { statements: 0, questions: 0, largest: 0 };

/**
 * Group commit for consults. Partners ask many at once (64 connections in the bench); one
 * statement and one commit per question made PostgreSQL spend most of a consult on statement and
 * commit overhead. So each process runs one consult statement at a time: questions that arrive
 * meanwhile wait and then go together, up to `MAX_BATCH`, in the next one. Each still gets its
 * own rule, its own audit record and its answer only after that record is committed; alone, a
 * question goes at once. Measured (bench, 64 connections, 2 processes): one statement in flight
 * per process 2,630 consults/s, two 2,520, four 1,720. More processes (`KBI_WORKERS`) add
 * statements in flight.
 */
class ConsultQueue {
  static readonly MAX_BATCH = 64;
  private waiting: Question[] = [];
  private busy = false;
  constructor(private readonly database: Deps['database']) {}

  /** organisation, purpose, day, INSZ, actor, actor kind, action, request id */
  ask(params: Question['params']): Promise<Row> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ params, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy || !this.waiting.length) return;
    this.busy = true;
    void this.run(this.waiting.splice(0, ConsultQueue.MAX_BATCH)).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  private async run(batch: Question[]): Promise<void> {
    try {
      const columns = batch[0]!.params.map((_, i) => batch.map((q) => q.params[i]));
      const rows = await this.database.prepared(CONSULT_NOW.name, CONSULT_NOW.text, columns);
      const held = rows.filter((r) => r.holding !== null).length;
      if (rows.length !== batch.length || rows.some((r) => r.audited !== held)) {
        throw new Error('consult: the rule held but the access was not audited'); // the statement and decide() disagree
      }
      consultBatching.statements++;
      consultBatching.questions += batch.length;
      consultBatching.largest = Math.max(consultBatching.largest, batch.length);
      batch.forEach((q, i) => q.resolve(rows[i]!));
    } catch (e) {
      for (const q of batch) q.reject(e);
    }
  }
}

const QUEUES = new WeakMap<Deps['database'], ConsultQueue>();
const queueOf = (database: Deps['database']) => {
  let queue = QUEUES.get(database);
  if (!queue) QUEUES.set(database, (queue = new ConsultQueue(database)));
  return queue;
};

/** The decision on what the rule found; refuses (audited, by the caller's error hook) when nothing holds. */
function decide(row: Row, audit: { action: string; personId: string | null; insz: string }, purpose: string): Authorised {
  if (!row.authorisations) {
    throw new Problem('noAuthorisation', `your organisation holds no authorisation for purpose ${purpose} today`).denied({ ...audit, clusters: [] });
  }
  if (!row.holding) {
    throw new Problem(
      'notIntegrated',
      `the person is not in your integration register today under capacity code ${(row.capacity_codes as string[]).join(', ')} (KSZ -300020)`,
    ).denied({ ...audit, clusters: [] });
  }
  return { partnerKind: row.partner_kind, clusters: row.clusters as ClusterName[], basis: row.holding as Authorised['basis'] };
}

/**
 * What the organisation may know of this person for this purpose today: the authorisations that
 * hold, where they demand so only while the person is in its integration register under one of
 * their capacity codes. Refuses (audited, by the caller's error hook) when none holds.
 */
export async function authorisedFor(
  deps: Deps,
  organisationId: string,
  insz: string,
  purpose: string,
  audit: { action: string; personId: string | null; insz: string },
  day = belgianToday(),
): Promise<Authorised> {
  const [row] = await deps.database.prepared(AUTHORISED_FOR.name, AUTHORISED_FOR.text, [organisationId, purpose, day, insz]);
  return decide(row!, audit, purpose);
}

/** Who asks (a partner, or staff for their organisation), about which INSZ, for a known purpose: checked once for every consultation. */
function question(deps: Deps, ctx: RequestContext, input: { insz: string; purpose: string }, what: string): { organisationId: string; insz: string } {
  const organisationId = exchangeOrganisation(ctx, what);
  const insz = parseInszField(deps, input.insz);
  if (!deps.codes.has('purpose', input.purpose)) {
    throw new Problem('unknownCode', 'purpose: unknown purpose', [{ in: 'body', name: 'purpose', detail: 'not in code list purpose' }]);
  }
  return { organisationId, insz };
}

export async function consultDossier(deps: Deps, ctx: RequestContext, input: ConsultInput): Promise<ConsultAnswer> {
  const { organisationId, insz } = question(deps, ctx, input, 'consults a dossier');
  const asOf = input.asOf ?? null;
  if (asOf !== null && (Number.isNaN(Date.parse(asOf)) || Date.parse(asOf) > Date.now())) {
    throw new Problem('badRequest', 'asOf: a past moment, as a date-time with offset', [{ in: 'body', name: 'asOf', detail: 'not a past date-time' }]);
  }
  const audit = { action: asOf ? 'exchange.consultAsOf' : 'exchange.consult', personId: null, insz };
  return asOf ? consultPast(deps, ctx, organisationId, insz, input.purpose, asOf, audit) : consultNow(deps, ctx, organisationId, insz, input.purpose, audit);
}

/** Today's dossier: one statement (shared with other consults of the moment) decides, audits and reads the stored document; a missing document is assembled once. */
async function consultNow(
  deps: Deps,
  ctx: RequestContext,
  organisationId: string,
  insz: string,
  purpose: string,
  audit: { action: string; personId: null; insz: string },
): Promise<ConsultAnswer> {
  const row = await queueOf(deps.database).ask([organisationId, purpose, belgianToday(), insz, ctx.actor.id, ctx.actor.kind, audit.action, ctx.requestId]);
  const { partnerKind, clusters, basis } = decide(row, audit, purpose);
  if (!row.person_id) return { known: false, purpose, asOf: null, clusters, authorisations: basis };
  const document = (row.document as Row | null) ?? (await buildDocument(deps.database, row.person_id)).document;
  if (!document.person) return { known: false, purpose, asOf: null, clusters, authorisations: basis }; // removed a moment ago
  return answer(document, { partnerKind, clusters, basis }, purpose, null);
}

/** A past state: never cached; the dossier statement reads the history and audits in the same statement. */
async function consultPast(
  deps: Deps,
  ctx: RequestContext,
  organisationId: string,
  insz: string,
  purpose: string,
  asOf: string,
  audit: { action: string; personId: null; insz: string },
): Promise<ConsultAnswer> {
  const authorised = await authorisedFor(deps, organisationId, insz, purpose, audit);
  const { clusters, basis } = authorised;
  // The past as the partner's relation with the person allowed it then, never before: the rule must
  // have held on the day asked about too (an integration declared from a later day opens nothing earlier).
  const asOfDay = belgianToday(new Date(asOf));
  const then = await deps.database.prepared(AUTHORISED_FOR.name, AUTHORISED_FOR.text, [organisationId, purpose, asOfDay, insz]);
  if (!then[0]?.holding) {
    throw new Problem(
      then[0]?.authorisations ? 'notIntegrated' : 'noAuthorisation',
      `asOf: on ${asOfDay} ${then[0]?.authorisations ? 'the person was not in your integration register' : `your organisation held no authorisation for purpose ${purpose}`}; a dossier is answered as it was only from the day your relation with the person allowed it`,
      [{ in: 'body', name: 'asOf', detail: `before your access to this person began` }],
    ).denied({ ...audit, clusters: [] });
  }
  // The person under this INSZ now or in any earlier version (the statement then tells whether KBI knew the person at that moment).
  const personId =
    (await personIdByInsz(deps.db, insz)) ?? (await deps.db.selectFrom('persons_history').select('id').where('insz', '=', insz).executeTakeFirst())?.id;
  if (!personId) {
    await recordAudit(
      deps.db,
      { ...ctx, purpose },
      { ...audit, clusters: [], result: 'allowed', detail: { known: false, authorisations: basis.map((b) => b.id) } },
    );
    return { known: false, purpose, asOf, clusters, authorisations: basis };
  }
  const { name, text } = dossierStatement(resourcesFor(clusters), true);
  const [row] = await deps.database.prepared(name, text, [
    personId,
    asOf,
    ctx.actor.id,
    ctx.actor.kind,
    organisationId,
    purpose,
    audit.action,
    clusters,
    ctx.requestId,
    JSON.stringify({ authorisations: basis.map((b) => b.id), asOf }),
  ]);
  if (!row?.person) return { known: false, purpose, asOf, clusters, authorisations: basis }; // not yet known then (the read is audited)
  return answer(row, authorised, purpose, asOf);
}

/** The answer from a whole dossier: the authorised clusters only, each no more than seed 003 §61 allows. */
function answer(row: Row, { partnerKind, clusters, basis }: Authorised, purpose: string, asOf: string | null): ConsultAnswer {
  const resources = resourcesFor(clusters);
  const dossier: Record<string, Record<string, unknown>[]> = {};
  const reference = asOf ? new Date(asOf) : new Date();
  for (const def of resources) {
    const hidden = Object.entries(COLUMN_CLUSTERS[def.table] ?? {})
      .filter(([, c]) => !clusters.includes(c))
      .map(([column]) => column);
    const rows = proportionate(def, row[def.resource] as Row[], row, partnerKind ?? '', reference);
    dossier[def.resource] = rows.map((r) => {
      for (const column of hidden) delete r[column];
      return present(def, normaliseTimestamps(r));
    });
  }
  const result: ConsultAnswer = { known: true, purpose, asOf, clusters, authorisations: basis, dossier };
  if (clusters.includes('personalia')) result.person = present(PERSON_RESOURCE, normaliseTimestamps(row.person));
  return result;
}

const byDesc = (column: string) => (a: Row, b: Row) => (a[column] < b[column] ? 1 : a[column] > b[column] ? -1 : 0);

/** Seed 003 §61: no more of a cluster than its purpose needs. */
function proportionate(def: ResourceDef, rows: Row[], all: Row, partnerKind: string, reference: Date): Row[] {
  switch (def.table) {
    case 'contracts': {
      const latest = latestContract(all.contracts as Row[]);
      return latest ? rows.filter((r) => r.id === latest.id) : [];
    }
    case 'contract_addenda':
    case 'contract_parts':
    case 'contract_suspensions': {
      const latest = latestContract(all.contracts as Row[]);
      return rows.filter((r) => latest && r.contract_id === latest.id);
    }
    case 'registrations': {
      const yearAgo = new Date(reference);
      yearAgo.setFullYear(yearAgo.getFullYear() - 1);
      const since = yearAgo.toISOString().slice(0, 10);
      return [...rows]
        .filter((r) => r.registered_on >= since)
        .sort(byDesc('registered_on'))
        .slice(0, 1);
    }
    case 'target_group_determinations':
      return [...rows].sort(byDesc('determined_on')).slice(0, 1);
    case 'conversations':
      return rows.filter((r) => (r.relevant_for as string[] | null)?.includes(partnerKind));
    default:
      return rows;
  }
}

/**
 * The most recently signed mother or takeover contract. A contract of KBI 01.00 whose kind and
 * signing day are not known counts as one, by the day it was registered.
 */
function latestContract(contracts: Row[]): Row | undefined {
  const day = (c: Row) => String(c.signed_on ?? c.registered_on);
  return [...(contracts ?? [])].filter((c) => c.kind == null || c.kind === 'MOTHER' || c.kind === 'TAKEOVER').sort((a, b) => day(b).localeCompare(day(a)))[0];
}

export interface AttendanceAnswer {
  known: boolean;
  purpose: string;
  authorisations: { id: string; legalBasis: string }[];
  attendance?: PersonAttendance;
}

/**
 * The attendance judgement of a person for a partner (seed 001: OCMWs could not check their
 * clients' 80 % attendance without a detour): the same judgement the caseworker sees, under the
 * rule in force today, for a partner whose authorisations that hold today give it both the courses
 * and the components clusters for this purpose. Refused (audited) otherwise; every answer audited.
 */
export async function consultAttendance(deps: Deps, ctx: RequestContext, input: { insz: string; purpose: string }): Promise<AttendanceAnswer> {
  const { organisationId, insz } = question(deps, ctx, input, 'consults attendance');
  const audit = { action: 'exchange.consultAttendance', personId: null, insz };
  const { clusters, basis } = await authorisedFor(deps, organisationId, insz, input.purpose, audit);
  const missing = ATTENDANCE_CLUSTERS.filter((c) => !clusters.includes(c));
  if (missing.length)
    throw new Problem(
      'noAuthorisation',
      `your authorisations for purpose ${input.purpose} do not give you ${missing.join(' and ')}: attendance needs both`,
    ).denied({
      ...audit,
      clusters: [],
    });
  const personId = await personIdByInsz(deps.db, insz);
  const detail = { authorisations: basis.map((b) => b.id) };
  if (!personId) {
    await recordAudit(deps.db, { ...ctx, purpose: input.purpose }, { ...audit, clusters: [], result: 'allowed', detail: { ...detail, known: false } });
    return { known: false, purpose: input.purpose, authorisations: basis };
  }
  const attendance = await judgeAttendance(deps.db, personId, belgianToday());
  await recordAudit(
    deps.db,
    { ...ctx, purpose: input.purpose },
    { ...audit, personId, clusters: [...ATTENDANCE_CLUSTERS], result: 'allowed', detail: { ...detail, outcome: attendance.outcome } },
  );
  return { known: true, purpose: input.purpose, authorisations: basis, attendance };
}

/**
 * The purposes for which an organisation's authorisations (its own and its kind's) that hold on a
 * day name this capacity code (hoedanigheidscode), in the order of code list `purpose`: how a
 * caller that names its capacity but no purpose (a MAGDA message) is understood. Empty when the
 * capacity code is not the organisation's.
 */
export async function purposesOfCapacity(deps: Deps, organisationId: string, capacityCode: string, day = belgianToday()): Promise<string[]> {
  const rows = await deps.database.prepared(
    'kbi_purposes_of_capacity',
    `SELECT DISTINCT a.purpose FROM authorisations a JOIN organisations o ON o.id = $1::uuid
      WHERE (a.partner_organisation_id = o.id OR a.partner_kind = o.kind) AND $2::text = ANY (a.capacity_codes)
        AND a.starts_on <= $3::date AND (a.ends_on IS NULL OR a.ends_on >= $3::date)`,
    [organisationId, capacityCode, day],
  );
  const order = (p: string) => deps.codes.get('purpose', p)?.sortOrder ?? Number.MAX_SAFE_INTEGER;
  return rows.map((r) => r.purpose as string).sort((a, b) => order(a) - order(b) || a.localeCompare(b));
}
