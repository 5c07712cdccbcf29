/** Staff routes of the rules of the decree: a person's attendance against the 80 % rule; the infringement proposals to handle. */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { Problem } from '../../platform/errors.ts';
import { personParams } from '../dossier/schemas.ts';
import { belgianToday } from '../integrations/integrations.service.ts';
import { attendanceOf } from './attendance.service.ts';
import { decideProposal, proposalWorklist, type ProposalDecision } from './proposals.service.ts';
import { caseWorklist, decideCase, handCaseToOcmw, type CaseDecisionInput } from './cases.service.ts';
import { targetGroupAdvice, type Answers } from './target-group.service.ts';
import { certificateWorklist, decideCertificate, type CertificateDecision } from './certificates.service.ts';
import { attendanceFollowUp, registrationFollowUp } from './followup.service.ts';
import { listRuleEvaluations } from './evaluation.service.ts';
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
  registerCaseRoutes(app, deps);
  registerTargetGroupRoutes(app, deps);
  registerCertificateRoutes(app, deps);
  registerFollowUpRoutes(app, deps);
  registerEvaluationRoutes(app, deps);
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

/** What every item a rule proposed has (infringement proposals, certificates to issue). */
const proposedItemProperties = {
  id: { type: 'string' },
  version: { type: 'integer' },
  personId: { type: 'string' },
  insz: { type: 'string' },
  familyName: { type: 'string' },
  givenNames: { type: 'string' },
  ruleId: { type: 'string' },
  detectedOn: { type: 'string', format: 'date' },
  overdue: { type: 'boolean' },
  facts: { type: 'object', additionalProperties: true },
  decidedOn: { type: ['string', 'null'], format: 'date' },
  decisionReason: { type: ['string', 'null'] },
  ownerId: { type: ['string', 'null'], description: 'The staff account that took this item; null: nobody yet.' },
} as const;

const day = (v: unknown) => (v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const presentProposedItem = (r: Row) => ({
  id: r.id,
  version: r.version,
  personId: r.person_id,
  insz: r.insz,
  familyName: r.family_name,
  givenNames: r.given_names,
  ruleId: r.rule_id,
  detectedOn: day(r.detected_on),
  dueOn: r.due_on ?? null,
  overdue: Boolean(r.overdue),
  facts: r.facts,
  status: r.status,
  decidedOn: day(r.decided_on),
  decisionReason: r.decision_reason ?? null,
  ownerId: r.owner_id ?? null,
});

const proposalSchema = {
  type: 'object',
  properties: {
    ...proposedItemProperties,
    type: { type: 'string', description: 'Code list infringement_type.' },
    dueOn: { type: ['string', 'null'], format: 'date', description: 'Handle by this day (deadline proposalHandling: ten working days).' },
    status: { type: 'string', enum: ['OPEN', 'ACCEPTED', 'DISMISSED'] },
    caseId: { type: ['string', 'null'] },
  },
} as const;
const presentProposal = (r: Row) => ({ ...presentProposedItem(r), type: r.type, caseId: r.case_id ?? null });

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

const nullableDay = { type: ['string', 'null'], format: 'date' } as const;
const caseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    version: { type: 'integer' },
    personId: { type: 'string' },
    insz: { type: 'string' },
    familyName: { type: 'string' },
    givenNames: { type: 'string' },
    status: { type: 'string', description: 'Code list infringement_case_status.' },
    openedOn: { type: 'string', format: 'date' },
    dueOn: { ...nullableDay, description: 'Decide by this day (deadline caseDecision).' },
    overdue: { type: 'boolean' },
    agencyOfficeId: { type: ['string', 'null'] },
    ocmwId: { type: ['string', 'null'] },
    ownerId: { type: ['string', 'null'] },
    infringements: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, type: { type: 'string' }, establishedOn: { type: 'string', format: 'date' } } },
    },
    earlierFines: { type: 'integer', description: "The person's fines in other cases." },
    proposedFine: {
      type: ['object', 'null'],
      properties: { amount: { type: 'number' }, minimum: { type: 'number' }, maximum: { type: 'number' }, source: { type: 'string' } },
    },
    livingWage: {
      type: ['object', 'null'],
      description: 'The living wage that runs today: no administrative fine, the case goes to this OCMW.',
      properties: {
        source: { type: 'string', enum: ['INTEGRATION', 'RECORD'] },
        organisationId: { type: 'string' },
        organisationName: { type: 'string' },
        startsOn: { type: 'string', format: 'date' },
        endsOn: nullableDay,
        capacityCode: { type: ['string', 'null'] },
      },
    },
    defaultDeciderId: {
      type: ['string', 'null'],
      description: "Who decides unless named otherwise: the trajectory's sanctioning partner, else the enforcement agency (ABB).",
    },
    decision: {
      type: ['object', 'null'],
      properties: {
        decision: { type: 'string' },
        decidedOn: { type: 'string', format: 'date' },
        fineAmount: { type: ['number', 'null'] },
        decidingOrganisationId: { type: ['string', 'null'] },
        reason: { type: ['string', 'null'] },
      },
    },
  },
} as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const CASE_ERRORS = { 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 412: PROBLEM, 428: PROBLEM } as const;

