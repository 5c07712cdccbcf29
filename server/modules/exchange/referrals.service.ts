/**
 * Referral (toeleiding, seed 003 §59): a partner — an OCMW first of all — tells an agency that it
 * referred a person who qualifies for a civic-integration trajectory. The agency accepts or
 * rejects it with a reason before a deadline; the outcome goes back to the referring partner as
 * an event of its pull feed, written in the transaction of the decision (outbox.ts). A referral
 * left without a decision past its deadline becomes EXPIRED, and that too is told to the partner:
 * every referral closes its loop.
 *
 * The deadline: ten working days after the day of the referral (Monday to Friday without the ten
 * Belgian legal holidays, platform/calendar.ts), the term the OCMW protocol also gives a newcomer to
 * register (SPEC.md "Rules"); rules/deadlines.policy.ts holds it as dated data. Expiry runs on read — before the agency's worklist, the partner's
 * search and the partner's event feed — so whoever looks sees it; and `kbi serve` sweeps every
 * KBI_REFERRAL_EXPIRY_MINUTES (`kbi referrals expire` on demand), so that the expiry and its event
 * exist soon after the deadline even when nobody reads (a webhook dispatcher reads the outbox only).
 */
import { sql } from 'kysely';
import type { Logger } from 'pino';
import { OPERATOR, type RequestContext } from '../../platform/access.ts';
import { inTransaction, type Executor, type Row } from '../../platform/db.ts';
import { Problem, type Issue } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { assertInTerritory, authorize, inTerritory } from '../access/access.service.ts';
import { authorisedFor } from './consult.service.ts';
import { DEFAULT_CONSULT_PURPOSE } from './appointments.service.ts';
import { belgianToday, exchangeOrganisation, parseInszField, personIdByInsz } from '../integrations/integrations.service.ts';
import { enqueueEvent } from '../../platform/outbox.ts';
import { deadline } from '../rules/deadlines.policy.ts';
import { repeat, type Repeating } from '../../platform/schedule.ts';
import { lockById } from '../../platform/shards.ts';
const EXPIRY_ACTOR = { ...OPERATOR, id: 'system:referral-expiry' };

export interface ReferralInput {
  insz: string;
  purpose?: string;
  toOrganisationId?: string;
  reason: string;
  description?: string | null;
}
export interface DecisionInput {
  decision: 'ACCEPTED' | 'REJECTED';
  reason?: string | null;
}

const dateOf = (v: unknown) => (v == null ? null : String(v).slice(0, 10));

/** What the referring partner sees of its referral. */
export const presentReferral = (r: Row) => ({
  id: r.id,
  toOrganisationId: r.to_id,
  reason: r.reason,
  description: r.description ?? null,
  referredOn: dateOf(r.referred_on),
  respondBy: dateOf(r.respond_by),
  status: r.status,
  decidedOn: dateOf(r.decided_on),
  decisionReason: r.decision_reason ?? null,
  version: r.version,
});

/** What the agency's worklist shows: the referral with the person and the referring partner. */
export const presentWorklistReferral = (r: Row) => ({
  ...presentReferral(r),
  personId: r.person_id,
  insz: r.insz,
  familyName: r.family_name,
  givenNames: r.given_names,
  fromOrganisationId: r.from_id,
  fromOrganisationName: r.from_name,
  ownerId: r.owner_id ?? null,
});

const fieldError = (name: string, detail: string, code: 'badRequest' | 'unknownCode' | 'referencedResourceNotFound' = 'badRequest') =>
  new Problem(code, `${name}: ${detail}`, [{ in: 'body', name, detail }]);

/**
 * The agency whose territory covers the person: the organisation of the office that manages the
 * person's dossier, or else the organisation leading it, when that is an agency.
 */
async function coveringAgency(db: Executor, personId: string): Promise<string | null> {
  const row = await db
    .selectFrom('dossiers as d')
    .leftJoin('offices as f', 'f.id', 'd.managing_office_id')
    .leftJoin('organisations as managing', 'managing.id', 'f.organisation_id')
    .leftJoin('organisations as lead', 'lead.id', 'd.case_lead_organisation_id')
    .select(['managing.id as managing_id', 'managing.kind as managing_kind', 'lead.id as lead_id', 'lead.kind as lead_kind'])
    .where('d.person_id', '=', personId)
    .executeTakeFirst();
  if (row?.managing_kind === 'AGENCY') return row.managing_id;
  if (row?.lead_kind === 'AGENCY') return row.lead_id;
  return null;
}

/**
 * Registers a referral from the partner to an agency, for a person KBI knows and the partner may
 * consult today for the purpose. `onCreated` runs in the same transaction (the idempotency record).
 */
