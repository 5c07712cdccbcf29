/**
 * The target-group determination assistant (doelgroepbepaling): from what KBI knows of a person —
 * nationality, residence status, age, where the person lives, whether the INSZ is a national-register
 * number — and what the caseworker answers (first registration, born abroad, exemptions), a proposed
 * outcome (obliged, entitled, minor, not in the target group) with its reason and legal source. The
 * caseworker confirms it or decides otherwise with a reason; the proposal is never the decision.
 *
 * The rules are dated data. Differences between the versions (domain-rules §4.1–4.4):
 * - 2003 decree (from 01/04/2004): obliged = a newcomer registered for the first time in Belgium
 *   at most 12 months ago, living in the Flemish Region.
 * - 2013 decree as amended on 29/05/2015 (from 29/02/2016): also obliged, a person first registered
 *   in Brussels or the French- or German-language area in the last 5 years who then settles in the
 *   Flemish Region.
 * - 2013 decree as amended on 09/07/2021 (from 01/03/2022): the same conditions; the obligation
 *   counts from the date of registration (agii.be), and every obliged newcomer follows the full
 *   programme (subtype VOL_PROG).
 * Exemptions (obliged → entitled): EU/EEA/Swiss nationals and their family, 65 or older, serious
 * illness or disability, a Dutch-language diploma, an integration certificate obtained before.
 * The full list of the decree could not be read (domain-rules §4.4): the exemption list is the one
 * of code list exemption_reason, and the assistant says so.
 */
import { addMonths } from '../../platform/calendar.ts';
import { ruleOn } from './attendance.policy.ts';

export type Outcome = 'PLICHT' | 'RECHT' | 'MINDERJARIG' | 'NONE';
export type Region = 'FLANDERS' | 'BRUSSELS' | 'WALLONIA';

export interface TargetGroupRule {
  id: string;
  validFrom: string;
  validTo: string | null;
  /** How long after the first registration in Belgium a newcomer in the Flemish Region is obliged. */
  newcomerMonths: number;
  /** How long after a first registration in another region a person who then settles in the Flemish Region is obliged; null: not obliged then. */
  fromOtherRegionMonths: number | null;
  /** Age from which the obligation lapses (exemption 02). */
  exemptAge: number;
  source: string;
}

export const TARGET_GROUP_RULES: readonly TargetGroupRule[] = [
  {
    id: 'target-group-2004',
    validFrom: '2004-04-01',
    validTo: '2016-02-28',
    newcomerMonths: 12,
    fromOtherRegionMonths: null,
    exemptAge: 65,
    source: 'Decreet 28 februari 2003 betreffende het Vlaamse inburgeringsbeleid (domain-rules §4.1, §4.12)',
  },
  {
    id: 'target-group-2016',
    validFrom: '2016-02-29',
    validTo: '2022-02-28',
    newcomerMonths: 12,
    fromOtherRegionMonths: 60,
    exemptAge: 65,
    source: 'Decreet 7 juni 2013, art. 27, zoals gewijzigd op 29 mei 2015 (domain-rules §4.1, §4.3)',
  },
  {
    id: 'target-group-2022',
    validFrom: '2022-03-01',
    validTo: null,
    newcomerMonths: 12,
    fromOtherRegionMonths: 60,
    exemptAge: 65,
    source: 'Decreet 7 juni 2013, art. 2, 26 en 27, zoals gewijzigd op 9 juli 2021 (domain-rules §4.2–4.4)',
  },
];

/** What the assistant decides on: from the dossier (known) and from the caseworker (answered). Unknown: undefined. */
export interface TargetGroupFacts {
  /** Nationality code (code list nationality) and its group. */
  nationality?: string | undefined;
  nationalityGroup?: 'EU_PLUS' | 'THIRD_COUNTRY' | undefined;
  residenceStatus?: string | undefined;
  birthDate?: string | undefined;
  region?: Region | undefined;
  /** An INSZ that is a national-register number (not a bis number): registered in the National Register. */
  inNationalRegister?: boolean | undefined;
  /** The first registration in the National Register, and the region it was in. */
  firstRegisteredOn?: string | undefined;
  firstRegisteredRegion?: Region | undefined;
  /** The residence title is one of more than three months, obtained for the first time. */
  firstLongResidence?: boolean | undefined;
  /** A stay for a temporary purpose that cannot last more than a year (au pair, seasonal work…). */
  temporaryStay?: boolean | undefined;
  /** For Belgians: born abroad, with at least one parent born abroad. */
  bornAbroad?: boolean | undefined;
  parentBornAbroad?: boolean | undefined;
  /** A minister of a recognised religion in a locally recognised community. */
  ministerOfReligion?: boolean | undefined;
  seriousIllness?: boolean | undefined;
  dutchDiploma?: boolean | undefined;
  earlierCertificate?: boolean | undefined;
}

export type FactName = keyof TargetGroupFacts;

export interface TargetGroupProposal {
  outcome: Outcome;
  /** Code list target_group_subtype. */
  subtype: string | null;
  /** Code list no_target_group_reason, for NONE. */
  noTargetGroupReason: string | null;
  /** Code list exemption_reason: why an otherwise obliged person is entitled only. */
  exemptionReason: string | null;
  /** The steps of the reasoning, each a key the screens word, with the facts it used. */
  reasons: { key: string; facts: Record<string, unknown> }[];
  /** Facts the proposal would need but nobody gave: the caseworker should answer them. */
  missing: FactName[];
  rule: { id: string; validFrom: string; source: string };
  on: string;
}

