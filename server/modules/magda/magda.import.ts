/**
 * Import of KBI dossiers in MAGDA's GeefDossierKBI-01.00 format (`npx kbi import <dir|file> --kind
 * magda-dossiers`): the answers a legacy KBI gave, or its export in that format, read into the
 * dossier store — the reader of the format that geef-dossier-kbi.ts writes, element for element, so
 * that a dossier imported from an answer is answered again as it came.
 *
 * The conventions of the course feeds (imports module): a batch named by its sender, all or
 * nothing (every file is checked before anything is written; one error and nothing is imported),
 * the same batch again changes nothing (`replayed`), every error named by file and element, the
 * run kept in `import_batches`. Every value passes the checks a screen's input passes (codes, INSZ,
 * KBO, periods, rules of each record, the kinds of the offices referred to); an unknown code is
 * reported, never guessed. What the format does not say is never made up, with four stated
 * exceptions: a literacy level, a level reached and a housing assessment carry no date in the
 * format and are dated on the day of the answer; a conversation's day is kept at noon UTC.
 *
 * Reference data is looked up, not invented: offices by their KBI number (its KBO number must
 * agree), adult-education centres by their Davinci number. A trajectory's contact person, an NT2
 * course and its module are created when the organisation they belong to is known and they are not.
 * A person already in KBI is refused (an import creates dossiers; it never merges into one).
 */
import { createHash } from 'node:crypto';
import { orderedId } from '../../platform/ids.ts';
import { sql } from 'kysely';
import { XMLParser } from 'fast-xml-parser';
import type { RequestContext } from '../../platform/access.ts';
import type { Deps } from '../../platform/deps.ts';
import { inTransaction, untyped, type Executor, type Row } from '../../platform/db.ts';
import { Problem, type Issue } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { parseInsz } from '../../platform/identifiers/insz.ts';
import { byResource, PERSON_RESOURCE, REFERENCE_RESOURCES, type ResourceDef } from '../dossier/clusters.ts';
import { checkReferences, checkRules, toColumns } from '../dossier/dossier.service.ts';
import { MAGDA_CERTIFICATE_KINDS } from './codes.ts';

export interface MagdaFile {
  /** The file's name, as errors name it. */
  name: string;
  xml: string;
}

export interface MagdaImportInput {
  batchId: string;
  /** The organisation whose (legacy) system the dossiers come from. */
  organisationId: string;
  files: MagdaFile[];
  /**
   * The partner kinds the dossiers' conversations are relevant for (seed 003 §61: a conversation
   * leaves KBI only to a kind it is flagged relevant for). The format carries no such flag: none
   * unless the operator says so.
   */
  conversationsRelevantFor?: string[];
}

export interface MagdaImportError {
  file: string;
  /** The element (path below KBIDossier) and, where it is one field, its name in our API. */
  path: string | null;
  reason: string;
}

export interface MagdaImportResult {
  status: 'succeeded' | 'failed' | 'replayed';
  runId: string;
  batchId: string;
  /** Dossiers imported (or that would have been). */
  dossiers: number;
  /** Records written, the persons included. */
  records: number;
  /** Files that hold a MAGDA exception instead of a dossier: nothing to import, not an error. */
  skipped: { file: string; reason: string }[];
  warnings: MagdaImportError[];
  errors: MagdaImportError[];
  replayOf: string | null;
}

const MAX_FILES = 100_000;
const MAX_LISTED = 1000;
const REPEATED = new Set([
  'Achternaam',
  'Voornaam',
  'UitstelVanOndertekening',
  'Document',
  'Contract',
  'Traject',
  'TrajectOnderdeel',
  'NT2Cursus',
  'Inbreuk',
  'Activiteit',
  'Communicatie',
  'Taal',
  'PostkantonCode',
  'VoorkeurLesMoment',
  'LesVoorkeurLesMoment',
  'Gesprek',
  'Uitzondering',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => REPEATED.has(name),
});

type N = Record<string, any>;

/** The text of an element (its `#text` when it has attributes); '' when absent or empty. */
const text = (n: unknown): string => {
  if (n === undefined || n === null) return '';
  if (typeof n === 'object') return String((n as N)['#text'] ?? '').trim();
  return String(n).trim();
};
const txt = (n: unknown): string | undefined => text(n) || undefined;
const list = (n: unknown): N[] => (Array.isArray(n) ? n : n === undefined || n === null || n === '' ? [] : [n]) as N[];
const attr = (n: unknown, name: string): string | undefined => (n && typeof n === 'object' ? ((n as N)[`@${name}`] as string | undefined) : undefined);

