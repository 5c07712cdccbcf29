/**
 * Routes of the look-ups: the partners' office lookup, VMSW language requirement and DVZ list
 * under `/api/exchange/v1`; the operator route through which `kbi export dvz` reaches a running
 * embedded server; and KBI's own look-up at a partner, the DISCIMUS queries of staff. Every INSZ
 * travels in a POST body, never in a URL.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../platform/config.ts';
import { Problem } from '../../platform/errors.ts';
import { OPERATOR } from '../../platform/access.ts';
import type { Deps } from '../../platform/deps.ts';
import { typed } from '../../platform/http.ts';
import {
  checkLanguageRequirement,
  DVZ_DEFAULT_LIMIT,
  DVZ_MAX_LIMIT,
  DVZ_PURPOSE,
  dvzList,
  LANGUAGE_PURPOSE,
  presentOffice,
  searchOffices,
  type DvzInput,
  type OfficeSearch,
} from './lookups.service.ts';

const PROBLEM = { $ref: 'Problem#' };
const security = [{ bearer: [] }];
const tags = ['Exchange'];
const nullable = { type: ['string', 'null'] } as const;

const officeSchema = {
  type: 'object',
  properties: {
    kbiKey: { type: 'string' },
    kboNumber: nullable,
    name: { type: 'string' },
    organisationName: { type: 'string' },
    street: nullable,
    houseNumber: nullable,
    postcode: nullable,
    municipality: nullable,
    phone: nullable,
    email: nullable,
    contactName: nullable,
    openingHours: nullable,
  },
} as const;

const dvzBody = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to', 'purpose'],
  properties: {
    from: { type: 'string', maxLength: 10, description: 'First day of the period, YYYY-MM-DD.' },
    to: { type: 'string', maxLength: 10, description: 'Last day of the period, YYYY-MM-DD (at most 366 days after from).' },
    purpose: { type: 'string', enum: [DVZ_PURPOSE] },
    limit: { type: 'integer', minimum: 1, maximum: DVZ_MAX_LIMIT, default: DVZ_DEFAULT_LIMIT, description: `Persons per page, 1 to ${DVZ_MAX_LIMIT}.` },
    cursor: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: 'The `next` of the previous page, with the same from and to; leave it out for the first page.',
    },
  },
} as const;

const dvzAnswer = {
  type: 'object',
  properties: {
    from: { type: 'string' },
    to: { type: 'string' },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          familyName: { type: 'string' },
          givenNames: { type: 'string' },
          insz: { type: 'string' },
          contractSigned: { type: 'boolean' },
          certificateObtained: { type: 'boolean' },
        },
      },
    },
    next: { type: ['string', 'null'], description: 'Opaque cursor of the next page, to send as cursor; null on the last page.' },
  },
} as const;

export function registerLookupRoutes(http: FastifyInstance, deps: Deps, options: { config: Readonly<Config>; operator: boolean }): void {
  const app = typed(http);
  app.post(
    '/api/exchange/v1/offices/search',
    {
      config: { access: 'partner' },
      schema: {
        tags,
        security,
        summary: 'Look up agency offices (GeefKBIVestiging) by postcode, KBO number or KBI key',
        description:
          'Seed 003 §60: general information on an office, only what KBI staff entered — no data from the KBO itself. ' +
          "Give at least one filter; several must all match. A KBO number matches the office's establishment number or its organisation's enterprise number.",
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            postcode: { type: 'string', maxLength: 4 },
            kboNumber: {
              type: 'string',
              maxLength: 20,
              description: 'Enterprise or establishment unit number; dots and spaces allowed; check digits verified.',
            },
            kbiKey: { type: 'string', maxLength: 32, description: 'The KBI key: 32 hexadecimal characters.' },
          },
          examples: [{ postcode: '9000' }, { kboNumber: '0543.307.391' }],
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: officeSchema } } }, 400: PROBLEM, 401: PROBLEM },
      },
    },
    async (req) => ({ items: (await searchOffices(deps, req.ctx, req.body ?? {})).map(presentOffice) }),
  );

  app.post(
    '/api/exchange/v1/housing/languageRequirement',
    {
      config: { access: 'partner' },
      schema: {
        tags,
        security,
        summary: 'VMSW: does a prospective tenant or buyer meet the Dutch-language requirement, and on what basis?',
        description:
          'For a partner authorised for WOONCODE_TAALKENNIS. The basis lists each certificate, passed test, NT2 level or KBI Wooncode assessment the answer rests on, ' +
          'from the clusters the authorisation gives. Every check is counted and kept.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['insz', 'purpose'],
          properties: {
            insz: { type: 'string', maxLength: 15, description: 'INSZ (dots and dash allowed).' },
            purpose: { type: 'string', enum: [LANGUAGE_PURPOSE] },
          },
          examples: [{ insz: '85.07.30-033.28', purpose: LANGUAGE_PURPOSE }],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              checkId: { type: 'string' },
              known: { type: 'boolean' },
              meetsRequirement: { type: 'boolean' },
              checkedAt: { type: 'string' },
              basis: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    kind: { type: 'string', enum: ['CERTIFICATE', 'TEST', 'NT2_LEVEL', 'WOONCODE'] },
                    date: { type: 'string' },
                    detail: { type: 'string' },
                  },
                },
              },
            },
          },
          400: PROBLEM,
          401: PROBLEM,
          403: PROBLEM,
        },
      },
    },
    async (req) => {
      const check = await checkLanguageRequirement(deps, req.ctx, req.body);
      return { checkId: check.id, known: check.known, meetsRequirement: check.meetsRequirement, basis: check.basis, checkedAt: check.checkedAt };
    },
  );

  app.post(
    '/api/exchange/v1/dvz/list',
    {
      config: { access: 'partner' },
      schema: {
        tags,
        security,
        summary: 'DVZ: name, first name, national number, contract signed, certificate obtained, for the persons concerned',
        description:
          'Seed 004 answer 4: newcomers under article 1/2 of the law of 15 December 1980 (third-country residence statuses, not protection) ' +
          'with a contract signed, an integration certificate obtained or a registration in the period; contract and certificate as known up to its last day. ' +
          'Paged on a key that never changes (not by name): ask again with the same period and cursor = next until next is null; a page boundary never drops or repeats a person. ' +
          'Every person on a page you receive is audited as an access.',
        body: { ...dvzBody, examples: [{ from: '2025-01-01', to: '2025-12-31', purpose: DVZ_PURPOSE }] },
        response: { 200: dvzAnswer, 400: PROBLEM, 401: PROBLEM, 403: PROBLEM },
      },
    },
    async (req) => dvzList(deps, req.ctx, req.body),
  );

  if (options.operator) {
    app.post(
      '/api/operator/export/dvz',
      { config: { access: 'operator' }, schema: { hide: true, body: { ...dvzBody, required: ['from', 'to'] } } },
      async (req) => dvzList(deps, req.ctx, req.body),
    );
  }
}
