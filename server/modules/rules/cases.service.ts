/**
 * Infringement cases from opening to decision (issue 13): the cases awaiting a decision in the
 * caller's territory, each with its infringements, the fine the schedule proposes and whether the
 * person lives on a living wage; the decision (fine with its amount, no fine, no further action) with
 * its date and deciding organisation; and, for a person on a living wage, the hand-over to the OCMW
 * that pays it: no administrative fine is possible then (seed 003 §15, §38).
 *
 * KBI knows of a living wage from an OCMW's integration of the person under capacity code 1
 * (leefloon) or 2 (its equivalent), or from a caseworker's dated record (living_wage_records).
 * Every step is audited, and the case, its decision and its infringements keep their history.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { inTransaction, type Executor, type Row } from '../../platform/db.ts';
import type { Deps } from '../../platform/deps.ts';
import { Problem } from '../../platform/errors.ts';
import { enqueueEvent } from '../../platform/outbox.ts';
import { authorize, inTerritory } from '../access/access.service.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import { deadline } from './deadlines.policy.ts';
import { fineProblem, proposedFine } from './fines.policy.ts';
import { decisionReason, lockItem, summariseItems, type ListSummary } from './work-items.ts';

/** The OCMW capacity codes that mean a living wage (code list capacity_code_ocmw). */
export const LIVING_WAGE_CAPACITY_CODES = ['1', '2'];

export interface LivingWage {
  /** Where KBI knows it from: the OCMW's integration register, or a caseworker's record. */
  source: 'INTEGRATION' | 'RECORD';
  organisationId: string;
  organisationName: string;
  startsOn: string;
  endsOn: string | null;
  capacityCode: string | null;
}

/** Per person, the living wage that runs on `day` (the most recently started one), if any. */
export async function livingWagesOn(db: Executor, personIds: readonly string[], day: string): Promise<Map<string, LivingWage>> {
  if (personIds.length === 0) return new Map();
  const { rows } = await sql<{
    person_id: string;
    source: 'INTEGRATION' | 'RECORD';
    organisation_id: string;
    name: string;
    starts_on: string;
    ends_on: string | null;
    capacity_code: string | null;
  }>`
    SELECT p.id AS person_id, 'INTEGRATION' AS source, i.organisation_id, o.name, i.starts_on::text, i.ends_on::text, i.capacity_code
      FROM persons p
      JOIN integrations i ON i.insz = p.insz
      JOIN organisations o ON o.id = i.organisation_id AND o.kind = 'OCMW'
     WHERE p.id = ANY(${[...personIds]}::uuid[]) AND i.capacity_code = ANY(${LIVING_WAGE_CAPACITY_CODES}::text[])
       AND i.starts_on <= ${day}::date AND (i.ends_on IS NULL OR i.ends_on >= ${day}::date)
    UNION ALL
    SELECT r.person_id, 'RECORD', r.organisation_id, o.name, r.starts_on::text, r.ends_on::text, NULL
      FROM living_wage_records r JOIN organisations o ON o.id = r.organisation_id
     WHERE r.person_id = ANY(${[...personIds]}::uuid[])
       AND r.starts_on <= ${day}::date AND (r.ends_on IS NULL OR r.ends_on >= ${day}::date)
     ORDER BY 1, 5 DESC, 2`.execute(db);
  const out = new Map<string, LivingWage>();
  for (const r of rows)
    if (!out.has(r.person_id))
      out.set(r.person_id, {
        source: r.source,
        organisationId: r.organisation_id,
        organisationName: r.name,
        startsOn: r.starts_on,
        endsOn: r.ends_on,
        capacityCode: r.capacity_code,
      });
  return out;
}

const fieldError = (name: string, detail: string) => new Problem('badRequest', `${name}: ${detail}`, [{ in: 'body', name, detail }]);
const day = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** The statuses of a case that still waits for a decision (code list infringement_case_status). */
export const AWAITING = ['OPEN', 'SENT'];

