/**
 * The referral loop's routes. For partners (`/api/exchange/v1`, bearer token): refer a person,
 * list one's own referrals with their outcome, and the pull feed of one's events. For agency staff
 * (`/api/v1`, session): the worklists of incoming referrals and appointment requests, the decision
 * on a referral and the steps of an appointment, each with If-Match.
 */
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { worklistSummary } from './worklist.service.ts';
import type { RequestContext } from '../../platform/access.ts';
import type { Row } from '../../platform/db.ts';
import { idempotentCreate } from '../../platform/idempotency.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { etagOf, versionFromIfMatch } from '../../platform/http.ts';
import { exchangeOrganisation } from '../integrations/integrations.service.ts';
import { typed } from '../../platform/http.ts';
import {
  decideReferral,
  expireOverdueReferrals,
  partnerReferrals,
  presentReferral,
  presentWorklistReferral,
  referralWorklist,
  refer,
  type DecisionInput,
  type ReferralInput,
} from './referrals.service.ts';
import { assignOwner, colleagues, OWNED_LISTS, type OwnedList } from './owners.service.ts';
import { appointmentWorklist, cancelAppointment, holdAppointment, planAppointment, presentHandledAppointment } from './appointment-handling.service.ts';
import { eventsAfter, feedParams, MAX_FEED_PAGE } from '../../platform/outbox.ts';

const PROBLEM = { $ref: 'Problem#' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, PROBLEM]));
const insz = { type: 'string', maxLength: 15, description: 'INSZ: national register or bis number (dots and dash allowed).' } as const;
const uuid = { type: 'string', format: 'uuid' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: uuid } } as const;
const nullableString = { type: ['string', 'null'] } as const;

const referralProperties = {
  id: { type: 'string' },
  toOrganisationId: { type: 'string' },
  reason: { type: 'string' },
  description: nullableString,
  referredOn: { type: 'string', format: 'date' },
  respondBy: { type: 'string', format: 'date', description: 'Ten Belgian working days after referredOn.' },
  status: { type: 'string', enum: ['SENT', 'ACCEPTED', 'REJECTED', 'EXPIRED'] },
  decidedOn: nullableString,
  decisionReason: { type: ['string', 'null'], description: 'Code list referral_decision_reason.' },
  version: { type: 'integer' },
} as const;
const referralSchema = { type: 'object', properties: referralProperties } as const;
const partnerReferralSchema = { type: 'object', properties: { ...referralProperties, insz: { type: 'string' } } } as const;
const worklistReferralSchema = {
  type: 'object',
  properties: {
    ...referralProperties,
    personId: { type: 'string' },
    insz: { type: 'string' },
    familyName: { type: 'string' },
    givenNames: { type: 'string' },
    fromOrganisationId: { type: 'string' },
    fromOrganisationName: { type: 'string' },
    ownerId: { ...nullableString, description: 'The staff account that took this item; null: nobody yet.' },
  },
} as const;
const handledAppointmentSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    personId: { type: 'string' },
    insz: { type: 'string' },
    familyName: { type: 'string' },
    givenNames: { type: 'string' },
    requestedById: { type: 'string' },
    requestedByName: { type: 'string' },
    reason: { type: 'string' },
    extraInformation: nullableString,
    wishedDate: nullableString,
    timeWindow: nullableString,
    status: { type: 'string' },
    plannedAt: nullableString,
    officeId: nullableString,
    ownerId: { ...nullableString, description: 'The staff account that took this item; null: nobody yet.' },
    cancellationReason: nullableString,
    version: { type: 'integer' },
  },
} as const;
const eventSchema = {
  type: 'object',
  properties: {
    eventId: { type: 'string', description: 'The id of the event: the same in the feed and in every webhook delivery of it (drop duplicates by it).' },
    seq: { type: 'integer' },
    at: { type: 'string' },
    type: {
      type: 'string',
      enum: [
        'referral.decided',
        'referral.expired',
        'appointment.planned',
        'appointment.held',
        'appointment.cancelled',
        'infringement.transferred',
        'dossier.invalidated',
      ],
    },
    subjectId: {
      type: 'string',
      description: 'The referral, appointment or infringement case; for dossier.invalidated the id of your own integration record of the person.',
    },
    payload: { type: 'object', additionalProperties: true, description: 'Ids, status, codes and dates; never a name or an INSZ.' },
  },
} as const;

