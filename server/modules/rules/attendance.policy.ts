/**
 * Regular participation (seed 003 §35, art. 13 Inburgeringsbesluit): "Er wordt geacht regelmatig
 * aan het vormingsprogramma deel te nemen wanneer de inburgeraar minimaal 80 % aanwezig is tijdens
 * elk onderdeel van het vormingsprogramma. De inburgeraar die voor minstens één onderdeel minder dan
 * 80 % aanwezig is en voor elk onderdeel minstens 50 % aanwezig is [neemt onregelmatig deel]; de
 * inburgeraar die voor minstens één onderdeel meer dan 50 % afwezig is, [wordt] geacht
 * onrechtmatig vroegtijdig het vormingsprogramma te hebben beëindigd."
 *
 * The rule changed on 1 March 2022: "onrechtmatig vroegtijdig beëindigd" no longer exists
 * (reference t10, footnote), and from then on attendance under 80 % in some part is one
 * infringement, "niet regelmatig deelgenomen". Both versions are data below, each with the days it
 * applies to; the version that decides is the one in force on the day the facts are assessed.
 *
 * How the lessons count — decided here, because the seeds do not say (domain-rules §4.7):
 * - a part (onderdeel) of the programme is a trajectory component (social orientation, NT2 …): the
 *   lessons of all its enrolments together; the service shows each enrolment's figures as well;
 * - attendance is weighed by lesson time (minutes), so a three-hour lesson counts three times an
 *   hour's; "80 % aanwezig" is about time present;
 * - an absence with a valid reason (ABSENT_JUSTIFIED) counts neither as present nor as absent: the
 *   lesson leaves the part's base, as it does in the adult-education attendance rules;
 * - a lesson without a recorded participation does not count: KBI cannot tell a cancelled lesson
 *   from one not yet registered, and neither may turn against the newcomer;
 * - lessons on days a suspension of the component ran do not count;
 * - a part with no counted lesson yet has no rate and decides nothing;
 * - exactly 80 % present is regular; exactly 50 % absent is not "more than 50 % absent".
 * Percentages are compared in whole minutes (present × 100 ≥ 80 × counted), never in floating point.
 */

export type AttendanceMark = 'PRESENT' | 'ABSENT' | 'ABSENT_JUSTIFIED';

export interface LessonAttendance {
  /** The lesson's day (Belgian date, YYYY-MM-DD). */
  day: string;
  minutes: number;
  attendance: AttendanceMark;
}

/** A part of the programme (a trajectory component), its lessons and its suspensions. */
export interface AttendancePart {
  id: string;
  lessons: readonly LessonAttendance[];
  suspensions?: readonly DayPeriod[];
}

export interface DayPeriod {
  start: string;
  /** Inclusive; null: still running. */
  end: string | null;
}

/** One version of the rule, with the days it applies to. */
export interface AttendanceRule {
  id: string;
  validFrom: string;
  /** Inclusive; null: in force. */
  validTo: string | null;
  /** Minimum percentage of time present in every part for regular participation. */
  regularPercent: number;
  /** More than this percentage of time absent in some part: early termination; null: the rule has no such outcome. */
  earlyTerminationAbsentPercent: number | null;
  /** The infringement type of each outcome that is one (code list infringement_type). */
  infringements: Partial<Record<AttendanceOutcome, string>>;
  source: string;
}

export type AttendanceOutcome = 'REGULAR' | 'IRREGULAR' | 'EARLY_TERMINATION' | 'NOT_REGULAR' | 'NO_LESSONS';
export type PartStatus = 'REGULAR' | 'BELOW_REGULAR' | 'EARLY_TERMINATION' | 'NO_LESSONS';

export const ATTENDANCE_RULES: readonly AttendanceRule[] = [
  {
    id: 'attendance-2004',
    validFrom: '2004-04-01',
    validTo: '2022-02-28',
    regularPercent: 80,
    earlyTerminationAbsentPercent: 50,
    infringements: { IRREGULAR: 'ONREGELMATIGE_DEELNAME', EARLY_TERMINATION: 'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD' },
    source: 'Seed 003 §35 (art. 13 Inburgeringsbesluit); reference t10 (types until 28/02/2022)',
  },
  {
    id: 'attendance-2022',
    validFrom: '2022-03-01',
    validTo: null,
    regularPercent: 80,
    earlyTerminationAbsentPercent: null,
    infringements: { NOT_REGULAR: 'NIET_REGELMATIG_DEELGENOMEN' },
    source: 'Decree of 9 July 2021 (from 01/03/2022); reference t10 footnote: "onrechtmatig vroegtijdig beëindigd" no longer exists',
  },
];

