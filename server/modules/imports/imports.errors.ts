/**
 * The reasons a feed row (or file) can be refused, each with a stable code: the error report names
 * the code and its parameters, so that a sender's software can act on it and the web app can say it
 * in Dutch, French or English; `reason` is the English sentence, for people reading the JSON.
 */
export type RowErrorParams = Record<string, string | number>;

const TEXT = {
  fieldCount: (p) => `the line has ${p.fields} fields, the header ${p.header}`,
  invalidCsv: (p) => `not valid CSV: ${p.detail}`,
  emptyFile: () => 'the file is empty: a header row is required',
  invalidJson: () => 'not valid JSON',
  notAnObject: () => 'each line must be one JSON object',
  elementNotAnObject: () => 'each element of the array must be one JSON object',
  truncatedJson: () => 'the file ends before the JSON array is closed',
  trailingJson: () => 'there is more after the end of the JSON array',
  unknownColumn: (p) => `not a column of ${p.kind} files`,
  duplicateColumn: () => 'the column appears twice',
  missingColumn: () => 'required column missing from the header',
  notText: () => 'must be text',
  controlCharacter: () => 'contains a NUL character (U+0000), which text cannot hold',
  required: () => 'required',
  tooLong: (p) => `longer than ${p.max} characters`,
  invalidInsz: (p) => `not a valid INSZ: ${p.detail}`,
  invalidEnterpriseNumber: (p) => `not a valid KBO enterprise number: ${p.detail}`,
  notADate: () => 'not a date (YYYY-MM-DD)',
  notADateTime: () => 'not a date and time (YYYY-MM-DDTHH:MM, optionally :SS and an offset)',
  unknownCode: (p) => `not in code list ${p.list}`,
  notAPercentage: () => 'not a percentage between 0 and 100 (at most two decimals)',
  unknownProvider: () => 'no organisation with this enterprise number is known to KBI',
  notOwnCourse: () => 'you may only send for your own courses',
  notAdultEducation: () => 'not an adult-education centre (CVO or CBE)',
  endBeforeStart: () => 'before startDate',
  unknownPerson: () => 'KBI does not know this person',
  unknownCourse: () => 'no course of this provider with this training code starts on courseStart',
  ambiguousCourse: () => 'more than one course of this provider has this training code and start date',
  unknownModule: () => 'the course has no module with this code',
  unknownLesson: () => 'no lesson of this module starts at this moment',
  unknownEnrolment: () => 'no enrolment with this number in this course',
  notEnrolled: () => 'the person is not enrolled in this module of the course',
  ambiguousEnrolment: () => 'the person has more than one enrolment that fits; send enrolmentNumber',
  enrolmentOfOtherPerson: () => 'this enrolment is of another person',
  enrolmentOfOtherModule: () => 'the enrolment is for another module of the course',
  duplicateAttendance: (p) => `the attendance of this person at this lesson is already on line ${p.line}`,
  enrolmentNumberTaken: () => 'this enrolment number is already used in this course for another person',
  duplicateEnrolment: (p) => `this enrolment is already on line ${p.line}`,
  interrupted: () => 'the import was interrupted (the server stopped) and is abandoned',
  noRows: () => 'the file holds no rows',
  tooLarge: (p) => `the file is larger than ${p.max} bytes`,
  uploadFailed: () => 'the upload was interrupted or could not be processed; nothing was imported',
} satisfies Record<string, (p: RowErrorParams) => string>;

export type RowErrorCode = keyof typeof TEXT;
export const ROW_ERROR_CODES = Object.keys(TEXT) as RowErrorCode[];

export interface RowError {
  line: number | null;
  column: string | null;
  code: RowErrorCode;
  params?: RowErrorParams;
  reason: string;
}

export function rowError(line: number | null, column: string | null, code: RowErrorCode, params: RowErrorParams = {}): RowError {
  return { line, column, code, ...(Object.keys(params).length ? { params } : {}), reason: TEXT[code](params) };
}

export const isRowErrorCode = (code: string): code is RowErrorCode => Object.hasOwn(TEXT, code);
