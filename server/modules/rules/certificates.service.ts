/**
 * Certificates to issue (issue 13): the re-evaluation finds primary trajectories whose components
 * are completed as the rules require (certificate.policy.ts) and proposes the integration
 * certificate, once per trajectory. A caseworker of the person's office issues it — KBI records the
 * certificate and the trajectory's decision in the same transaction — or dismisses the proposal
 * with a reason. Every list and decision is audited; the proposal keeps its history.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { inTransaction, type Executor, type Row } from '../../platform/db.ts';
import type { Deps } from '../../platform/deps.ts';
import { Problem } from '../../platform/errors.ts';
import { authorize } from '../access/access.service.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import { ATTENDANCE_RULES, partStatus, ruleOn } from './attendance.policy.ts';
import { certificateEligibility, type ComponentFacts, type Part } from './certificate.policy.ts';
import { closeItem, decisionReason, lockItem, summariseItems, type ListSummary, listItems } from './work-items.ts';

export interface CertificateFinding {
  personId: string;
  trajectoryId: string;
  ruleId: string;
  facts: Record<string, unknown>;
}

/** The primary trajectory types (code list trajectory_type) that lead to the integration certificate. */
export const PRIMARY_TRAJECTORIES = ['TT_IBVP', 'TT_IBRH'];

/** Trajectories eligible on day `on` that have no certificate, decision or proposal yet; for everyone or the persons named. Writes nothing. */
export async function findCertificates(db: Executor, on: string, personIds: readonly string[] | null): Promise<CertificateFinding[]> {
  const only = personIds ? sql`AND t.person_id = ANY(${[...personIds]}::uuid[])` : sql``;
  const { rows } = await sql<{
    trajectory_id: string;
    person_id: string;
    start_date: string;
    components: {
      id: string;
      type: string;
      part: Part | null;
      level: string | null;
      status: string;
      decision: string | null;
      exempted: boolean;
      present: number;
      absent: number;
    }[];
  }>`
    SELECT t.id::text AS trajectory_id, t.person_id::text, t.start_date::text,
           json_agg(json_build_object(
             'id', tc.id, 'type', tc.type, 'part', cl.attributes->>'part', 'level', cl.attributes->>'level', 'status', tc.status,
             'decision', tc.decision, 'exempted', coalesce(tc.exempted, false), 'present', coalesce(a.present, 0), 'absent', coalesce(a.absent, 0))
             ORDER BY tc.start_date, tc.id) AS components
      FROM trajectories t
      JOIN trajectory_components tc ON tc.trajectory_id = t.id AND tc.start_date <= ${on}::date
      LEFT JOIN code_list cl ON cl.list = 'trajectory_component_type' AND cl.code = tc.type
      -- Attendance counts only under the 2003 decree: the sums are made for those trajectories alone.
      LEFT JOIN LATERAL (
        SELECT sum(l.duration_minutes) FILTER (WHERE pa.attendance = 'PRESENT')::int AS present,
               sum(l.duration_minutes) FILTER (WHERE pa.attendance = 'ABSENT')::int AS absent
          FROM enrolments e JOIN participations pa ON pa.enrolment_id = e.id JOIN lessons l ON l.id = pa.lesson_id
         WHERE t.start_date < '2016-02-29' AND e.component_id = tc.id AND (l.starts_at AT TIME ZONE 'Europe/Brussels')::date <= ${on}::date) a ON true
     WHERE t.type = ANY(${PRIMARY_TRAJECTORIES}::text[]) AND t.decision IS NULL AND t.start_date <= ${on}::date
       AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.person_id = t.person_id AND c.kind = 'INTEGRATION' AND c.issued_on <= ${on}::date)
       AND NOT EXISTS (SELECT 1 FROM certificate_proposals cp WHERE cp.trajectory_id = t.id)
       ${only}
     GROUP BY t.id, t.person_id, t.start_date`.execute(db);
  const out: CertificateFinding[] = [];
  for (const t of rows) {
    const attendanceRule = ruleOn(ATTENDANCE_RULES, t.start_date < ATTENDANCE_RULES[0]!.validFrom ? ATTENDANCE_RULES[0]!.validFrom : t.start_date);
    const components: ComponentFacts[] = t.components.map((c) => ({
      id: c.id,
      type: c.type,
      part: c.part,
      level: c.level,
      status: c.status,
      decision: c.decision,
      exempted: c.exempted,
      attendance: partStatus(c.present, c.absent, attendanceRule),
    }));
    const e = certificateEligibility(components, t.start_date);
    if (!e.eligible) continue;
    out.push({
      personId: t.person_id,
      trajectoryId: t.trajectory_id,
      ruleId: e.rule.id,
      facts: {
        on,
        trajectoryStart: t.start_date,
        rule: e.rule,
        parts: e.parts,
        components: components.map(({ id, type, status, decision, exempted }) => ({ id, type, status, decision, exempted })),
      },
    });
  }
  return out;
}

