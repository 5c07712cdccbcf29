/**
 * The file formats of the course feeds, read as streams: CSV (a header row, UTF-8, `;` or `,`
 * — decided from the header line) and JSON, either one array of row objects or JSON Lines (one
 * object per line) — decided from the first byte. Either way the reader yields one record at a
 * time with its line number (for a JSON array: the element's position), so memory does not grow
 * with the file. The columns and their rules are in docs/imports.md and in `COLUMNS` below.
 */
import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createInterface } from 'node:readline';
import { CsvError, parse } from 'csv-parse';
import { JSONParser } from '@streamparser/json';

export type ImportKind = 'participations' | 'enrolments';
/** `ndjson` is JSON in either form, a JSON array or JSON Lines (the name import_batches.format keeps). */
export type ImportFormat = 'csv' | 'ndjson';
export const IMPORT_KINDS: readonly ImportKind[] = ['participations', 'enrolments'];

export type ColumnType = 'insz' | 'kbo' | 'text' | 'date' | 'datetime' | 'code' | 'number';
export interface Column {
  name: string;
  type: ColumnType;
  required: boolean;
  maxLength?: number;
  list?: string;
  description: string;
}

const insz: Column = {
  name: 'insz',
  type: 'insz',
  required: true,
  description: 'INSZ of the person (national register or bis number); dots, dash and spaces allowed; check digits verified; the person must be known to KBI.',
};
const provider: Column = {
  name: 'provider',
  type: 'kbo',
  required: false,
  description: 'KBO enterprise number of the organisation giving the course; default: the sender.',
};
const trainingCode: Column = {
  name: 'trainingCode',
  type: 'text',
  required: true,
  maxLength: 40,
  description: 'Training code of the course (courses.training_code).',
};
const courseStart: Column = { name: 'courseStart', type: 'date', required: true, description: 'First day of the course, YYYY-MM-DD (courses.start_date).' };

/** The columns of each kind, in the order of the documentation. */
export const COLUMNS: Record<ImportKind, Column[]> = {
  participations: [
    insz,
    provider,
    trainingCode,
    courseStart,
    { name: 'moduleCode', type: 'text', required: true, maxLength: 40, description: 'Code of the module of the course (course_modules.code).' },
    {
      name: 'lessonStart',
      type: 'datetime',
      required: true,
      description:
        'When the lesson starts: YYYY-MM-DDTHH:MM[:SS], with an offset (+01:00, Z) or without (Belgian local time); must be a lesson of that module.',
    },
    {
      name: 'enrolmentNumber',
      type: 'text',
      required: false,
      maxLength: 64,
      description:
        "The sender's number of the enrolment (enrolments.external_id); without it, the person's one enrolment in that module (or in the whole course).",
    },
    { name: 'attendance', type: 'code', required: true, list: 'attendance', description: 'Code list attendance: PRESENT, ABSENT, ABSENT_JUSTIFIED.' },
  ],
  enrolments: [
    insz,
    provider,
    trainingCode,
    courseStart,
    { name: 'moduleCode', type: 'text', required: false, maxLength: 40, description: 'Code of the module enrolled in; empty: the whole course.' },
    {
      name: 'enrolmentNumber',
      type: 'text',
      required: true,
      maxLength: 64,
      description: "The sender's own number of the enrolment, unique within the course: sending it again updates that enrolment.",
    },
    { name: 'enrolledOn', type: 'date', required: true, description: 'Day of enrolment, YYYY-MM-DD.' },
    { name: 'startDate', type: 'date', required: false, description: 'First day of attendance, YYYY-MM-DD.' },
    { name: 'endDate', type: 'date', required: false, description: 'Last day, YYYY-MM-DD; not before startDate.' },
    {
      name: 'status',
      type: 'code',
      required: true,
      list: 'enrolment_status',
      description: 'Code list enrolment_status (INGESCHREVEN, LOPEND, BEEINDIGD, UITGESCHREVEN).',
    },
    {
      name: 'targetAttendanceRate',
      type: 'number',
      required: false,
      description: 'Attendance the person must reach, percent 0–100 (decimal point or comma); default 80 (seed 003 §35).',
    },
    { name: 'exitReason', type: 'code', required: false, list: 'enrolment_exit_reason', description: 'Code list enrolment_exit_reason.' },
    { name: 'result', type: 'code', required: false, list: 'enrolment_result', description: 'Code list enrolment_result.' },
  ],
};

/** One row of the file: its line, and its values by column name (absent, empty or null: missing). */
export interface SourceRecord {
  line: number;
  values: Record<string, unknown>;
}
/** A problem with the file as a whole or one of its lines. */
import { rowError, type RowError } from './imports.errors.ts';

export type { RowError };
export type ReadItem = { record: SourceRecord } | { header: string[] } | { error: RowError; fatal?: boolean };