export function registerCaseRoutes(app: FastifyInstance, deps: Deps): void {
  const permission = { action: 'update', cluster: 'infringements' } as const;
  app.get<{ Querystring: { view?: string } }>(
    '/api/v1/worklist/infringementCases',
    {
      config: { access: 'staff', permission },
      schema: {
        tags: ['Worklist'],
        summary: 'Infringement cases in your territory, the oldest first: awaiting a decision (default), decided, or handed to an OCMW',
        description:
          'Each case with its infringements, the fine the schedule proposes for this person (the amount rises with earlier fines), and the living wage that runs today if any: then no administrative fine is possible and the case goes to the OCMW.',
        querystring: { type: 'object', additionalProperties: false, properties: { view: { type: 'string', enum: ['AWAITING', 'DECIDED', 'OCMW'] } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: caseSchema } } }, 400: PROBLEM, 403: PROBLEM },
      },
    },
    async (req) => ({ items: await caseWorklist(deps, req.ctx, req.query) }),
  );
  app.post<{ Params: { id: string }; Body: CaseDecisionInput }>(
    '/api/v1/infringementCases/:id/decision',
    {
      config: { access: 'staff', permission },
      schema: {
        tags: ['Worklist'],
        summary: 'Decide a case: a fine with its amount (50–5,000 EUR), no fine, or no further action',
        description:
          'Send If-Match with the version you read. A fine for a person on a living wage is refused (hand the case to the OCMW). No fine and no further action need a reason. The deciding organisation defaults to the sanctioning partner of the trajectory, else the enforcement agency (ABB).',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['decision'],
          properties: {
            decision: { type: 'string', enum: ['BOETE', 'GEEN_BOETE', 'GEEN_GEVOLG'] },
            fineAmount: { type: ['number', 'null'] },
            decidedOn: { type: ['string', 'null'], format: 'date' },
            reason: { type: ['string', 'null'], maxLength: 2000 },
            decidingOrganisationId: { type: ['string', 'null'], format: 'uuid' },
          },
        },
        response: { 200: caseSchema, ...CASE_ERRORS },
      },
    },
    async (req, reply) => {
      const item = await decideCase(deps, req.ctx, req.params.id, versionFromIfMatch(req.headers['if-match']), req.body);
      return reply.header('etag', etagOf(item)).send(item);
    },
  );
  app.post<{ Params: { id: string } }>(
    '/api/v1/infringementCases/:id/handToOcmw',
    {
      config: { access: 'staff', permission },
      schema: {
        tags: ['Worklist'],
        summary: 'Hand a case to the OCMW that pays the person a living wage today (no administrative fine; seed 003 §15, §38)',
        description: 'Send If-Match with the version you read. The OCMW is told through its event feed (infringement.transferred).',
        params: idParams,
        response: { 200: caseSchema, ...CASE_ERRORS },
      },
    },
    async (req, reply) => {
      const item = await handCaseToOcmw(deps, req.ctx, req.params.id, versionFromIfMatch(req.headers['if-match']));
      return reply.header('etag', etagOf(item)).send(item);
    },
  );
}

const yesNo = { type: 'boolean' } as const;
const region = { type: 'string', enum: ['FLANDERS', 'BRUSSELS', 'WALLONIA'] } as const;
const answersSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    firstRegisteredOn: { type: 'string', format: 'date', description: 'First registration in the National Register.' },
    firstRegisteredRegion: { ...region, description: 'The region of that first registration.' },
    firstLongResidence: { ...yesNo, description: 'A residence title of more than three months, for the first time.' },
    temporaryStay: { ...yesNo, description: 'A stay for a temporary purpose of at most one year.' },
    bornAbroad: { ...yesNo, description: 'For Belgians: born abroad.' },
    parentBornAbroad: { ...yesNo, description: 'For Belgians: at least one parent born abroad.' },
    ministerOfReligion: { ...yesNo, description: 'A minister of a recognised religion in a locally recognised community.' },
    seriousIllness: { ...yesNo, description: 'Permanently unable to follow the programme through serious illness or disability.' },
    dutchDiploma: { ...yesNo, description: 'A diploma or certificate of Dutch-language education.' },
    earlierCertificate: { ...yesNo, description: 'An integration certificate or equivalent obtained before.' },
  },
} as const;
const reasonList = {
  type: 'array',
  items: { type: 'object', properties: { key: { type: 'string' }, facts: { type: 'object', additionalProperties: true } } },
} as const;

