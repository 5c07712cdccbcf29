/**
 * The demo world holds every flow in every state (issue 14), seen the way each demo user sees it:
 * logged in over HTTP with the demo log-ins themselves (user name and the password `npm start`
 * prints), through the API of the screen they would use. A table says, per role, which list of
 * which flow must show an item in which state; every cell must be non-empty, on both databases
 * (the administrator's: the change notices to the demo OCMW's webhook, in every state).
 * Work items come taken (by the caseworker) and not taken. Making the showcase again adds nothing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp, type Call, type TestApp } from '../support/app.ts';
import { generateDemoData } from '../../server/modules/demo/generator.ts';
import { demoPassword, demoUsername, ensureDemoAccounts } from '../../server/modules/access/access.demo.ts';
import { ensureDemoShowcase, SHOWCASE_ACTOR, showcasePersons } from '../../server/modules/demo/showcase.ts';
import type { Role } from '../../server/modules/access/access.policy.ts';

const ACCOUNTS = {
  caseworker: demoUsername('AGENCY_CASEWORKER'),
  teamLead: demoUsername('TEAM_LEAD'),
  ocmwWorker: demoUsername('OCMW_SOCIAL_WORKER'),
  administrator: demoUsername('ADMINISTRATOR'),
};

/** Logs in with the demo account of `role`, as a person would on the log-in screen. */
async function logIn(app: TestApp, role: Role): Promise<Call> {
  const session = await app.anonymous('POST', '/api/v1/session', { username: demoUsername(role), password: demoPassword(role) });
  assert.equal(session.status, 200, `${role} logs in with the demo log-in`);
  const cookie = session.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = session.body.csrfToken as string;
  return (method, path, body, headers = {}) => app.anonymous(method, path, body, { cookie, 'x-csrf-token': csrf, ...headers });
}

type Item = Record<string, any>;
/** One cell of the table: a list the role opens, and what must be in it. */
interface Expectation {
  flow: string;
  state: string;
  /** The items of that list (one or more requests of the screen's API). */
  items: (call: Call) => Promise<Item[]>;
  /** Which of them count; default: all. */
  where?: (item: Item) => boolean;
}

const get = (path: string) => async (call: Call) => (await expectOk(await call('GET', path))).items as Item[];
const owned = (i: Item) => i.ownerId !== null;
const free = (i: Item) => i.ownerId === null;

/** The caseworker's worklist and dossiers; the team lead has the same lists over the whole organisation. */
function agencyTable(): Expectation[] {
  const rows: Expectation[] = [];
  for (const state of ['SENT', 'ACCEPTED', 'REJECTED', 'EXPIRED'])
    rows.push({ flow: 'referrals', state, items: get(`/api/v1/worklist/referrals?status=${state}`) });
  rows.push({ flow: 'referrals', state: 'SENT, taken', items: get('/api/v1/worklist/referrals?status=SENT'), where: owned });
  rows.push({ flow: 'referrals', state: 'SENT, nobody', items: get('/api/v1/worklist/referrals?status=SENT'), where: free });
  for (const state of ['REGISTERED', 'PLANNED', 'HELD', 'CANCELLED'])
    rows.push({ flow: 'appointments', state, items: get(`/api/v1/worklist/appointments?status=${state}`) });
  rows.push({ flow: 'appointments', state: 'REGISTERED, taken', items: get('/api/v1/worklist/appointments?status=REGISTERED'), where: owned });
  rows.push({ flow: 'appointments', state: 'REGISTERED, nobody', items: get('/api/v1/worklist/appointments?status=REGISTERED'), where: free });
  for (const state of ['OPEN', 'ACCEPTED', 'DISMISSED'])
    rows.push({ flow: 'infringement proposals', state, items: get(`/api/v1/worklist/infringementProposals?status=${state}`) });
  rows.push({ flow: 'infringement proposals', state: 'OPEN, taken', items: get('/api/v1/worklist/infringementProposals'), where: owned });
  rows.push({ flow: 'infringement proposals', state: 'OPEN, nobody', items: get('/api/v1/worklist/infringementProposals'), where: free });
  rows.push({ flow: 'infringement cases', state: 'awaiting, taken', items: get('/api/v1/worklist/infringementCases?view=AWAITING'), where: owned });
  rows.push({ flow: 'infringement cases', state: 'awaiting, nobody', items: get('/api/v1/worklist/infringementCases?view=AWAITING'), where: free });
  for (const decision of ['BOETE', 'GEEN_BOETE', 'GEEN_GEVOLG'])
    rows.push({
      flow: 'infringement cases',
      state: `decided ${decision}`,
      items: get('/api/v1/worklist/infringementCases?view=DECIDED'),
      where: (i) => i.decision?.decision === decision,
    });
  rows.push({
    flow: 'infringement cases',
    state: 'handed to the OCMW (living wage)',
    items: get('/api/v1/worklist/infringementCases?view=OCMW'),
    where: (i) => i.status === 'OCMW' && i.ocmwId !== null,
  });
  for (const state of ['OPEN', 'ISSUED', 'DISMISSED'])
    rows.push({ flow: 'certificate proposals', state, items: get(`/api/v1/worklist/certificateProposals?status=${state}`) });
  rows.push({ flow: 'certificate proposals', state: 'OPEN, taken', items: get('/api/v1/worklist/certificateProposals'), where: owned });
  rows.push({ flow: 'certificate proposals', state: 'OPEN, nobody', items: get('/api/v1/worklist/certificateProposals'), where: free });
  rows.push({ flow: 'follow-up registrations', state: 'term runs out', items: get('/api/v1/worklist/registrations'), where: (i) => !i.overdue });
  rows.push({ flow: 'follow-up registrations', state: 'term ran out', items: get('/api/v1/worklist/registrations'), where: (i) => i.overdue });
  rows.push({ flow: 'follow-up attendance', state: 'below the threshold', items: get('/api/v1/worklist/attendance') });
  return rows;
}

