/**
 * The showcase of the demo world (issue 14): after the calibrated population and the demo log-ins,
 * the organisations those log-ins belong to — the demo OCMW, the caseworker's office of the demo
 * agency, and so its team lead — get at least one example of every flow in every state, so that
 * each screen can be tried on the first start:
 * - integrations of the demo OCMW: active (living wage, capacity code 1) and ended;
 * - referrals from the demo OCMW to the agency: sent (one taken by the caseworker, one by nobody),
 *   accepted, rejected and expired;
 * - appointment requests of the demo OCMW: registered (taken and not), planned, held, cancelled;
 * - infringement proposals found by the rules: open (taken and not), accepted and dismissed;
 * - infringement cases: awaiting a decision (taken and not), decided with a fine, with no fine and
 *   with no further action, and handed to the OCMW for a client on its living wage;
 * - certificate proposals: open (taken and not), issued and dismissed;
 * - target-group determinations: one confirming the assistant's proposal, one overriding it with a
 *   reason, and a newcomer still without one (the assistant proposes when asked);
 * - the follow-up lists: a registration term that runs out within two weeks, terms that ran out,
 *   and a running Dutch course with attendance below the threshold;
 * - waiting-list entries: every status exists (an application waiting, cancelled or refused is added
 *   only when the population has none; the House of Dutch's own workflow is not shown here);
 * - change notices: the demo OCMW's webhook, registered by the demo administrator, with deliveries
 *   that went through, deliveries its system refused (one event it cannot take, a dead letter), and
 *   failing now that its system is gone, with events waiting (notifications.demo.service.ts).
 *
 * The facts are written as a caseworker would have recorded them (persons, dossiers, target groups,
 * invitations, registrations, contracts, trajectories), under the actor `system:demo-showcase`, with
 * the same history columns as the generator (valid_from the day the fact holds, sys_from the moment
 * it was recorded, recorded_by, version). Everything that follows is done through the services the
 * screens use, by the demo accounts themselves: the OCMW declares its clients, refers them and asks
 * for appointments; the rules find the infringements and the certificates; the caseworker decides.
 * So every state is reached by an allowed step, with its audit records and its partner events, and
 * the data obey the rules (a referral only for a client the OCMW integrated, a case handed to the
 * OCMW only for a person on its living wage, a fine from the schedule).
 *
 * Which persons and what happens to them is fixed; the days are counted back from the day the
 * showcase is made (the live flows — a referral awaiting an answer, a planned appointment — must lie
 * ahead of that day). Done once per database: it leaves persons recorded by `system:demo-showcase`.
 */
import { sql } from 'kysely';
import type { RequestContext } from '../../platform/access.ts';
import { inTransaction, type Row, type Tx } from '../../platform/db.ts';
import type { Deps } from '../../platform/deps.ts';
import { addDays } from '../../platform/calendar.ts';
import { makeInsz } from '../../platform/identifiers/insz.ts';
import { actorOf } from '../access/access.service.ts';
import { belgianToday, declareIntegration, endIntegration } from '../integrations/integrations.service.ts';
import { decideReferral, expireOverdueReferrals, refer } from '../exchange/referrals.service.ts';
import { requestAppointment } from '../exchange/appointments.service.ts';
import { cancelAppointment, holdAppointment, planAppointment } from '../exchange/appointment-handling.service.ts';
import { assignOwner, type OwnedList } from '../exchange/owners.service.ts';
import { evaluateRules } from '../rules/evaluation.service.ts';
import { decideProposal } from '../rules/proposals.service.ts';
import { decideCase, handCaseToOcmw } from '../rules/cases.service.ts';
import { decideCertificate } from '../rules/certificates.service.ts';
import { targetGroupAdvice } from '../rules/target-group.service.ts';
import { deadline } from '../rules/deadlines.policy.ts';
import { proposedFine } from '../rules/fines.policy.ts';
import { demoWebhook } from '../notifications/notifications.demo.service.ts';

export const SHOWCASE_ACTOR = 'system:demo-showcase';

