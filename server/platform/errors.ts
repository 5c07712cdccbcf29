/**
 * The error catalogue: every failure the API reports has a stable code, rendered once as
 * RFC 9457 application/problem+json (Belgif REST guide problem types where one fits).
 */
import type { Actor } from './access.ts';
export interface Issue {
  /** Where the bad input is: body, path, query or header. */
  in: 'body' | 'path' | 'query' | 'header';
  /** The offending field, as a JSON pointer-ish dotted name (e.g. `insz`, `parts.0`). */
  name: string;
  /** What is wrong, in plain words. Never echoes personal data. */
  detail: string;
  type?: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  issues?: Issue[];
  [extra: string]: unknown;
}

const CATALOGUE = {
  badRequest: { status: 400, title: 'Bad Request', type: 'urn:problem-type:belgif:badRequest' },
  unknownCode: { status: 400, title: 'Unknown code value', type: 'urn:problem-type:kbi:unknownCode' },
  invalidPeriod: { status: 400, title: 'Invalid period', type: 'urn:problem-type:belgif-ext:input-validation:invalidPeriod' },
  invalidInsz: { status: 400, title: 'Invalid INSZ', type: 'urn:problem-type:belgif-ext:input-validation:invalidStructure' },
  referencedResourceNotFound: {
    status: 400,
    title: 'Referenced resource not found',
    type: 'urn:problem-type:belgif:input-validation:referencedResourceNotFound',
  },
  businessRule: { status: 422, title: 'Business rule violated', type: 'urn:problem-type:kbi:businessRule' },
  unauthenticated: { status: 401, title: 'Unauthenticated', type: 'urn:problem-type:belgif:noAccessToken' },
  forbidden: { status: 403, title: 'Forbidden', type: 'urn:problem-type:belgif:missingPermission' },
  noAuthorisation: { status: 403, title: 'No authorisation for this purpose and data', type: 'urn:problem-type:kbi:noAuthorisation' },
  notIntegrated: { status: 403, title: 'The person is not in your integration register for today', type: 'urn:problem-type:kbi:notIntegrated' },
  csrfTokenMissing: { status: 403, title: 'CSRF token missing or wrong', type: 'urn:problem-type:kbi:csrfTokenMissing' },
  sessionExpired: { status: 401, title: 'Session expired', type: 'urn:problem-type:kbi:sessionExpired' },
  invalidCredentials: { status: 401, title: 'Wrong user name or password', type: 'urn:problem-type:kbi:invalidCredentials' },
  resourceNotFound: { status: 404, title: 'Resource not found', type: 'urn:problem-type:belgif:resourceNotFound' },
  methodNotAllowed: { status: 405, title: 'Method not allowed', type: 'urn:problem-type:kbi:methodNotAllowed' },
  conflict: { status: 409, title: 'Conflict', type: 'urn:problem-type:kbi:conflict' },
  idempotencyKeyReused: { status: 422, title: 'Idempotency key reused with another request', type: 'urn:problem-type:kbi:idempotencyKeyReused' },
  preconditionFailed: { status: 412, title: 'Precondition failed: the record was changed by someone else', type: 'urn:problem-type:kbi:preconditionFailed' },
  preconditionRequired: {
    status: 428,
    title: 'Precondition required: send If-Match with the ETag you read',
    type: 'urn:problem-type:kbi:preconditionRequired',
  },
  payloadTooLarge: { status: 413, title: 'Payload too large', type: 'urn:problem-type:belgif:payloadTooLarge' },
  unsupportedMediaType: { status: 415, title: 'Unsupported media type', type: 'urn:problem-type:kbi:unsupportedMediaType' },
  tooManyRequests: { status: 429, title: 'Too many requests', type: 'urn:problem-type:belgif:tooManyRequests' },
  internalServerError: { status: 500, title: 'Internal server error', type: 'urn:problem-type:belgif:internalServerError' },
  serviceUnavailable: { status: 503, title: 'Service unavailable', type: 'urn:problem-type:belgif:serviceUnavailable' },
} as const;

export type ProblemCode = keyof typeof CATALOGUE;

/** What an access denial was about, for its audit record (written once, by the error handler). */
export interface Denial {
  action: string;
  personId: string | null;
  clusters: string[];
  insz?: string;
  /** Who was refused, when no actor was established (a failed partner authentication is a partner's). */
  actor?: Actor;
  /** Facts for the audit record beside the problem's code (a client id tried; never a secret). */
  detail?: Record<string, unknown>;
}

export class Problem extends Error {
  readonly status: number;
  denial?: Denial;

  /** Marks this problem as a denied access, to be audited. */
  denied(denial: Denial): this {
    this.denial = denial;
    return this;
  }

  constructor(
    readonly code: ProblemCode,
    detail?: string,
    readonly issues?: Issue[],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? CATALOGUE[code].title);
    this.status = CATALOGUE[code].status;
  }

  body(instance?: string): ProblemBody {
    const entry = CATALOGUE[this.code];
    return {
      type: entry.type,
      title: entry.title,
      status: entry.status,
      code: this.code,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.issues?.length ? { issues: this.issues } : {}),
      ...this.extra,
    };
  }
}

/** Bad input in one field. */
export const invalidField = (where: Issue['in'], name: string, detail: string, code: ProblemCode = 'badRequest') =>
  new Problem(code, `${name}: ${detail}`, [{ in: where, name, detail }]);

export const notFound = (what: string): never => {
  throw new Problem('resourceNotFound', `${what} not found`);
};

export const catalogue = CATALOGUE;
