/**
 * The follow-up lists (issue 13): what needs a caseworker before it becomes an infringement.
 * - Registrations: obliged newcomers invited by letter whose registration term runs out within two
 *   weeks or ran out in the past year, without a registration since the invitation and without a
 *   running suspension: call them before the term ends; after it, the rules propose the infringement.
 * - Attendance: running trajectory components whose attendance is below the threshold of the rule
 *   in force today: talk to the person while the course still runs.
 * Both are computed when asked, for the caller's territory only, from the same deadlines and
 * attendance rule the re-evaluation uses. Reads are audited like every list of persons.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addDays } from '../../platform/calendar.ts';
import type { Deps } from '../../platform/deps.ts';
import { authorize, inTerritory } from '../access/access.service.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import { ATTENDANCE_RULES, partStatus, ruleOn } from './attendance.policy.ts';
import { deadline } from './deadlines.policy.ts';
import { componentMinutes, REGISTRATION_LOOKBACK_DAYS } from './evaluation.service.ts';

/** How far ahead a registration term that is still running shows on the list. */
export const REGISTRATION_WARNING_DAYS = 14;

interface PersonPart {
  personId: string;
  insz: string;
  familyName: string;
  givenNames: string;
  /** The dossier's contact person (staff), who follows the person up. */
  contactName: string | null;
}

export interface RegistrationItem extends PersonPart {
  invitationId: string;
  sentOn: string;
  registeredLetter: boolean;
  dueOn: string;
  overdue: boolean;
  /** Whether the rules already proposed the infringement for this invitation. */
  proposed: boolean;
}

export interface AttendanceItem extends PersonPart {
  componentId: string;
  componentType: string;
  startDate: string;
  endDate: string | null;
  presentPercent: number | null;
  lessons: number;
  status: 'BELOW_REGULAR' | 'EARLY_TERMINATION';
  rule: { id: string; regularPercent: number };
}

async function audited<T extends { personId: string }>(deps: Deps, ctx: RequestContext, action: string, clusters: string[], items: T[]): Promise<T[]> {
  await recordAudit(deps.db, ctx, { action, personId: null, clusters, result: 'allowed', detail: { found: items.map((i) => i.personId) } });
  return items;
}

/** Invitations whose registration term runs out soon or ran out, without a registration: the oldest term first. */
export async function registrationFollowUp(deps: Deps, ctx: RequestContext, options: { audit?: boolean } = {}): Promise<RegistrationItem[]> {
  authorize(ctx, 'update', 'registration');
  const today = belgianToday();
  const { rows } = await sql<{
    invitation_id: string;
    person_id: string;
    sent_on: string;
    registered_letter: boolean | null;
    insz: string;
    family_name: string;
    given_names: string;
    contact_name: string | null;
    proposed: boolean;
  }>`
    SELECT i.id::text AS invitation_id, i.person_id::text, i.sent_on::text, i.registered_letter, p.insz, p.family_name, p.given_names, st.given_name || ' ' || st.family_name AS contact_name,
           EXISTS (SELECT 1 FROM infringement_proposals ip WHERE ip.person_id = i.person_id AND ip.facts_key = 'invitation:' || i.id::text) AS proposed
      FROM invitations i
      JOIN persons p ON p.id = i.person_id
      LEFT JOIN dossiers d ON d.person_id = i.person_id
      LEFT JOIN staff st ON st.id = d.contact_staff_id
     WHERE i.sent_on BETWEEN ${addDays(today, -REGISTRATION_LOOKBACK_DAYS - 130)}::date AND ${today}::date
       AND ${inTerritory(ctx.actor, sql.ref('i.person_id'))}
       AND (SELECT tg.type FROM target_group_determinations tg WHERE tg.person_id = i.person_id AND tg.determined_on <= ${today}::date AND tg.type IS NOT NULL
             ORDER BY tg.determined_on DESC, tg.id DESC LIMIT 1) = 'PLICHT'
       AND NOT EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = i.person_id AND r.registered_on >= i.sent_on)
       AND NOT EXISTS (SELECT 1 FROM contract_suspensions s WHERE s.person_id = i.person_id AND s.start_date <= ${today}::date AND (s.end_date IS NULL OR s.end_date >= ${today}::date))
     ORDER BY i.sent_on, i.id
     LIMIT 2000`.execute(deps.db);
  const items: RegistrationItem[] = [];
  for (const r of rows) {
    const d = deadline('registration', r.sent_on, { registered: r.registered_letter !== false });
    if (!d || d.due > addDays(today, REGISTRATION_WARNING_DAYS) || d.due < addDays(today, -REGISTRATION_LOOKBACK_DAYS)) continue;
    items.push({
      personId: r.person_id,
      insz: r.insz,
      familyName: r.family_name,
      givenNames: r.given_names,
      contactName: r.contact_name,
      invitationId: r.invitation_id,
      sentOn: r.sent_on,
      registeredLetter: r.registered_letter !== false,
      dueOn: d.due,
      overdue: today > d.due,
      proposed: r.proposed,
    });
  }
  items.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.invitationId.localeCompare(b.invitationId));
  return options.audit === false ? items : audited(deps, ctx, 'followUp.registrations', ['personalia', 'invitations', 'registration'], items);
}

