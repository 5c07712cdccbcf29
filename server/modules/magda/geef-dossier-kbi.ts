/**
 * A consulted dossier (the REST consult's answer: only the authorised clusters, no more of each than
 * seed 003 §61 allows) as MAGDA's GeefDossierKBI-01.00 `KBIDossier`: the element names, order,
 * attributes and code values of the example answers. An element is written only when its cluster
 * was answered; a cluster that was not authorised is absent, as in MAGDA.
 *
 * Written today: Personalia, Doelgroep, UitstellenVanOndertekening, Aanmelding, Trajecten (managing
 * office, contact person, status, decision, components), Talenkennis, VoorkeurenKlant, Gesprekken and
 * Wooncode. Not yet: Contracten, BehaaldeAttesten, Adviezen, VormingsActiviteiten and Inbreuken, and
 * the elements the model has no place for (Personalia/AangemaaktDoor/KbiNummer,
 * VoorkeurLesMoment/PeriodeGeldigheid).
 */
import type { Deps } from '../../platform/deps.ts';
import type { ConsultAnswer } from '../exchange/consult.service.ts';
import { beschrijving, korteNaam } from './codes.ts';
import { el, opt, type El } from './xml.ts';

type Rec = Record<string, any>;

interface References {
  offices: Map<string, { kbo: string | null; kbi: string | null }>;
  staff: Map<string, { family: string; given: string }>;
  organisations: Map<string, { kbo: string | null }>;
}

/**
 * Offices, staff and organisations the dossier refers to (reference data, not personal): one
 * prepared statement for the three (each answer paid three round trips for them before).
 */
async function references(deps: Deps, answer: ConsultAnswer): Promise<References> {
  const d = answer.dossier ?? {};
  const ids = (rows: Rec[] | undefined, key: string) => [...new Set((rows ?? []).map((r) => r[key]).filter(Boolean))] as string[];
  const officeIds = [...ids(d.registrations, 'officeId'), ...ids(d.trajectories, 'managingOfficeId'), ...ids(d.conversations, 'officeId')];
  const staffIds = ids(d.trajectories, 'contactStaffId');
  const orgIds = answer.person?.createdByOrganisationId ? [answer.person.createdByOrganisationId as string] : [];
  const refs: References = { offices: new Map(), staff: new Map(), organisations: new Map() };
  if (!officeIds.length && !staffIds.length && !orgIds.length) return refs;
  const rows = await deps.database.prepared(
    'kbi_magda_references',
    `SELECT 'o' AS kind, id, kbo_number AS a, kbi_key AS b FROM offices WHERE id = ANY ($1::uuid[])
     UNION ALL SELECT 's', id, family_name, given_name FROM staff WHERE id = ANY ($2::uuid[])
     UNION ALL SELECT 'g', id, enterprise_number, NULL FROM organisations WHERE id = ANY ($3::uuid[])`,
    [officeIds, staffIds, orgIds],
  );
  for (const r of rows) {
    if (r.kind === 'o') refs.offices.set(r.id, { kbo: r.a, kbi: r.b });
    else if (r.kind === 's') refs.staff.set(r.id, { family: r.a, given: r.b });
    else refs.organisations.set(r.id, { kbo: r.a });
  }
  return refs;
}

const naam = (family: string, given: string) =>
  el('Naam', [
    el('Achternamen', [el('Achternaam', family)]),
    el(
      'Voornamen',
      given
        .split(/\s+/)
        .filter(Boolean)
        .map((g) => el('Voornaam', g)),
    ),
  ]);

const periode = (name: string, begin: unknown, einde?: unknown) => (begin || einde ? el(name, [opt('Begin', begin), opt('Einde', einde)]) : null);

const latest = (rows: Rec[] | undefined, key: string): Rec | undefined => [...(rows ?? [])].sort((a, b) => String(b[key]).localeCompare(String(a[key])))[0];

const byStartThenRecorded = (a: Rec, b: Rec) =>
  String(a.startDate).localeCompare(String(b.startDate)) || String(a.recordedAt).localeCompare(String(b.recordedAt));

