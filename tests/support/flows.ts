/**
 * A working day of KBI in a few hundred requests, for tests that look at what the application sends
 * to the database rather than at what it answers (tests/schema/distribution.test.ts): the demo world
 * (generator and showcase), then every kind of work over the API as the people who do it — search,
 * the dossier now and as known before, every record kind read, listed, versioned, changed and
 * removed, the worklists, the partners' exchange (register, consult in REST and MAGDA SOAP,
 * attendance, referrals, appointments, events, office lookup, housing check, DVZ list, course feeds),
 * the House of Dutch, administration, audit and statistics — and the background jobs (rules,
 * referral expiry, stored documents, audit verification). Every step must succeed: a flow that
 * silently failed would leave its statements unseen.
 */
import { createServer, type AddressInfo } from 'node:net';
import { expectOk, partner, type Res, type TestApp } from './app.ts';
import { envelope, SOAP, vmsw } from './magda.ts';
import { generateDemoData } from '../../server/modules/demo/generator.ts';
import { demoUsername, ensureDemoAccounts } from '../../server/modules/access/access.demo.ts';
import { ensureDemoShowcase } from '../../server/modules/demo/showcase.ts';
import { DOSSIER_RESOURCES, REFERENCE_RESOURCES } from '../../server/modules/dossier/clusters.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';
import { evaluateChanged, evaluateRules } from '../../server/modules/rules/evaluation.service.ts';
import { expireOverdueReferrals } from '../../server/modules/exchange/referrals.service.ts';
import { buildMissingDocuments } from '../../server/modules/dossier/documents.service.ts';
import { verifyAuditChain } from '../../server/modules/audit/audit.verify.ts';
import { untyped } from '../../server/platform/db.ts';
import { makeInsz } from '../../server/platform/identifiers/insz.ts';
import { startRelay } from '../../server/modules/notifications/notifications.relay.ts';

const PURPOSE = 'BEGELEIDING_OCMW_CLIENT';
/** The webhook relay, once through what is due (tests/api/notifications-workers.test.ts runs it for real). */
const RELAY = { pollMs: 60_000, timeoutMs: 2_000, retrySeconds: 60, backoffMs: 60_000, maxBackoffSeconds: 60, leaseSeconds: 10, alertAfter: 5 };
/** A loopback port nothing listens on (it was free a moment ago): a partner or service that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** The environment the working day expects: DISCIMUS configured but not answering. */
export async function workingDayEnv(): Promise<Record<string, string>> {
  return { KBI_DISCIMUS_URL: `http://127.0.0.1:${await closedPort()}`, KBI_DISCIMUS_TIMEOUT_MS: '2000' };
}
const CSV = { 'content-type': 'text/csv; charset=utf-8' };
const LESSONS = ['2022-09-05T09:00:00+02:00', '2022-09-07T09:00:00+02:00'];

export interface FlowReport {
  /** Requests made and jobs run. */
  steps: number;
}

