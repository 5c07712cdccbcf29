/**
 * Infringement proposals on the caseworker's worklist (issue 13): what the rules found, for persons
 * in the caller's territory, the oldest first, each with the day it was found, the day it should be
 * handled by (deadline `proposalHandling`) and whether that passed. A caseworker accepts one — KBI
 * opens the infringement case and records the infringement with the facts' type, in the same
 * transaction — or dismisses it with a reason. Every list and decision is audited; the proposal
 * keeps its history like every dossier record.
 */
import type { RequestContext } from '../../platform/access.ts';
import { inTransaction, type Row } from '../../platform/db.ts';
import type { Deps } from '../../platform/deps.ts';
import { Problem } from '../../platform/errors.ts';
import { authorize } from '../access/access.service.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import { closeItem, decisionReason, lockItem, summariseItems, type ListSummary, listItems } from './work-items.ts';

export interface ProposalDecision {
  decision: 'ACCEPT' | 'DISMISS';
  reason?: string | null;
}

/** The open proposals (or those of `status`) in the caller's territory, the oldest first, with their handling deadline. */
export async function proposalWorklist(deps: Deps, ctx: RequestContext, input: { status?: string }): Promise<Row[]> {
  authorize(ctx, 'update', 'infringements');
  return listItems(deps.db, ctx, 'infringement_proposals', input, {
    statuses: ['OPEN', 'ACCEPTED', 'DISMISSED'],
    deadline: 'proposalHandling',
    action: 'infringementProposals.worklist',
    clusters: ['personalia', 'infringements'],
  });
}

/**
 * Accepts a proposal into a new infringement case (opened today at the person's managing office,
 * with the infringement of the proposal's type, established today) or dismisses it with a reason.
 * A proposal decided already, or changed since the caller read it, is refused; nothing changes then.
 */
export async function decideProposal(deps: Deps, ctx: RequestContext, id: string, expectedVersion: number, input: ProposalDecision): Promise<Row> {
  authorize(ctx, 'update', 'infringements');
  const reason = decisionReason(input.reason, input.decision === 'DISMISS' ? 'a dismissal needs a reason' : null);
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const current = await lockItem(tx, ctx, 'infringement_proposals', id, expectedVersion, 'infringementProposals.decide', 'proposal');
    if (current.status !== 'OPEN') throw new Problem('conflict', `this proposal was already ${current.status === 'ACCEPTED' ? 'accepted' : 'dismissed'}`);
    const today = belgianToday();
    let caseId: string | null = null;
    if (input.decision === 'ACCEPT') {
      const office = await tx.selectFrom('dossiers').select('managing_office_id').where('person_id', '=', current.person_id).executeTakeFirst();
      const opened = await tx
        .insertInto('infringement_cases')
        .values({ person_id: current.person_id, agency_office_id: office?.managing_office_id ?? null, opened_on: today, status: 'OPEN' })
        .returning('id')
        .executeTakeFirstOrThrow();
      caseId = opened.id;
      await tx
        .insertInto('infringements')
        .values({
          person_id: current.person_id,
          case_id: caseId,
          type: current.type,
          sanctioning_authority: 'HH',
          established_on: today,
          motivation: reason ?? `Voorgesteld door de regel ${current.rule_id} op ${String(current.detected_on).slice(0, 10)}.`,
        })
        .execute();
    }
    const row = await closeItem(
      tx,
      ctx,
      'infringement_proposals',
      id,
      { status: input.decision === 'ACCEPT' ? 'ACCEPTED' : 'DISMISSED', reason, made: { case_id: caseId } },
      { action: 'infringementProposals.decide', clusters: ['infringements'], decision: input.decision },
    );
    return row;
  });
}

/** Open proposals in the caller's territory: how many, the oldest day found, and how many are past their handling day. Counts only. */
export async function proposalSummary(deps: Deps, ctx: RequestContext): Promise<ListSummary> {
  authorize(ctx, 'update', 'infringements');
  return summariseItems(deps.db, ctx.actor, 'infringement_proposals', 'detected_on', ['OPEN'], 'proposalHandling');
}