for (const which of TEST_DATABASES) {
  describe(`the demo showcase (${which.name})`, () => {
    test('every demo role sees every flow in every state through its own screens', async (t) => {
      const app = await startTestApp(t, which);
      await generateDemoData(app.database, { persons: 150, seed: 7 });
      await ensureDemoAccounts(app.database);
      const made = await ensureDemoShowcase(app.app.deps, ACCOUNTS);
      assert.ok(made, 'the showcase is made');
      const counts = async () =>
        app.rowCounts('persons', 'referrals', 'appointments', 'infringement_proposals', 'infringement_cases', 'certificate_proposals', 'integrations');
      const before = await counts();
      assert.equal(await ensureDemoShowcase(app.app.deps, ACCOUNTS), null, 'made once');
      assert.deepEqual(await counts(), before, 'the second time adds nothing');

      const missing: string[] = [];
      const check = async (role: Role, call: Call, table: Expectation[]) => {
        for (const e of table) {
          const found = (await e.items(call)).filter(e.where ?? (() => true));
          if (!found.length) missing.push(`${role}: ${e.flow} — ${e.state}`);
        }
      };
      for (const role of ['AGENCY_CASEWORKER', 'TEAM_LEAD'] as const) {
        const call = await logIn(app, role);
        await check(role, call, agencyTable());
        // The start page counts the same lists: none is empty.
        const summary = (await expectOk(await call('GET', '/api/v1/worklist/summary'))).lists as { list: string; count: number }[];
        for (const l of summary) if (!l.count) missing.push(`${role}: start page — ${l.list} counts nothing`);
      }

      // Target group (the caseworker's dossier): confirmed, overridden with a reason, and a newcomer without one, for whom the assistant proposes.
      const caseworker = await logIn(app, 'AGENCY_CASEWORKER');
      const showcase = await showcasePersons(app.app.deps);
      const determinations: Item[] = [];
      let awaiting = 0;
      for (const p of showcase) {
        const dossier = await expectOk(await caseworker('GET', `/api/v1/persons/${p.id}/dossier`));
        const own = (dossier.targetGroupDeterminations ?? []) as Item[];
        determinations.push(...own);
        if (!own.length) {
          const advice = await expectOk(await caseworker('POST', `/api/v1/persons/${p.id}/targetGroupProposal`, {}));
          if (advice.proposal?.outcome) awaiting++;
        }
      }
      if (!determinations.some((d) => d.proposedOutcome && d.proposedOutcome === d.type && !d.overrideReason))
        missing.push('AGENCY_CASEWORKER: target group — proposal confirmed');
      if (!determinations.some((d) => d.proposedOutcome && d.overrideReason)) missing.push('AGENCY_CASEWORKER: target group — proposal overridden');
      if (!awaiting) missing.push('AGENCY_CASEWORKER: target group — proposal awaiting confirmation');

      // The OCMW's consultation screen: its register (active and ended), its referrals and their answers, its appointment requests.
      const ocmw = await logIn(app, 'OCMW_SOCIAL_WORKER');
      const organisationId = (
        await app.database.db.selectFrom('users').select('organisation_id').where('username', '=', ACCOUNTS.ocmwWorker).executeTakeFirstOrThrow()
      ).organisation_id;
      const clients = (
        await app.database.db.selectFrom('integrations').select('insz').distinct().where('organisation_id', '=', organisationId).orderBy('insz').execute()
      ).map((r) => r.insz);
      const integrations: Item[] = [];
      const appointments: Item[] = [];
      for (const insz of clients) {
        const own = (await expectOk(await ocmw('POST', '/api/v1/consultations/integrations/search', { insz }))).items as Item[];
        integrations.push(...own);
        // A former client's appointments are no longer the OCMW's to see (403): only its clients of today.
        if (own.some((i) => i.endsOn === null))
          appointments.push(...(await expectOk(await ocmw('POST', '/api/v1/consultations/appointments/search', { insz }))).items);
      }
      const referrals = (await expectOk(await ocmw('POST', '/api/v1/consultations/referrals/search', {}))).items as Item[];
      const ocmwTable: [string, string, Item[], (i: Item) => boolean][] = [
        ['integrations', 'active', integrations, (i) => i.endsOn === null],
        ['integrations', 'ended', integrations, (i) => i.endsOn !== null],
        ...['SENT', 'ACCEPTED', 'REJECTED', 'EXPIRED'].map(
          (s) => ['referrals', s, referrals, (i: Item) => i.status === s] as [string, string, Item[], (i: Item) => boolean],
        ),
        ...['REGISTERED', 'PLANNED', 'HELD', 'CANCELLED'].map(
          (s) => ['appointments', s, appointments, (i: Item) => i.status === s] as [string, string, Item[], (i: Item) => boolean],
        ),
      ];
      for (const [flow, state, items, where] of ocmwTable) if (!items.some(where)) missing.push(`OCMW_SOCIAL_WORKER: ${flow} — ${state}`);
      // Every referral of the OCMW is for a person it integrated; the case it was handed is of a client on its living wage.
      const integrated = new Set(clients);
      for (const r of referrals) assert.ok(integrated.has(r.insz), 'a referral only for a client the OCMW integrated');
      const handed = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM infringement_cases c JOIN persons p ON p.id = c.person_id
         WHERE c.status = 'OCMW' AND c.ocmw_id = ${organisationId}::uuid
           AND EXISTS (SELECT 1 FROM integrations i WHERE i.insz = p.insz AND i.organisation_id = c.ocmw_id AND i.capacity_code IN ('1', '2') AND i.ends_on IS NULL)`.execute(
        app.database.db,
      );
      assert.ok(handed.rows[0]!.n > 0, 'the OCMW was handed the case of a client on its living wage');
      // … and was told so, as it was told each answer to its referrals and each step of its appointments (its event feed).
      const events = await sql<{ type: string }>`SELECT DISTINCT type FROM outbox_events WHERE organisation_id = ${organisationId}::uuid`.execute(
        app.database.db,
      );
      const told = new Set(events.rows.map((e) => e.type));
      for (const type of [
        'referral.decided',
        'referral.expired',
        'appointment.planned',
        'appointment.held',
        'appointment.cancelled',
        'infringement.transferred',
      ])
        assert.ok(told.has(type), `the OCMW was told: ${type}`);
      // The facts carry the history columns the generator writes: who recorded them, when they hold, when they were recorded.
      const facts = await sql<{ n: number; bad: number }>`
        SELECT count(*)::int AS n, count(*) FILTER (WHERE version <> 1 OR valid_from > sys_from)::int AS bad FROM persons WHERE recorded_by = ${SHOWCASE_ACTOR}`.execute(
        app.database.db,
      );
      assert.equal(facts.rows[0]!.n, showcase.length);
      assert.equal(facts.rows[0]!.bad, 0);

      // The administrator's change notices: the OCMW's webhook, failing now, with deliveries that went through (several
      // events each), deliveries its system refused and the dead letter they left, and notices waiting.
      const admin = await logIn(app, 'ADMINISTRATOR');
      const endpoint = ((await expectOk(await admin('GET', '/api/v1/notifications/endpoints'))).items as Item[]).find(
        (e) => e.organisationId === organisationId,
      );
      if (!endpoint) missing.push('ADMINISTRATOR: change notices — the OCMW has no webhook');
      else {
        if (!endpoint.failing) missing.push('ADMINISTRATOR: change notices — webhook failing');
        if (!endpoint.pending) missing.push('ADMINISTRATOR: change notices — notices waiting');
        const log = (await expectOk(await admin('GET', `/api/v1/notifications/endpoints/${endpoint.id}/attempts?limit=1000`))).items as Item[];
        const cells: [string, (a: Item) => boolean][] = [
          ['delivered, several notices in one', (a) => a.delivered && a.events > 1],
          ['refused by the partner (HTTP 422)', (a) => !a.delivered && a.statusCode === 422],
          ['no connection', (a) => !a.delivered && a.statusCode === null && /^connection/.test(a.error)],
        ];
        for (const [state, where] of cells) if (!log.some(where)) missing.push(`ADMINISTRATOR: change notices, delivery log — ${state}`);
        t.diagnostic(
          `webhook: ${log.length} attempts (${log.filter((a) => a.delivered).length} delivered, carrying ${log.filter((a) => a.delivered).reduce((n, a) => n + a.events, 0)} notices), ${endpoint.pending} waiting, ${endpoint.deadLetters} dead letters`,
        );
        const dead = (await expectOk(await admin('GET', '/api/v1/notifications/deadLetters'))).items as Item[];
        if (!dead.some((d) => d.endpointId === endpoint.id && d.type === 'appointment.cancelled' && d.status === 'DEAD'))
          missing.push('ADMINISTRATOR: change notices — dead letter');
      }

      // The waiting list keeps the House of Dutch's states as the generator makes them; each one exists.
      const statuses = new Set((await app.database.db.selectFrom('waiting_list_entries').select('status').distinct().execute()).map((r) => r.status));
      for (const s of ['APPLIED', 'PLACED', 'CANCELLED', 'REFUSED']) if (!statuses.has(s)) missing.push(`waiting list — ${s}`);

      assert.deepEqual(missing, [], 'no empty cell');
    });
  });
}
