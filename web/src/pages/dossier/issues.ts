/**
 * What the server says is wrong with a field, in the user's language. The server speaks English
 * in a small set of fixed phrases (schema checks, period and business rules, the INSZ check); a
 * phrase this list does not know is not shown as English in a Dutch or French screen: the field
 * gets a general sentence in the user's language instead.
 */
import type { MessageKey, Translate } from '../../i18n/index.tsx';

/** The business rules of the resource definitions (server/modules/dossier/clusters.ts), word for word. */
const RULES: Record<string, MessageKey> = {
  'a contract is registered on or after the day it was signed': 'dossier.rule.contractRegistered',
  'a decision needs the date it was taken': 'dossier.rule.decisionDate',
  'a wished date requires a time window (seed 002 §2.1)': 'dossier.rule.timeWindow',
  'a fine needs its amount': 'dossier.rule.fineAmount',
  'only a fine decision has an amount': 'dossier.rule.onlyFine',
  'the score cannot exceed the maximum score': 'dossier.rule.score',
  'a determined target group needs its type': 'dossier.rule.targetGroupType',
  'a person without a determined target group has no target-group type': 'dossier.rule.noTargetGroupType',
  'say why no target group applies': 'dossier.rule.noTargetGroupReason',
  'say why the determination differs from the proposal': 'dossier.rule.overrideReason',
  'an activity needs its type': 'dossier.issue.required',
  'a communication needs its document type': 'dossier.issue.required',
};

/** The INSZ check's reasons (server/platform/identifiers/insz.ts), as it words them. */
const INSZ: [RegExp, MessageKey][] = [
  [/must be 11 digits/, 'dossier.issue.inszFormat'],
  [/check digits do not match/, 'dossier.issue.inszChecksum'],
  [/not a valid \(bis\) month/, 'dossier.issue.inszDate'],
  [/birth date does not exist/, 'dossier.issue.inszDate'],
  [/serial number 000 or 999/, 'dossier.issue.inszSerial'],
  [/birth date lies in the future/, 'dossier.issue.inszFuture'],
  [/does not match the birth date the INSZ encodes/, 'dossier.issue.inszBirthDate'],
];

export function translateIssue(detail: string, t: Translate, fieldName: (name: string) => string, date: (d: string) => string): string {
  const rule = RULES[detail];
  if (rule) return t(rule);
  let m: RegExpExecArray | null;
  if (/^is required( and cannot be empty)?$/.test(detail) || /fewer than 1 characters/.test(detail)) return t('dossier.issue.required');
  if (/^must be a valid date-time/.test(detail)) return t('dossier.issue.dateTime');
  if (/^must be a valid date/.test(detail)) return t('dossier.issue.date');
  if ((m = /^must not lie before (\w+) \((.+)\)$/.exec(detail))) return t('dossier.issue.before', { field: fieldName(m[1]!), date: date(m[2]!) });
  if (/^unknown code/.test(detail) || /allowed values/.test(detail)) return t('dossier.issue.unknownCode');
  if (/^no such /.test(detail)) return t('dossier.issue.noRecord');
  if (/^cannot be changed after creation/.test(detail)) return t('dossier.issue.immutable');
  if (/^not a valid KBO number/.test(detail)) return t('dossier.issue.kbo');
  if ((m = /^must be >=? (\S+)/.exec(detail))) return t('dossier.issue.min', { n: m[1]! });
  if ((m = /^must be <=? (\S+)/.exec(detail))) return t('dossier.issue.max', { n: m[1]! });
  if ((m = /more than (\d+) characters/.exec(detail))) return t('dossier.issue.tooLong', { n: m[1]! });
  if (/^must match pattern/.test(detail)) return t('dossier.issue.pattern');
  if (/^must be (number|integer)/.test(detail)) return t('dossier.issue.number');
  if ((m = /an organisation of kind (.+)$/.exec(detail))) return t('dossier.issue.kind');
  for (const [pattern, key] of INSZ) if (pattern.test(detail)) return t(key);
  return t('dossier.issue.invalid');
}