/** The version of a dated rule in force on `day`. */
export function ruleOn<R extends { validFrom: string; validTo: string | null }>(rules: readonly R[], day: string): R {
  const rule = rules.find((r) => r.validFrom <= day && (r.validTo === null || day <= r.validTo));
  if (!rule) throw new Error(`no rule in force on ${day}`);
  return rule;
}

export interface PartFigures {
  id: string;
  /** Minutes that count: present plus absent without a valid reason. */
  countedMinutes: number;
  presentMinutes: number;
  absentMinutes: number;
  justifiedMinutes: number;
  /** Minutes of lessons during a suspension, left out. */
  suspendedMinutes: number;
  lessons: number;
  /** Percentage of counted time present, one decimal; null when nothing counts yet. */
  presentPercent: number | null;
  status: PartStatus;
}

export interface AttendanceAssessment {
  rule: Omit<AttendanceRule, 'infringements'>;
  on: string;
  outcome: AttendanceOutcome;
  /** The infringement these facts are under the rule, or null. */
  infringementType: string | null;
  parts: PartFigures[];
}

const during = (day: string, periods: readonly DayPeriod[]) => periods.some((p) => p.start <= day && (p.end === null || day <= p.end));

/** A part's status from its minutes present and absent (excused and suspended time already left out). */
export function partStatus(present: number, absent: number, rule: AttendanceRule): PartStatus {
  const counted = present + absent;
  if (counted === 0) return 'NO_LESSONS';
  if (present * 100 >= rule.regularPercent * counted) return 'REGULAR';
  if (rule.earlyTerminationAbsentPercent !== null && absent * 100 > rule.earlyTerminationAbsentPercent * counted) return 'EARLY_TERMINATION';
  return 'BELOW_REGULAR';
}

/** The outcome of the programme from the status of each part: parts without lessons decide nothing. */
export function outcomeOf(statuses: readonly PartStatus[], rule: AttendanceRule): AttendanceOutcome {
  const judged = statuses.filter((s) => s !== 'NO_LESSONS');
  if (!judged.length) return 'NO_LESSONS';
  if (judged.every((s) => s === 'REGULAR')) return 'REGULAR';
  if (rule.earlyTerminationAbsentPercent === null) return 'NOT_REGULAR';
  return judged.includes('EARLY_TERMINATION') ? 'EARLY_TERMINATION' : 'IRREGULAR';
}

/** The attendance of each part as known on `on` (lessons after it are not counted), judged by the rule in force on `on`. */
export function assessAttendance(parts: readonly AttendancePart[], on: string, rules = ATTENDANCE_RULES): AttendanceAssessment {
  const rule = ruleOn(rules, on);
  const figures = parts.map((part): PartFigures => {
    let present = 0,
      absent = 0,
      justified = 0,
      suspended = 0,
      lessons = 0;
    for (const l of part.lessons) {
      if (l.day > on) continue;
      lessons++;
      if (during(l.day, part.suspensions ?? [])) suspended += l.minutes;
      else if (l.attendance === 'PRESENT') present += l.minutes;
      else if (l.attendance === 'ABSENT') absent += l.minutes;
      else justified += l.minutes;
    }
    const counted = present + absent;
    const status = partStatus(present, absent, rule);
    return {
      id: part.id,
      countedMinutes: counted,
      presentMinutes: present,
      absentMinutes: absent,
      justifiedMinutes: justified,
      suspendedMinutes: suspended,
      lessons,
      presentPercent: counted ? Math.floor((present * 1000) / counted) / 10 : null,
      status,
    };
  });
  const outcome = outcomeOf(
    figures.map((f) => f.status),
    rule,
  );
  return {
    rule: {
      id: rule.id,
      validFrom: rule.validFrom,
      validTo: rule.validTo,
      regularPercent: rule.regularPercent,
      earlyTerminationAbsentPercent: rule.earlyTerminationAbsentPercent,
      source: rule.source,
    },
    on,
    outcome,
    infringementType: rule.infringements[outcome] ?? null,
    parts: figures,
  };
}