export interface CaseItem {
  id: string;
  version: number;
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  status: string;
  openedOn: string;
  dueOn: string | null;
  overdue: boolean;
  agencyOfficeId: string | null;
  ocmwId: string | null;
  ownerId: string | null;
  infringements: { id: string; type: string; establishedOn: string }[];
  earlierFines: number;
  proposedFine: { amount: number; minimum: number; maximum: number; source: string } | null;
  livingWage: LivingWage | null;
  /** Who decides unless the caseworker names another: the trajectory's sanctioning partner, else the one enforcement agency (ABB). */
  defaultDeciderId: string | null;
  decision: { decision: string; decidedOn: string; fineAmount: number | null; decidingOrganisationId: string | null; reason: string | null } | null;
}

/**
 * Per person, who decides by default: the sanctioning partner of the person's latest trajectory that
 * names one, else the enforcement agency (the one organisation of kind ABB), if there is exactly one.
 */
async function defaultDeciders(db: Executor, personIds: readonly string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const [partners, abb] = await Promise.all([
    db
      .selectFrom('trajectories')
      .select(['person_id', 'sanctioning_partner_id'])
      .where('person_id', 'in', [...personIds])
      .where('sanctioning_partner_id', 'is not', null)
      .orderBy('start_date', 'desc')
      .execute(),
    db.selectFrom('organisations').select('id').where('kind', '=', 'ABB').limit(2).execute(),
  ]);
  const out = new Map<string, string>();
  for (const p of partners) if (!out.has(p.person_id)) out.set(p.person_id, p.sanctioning_partner_id!);
  if (abb.length === 1) for (const id of personIds) if (!out.has(id)) out.set(id, abb[0]!.id);
  return out;
}

async function presentCases(db: Executor, rows: Row[], today: string): Promise<CaseItem[]> {
  const ids = rows.map((r) => r.id as string);
  const personIds = [...new Set(rows.map((r) => r.person_id as string))];
  const [infringements, fines, decisions, wages, deciders] = await Promise.all([
    ids.length
      ? db.selectFrom('infringements').select(['id', 'case_id', 'type', 'established_on']).where('case_id', 'in', ids).orderBy('established_on').execute()
      : [],
    personIds.length
      ? db.selectFrom('infringement_decisions').select(['person_id', 'case_id']).where('person_id', 'in', personIds).where('decision', '=', 'BOETE').execute()
      : [],
    ids.length ? db.selectFrom('infringement_decisions').selectAll().where('case_id', 'in', ids).orderBy('decided_on', 'desc').execute() : [],
    livingWagesOn(db, personIds, today),
    defaultDeciders(db, personIds),
  ]);
  return rows.map((r) => {
    const opened = day(r.opened_on)!;
    const due = deadline('caseDecision', opened)?.due ?? null;
    const earlierFines = fines.filter((f) => f.person_id === r.person_id && f.case_id !== r.id).length;
    const proposal = proposedFine(today, earlierFines);
    const decision = decisions.find((d) => d.case_id === r.id);
    return {
      id: r.id,
      version: r.version,
      personId: r.person_id,
      insz: r.insz,
      familyName: r.family_name,
      givenNames: r.given_names,
      status: r.status,
      openedOn: opened,
      dueOn: due,
      overdue: AWAITING.includes(r.status) && due !== null && today > due,
      agencyOfficeId: r.agency_office_id ?? null,
      ocmwId: r.ocmw_id ?? null,
      ownerId: r.owner_id ?? null,
      infringements: infringements
        .filter((i) => i.case_id === r.id)
        .map((i) => ({ id: i.id as string, type: i.type as string, establishedOn: day(i.established_on)! })),
      earlierFines,
      proposedFine: proposal
        ? { amount: proposal.amount, minimum: proposal.schedule.minimum, maximum: proposal.schedule.maximum, source: proposal.schedule.source }
        : null,
      livingWage: wages.get(r.person_id) ?? null,
      defaultDeciderId: deciders.get(r.person_id) ?? null,
      decision: decision
        ? {
            decision: decision.decision,
            decidedOn: day(decision.decided_on)!,
            fineAmount: decision.fine_amount == null ? null : Number(decision.fine_amount),
            decidingOrganisationId: decision.deciding_organisation_id ?? null,
            reason: decision.reason ?? null,
          }
        : null,
    };
  });
}