/** The user names of the demo log-ins whose organisations get the showcase. */
export interface ShowcaseAccounts {
  caseworker: string;
  teamLead: string;
  ocmwWorker: string;
  /** Registers the OCMW's webhook. */
  administrator: string;
}

export interface ShowcaseSummary {
  persons: number;
  referrals: number;
  appointments: number;
  proposals: number;
  cases: number;
  certificates: number;
  /** Webhook delivery attempts to the demo OCMW. */
  webhookAttempts: number;
}

// Synthetic names (no real people), in the order the persons are made.
const NAMES: [family: string, given: string, gender: '1' | '2'][] = [
  ['Haddad', 'Rania', '2'],
  ['Osman', 'Yonas', '1'],
  ['Kovalenko', 'Olena', '2'],
  ['Rahimi', 'Farid', '1'],
  ['Mensah', 'Abena', '2'],
  ['Aziz', 'Karim', '1'],
  ['Tesfaye', 'Selam', '2'],
  ['Nazari', 'Hamid', '1'],
  ['Boateng', 'Kofi', '1'],
  ['Jaber', 'Lina', '2'],
  ['Hussaini', 'Zahra', '2'],
  ['Mwangi', 'Daniel', '1'],
  ['Sayed', 'Amal', '2'],
  ['Petrenko', 'Taras', '1'],
  ['Diallo', 'Mariama', '2'],
  ['Qureshi', 'Imran', '1'],
  ['Bekele', 'Hana', '2'],
  ['Alami', 'Youssef', '1'],
  ['Sultani', 'Nadia', '2'],
  ['Rezaei', 'Maryam', '2'],
];
const NATIONALITIES = ['SYR', 'ERI', 'UKR', 'AFG', 'GHA', 'MAR'];

type Kind = 'client' | 'late' | 'soon' | 'done' | 'course';
/**
 * Five clients of the OCMW, nine newcomers whose registration term ran out, one whose term runs out
 * soon, four who completed their trajectory, one who misses too many lessons of a running course.
 */
const PLAN: Kind[] = [...Array<Kind>(5).fill('client'), ...Array<Kind>(9).fill('late'), 'soon', ...Array<Kind>(4).fill('done'), 'course'];

const at = (day: string) => `${day}T00:00:00Z`;
/** The first Monday–Friday on or after `day` (the demo's appointments and deadlines fall on working days). */
function workday(day: string): string {
  let d = day;
  while ([0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay())) d = addDays(d, 1);
  return d;
}

/**
 * Makes the showcase once. Returns what it made, or null when there is nothing to do: made before,
 * or no demo log-ins (a database without the demo world).
 */
