/**
 * A consulted dossier (the REST consult's answer: only the authorised clusters, no more of each than
 * seed 003 §61 allows) as MAGDA's GeefDossierKBI-01.00 `KBIDossier`: the element names, order,
 * attributes and code values of the example answers. An element is written only when its cluster
 * was answered; a cluster that was not authorised is absent, as in MAGDA.
 *
 * Every element the example answers hold is written, in their order: Personalia, Doelgroep,
 * UitstellenVanOndertekening, BehaaldeAttesten, Contracten, Aanmelding, Adviezen, Trajecten,
 * Inbreuken, VormingsActiviteiten, Talenkennis, VoorkeurenKlant, Gesprekken, Wooncode. The reader
 * of the same format (magda.import.ts) stores each of them where this writer finds it again, so a
 * dossier imported from an answer is answered as it came (tests/api/magda-roundtrip.test.ts).
 */
import type { Deps } from '../../platform/deps.ts';
import { NoticeCache } from '../../platform/notice-cache.ts';
import type { ConsultAnswer } from '../exchange/consult.service.ts';
import { beschrijving, korteNaam } from './codes.ts';
import { el, opt, type El } from './xml.ts';

type Rec = Record<string, any>;

interface References {
  offices: Map<string, { kbo: string | null; kbi: string | null }>;
  staff: Map<string, { family: string; given: string }>;
  organisations: Map<string, { kbo: string | null; davinci: string | null }>;
  courses: Map<string, Rec>;
  modules: Map<string, Rec>;
}

/** A row of reference data an answer names, by kind: office, staff member, organisation, course, module. */
type RefRow = {
  kind: 'o' | 's' | 'g' | 'c' | 'm';
  id: string;
  a: string | null;
  b: string | null;
  c: string | null;
  d: string | null;
  e: string | null;
  f: string | null;
};

/**
 * The reference data a process has read, by `kind:id`, forgotten the moment the database says it
 * changed (migration 0029's notice on channel kbi_references): most answers then need no round
 * trip for it at all. Open one per process (magda.routes.ts); without it every answer reads.
 */
export type ReferenceCache = NoticeCache<RefRow>;
export const REFERENCE_CHANNEL = 'kbi_references';
export const openReferenceCache = (deps: Deps): Promise<ReferenceCache> => NoticeCache.open<RefRow>(deps.database, REFERENCE_CHANNEL, 600, 50_000);

/**
 * Offices, staff, organisations, courses and modules the dossier refers to (reference data, not
 * personal): from the process's memory, and what it lacks in one prepared statement for all.
 */
