/** The rules of the decree, table by table, with their boundaries and the change of 1 March 2022. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assessAttendance, ATTENDANCE_RULES, ruleOn, type AttendanceMark, type LessonAttendance } from './attendance.policy.ts';
import { deadline, isOverdue } from './deadlines.policy.ts';
import { addMonths, registeredLetterServed, termEnd } from '../../platform/calendar.ts';

/** A part of `n` one-hour lessons from `start` on consecutive days: `present` present, `justified` excused, the rest absent. */
function part(id: string, n: number, present: number, justified = 0, start = '2021-09-01', minutes = 60): { id: string; lessons: LessonAttendance[] } {
  const lessons: LessonAttendance[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(`${start}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + i);
    const attendance: AttendanceMark = i < present ? 'PRESENT' : i < present + justified ? 'ABSENT_JUSTIFIED' : 'ABSENT';
    lessons.push({ day: d.toISOString().slice(0, 10), minutes, attendance });
  }
  return { id, lessons };
}

const OLD = '2022-01-31'; // assessed under the rule until 28/02/2022
const NEW = '2022-06-30'; // assessed under the rule from 01/03/2022

describe('attendance (seed 003 §35)', () => {
  const cases: [string, ReturnType<typeof part>[], string, string, string | null][] = [
    // label, parts, assessed on, outcome, infringement
    ['100 % everywhere', [part('MO', 10, 10), part('NT2', 20, 20)], OLD, 'REGULAR', null],
    ['exactly 80 % in every part is regular', [part('MO', 10, 8), part('NT2', 20, 16)], OLD, 'REGULAR', null],
    ['79 % in one part is irregular', [part('MO', 100, 79, 0, '2021-06-01'), part('NT2', 20, 20)], OLD, 'IRREGULAR', 'ONREGELMATIGE_DEELNAME'],
    [
      'exactly 50 % present (50 % absent) is irregular, not early termination',
      [part('MO', 10, 5), part('NT2', 10, 10)],
      OLD,
      'IRREGULAR',
      'ONREGELMATIGE_DEELNAME',
    ],
    [
      'more than 50 % absent in one part is early termination',
      [part('MO', 100, 49), part('NT2', 10, 10)],
      OLD,
      'EARLY_TERMINATION',
      'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD',
    ],
    [
      'early termination in one part outweighs irregular in another',
      [part('MO', 10, 7), part('NT2', 10, 4)],
      OLD,
      'EARLY_TERMINATION',
      'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD',
    ],
    ['no lessons yet decides nothing', [part('MO', 0, 0)], OLD, 'NO_LESSONS', null],
    ['excused absences leave the base: 8 present, 2 excused of 10 is 100 %', [part('MO', 10, 8, 2)], OLD, 'REGULAR', null],
    ['excused absences do not count as present: 7 present, 2 excused, 1 absent is 87.5 %', [part('MO', 10, 7, 2)], OLD, 'REGULAR', null],
    ['only excused absences decide nothing', [part('MO', 5, 0, 5)], OLD, 'NO_LESSONS', null],
    // The same facts after 1 March 2022: one infringement for any attendance under 80 %.
    ['exactly 80 % after the reform is regular', [part('MO', 10, 8), part('NT2', 20, 16)], NEW, 'REGULAR', null],
    ['79 % after the reform', [part('MO', 100, 79, 0, '2021-06-01'), part('NT2', 20, 20)], NEW, 'NOT_REGULAR', 'NIET_REGELMATIG_DEELGENOMEN'],
    [
      '49 % after the reform is no early termination any more',
      [part('MO', 100, 49, 0, '2021-06-01'), part('NT2', 10, 10)],
      NEW,
      'NOT_REGULAR',
      'NIET_REGELMATIG_DEELGENOMEN',
    ],
  ];
  for (const [label, parts, on, outcome, infringement] of cases)
    test(label, () => {
      const a = assessAttendance(parts, on);
      assert.equal(a.outcome, outcome);
      assert.equal(a.infringementType, infringement);
    });

  test('the same facts give different results before and after 1 March 2022', () => {
    const facts = [part('MO', 10, 3)];
    assert.equal(assessAttendance(facts, '2022-02-28').infringementType, 'ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD');
    assert.equal(assessAttendance(facts, '2022-03-01').infringementType, 'NIET_REGELMATIG_DEELGENOMEN');
    assert.equal(assessAttendance(facts, '2022-02-28').rule.id, 'attendance-2004');
    assert.equal(assessAttendance(facts, '2022-03-01').rule.id, 'attendance-2022');
  });

  test('attendance is weighed by lesson time, not by lesson count', () => {
    // Two long lessons present (2 × 180 min), three short ones absent (3 × 60 min): 360 / 540 = 66.7 % of the time, 40 % of the lessons.
    const lessons: LessonAttendance[] = [
      { day: '2021-10-01', minutes: 180, attendance: 'PRESENT' },
      { day: '2021-10-02', minutes: 180, attendance: 'PRESENT' },
      { day: '2021-10-03', minutes: 60, attendance: 'ABSENT' },
      { day: '2021-10-04', minutes: 60, attendance: 'ABSENT' },
      { day: '2021-10-05', minutes: 60, attendance: 'ABSENT' },
    ];
    const a = assessAttendance([{ id: 'NT2', lessons }], OLD);
    assert.equal(a.parts[0]!.presentPercent, 66.6);
    assert.equal(a.outcome, 'IRREGULAR', 'more than 50 % of the time present: not early termination');
  });

  test('lessons during a suspension and lessons after the assessment day do not count', () => {
    const p = part('NT2', 10, 5, 0, '2021-10-01'); // 1–5 October present, 6–10 October absent
    const suspended = assessAttendance([{ ...p, suspensions: [{ start: '2021-10-06', end: '2021-10-10' }] }], OLD);
    assert.equal(suspended.outcome, 'REGULAR');
    assert.equal(suspended.parts[0]!.suspendedMinutes, 300);
    const running = assessAttendance([{ ...p, suspensions: [{ start: '2021-10-08', end: null }] }], OLD);
    assert.equal(running.parts[0]!.countedMinutes, 7 * 60, 'an open suspension runs on');
    const early = assessAttendance([p], '2021-10-05');
    assert.equal(early.outcome, 'REGULAR', 'as known on 5 October only the five lessons present count');
    assert.equal(early.parts[0]!.lessons, 5);
  });

  test('the percentage is compared exactly, in minutes', () => {
    // 4 of 5 lessons of 47 minutes: exactly 80 %, where floating point could land on 79.999…
    assert.equal(assessAttendance([part('MO', 5, 4, 0, OLD, 47)], NEW).outcome, 'REGULAR');
    assert.equal(assessAttendance([part('MO', 1000, 799, 0, '2019-01-01')], NEW).outcome, 'NOT_REGULAR');
    assert.equal(assessAttendance([part('MO', 1000, 799, 0, '2019-01-01')], NEW).parts[0]!.presentPercent, 79.9);
  });

  test('exactly one version of the rule is in force on every day', () => {
    for (const day of ['2004-04-01', '2016-02-29', '2022-02-28', '2022-03-01', '2030-01-01']) assert.ok(ruleOn(ATTENDANCE_RULES, day));
    assert.throws(() => ruleOn(ATTENDANCE_RULES, '2004-03-31'), /no rule in force/);
    const sorted = [...ATTENDANCE_RULES].sort((a, b) => a.validFrom.localeCompare(b.validFrom));
    for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1]!.validTo! < sorted[i]!.validFrom, 'no overlap');
  });
});

describe('terms and deadlines (Ger.W. art. 52–54, one calendar)', () => {
  const months: [string, number, string][] = [
    ['2022-01-15', 1, '2022-02-15'],
    ['2022-01-31', 1, '2022-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2022-11-30', 3, '2023-02-28'],
    ['2022-12-15', 1, '2023-01-15'],
  ];
  for (const [from, n, to] of months) test(`${from} + ${n} month(s) = ${to}`, () => assert.equal(addMonths(from, n), to));

  const terms: [string, Parameters<typeof termEnd>[1], string, string][] = [
    ['2022-01-15', { months: 1 }, '2022-02-15', 'a Tuesday: stays'],
    ['2022-03-12', { months: 1 }, '2022-04-12', 'a Tuesday: stays'],
    ['2026-02-14', { months: 1 }, '2026-03-16', 'a Saturday last day moves to Monday'],
    ['2026-03-06', { months: 1 }, '2026-04-07', 'Easter Monday (6 April 2026) moves the last day to Tuesday'],
    ['2026-11-02', { workingDays: 10 }, '2026-11-17', 'ten working days around Armistice (11/11)'],
    ['2026-12-18', { days: 7 }, '2026-12-28', 'Christmas (a Friday) moves the last day over the weekend to Monday'],
  ];
  for (const [from, term, due, why] of terms) test(`term ${JSON.stringify(term)} from ${from}: ${due} (${why})`, () => assert.equal(termEnd(from, term), due));

  test('a registered letter is served on the third working day after posting', () => {
    assert.equal(registeredLetterServed('2026-11-06'), '2026-11-12', 'Friday → Mon 9, Tue 10, Thu 12 (11/11 is a holiday)');
  });

  test('the registration term runs three months from the served invitation', () => {
    const d = deadline('registration', '2026-11-06')!;
    assert.equal(d.starts, '2026-11-12');
    assert.equal(d.due, '2027-02-12');
    assert.equal(isOverdue(d.due, null, '2027-02-12'), false, 'the last day itself is in time');
    assert.equal(isOverdue(d.due, null, '2027-02-13'), true);
    assert.equal(isOverdue(d.due, '2027-02-12', '2027-05-01'), false, 'registered on the last day');
    assert.equal(isOverdue(d.due, '2027-02-15', '2027-05-01'), true, 'registered late');
  });

  test('the OCMW referral term is ten working days and no registered letter', () => {
    assert.equal(deadline('ocmwReferral', '2026-12-18')!.due, '2027-01-05', '25/12 and 1/1 are no working days');
  });

  test('a deadline introduced by the 2022 reform does not exist for earlier events', () => {
    assert.equal(deadline('vdabRegistration', '2022-02-28'), null);
    assert.equal(deadline('vdabRegistration', '2022-03-01')!.due, '2022-05-02', '60 days end on Saturday 30/04/2022: moved to Monday');
  });
});