/** One record to write: its resource, its input in API names, and the references it takes from records written before it. */
interface Planned {
  def: ResourceDef;
  path: string;
  input: Record<string, unknown>;
  /** Field → key of a record of this dossier (trajectoryId → the trajectory's key). */
  refs?: Record<string, string>;
  /** Field → reference data to find or create (contact person, course, module). */
  lookups?: Record<string, Lookup>;
  key?: string;
}

type Lookup =
  | { kind: 'staff'; organisationId: string; officeId: string; familyName: string; givenName: string }
  | { kind: 'course'; input: Record<string, unknown> }
  | { kind: 'module'; course: Lookup & { kind: 'course' }; code: string; name: string };

interface Dossier {
  file: string;
  insz: string;
  person: Record<string, unknown>;
  /** The birth date as the source holds it (not checked against the INSZ: see personOf). */
  birthDate?: string;
  records: Planned[];
}

/** Reference data the dossiers refer to, read once per batch. */
interface Reference {
  offices: Map<string, { id: string; kbo: string | null; organisationId: string; organisationKbo: string | null }>;
  davinci: Map<string, string>;
}

async function loadReference(deps: Deps): Promise<Reference> {
  const offices = await deps.db
    .selectFrom('offices as f')
    .innerJoin('organisations as o', 'o.id', 'f.organisation_id')
    .select(['f.id', 'f.kbi_key', 'f.kbo_number', 'f.organisation_id', 'o.enterprise_number'])
    .where('f.kbi_key', 'is not', null)
    .execute();
  const orgs = await deps.db.selectFrom('organisations').select(['id', 'davinci_number']).where('davinci_number', 'is not', null).execute();
  return {
    offices: new Map(
      offices.map((o) => [o.kbi_key!, { id: o.id, kbo: o.kbo_number, organisationId: o.organisation_id, organisationKbo: o.enterprise_number }]),
    ),
    davinci: new Map(orgs.map((o) => [o.davinci_number!, o.id])),
  };
}

/** What a file holds: a dossier, or a MAGDA exception instead of one. */
type Read = { dossier: N; answeredOn: string } | { exception: string };

/** Reads one answer; throws a Problem naming what is wrong with the file as a whole. */
export function readAnswer(xml: string): Read {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Problem('badRequest', 'a document type declaration (DTD, entities) is not accepted');
  let doc: N;
  try {
    doc = parser.parse(xml, true) as N;
  } catch (e) {
    throw new Problem('badRequest', `not well-formed XML: ${(e as { err?: { msg?: string } }).err?.msg ?? (e as Error).message}`);
  }
  const body = doc.Envelope?.Body ?? doc;
  const response = body.GeefDossierKBIResponse;
  const repliek = response?.Repliek;
  if (!repliek) throw new Problem('badRequest', 'not a GeefDossierKBI answer: no GeefDossierKBIResponse/Repliek');
  const versie = text(repliek.Context?.Versie);
  if (text(repliek.Context?.Naam) !== 'GeefDossierKBI' || !versie.startsWith('01.00'))
    throw new Problem('badRequest', `not a GeefDossierKBI 01.00 answer (Context: ${text(repliek.Context?.Naam)} ${versie})`);
  const answeredOn = text(repliek.Context?.Bericht?.Tijdstip?.Datum);
  const antwoord = repliek.Antwoorden?.Antwoord;
  const dossier = antwoord?.Inhoud?.KBIDossier;
  if (dossier && typeof dossier === 'object') return { dossier, answeredOn };
  const u = [...list(repliek.Uitzonderingen?.Uitzondering), ...list(antwoord?.Uitzonderingen?.Uitzondering)][0];
  if (u) return { exception: `MAGDA exception ${text(u.Identificatie)} (${text(u.Oorsprong)}): ${text(u.Diagnose)}` };
  throw new Problem('badRequest', 'the answer holds neither a KBIDossier nor an Uitzondering');
}

/** KBI 01.00 writes booleans as true/false. */
const bool = (v: unknown): boolean | undefined => (text(v) === 'true' ? true : text(v) === 'false' ? false : undefined);

