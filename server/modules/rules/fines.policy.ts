/**
 * The fine schedule, as dated data: the range the decree allows and the amount proposed for a
 * person's first, second, third … fine. The enforcement officer may decide any amount in the range
 * with a reason; the schedule only proposes.
 *
 * Administrative fines exist since 1 January 2009, from 50 to 5,000 EUR, and increase for repeat
 * offences (domain-rules §4.8). The decree sets no steps that the sources show, so the steps are
 * this installation's schedule, chosen among the amounts most often decided (seed 004 table 12:
 * 75, 100, 375, 750, 1,500 EUR).
 */
import { ruleOn } from './attendance.policy.ts';

export interface FineSchedule {
  id: string;
  validFrom: string;
  validTo: string | null;
  minimum: number;
  maximum: number;
  /** The amount proposed for the first, second, … fine of the person; the last step repeats. */
  steps: readonly number[];
  source: string;
}

export const FINE_SCHEDULES: readonly FineSchedule[] = [
  {
    id: 'fines-2009',
    validFrom: '2009-01-01',
    validTo: null,
    minimum: 50,
    maximum: 5000,
    steps: [100, 375, 750, 1500],
    source:
      'Range: domain-rules §4.8 (50–5,000 EUR since 1 January 2009, higher for repeat offences). Steps: this installation, among the amounts of seed 004 table 12',
  },
];

/** The schedule in force on a day, or null before fines existed. */
export function fineScheduleOn(day: string, schedules = FINE_SCHEDULES): FineSchedule | null {
  try {
    return ruleOn(schedules, day);
  } catch {
    return null;
  }
}

/** The amount the schedule proposes for a person who had `earlierFines` fines before, on `day`; null when no fine is possible then. */
export function proposedFine(day: string, earlierFines: number, schedules = FINE_SCHEDULES): { amount: number; schedule: FineSchedule } | null {
  const schedule = fineScheduleOn(day, schedules);
  if (!schedule) return null;
  const step = Math.min(Math.max(0, earlierFines), schedule.steps.length - 1);
  return { amount: schedule.steps[step]!, schedule };
}

/** Why `amount` cannot be decided on `day`, or null when it can. */
export function fineProblem(day: string, amount: number, schedules = FINE_SCHEDULES): string | null {
  const schedule = fineScheduleOn(day, schedules);
  if (!schedule) return `no administrative fine was possible on ${day} (fines exist from ${schedules[0]?.validFrom ?? '?'})`;
  if (!Number.isFinite(amount) || Math.round(amount * 100) !== amount * 100) return 'an amount in euro with at most two decimals';
  if (amount < schedule.minimum || amount > schedule.maximum) return `between ${schedule.minimum} and ${schedule.maximum} EUR`;
  return null;
}
