/** Staff routes of the rules of the decree: a person's attendance against the 80 % rule; the infringement proposals to handle. */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { Problem } from '../../platform/errors.ts';
import { personParams } from '../dossier/schemas.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import { attendanceOf } from './attendance.service.ts';
import { decideProposal, proposalWorklist, type ProposalDecision } from './proposals.service.ts';
import type { Row } from '../../platform/db.ts';
import { etagOf, versionFromIfMatch } from '../../platform/http.ts';

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
  registerProposalRoutes(app, deps);
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

const proposalSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    version: { type: 'integer' },
    personId: { type: 'string' },
    insz: { type: 'string' },
    familyName: { type: 'string' },
    givenNames: { type: 'string' },
    type: { type: 'string', description: 'Code list infringement_type.' },
    ruleId: { type: 'string' },
    detectedOn: { type: 'string', format: 'date' },
    dueOn: { type: ['string', 'null'], format: 'date', description: 'Handle by this day (deadline proposalHandling: ten working days).' },
    overdue: { type: 'boolean' },
    facts: { type: 'object', additionalProperties: true },
    status: { type: 'string', enum: ['OPEN', 'ACCEPTED', 'DISMISSED'] },
    caseId: { type: ['string', 'null'] },
    decidedOn: { type: ['string', 'null'] },
    decisionReason: { type: ['string', 'null'] },
  },
} as const;

const day = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const presentProposal = (r: Row) => ({
  id: r.id,
  version: r.version,
  personId: r.person_id,
  insz: r.insz,
  familyName: r.family_name,
  givenNames: r.given_names,
  type: r.type,
  ruleId: r.rule_id,
  detectedOn: day(r.detected_on),
  dueOn: r.due_on ?? null,
  overdue: Boolean(r.overdue),
  facts: r.facts,
  status: r.status,
  caseId: r.case_id ?? null,
  decidedOn: day(r.decided_on),
  decisionReason: r.decision_reason ?? null,
});

export function registerProposalRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: { status?: string } }>(
    '/api/v1/worklist/infringementProposals',
    {
      config: { access: 'staff', permission: { action: 'update', cluster: 'infringements' } },
      schema: {
        tags: ['Worklist'],
        summary: 'Infringements the rules proposed for persons in your territory, the oldest first, with the facts behind each',
        querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', maxLength: 20 } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: proposalSchema } } }, 400: PROBLEM, 403: PROBLEM },
      },
    },
    async (req) => ({ items: (await proposalWorklist(deps, req.ctx, req.query)).map(presentProposal) }),
  );
  app.post<{ Params: { id: string }; Body: ProposalDecision }>(
    '/api/v1/infringementProposals/:id/decision',
    {
      config: { access: 'staff', permission: { action: 'update', cluster: 'infringements' } },
      schema: {
        tags: ['Worklist'],
        summary: 'Accept a proposal into a new infringement case, or dismiss it with a reason',
        description: 'Send If-Match with the version you read: a stale one gets 412 and changes nothing. A decided proposal gets 409.',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['decision'],
          properties: { decision: { type: 'string', enum: ['ACCEPT', 'DISMISS'] }, reason: { type: ['string', 'null'], maxLength: 1000 } },
        },
        response: { 200: proposalSchema, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 412: PROBLEM, 428: PROBLEM },
      },
    },
    async (req, reply) => {
      const row = await decideProposal(deps, req.ctx, req.params.id, versionFromIfMatch(req.headers['if-match']), req.body);
      return reply.header('etag', etagOf(row)).send(presentProposal(row));
    },
  );
}
