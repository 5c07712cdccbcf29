/** Staff routes of the House of Dutch's own day: intake by INSZ, its intakes by step, the waiting list as a queue, the placement. */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { byTable, present } from '../dossier/clusters.ts';
import { houseIntakes, placeOnCourse, startIntake, waitingQueue, type IntakeInput, type PlacementInput } from './house.service.ts';

const PROBLEM = { $ref: 'Problem#' };
const tags = ['House of Dutch'];
const date = { type: 'string', format: 'date' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const anyRow = { type: 'object', additionalProperties: true } as const;

const intakeItem = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    personId: { type: 'string' },
    insz: { type: 'string' },
    familyName: { type: 'string' },
    givenNames: { type: 'string' },
    intakeOn: { type: 'string' },
    referredBy: nullableString,
    test: { type: ['object', 'null'], additionalProperties: true },
    advice: { type: ['object', 'null'], additionalProperties: true },
    waiting: { type: ['object', 'null'], additionalProperties: true },
    enrolment: { type: ['object', 'null'], additionalProperties: true },
    stage: { type: 'string', enum: ['TEST', 'ADVICE', 'PLACEMENT', 'WAITING', 'PLACED', 'CLOSED'] },
    daysOpen: { type: 'integer' },
  },
} as const;

const course = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    courseType: { type: 'string' },
    targetLevel: nullableString,
    providerId: { type: 'string' },
    provider: { type: 'string' },
    location: nullableString,
    startDate: { type: 'string' },
    endDate: nullableString,
    places: { type: 'integer' },
    free: { type: 'integer' },
  },
} as const;

export function registerHouseRoutes(app: FastifyInstance, deps: Deps): void {
  app.post<{ Body: IntakeInput }>(
    '/api/v1/house/intakes',
    {
      config: { access: 'staff', capability: 'houseOfDutchDesk' },
      schema: {
        tags,
        summary: 'Take a person in for Dutch lessons, by INSZ (registers the person when the KBI does not know the INSZ yet)',
        description:
          'Records the intake at your House of Dutch; the person becomes a client of the House. For an INSZ the KBI does not know, give `person` ' +
          '(family name, given names, gender, nationality): without it the answer is 422 naming each missing field. Tells whether an agency follows the person.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['insz'],
          properties: {
            insz: { type: 'string', maxLength: 20 },
            intakeOn: date,
            officeId: { type: ['string', 'null'], format: 'uuid' },
            referredBy: { type: ['string', 'null'], maxLength: 40 },
            remarks: { type: ['string', 'null'], maxLength: 2000 },
            person: {
              type: 'object',
              additionalProperties: false,
              properties: {
                familyName: { type: 'string', maxLength: 200 },
                givenNames: { type: 'string', maxLength: 200 },
                birthDate: { type: ['string', 'null'], format: 'date' },
                gender: { type: 'string', maxLength: 40 },
                nationality: { type: 'string', maxLength: 40 },
                correspondenceLanguage: { type: ['string', 'null'], enum: ['nl', 'fr', 'en', null] },
              },
            },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              intake: anyRow,
              personId: { type: 'string' },
              personCreated: { type: 'boolean' },
              followedBy: { type: ['object', 'null'], properties: { organisation: { type: 'string' }, office: nullableString } },
            },
          },
          400: PROBLEM,
          403: PROBLEM,
          422: PROBLEM,
        },
      },
    },
    async (req, reply) => {
      const started = await startIntake(deps, req.ctx, req.body);
      return reply.code(201).send({ ...started, intake: present(byTable.get('language_intakes')!, started.intake) });
    },
  );

  app.get<{ Querystring: { open?: 'true' | 'false' } }>(
    '/api/v1/house/intakes',
    {
      config: { access: 'staff', capability: 'houseOfDutchDesk' },
      schema: {
        tags,
        summary: "Your House's intakes of the past year with the step each is at (test, advice, placement), the oldest first",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { open: { type: 'string', enum: ['true', 'false'], description: 'true: only intakes still waiting for a step.' } },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: intakeItem } } }, 403: PROBLEM },
      },
    },
    async (req) => ({ items: await houseIntakes(deps, req.ctx, { open: req.query.open === 'true' }) }),
  );

  app.get(
    '/api/v1/house/waitingList',
    {
      config: { access: 'staff', capability: 'houseOfDutchDesk' },
      schema: {
        tags,
        summary: "Your House's waiting list as a queue: who waits for a course, the longest first, with the next free places in your region",
        response: {
          200: {
            type: 'object',
            properties: {
              house: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
              today: { type: 'string' },
              oldestWaitingDays: { type: ['integer', 'null'] },
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    version: { type: 'integer' },
                    position: { type: 'integer' },
                    personId: { type: 'string' },
                    insz: { type: 'string' },
                    familyName: { type: 'string' },
                    givenNames: { type: 'string' },
                    courseType: { type: 'string' },
                    appliedOn: { type: 'string' },
                    waitingDays: { type: 'integer' },
                    providerId: nullableString,
                    provider: nullableString,
                    advice: {
                      type: ['object', 'null'],
                      properties: { adviceType: { type: 'string' }, advisedLevel: nullableString, intensity: nullableString },
                    },
                  },
                },
              },
              freePlaces: { type: 'array', items: course },
            },
          },
          403: PROBLEM,
        },
      },
    },
    async (req) => waitingQueue(deps, req.ctx),
  );

  app.post<{ Body: PlacementInput }>(
    '/api/v1/house/placements',
    {
      config: { access: 'staff', capability: 'houseOfDutchDesk' },
      schema: {
        tags,
        summary: 'Place a person on a course with a free place (from the waiting list or straight after the advice)',
        description:
          'Creates the enrolment and, when a waiting-list entry is given, marks it placed, in one transaction; a course without a free place answers 409. ' +
          'Give the waiting-list entry with the version you read (412 when someone changed it since).',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['personId', 'courseId'],
          properties: {
            personId: { type: 'string', format: 'uuid' },
            courseId: { type: 'string', format: 'uuid' },
            waitingListEntryId: { type: 'string', format: 'uuid' },
            waitingListVersion: { type: 'integer', minimum: 1 },
            validFrom: { type: 'string', format: 'date-time' },
          },
        },
        response: {
          201: { type: 'object', properties: { enrolment: anyRow, waitingListEntry: { type: ['object', 'null'], additionalProperties: true } } },
          400: PROBLEM,
          403: PROBLEM,
          404: PROBLEM,
          409: PROBLEM,
          412: PROBLEM,
        },
      },
    },
    async (req, reply) => {
      const placed = await placeOnCourse(deps, req.ctx, req.body);
      return reply.code(201).send({
        enrolment: present(byTable.get('enrolments')!, placed.enrolment),
        waitingListEntry: placed.waitingListEntry && present(byTable.get('waiting_list_entries')!, placed.waitingListEntry),
      });
    },
  );
}