const CASE_VIEWS = { AWAITING, DECIDED: ['DECIDED', 'CLOSED'], OCMW: ['OCMW'] } as const;
export type CaseView = keyof typeof CASE_VIEWS;

/** The cases in the caller's territory in one view (default: awaiting a decision), the oldest first. Audited. */
export async function caseWorklist(deps: Deps, ctx: RequestContext, input: { view?: string }): Promise<CaseItem[]> {
  authorize(ctx, 'update', 'infringements');
  const view = (input.view ?? 'AWAITING') as CaseView;
  if (!(view in CASE_VIEWS))
    throw new Problem('badRequest', 'view: one of AWAITING, DECIDED, OCMW', [{ in: 'query', name: 'view', detail: 'one of AWAITING, DECIDED, OCMW' }]);
  const rows = await deps.db
    .selectFrom('infringement_cases as c')
    .innerJoin('persons as p', 'p.id', 'c.person_id')
    .selectAll('c')
    .select(['p.insz', 'p.family_name', 'p.given_names'])
    .where('c.status', 'in', [...CASE_VIEWS[view]])
    .where(inTerritory(ctx.actor, sql.ref('c.person_id')))
    .orderBy('c.opened_on')
    .orderBy('c.id')
    .limit(500)
    .execute();
  await recordAudit(deps.db, ctx, {
    action: 'infringementCases.worklist',
    personId: null,
    clusters: ['personalia', 'infringements'],
    result: 'allowed',
    detail: { view, found: rows.map((r) => r.id) },
  });
  return presentCases(deps.db, rows, belgianToday());
}

/** Cases awaiting a decision in the caller's territory: how many, the oldest, how many past their day. Counts only. */
export const caseSummary = (deps: Deps, ctx: RequestContext): Promise<ListSummary> =>
  summariseItems(deps.db, ctx.actor, 'infringement_cases', 'opened_on', AWAITING, 'caseDecision');

export interface CaseDecisionInput {
  decision: 'BOETE' | 'GEEN_BOETE' | 'GEEN_GEVOLG';
  fineAmount?: number | null;
  decidedOn?: string | null;
  reason?: string | null;
  decidingOrganisationId?: string | null;
}

async function lockCase(tx: Executor, ctx: RequestContext, id: string, expectedVersion: number, action: string): Promise<Row> {
  const current = await lockItem(tx, ctx, 'infringement_cases', id, expectedVersion, action, 'case');
  if (!AWAITING.includes(current.status))
    throw new Problem('conflict', current.status === 'OCMW' ? 'this case was handed to the OCMW already' : 'this case was decided already');
  return current;
}

/**
 * Records the decision on a case awaiting one: a fine (its amount within the schedule's range), no
 * fine, or no further action; on a day between the opening and today; by the organisation that took
 * it (by default the sanctioning partner of the person's trajectory, else the enforcement agency). A fine for a person on a
 * living wage on that day is refused: the case goes to the OCMW instead. The case is DECIDED after.
 */