export class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the file is larger than ${limit} bytes`);
  }
}

/**
 * Counts and fingerprints the bytes as they pass (sha256 of the exact bytes sent), and stops an
 * upload beyond `limit` bytes.
 */
export class Meter extends Transform {
  readonly hash: Hash = createHash('sha256');
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly onBytes?: (bytes: number) => void,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      cb(new UploadTooLarge(this.limit));
      return;
    }
    this.hash.update(chunk);
    this.onBytes?.(this.bytes);
    cb(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Reads the records of a metered stream in the given format. */
export function readRecords(format: ImportFormat, input: Readable): AsyncGenerator<ReadItem> {
  return format === 'csv' ? csvRecords(input) : jsonRecords(input);
}

/** The first bytes: chunks up to and including the first for which `enough` holds (or all, for a short file). */
function readHead(input: Readable, enough: (chunk: Buffer) => boolean, max = 64 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let length = 0;
    const finish = () => {
      input.off('readable', onReadable);
      input.off('end', finish);
      input.off('error', reject);
      resolve(Buffer.concat(parts));
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = input.read() as Buffer | null) !== null) {
        parts.push(chunk);
        length += chunk.length;
        if (enough(chunk) || length >= max) {
          finish();
          return;
        }
      }
    };
    input.on('readable', onReadable);
    input.on('end', finish);
    input.on('error', reject);
  });
}

/** `;` or `,`: whichever the header line (outside quotes) has more of. */
function sniffDelimiter(head: Buffer): ';' | ',' {
  const line = head
    .toString('utf8')
    .split('\n')[0]!
    .replace(/"[^"]*"/g, '');
  const semicolons = line.split(';').length,
    commas = line.split(',').length;
  return semicolons >= commas ? ';' : ',';
}

async function* csvRecords(input: Readable): AsyncGenerator<ReadItem> {
  const head = await readHead(input, (chunk) => chunk.includes(10));
  const parser = parse({
    delimiter: sniffDelimiter(head),
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    max_record_size: 64 * 1024,
  });
  input.on('error', (e) => parser.destroy(e));
  parser.write(head);
  input.pipe(parser);
  let header: string[] | null = null;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!header) {
        header = record;
        yield { header };
        continue;
      }
      if (record.length !== header.length) {
        yield { error: rowError(info.lines, null, 'fieldCount', { fields: record.length, header: header.length }) };
        continue;
      }
      const values: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) values[header[i]!] = record[i];
      yield { record: { line: info.lines, values } };
    }
  } catch (e) {
    if (e instanceof UploadTooLarge) throw e;
    const err = e as { code?: string; lines?: number; message: string };
    // Any error of the CSV parser is the sender's broken CSV (its codes are not all CSV_…: a quote
    // inside an unquoted field is INVALID_OPENING_QUOTE; found by tests/fuzz/request-schemas.fuzz.test.ts).
    if (!(e instanceof CsvError) && !err.code?.startsWith('CSV_')) throw e;
    yield { error: rowError(err.lines ?? null, null, 'invalidCsv', { detail: err.message.replace(/^Invalid [^:]*: /, '') }), fatal: true };
  }
  if (!header) yield { error: rowError(1, null, 'emptyFile'), fatal: true };
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Where the JSON text starts: past a byte-order mark and whitespace (the length, when not yet). */
function jsonStart(bytes: Buffer): number {
  let i = bytes.subarray(0, 3).equals(BOM) ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i;
}

/** The stream again, with the bytes already read in front. */
async function* prepend(head: Buffer, input: Readable): AsyncGenerator<Buffer> {
  if (head.length) yield head;
  yield* input;
}

/** JSON: a text that starts with `[` is one array of row objects; any other, JSON Lines. */
async function* jsonRecords(input: Readable): AsyncGenerator<ReadItem> {
  const head = await readHead(input, (chunk) => jsonStart(chunk) < chunk.length);
  const start = jsonStart(head);
  if (head[start] === 0x5b) yield* arrayRecords(prepend(head.subarray(start), input));
  else yield* ndjsonRecords(Readable.from(prepend(head, input)));
}

/**
 * The elements of one JSON array, each numbered by its position (1-based). The streaming parser
 * keeps no element it has handed over, so only the chunk being read is in memory. A syntax error,
 * an array that is not closed, or anything after it ends the reading: the batch is refused.
 */
async function* arrayRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<ReadItem> {
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false });
  const found: ReadItem[] = [];
  let elements = 0,
    closed = false,
    fatal: RowError | null = null;
  parser.onValue = ({ value }) => {
    elements++;
    found.push(
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? { record: { line: elements, values: value } }
        : { error: rowError(elements, null, 'elementNotAnObject') },
    );
  };
  parser.onEnd = () => {
    closed = true;
  };
  parser.onError = () => {
    fatal ??= closed ? rowError(null, null, 'trailingJson') : rowError(elements + 1, null, 'invalidJson');
  };
  for await (const chunk of chunks) {
    parser.write(chunk);
    yield* found.splice(0);
    if (fatal) break;
  }
  if (!fatal && !closed) {
    parser.onError = () => {
      fatal ??= rowError(null, null, 'truncatedJson');
    };
    parser.end();
  }
  if (fatal) yield { error: fatal, fatal: true };
}

async function* ndjsonRecords(input: Readable): AsyncGenerator<ReadItem> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (let text of lines) {
    n++;
    if (n === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { error: rowError(n, null, 'invalidJson') };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { error: rowError(n, null, 'notAnObject') };
      continue;
    }
    yield { record: { line: n, values: value as Record<string, unknown> } };
  }
}