export function registerTargetGroupRoutes(app: FastifyInstance, deps: Deps): void {
  app.post<{ Params: { personId: string }; Body: { on?: string; answers?: Answers } }>(
    '/api/v1/persons/:personId/targetGroupProposal',
    {
      config: { access: 'staff', permission: { action: 'read', cluster: 'targetGroup' } },
      schema: {
        tags: ['Rules'],
        summary: 'Propose the target group of a person: obliged, entitled, minor or not in the target group, with the reasons and the legal source',
        description:
          'From the dossier (nationality, residence status, birth date, the region of the address, national-register or bis number, an earlier certificate) and the answers given, ' +
          'under the version of the rules in force on the day. Writes nothing but the audit record: confirm or override by recording a target-group determination ' +
          'with proposedOutcome and proposalRuleId (a determination that differs needs overrideReason).',
        params: personParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { on: { type: 'string', format: 'date', description: 'The day to judge on (default: today).' }, answers: answersSchema },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              personId: { type: 'string' },
              known: { type: 'object', additionalProperties: true, description: 'The facts as the dossier gives them.' },
              proposal: {
                type: 'object',
                properties: {
                  outcome: { type: 'string', enum: ['PLICHT', 'RECHT', 'MINDERJARIG', 'NONE'] },
                  subtype: { type: ['string', 'null'] },
                  noTargetGroupReason: { type: ['string', 'null'] },
                  exemptionReason: { type: ['string', 'null'] },
                  reasons: reasonList,
                  missing: { type: 'array', items: { type: 'string' } },
                  rule: { type: 'object', properties: { id: { type: 'string' }, validFrom: { type: 'string' }, source: { type: 'string' } } },
                  on: { type: 'string', format: 'date' },
                },
              },
            },
          },
          400: PROBLEM,
          403: PROBLEM,
          404: PROBLEM,
        },
      },
    },
    async (req) => {
      const on = req.body.on ?? belgianToday();
      if (on < '2004-04-01')
        throw new Problem('badRequest', 'on: no target-group rules before 1 April 2004', [
          { in: 'body', name: 'on', detail: 'before 2004-04-01, when the decree took effect' },
        ]);
      return targetGroupAdvice(deps, req.ctx, req.params.personId, on, req.body.answers ?? {});
    },
  );
}

const certificateProposalSchema = {
  type: 'object',
  properties: {
    ...proposedItemProperties,
    trajectoryId: { type: 'string' },
    dueOn: { ...nullableDay, description: 'Issue by this day (deadline certificateIssue: ten working days).' },
    facts: { type: 'object', additionalProperties: true, description: 'Each required part with the component that fulfils it, and the rule.' },
    status: { type: 'string', enum: ['OPEN', 'ISSUED', 'DISMISSED'] },
    certificateId: { type: ['string', 'null'] },
  },
} as const;
const presentCertificateProposal = (r: Row) => ({ ...presentProposedItem(r), trajectoryId: r.trajectory_id, certificateId: r.certificate_id ?? null });

