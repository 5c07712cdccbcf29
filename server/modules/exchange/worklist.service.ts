/**
 * The worklists at a glance, for the start page of caseworkers and team leads: per list how many
 * items wait in the caller's territory, the oldest, and how many are past their deadline. Counts
 * and days only, no person: lists the caller's role may not handle are left out.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import type { Deps } from '../../platform/deps.ts';
import { inTerritory, isAllowed } from '../access/access.service.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import { proposalSummary } from '../rules/proposals.service.ts';
import { caseSummary } from '../rules/cases.service.ts';
import { certificateSummary } from '../rules/certificates.service.ts';
import { attendanceFollowUp, registrationFollowUp } from '../rules/followup.service.ts';

export interface ListSummary {
  list: 'referrals' | 'appointments' | 'proposals' | 'cases' | 'certificates' | 'registrations' | 'attendance';
  count: number;
  oldest: string | null;
  overdue: number;
}

export async function worklistSummary(deps: Deps, ctx: RequestContext): Promise<ListSummary[]> {
  const out: ListSummary[] = [];
  const today = belgianToday();
  if (isAllowed(ctx, 'update', 'referrals')) {
    const r = await deps.db
      .selectFrom('referrals as r')
      .select([
        sql<number>`count(*)::int`.as('count'),
        sql<string | null>`min(r.referred_on)::text`.as('oldest'),
        sql<number>`(count(*) FILTER (WHERE r.respond_by < ${today}::date))::int`.as('overdue'),
      ])
      .where('r.to_id', '=', ctx.actor.organisationId)
      .where('r.status', 'in', ['SENT', 'EXPIRED'])
      .where(inTerritory(ctx.actor, sql.ref('r.person_id')))
      .executeTakeFirstOrThrow();
    out.push({ list: 'referrals', ...r });
  }
  if (isAllowed(ctx, 'update', 'appointments')) {
    const a = await deps.db
      .selectFrom('appointments as a')
      .select([
        sql<number>`count(*)::int`.as('count'),
        sql<string | null>`min((a.sys_from AT TIME ZONE 'Europe/Brussels')::date)::text`.as('oldest'),
        // A requested appointment not planned by the wished day, or a planned one whose moment passed without being marked held.
        sql<number>`(count(*) FILTER (WHERE (a.status = 'REGISTERED' AND a.wished_date < ${today}::date) OR (a.status = 'PLANNED' AND a.planned_at < now())))::int`.as(
          'overdue',
        ),
      ])
      .where('a.status', 'in', ['REGISTERED', 'PLANNED'])
      .where(inTerritory(ctx.actor, sql.ref('a.person_id')))
      .executeTakeFirstOrThrow();
    out.push({ list: 'appointments', ...a });
  }
  if (isAllowed(ctx, 'update', 'infringements')) {
    out.push({ list: 'proposals', ...(await proposalSummary(deps, ctx)) });
    out.push({ list: 'cases', ...(await caseSummary(deps, ctx)) });
  }
  if (isAllowed(ctx, 'create', 'certificates')) out.push({ list: 'certificates', ...(await certificateSummary(deps, ctx)) });
  // The follow-up lists are computed when asked; here only counted (no person leaves this function).
  if (isAllowed(ctx, 'update', 'registration')) {
    const items = await registrationFollowUp(deps, ctx, { audit: false });
    out.push({ list: 'registrations', count: items.length, oldest: items[0]?.dueOn ?? null, overdue: items.filter((i) => i.overdue).length });
  }
  if (isAllowed(ctx, 'read', 'components') && isAllowed(ctx, 'read', 'courses')) {
    const items = await attendanceFollowUp(deps, ctx, { audit: false });
    // Nothing is late here: the course still runs (the rules propose the infringement when it ends).
    out.push({
      list: 'attendance',
      count: items.length,
      oldest: items.reduce<string | null>((o, i) => (o === null || i.startDate < o ? i.startDate : o), null),
      overdue: 0,
    });
  }
  return out;
}
