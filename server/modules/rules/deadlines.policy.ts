/**
 * The deadlines of the decree and its protocols, as dated data, computed on the one calendar
 * (platform/calendar.ts, Belgian working days with the ten legal holidays).
 *
 * Each deadline names the event it runs from, its term, whether that event is a registered letter
 * (then the term starts on the third working day after posting, Ger.W. art. 53bis), the days it
 * applies to and its source. A deadline the seeds and sources do not give is not invented here
 * (domain-rules §4.6: no overall term for the integration certificate).
 */
import { registeredLetterServed, termEnd, type Term } from '../../platform/calendar.ts';
import { ruleOn } from './attendance.policy.ts';

export type DeadlineId =
  | 'registration'
  | 'contractSigning'
  | 'reRegistration'
  | 'ocmwReferral'
  | 'vdabRegistration'
  | 'b1Oral'
  | 'proposalHandling'
  | 'caseDecision'
  | 'certificateIssue';

export interface DeadlineRule {
  id: DeadlineId;
  validFrom: string;
  validTo: string | null;
  /** What the term runs from. */
  from: string;
  term: Term;
  /** The event is a letter: when it was sent registered, the term starts when it is deemed served (Ger.W. art. 53bis). */
  fromLetter: boolean;
  source: string;
}

export const DEADLINE_RULES: readonly DeadlineRule[] = [
  {
    id: 'registration',
    validFrom: '2004-04-01',
    validTo: null,
    from: 'the invitation (registered letter) to an obliged newcomer',
    term: { months: 3 },
    fromLetter: true,
    source: 'SPEC.md Rules; domain-rules §4.6 (aanmelding within 3 months, counted from the registered letter in practice)',
  },
  {
    id: 'contractSigning',
    validFrom: '2004-04-01',
    validTo: null,
    from: 'the registration (aanmelding) of an obliged newcomer',
    term: { months: 3 },
    fromLetter: false,
    source:
      "Configurable, not in the sources read (domain-rules §4.6, §4.8: refusing to sign the contract is an infringement; the term is this installation's, as long as the registration term); a postponement of signing stops it",
  },
  {
    id: 'reRegistration',
    validFrom: '2022-03-01',
    validTo: null,
    from: 'the end of a suspension (opschorting) of the contract',
    term: { months: 3 },
    fromLetter: false,
    source:
      "t10 footnote (infringement 'niet tijdig aangemeld na opschorting' from 01/03/2022); domain-rules §4.9 (attest van heraanmelding). The term is this installation's, as long as the registration term",
  },
  {
    id: 'ocmwReferral',
    validFrom: '2004-04-01',
    validTo: null,
    from: 'the referral by the OCMW',
    term: { workingDays: 10 },
    fromLetter: false,
    source: 'Seed 003 §59 (OCMW protocol: binnen de tien werkdagen)',
  },
  {
    id: 'vdabRegistration',
    validFrom: '2022-03-01',
    validTo: null,
    from: 'the signing of the integration contract',
    term: { days: 60 },
    fromLetter: false,
    source: 'domain-rules §4.5 (traject naar werk: registration with VDAB within 60 days, from 01/03/2022)',
  },
  {
    id: 'b1Oral',
    validFrom: '2022-03-01',
    validTo: null,
    from: 'the integration certificate (obliged newcomers)',
    term: { months: 24 },
    fromLetter: false,
    source: 'domain-rules §4.5 (B1 oral within 24 months after the certificate, from 01/03/2022)',
  },
  {
    id: 'proposalHandling',
    validFrom: '2004-04-01',
    validTo: null,
    from: 'the day a rule proposed an infringement',
    term: { workingDays: 10 },
    fromLetter: false,
    source:
      "This installation's service standard, not the decree (the seeds set none): a proposal is accepted or dismissed within ten working days, like a referral",
  },
  {
    id: 'caseDecision',
    validFrom: '2009-01-01',
    validTo: null,
    from: 'the opening of an infringement case',
    term: { months: 3 },
    fromLetter: false,
    source:
      "This installation's service standard, not the decree (the seeds set none): a case is decided, or handed to the OCMW, within three months of its opening",
  },
  {
    id: 'certificateIssue',
    validFrom: '2004-04-01',
    validTo: null,
    from: 'the day the rules found a trajectory eligible for the integration certificate',
    term: { workingDays: 10 },
    fromLetter: false,
    source: "This installation's service standard, not the decree (the seeds set none): the certificate is issued within ten working days",
  },
];

export interface Deadline {
  id: DeadlineId;
  rule: { validFrom: string; source: string };
  /** The day the term started. */
  starts: string;
  /** The last day on which it is still in time (inclusive). */
  due: string;
}

/**
 * The deadline `id` that runs from an event on `eventDay`, under the version in force that day;
 * null when no version applies then (the deadline did not exist yet). A letter counts as
 * registered unless `registered: false` says it was not.
 */
export function deadline(id: DeadlineId, eventDay: string, options: { registered?: boolean } = {}, rules = DEADLINE_RULES): Deadline | null {
  const versions = rules.filter((r) => r.id === id);
  let rule: DeadlineRule;
  try {
    rule = ruleOn(versions, eventDay);
  } catch {
    return null;
  }
  const starts = rule.fromLetter && options.registered !== false ? registeredLetterServed(eventDay) : eventDay;
  return { id, rule: { validFrom: rule.validFrom, source: rule.source }, starts, due: termEnd(starts, rule.term) };
}

/** Whether something that had to happen by `due` and did (or did not yet) is late on `today`. */
export function isOverdue(due: string, doneOn: string | null, today: string): boolean {
  return doneOn === null ? today > due : doneOn > due;
}
