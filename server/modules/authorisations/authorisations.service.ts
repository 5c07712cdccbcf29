/**
 * Authorisations (machtigingen): which partner, or kind of partner, may receive which data
 * clusters, for which purpose, on which legal basis, in which period. Managed by the privacy
 * officer and the administrator; every change is versioned by the database and audited.
 * `effectiveAuthorisations` is the question every partner request asks.
 */
import { sql, type Insertable } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import type { CodeLists } from '../../platform/codes.ts';
import { inTransaction, type DB, type Db, type Executor, type Row } from '../../platform/db.ts';
import { Problem, type Issue } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { demand } from '../access/access.service.ts';
import { DATA_CLUSTERS, OTHER_CLUSTERS, type ClusterName } from '../dossier/clusters.ts';

export const AUTHORISABLE_CLUSTERS: readonly ClusterName[] = [...DATA_CLUSTERS, ...OTHER_CLUSTERS];

export interface AuthorisationInput {
  partnerOrganisationId?: string | null;
  partnerKind?: string | null;
  purpose: string;
  clusters: string[];
  legalBasis: string;
  reference?: string | null;
  startsOn: string;
  endsOn?: string | null;
  capacityCodes?: string[];
  description?: string | null;
}

/** Only the privacy officer and the administrator see and change authorisations. */
export function requireManageAuthorisations(ctx: RequestContext, action: string): void {
  demand(ctx, 'manageAuthorisations', action, 'only the privacy officer or an administrator manages authorisations');
}

export const presentAuthorisation = (r: Row) => ({
  id: r.id,
  partnerOrganisationId: r.partner_organisation_id ?? null,
  partnerKind: r.partner_kind ?? null,
  purpose: r.purpose,
  clusters: r.clusters,
  legalBasis: r.legal_basis,
  reference: r.reference ?? null,
  startsOn: r.starts_on,
  endsOn: r.ends_on ?? null,
  capacityCodes: r.capacity_codes,
  description: r.description ?? null,
  version: r.version,
  recordedAt: r.sys_from,
  recordedBy: r.recorded_by,
  ...(r.sys_to ? { supersededAt: r.sys_to, supersededBy: r.ended_by } : {}),
});

const COLUMNS: Record<keyof AuthorisationInput, string> = {
  partnerOrganisationId: 'partner_organisation_id',
  partnerKind: 'partner_kind',
  purpose: 'purpose',
  clusters: 'clusters',
  legalBasis: 'legal_basis',
  reference: 'reference',
  startsOn: 'starts_on',
  endsOn: 'ends_on',
  capacityCodes: 'capacity_codes',
  description: 'description',
};

/** Everything a schema cannot check: codes, the partner, the period. Throws one problem naming every bad field. */
async function validate(db: Executor, codes: CodeLists, merged: AuthorisationInput): Promise<void> {
  const issues: Issue[] = [];
  const hasOrg = !!merged.partnerOrganisationId,
    hasKind = !!merged.partnerKind;
  if (hasOrg === hasKind)
    issues.push({ in: 'body', name: hasOrg ? 'partnerKind' : 'partnerOrganisationId', detail: 'name either one partner organisation or a partner kind' });
  if (hasKind && !codes.has('organisation_kind', merged.partnerKind!)) issues.push({ in: 'body', name: 'partnerKind', detail: 'unknown organisation kind' });
  if (hasOrg && !(await db.selectFrom('organisations').select('id').where('id', '=', merged.partnerOrganisationId!).executeTakeFirst())) {
    issues.push({ in: 'body', name: 'partnerOrganisationId', detail: 'no such organisation' });
  }
  if (!codes.has('purpose', merged.purpose)) issues.push({ in: 'body', name: 'purpose', detail: 'unknown purpose (code list purpose)' });
  merged.clusters.forEach((c, i) => {
    if (!(AUTHORISABLE_CLUSTERS as readonly string[]).includes(c)) issues.push({ in: 'body', name: `clusters.${i}`, detail: 'unknown data cluster' });
  });
  if (merged.endsOn && merged.endsOn < merged.startsOn) issues.push({ in: 'body', name: 'endsOn', detail: 'ends before it starts' });
  if (issues.length)
    throw new Problem(
      issues.some((i) => i.detail.startsWith('unknown')) ? 'unknownCode' : 'badRequest',
      issues.map((i) => `${i.name}: ${i.detail}`).join('; '),
      issues,
    );
}

function toColumns(input: Partial<AuthorisationInput>): Row {
  const row: Row = {};
  for (const [key, column] of Object.entries(COLUMNS)) {
    if (key in input) row[column] = (input as Row)[key] ?? (key === 'capacityCodes' ? [] : null);
  }
  return row;
}

