/** Staff routes of the rules of the decree: a person's attendance against the 80 % rule. */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { Problem } from '../../platform/errors.ts';
import { personParams } from '../dossier/schemas.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import { attendanceOf } from './attendance.service.ts';

const PROBLEM = { $ref: 'Problem#' };

const figures = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    countedMinutes: { type: 'integer' },
    presentMinutes: { type: 'integer' },
    absentMinutes: { type: 'integer' },
    justifiedMinutes: { type: 'integer' },
    suspendedMinutes: { type: 'integer' },
    lessons: { type: 'integer' },
    presentPercent: { type: ['number', 'null'] },
    status: { type: 'string', enum: ['REGULAR', 'BELOW_REGULAR', 'EARLY_TERMINATION', 'NO_LESSONS'] },
  },
} as const;

const attendanceSchema = {
  type: 'object',
  properties: {
    personId: { type: 'string' },
    on: { type: 'string', format: 'date' },
    rule: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        validFrom: { type: 'string' },
        validTo: { type: ['string', 'null'] },
        regularPercent: { type: 'number' },
        earlyTerminationAbsentPercent: { type: ['number', 'null'] },
        source: { type: 'string' },
      },
    },
    outcome: { type: 'string', enum: ['REGULAR', 'IRREGULAR', 'EARLY_TERMINATION', 'NOT_REGULAR', 'NO_LESSONS'] },
    infringementType: { type: ['string', 'null'], description: 'Code list infringement_type: what these facts are under the rule, if anything.' },
    components: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          componentId: { type: ['string', 'null'] },
          type: { type: ['string', 'null'] },
          status: { type: ['string', 'null'] },
          figures,
          suspensions: {
            type: 'array',
            items: { type: 'object', properties: { start: { type: 'string' }, end: { type: ['string', 'null'] } } },
          },
          enrolments: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                ...figures.properties,
                enrolmentId: { type: 'string' },
                course: { type: 'string' },
                courseType: { type: 'string' },
                module: { type: ['string', 'null'] },
                enrolmentStatus: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
} as const;

export function registerRuleRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Params: { personId: string }; Querystring: { on?: string } }>(
    '/api/v1/persons/:personId/attendance',
    {
      // The door checks the courses cluster before validation; the service checks components too.
      config: { access: 'staff', permission: { action: 'read', cluster: 'courses' } },
      schema: {
        tags: ['Rules'],
        summary: "The person's attendance per trajectory component and course against the 80 % rule (seed 003 §35), as known on a day",
        description:
          'Per component (a part of the programme) and per enrolment: minutes present, absent, excused and suspended, the percentage present and its status; ' +
          'and the outcome under the version of the rule in force on that day (until 28/02/2022: irregular or unlawful early termination; from 01/03/2022: not regular). ' +
          'Excused absences leave the base; lessons during a suspension and lessons after the day do not count.',
        params: personParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { on: { type: 'string', format: 'date', description: 'The day to judge on (default: today, Belgian time).' } },
        },
        response: { 200: attendanceSchema, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM },
      },
    },
    async (req) => {
      const on = req.query.on ?? belgianToday();
      if (on < '2004-04-01')
        throw new Problem('badRequest', 'on: no attendance rule before 1 April 2004', [
          { in: 'query', name: 'on', detail: 'before 2004-04-01, when the decree took effect' },
        ]);
      return attendanceOf(deps, req.ctx, req.params.personId, on);
    },
  );
}
