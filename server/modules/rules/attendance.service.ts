/**
 * A person's attendance against the rule (attendance.policy.ts): per trajectory component (a part
 * of the programme) and, inside it, per enrolment (a course or course module), as known on a day.
 * Read through the door: the caller's role must read the courses and components clusters, the person
 * must be in the caller's territory, and every read is audited.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import type { Executor } from '../../platform/db.ts';
import { assertInTerritory, authorize } from '../access/access.service.ts';
import {
  assessAttendance,
  type AttendanceAssessment,
  type AttendanceMark,
  type DayPeriod,
  type LessonAttendance,
  type PartFigures,
} from './attendance.policy.ts';

export interface EnrolmentAttendance extends PartFigures {
  enrolmentId: string;
  course: string;
  courseType: string;
  module: string | null;
  enrolmentStatus: string;
}

export interface ComponentAttendance {
  /** Null for enrolments not linked to a component. */
  componentId: string | null;
  type: string | null;
  status: string | null;
  figures: PartFigures;
  enrolments: EnrolmentAttendance[];
  suspensions: DayPeriod[];
}

export interface PersonAttendance {
  personId: string;
  on: string;
  rule: AttendanceAssessment['rule'];
  outcome: AttendanceAssessment['outcome'];
  infringementType: string | null;
  components: ComponentAttendance[];
}

interface LessonRow {
  enrolment_id: string;
  component_id: string | null;
  course: string;
  course_type: string;
  module: string | null;
  status: string;
  day: string | null;
  minutes: number | null;
  attendance: AttendanceMark | null;
}

export const ATTENDANCE_CLUSTERS = ['courses', 'components'] as const;

/** Through the door: the caller's role reads both clusters, the person is in the territory, and the read is audited. */
export async function attendanceOf(deps: Deps, ctx: RequestContext, personId: string, on: string): Promise<PersonAttendance> {
  for (const cluster of ATTENDANCE_CLUSTERS) authorize(ctx, 'read', cluster, undefined, personId);
  await assertInTerritory(deps.db, ctx, personId, 'attendance.read');
  const result = await judgeAttendance(deps.db, personId, on);
  await recordAudit(deps.db, ctx, {
    action: 'attendance.read',
    personId,
    clusters: [...ATTENDANCE_CLUSTERS],
    result: 'allowed',
    detail: { on, outcome: result.outcome },
  });
  return result;
}

/**
 * The judgement itself, for a caller that has decided access already (the door above, or a
 * partner's authorisation in the consultation): every enrolment's lessons up to `on`, grouped per
 * component, judged by the rule in force on `on`. Reads; checks and audits nothing.
 */
export async function judgeAttendance(db: Executor, personId: string, on: string): Promise<PersonAttendance> {
  const [lessons, components, suspensions] = await Promise.all([
    sql<LessonRow>`
      SELECT e.id::text AS enrolment_id, e.component_id::text AS component_id, c.name AS course, c.course_type, m.name AS module, e.status,
             to_char(l.starts_at AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD') AS day, l.duration_minutes AS minutes, pa.attendance
        FROM enrolments e
        JOIN courses c ON c.id = e.course_id
        LEFT JOIN course_modules m ON m.id = e.module_id
        LEFT JOIN participations pa ON pa.enrolment_id = e.id
        LEFT JOIN lessons l ON l.id = pa.lesson_id
       WHERE e.person_id = ${personId}
       ORDER BY e.enrolled_on, e.id, l.starts_at`.execute(db),
    sql<{ id: string; type: string; status: string; start_date: string }>`
      SELECT id::text, type, status, start_date::text FROM trajectory_components WHERE person_id = ${personId} ORDER BY start_date, id`.execute(db),
    sql<{ component_id: string; start_date: string; end_date: string | null }>`
      SELECT component_id::text, start_date::text, end_date::text FROM component_suspensions WHERE person_id = ${personId} ORDER BY start_date`.execute(db),
  ]);

  const enrolments = new Map<string, { row: LessonRow; lessons: LessonAttendance[] }>();
  for (const r of lessons.rows) {
    const e = enrolments.get(r.enrolment_id) ?? { row: r, lessons: [] };
    if (r.day !== null && r.attendance !== null) e.lessons.push({ day: r.day, minutes: r.minutes ?? 0, attendance: r.attendance });
    enrolments.set(r.enrolment_id, e);
  }
  const suspensionsOf = (componentId: string | null): DayPeriod[] =>
    suspensions.rows.filter((s) => s.component_id === componentId).map((s) => ({ start: s.start_date, end: s.end_date }));

  const groups: { id: string | null; type: string | null; status: string | null }[] = [
    ...components.rows.map((c) => ({ id: c.id, type: c.type, status: c.status })),
    ...([...enrolments.values()].some((e) => e.row.component_id === null || !components.rows.some((c) => c.id === e.row.component_id))
      ? [{ id: null, type: null, status: null }]
      : []),
  ];
  const known = new Set(components.rows.map((c) => c.id));
  const parts = groups.map((g) => {
    const own = [...enrolments.values()].filter((e) =>
      g.id === null ? e.row.component_id === null || !known.has(e.row.component_id) : e.row.component_id === g.id,
    );
    return { group: g, own, part: { id: g.id ?? 'none', lessons: own.flatMap((e) => e.lessons), suspensions: suspensionsOf(g.id) } };
  });
  // The programme's parts are the components; enrolments outside any component are shown but decide nothing.
  const assessment = assessAttendance(
    parts.filter((p) => p.group.id !== null).map((p) => p.part),
    on,
  );
  const result: PersonAttendance = {
    personId,
    on,
    rule: assessment.rule,
    outcome: assessment.outcome,
    infringementType: assessment.infringementType,
    components: parts
      .map((p) => ({
        componentId: p.group.id,
        type: p.group.type,
        status: p.group.status,
        suspensions: p.part.suspensions,
        // A component's figures are those the assessment made; enrolments outside any component are judged on their own.
        figures: assessment.parts.find((x) => p.group.id !== null && x.id === p.part.id) ?? assessAttendance([p.part], on).parts[0]!,
        enrolments: p.own.map((e) => ({
          ...assessAttendance([{ id: e.row.enrolment_id, lessons: e.lessons, suspensions: p.part.suspensions }], on).parts[0]!,
          enrolmentId: e.row.enrolment_id,
          course: e.row.course,
          courseType: e.row.course_type,
          module: e.row.module,
          enrolmentStatus: e.row.status,
        })),
      }))
      .filter((c) => c.componentId !== null || c.enrolments.length),
  };
  return result;
}