export async function refer(deps: Deps, ctx: RequestContext, input: ReferralInput, onCreated?: (tx: Executor, row: Row) => Promise<void>): Promise<Row> {
  const organisationId = exchangeOrganisation(ctx, 'refers persons');
  const insz = parseInszField(deps, input.insz);
  const errors: Issue[] = [];
  if (!deps.codes.has('referral_reason', input.reason)) errors.push({ in: 'body', name: 'reason', detail: 'not in code list referral_reason' });
  if (input.purpose !== undefined && !deps.codes.has('purpose', input.purpose))
    errors.push({ in: 'body', name: 'purpose', detail: 'not in code list purpose' });
  if (errors.length) throw new Problem('unknownCode', errors.map((e) => `${e.name}: ${e.detail}`).join('; '), errors);
  const purpose = input.purpose ?? DEFAULT_CONSULT_PURPOSE;
  const personId = await personIdByInsz(deps.db, insz);
  const audit = { action: 'exchange.referral', personId, insz };
  await authorisedFor(deps, organisationId, insz, purpose, audit);
  if (!personId) throw new Problem('resourceNotFound', 'KBI does not know this person; a referral needs a person KBI knows').denied({ ...audit, clusters: [] });

  let toId = input.toOrganisationId ?? null;
  if (toId) {
    const to = await deps.db.selectFrom('organisations').select('kind').where('id', '=', toId).executeTakeFirst();
    if (to?.kind !== 'AGENCY') throw fieldError('toOrganisationId', 'not an integration agency', 'referencedResourceNotFound');
  } else {
    toId = await coveringAgency(deps.db, personId);
    if (!toId) throw fieldError('toOrganisationId', 'required: KBI cannot tell which agency covers this person (no managing office yet)');
  }
  const today = belgianToday();
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const row = await tx
      .insertInto('referrals')
      .values({
        person_id: personId,
        from_id: organisationId,
        to_id: toId,
        reason: input.reason,
        description: input.description ?? null,
        referred_on: today,
        respond_by: deadline('ocmwReferral', today)!.due,
        status: 'SENT',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(
      tx,
      { ...ctx, purpose },
      { action: 'exchange.referral', personId, clusters: ['referrals'], result: 'allowed', detail: { referralId: row.id, toOrganisationId: toId } },
    );
    await onCreated?.(tx, row);
    return row;
  });
}

/**
 * Marks every referral still SENT past its deadline EXPIRED and tells each referring partner, in
 * one transaction. Safe to run concurrently: a row is expired by one run only (the UPDATE's
 * condition is checked again on the locked row). Returns how many expired.
 */
export async function expireOverdueReferrals(deps: Deps, today = belgianToday()): Promise<number> {
  const overdue = await deps.db.selectFrom('referrals').select('id').where('status', '=', 'SENT').where('respond_by', '<', today).limit(1).executeTakeFirst();
  if (!overdue) return 0; // the usual case, without opening a transaction
  const ctx = { actor: EXPIRY_ACTOR, requestId: 'referral-expiry' };
  return inTransaction(deps.db, EXPIRY_ACTOR.id, async (tx) => {
    const rows = await tx
      .updateTable('referrals')
      .set({ status: 'EXPIRED', valid_from: sql`now()` })
      .where('status', '=', 'SENT')
      .where('respond_by', '<', today)
      .returningAll()
      .execute();
    for (const r of rows) {
      await enqueueEvent(tx, ctx, {
        organisationId: r.from_id,
        type: 'referral.expired',
        subjectId: r.id,
        personId: r.person_id,
        payload: { referralId: r.id, status: 'EXPIRED', respondBy: dateOf(r.respond_by) },
      });
      await recordAudit(tx, ctx, {
        action: 'referrals.expire',
        personId: r.person_id,
        clusters: ['referrals'],
        result: 'allowed',
        detail: { referralId: r.id },
      });
    }
    return rows.length;
  });
}

/**
 * Expires overdue referrals at once (a server that was down over a deadline catches up when it
 * starts), then every `everyMs`. A failed run is logged by its kind, never a row, and the next one
 * tries again; the runs of one process never overlap. `stop()` waits for a run in progress, so
 * that the database can be closed after it.
 */
export function startReferralExpiry(deps: Deps, everyMs: number, log: Pick<Logger, 'info' | 'error'>): Repeating {
  return repeat(everyMs, async () => {
    try {
      const expired = await expireOverdueReferrals(deps);
      if (expired) log.info({ expired }, 'referrals_expired');
    } catch (err) {
      log.error(
        {
          error: err instanceof Error ? err.name : typeof err,
          code: (err as { code?: unknown }).code,
          message: err instanceof Error ? err.message : undefined,
        },
        'referral_expiry_failed',
      );
    }
  });
}