/** Writes the findings as open proposals (a trajectory proposed before is left as it is); returns how many were new. */
export async function writeCertificateProposals(tx: Executor, on: string, findings: readonly CertificateFinding[]): Promise<number> {
  let written = 0;
  for (let i = 0; i < findings.length; i += 1000) {
    const inserted = await tx
      .insertInto('certificate_proposals')
      .values(
        findings.slice(i, i + 1000).map((f) => ({
          person_id: f.personId,
          trajectory_id: f.trajectoryId,
          rule_id: f.ruleId,
          detected_on: on,
          facts: JSON.stringify(f.facts),
        })),
      )
      .onConflict((oc) => oc.column('trajectory_id').doNothing())
      .returning('id')
      .execute();
    written += inserted.length;
  }
  return written;
}

const STATUSES = ['OPEN', 'ISSUED', 'DISMISSED'];

/** The certificate proposals (default: open) in the caller's territory, the oldest first, with the day to issue by. Audited. */
export async function certificateWorklist(deps: Deps, ctx: RequestContext, input: { status?: string }): Promise<Row[]> {
  authorize(ctx, 'create', 'certificates');
  return listItems(deps.db, ctx, 'certificate_proposals', input, {
    statuses: STATUSES,
    deadline: 'certificateIssue',
    action: 'certificateProposals.worklist',
    clusters: ['personalia', 'certificates'],
  });
}

/** Open certificate proposals in the caller's territory: how many, the oldest, how many past their day. Counts only. */
export const certificateSummary = (deps: Deps, ctx: RequestContext): Promise<ListSummary> =>
  summariseItems(deps.db, ctx.actor, 'certificate_proposals', 'detected_on', ['OPEN'], 'certificateIssue');

export interface CertificateDecision {
  decision: 'ISSUE' | 'DISMISS';
  reason?: string | null;
}

/**
 * Issues the certificate (kind INTEGRATION, type ICO13G, issued today by the person's managing
 * office; the trajectory gets the decision JA_IB) or dismisses the proposal with a reason. A
 * proposal decided already, or changed since the caller read it, is refused; nothing changes then.
 */
export async function decideCertificate(deps: Deps, ctx: RequestContext, id: string, expectedVersion: number, input: CertificateDecision): Promise<Row> {
  authorize(ctx, 'create', 'certificates');
  const reason = decisionReason(input.reason, input.decision === 'DISMISS' ? 'a dismissal needs a reason' : null);
  return inTransaction(deps.db, ctx.actor.id, async (tx) => {
    const current = await lockItem(tx, ctx, 'certificate_proposals', id, expectedVersion, 'certificateProposals.decide', 'proposal');
    if (current.status !== 'OPEN') throw new Problem('conflict', `this proposal was already ${current.status === 'ISSUED' ? 'issued' : 'dismissed'}`);
    const today = belgianToday();
    let certificateId: string | null = null;
    if (input.decision === 'ISSUE') {
      const office = await tx.selectFrom('dossiers').select('managing_office_id').where('person_id', '=', current.person_id).executeTakeFirst();
      const issued = await tx
        .insertInto('certificates')
        .values({ person_id: current.person_id, kind: 'INTEGRATION', document_type: 'ICO13G', issued_on: today, office_id: office?.managing_office_id ?? null })
        .returning('id')
        .executeTakeFirstOrThrow();
      certificateId = issued.id;
      await tx
        .updateTable('trajectories')
        .set({ decision: 'JA_IB', decision_date: today, decision_reason: reason, valid_from: sql`now()` })
        .where('id', '=', current.trajectory_id)
        .execute();
    }
    const row = await closeItem(
      tx,
      ctx,
      'certificate_proposals',
      id,
      { status: input.decision === 'ISSUE' ? 'ISSUED' : 'DISMISSED', reason, made: { certificate_id: certificateId } },
      { action: 'certificateProposals.decide', clusters: ['certificates', 'trajectories'], decision: input.decision },
    );
    return row;
  });
}