export async function decideCase(deps: Deps, ctx: RequestContext, id: string, expectedVersion: number, input: CaseDecisionInput): Promise<CaseItem> {
  authorize(ctx, 'update', 'infringements');
  const today = belgianToday();
  const decidedOn = input.decidedOn ?? today;
  if (decidedOn > today) throw fieldError('decidedOn', 'a decision is not taken in the future');
  const reason = decisionReason(input.reason, null, 2000);
  if (input.decision === 'BOETE') {
    if (input.fineAmount == null) throw fieldError('fineAmount', 'a fine needs its amount');
    const problem = fineProblem(decidedOn, input.fineAmount);
    if (problem) throw fieldError('fineAmount', problem);
  } else if (input.fineAmount != null) throw fieldError('fineAmount', 'only a fine decision has an amount');
  if (input.decision !== 'BOETE' && !reason) throw fieldError('reason', 'say why no fine is imposed');

  await inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const current = await lockCase(tx, ctx, id, expectedVersion, 'infringementCases.decide');
    if (decidedOn < day(current.opened_on)!) throw fieldError('decidedOn', `not before the case was opened (${day(current.opened_on)})`);
    if (input.decision === 'BOETE') {
      const wage = (await livingWagesOn(tx, [current.person_id], decidedOn)).get(current.person_id);
      if (wage)
        throw fieldError(
          'decision',
          `the person lives on a living wage paid by ${wage.organisationName} (since ${wage.startsOn}): no administrative fine; hand the case to that OCMW`,
        );
    }
    const decider = input.decidingOrganisationId ?? (await defaultDeciders(tx, [current.person_id])).get(current.person_id) ?? null;
    if (!decider) throw fieldError('decidingOrganisationId', 'name the organisation that decided (no sanctioning partner, and not one enforcement agency)');
    const org = await tx.selectFrom('organisations').select(['id', 'kind']).where('id', '=', decider).executeTakeFirst();
    if (!org) throw fieldError('decidingOrganisationId', 'no such organisation');
    if (!['ABB', 'OCMW', 'AGENCY'].includes(org.kind))
      throw fieldError('decidingOrganisationId', 'an organisation that decides on infringements (ABB, an agency or an OCMW)');

    const decision = await tx
      .insertInto('infringement_decisions')
      .values({
        person_id: current.person_id,
        case_id: id,
        decision: input.decision,
        decided_on: decidedOn,
        fine_amount: input.decision === 'BOETE' ? String(input.fineAmount) : null,
        reason,
        deciding_organisation_id: decider,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .updateTable('infringement_cases')
      .set({ status: 'DECIDED', valid_from: sql`now()` })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      action: 'infringementCases.decide',
      personId: current.person_id,
      clusters: ['infringements'],
      result: 'allowed',
      detail: { caseId: id, decisionId: decision.id, decision: input.decision },
    });
  });
  return caseById(deps, id);
}

/**
 * Hands a case awaiting a decision to the OCMW that pays the person's living wage today: the case
 * gets the status OCMW and names it, its infringements name the OCMW as sanctioning authority, and
 * the OCMW is told through the outbox (ids and codes only). Refused when no living wage runs today.
 */
export async function handCaseToOcmw(deps: Deps, ctx: RequestContext, id: string, expectedVersion: number): Promise<CaseItem> {
  authorize(ctx, 'update', 'infringements');
  const today = belgianToday();
  await inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const current = await lockCase(tx, ctx, id, expectedVersion, 'infringementCases.handToOcmw');
    const wage = (await livingWagesOn(tx, [current.person_id], today)).get(current.person_id);
    if (!wage) throw new Problem('conflict', 'KBI knows of no living wage for this person today: the case stays with the enforcement officer');
    await tx
      .updateTable('infringement_cases')
      .set({ status: 'OCMW', ocmw_id: wage.organisationId, valid_from: sql`now()` })
      .where('id', '=', id)
      .execute();
    await tx
      .updateTable('infringements')
      .set({ sanctioning_authority: 'OCMW', valid_from: sql`now()` })
      .where('case_id', '=', id)
      .execute();
    await enqueueEvent(tx, ctx, {
      organisationId: wage.organisationId,
      type: 'infringement.transferred',
      subjectId: id,
      personId: current.person_id,
      payload: { caseId: id, handedOn: today, livingWageSource: wage.source },
    });
    await recordAudit(tx, ctx, {
      action: 'infringementCases.handToOcmw',
      personId: current.person_id,
      clusters: ['infringements'],
      result: 'allowed',
      detail: { caseId: id, ocmwId: wage.organisationId, source: wage.source },
    });
  });
  return caseById(deps, id);
}

async function caseById(deps: Deps, id: string): Promise<CaseItem> {
  const row = await deps.db
    .selectFrom('infringement_cases as c')
    .innerJoin('persons as p', 'p.id', 'c.person_id')
    .selectAll('c')
    .select(['p.insz', 'p.family_name', 'p.given_names'])
    .where('c.id', '=', id)
    .executeTakeFirstOrThrow();
  return (await presentCases(deps.db, [row], belgianToday()))[0]!;
}
