/**
 * The real KBI's vocabulary fits our model: every coded value in the example answers of MAGDA
 * GeefDossierKBI-01.00 (tests/fixtures/magda, from Digitaal Vlaanderen's public test simulator) is
 * a code of the list we store that element in, and the deliberately false values are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { TEST_DATABASES } from './support/databases.ts';

/** MAGDA element path (below KBIDossier) → the code list our field uses. */
const MAPPING: Record<string, string> = {
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
 * Values the simulator uses to test a consumer's handling of wrong data (the example files mark
 * them: "Ongekend type traject", "Fout attesten type", "Onbestaande status code"): refused.
 */
const FALSE_VALUES = new Set(['VALS_TYPE', 'VALS', 'TT_ONGEKEND', 'ZEVER_ATTEST']);

/**
 * Not mapped, on purpose: Inbreuk/Type carries numeric codes (2, 5, and the test value 12345) of a
 * KBI 01.00 code table that was never published; we store the type of seed 004 table 10 instead.
 */
const UNMAPPED = new Set(['Inbreuken/Inbreuk/Type']);

function* values(node: unknown, path: string): Generator<[string, string]> {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const n of node) yield* values(n, path);
    return;
  }
  if (typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if ('#text' in obj) yield [path, String(obj['#text']).trim()];
    for (const [k, v] of Object.entries(obj)) if (!k.startsWith('@_') && k !== '#text') yield* values(v, path ? `${path}/${k}` : k);
    return;
  }
  yield [path, String(node).trim()];
}

test('every coded value of the MAGDA example dossiers is a code of the list that holds it', async (t) => {
  const database = await TEST_DATABASES[0]!.open();
  t.after(() => database.close());
  const codes = await database.db.selectFrom('code_list').select(['list', 'code']).execute();
  const has = (list: string, code: string) => codes.some((c) => c.list === list && c.code === code);
  const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false });
  const dir = new URL('./fixtures/magda/', import.meta.url);
  let checked = 0,
    refused = 0,
    dossiers = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
    const doc = parser.parse(readFileSync(new URL(file, dir), 'utf8'));
    const dossier = doc?.GeefDossierKBIResponse?.Repliek?.Antwoorden?.Antwoord?.Inhoud?.KBIDossier;
    if (!dossier) continue;
    dossiers++;
    for (const [path, value] of values(dossier, '')) {
      const list = MAPPING[path];
      if (!list || UNMAPPED.has(path) || value === '') continue;
      if (FALSE_VALUES.has(value)) {
        assert.equal(has(list, value), false, `${file}: ${path} = ${value} is a false value and must be refused`);
        refused++;
        continue;
      }
      assert.ok(has(list, value), `${file}: ${path} = "${value}" is in code list ${list}`);
      checked++;
    }
  }
  assert.ok(dossiers >= 20, `read ${dossiers} example dossiers`);
  assert.ok(checked > 300, `checked ${checked} coded values`);
  assert.equal(refused, 4);
});
