/**
 * Every role × every staff route. The expectation for each route comes from the rule book
 * (access.policy.ts) and the resource definitions (clusters.ts), never from the route's own
 * declaration: a route that declared the wrong right, or none, fails here. A staff route without
 * an entry in this table fails too, so a new endpoint cannot slip past the matrix. "Allowed" means
 * the door and the role let the request through (no 401 or 403; the ids are made up, so a 404 or a
 * 400 for an empty body is what an allowed role gets); a refusal is a 403, audited once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { startTestApp } from '../support/app.ts';
import { POLICY, ROLES, roleAllows, type Action, type Role } from '../../server/modules/access/access.policy.ts';
import { DOSSIER_RESOURCES, PERSON_RESOURCE, REFERENCE_RESOURCES, type ClusterName } from '../../server/modules/dossier/clusters.ts';
import type { Capability } from '../../server/platform/access.ts';
import { OWNED_LISTS } from '../../server/modules/exchange/owners.service.ts';

const which = TEST_DATABASES[TEST_DATABASES.length - 1]!; // PostgreSQL when available, else PGlite

type Rule = (role: Role) => boolean;
const right =
  (action: Action, cluster: ClusterName | null, table?: string): Rule =>
  (role) =>
    roleAllows(role, action, cluster, table);
const capability =
  (c: Capability): Rule =>
  (role) =>
    POLICY[role][c];
const everyone: Rule = () => true;

/** The rule book's answer for every staff route, by its pattern. */
function expectations(): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  const add = (method: string, url: string, rule: Rule) => rules.set(`${method} ${url}`, rule);
  for (const def of DOSSIER_RESOURCES) {
    const c = def.cluster as ClusterName;
    add('GET', `/api/v1/persons/:personId/${def.resource}`, right('read', c, def.table));
    add('POST', `/api/v1/persons/:personId/${def.resource}`, right('create', c, def.table));
    add('GET', `/api/v1/${def.resource}/:id`, right('read', c, def.table));
    add('GET', `/api/v1/${def.resource}/:id/versions`, right('read', c, def.table));
    add('PATCH', `/api/v1/${def.resource}/:id`, right('update', c, def.table));
    add('DELETE', `/api/v1/${def.resource}/:id`, right('delete', c, def.table));
  }
  for (const def of REFERENCE_RESOURCES) {
    add('GET', `/api/v1/${def.resource}`, everyone);
    add('POST', `/api/v1/${def.resource}`, right('create', null, def.table));
    add('GET', `/api/v1/${def.resource}/:id`, everyone);
    add('GET', `/api/v1/${def.resource}/:id/versions`, everyone);
    add('PATCH', `/api/v1/${def.resource}/:id`, right('update', null, def.table));
    add('DELETE', `/api/v1/${def.resource}/:id`, right('delete', null, def.table));
  }
  const person = PERSON_RESOURCE;
  add('POST', '/api/v1/persons', right('create', 'personalia', person.table));
  add('GET', '/api/v1/persons/:id', right('read', 'personalia', person.table));
  add('GET', '/api/v1/persons/:id/versions', right('read', 'personalia', person.table));
  add('PATCH', '/api/v1/persons/:id', right('update', 'personalia', person.table));
  add('DELETE', '/api/v1/persons/:id', right('delete', 'personalia', person.table));
  add('POST', '/api/v1/persons/search', right('search', 'personalia'));
  add('GET', '/api/v1/persons/:personId/dossier', right('read', 'personalia'));
  add('GET', '/api/v1/persons/:personId/timeline', right('read', 'personalia'));
  add('GET', '/api/v1/persons/:personId/discimusQueries', right('read', 'targetGroup'));
  add('GET', '/api/v1/worklist/infringementProposals', right('update', 'infringements'));
  add('GET', '/api/v1/worklist/summary', everyone);
  add('POST', '/api/v1/infringementProposals/:id/decision', right('update', 'infringements'));
  add('GET', '/api/v1/worklist/infringementCases', right('update', 'infringements'));
  add('POST', '/api/v1/infringementCases/:id/decision', right('update', 'infringements'));
  add('POST', '/api/v1/infringementCases/:id/handToOcmw', right('update', 'infringements'));
  add('GET', '/api/v1/worklist/certificateProposals', right('create', 'certificates'));
  add('GET', '/api/v1/worklist/registrations', right('update', 'registration'));
  add('GET', '/api/v1/worklist/attendance', (role) => right('read', 'components')(role) && right('read', 'courses')(role));
  add('POST', '/api/v1/certificateProposals/:id/decision', right('create', 'certificates'));
  add('POST', '/api/v1/persons/:personId/targetGroupProposal', (role) => right('read', 'targetGroup')(role) && right('read', 'personalia')(role));
  add('GET', '/api/v1/persons/:personId/attendance', (role) => right('read', 'courses')(role) && right('read', 'components')(role));
  add('POST', '/api/v1/persons/:personId/discimusQueries', right('create', 'targetGroup'));
  for (const url of ['/api/v1/session', '/api/v1/resources', '/api/v1/codeLists', '/api/v1/codeLists/:list']) add('GET', url, everyone);
  add('POST', '/api/v1/users/names', everyone);
  add('DELETE', '/api/v1/session', everyone);
  add('GET', '/api/v1/users', capability('manageUsers'));
  add('POST', '/api/v1/users', capability('manageUsers'));
  add('PATCH', '/api/v1/users/:id', capability('manageUsers'));
  add('GET', '/api/v1/partnerClients', capability('manageUsers'));
  add('POST', '/api/v1/partnerClients', capability('manageUsers'));
  add('POST', '/api/v1/partnerClients/:id/secret', capability('manageUsers'));
  add('PATCH', '/api/v1/partnerClients/:id', capability('manageUsers'));
  add('GET', '/api/v1/partnerClients/:id/certificates', capability('manageUsers'));
  add('POST', '/api/v1/partnerClients/:id/certificates', capability('manageUsers'));
  add('DELETE', '/api/v1/partnerClients/:id/certificates/:certificateId', capability('manageUsers'));
  add('GET', '/api/v1/notifications/endpoints', capability('manageUsers'));
  add('PUT', '/api/v1/notifications/endpoints/:organisationId', capability('manageUsers'));
  add('GET', '/api/v1/notifications/endpoints/:id', capability('manageUsers'));
  add('POST', '/api/v1/notifications/endpoints/:id/secret', capability('manageUsers'));
  add('GET', '/api/v1/notifications/endpoints/:id/attempts', capability('manageUsers'));
  add('GET', '/api/v1/notifications/deadLetters', capability('manageUsers'));
  add('POST', '/api/v1/notifications/replay', capability('manageUsers'));
  add('POST', '/api/v1/audit/personReport', capability('readAudit'));
  add('POST', '/api/v1/audit/search', capability('readAudit'));
  add('GET', '/api/v1/audit/integrationAnomalies', capability('readAudit'));
  add('POST', '/api/v1/statistics/exchanges', capability('readUsageStatistics'));
  for (const url of [
    'sets',
    'sets/:setId',
    'sets/:setId/documentation',
    'sets/:setId/result',
    'publications',
    'publications/:publicationId',
    'publications/:publicationId/restatement',
  ])
    add('GET', `/api/v1/statistics/${url}`, capability('readStatistics'));
  add('POST', '/api/v1/statistics/sets/:setId/versions/:version/validations', capability('validateStatistics'));
  add('POST', '/api/v1/statistics/publications', capability('publishStatistics'));
  add('GET', '/api/v1/authorisations', capability('manageAuthorisations'));
  add('GET', '/api/v1/authorisations/:id', capability('manageAuthorisations'));
  add('POST', '/api/v1/authorisations', capability('manageAuthorisations'));
  add('PATCH', '/api/v1/authorisations/:id', capability('manageAuthorisations'));
  add('POST', '/api/v1/integrations/search', capability('manageAuthorisations'));
  add('POST', '/api/v1/integrations', capability('recordIntegrations'));
  add('GET', '/api/v1/imports', capability('readImportRuns'));
  add('GET', '/api/v1/ruleEvaluations', capability('readRuleEvaluations'));
  add('GET', '/api/v1/imports/:id', capability('readImportRuns'));
  for (const path of [
    'dossier',
    'attendance',
    'referrals',
    'referrals/search',
    'integrations',
    'integrations/end',
    'integrations/search',
    'appointments',
    'appointments/search',
  ])
    add('POST', `/api/v1/consultations/${path}`, capability('consultForOrganisation'));
  add('GET', '/api/v1/worklist/referrals', right('update', 'referrals'));
  add('POST', '/api/v1/referrals/:id/decision', right('update', 'referrals'));
  add('GET', '/api/v1/worklist/appointments', right('update', 'appointments'));
  for (const step of ['plan', 'hold', 'cancel']) add('POST', `/api/v1/appointments/:id/${step}`, right('update', 'appointments'));
  for (const [list, def] of Object.entries(OWNED_LISTS)) add('PUT', `/api/v1/worklist/${list}/:id/owner`, right(def.action, def.cluster));
  add('GET', '/api/v1/worklist/colleagues', everyone);
  for (const [method, url] of [
    ['POST', 'intakes'],
    ['GET', 'intakes'],
    ['GET', 'waitingList'],
    ['POST', 'placements'],
  ])
    add(method!, `/api/v1/house/${url}`, capability('houseOfDutchDesk'));
  return rules;
}