export async function ensureDemoShowcase(deps: Deps, accounts: ShowcaseAccounts): Promise<ShowcaseSummary | null> {
  const db = deps.db;
  if (await db.selectFrom('persons').select('id').where('recorded_by', '=', SHOWCASE_ACTOR).limit(1).executeTakeFirst()) return null;
  const users = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role', 'organisation_id', 'office_ids'])
    .where('username', 'in', [accounts.caseworker, accounts.teamLead, accounts.ocmwWorker, accounts.administrator])
    .execute();
  const user = (username: string) => users.find((u) => u.username === username);
  const cwUser = user(accounts.caseworker);
  const ocmwUser = user(accounts.ocmwWorker);
  const adminUser = user(accounts.administrator);
  if (!cwUser || !ocmwUser || !adminUser || !user(accounts.teamLead) || !cwUser.office_ids.length) return null;
  const ctxOf = (u: NonNullable<typeof cwUser>): RequestContext => ({
    actor: actorOf({ id: u.id, username: u.username, displayName: u.display_name, role: u.role, organisationId: u.organisation_id, officeIds: u.office_ids }),
    requestId: 'demo-showcase',
  });
  const caseworker = ctxOf(cwUser);
  const ocmw = ctxOf(ocmwUser);
  const ocmwId = ocmwUser.organisation_id;
  const administrator = ctxOf(adminUser);

  const office = await db
    .selectFrom('offices')
    .select(['id', 'organisation_id', 'postcode', 'municipality', 'kbo_number'])
    .where('id', '=', cwUser.office_ids[0]!)
    .executeTakeFirstOrThrow();
  const counsellor = await db.selectFrom('staff').select('id').where('office_id', '=', office.id).orderBy('id').limit(1).executeTakeFirst();
  // The enforcement agency of the demo world decides on the cases (named: a test installation may hold another ABB).
  const abb = await db
    .selectFrom('organisations')
    .select('id')
    .where('kind', '=', 'ABB')
    .where('recorded_by', '=', 'system:demo-generator')
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const houseOfDutch = await db
    .selectFrom('organisations')
    .select('id')
    .where('kind', '=', 'HOUSE_OF_DUTCH')
    .where('recorded_by', '=', 'system:demo-generator')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  const cvo = await db
    .selectFrom('organisations')
    .select('id')
    .where('kind', '=', 'CVO')
    .where('recorded_by', '=', 'system:demo-generator')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  const inList = new Set(
    (await db.selectFrom('code_list').select('code').where('list', '=', 'nationality').where('code', 'in', NATIONALITIES).execute()).map((c) => c.code),
  );
  const nationalities = NATIONALITIES.filter((n) => inList.has(n));
  if (!nationalities.length) throw new Error('showcase: none of its nationalities is in code list nationality');

  const today = belgianToday();
  const days = (n: number) => addDays(today, n);

  // ---- The facts, as a caseworker recorded them ------------------------------------------------
  const persons: { id: string; insz: string; kind: Kind }[] = [];
  await inTransaction(db, SHOWCASE_ACTOR, async (tx) => {
    const usedInsz = new Set((await tx.selectFrom('persons').select('insz').execute()).map((p) => p.insz));
    const usedNumbers = new Set((await tx.selectFrom('dossiers').select('dossier_number').execute()).map((d) => d.dossier_number));
    let serial = 700;
    let number = 9_100_000;
    for (const [i, kind] of PLAN.entries()) {
      const [family, given, gender] = NAMES[i]!;
      const birthDate = `${1975 + ((i * 3) % 25)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`;
      let insz = makeInsz({ birthDate, serial: serial++ });
      while (usedInsz.has(insz)) insz = makeInsz({ birthDate, serial: serial++ });
      usedInsz.add(insz);
      while (usedNumbers.has(`K${number}`)) number++;
      const dossierNumber = `K${number++}`;
      // When the person became known: long enough before what follows.
      const knownSince = kind === 'done' ? days(-420) : kind === 'late' ? days(-200) : kind === 'course' ? days(-200) : days(-120);
      const person = await tx
        .insertInto('persons')
        .values({
          insz,
          family_name: family,
          given_names: given,
          birth_date: birthDate,
          gender,
          nationality: nationalities[i % nationalities.length]!,
          residence_status: 'ERKEND_VLUCHTELING',
          street: 'Stationsstraat',
          house_number: String(10 + i),
          postcode: office.postcode,
          municipality: office.municipality,
          first_extraction_date: knownSince,
          correspondence_language: 'nl',
          created_by_organisation_id: office.organisation_id,
          valid_from: at(knownSince),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const personId = person.id;
      persons.push({ id: personId, insz, kind });
      const opened = addDays(knownSince, 5);
      await tx
        .insertInto('dossiers')
        .values({
          person_id: personId,
          dossier_number: dossierNumber,
          case_lead_organisation_id: office.organisation_id,
          case_lead_since: opened,
          managing_office_id: office.id,
          contact_staff_id: counsellor?.id ?? null,
          opened_on: opened,
          valid_from: at(opened),
        })
        .execute();
      if (kind === 'client') continue; // the OCMW's clients: known, not yet in a trajectory; the target group follows below
      // Obliged newcomers: the target group, then the invitation to register.
      await tx
        .insertInto('target_group_determinations')
        .values({
          person_id: personId,
          determined_on: opened,
          determined: true,
          type: 'PLICHT',
          subtype: 'VOL_PROG',
          start_date: opened,
          office_id: office.id,
          valid_from: at(opened),
        })
        .execute();
      // The registration term (three months from the letter): ran out two months ago, runs out within two weeks, or long answered.
      let sent = kind === 'late' ? days(-150) : kind === 'done' ? days(-400) : kind === 'course' ? days(-180) : days(-80);
      if (kind === 'soon') while (deadline('registration', sent)!.due > days(10)) sent = addDays(sent, -1);
      sent = workday(sent);
      const invitation = await tx
        .insertInto('invitations')
        .values({
          person_id: personId,
          office_id: office.id,
          sent_on: sent,
          registered_letter: true,
          status: kind === 'done' || kind === 'course' ? 'ANSWERED' : kind === 'late' ? 'NO_RESPONSE' : 'SENT',
          respond_by: deadline('registration', sent)!.due,
          valid_from: at(sent),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (kind !== 'done' && kind !== 'course') continue;
      // Registered and signed; completed: both parts the 2022 certificate rule asks for met (MO, Dutch at A2);
      // or following Dutch at A2 in a course that still runs.
      const registered = workday(addDays(sent, 12));
      const signed = workday(addDays(registered, 20));
      await tx
        .insertInto('registrations')
        .values({
          person_id: personId,
          registered_on: registered,
          type: 'EA',
          reason: '11',
          office_id: office.id,
          invitation_id: invitation.id,
          valid_from: at(registered),
        })
        .execute();
      const contract = await tx
        .insertInto('contracts')
        .values({
          person_id: personId,
          kind: 'MOTHER',
          signed_on: signed,
          registered_on: signed,
          office_id: office.id,
          created_by_kbo: office.kbo_number,
          valid_from: at(signed),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const part of ['MO', 'NT2'])
        await tx
          .insertInto('contract_parts')
          .values({ person_id: personId, contract_id: contract.id, part, valid_from: at(signed) })
          .execute();
      const trajectory = await tx
        .insertInto('trajectories')
        .values({
          person_id: personId,
          type: 'TT_IBVP',
          start_date: signed,
          managing_office_id: office.id,
          contact_staff_id: counsellor?.id ?? null,
          status: 'OP',
          status_since: signed,
          valid_from: at(signed),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (kind === 'course') {
        const component = await tx
          .insertInto('trajectory_components')
          .values({
            person_id: personId,
            trajectory_id: trajectory.id,
            type: 'TO_A2',
            start_date: days(-60),
            status: 'TO_STA_02',
            status_since: days(-60),
            exempted: false,
            valid_from: at(days(-60)),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await attendingCourse(tx, { personId, componentId: component.id, providerId: cvo?.id ?? office.organisation_id, officeId: office.id, today });
        continue;
      }
      for (const [type, start, end] of [
        ['TO_OB_MO', addDays(signed, 10), days(-200)],
        ['TO_A2', addDays(signed, 30), days(-30)],
      ] as const) {
        await tx
          .insertInto('trajectory_components')
          .values({
            person_id: personId,
            trajectory_id: trajectory.id,
            type,
            start_date: start,
            end_date: end,
            status: 'TO_STA_99',
            status_since: end,
            exempted: false,
            decision: 'VO',
            decision_date: end,
            valid_from: at(end),
          })
          .execute();
      }
    }
    // Every status of the waiting list exists: an application still waiting, cancelled or refused is
    // added only when the population has none (a placement comes with its enrolment: the generator's).
    const present = new Set((await tx.selectFrom('waiting_list_entries').select('status').distinct().execute()).map((w) => w.status));
    const client = persons.find((p) => p.kind === 'client')!;
    for (const [status, since] of [
      ['APPLIED', days(-90)],
      ['CANCELLED', days(-75)],
      ['REFUSED', days(-60)],
    ] as const) {
      if (present.has(status) || !houseOfDutch) continue;
      await tx
        .insertInto('waiting_list_entries')
        .values({
          person_id: client.id,
          course_type: 'NT2',
          applied_on: days(-90),
          provider_id: houseOfDutch.id,
          status,
          status_since: since,
          valid_from: at(since),
        })
        .execute();
    }
  });
  const of = (kind: Kind) => persons.filter((p) => p.kind === kind);
  const clients = of('client');
  const late = of('late');
  const done = of('done');
  const version = async (table: 'referrals' | 'appointments' | 'infringement_proposals' | 'infringement_cases' | 'certificate_proposals', id: string) =>
    (await db.selectFrom(table).select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;
  const take = async (list: OwnedList, table: Parameters<typeof version>[0], id: string) =>
    assignOwner(deps, caseworker, list, id, await version(table, id), cwUser.id);

  // ---- The OCMW: its clients in its register (living wage), one of them ended -------------------
  // The last newcomer whose term ran out also lives on the OCMW's living wage: his case goes to the OCMW.
  const onLivingWage = late[late.length - 1]!;
  for (const p of [...clients, onLivingWage]) await declareIntegration(deps, ocmw, { insz: p.insz, capacityCode: '1', startsOn: days(-21) });
  await declareIntegration(deps, ocmw, { insz: done[0]!.insz, capacityCode: '1', startsOn: days(-27) });
  await endIntegration(deps, ocmw, { insz: done[0]!.insz, capacityCode: '1', endsOn: days(-3) });
  // Its webhook, from here on: what follows tells the OCMW of answers, appointments and dossier changes.
  const webhook = await demoWebhook(deps, administrator, ocmwId);

  // ---- Referrals: sent (taken, not taken), accepted, rejected, expired ---------------------------
  const referrals: Row[] = [];
  for (const p of clients.slice(0, 4))
    referrals.push(
      await refer(deps, ocmw, { insz: p.insz, reason: 'LEEFLOON', description: 'Cliënt met leefloon; wil starten met inburgering en Nederlands leren.' }),
    );
  await take('referrals', 'referrals', referrals[1]!.id);
  await decideReferral(deps, caseworker, referrals[2]!.id, referrals[2]!.version, { decision: 'ACCEPTED', reason: 'INTAKE_GEPLAND' });
  await decideReferral(deps, caseworker, referrals[3]!.id, referrals[3]!.version, { decision: 'REJECTED', reason: 'ONBEREIKBAAR' });
  // A referral nobody answered within its ten working days: sent six weeks ago, expired as the agency's list would expire it.
  const referredOn = workday(days(-42));
  await inTransaction(db, ocmw.actor.id, (tx) =>
    tx
      .insertInto('referrals')
      .values({
        person_id: clients[4]!.id,
        from_id: ocmwId,
        to_id: office.organisation_id,
        reason: 'TAALVRAAG',
        description: 'Wil Nederlands leren.',
        referred_on: referredOn,
        respond_by: deadline('ocmwReferral', referredOn)!.due,
        status: 'SENT',
        valid_from: at(referredOn),
      })
      .execute(),
  );
  await expireOverdueReferrals(deps);
  await webhook?.deliver();

  // ---- Appointments: registered (taken, not taken), planned, held, cancelled ---------------------
  const appointments: Row[] = [];
  for (const [i, p] of clients.entries())
    appointments.push(
      await requestAppointment(deps, ocmw, {
        insz: p.insz,
        reason: ['INFO_TRAJECT', 'AANMELDING', 'OPVOLGING', 'NT2', 'INFO_TRAJECT'][i]!,
        extraInformation: i === 0 ? 'Graag samen met de maatschappelijk werker.' : null,
        wishedDate: i === 2 ? null : workday(days(10 + i)),
        timeWindow: i === 2 ? null : i % 2 ? 'NAMIDDAG' : 'VOORMIDDAG',
      }),
    );
  await take('appointments', 'appointments', appointments[1]!.id);
  const plan = (i: number, plannedAt: string) =>
    planAppointment(deps, caseworker, appointments[i]!.id, appointments[i]!.version, { plannedAt, officeId: office.id });
  await plan(2, `${workday(days(7))}T10:00:00+01:00`);
  const held = await plan(3, new Date(Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000).toISOString());
  await holdAppointment(deps, caseworker, held.id, held.version);
  await cancelAppointment(deps, caseworker, appointments[4]!.id, appointments[4]!.version, { reason: 'Cliënt is intussen aangemeld via het loket.' });
  // The OCMW's system cannot take a cancelled appointment (it answers 422): that notice becomes a dead letter, the others go through.
  await webhook?.deliver({ refuseType: 'appointment.cancelled' });

  // ---- The rules find the infringements and the certificates --------------------------------------
  // (The course's absences make a proposal too, as the nightly run would: it stays open.)
  await evaluateRules(db, { on: today, personIds: persons.filter((p) => p.kind !== 'client').map((p) => p.id), actor: SHOWCASE_ACTOR });
  const proposals = await db
    .selectFrom('infringement_proposals')
    .select(['id', 'person_id', 'version'])
    .where(
      'person_id',
      'in',
      late.map((p) => p.id),
    )
    .execute();
  const proposalOf = (p: { id: string }) => {
    const found = proposals.find((x) => x.person_id === p.id);
    if (!found) throw new Error('showcase: the rules proposed no infringement for a newcomer whose registration term ran out');
    return found;
  };
  // Open (not taken, taken), dismissed, and six accepted into a case.
  await take('infringementProposals', 'infringement_proposals', proposalOf(late[1]!).id);
  const dismissed = proposalOf(late[2]!);
  await decideProposal(deps, caseworker, dismissed.id, dismissed.version, {
    decision: 'DISMISS',
    reason: 'De uitnodiging kwam terug: de persoon woonde niet meer op het adres.',
  });
  const cases: string[] = [];
  for (const p of late.slice(3)) {
    const proposal = proposalOf(p);
    const accepted = await decideProposal(deps, caseworker, proposal.id, proposal.version, { decision: 'ACCEPT' });
    cases.push(accepted.case_id);
  }
  // Cases: awaiting (not taken, taken), fine, no fine, no further action, handed to the OCMW.
  await take('infringementCases', 'infringement_cases', cases[1]!);
  const fine = proposedFine(today, 0);
  if (!fine) throw new Error('showcase: no fine schedule in force today');
  await decideCase(deps, caseworker, cases[2]!, await version('infringement_cases', cases[2]!), {
    decision: 'BOETE',
    fineAmount: fine.amount,
    decidingOrganisationId: abb.id,
  });
  await decideCase(deps, caseworker, cases[3]!, await version('infringement_cases', cases[3]!), {
    decision: 'GEEN_BOETE',
    reason: 'De inburgeraar heeft zich intussen aangemeld.',
    decidingOrganisationId: abb.id,
  });
  await decideCase(deps, caseworker, cases[4]!, await version('infringement_cases', cases[4]!), {
    decision: 'GEEN_GEVOLG',
    reason: 'Verweer aanvaard: de uitnodiging werd niet ontvangen.',
    decidingOrganisationId: abb.id,
  });
  await handCaseToOcmw(deps, caseworker, cases[5]!, await version('infringement_cases', cases[5]!));

  // Certificates: open (not taken, taken), issued, dismissed.
  const certificates = await db
    .selectFrom('certificate_proposals')
    .select(['id', 'person_id', 'version'])
    .where(
      'person_id',
      'in',
      done.map((p) => p.id),
    )
    .execute();
  const certificateOf = (p: { id: string }) => {
    const found = certificates.find((x) => x.person_id === p.id);
    if (!found) throw new Error('showcase: the rules proposed no certificate for a completed trajectory');
    return found;
  };
  await take('certificateProposals', 'certificate_proposals', certificateOf(done[1]!).id);
  const issue = certificateOf(done[2]!);
  await decideCertificate(deps, caseworker, issue.id, issue.version, { decision: 'ISSUE' });
  const dismiss = certificateOf(done[3]!);
  await decideCertificate(deps, caseworker, dismiss.id, dismiss.version, {
    decision: 'DISMISS',
    reason: 'Het attest werd al uitgereikt door een ander agentschap (verhuis).',
  });

  // ---- Target group: confirmed, overridden, and one newcomer still waiting for a determination ----
  for (const [p, confirm] of [
    [clients[1]!, true],
    [clients[2]!, false],
  ] as const) {
    const { proposal } = await targetGroupAdvice(deps, caseworker, p.id, today, {});
    const outcome = confirm ? proposal.outcome : proposal.outcome === 'PLICHT' ? 'RECHT' : 'PLICHT';
    const determined = outcome !== 'NONE';
    await inTransaction(db, caseworker.actor.id, (tx) =>
      tx
        .insertInto('target_group_determinations')
        .values({
          person_id: p.id,
          determined_on: today,
          determined,
          type: determined ? outcome : null,
          subtype: !determined ? null : confirm ? (proposal.subtype ?? null) : outcome === 'PLICHT' ? 'VOL_PROG' : 'RECHT',
          start_date: determined ? today : null,
          no_target_group_reason: determined ? null : (proposal.noTargetGroupReason ?? '01'),
          exemption_reason: confirm ? (proposal.exemptionReason ?? null) : null,
          office_id: office.id,
          proposed_outcome: proposal.outcome,
          proposal_rule_id: proposal.rule.id,
          override_reason: confirm ? null : 'Het verblijfsdocument dat de cliënt voorlegde, wijkt af van wat het rijksregister toont.',
        })
        .execute(),
    );
  }

  // The OCMW's system is gone since: its webhook fails, the notices of the decisions above wait.
  await webhook?.goDown();

  return {
    persons: persons.length,
    referrals: referrals.length + 1,
    appointments: appointments.length,
    proposals: late.length,
    cases: cases.length,
    certificates: done.length,
    webhookAttempts: Number(
      (
        await db
          .selectFrom('notification_attempts as a')
          .innerJoin('notification_endpoints as e', 'e.id', 'a.endpoint_id')
          .select((s) => s.fn.countAll<number>().as('n'))
          .where('e.organisation_id', '=', ocmwId)
          .executeTakeFirstOrThrow()
      ).n,
    ),
  };
}

/**
 * An NT2 course at A2 that started eight weeks ago and runs two more months, with a weekly lesson of
 * three hours; of the eight lessons so far the person came to four, missed three and was excused
 * for one (57 % present: below the 80 % of regular participation).
 */
async function attendingCourse(tx: Tx, p: { personId: string; componentId: string; providerId: string; officeId: string; today: string }): Promise<void> {
  const start = addDays(p.today, -60);
  const course = await tx
    .insertInto('courses')
    .values({
      provider_id: p.providerId,
      course_type: 'NT2',
      name: 'NT2 richtgraad 2 (A2), dagcursus',
      start_date: start,
      end_date: addDays(p.today, 60),
      target_level: 'A2',
      valid_from: at(start),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const module = await tx
    .insertInto('course_modules')
    .values({ course_id: course.id, code: 'NT2-A2', name: 'NT2 - Waystage', hours: 120, sequence: 1, valid_from: at(start) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const enrolment = await tx
    .insertInto('enrolments')
    .values({
      person_id: p.personId,
      course_id: course.id,
      module_id: module.id,
      component_id: p.componentId,
      enrolled_on: addDays(start, -5),
      start_date: start,
      status: 'LOPEND',
      target_attendance_rate: 80,
      valid_from: at(addDays(start, -5)),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const attendance = ['PRESENT', 'PRESENT', 'ABSENT', 'PRESENT', 'ABSENT', 'ABSENT_JUSTIFIED', 'ABSENT', 'PRESENT'];
  for (const [week, mark] of attendance.entries()) {
    const day = addDays(start, 2 + week * 7);
    const lesson = await tx
      .insertInto('lessons')
      .values({ module_id: module.id, starts_at: `${day}T09:00:00+01:00`, duration_minutes: 180, valid_from: at(start) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('participations')
      .values({ person_id: p.personId, enrolment_id: enrolment.id, lesson_id: lesson.id, attendance: mark, valid_from: at(day), lesson_on: day })
      .execute();
  }
}

/** The showcase's persons, for tests and the demo's documentation. */
export async function showcasePersons(deps: Deps): Promise<{ id: string; insz: string }[]> {
  const { rows } = await sql<{
    id: string;
    insz: string;
  }>`SELECT id::text, insz FROM persons WHERE recorded_by = ${SHOWCASE_ACTOR} ORDER BY family_name`.execute(deps.db);
  return rows;
}