export function registerCertificateRoutes(app: FastifyInstance, deps: Deps): void {
  const permission = { action: 'create', cluster: 'certificates' } as const;
  app.get<{ Querystring: { status?: string } }>(
    '/api/v1/worklist/certificateProposals',
    {
      config: { access: 'staff', permission },
      schema: {
        tags: ['Worklist'],
        summary: 'Integration certificates to issue: trajectories in your territory completed as the rules require, the oldest first',
        querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', maxLength: 20 } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: certificateProposalSchema } } }, 400: PROBLEM, 403: PROBLEM },
      },
    },
    async (req) => ({ items: (await certificateWorklist(deps, req.ctx, req.query)).map(presentCertificateProposal) }),
  );
  app.post<{ Params: { id: string }; Body: CertificateDecision }>(
    '/api/v1/certificateProposals/:id/decision',
    {
      config: { access: 'staff', permission },
      schema: {
        tags: ['Worklist'],
        summary: 'Issue the integration certificate (the trajectory gets the decision JA_IB), or dismiss the proposal with a reason',
        description: 'Send If-Match with the version you read: a stale one gets 412 and changes nothing. A decided proposal gets 409.',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['decision'],
          properties: { decision: { type: 'string', enum: ['ISSUE', 'DISMISS'] }, reason: { type: ['string', 'null'], maxLength: 1000 } },
        },
        response: { 200: certificateProposalSchema, ...CASE_ERRORS },
      },
    },
    async (req, reply) => {
      const row = await decideCertificate(deps, req.ctx, req.params.id, versionFromIfMatch(req.headers['if-match']), req.body);
      return reply.header('etag', etagOf(row)).send(presentCertificateProposal(row));
    },
  );
}

const personPart = {
  personId: { type: 'string' },
  insz: { type: 'string' },
  familyName: { type: 'string' },
  givenNames: { type: 'string' },
  contactName: { type: ['string', 'null'], description: "The dossier's contact person." },
} as const;

export function registerFollowUpRoutes(app: FastifyInstance, deps: Deps): void {
  app.get(
    '/api/v1/worklist/registrations',
    {
      config: { access: 'staff', permission: { action: 'update', cluster: 'registration' } },
      schema: {
        tags: ['Worklist'],
        summary:
          'Obliged newcomers whose registration term runs out within two weeks or ran out in the past year, without a registration: the earliest term first',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    ...personPart,
                    invitationId: { type: 'string' },
                    sentOn: { type: 'string', format: 'date' },
                    registeredLetter: { type: 'boolean' },
                    dueOn: { type: 'string', format: 'date', description: 'The last day of the registration term (deadline registration).' },
                    overdue: { type: 'boolean' },
                    proposed: { type: 'boolean', description: 'The rules proposed the infringement already.' },
                  },
                },
              },
            },
          },
          403: PROBLEM,
        },
      },
    },
    async (req) => ({ items: await registrationFollowUp(deps, req.ctx) }),
  );
  app.get(
    '/api/v1/worklist/attendance',
    {
      config: { access: 'staff', permission: { action: 'read', cluster: 'components' } },
      schema: {
        tags: ['Worklist'],
        summary: 'Running trajectory components whose attendance is below the threshold of the rule in force today: the lowest share present first',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    ...personPart,
                    componentId: { type: 'string' },
                    componentType: { type: 'string' },
                    startDate: { type: 'string', format: 'date' },
                    endDate: nullableDay,
                    presentPercent: { type: ['number', 'null'] },
                    lessons: { type: 'integer' },
                    status: { type: 'string', enum: ['BELOW_REGULAR', 'EARLY_TERMINATION'] },
                    rule: { type: 'object', properties: { id: { type: 'string' }, regularPercent: { type: 'number' } } },
                  },
                },
              },
            },
          },
          403: PROBLEM,
        },
      },
    },
    async (req) => ({ items: await attendanceFollowUp(deps, req.ctx) }),
  );
}

export function registerEvaluationRoutes(app: FastifyInstance, deps: Deps): void {
  app.get<{ Querystring: { limit?: string } }>(
    '/api/v1/ruleEvaluations',
    {
      config: { access: 'staff', capability: 'readRuleEvaluations' },
      schema: {
        tags: ['Rules'],
        summary: 'The runs of the re-evaluation of the rules, newest first: nightly over everyone, or right after changes for the persons they touched',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'string', pattern: '^(?:[1-9][0-9]?|[1-4][0-9]{2}|500)$', description: 'How many runs, 1–500 (default 100).' } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    kind: { type: 'string', enum: ['full', 'persons'] },
                    evaluatedOn: { type: 'string', format: 'date' },
                    startedAt: { type: 'string', format: 'date-time' },
                    finishedAt: { type: ['string', 'null'], format: 'date-time' },
                    seconds: { type: ['number', 'null'] },
                    persons: { type: 'integer' },
                    proposals: { type: 'integer', description: 'New infringement proposals.' },
                    error: { type: ['string', 'null'] },
                    startedBy: { type: 'string' },
                  },
                },
              },
            },
          },
          400: PROBLEM,
          403: PROBLEM,
        },
      },
    },
    async (req, reply) => {
      const items = await listRuleEvaluations(deps.db, Number(req.query.limit ?? 100));
      reply.header('cache-control', 'no-store');
      return { items };
    },
  );
}