/** The `KBIDossier` element of a consult answer for a known person. */
export async function kbiDossier(deps: Deps, answer: ConsultAnswer): Promise<El> {
  const { codes } = deps;
  const refs = await references(deps, answer);
  const d = answer.dossier ?? {};
  const p = answer.person;
  const has = (cluster: string) => answer.clusters.includes(cluster as never);

  const personalia =
    p &&
    el('Personalia', [
      el('INSZ', p.insz as string),
      naam(p.familyName as string, p.givenNames as string),
      opt('Geboortedatum', p.birthDate),
      el('Geslacht', [el('Code', p.gender as string, beschrijving(codes, 'gender', p.gender as string))]),
      p.createdByOrganisationId && refs.organisations.get(p.createdByOrganisationId as string)?.kbo
        ? el('AangemaaktDoor', [el('KboNummer', refs.organisations.get(p.createdByOrganisationId as string)!.kbo!)])
        : null,
    ]);

  const tg = latest(d.targetGroupDeterminations, 'determinedOn');
  const doelgroep =
    tg &&
    el('Doelgroep', [
      el('Code', tg.determined ? 'JA' : 'NEE'),
      opt('Type', tg.type),
      opt('SubType', tg.subtype),
      periode('Periode', tg.startDate, tg.endDate),
      opt('RedenGeenDoelgroep', tg.noTargetGroupReason),
      opt('RedenVrijstellingVanDeVerplichting', tg.exemptionReason),
    ]);

  const uitstellen = d.signingPostponements?.length
    ? el(
        'UitstellenVanOndertekening',
        [...(d.signingPostponements as Rec[])]
          .sort(byStartThenRecorded)
          .map((u) =>
            el('UitstelVanOndertekening', [
              periode('Periode', u.startDate, u.endDate),
              el('Reden', u.reason, korteNaam(codes, 'signing_postponement_reason', u.reason)),
            ]),
          ),
      )
    : null;

  const gesprekken = d.conversations?.length
    ? el(
        'Gesprekken',
        [...(d.conversations as Rec[])]
          .sort((a, b) => String(a.heldAt).localeCompare(String(b.heldAt)))
          .map((g) => {
            const at = g.officeId ? refs.offices.get(g.officeId) : undefined;
            return el('Gesprek', [el('Datum', String(g.heldAt).slice(0, 10)), at?.kbi ? el('GeregistreerdBij', [el('KbiNummer', at.kbi)]) : null]);
          }),
      )
    : null;

  const reg = latest(d.registrations, 'registeredOn');
  const place = reg?.officeId ? refs.offices.get(reg.officeId) : undefined;
  const aanmelding =
    reg &&
    el('Aanmelding', [
      el('Type', reg.type),
      el('DatumAanmelding', reg.registeredOn),
      place?.kbi ? el('AanmeldingsPlaats', [el('KbiNummer', place.kbi)]) : null,
      el('Reden', reg.reason, korteNaam(codes, 'registration_reason', reg.reason)),
    ]);

  const components = [...((d.trajectoryComponents ?? []) as Rec[])].sort(byStartThenRecorded);
  const trajecten =
    has('trajectories') &&
    !!d.trajectories?.length &&
    el(
      'Trajecten',
      [...(d.trajectories as Rec[])].sort(byStartThenRecorded).map((t) => {
        const office = t.managingOfficeId ? refs.offices.get(t.managingOfficeId) : undefined;
        const contact = t.contactStaffId ? refs.staff.get(t.contactStaffId) : undefined;
        const own = components.filter((c) => c.trajectoryId === t.id);
        return el('Traject', [
          el('Type', t.type),
          office || contact
            ? el('Beheerder', [
                periode('Periode', t.startDate),
                office ? el('KBIVestiging', [opt('KboNummer', office.kbo), opt('KbiNummer', office.kbi)]) : null,
                contact ? el('ContactPersoon', [naam(contact.family, contact.given)]) : null,
              ])
            : null,
          el('Status', [el('Code', t.status), periode('Periode', t.statusSince)]),
          t.decision ? el('Besluit', [el('Code', t.decision), opt('DatumToekenning', t.decisionDate)]) : null,
          own.length
            ? el(
                'TrajectOnderdelen',
                own.map((c) =>
                  el('TrajectOnderdeel', [
                    el('Type', c.type),
                    periode('Periode', c.startDate, c.endDate),
                    el('Status', [el('Code', c.status), periode('Periode', c.statusSince)]),
                    c.decision ? el('Besluit', [el('Code', c.decision), opt('DatumToekenning', c.decisionDate)]) : null,
                  ]),
                ),
              )
            : null,
        ]);
      }),
    );

  const literacy = latest(
    (d.literacyAssessments ?? []).filter((l: Rec) => !l.script || /^lat/i.test(l.script)),
    'assessedOn',
  );
  const attainments = [...(d.levelAttainments ?? [])];
  const highest = [...attainments].sort((a, b) => String(b.level).localeCompare(String(a.level)))[0];
  const recent = latest(attainments, 'obtainedOn');
  const talenkennis =
    has('languages') &&
    el('Talenkennis', [
      d.languageSkills?.length
        ? el(
            'Talen',
            d.languageSkills.map((l: Rec) =>
              el('Taal', [
                el('Code', l.language),
                opt('ContactTaal', l.contactLanguage === undefined ? undefined : String(l.contactLanguage)),
                el('KennisNiveau', l.proficiency, korteNaam(codes, 'language_proficiency', l.proficiency)),
              ]),
            ),
          )
        : null,
      literacy ? el('Alfabetiseringsgraad', [el('LatijnsSchrift', literacy.level, korteNaam(codes, 'literacy_level', literacy.level))]) : null,
      el('BehaaldNT2Niveau', [opt('HoogstBehaald', highest?.level), opt('RecentstBehaald', recent?.level)]),
    ]);

  const pref = latest(d.clientPreferences, 'recordedAt');
  const voorkeuren =
    pref &&
    el('VoorkeurenKlant', [
      opt('DatumGewensteStart', pref.wishedStartDate),
      opt('Intensiteit', pref.intensity),
      pref.postcodes?.length
        ? el(
            'PostkantonCodes',
            pref.postcodes.map((c: string) => el('PostkantonCode', c)),
          )
        : null,
      pref.lessonMoments?.length
        ? el('VoorkeurLesMomenten', [
            el(
              'VoorkeurLesMoment',
              pref.lessonMoments.map((m: string) => el('LesVoorkeurLesMoment', [el('Code', m)])),
            ),
          ])
        : null,
    ]);

  const housing = latest(d.housingRequirements, 'assessedOn');
  const bool = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
  const wooncode =
    housing &&
    el('Wooncode', [
      el('MoetVoldoenAanInburgeringsBereidheid', String(housing.mustMeetIntegration)),
      opt('VoldoetAanInburgeringBereidheid', bool(housing.meetsIntegration)),
      el('MoetVoldoenAanTaalBereidheid', String(housing.mustMeetLanguage)),
      opt('VoldoetAanTaalBereidheid', bool(housing.meetsLanguage)),
      opt('OpvolgingDoor', housing.followedUpBy),
    ]);

  return el('KBIDossier', [personalia, doelgroep, uitstellen, aanmelding, trajecten, talenkennis, voorkeuren, gesprekken, wooncode]);
}
