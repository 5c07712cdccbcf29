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
import { recordAudit } from '../../platform/audit.ts';
import type { Row } from '../../platform/db.ts';
import { effectiveAuthorisations } from '../authorisations/authorisations.service.ts';
import { DOSSIER_RESOURCES, PERSON_RESOURCE, type ClusterName, type ResourceDef } from '../dossier/clusters.ts';
import { dossierStatement, normaliseTimestamps } from '../dossier/dossier.service.ts';
import { present, type Deps } from '../dossier/records.ts';
import { belgianToday, exchangeOrganisation, integratedCodes, parseInszField } from './integrations.service.ts';

export interface ConsultInput { insz: string; purpose: string; asOf?: string }

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
  trajectories: { managing_office_id: 'trajectoryOffice', contact_staff_id: 'trajectoryOffice', sanctioning_partner_id: 'sanctioningPartner' },
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
 * What the organisation may know of this person for this purpose today: the authorisations that
 * hold, where they demand so only while the person is in its integration register under one of
 * their capacity codes. Refuses (audited, by the caller's error hook) when none holds.
 */
export async function authorisedFor(
  deps: Deps, organisationId: string, insz: string, purpose: string, audit: { action: string; personId: string | null; insz: string },
): Promise<Authorised> {
  const today = belgianToday();
  const { partnerKind, authorisations } = await effectiveAuthorisations(deps.db, organisationId, purpose, today);
  if (!authorisations.length) {
    throw new Problem('noAuthorisation', `your organisation holds no authorisation for purpose ${purpose} today`).denied({ ...audit, clusters: [] });
  }
  const needsIntegration = authorisations.some((a) => a.capacityCodes.length);
  const integrated = needsIntegration ? await integratedCodes(deps.db, organisationId, insz, today) : [];
  const holding = authorisations.filter((a) => !a.capacityCodes.length || a.capacityCodes.some((c) => integrated.includes(c)));
  if (!holding.length) {
    const codes = [...new Set(authorisations.flatMap((a) => a.capacityCodes))].join(', ');
    throw new Problem('notIntegrated', `the person is not in your integration register today under capacity code ${codes} (KSZ -300020)`)
      .denied({ ...audit, clusters: [] });
  }
  return {
    partnerKind,
    clusters: [...new Set(holding.flatMap((a) => a.clusters))].sort() as ClusterName[],
    basis: holding.map((a) => ({ id: a.id, legalBasis: a.legalBasis })),
  };
}

export async function consultDossier(deps: Deps, ctx: RequestContext, input: ConsultInput): Promise<ConsultAnswer> {
  const organisationId = exchangeOrganisation(ctx, 'consults a dossier');
  const insz = parseInszField(deps, input.insz);
  if (!deps.codes.has('purpose', input.purpose)) {
    throw new Problem('unknownCode', 'purpose: unknown purpose', [{ in: 'body', name: 'purpose', detail: 'not in code list purpose' }]);
  }
  const asOf = input.asOf ?? null;
  if (asOf !== null && (Number.isNaN(Date.parse(asOf)) || Date.parse(asOf) > Date.now())) {
    throw new Problem('badRequest', 'asOf: a past moment, as a date-time with offset', [{ in: 'body', name: 'asOf', detail: 'not a past date-time' }]);
  }
  const audit = { action: asOf ? 'exchange.consultAsOf' : 'exchange.consult', personId: null, insz };

  const { partnerKind, clusters, basis } = await authorisedFor(deps, organisationId, insz, input.purpose, audit);
  const auditCtx = { ...ctx, purpose: input.purpose };

  // The person under this INSZ now or, for a past state, in any earlier version (the statement then
  // tells whether KBI knew the person at that moment).
  const person = await deps.db.selectFrom('persons').select('id').where('insz', '=', insz).executeTakeFirst()
    ?? (asOf ? await deps.db.selectFrom('persons_history').select('id').where('insz', '=', insz).executeTakeFirst() : undefined);
  if (!person) {
    await recordAudit(deps.db, auditCtx, { ...audit, clusters: [], result: 'allowed', detail: { known: false, authorisations: basis.map((b) => b.id) } });
    return { known: false, purpose: input.purpose, asOf, clusters, authorisations: basis };
  }

  const resources = resourcesFor(clusters);
  const { name, text } = dossierStatement(resources, asOf !== null);
  const [row] = await deps.database.prepared(name, text, [
    person.id, asOf, ctx.actor.id, ctx.actor.kind, organisationId, input.purpose, audit.action, clusters, ctx.requestId,
    JSON.stringify({ authorisations: basis.map((b) => b.id), ...(asOf ? { asOf } : {}) }),
  ]);
  if (!row?.person) return { known: false, purpose: input.purpose, asOf, clusters, authorisations: basis }; // not yet known then (the read is audited)

  const dossier: Record<string, Record<string, unknown>[]> = {};
  const reference = asOf ? new Date(asOf) : new Date();
  for (const def of resources) {
    const hidden = Object.entries(COLUMN_CLUSTERS[def.table] ?? {}).filter(([, c]) => !clusters.includes(c)).map(([column]) => column);
    const rows = proportionate(def, row[def.resource] as Row[], row, partnerKind ?? '', reference);
    dossier[def.resource] = rows.map((r) => {
      for (const column of hidden) delete r[column];
      return present(def, normaliseTimestamps(r));
    });
  }
  const answer: ConsultAnswer = { known: true, purpose: input.purpose, asOf, clusters, authorisations: basis, dossier };
  if (clusters.includes('personalia')) answer.person = present(PERSON_RESOURCE, normaliseTimestamps(row.person));
  return answer;
}

const byDesc = (column: string) => (a: Row, b: Row) => (a[column] < b[column] ? 1 : a[column] > b[column] ? -1 : 0);

/** Seed 003 §61: no more of a cluster than its purpose needs. */
function proportionate(def: ResourceDef, rows: Row[], all: Row, partnerKind: string, reference: Date): Row[] {
  switch (def.table) {
    case 'contracts': {
      const latest = latestContract(all.contracts as Row[]);
      return latest ? rows.filter((r) => r.id === latest.id) : [];
    }
    case 'contract_addenda': case 'contract_parts': case 'contract_suspensions': {
      const latest = latestContract(all.contracts as Row[]);
      return rows.filter((r) => latest && r.contract_id === latest.id);
    }
    case 'registrations': {
      const yearAgo = new Date(reference); yearAgo.setFullYear(yearAgo.getFullYear() - 1);
      const since = yearAgo.toISOString().slice(0, 10);
      return [...rows].filter((r) => r.registered_on >= since).sort(byDesc('registered_on')).slice(0, 1);
    }
    case 'target_group_determinations':
      return [...rows].sort(byDesc('determined_on')).slice(0, 1);
    case 'conversations':
      return rows.filter((r) => (r.relevant_for as string[] | null)?.includes(partnerKind));
    default:
      return rows;
  }
}

/** The most recently signed mother or takeover contract. */
function latestContract(contracts: Row[]): Row | undefined {
  return [...(contracts ?? [])].filter((c) => c.kind === 'MOTHER' || c.kind === 'TAKEOVER').sort(byDesc('signed_on'))[0];
}