async function references(deps: Deps, answer: ConsultAnswer, cache?: ReferenceCache): Promise<References> {
  const d = answer.dossier ?? {};
  const ids = (rows: Rec[] | undefined, key: string) => [...new Set((rows ?? []).map((r) => r[key]).filter(Boolean))] as string[];
  const p = answer.person ?? {};
  const wanted = {
    o: [
      ...ids(d.registrations, 'officeId'),
      ...ids(d.trajectories, 'managingOfficeId'),
      ...ids(d.conversations, 'officeId'),
      ...ids(d.contracts, 'officeId'),
      ...(p.createdByOfficeId ? [p.createdByOfficeId as string] : []),
    ],
    s: ids(d.trajectories, 'contactStaffId'),
    g: p.createdByOrganisationId ? [p.createdByOrganisationId as string] : [],
    c: ids(d.enrolments, 'courseId'),
    m: ids(d.enrolments, 'moduleId'),
  };
  const known: RefRow[] = [];
  const missing = { o: [] as string[], s: [] as string[], g: [] as string[], c: [] as string[], m: [] as string[] };
  const look = (kind: keyof typeof missing, id: string) => {
    const row = cache?.get(`${kind}:${id}`);
    if (row) known.push(row);
    else missing[kind].push(id);
    return row;
  };
  for (const kind of ['o', 's', 'g', 'm'] as const) for (const id of wanted[kind]) look(kind, id);
  // A course names its provider, whose Davinci number the answer writes: the provider too.
  for (const id of wanted.c) {
    const course = look('c', id);
    if (course?.a && !wanted.g.includes(course.a)) look('g', course.a);
  }
  if (Object.values(missing).some((m) => m.length)) {
    const epoch = cache?.epoch() ?? 0;
    // One prepared statement for all of them: the SOAP consult's cost is mostly round trips.
    const rows = (await deps.database.prepared(
      'kbi_magda_references_2',
      `SELECT 'o' AS kind, id, kbo_number AS a, kbi_key AS b, NULL::text AS c, NULL::text AS d, NULL::text AS e, NULL::text AS f FROM offices WHERE id = ANY ($1::uuid[])
       UNION ALL SELECT 's', id, family_name, given_name, NULL, NULL, NULL, NULL FROM staff WHERE id = ANY ($2::uuid[])
       UNION ALL SELECT 'g', id, enterprise_number, davinci_number, NULL, NULL, NULL, NULL FROM organisations
         WHERE id = ANY ($3::uuid[]) OR id IN (SELECT provider_id FROM courses WHERE id = ANY ($4::uuid[]))
       UNION ALL SELECT 'c', id, provider_id::text, course_type, training_code, name, location_code, location_name FROM courses WHERE id = ANY ($4::uuid[])
       UNION ALL SELECT 'm', id, code, name, NULL, NULL, NULL, NULL FROM course_modules WHERE id = ANY ($5::uuid[])`,
      [missing.o, missing.s, missing.g, missing.c, missing.m],
    )) as RefRow[];
    for (const r of rows) {
      known.push(r);
      cache?.set(`${r.kind}:${r.id}`, r, epoch);
    }
  }
  const refs: References = { offices: new Map(), staff: new Map(), organisations: new Map(), courses: new Map(), modules: new Map() };
  for (const r of known) {
    if (r.kind === 'o') refs.offices.set(r.id, { kbo: r.a, kbi: r.b });
    else if (r.kind === 's') refs.staff.set(r.id, { family: r.a!, given: r.b! });
    else if (r.kind === 'g') refs.organisations.set(r.id, { kbo: r.a, davinci: r.b });
    else if (r.kind === 'c')
      refs.courses.set(r.id, { provider_id: r.a, course_type: r.b, training_code: r.c, name: r.d, location_code: r.e, location_name: r.f });
    else refs.modules.set(r.id, { code: r.a, name: r.b });
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

/**
 * In the order KBI recorded them, as KBI 01.00 lists a dossier's records (not by date: example
 * 90122600228 lists a trajectory of December before one of August). An import's records share
 * their recording time; their ids then keep the source's order (platform/ids.ts).
 */
const inOrderReceived = (a: Rec, b: Rec) => String(a.recordedAt).localeCompare(String(b.recordedAt)) || String(a.id).localeCompare(String(b.id));

/** The latest advice of these sources. */
const latestAdvice = (rows: Rec[] | undefined, sources: string[]) =>
  [...(rows ?? [])]
    .filter((a) => sources.includes(a.source))
    .sort((a, b) => String(a.givenOn ?? '').localeCompare(String(b.givenOn ?? '')) || String(a.recordedAt).localeCompare(String(b.recordedAt)))
    .at(-1);

/** The `KBIDossier` element of a consult answer for a known person. */
export async function kbiDossier(deps: Deps, answer: ConsultAnswer, cache?: ReferenceCache): Promise<El> {
  const { codes } = deps;
  const refs = await references(deps, answer, cache);
  const d = answer.dossier ?? {};
  const p = answer.person;
  const has = (cluster: string) => answer.clusters.includes(cluster as never);

  const creatorOffice = p?.createdByOfficeId ? refs.offices.get(p.createdByOfficeId as string) : undefined;
  const creatorKbo =
    (p?.createdByKbo as string | undefined) ?? (p?.createdByOrganisationId ? refs.organisations.get(p.createdByOrganisationId as string)?.kbo : null);
  const personalia =
    p &&
    el('Personalia', [
      el('INSZ', p.insz as string),
      naam(p.familyName as string, p.givenNames as string),
      opt('Geboortedatum', p.birthDate),
      el('Geslacht', [el('Code', p.gender as string, beschrijving(codes, 'gender', p.gender as string))]),
      creatorKbo || creatorOffice ? el('AangemaaktDoor', [opt('KboNummer', creatorKbo), el('KbiNummer', creatorOffice?.kbi ?? '')]) : null,
    ]);

  const tg = latest(d.targetGroupDeterminations, 'determinedOn');
  const doelgroep =
    tg &&
    el('Doelgroep', [
      el('Code', tg.determined ? 'JA' : 'NEE'),
      opt('Type', tg.type),
      opt('SubType', tg.subtype),
      periode('Periode', tg.startDate, tg.endDate),
      opt('RedenGeenDoelgroep', tg.noTargetGroupReason, korteNaam(codes, 'no_target_group_reason', tg.noTargetGroupReason)),
      opt('RedenVrijstellingVanDeVerplichting', tg.exemptionReason, korteNaam(codes, 'exemption_reason', tg.exemptionReason)),
    ]);

  const uitstellen = d.signingPostponements?.length
    ? el(
        'UitstellenVanOndertekening',
        [...(d.signingPostponements as Rec[])]
          .sort(inOrderReceived)
          .map((u) =>
            el('UitstelVanOndertekening', [
              periode('Periode', u.startDate, u.endDate),
              el('Reden', u.reason, korteNaam(codes, 'signing_postponement_reason', u.reason)),
            ]),
          ),
      )
    : null;

  const attesten = d.certificates?.length
    ? el(
        'BehaaldeAttesten',
        [...(d.certificates as Rec[])]
          .sort(inOrderReceived)
          .map((c) =>
            el('Document', [
              opt('Soort', c.documentClass),
              opt('Type', c.documentType),
              opt('Id', c.documentId),
              opt('DatumAanmaak', c.issuedOn),
              opt('DatumOndertekening', c.signedOn),
              c.issuedByKbo ? el('AangemaaktDoor', [el('KboNummer', c.issuedByKbo)]) : null,
            ]),
          ),
      )
    : null;

  const parts = (d.contractParts ?? []) as Rec[];
  const contracten = d.contracts?.length
    ? el(
        'Contracten',
        [...(d.contracts as Rec[])].sort(inOrderReceived).map((c) => {
          const office = c.officeId ? refs.offices.get(c.officeId) : undefined;
          const kbo = c.createdByKbo ?? office?.kbo;
          const part = (code: string) => String(parts.some((x) => x.contractId === c.id && x.part === code));
          return el('Contract', [
            el('DatumRegistratie', c.registeredOn),
            kbo || office ? el('AangemaaktDoor', [opt('KboNummer', kbo), opt('KbiNummer', office?.kbi)]) : null,
            el('OnderdeelMO', part('MO')),
            el('OnderdeelNT2', part('NT2')),
            el('OnderdeelLO', part('LO')),
          ]);
        }),
      )
    : null;

  const gesprekken = d.conversations?.length
    ? el(
        'Gesprekken',
        [...(d.conversations as Rec[])].sort(inOrderReceived).map((g) => {
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
      el('Reden', reg.reason, korteNaam(codes, 'registration_reason', reg.reason, true)),
    ]);

  const hvn = latestAdvice(d.advice, ['HOUSE_OF_DUTCH']);
  const arbeidsmarkt = latestAdvice(d.advice, ['LABOUR_MARKET', 'VDAB']);
  const described = (a: Rec) =>
    a.label ? { KorteNaam: a.labelShort ?? String(a.label).slice(0, 25), Naam: a.label } : korteNaam(codes, 'advice_type', a.adviceType);
  const adviezen =
    (hvn || arbeidsmarkt) &&
    el('Adviezen', [
      hvn ? el('HvN', (hvn.text as string | undefined) ?? '', described(hvn)) : null,
      arbeidsmarkt ? opt('Arbeidsmarkt', arbeidsmarkt.adviceType) : null,
    ]);

  const besluit = (x: Rec) =>
    x.decision
      ? el('Besluit', [
          el('Code', x.decision),
          opt('DatumToekenning', x.decisionDate),
          x.decisionReason ? el('Reden', [], { KorteNaam: x.decisionReasonShort ?? String(x.decisionReason).slice(0, 25), Naam: x.decisionReason }) : null,
        ])
      : null;
  const components = [...((d.trajectoryComponents ?? []) as Rec[])].sort(inOrderReceived);
  const trajecten =
    has('trajectories') &&
    !!d.trajectories?.length &&
    el(
      'Trajecten',
      [...(d.trajectories as Rec[])].sort(inOrderReceived).map((t) => {
        const office = t.managingOfficeId ? refs.offices.get(t.managingOfficeId) : undefined;
        const contact = t.contactStaffId ? refs.staff.get(t.contactStaffId) : undefined;
        const own = components.filter((c) => c.trajectoryId === t.id);
        return el('Traject', [
          el('Type', t.type),
          office || contact
            ? el('Beheerder', [
                periode('Periode', t.managedSince ?? t.startDate),
                office ? el('KBIVestiging', [opt('KboNummer', office.kbo), opt('KbiNummer', office.kbi)]) : null,
                contact ? el('ContactPersoon', [naam(contact.family, contact.given)]) : null,
              ])
            : null,
          el('Status', [el('Code', t.status), periode('Periode', t.statusSince)]),
          besluit(t),
          own.length
            ? el(
                'TrajectOnderdelen',
                own.map((c) =>
                  el('TrajectOnderdeel', [
                    el('Type', c.type),
                    periode('Periode', c.startDate, c.endDate),
                    el('Status', [el('Code', c.status), periode('Periode', c.statusSince)]),
                    besluit(c),
                  ]),
                ),
              )
            : null,
        ]);
      }),
    );

  const nt2 = [...((d.enrolments ?? []) as Rec[])].filter((e) => refs.courses.get(e.courseId)?.course_type === 'NT2').sort(inOrderReceived);
  const vormingsActiviteiten =
    nt2.length > 0 &&
    el('VormingsActiviteiten', [
      el(
        'NT2Cursussen',
        nt2.map((e) => {
          const course = refs.courses.get(e.courseId)!;
          const module = e.moduleId ? refs.modules.get(e.moduleId) : undefined;
          const davinci = refs.organisations.get(course.provider_id)?.davinci;
          return el('NT2Cursus', [
            el('ID', e.externalId ?? e.id),
            davinci ? el('Centrum', [el('DavinciInstellingsNummer', davinci)]) : null,
            opt('Vestiging', course.location_code, { Naam: course.location_name ?? undefined }),
            opt('Opleiding', course.training_code, { Naam: course.name }),
            module ? el('Module', module.code, { Naam: module.name }) : null,
            periode('Periode', e.startDate, e.endDate),
            el('DatumInschrijving', e.enrolledOn),
            el('Status', e.status),
          ]);
        }),
      ),
    ]);

  const facts = (d.infringementFacts ?? []) as Rec[];
  const factsOf = (i: Rec, kind: string) => facts.filter((f) => f.infringementId === i.id && f.kind === kind).sort(inOrderReceived);
  const inbreuken = d.infringements?.length
    ? el(
        'Inbreuken',
        [...(d.infringements as Rec[])].sort(inOrderReceived).map((i) => {
          const activities = factsOf(i, 'ACTIVITY');
          const communications = factsOf(i, 'COMMUNICATION');
          return el('Inbreuk', [
            el('Type', i.kbiType ?? i.type),
            el('SanctionerendeOverheid', i.sanctioningAuthority),
            el('DatumVaststelling', i.establishedOn),
            opt('DatumIngebrekestellingVerzonden', i.noticeSentOn),
            opt('Motivering', i.motivation),
            el('FeitenRelaas', [
              activities.length
                ? el(
                    'Activiteiten',
                    activities.map((a) => el('Activiteit', [opt('ID', a.externalId), el('Type', a.activityType), el('DatumUitgevoerd', a.occurredOn)])),
                  )
                : null,
              communications.length
                ? el(
                    'Communicaties',
                    communications.map((c) =>
                      el('Communicatie', [
                        el('DatumAanmaak', c.occurredOn),
                        el('TypeDocument', c.documentType, korteNaam(codes, 'infringement_document_type', c.documentType)),
                      ]),
                    ),
                  )
                : null,
            ]),
            el('RechtzettingsFormulier', (i.rectificationForm as string | undefined) ?? ''),
          ]);
        }),
      )
    : null;

  const literacy = latest(
    (d.literacyAssessments ?? []).filter((l: Rec) => !l.script || /^lat/i.test(l.script)),
    'assessedOn',
  );
  const attainments = [...(d.levelAttainments ?? [])];
  const highest = [...attainments].sort((a, b) => String(b.level).localeCompare(String(a.level)))[0];
  const recent = latest(attainments, 'obtainedOn');
  const level = (name: string, code: unknown) => opt(name, code, korteNaam(codes, 'cefr_level', code as string | undefined));
  // Written when something of it is known, its three parts then always (empty where unknown), as in the examples.
  const talenkennis =
    has('languages') &&
    !!(d.languageSkills?.length || literacy || attainments.length) &&
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
      el('Alfabetiseringsgraad', [literacy ? el('LatijnsSchrift', literacy.level, korteNaam(codes, 'literacy_level', literacy.level)) : null]),
      el('BehaaldNT2Niveau', [level('HoogstBehaald', highest?.level), level('RecentstBehaald', recent?.level)]),
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
            el('VoorkeurLesMoment', [
              ...pref.lessonMoments.map((m: string) => el('LesVoorkeurLesMoment', [el('Code', m)])),
              periode('PeriodeGeldigheid', pref.lessonMomentsValidFrom),
            ]),
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

  return el('KBIDossier', [
    personalia,
    doelgroep,
    uitstellen,
    attesten,
    contracten,
    aanmelding,
    adviezen,
    trajecten,
    inbreuken,
    vormingsActiviteiten,
    talenkennis,
    voorkeuren,
    gesprekken,
    wooncode,
  ]);
}