/** Running components below the attendance threshold today, the lowest share present first. */
export async function attendanceFollowUp(deps: Deps, ctx: RequestContext, options: { audit?: boolean } = {}): Promise<AttendanceItem[]> {
  authorize(ctx, 'read', 'components');
  authorize(ctx, 'read', 'courses');
  const today = belgianToday();
  const rule = ruleOn(ATTENDANCE_RULES, today);
  const { rows } = await sql<{
    person_id: string;
    component_id: string;
    type: string;
    present: number;
    absent: number;
    lessons: number;
    start_date: string;
    end_date: string | null;
    insz: string;
    family_name: string;
    given_names: string;
    contact_name: string | null;
  }>`
    WITH x AS (${componentMinutes(today, sql`AND ${inTerritory(ctx.actor, sql.ref('tc.person_id'))} AND (tc.end_date IS NULL OR tc.end_date >= ${today}::date)`)})
    SELECT x.person_id::text, x.component_id::text, x.type, x.present, x.absent, x.lessons, tc.start_date::text, tc.end_date::text,
           p.insz, p.family_name, p.given_names, st.given_name || ' ' || st.family_name AS contact_name
      FROM x
      JOIN trajectory_components tc ON tc.id = x.component_id
      JOIN persons p ON p.id = x.person_id
      LEFT JOIN dossiers d ON d.person_id = x.person_id
      LEFT JOIN staff st ON st.id = d.contact_staff_id
     WHERE x.absent > 0
     LIMIT 5000`.execute(deps.db);
  const items: AttendanceItem[] = [];
  for (const r of rows) {
    const status = partStatus(r.present, r.absent, rule);
    if (status !== 'BELOW_REGULAR' && status !== 'EARLY_TERMINATION') continue;
    items.push({
      personId: r.person_id,
      insz: r.insz,
      familyName: r.family_name,
      givenNames: r.given_names,
      contactName: r.contact_name,
      componentId: r.component_id,
      componentType: r.type,
      startDate: r.start_date,
      endDate: r.end_date,
      presentPercent: r.present + r.absent ? Math.floor((r.present * 1000) / (r.present + r.absent)) / 10 : null,
      lessons: r.lessons,
      status,
      rule: { id: rule.id, regularPercent: rule.regularPercent },
    });
  }
  items.sort((a, b) => (a.presentPercent ?? 100) - (b.presentPercent ?? 100) || a.componentId.localeCompare(b.componentId));
  return options.audit === false ? items : audited(deps, ctx, 'followUp.attendance', ['personalia', 'components', 'courses'], items);
}
