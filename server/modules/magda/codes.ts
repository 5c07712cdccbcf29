/**
 * The MAGDA GeefDossierKBI-01.00 code tables as data: for every coded element of a KBIDossier, the
 * code list of ours that holds its values (trajectory types TT_*, component types TO_*, statuses
 * TO_STA_*, trajectory statuses OP/GS/…, registration types and reasons, languages and their
 * levels, literacy, …). The codes themselves, with their Dutch descriptions (label_nl, and MAGDA's
 * KorteNaam as short_nl), are rows of `code_list` (migration 0002); this table says where each
 * element's codes live, for the answer builder and for an import of dossiers in this format.
 */
import type { CodeLists } from '../../platform/codes.ts';

/** MAGDA element path (below KBIDossier) → the code list our field uses. */
export const MAGDA_CODE_LISTS: Readonly<Record<string, string>> = {
  'Personalia/Geslacht/Code': 'gender',
  'Doelgroep/Code': 'target_group_determined',
  'Doelgroep/Type': 'target_group_type',
  'Doelgroep/SubType': 'target_group_subtype',
  'Doelgroep/RedenGeenDoelgroep': 'no_target_group_reason',
  'Doelgroep/RedenVrijstellingVanDeVerplichting': 'exemption_reason',
  'Aanmelding/Type': 'registration_type',
  'Aanmelding/Reden': 'registration_reason',
  'UitstellenVanOndertekening/UitstelVanOndertekening/Reden': 'signing_postponement_reason',
  'BehaaldeAttesten/Document/Type': 'certificate_type',
  'Trajecten/Traject/Type': 'trajectory_type',
  'Trajecten/Traject/Status/Code': 'trajectory_status',
  'Trajecten/Traject/Besluit/Code': 'trajectory_decision',
  'Trajecten/Traject/TrajectOnderdelen/TrajectOnderdeel/Type': 'trajectory_component_type',
  'Trajecten/Traject/TrajectOnderdelen/TrajectOnderdeel/Status/Code': 'trajectory_component_status',
  'Trajecten/Traject/TrajectOnderdelen/TrajectOnderdeel/Besluit/Code': 'trajectory_component_decision',
  'Talenkennis/Talen/Taal/Code': 'language',
  'Talenkennis/Talen/Taal/KennisNiveau': 'language_proficiency',
  'Talenkennis/Alfabetiseringsgraad/LatijnsSchrift': 'literacy_level',
  'Talenkennis/BehaaldNT2Niveau/HoogstBehaald': 'cefr_level',
  'Talenkennis/BehaaldNT2Niveau/RecentstBehaald': 'cefr_level',
  'VoorkeurenKlant/VoorkeurLesMomenten/VoorkeurLesMoment/LesVoorkeurLesMoment/Code': 'lesson_moment',
  'VormingsActiviteiten/NT2Cursussen/NT2Cursus/Status': 'enrolment_status',
  'Inbreuken/Inbreuk/SanctionerendeOverheid': 'sanctioning_authority',
  'Inbreuken/Inbreuk/FeitenRelaas/Activiteiten/Activiteit/Type': 'infringement_activity_type',
  'Inbreuken/Inbreuk/FeitenRelaas/Communicaties/Communicatie/TypeDocument': 'infringement_document_type',
  'Adviezen/Arbeidsmarkt': 'advice_type',
};

/**
 * Values MAGDA's test simulator uses to test a consumer's handling of wrong data (the example files
 * mark them: "Ongekend type traject", "Fout attesten type", "Onbestaande status code"): not codes,
 * refused wherever they arrive.
 */
export const MAGDA_FALSE_VALUES: ReadonlySet<string> = new Set(['VALS_TYPE', 'VALS', 'TT_ONGEKEND', 'ZEVER_ATTEST']);

/**
 * Coded elements without a code list, on purpose: Inbreuk/Type carries numeric codes (2, 5, and the
 * test value 12345) of a KBI 01.00 code table that was never published; we store the type of seed
 * 004 table 10 instead.
 */
export const MAGDA_UNMAPPED: ReadonlySet<string> = new Set(['Inbreuken/Inbreuk/Type']);

/** MAGDA cuts a KorteNaam (and the Naam of these short descriptions) at 25 characters. */
const SHORT = 25;

/** The Dutch description of a code, as MAGDA's `Beschrijving` attribute. */
export const beschrijving = (codes: CodeLists, list: string, code: string): Record<string, string | undefined> => ({
  Beschrijving: codes.get(list, code)?.labelNl,
});

/**
 * MAGDA's `KorteNaam` and `Naam` attributes of a code: the short Dutch name (cut at 25 characters)
 * and the Dutch name (no-target-group reason 01 "Asielzoeker < 4 maanden n" and "Asielzoeker < 4
 * maanden na asielaanvraag"). `cutName`: KBI 01.00 writes the registration reason's Naam cut at 25
 * characters too (reason 13 "Eigen werving onthaalbure" twice, in every example).
 */
export function korteNaam(codes: CodeLists, list: string, code: string | null | undefined, cutName = false): Record<string, string | undefined> {
  const entry = code == null ? undefined : codes.get(list, code);
  if (!entry) return {};
  return { KorteNaam: (entry.shortNl ?? entry.labelNl).slice(0, SHORT), Naam: cutName ? entry.labelNl.slice(0, SHORT) : entry.labelNl };
}

/**
 * The kind of certificate (code list certificate_kind) of each certificate type a KBI 01.00
 * `BehaaldeAttesten/Document/Type` carries (code list certificate_type): the type names the
 * document, the kind what it attests.
 */
export const MAGDA_CERTIFICATE_KINDS: Readonly<Record<string, string>> = {
  ICO13G: 'INTEGRATION',
  AEVC05: 'EVC',
  VRIJSTELLINGSATTEST: 'EXEMPTION',
  OPSCHORTINGSATTEST: 'SUSPENSION',
};