test(`every role × every staff route is allowed or refused exactly as the rule book says (${which.name})`, async (t) => {
  const app = await startTestApp(t, which, { KBI_RATE_LIMIT_PER_MINUTE: '0' });
  const agency = await app.factories.organisation();
  const office = await app.factories.office(agency.id);
  const person = await app.factories.person();
  await app.factories.add(person.id, 'caseLead', { openedOn: '2023-01-02', managingOfficeId: office.id, caseLeadOrganisationId: agency.id });
  // The organisation advised the person too: as a House of Dutch its role sees its clients (territory clients).
  await app.factories.add(person.id, 'advice', { source: 'HOUSE_OF_DUTCH', adviceType: 'CVO_STANDAARD', givenOn: '2023-01-15', givenById: agency.id });

  const rules = expectations();
  const staffRoutes = app.app.routes.filter((r) => r.access === 'staff' && r.method !== 'HEAD');
  const declared = new Set(staffRoutes.map((r) => `${r.method} ${r.url}`));
  assert.deepEqual(
    [...declared].filter((k) => !rules.has(k)),
    [],
    'staff routes without an entry in the matrix',
  );
  assert.deepEqual(
    [...rules.keys()].filter((k) => !declared.has(k)),
    [],
    'matrix entries for routes that do not exist',
  );

  const denied = async () =>
    Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE result = 'denied'`.execute(app.database.db)).rows[0]!.n);
  const deniedBefore = await denied();
  let refusals = 0,
    checked = 0;
  const mistakes: string[] = [];
  // Log-out last: it ends the caller's session.
  const order = [...staffRoutes].sort(
    (a, b) => Number(a.url === '/api/v1/session' && a.method === 'DELETE') - Number(b.url === '/api/v1/session' && b.method === 'DELETE'),
  );
  for (const role of ROLES) {
    const { call } = await app.as(role, { organisationId: agency.id, officeIds: [office.id] });
    for (const route of order) {
      const path = route.url
        .replace(':personId', person.id)
        .replace(':list', 'staff_role')
        .replace(/:[A-Za-z]+/g, () => randomUUID());
      const body = ['POST', 'PATCH', 'PUT'].includes(route.method) ? {} : undefined;
      const res = await call(route.method, path, body, { 'if-match': '"1"' });
      const allowed = rules.get(`${route.method} ${route.url}`)!(role);
      checked++;
      if (res.status === 401) mistakes.push(`${role} ${route.method} ${route.url}: 401 (${res.body?.detail})`);
      else if (allowed && res.status === 403) mistakes.push(`${role} ${route.method} ${route.url}: refused, but the rule book allows it (${res.body?.detail})`);
      else if (!allowed && res.status !== 403) mistakes.push(`${role} ${route.method} ${route.url}: ${res.status}, but the rule book refuses it`);
      if (res.status === 403) refusals++;
    }
  }
  assert.deepEqual(mistakes, []);
  assert.ok(checked === ROLES.length * staffRoutes.length && refusals > checked / 4, `${checked} checks, ${refusals} refusals`);
  assert.equal((await denied()) - deniedBefore, refusals, 'every refusal left exactly one audit record');
});