/** Runs the day on a test app (the test's own look-ups go through the same database, but are sent from tests/, not server/). */
export async function workingDay(app: TestApp): Promise<FlowReport> {
  let steps = 0;
  const ok = async (res: Promise<Res>, status = 200): Promise<any> => {
    steps++;
    return expectOk(await res, status);
  };
  const read = untyped(app.database.db);
  const today = belgianToday();
  const codeOf = async (list: string) =>
    (await read.selectFrom('code_list').select('code').where('list', '=', list).orderBy('code').limit(1).executeTakeFirstOrThrow()).code;

  // The demo world: a small population with whole life-cycles, the demo log-ins and every flow in every state.
  await generateDemoData(app.database, { persons: 24, seed: 11 });
  await ensureDemoAccounts(app.database);
  await ensureDemoShowcase(app.app.deps, {
    caseworker: demoUsername('AGENCY_CASEWORKER'),
    teamLead: demoUsername('TEAM_LEAD'),
    ocmwWorker: demoUsername('OCMW_SOCIAL_WORKER'),
    administrator: demoUsername('ADMINISTRATOR'),
  });

  // A caseworker's search and dossier work, as the administrator (who reaches every person).
  const call = app.call;
  const someone = await read.selectFrom('persons').select(['id', 'insz', 'family_name', 'birth_date']).orderBy('id').limit(1).executeTakeFirstOrThrow();
  await ok(call('POST', '/api/v1/persons/search', { familyName: someone.family_name.slice(0, 3), limit: 5 }));
  await ok(call('POST', '/api/v1/persons/search', { insz: someone.insz }));
  await ok(call('POST', '/api/v1/persons/search', { birthDate: someone.birth_date }));
  await ok(call('GET', `/api/v1/persons/${someone.id}`));
  await ok(call('GET', `/api/v1/persons/${someone.id}/versions`));
  await ok(call('GET', `/api/v1/persons/${someone.id}/dossier`));
  await ok(call('GET', `/api/v1/persons/${someone.id}/dossier?asOf=${new Date().toISOString()}`));
  await ok(call('GET', `/api/v1/persons/${someone.id}/timeline`));
  await ok(call('GET', `/api/v1/persons/${someone.id}/attendance?on=${today}`));
  await ok(call('POST', `/api/v1/persons/${someone.id}/targetGroupProposal`, {}));

  // Every kind of record: listed for its person, read, its versions.
  for (const def of DOSSIER_RESOURCES) {
    const row = await read.selectFrom(def.table).select(['id', 'person_id']).orderBy('id').limit(1).executeTakeFirst();
    if (!row) continue;
    await ok(call('GET', `/api/v1/persons/${row.person_id}/${def.resource}`));
    await ok(call('GET', `/api/v1/${def.resource}/${row.id}`));
    await ok(call('GET', `/api/v1/${def.resource}/${row.id}/versions`));
  }
  for (const def of REFERENCE_RESOURCES) {
    await ok(call('GET', `/api/v1/${def.resource}?limit=5`));
    const row = await read.selectFrom(def.table).select('id').orderBy('id').limit(1).executeTakeFirst();
    if (!row) continue;
    await ok(call('GET', `/api/v1/${def.resource}/${row.id}`));
    await ok(call('GET', `/api/v1/${def.resource}/${row.id}/versions`));
  }

  // A new person, records added, one changed with If-Match, one removed.
  const person = await app.factories.person();
  steps++;
  const conversation = await app.factories.add(person.id, 'conversations', {
    heldAt: '2026-11-02T10:00:00Z',
    channel: await codeOf('conversation_channel'),
    text: 'Intake',
  });
  const suspension = await app.factories.add(person.id, 'registrationPostponements', {
    startDate: '2026-11-01',
    endDate: '2026-12-01',
    reason: await codeOf('registration_postponement_reason'),
  });
  steps += 2;
  const current = await app.call('GET', `/api/v1/conversations/${conversation.id}`);
  await ok(call('PATCH', `/api/v1/conversations/${conversation.id}`, { text: 'Intake, tweede gesprek' }, { 'if-match': current.headers.get('etag')! }));
  const gone = await app.call('GET', `/api/v1/registrationPostponements/${suspension.id}`);
  await ok(call('DELETE', `/api/v1/registrationPostponements/${suspension.id}`, undefined, { 'if-match': gone.headers.get('etag')! }), 204);
  const personNow = await app.call('GET', `/api/v1/persons/${person.id}`);
  await ok(call('PATCH', `/api/v1/persons/${person.id}`, { municipality: 'Gent-Zuid' }, { 'if-match': personNow.headers.get('etag')! }));

  // The worklists of the team lead (the whole agency).
  const teamLead = await app.as('TEAM_LEAD');
  for (const list of ['referrals', 'appointments', 'registrations', 'attendance', 'infringementProposals', 'infringementCases', 'certificateProposals'])
    await ok(teamLead.call('GET', `/api/v1/worklist/${list}`));
  await ok(teamLead.call('GET', '/api/v1/worklist/summary'));
  await ok(teamLead.call('GET', '/api/v1/worklist/colleagues'));

  // A partner: its integration register, consults in REST and MAGDA SOAP, attendance, referrals, appointments, its events.
  const ocmw = await partner(app, 'OCMW', 'OCMW Distributie');
  steps++;
  // Its webhook (a closed port: every delivery fails and is retried later, which is bookkeeping too).
  const endpoint = await ok(
    call('PUT', `/api/v1/notifications/endpoints/${ocmw.organisation.id}`, { url: `http://127.0.0.1:${await closedPort()}/kbi-events` }),
    201,
  );
  await ok(ocmw.call('POST', '/api/exchange/v1/integrations', { insz: someone.insz, capacityCode: '1', startsOn: today }), 201);
  await ok(ocmw.call('POST', '/api/exchange/v1/integrations/search', { insz: someone.insz }));
  await ok(ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { insz: someone.insz, purpose: PURPOSE }));
  await ok(ocmw.call('POST', '/api/exchange/v1/dossiers/consult', { insz: someone.insz, purpose: PURPOSE, asOf: new Date().toISOString() }));
  await ok(ocmw.call('POST', '/api/exchange/v1/dossiers/attendance', { insz: someone.insz, purpose: PURPOSE }));
  const clientId = `ocmw-${ocmw.organisation.id.slice(0, 8)}`;
  await ok(
    ocmw.call('POST', SOAP, envelope({ afzender: clientId, hoedanigheid: '1', inhoud: `<INSZ>${someone.insz}</INSZ>` }), {
      'content-type': 'text/xml; charset=utf-8',
    }),
  );
  await ok(
    ocmw.call('POST', '/api/exchange/v1/appointments', { insz: someone.insz, reason: 'INFO_TRAJECT' }, { 'idempotency-key': 'flows-appointment-1' }),
    201,
  );
  await ok(ocmw.call('POST', '/api/exchange/v1/appointments/search', { insz: someone.insz }));
  await ok(ocmw.call('POST', '/api/exchange/v1/referrals/search', {}));
  await ok(ocmw.call('GET', '/api/exchange/v1/events?after=0'));
  await ok(ocmw.call('GET', '/api/exchange/v1/whoami'));
  await ok(ocmw.call('POST', '/api/exchange/v1/offices/search', { postcode: '9000' }));
  // A change to the person's dossier: a change notice for the partner, pushed by the relay.
  await app.factories.add(someone.id, 'conversations', { heldAt: '2026-11-03T10:00:00Z', channel: await codeOf('conversation_channel'), text: 'Opvolging' });
  steps++;
  const relay = startRelay(app.app.deps, RELAY, { info() {}, warn() {}, error() {} });
  try {
    await relay.drain();
  } finally {
    await relay.stop();
  }
  steps++;
  await ok(call('GET', `/api/v1/notifications/endpoints/${endpoint.id}`));
  await ok(call('GET', `/api/v1/notifications/endpoints/${endpoint.id}/attempts`));
  await ok(ocmw.call('POST', '/api/exchange/v1/integrations/end', { insz: someone.insz, capacityCode: '1', endsOn: today }));

  // The housing code's language check (VMSW), over REST and SOAP.
  const housing = await vmsw(app, ['personalia', 'targetGroup', 'certificates']);
  steps += 2;
  await ok(housing.call('POST', '/api/exchange/v1/integrations', { insz: someone.insz, capacityCode: '3003', startsOn: today }), 201);
  await ok(housing.call('POST', '/api/exchange/v1/housing/languageRequirement', { insz: someone.insz, purpose: 'WOONCODE_TAALKENNIS' }));
  await ok(housing.ask(someone.insz));

  // A course feed: enrolments and lessons of a CVO, and the operator's view of the runs.
  const cvo = await partner(app, 'CVO', 'CVO Distributie');
  const course = await ok(
    call('POST', '/api/v1/courses', {
      providerId: cvo.organisation.id,
      courseType: 'NT2',
      name: 'NT2 richtgraad 1',
      trainingCode: 'NT2-RG1',
      startDate: '2022-09-05',
      endDate: '2022-12-20',
    }),
    201,
  );
  const module = await ok(call('POST', '/api/v1/courseModules', { courseId: course.id, code: 'BT1', name: 'Breakthrough 1', hours: 12, sequence: 1 }), 201);
  for (const startsAt of LESSONS) await ok(call('POST', '/api/v1/lessons', { moduleId: module.id, startsAt, durationMinutes: 180 }), 201);
  const enrolments = `insz;trainingCode;courseStart;moduleCode;enrolmentNumber;enrolledOn;startDate;status;targetAttendanceRate\n${person.insz};NT2-RG1;2022-09-05;BT1;CVO-1;2022-08-20;2022-09-05;LOPEND;80\n`;
  await ok(cvo.call('POST', '/api/exchange/v1/imports/enrolments?batchId=e-1', enrolments, CSV));
  const lessons = [
    'insz,trainingCode,courseStart,moduleCode,lessonStart,enrolmentNumber,attendance',
    ...LESSONS.map((t) => `${person.insz},NT2-RG1,2022-09-05,BT1,${t.slice(0, 16)},CVO-1,PRESENT`),
  ];
  const run = await ok(cvo.call('POST', '/api/exchange/v1/imports/participations?batchId=p-1', lessons.join('\r\n') + '\r\n', CSV));
  await ok(cvo.call('GET', '/api/exchange/v1/imports/p-1'));
  await ok(call('GET', '/api/v1/imports'));
  await ok(call('GET', `/api/v1/imports/${run.id}`));

  // The House of Dutch's desk: intake, its queue, a placement on a course with places.
  const house = await app.factories.organisation({ kind: 'HOUSE_OF_DUTCH', name: 'Huis van het Nederlands Distributie', region: 'ANTWERP' });
  const desk = await app.as('HOUSE_OF_DUTCH', { organisationId: house.id });
  const newcomer = await app.factories.person();
  steps += 2;
  await ok(desk.call('POST', '/api/v1/house/intakes', { insz: newcomer.insz }), 201);
  await ok(desk.call('GET', '/api/v1/house/intakes'));
  await ok(desk.call('GET', '/api/v1/house/waitingList'));
  const later = new Date(Date.parse(`${today}T12:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10);
  const provider = await app.factories.organisation({ kind: 'CVO', name: 'CVO Antwerpen', region: 'ANTWERP' });
  steps++;
  const offer = await ok(call('POST', '/api/v1/courses', { providerId: provider.id, courseType: 'NT2', name: 'NT2 dag', startDate: later, places: 5 }), 201);
  await ok(desk.call('POST', '/api/v1/house/placements', { personId: newcomer.id, courseId: offer.id }), 201);

  // DISCIMUS about a minor: the education database is down here (a closed port), so the query is recorded as failed.
  const minor = await app.factories.person({ insz: makeInsz({ birthDate: '2014-03-10', serial: 321 }), birthDate: '2014-03-10' });
  steps++;
  await ok(call('POST', `/api/v1/persons/${minor.id}/discimusQueries`, {}), 503);
  await ok(call('GET', `/api/v1/persons/${minor.id}/discimusQueries`));

  // Administration, audit and statistics.
  const officer = await app.as('PRIVACY_OFFICER');
  await ok(officer.call('POST', '/api/v1/audit/search', { limit: 20 }));
  await ok(officer.call('POST', '/api/v1/audit/personReport', { insz: someone.insz }));
  await ok(officer.call('GET', '/api/v1/audit/integrationAnomalies'));
  await ok(call('GET', '/api/v1/users'));
  await ok(call('POST', '/api/v1/users/names', { ids: [officer.userId] }));
  await ok(call('GET', '/api/v1/session'));
  await ok(call('GET', '/api/v1/partnerClients'));
  await ok(call('GET', '/api/v1/authorisations'));
  await ok(call('GET', '/api/v1/notifications/endpoints'));
  await ok(call('GET', '/api/v1/notifications/deadLetters'));
  const analyst = await app.as('MONITORING_ANALYST');
  const month = today.slice(0, 7);
  await ok(analyst.call('POST', '/api/v1/statistics/exchanges', { from: month, to: month }));
  const sets = (await ok(analyst.call('GET', '/api/v1/statistics/sets'))).sets as { id: string }[];
  for (const set of sets) await ok(analyst.call('GET', `/api/v1/statistics/sets/${set.id}/result?year=2022`));
  await ok(analyst.call('GET', `/api/v1/statistics/sets/${sets[0]!.id}/result?year=2022&asOf=2023-01-15T00:00:00Z`));
  await ok(call('GET', '/api/v1/ruleEvaluations'));

  // The background jobs.
  await evaluateRules(app.database.db, { on: today, actor: 'system:test' });
  await evaluateChanged(app.database.db, today, 'system:test');
  await expireOverdueReferrals(app.app.deps, today);
  await buildMissingDocuments(app.database);
  await verifyAuditChain(app.database.db);
  steps += 5;
  return { steps };
}