export async function listAuthorisations(
  db: Db,
  ctx: RequestContext,
  filter: { partnerOrganisationId?: string; partnerKind?: string; on?: string } = {},
): Promise<Row[]> {
  requireManageAuthorisations(ctx, 'authorisations.list');
  let q = db.selectFrom('authorisations').selectAll();
  if (filter.partnerOrganisationId) q = q.where('partner_organisation_id', '=', filter.partnerOrganisationId);
  if (filter.partnerKind) q = q.where('partner_kind', '=', filter.partnerKind);
  if (filter.on) q = q.where('starts_on', '<=', filter.on).where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', filter.on!)]));
  return q.orderBy('partner_kind').orderBy('purpose').orderBy('starts_on').orderBy('id').execute();
}

export async function getAuthorisation(db: Db, ctx: RequestContext, id: string): Promise<{ current: Row; versions: Row[] }> {
  requireManageAuthorisations(ctx, 'authorisations.read');
  const current = await db.selectFrom('authorisations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!current) throw new Problem('resourceNotFound', 'authorisation not found');
  const versions = await db.selectFrom('authorisations_history').selectAll().where('id', '=', id).orderBy('version', 'desc').execute();
  return { current, versions };
}

export async function createAuthorisation(db: Db, codes: CodeLists, ctx: RequestContext, input: AuthorisationInput): Promise<Row> {
  requireManageAuthorisations(ctx, 'authorisations.create');
  return inTransaction(db, ctx.actor.id, async (tx) => {
    await validate(tx, codes, { capacityCodes: [], ...input });
    const row = await tx
      .insertInto('authorisations')
      .values(toColumns({ capacityCodes: [], ...input }) as Insertable<DB['authorisations']>)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { action: 'authorisations.create', personId: null, clusters: [], result: 'allowed', detail: { authorisationId: row.id } });
    return row;
  });
}

/** A change needs the version the editor read (If-Match); the old version stays in the history. */
export async function updateAuthorisation(
  db: Db,
  codes: CodeLists,
  ctx: RequestContext,
  id: string,
  expectedVersion: number,
  input: Partial<AuthorisationInput>,
): Promise<Row> {
  requireManageAuthorisations(ctx, 'authorisations.update');
  return inTransaction(db, ctx.actor.id, async (tx) => {
    const current = await tx.selectFrom('authorisations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw new Problem('resourceNotFound', 'authorisation not found');
    const merged = { ...presentAuthorisation(current), ...input } as AuthorisationInput;
    await validate(tx, codes, merged);
    const changed = await tx
      .updateTable('authorisations')
      .set({ ...toColumns(input), valid_from: sql`now()` })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .returningAll()
      .executeTakeFirst();
    if (!changed)
      throw new Problem('preconditionFailed', 'this authorisation was changed by someone else; reload it', undefined, { currentVersion: current.version });
    await recordAudit(tx, ctx, {
      action: 'authorisations.update',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: { authorisationId: id, fields: Object.keys(input) },
    });
    return changed;
  });
}

export interface EffectiveAuthorisation {
  id: string;
  clusters: ClusterName[];
  capacityCodes: string[];
  legalBasis: string;
}

/**
 * The authorisations that hold for this partner organisation (itself or its kind) and purpose on
 * `day` (YYYY-MM-DD), the day of the consultation. A consult of a past state (`asOf`) is still an
 * access made today, so it needs today's authorisation.
 */
export async function effectiveAuthorisations(
  db: Executor,
  organisationId: string,
  purpose: string,
  day: string,
): Promise<{ partnerKind: string | null; authorisations: EffectiveAuthorisation[] }> {
  // One round trip: the partner's kind (which later rules need too) and what holds for it.
  const rows = (
    await sql<Row>`
    SELECT o.kind, a.id, a.clusters, a.capacity_codes, a.legal_basis
      FROM organisations o
      LEFT JOIN authorisations a ON (a.partner_organisation_id = o.id OR a.partner_kind = o.kind)
       AND a.purpose = ${purpose} AND a.starts_on <= ${day}::date AND (a.ends_on IS NULL OR a.ends_on >= ${day}::date)
     WHERE o.id = ${organisationId}::uuid
     ORDER BY a.id`.execute(db)
  ).rows;
  return {
    partnerKind: rows[0]?.kind ?? null,
    authorisations: rows.filter((r) => r.id).map((r) => ({ id: r.id, clusters: r.clusters, capacityCodes: r.capacity_codes, legalBasis: r.legal_basis })),
  };
}