/** Whole years between `birthDate` and `on`. */
export function ageOn(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/** The region of a Belgian postcode (bpost ranges): Brussels 1000–1299, Wallonia 1300–1499 and 4000–7999, else Flanders. */
export function regionOfPostcode(postcode: string | null | undefined): Region | undefined {
  if (!postcode || !/^[1-9][0-9]{3}$/.test(postcode)) return undefined;
  const n = Number(postcode);
  if (n <= 1299) return 'BRUSSELS';
  if (n <= 1499 || (n >= 4000 && n <= 7999)) return 'WALLONIA';
  return 'FLANDERS';
}

/** The proposal under the rule in force on `on`. Pure: the same facts and day give the same proposal. */
export function proposeTargetGroup(facts: TargetGroupFacts, on: string, rules = TARGET_GROUP_RULES): TargetGroupProposal {
  const rule = ruleOn(rules, on);
  const reasons: TargetGroupProposal['reasons'] = [];
  const missing = new Set<FactName>();
  const result = (
    outcome: Outcome,
    extra: Partial<Pick<TargetGroupProposal, 'subtype' | 'noTargetGroupReason' | 'exemptionReason'>> = {},
  ): TargetGroupProposal => ({
    outcome,
    subtype: extra.subtype ?? (outcome === 'PLICHT' ? 'VOL_PROG' : outcome === 'RECHT' ? 'RECHT' : outcome === 'MINDERJARIG' ? 'MINDERJARIG' : null),
    noTargetGroupReason: extra.noTargetGroupReason ?? null,
    exemptionReason: extra.exemptionReason ?? null,
    reasons,
    missing: [...missing],
    rule: { id: rule.id, validFrom: rule.validFrom, source: rule.source },
    on,
  });
  const need = <K extends FactName>(name: K): TargetGroupFacts[K] => {
    if (facts[name] === undefined) missing.add(name);
    return facts[name];
  };
  const none = (key: string, code: string, used: Record<string, unknown>) => {
    reasons.push({ key, facts: used });
    return result('NONE', { noTargetGroupReason: code });
  };

  // Who is outside the target group altogether.
  if (need('inNationalRegister') === false) return none('notInNationalRegister', '03', { inNationalRegister: false });
  const region = need('region');
  if (region === 'WALLONIA') return none('livesInWallonia', '05', { region });
  if (need('temporaryStay') === true) return none('temporaryStay', '02', { temporaryStay: true });
  if (facts.residenceStatus === 'ASIELZOEKER') return none('asylumSeeker', '01', { residenceStatus: facts.residenceStatus });
  const birthDate = need('birthDate');
  const age = birthDate ? ageOn(birthDate, on) : undefined;
  const belgian = need('nationality') === 'BEL';
  if (belgian) {
    const abroad = need('bornAbroad');
    if (abroad === false) return none('belgianBornInBelgium', '06', { nationality: 'BEL', bornAbroad: false });
    const parent = need('parentBornAbroad');
    if (abroad === true && parent === false) return none('belgianParentsBornInBelgium', '06', { nationality: 'BEL', parentBornAbroad: false });
  }
  if (age !== undefined && age < 18) {
    reasons.push({ key: 'minor', facts: { birthDate } });
    return result('MINDERJARIG');
  }

  // Entitled, at least: an adult foreign national with legal residence, or a Belgian born abroad of a parent born abroad.
  reasons.push({ key: belgian ? 'belgianBornAbroad' : 'foreignResident', facts: { nationality: facts.nationality, residenceStatus: facts.residenceStatus } });
  if (region === 'BRUSSELS') {
    reasons.push({ key: 'livesInBrussels', facts: { region } });
    return result('RECHT');
  }

  // Obliged: first registered recently in the Flemish Region (or, from 2016, in another region within five years), a first long stay for foreigners.
  let obliged = false;
  if (need('ministerOfReligion') === true) {
    reasons.push({ key: 'ministerOfReligion', facts: { ministerOfReligion: true } });
    obliged = true;
  } else {
    const first = need('firstRegisteredOn');
    const firstRegion = need('firstRegisteredRegion');
    const longStay = belgian ? true : need('firstLongResidence');
    if (first && longStay !== false) {
      const elsewhere = firstRegion !== undefined && firstRegion !== 'FLANDERS';
      const months = elsewhere ? rule.fromOtherRegionMonths : rule.newcomerMonths;
      if (months !== null && on <= addMonths(first, months)) {
        reasons.push({
          key: elsewhere ? 'newcomerFromOtherRegion' : 'newcomer',
          facts: { firstRegisteredOn: first, firstRegisteredRegion: firstRegion, months },
        });
        obliged = longStay === true;
      } else reasons.push({ key: elsewhere && months === null ? 'otherRegionNotYetObliged' : 'notNewcomer', facts: { firstRegisteredOn: first, months } });
    } else if (longStay === false) reasons.push({ key: 'noFirstLongResidence', facts: { firstLongResidence: false } });
  }
  if (!obliged) return result('RECHT');

  // Exemptions turn the obligation into a right.
  const exempt = (key: string, code: string, used: Record<string, unknown>) => {
    reasons.push({ key, facts: used });
    return result('RECHT', { exemptionReason: code });
  };
  if (facts.nationalityGroup === 'EU_PLUS' && !belgian) return exempt('exemptEuPlus', '01', { nationality: facts.nationality });
  if (age !== undefined && age >= rule.exemptAge) return exempt('exemptAge', '02', { birthDate, age });
  if (need('seriousIllness') === true) return exempt('exemptIllness', '03', { seriousIllness: true });
  if (need('dutchDiploma') === true) return exempt('exemptDiploma', '04', { dutchDiploma: true });
  if (need('earlierCertificate') === true) return exempt('exemptCertificate', '05', { earlierCertificate: true });
  return result('PLICHT');
}