/** The partner's own referrals (of one person, or all), newest first, with their status and outcome. */
export async function partnerReferrals(deps: Deps, ctx: RequestContext, input: { insz?: string }): Promise<Row[]> {
  const organisationId = exchangeOrganisation(ctx, 'lists its referrals');
  const insz = input.insz === undefined ? null : parseInszField(deps, input.insz);
  await expireOverdueReferrals(deps);
  let q = deps.db
    .selectFrom('referrals as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .selectAll('r')
    .select('p.insz')
    .where('r.from_id', '=', organisationId);
  if (insz) q = q.where('p.insz', '=', insz);
  const rows = await q.orderBy('r.referred_on', 'desc').orderBy('r.id').limit(500).execute();
  const personId = insz ? await personIdByInsz(deps.db, insz) : null;
  await recordAudit(deps.db, ctx, {
    action: 'exchange.referrals',
    personId,
    clusters: ['referrals'],
    result: 'allowed',
    ...(insz && !personId ? { insz } : {}),
    detail: { found: rows.map((r) => r.id) },
  });
  return rows;
}

/**
 * The agency's incoming referrals: those addressed to the user's organisation, for persons inside
 * the user's territory, the closest deadline first. Only roles that may change referrals see them.
 */
export async function referralWorklist(deps: Deps, ctx: RequestContext, input: { status?: string }): Promise<Row[]> {
  authorize(ctx, 'update', 'referrals');
  if (input.status !== undefined && !deps.codes.has('referral_status', input.status)) {
    throw new Problem('unknownCode', 'status: not in code list referral_status', [{ in: 'query', name: 'status', detail: 'not in code list referral_status' }]);
  }
  await expireOverdueReferrals(deps);
  let q = deps.db
    .selectFrom('referrals as r')
    .innerJoin('persons as p', 'p.id', 'r.person_id')
    .innerJoin('organisations as o', 'o.id', 'r.from_id')
    .selectAll('r')
    .select(['p.insz', 'p.family_name', 'p.given_names', 'o.name as from_name'])
    .where('r.to_id', '=', ctx.actor.organisationId)
    .where(inTerritory(ctx.actor));
  if (input.status) q = q.where('r.status', '=', input.status);
  const rows = await q.orderBy('r.respond_by').orderBy('r.referred_on').orderBy('r.id').limit(500).execute();
  await recordAudit(deps.db, ctx, {
    action: 'referrals.worklist',
    personId: null,
    clusters: ['personalia', 'referrals'],
    result: 'allowed',
    detail: { status: input.status ?? null, found: rows.map((r) => r.id) },
  });
  return rows;
}

/** Checks a decision's reason against code list referral_decision_reason; a rejection needs one. */
function checkDecision(deps: Deps, input: DecisionInput): void {
  const reason = input.reason ?? null;
  if (reason === null || reason === '') {
    if (input.decision === 'REJECTED') throw fieldError('reason', 'a rejection needs a reason (code list referral_decision_reason)');
    return;
  }
  const entry = deps.codes.get('referral_decision_reason', reason);
  if (!entry) throw fieldError('reason', 'not in code list referral_decision_reason', 'unknownCode');
  if (entry.attributes.decision !== input.decision)
    throw fieldError('reason', `not a reason for ${input.decision === 'ACCEPTED' ? 'an acceptance' : 'a rejection'}`);
}

/**
 * The agency accepts or rejects a referral (also one past its deadline: late is better than never;
 * only a decided referral cannot be decided again). The decision and the partner's event commit
 * together.
 */
export async function decideReferral(deps: Deps, ctx: RequestContext, id: string, expectedVersion: number, input: DecisionInput): Promise<Row> {
  authorize(ctx, 'update', 'referrals');
  checkDecision(deps, input);
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const current = await lockById(tx, 'referrals', id, { to_id: ctx.actor.organisationId });
    if (!current) throw new Problem('resourceNotFound', 'referral not found');
    await assertInTerritory(tx, ctx, current.person_id, 'referrals.decide');
    if (current.version !== expectedVersion) {
      throw new Problem('preconditionFailed', 'this referral was changed by someone else; reload it', undefined, { currentVersion: current.version });
    }
    if (current.status === 'ACCEPTED' || current.status === 'REJECTED') {
      throw new Problem('conflict', `this referral was already ${current.status === 'ACCEPTED' ? 'accepted' : 'rejected'} on ${dateOf(current.decided_on)}`);
    }
    const today = belgianToday();
    const row = await tx
      .updateTable('referrals')
      .set({ status: input.decision, decided_on: today, decision_reason: input.reason || null, valid_from: sql`now()` })
      .where('id', '=', id)
      .where('person_id', '=', current.person_id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await enqueueEvent(tx, ctx, {
      organisationId: row.from_id,
      type: 'referral.decided',
      subjectId: row.id,
      personId: row.person_id,
      payload: { referralId: row.id, status: row.status, decidedOn: today, decisionReason: row.decision_reason ?? null },
    });
    await recordAudit(tx, ctx, {
      action: 'referrals.decide',
      personId: row.person_id,
      clusters: ['referrals'],
      result: 'allowed',
      detail: { referralId: row.id, decision: input.decision },
    });
    return row;
  });
}