/** The dossier of one answer as records to write, with what is wrong with it. */
function plan(file: string, dossier: N, answeredOn: string, ref: Reference, relevantFor: string[], errors: MagdaImportError[]): Dossier | null {
  const fail = (path: string | null, reason: string) => errors.push({ file, path, reason });
  const records: Planned[] = [];
  const office = (path: string, n: N | undefined, kboMustMatch: boolean) => {
    const kbi = text(n?.KbiNummer);
    if (!kbi) return undefined;
    const found = ref.offices.get(kbi.toUpperCase());
    if (!found) {
      fail(`${path}/KbiNummer`, `no office with KBI number ${kbi} is known to KBI: load the reference data (offices) first`);
      return undefined;
    }
    const kbo = text(n?.KboNummer);
    if (kboMustMatch && kbo && found.kbo && kbo !== found.kbo)
      fail(`${path}/KboNummer`, `the office with KBI number ${kbi} has KBO number ${found.kbo}, not ${kbo}`);
    return found;
  };

  // Personalia
  const p = dossier.Personalia as N | undefined;
  if (!p) {
    fail('Personalia', 'missing: a dossier without its person cannot be imported');
    return null;
  }
  const insz = text(p.INSZ);
  const creator = office('Personalia/AangemaaktDoor', p.AangemaaktDoor, false);
  const person: Record<string, unknown> = {
    insz,
    familyName: list(p.Naam?.Achternamen?.Achternaam).map(text).join(' '),
    givenNames: list(p.Naam?.Voornamen?.Voornaam).map(text).join(' '),
    gender: txt(p.Geslacht?.Code),
    createdByKbo: txt(p.AangemaaktDoor?.KboNummer),
    ...(creator ? { createdByOfficeId: creator.id, createdByOrganisationId: creator.organisationId } : {}),
  };
  const birthDate = txt(p.Geboortedatum);

  // Doelgroep
  const dg = dossier.Doelgroep as N | undefined;
  if (dg) {
    records.push({
      def: byResource.get('targetGroupDeterminations')!,
      path: 'Doelgroep',
      input: {
        determinedOn: txt(dg.Periode?.Begin) ?? answeredOn,
        determined: text(dg.Code) === 'JA' ? true : text(dg.Code) === 'NEE' ? false : text(dg.Code),
        type: txt(dg.Type),
        subtype: txt(dg.SubType),
        startDate: txt(dg.Periode?.Begin),
        endDate: txt(dg.Periode?.Einde),
        noTargetGroupReason: txt(dg.RedenGeenDoelgroep),
        exemptionReason: txt(dg.RedenVrijstellingVanDeVerplichting),
      },
    });
  }

  for (const [i, u] of list(dossier.UitstellenVanOndertekening?.UitstelVanOndertekening).entries())
    records.push({
      def: byResource.get('signingPostponements')!,
      path: `UitstellenVanOndertekening/UitstelVanOndertekening[${i + 1}]`,
      input: { startDate: txt(u.Periode?.Begin), endDate: txt(u.Periode?.Einde), reason: txt(u.Reden) },
    });

  for (const [i, c] of list(dossier.BehaaldeAttesten?.Document).entries()) {
    const path = `BehaaldeAttesten/Document[${i + 1}]`;
    const type = txt(c.Type);
    if (!type) fail(`${path}/Type`, 'a certificate needs its type');
    records.push({
      def: byResource.get('certificates')!,
      path,
      input: {
        kind: type ? MAGDA_CERTIFICATE_KINDS[type] : undefined,
        documentType: type,
        documentClass: txt(c.Soort),
        documentId: txt(c.Id),
        issuedOn: txt(c.DatumAanmaak),
        signedOn: txt(c.DatumOndertekening),
        issuedByKbo: txt(c.AangemaaktDoor?.KboNummer),
      },
    });
  }

  for (const [i, c] of list(dossier.Contracten?.Contract).entries()) {
    const path = `Contracten/Contract[${i + 1}]`;
    const at = office(`${path}/AangemaaktDoor`, c.AangemaaktDoor, true);
    const key = `contract${i}`;
    records.push({
      def: byResource.get('contracts')!,
      path,
      key,
      input: { registeredOn: txt(c.DatumRegistratie), createdByKbo: txt(c.AangemaaktDoor?.KboNummer), officeId: at?.id },
    });
    for (const part of ['MO', 'NT2', 'LO'] as const) {
      const v = c[`Onderdeel${part}`];
      if (v !== undefined && bool(v) === undefined) fail(`${path}/Onderdeel${part}`, 'must be true or false');
      if (bool(v)) records.push({ def: byResource.get('contractParts')!, path: `${path}/Onderdeel${part}`, input: { part }, refs: { contractId: key } });
    }
  }

  const a = dossier.Aanmelding as N | undefined;
  if (a) {
    const place = office('Aanmelding/AanmeldingsPlaats', a.AanmeldingsPlaats, false);
    records.push({
      def: byResource.get('registrations')!,
      path: 'Aanmelding',
      input: { type: txt(a.Type), registeredOn: txt(a.DatumAanmelding), officeId: place?.id, reason: txt(a.Reden) },
    });
  }

  const adv = dossier.Adviezen as N | undefined;
  if (adv?.HvN !== undefined) {
    const hvn = adv.HvN;
    records.push({
      def: byResource.get('advice')!,
      path: 'Adviezen/HvN',
      input: { source: 'HOUSE_OF_DUTCH', labelShort: attr(hvn, 'KorteNaam'), label: attr(hvn, 'Naam'), text: txt(hvn) },
    });
  }
  if (adv?.Arbeidsmarkt !== undefined)
    records.push({ def: byResource.get('advice')!, path: 'Adviezen/Arbeidsmarkt', input: { source: 'LABOUR_MARKET', adviceType: txt(adv.Arbeidsmarkt) } });

  for (const [i, t] of list(dossier.Trajecten?.Traject).entries()) {
    const path = `Trajecten/Traject[${i + 1}]`;
    const key = `trajectory${i}`;
    const manager = office(`${path}/Beheerder/KBIVestiging`, t.Beheerder?.KBIVestiging, true);
    const contact = t.Beheerder?.ContactPersoon?.Naam as N | undefined;
    const lookups: Record<string, Lookup> = {};
    if (contact) {
      if (!manager) fail(`${path}/Beheerder/ContactPersoon`, 'a contact person needs the managing office (KBIVestiging) it works at');
      else
        lookups.contactStaffId = {
          kind: 'staff',
          organisationId: manager.organisationId,
          officeId: manager.id,
          familyName: list(contact.Achternamen?.Achternaam).map(text).join(' '),
          givenName: list(contact.Voornamen?.Voornaam).map(text).join(' '),
        };
    }
    const managed = txt(t.Beheerder?.Periode?.Begin);
    const reden = t.Besluit?.Reden;
    records.push({
      def: byResource.get('trajectories')!,
      path,
      key,
      lookups,
      input: {
        type: txt(t.Type),
        startDate: managed ?? txt(t.Status?.Periode?.Begin),
        managedSince: managed,
        managingOfficeId: manager?.id,
        status: txt(t.Status?.Code),
        statusSince: txt(t.Status?.Periode?.Begin),
        decision: txt(t.Besluit?.Code),
        decisionDate: txt(t.Besluit?.DatumToekenning),
        decisionReason: attr(reden, 'Naam'),
        decisionReasonShort: attr(reden, 'KorteNaam'),
      },
    });
    for (const [j, c] of list(t.TrajectOnderdelen?.TrajectOnderdeel).entries()) {
      const cpath = `${path}/TrajectOnderdelen/TrajectOnderdeel[${j + 1}]`;
      const creden = c.Besluit?.Reden;
      records.push({
        def: byResource.get('trajectoryComponents')!,
        path: cpath,
        refs: { trajectoryId: key },
        input: {
          type: txt(c.Type),
          startDate: txt(c.Periode?.Begin),
          endDate: txt(c.Periode?.Einde),
          status: txt(c.Status?.Code),
          statusSince: txt(c.Status?.Periode?.Begin),
          decision: txt(c.Besluit?.Code),
          decisionDate: txt(c.Besluit?.DatumToekenning),
          decisionReason: attr(creden, 'Naam'),
          decisionReasonShort: attr(creden, 'KorteNaam'),
        },
      });
    }
  }

  for (const [i, c] of list(dossier.VormingsActiviteiten?.NT2Cursussen?.NT2Cursus).entries()) {
    const path = `VormingsActiviteiten/NT2Cursussen/NT2Cursus[${i + 1}]`;
    const davinci = text(c.Centrum?.DavinciInstellingsNummer);
    const provider = ref.davinci.get(davinci);
    if (!provider) {
      fail(
        `${path}/Centrum/DavinciInstellingsNummer`,
        `no organisation with Davinci number ${davinci || '(none)'} is known to KBI: load the reference data first`,
      );
      continue;
    }
    const course: Lookup & { kind: 'course' } = {
      kind: 'course',
      input: {
        providerId: provider,
        courseType: 'NT2',
        name: attr(c.Opleiding, 'Naam') ?? text(c.Opleiding),
        trainingCode: txt(c.Opleiding),
        locationCode: txt(c.Vestiging),
        locationName: attr(c.Vestiging, 'Naam'),
        startDate: txt(c.Periode?.Begin),
        endDate: txt(c.Periode?.Einde),
      },
    };
    const lookups: Record<string, Lookup> = { courseId: course };
    if (txt(c.Module)) lookups.moduleId = { kind: 'module', course, code: text(c.Module), name: attr(c.Module, 'Naam') ?? text(c.Module) };
    records.push({
      def: byResource.get('enrolments')!,
      path,
      lookups,
      input: {
        externalId: txt(c.ID),
        enrolledOn: txt(c.DatumInschrijving),
        startDate: txt(c.Periode?.Begin),
        endDate: txt(c.Periode?.Einde),
        status: txt(c.Status),
      },
    });
  }

  for (const [i, n] of list(dossier.Inbreuken?.Inbreuk).entries()) {
    const path = `Inbreuken/Inbreuk[${i + 1}]`;
    const key = `infringement${i}`;
    const type = text(n.Type);
    records.push({
      def: byResource.get('infringements')!,
      path,
      key,
      input: {
        ...(/^[0-9]+$/.test(type) ? { kbiType: type } : { type: type || undefined }),
        sanctioningAuthority: txt(n.SanctionerendeOverheid),
        establishedOn: txt(n.DatumVaststelling),
        noticeSentOn: txt(n.DatumIngebrekestellingVerzonden),
        motivation: txt(n.Motivering),
        rectificationForm: txt(n.RechtzettingsFormulier),
      },
    });
    for (const [j, f] of list(n.FeitenRelaas?.Activiteiten?.Activiteit).entries())
      records.push({
        def: byResource.get('infringementFacts')!,
        path: `${path}/FeitenRelaas/Activiteiten/Activiteit[${j + 1}]`,
        refs: { infringementId: key },
        input: { kind: 'ACTIVITY', externalId: txt(f.ID), activityType: txt(f.Type), occurredOn: txt(f.DatumUitgevoerd) },
      });
    for (const [j, f] of list(n.FeitenRelaas?.Communicaties?.Communicatie).entries())
      records.push({
        def: byResource.get('infringementFacts')!,
        path: `${path}/FeitenRelaas/Communicaties/Communicatie[${j + 1}]`,
        refs: { infringementId: key },
        input: { kind: 'COMMUNICATION', documentType: txt(f.TypeDocument), occurredOn: txt(f.DatumAanmaak) },
      });
  }

  const tk = dossier.Talenkennis as N | undefined;
  if (tk) {
    for (const [i, l] of list(tk.Talen?.Taal).entries())
      records.push({
        def: byResource.get('languageSkills')!,
        path: `Talenkennis/Talen/Taal[${i + 1}]`,
        input: { language: txt(l.Code), contactLanguage: bool(l.ContactTaal), proficiency: txt(l.KennisNiveau) },
      });
    const latin = txt(tk.Alfabetiseringsgraad?.LatijnsSchrift);
    if (latin)
      records.push({
        def: byResource.get('literacyAssessments')!,
        path: 'Talenkennis/Alfabetiseringsgraad/LatijnsSchrift',
        input: { script: 'LATIN', level: latin, assessedOn: answeredOn },
      });
    const highest = txt(tk.BehaaldNT2Niveau?.HoogstBehaald);
    const recent = txt(tk.BehaaldNT2Niveau?.RecentstBehaald);
    for (const [name, level] of [
      ['HoogstBehaald', highest],
      ['RecentstBehaald', recent !== highest ? recent : undefined],
    ] as const)
      if (level)
        records.push({
          def: byResource.get('levelAttainments')!,
          path: `Talenkennis/BehaaldNT2Niveau/${name}`,
          input: { level, obtainedOn: answeredOn, basis: 'KBI 01.00' },
        });
  }

  const vk = dossier.VoorkeurenKlant as N | undefined;
  if (vk) {
    const moments = list(vk.VoorkeurLesMomenten?.VoorkeurLesMoment);
    const intensity = txt(vk.Intensiteit);
    records.push({
      def: byResource.get('clientPreferences')!,
      path: 'VoorkeurenKlant',
      input: {
        wishedStartDate: txt(vk.DatumGewensteStart),
        intensity: intensity === undefined ? undefined : /^[0-9]+$/.test(intensity) ? Number(intensity) : intensity,
        postcodes: list(vk.PostkantonCodes?.PostkantonCode).map(text),
        lessonMoments: moments.flatMap((m) => list(m.LesVoorkeurLesMoment).map((x) => text(x.Code))),
        lessonMomentsValidFrom: moments.map((m) => txt(m.PeriodeGeldigheid?.Begin)).find(Boolean),
      },
    });
  }

  for (const [i, g] of list(dossier.Gesprekken?.Gesprek).entries()) {
    const path = `Gesprekken/Gesprek[${i + 1}]`;
    const at = office(`${path}/GeregistreerdBij`, g.GeregistreerdBij, false);
    const day = text(g.Datum);
    records.push({
      def: byResource.get('conversations')!,
      path,
      input: {
        heldAt: /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T12:00:00Z` : day,
        officeId: at?.id,
        relevantFor: relevantFor.length ? relevantFor : undefined,
      },
    });
  }

  const w = dossier.Wooncode as N | undefined;
  if (w)
    records.push({
      def: byResource.get('housingRequirements')!,
      path: 'Wooncode',
      input: {
        mustMeetIntegration: bool(w.MoetVoldoenAanInburgeringsBereidheid),
        meetsIntegration: bool(w.VoldoetAanInburgeringBereidheid),
        mustMeetLanguage: bool(w.MoetVoldoenAanTaalBereidheid),
        meetsLanguage: bool(w.VoldoetAanTaalBereidheid),
        followedUpBy: txt(w.OpvolgingDoor),
        assessedOn: answeredOn,
      },
    });

  // Elements of KBI 01.00 this reader does not know: reported, never passed over in silence.
  const known = new Set([
    'Personalia',
    'Doelgroep',
    'UitstellenVanOndertekening',
    'BehaaldeAttesten',
    'Contracten',
    'Aanmelding',
    'Adviezen',
    'Trajecten',
    'VormingsActiviteiten',
    'Inbreuken',
    'Talenkennis',
    'VoorkeurenKlant',
    'Gesprekken',
    'Wooncode',
  ]);
  for (const k of Object.keys(dossier)) if (!k.startsWith('@') && k !== '#text' && !known.has(k)) fail(k, 'an element this import does not know');

  return { file, insz, person, birthDate, records };
}

/** Drops undefined values (absent elements), so that a field is checked only when the answer has it. */
const defined = (input: Record<string, unknown>) => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));

/** The input's checks a screen's input passes, without the database: codes, INSZ, KBO, dates, periods, rules. */
function check(deps: Deps, file: string, def: ResourceDef, path: string, input: Record<string, unknown>, errors: MagdaImportError[]): Row | null {
  try {
    const row = toColumns(deps, def, defined(input), 'create');
    checkRules(def, row);
    return row;
  } catch (e) {
    if (!(e instanceof Problem)) throw e;
    const issues = (e.issues ?? []) as Issue[];
    if (!issues.length) errors.push({ file, path, reason: e.message });
    for (const i of issues) errors.push({ file, path: `${path} (${i.name})`, reason: i.detail });
    return null;
  }
}

/** A stable name of the batch's content: the files, by name, in order. */
function contentHash(files: MagdaFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) h.update(f.name).update('\0').update(f.xml).update('\0');
  return h.digest('hex');
}

/** Finds or creates a contact person, an NT2 course or its module, in the import's transaction. */
async function resolve(tx: Executor, deps: Deps, lookup: Lookup, cache: Map<Lookup, string>): Promise<string> {
  const hit = cache.get(lookup);
  if (hit) return hit;
  const db = untyped(tx);
  let id: string | undefined;
  const create = async (resource: string, input: Record<string, unknown>) => {
    const def = REFERENCE_RESOURCES.find((r) => r.resource === resource)!;
    const row = toColumns(deps, def, defined(input), 'create');
    checkRules(def, row);
    await checkReferences(tx, def, row, null);
    return ((await db.insertInto(def.table).values(row).returning('id').executeTakeFirstOrThrow()) as { id: string }).id;
  };
  if (lookup.kind === 'staff') {
    id = (
      await db
        .selectFrom('staff')
        .select('id')
        .where('organisation_id', '=', lookup.organisationId)
        .where('family_name', '=', lookup.familyName)
        .where('given_name', '=', lookup.givenName)
        .orderBy('id')
        .executeTakeFirst()
    )?.id;
    id ??= await create('staff', {
      organisationId: lookup.organisationId,
      officeId: lookup.officeId,
      familyName: lookup.familyName,
      givenName: lookup.givenName,
    });
  } else if (lookup.kind === 'course') {
    const c = lookup.input;
    id = (
      await db
        .selectFrom('courses')
        .select('id')
        .where('provider_id', '=', c.providerId)
        .where('training_code', '=', c.trainingCode ?? null)
        .where('start_date', '=', c.startDate ?? null)
        .where(sql<boolean>`location_code IS NOT DISTINCT FROM ${c.locationCode ?? null}`)
        .orderBy('id')
        .executeTakeFirst()
    )?.id;
    id ??= await create('courses', c);
  } else {
    const courseId = await resolve(tx, deps, lookup.course, cache);
    id = (await db.selectFrom('course_modules').select('id').where('course_id', '=', courseId).where('code', '=', lookup.code).orderBy('id').executeTakeFirst())
      ?.id;
    id ??= await create('courseModules', { courseId, code: lookup.code, name: lookup.name });
  }
  cache.set(lookup, id!);
  return id!;
}

/**
 * A person of a legacy dossier. The source's birth date stands, even where it differs from the
 * one the INSZ encodes (the register keeps a person's number when it corrects the birth date, and
 * test persons have numbers that encode nothing): a screen refuses such a difference as a typing
 * error; an import keeps it and warns.
 */
function personRow(deps: Deps, d: Dossier, errors: MagdaImportError[], warnings: MagdaImportError[]): Row | null {
  const row = check(deps, d.file, PERSON_RESOURCE, 'Personalia', d.person, errors);
  if (!row || !d.birthDate) return row;
  const dated = check(deps, d.file, PERSON_RESOURCE, 'Personalia/Geboortedatum', { birthDate: d.birthDate }, errors);
  if (!dated) return row;
  const parsed = parseInsz(d.insz, { allowTestNumbers: deps.acceptTestInsz });
  if (parsed.ok && parsed.insz.birthDate && parsed.insz.birthDate !== d.birthDate)
    warnings.push({
      file: d.file,
      path: 'Personalia/Geboortedatum',
      reason: `kept as the source holds it (${d.birthDate}), though the INSZ encodes ${parsed.insz.birthDate}`,
    });
  return { ...row, birth_date: dated.birth_date };
}

/** Imports a batch of GeefDossierKBI answers: all or nothing; the same batch again changes nothing. */
export async function importMagdaDossiers(deps: Deps, ctx: RequestContext, input: MagdaImportInput): Promise<MagdaImportResult> {
  if (!/^[A-Za-z0-9._:-]{1,100}$/.test(input.batchId))
    throw new Problem('badRequest', 'batchId: 1 to 100 letters, digits or . _ : -', [{ in: 'query', name: 'batchId', detail: 'malformed' }]);
  if (!input.files.length) throw new Problem('badRequest', 'no files: give a GeefDossierKBI answer or a directory of them');
  if (input.files.length > MAX_FILES) throw new Problem('badRequest', `more than ${MAX_FILES} files in one batch: split it`);
  const org = /^[0-9a-f-]{36}$/i.test(input.organisationId)
    ? await deps.db.selectFrom('organisations').select(['id']).where('id', '=', input.organisationId).executeTakeFirst()
    : undefined;
  if (!org)
    throw new Problem('referencedResourceNotFound', 'no such sending organisation', [{ in: 'query', name: 'asOrganisation', detail: 'no such organisation' }]);
  for (const kind of input.conversationsRelevantFor ?? [])
    if (!deps.codes.get('organisation_kind', kind))
      throw new Problem('badRequest', `conversationsRelevantFor: ${kind} is not an organisation kind`, [
        { in: 'query', name: 'conversationsRelevantFor', detail: 'not in code list organisation_kind' },
      ]);

  const hash = contentHash(input.files);
  const key = { organisation_id: org.id, kind: 'magda-dossiers', batch_id: input.batchId };
  const lock = await deps.database.tryLock(`kbi:import:${key.organisation_id}:${key.kind}:${key.batch_id}`);
  if (!lock) throw new Problem('conflict', 'this batch is being imported right now');
  try {
    const done = await deps.db
      .selectFrom('import_batches')
      .select(['id', 'content_hash'])
      .where('organisation_id', '=', key.organisation_id)
      .where('kind', '=', key.kind)
      .where('batch_id', '=', key.batch_id)
      .where('status', '=', 'succeeded')
      .executeTakeFirst();
    if (done && done.content_hash !== hash)
      throw new Problem('conflict', `batch ${input.batchId} was imported before with other content: give the new content a new batch id`);
    const base = { batchId: input.batchId, skipped: [], warnings: [], errors: [] };
    if (done) {
      const run = await deps.db
        .insertInto('import_batches')
        .values({
          ...key,
          content_hash: hash,
          format: 'xml',
          status: 'replayed',
          replay_of: done.id,
          started_by: ctx.actor.id,
          request_id: ctx.requestId,
          finished_at: sql`clock_timestamp()`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { ...base, status: 'replayed', runId: run.id, dossiers: 0, records: 0, replayOf: done.id };
    }
    return await run(deps, ctx, input, key, hash);
  } finally {
    await lock.release();
  }
}

async function run(
  deps: Deps,
  ctx: RequestContext,
  input: MagdaImportInput,
  key: { organisation_id: string; kind: string; batch_id: string },
  hash: string,
): Promise<MagdaImportResult> {
  const errors: MagdaImportError[] = [];
  const warnings: MagdaImportError[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const ref = await loadReference(deps);
  const dossiers: { d: Dossier; person: Row; rows: (Row | null)[] }[] = [];
  const seen = new Map<string, string>();
  for (const file of input.files) {
    let read: Read;
    try {
      read = readAnswer(file.xml);
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      errors.push({ file: file.name, path: null, reason: e.message });
      continue;
    }
    if ('exception' in read) {
      skipped.push({ file: file.name, reason: `holds no dossier: ${read.exception}` });
      continue;
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(read.answeredOn)) {
      errors.push({ file: file.name, path: 'Repliek/Context/Bericht/Tijdstip/Datum', reason: 'the answer has no date (YYYY-MM-DD)' });
      continue;
    }
    const d = plan(file.name, read.dossier, read.answeredOn, ref, input.conversationsRelevantFor ?? [], errors);
    if (!d) continue;
    const person = personRow(deps, d, errors, warnings);
    const rows = d.records.map((r) => check(deps, d.file, r.def, r.path, r.input, errors));
    if (person) {
      const value = person.insz as string;
      if (seen.has(value)) errors.push({ file: d.file, path: 'Personalia/INSZ', reason: `the same person as in ${seen.get(value)}` });
      seen.set(value, d.file);
      dossiers.push({ d, person, rows });
    }
  }
  if (dossiers.length) {
    const known = await deps.db
      .selectFrom('persons')
      .select('insz')
      .where('insz', 'in', [...seen.keys()])
      .execute();
    for (const k of known)
      errors.push({
        file: seen.get(k.insz)!,
        path: 'Personalia/INSZ',
        reason: 'KBI already holds this person: an import creates dossiers, it never merges into one',
      });
  }
  const started = { ...key, content_hash: hash, format: 'xml', started_by: ctx.actor.id, request_id: ctx.requestId };
  const fail = async (): Promise<MagdaImportResult> => {
    const r = await deps.db
      .insertInto('import_batches')
      .values({
        ...started,
        status: 'failed',
        rows_total: dossiers.length,
        error_count: errors.length,
        errors: JSON.stringify(errors.slice(0, MAX_LISTED).map((e) => ({ line: null, column: e.path, file: e.file, reason: e.reason }))),
        finished_at: sql`clock_timestamp()`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { status: 'failed', runId: r.id, batchId: input.batchId, dossiers: dossiers.length, records: 0, skipped, warnings, errors, replayOf: null };
  };
  if (errors.length) return fail();

  let records = 0;
  try {
    const runId = await inTransaction(deps.db, ctx.actor.id, async (tx) => {
      const cache = new Map<Lookup, string>();
      for (const { d, person, rows } of dossiers) {
        const at = (path: string, e: unknown) => {
          if (e instanceof Problem) throw Object.assign(e, { magdaAt: { file: d.file, path } });
          throw e;
        };
        let personId: string;
        try {
          await checkReferences(tx, PERSON_RESOURCE, person, null);
          personId = (
            (await untyped(tx)
              .insertInto('persons')
              .values({ ...person, id: orderedId() })
              .returning('id')
              .executeTakeFirstOrThrow()) as { id: string }
          ).id;
        } catch (e) {
          return at('Personalia', e);
        }
        records++;
        const ids = new Map<string, string>();
        for (const [i, r] of d.records.entries()) {
          const row: Row = { ...rows[i]! };
          try {
            for (const [field, k] of Object.entries(r.refs ?? {})) row[field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = ids.get(k);
            for (const [field, lookup] of Object.entries(r.lookups ?? {}))
              row[field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = await resolve(tx, deps, lookup, cache);
            row.person_id = personId;
            row.id = orderedId();
            await checkReferences(tx, r.def, row, personId);
            const created = (await untyped(tx).insertInto(r.def.table).values(row).returning('id').executeTakeFirstOrThrow()) as { id: string };
            if (r.key) ids.set(r.key, created.id);
            records++;
          } catch (e) {
            return at(r.path, e);
          }
        }
        await recordAudit(tx, ctx, {
          action: 'magda.import',
          personId,
          clusters: [...new Set(d.records.map((r) => r.def.cluster!).concat('personalia'))],
          result: 'allowed',
          detail: { batchId: input.batchId, records: d.records.length + 1 },
        });
      }
      const r = await tx
        .insertInto('import_batches')
        .values({
          ...started,
          status: 'succeeded',
          rows_total: dossiers.length,
          rows_written: dossiers.length,
          rows_inserted: records,
          finished_at: sql`clock_timestamp()`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return r.id;
    });
    return { status: 'succeeded', runId, batchId: input.batchId, dossiers: dossiers.length, records, skipped, warnings, errors, replayOf: null };
  } catch (e) {
    const where = (e as { magdaAt?: { file: string; path: string } }).magdaAt;
    if (!where || !(e instanceof Problem)) throw e;
    const issues = (e.issues ?? []) as Issue[];
    if (!issues.length) errors.push({ file: where.file, path: where.path, reason: e.message });
    for (const i of issues) errors.push({ file: where.file, path: `${where.path} (${i.name})`, reason: i.detail });
    return fail();
  }
}