export function registerReferralRoutes(http: FastifyInstance, deps: Deps): void {
  const app = typed(http);
  const tags = ['Exchange'];
  const security = [{ bearer: [] }];

  // Two ways in, as for the consultation: a partner client's, and the consultation screen's for staff
  // who act for their partner organisation (an OCMW's social worker refers a client from the screen).
  for (const entrance of [
    { path: '/api/exchange/v1/referrals', config: { access: 'partner' } as FastifyContextConfig, security, tags },
    {
      path: '/api/v1/consultations/referrals',
      config: { access: 'staff', capability: 'consultForOrganisation' } as FastifyContextConfig,
      security: [{ session: [] }],
      tags: ['Consultation screen'],
    },
  ]) {
    app.post(
      entrance.path,
      {
        config: entrance.config,
        schema: {
          tags: entrance.tags,
          security: entrance.security,
          summary: 'Refer a person to an integration agency (toeleiding, seed 003 §59)',
          description:
            'For a person KBI knows and you may consult today for the purpose. The agency decides within ten Belgian working days (respondBy); ' +
            'the outcome arrives in your event feed (referral.decided or referral.expired). Without toOrganisationId the referral goes to the agency ' +
            "that manages the person's dossier. Honours Idempotency-Key.",
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['insz', 'reason'],
            properties: {
              insz,
              purpose: { type: 'string', maxLength: 60, description: 'Code list purpose; default BEGELEIDING_OCMW_CLIENT.' },
              toOrganisationId: uuid,
              reason: { type: 'string', maxLength: 40, description: 'Code list referral_reason.' },
              description: { type: ['string', 'null'], maxLength: 2000, description: 'Why, in a few words. Share no more than needed.' },
            },
            examples: [{ insz: '90.01.10-123.45', reason: 'LEEFLOON', description: 'Wil Nederlands leren en werk zoeken.' }],
          },
          response: { 201: referralSchema, ...errors(400, 401, 403, 404, 422) },
        },
      },
      (req, reply) =>
        idempotentCreate(deps.db, req, reply, async (store) => {
          let answer = { statusCode: 201, body: {} as unknown, headers: {} as Record<string, string> };
          await refer(deps, req.ctx, req.body, async (tx, created) => {
            answer = { statusCode: 201, body: presentReferral(created), headers: { etag: etagOf(created) } };
            await store(tx, answer);
          });
          return answer;
        }),
    );

    app.post(
      `${entrance.path}/search`,
      {
        config: entrance.config,
        schema: {
          tags: entrance.tags,
          security: entrance.security,
          summary: 'Your referrals, of one person or all, newest first, with their status and outcome',
          body: { type: 'object', additionalProperties: false, properties: { insz } },
          response: { 200: { type: 'object', properties: { items: { type: 'array', items: partnerReferralSchema } } }, ...errors(400, 401, 403) },
        },
      },
      async (req) => ({ items: (await partnerReferrals(deps, req.ctx, req.body)).map((r) => ({ ...presentReferral(r), insz: r.insz })) }),
    );
  }

  app.get(
    '/api/exchange/v1/events',
    {
      config: { access: 'partner' },
      schema: {
        tags,
        security,
        summary:
          'Your event feed: the outcome of your referrals, the steps of your appointment requests and changes to the dossiers of your integrated clients, in order',
        description:
          'Poll with after = the `next` of the previous answer (0 the first time). Sequence numbers follow commit order without gaps, so no ' +
          'event is ever skipped (your sequence has gaps: the numbers are shared by every partner). dossier.invalidated: a dossier of a person in your ' +
          'integration register changed in clusters you are authorised for (payload: integrationId, clusters); consult it for the data. The same events ' +
          'are pushed to your webhook when one is registered (signed, at least once, in order).',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'string', pattern: '^[0-9]{1,18}$', default: '0' },
            limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: `1 to ${MAX_FEED_PAGE}; default 100.` },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: eventSchema },
              next: { type: 'string', description: 'The cursor for the next poll.' },
              more: { type: 'boolean' },
              consistentAt: {
                type: 'string',
                format: 'date-time',
                description:
                  'Every event committed before this moment (after your cursor) is in this answer or the pages after it. Normally the moment of your request; when KBI reads the feed from a replica, up to a few seconds earlier (at most KBI_REPLICA_MAX_LAG_SECONDS of the installation, 10 by default): later events come in a later poll, never out of order.',
              },
            },
          },
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const organisationId = exchangeOrganisation(req.ctx, 'reads its event feed');
      const { after, limit } = feedParams(req.query);
      await expireOverdueReferrals(deps);
      // From the streaming replica when one is configured and close enough behind (platform/replica.ts):
      // it holds a prefix of the events in sequence order, so a page from it may end earlier, never skip one.
      const page = deps.reads
        ? await deps.reads.read({}, async (target) => ({ ...(await eventsAfter(target.db, organisationId, after, limit)), consistentAt: target.consistentAt }))
        : { ...(await eventsAfter(deps.db, organisationId, after, limit)), consistentAt: new Date().toISOString() };
      await recordAudit(deps.db, req.ctx, {
        action: 'exchange.events',
        personId: null,
        clusters: [],
        result: 'allowed',
        detail: { after, found: page.items.length },
      });
      return page;
    },
  );

  // ---- the agency's side ---------------------------------------------------------------------
  const staff = ['Worklist'];
  const statusQuery = (list: string) =>
    ({ type: 'object', additionalProperties: false, properties: { status: { type: 'string', maxLength: 20, description: `Code list ${list}.` } } }) as const;
  const ifMatch = 'Send If-Match with the version (ETag) you read: a stale one gets 412 and changes nothing.';

  app.get(
    '/api/v1/worklist/summary',
    {
      // Counts only: every staff member gets the lists their role may handle (possibly none).
      config: { access: 'staff' },
      schema: {
        tags: staff,
        summary: 'Your worklists at a glance: per list the items waiting in your territory, the oldest and how many are overdue',
        response: {
          200: {
            type: 'object',
            properties: {
              lists: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    list: { type: 'string', enum: ['referrals', 'appointments', 'proposals', 'cases', 'certificates', 'registrations', 'attendance'] },
                    count: { type: 'integer' },
                    oldest: { type: ['string', 'null'], format: 'date' },
                    overdue: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...errors(403),
        },
      },
    },
    async (req) => ({ lists: await worklistSummary(deps, req.ctx) }),
  );

  // One route per list, so that the door checks the right handling the list takes before anything else.
  for (const [list, def] of Object.entries(OWNED_LISTS) as [OwnedList, (typeof OWNED_LISTS)[OwnedList]][])
    app.put(
      `/api/v1/worklist/${list}/:id/owner`,
      {
        config: { access: 'staff', permission: { action: def.action, cluster: def.cluster } },
        schema: {
          tags: staff,
          summary: `Take an item of the ${list} list, hand it to a colleague, or let it go (ownerId null)`,
          description:
            'The owner is an active staff account of your organisation whose area of competence holds the person. Send If-Match with the version you read: a stale one gets 412 and changes nothing.',
          params: { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', format: 'uuid' } } },
          body: {
            type: 'object',
            required: ['ownerId'],
            additionalProperties: false,
            properties: { ownerId: { type: ['string', 'null'], format: 'uuid' } },
          },
          response: {
            200: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' }, ownerId: nullableString } },
            ...errors(400, 403, 404, 412, 428),
          },
        },
      },
      async (req, reply) => {
        const row = await assignOwner(deps, req.ctx, list, req.params.id, versionFromIfMatch(req.headers['if-match']), req.body.ownerId ?? null);
        return reply.header('etag', etagOf(row)).send(row);
      },
    );

  app.get(
    '/api/v1/worklist/colleagues',
    {
      config: { access: 'staff' },
      schema: {
        tags: staff,
        summary: 'The colleagues a work item can be handed to: active caseworkers and team leads of your organisation',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: { type: 'object', properties: { id: { type: 'string' }, displayName: { type: 'string' }, role: { type: 'string' } } },
              },
            },
          },
          ...errors(403),
        },
      },
    },
    async (req) => ({ items: await colleagues(deps, req.ctx) }),
  );

  app.get(
    '/api/v1/worklist/referrals',
    {
      config: { access: 'staff', permission: { action: 'update', cluster: 'referrals' } },
      schema: {
        tags: staff,
        summary: 'Referrals to your organisation, for persons in your territory, the closest deadline first',
        querystring: statusQuery('referral_status'),
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: worklistReferralSchema } } }, ...errors(400, 403) },
      },
    },
    async (req) => ({ items: (await referralWorklist(deps, req.ctx, req.query)).map(presentWorklistReferral) }),
  );

  app.post(
    '/api/v1/referrals/:id/decision',
    {
      config: { access: 'staff', permission: { action: 'update', cluster: 'referrals' } },
      schema: {
        tags: staff,
        summary: 'Accept or reject a referral',
        description: `A rejection needs a reason (code list referral_decision_reason). ${ifMatch}`,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['decision'],
          properties: { decision: { type: 'string', enum: ['ACCEPTED', 'REJECTED'] }, reason: { type: ['string', 'null'], maxLength: 40 } },
        },
        response: { 200: referralSchema, ...errors(400, 403, 404, 409, 412, 428) },
      },
    },
    async (req, reply) => {
      const row = await decideReferral(deps, req.ctx, req.params.id, versionFromIfMatch(req.headers['if-match']), req.body);
      return reply.header('etag', etagOf(row)).send(presentReferral(row));
    },
  );

  app.get(
    '/api/v1/worklist/appointments',
    {
      config: { access: 'staff', permission: { action: 'update', cluster: 'appointments' } },
      schema: {
        tags: staff,
        summary: 'Appointments requested by partners for persons in your territory, the earliest first',
        querystring: statusQuery('appointment_status'),
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: handledAppointmentSchema } } }, ...errors(400, 403) },
      },
    },
    async (req) => ({ items: (await appointmentWorklist(deps, req.ctx, req.query)).map((r) => presentHandledAppointment(r)) }),
  );

  const stepRoute = (
    name: string,
    summary: string,
    body: Record<string, unknown>,
    run: (ctx: RequestContext, id: string, version: number, input: any) => Promise<Row>,
  ) =>
    app.post(
      `/api/v1/appointments/:id/${name}`,
      {
        config: { access: 'staff', permission: { action: 'update', cluster: 'appointments' } },
        schema: {
          tags: staff,
          summary,
          description: ifMatch,
          params: idParams,
          body,
          response: { 200: handledAppointmentSchema, ...errors(400, 403, 404, 409, 412, 422, 428) },
        },
      },
      async (req, reply) => {
        const row = await run(req.ctx, req.params.id, versionFromIfMatch(req.headers['if-match']), req.body ?? {});
        return reply.header('etag', etagOf(row)).send(presentHandledAppointment(row));
      },
    );
  stepRoute(
    'plan',
    'Plan (or move) an appointment: a moment and an office of your organisation',
    {
      type: 'object',
      additionalProperties: false,
      required: ['plannedAt', 'officeId'],
      properties: { plannedAt: { type: 'string', maxLength: 40, description: 'Date-time with offset.' }, officeId: uuid },
    },
    (ctx, id, version, input) => planAppointment(deps, ctx, id, version, input),
  );
  stepRoute(
    'hold',
    'Mark a planned appointment held (once its moment has come)',
    { type: 'object', additionalProperties: false, properties: {} },
    (ctx, id, version) => holdAppointment(deps, ctx, id, version),
  );
  stepRoute(
    'cancel',
    'Cancel a registered or planned appointment',
    {
      type: 'object',
      additionalProperties: false,
      properties: { reason: { type: ['string', 'null'], maxLength: 500, description: 'Why (optional; kept with the appointment, never sent in an event).' } },
    },
    (ctx, id, version, input) => cancelAppointment(deps, ctx, id, version, input),
  );
}
