/**
 * Checks one row of a course feed in memory — types, INSZ check digits, code lists, dates, the
 * provider the sender may name — and turns it into the values the database statement takes.
 * What needs the database (is the person known, which lesson, which enrolment, a duplicate of an
 * earlier line) is checked by the chunk statements in imports.sql.ts.
 */
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { parseEnterpriseNumber } from '../../platform/identifiers/kbo.ts';
import type { CodeLists } from '../../platform/codes.ts';
import { COLUMNS, type Column, type ImportKind, type RowError, type SourceRecord } from './imports.formats.ts';
import { rowError, type RowErrorCode, type RowErrorParams } from './imports.errors.ts';

/** Which providers a sender may name: CVO/CBE only themselves, AHOVOKS and Houses of Dutch any adult-education centre. */
export const SENDER_KINDS: Record<string, 'own' | 'adultEducation'> = { CVO: 'own', CBE: 'own', AHOVOKS: 'adultEducation', HOUSE_OF_DUTCH: 'adultEducation' };
const ADULT_EDUCATION = new Set(['CVO', 'CBE']);

export interface Sender {
  organisationId: string;
  kind: string;
  enterpriseNumber: string | null;
}
export interface Organisations {
  byNumber: Map<string, { id: string; kind: string }>;
}

export interface ParticipationRow {
  line: number;
  insz: string;
  providerId: string;
  trainingCode: string;
  courseStart: string;
  moduleCode: string;
  lessonStart: string;
  enrolmentNumber: string | null;
  attendance: string;
}
export interface EnrolmentRow {
  line: number;
  insz: string;
  providerId: string;
  trainingCode: string;
  courseStart: string;
  moduleCode: string | null;
  enrolmentNumber: string;
  enrolledOn: string;
  startDate: string | null;
  endDate: string | null;
  status: string;
  targetAttendanceRate: number | null;
  exitReason: string | null;
  result: string | null;
}
export type CheckedRow = ParticipationRow | EnrolmentRow;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export class RowChecker {
  readonly columns: Map<string, Column>;
  readonly today = new Date();

  constructor(
    readonly kind: ImportKind,
    private readonly codes: CodeLists,
    private readonly acceptTestInsz: boolean,
    private readonly sender: Sender,
    private readonly organisations: Organisations,
  ) {
    this.columns = new Map(COLUMNS[kind].map((c) => [c.name, c]));
  }

  /** Problems with a CSV header: unknown, repeated or missing columns (each makes the file unreadable). */
  checkHeader(header: string[]): RowError[] {
    const errors: RowError[] = [];
    const seen = new Set<string>();
    header.forEach((name, i) => {
      const clean = i === 0 ? name.replace(/^\ufeff/, '') : name;
      if (!this.columns.has(clean)) errors.push(rowError(1, clean || `(column ${i + 1})`, 'unknownColumn', { kind: this.kind }));
      else if (seen.has(clean)) errors.push(rowError(1, clean, 'duplicateColumn'));
      seen.add(clean);
    });
    for (const c of this.columns.values()) if (c.required && !seen.has(c.name)) errors.push(rowError(1, c.name, 'missingColumn'));
    return errors;
  }

  /** The row's values, checked; or every problem it has. */
  check(record: SourceRecord, errors: RowError[]): CheckedRow | null {
    const { line, values } = record;
    const before = errors.length;
    const err = (column: string, code: RowErrorCode, params?: RowErrorParams) => {
      errors.push(rowError(line, column, code, params));
    };
    const out: Record<string, unknown> = { line };
    for (const key of Object.keys(values)) if (!this.columns.has(key)) err(key, 'unknownColumn', { kind: this.kind });
    for (const c of this.columns.values()) {
      const raw = values[c.name];
      let text: string | null;
      if (raw === undefined || raw === null) text = null;
      else if (typeof raw === 'string') text = raw.trim() || null;
      else if (typeof raw === 'number' && c.type === 'number' && Number.isFinite(raw)) text = String(raw);
      else {
        err(c.name, 'notText');
        continue;
      }
      if (text?.includes('\u0000')) {
        err(c.name, 'controlCharacter');
        continue;
      }
      if (text === null) {
        if (c.required) err(c.name, 'required');
        out[c.name] = null;
        continue;
      }
      if (c.maxLength && text.length > c.maxLength) {
        err(c.name, 'tooLong', { max: c.maxLength });
        continue;
      }
      switch (c.type) {
        case 'insz': {
          const parsed = parseInsz(text, { allowTestNumbers: this.acceptTestInsz, today: this.today });
          if (parsed.ok) out[c.name] = parsed.insz.value;
          else err(c.name, 'invalidInsz', { detail: parsed.message });
          break;
        }
        case 'kbo': {
          const parsed = parseEnterpriseNumber(text, { allowTestNumbers: this.acceptTestInsz });
          if (!parsed.ok) {
            err(c.name, 'invalidEnterpriseNumber', { detail: parsed.message });
            break;
          }
          out[c.name] = parsed.value;
          break;
        }
        case 'date': {
          const m = DATE.exec(text);
          if (!m || !validDay(+m[1]!, +m[2]!, +m[3]!)) err(c.name, 'notADate');
          else out[c.name] = text;
          break;
        }
        case 'datetime': {
          const m = DATETIME.exec(text);
          const zone = m?.[7];
          const zoneOk = !zone || zone === 'Z' || (+zone.slice(1, 3) <= 14 && (zone.length <= 3 || +zone.slice(-2) < 60));
          if (!m || !validDay(+m[1]!, +m[2]!, +m[3]!) || +m[4]! > 23 || +m[5]! > 59 || (m[6] !== undefined && +m[6] > 59) || !zoneOk) {
            err(c.name, 'notADateTime');
          } else out[c.name] = text.replace(' ', 'T');
          break;
        }
        case 'code':
          if (!this.codes.has(c.list!, text)) err(c.name, 'unknownCode', { list: c.list! });
          else out[c.name] = text;
          break;
        case 'number': {
          const n = Number(text.replace(',', '.'));
          if (!/^\d{1,3}([.,]\d{1,2})?$/.test(text) || !(n >= 0 && n <= 100)) err(c.name, 'notAPercentage');
          else out[c.name] = n;
          break;
        }
        default:
          out[c.name] = text;
      }
    }
    // The course's provider: the sender, or one it may name.
    const number = out.provider as string | null | undefined;
    if (number) {
      const org = this.organisations.byNumber.get(number);
      if (!org) err('provider', 'unknownProvider');
      else if (org.id !== this.sender.organisationId && (SENDER_KINDS[this.sender.kind] !== 'adultEducation' || !ADULT_EDUCATION.has(org.kind))) {
        err('provider', SENDER_KINDS[this.sender.kind] === 'own' ? 'notOwnCourse' : 'notAdultEducation');
      } else out.providerId = org.id;
    } else out.providerId = this.sender.organisationId;
    if (this.kind === 'enrolments' && out.startDate && out.endDate && (out.endDate as string) < (out.startDate as string)) err('endDate', 'endBeforeStart');
    if (errors.length > before) return null;
    return out as unknown as CheckedRow;
  }
}
