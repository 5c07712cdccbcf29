/**
 * The demo world that persons live in: the three agencies (Atlas for Antwerp, IN-Gent for Ghent,
 * the Agentschap Integratie en Inburgering with its offices per province and in Brussels), the
 * Houses of Dutch, OCMWs, CVOs and CBEs, VDAB, VMSW, AHOVOKS, DVZ and ABB; their offices, staff and
 * the course catalogue (MO, NT2 in modules, LO) with every lesson.
 *
 * The world does not depend on the person seed: it is made from a fixed seed, so its ids are the
 * same on every run, and it is written once per database (a second run finds it and reuses it).
 */
import type { Database } from '../../platform/db.ts';
import { makeKbo } from '../../platform/identifiers/kbo.ts';
import { Random, Weighted, day, iso, localTime, midnight } from './random.ts';
import { REFORM, REGION_CODES, type Codes, type RegionCode } from './reference.ts';

export const ACTOR = 'system:demo-generator';
const WORLD_SEED = 0x4b42_4901;
const WORLD_FROM = day('2018-12-03');
const CATALOGUE_FROM = day('2019-01-07'); // a Monday
const CATALOGUE_UNTIL = day('2026-10-31');

export interface Place {
  postcode: string;
  municipality: string;
  nis: string;
  phone: string;
  weight: number;
}
export interface Office {
  id: string;
  organisationId: string;
  kbo: string;
  postcode: string;
  municipality: string;
  staff: string[];
}
export interface Partner {
  id: string;
  office: Office;
}
export interface Module {
  id: string;
  days: number[];
  lessonIds: string[];
}
export interface Course {
  id: string;
  providerId: string;
  officeId: string;
  type: 'MO' | 'NT2' | 'LO';
  variant: string;
  language: string | null;
  start: number;
  end: number;
  modules: Module[];
  /** Its rows in courses, course_modules and lessons, written the first time someone enrols (see CatalogueWriter). */
  rows: { course: Row; modules: Row[]; lessons: unknown[][] };
}

export interface Area {
  code: RegionCode;
  agency: 'ATLAS' | 'IN_GENT' | 'AGII';
  agencyId: string;
  offices: Office[];
  places: Weighted<Place>;
  placeList: Place[];
  houseOfDutch: Partner;
  /** OCMW by municipality; persons of a municipality without its own go to the first. */
  ocmws: Map<string, Partner>;
  firstOcmw: Partner;
  cvo: Partner;
  cbe: Partner;
  vdab: Office;
  /** The catalogue of the area, each list sorted by start. */
  mo: Course[];
  nt2: Course[];
  nt2Basic: Course[];
  lo: Course[];
}

export interface World {
  areas: Record<RegionCode, Area>;
  agencies: Record<'ATLAS' | 'IN_GENT' | 'AGII', string>;
  vdab: string;
  vmsw: string;
  ahovoks: string;
  dvz: string;
  abb: string;
  abbOffice: Office;
}

// Postcode, municipality, NIS code of the municipality, telephone zone, relative weight.
type P = readonly [string, string, string, string, number];
const PLACES: Record<RegionCode, readonly P[]> = {
  // Atlas: the city of Antwerp and its districts (2000–2660).
  ATLAS: [
    ['2000', 'Antwerpen', '11002', '03', 6],
    ['2018', 'Antwerpen', '11002', '03', 6],
    ['2060', 'Antwerpen', '11002', '03', 8],
    ['2020', 'Antwerpen', '11002', '03', 3],
    ['2100', 'Antwerpen', '11002', '03', 6],
    ['2140', 'Antwerpen', '11002', '03', 6],
    ['2170', 'Antwerpen', '11002', '03', 4],
    ['2030', 'Antwerpen', '11002', '03', 2],
    ['2600', 'Antwerpen', '11002', '03', 3],
    ['2610', 'Antwerpen', '11002', '03', 2],
    ['2660', 'Antwerpen', '11002', '03', 3],
    ['2180', 'Antwerpen', '11002', '03', 2],
  ],
  // IN-Gent: the city of Ghent (9000–9052).
  IN_GENT: [
    ['9000', 'Gent', '44021', '09', 10],
    ['9040', 'Gent', '44021', '09', 4],
    ['9050', 'Gent', '44021', '09', 4],
    ['9030', 'Gent', '44021', '09', 2],
    ['9032', 'Gent', '44021', '09', 2],
    ['9041', 'Gent', '44021', '09', 2],
    ['9031', 'Gent', '44021', '09', 1],
    ['9052', 'Gent', '44021', '09', 1],
  ],
  ANTWERP: [
    ['2800', 'Mechelen', '12025', '015', 6],
    ['2300', 'Turnhout', '13040', '014', 3],
    ['2500', 'Lier', '12021', '03', 2],
    ['2200', 'Herentals', '13011', '014', 2],
    ['2400', 'Mol', '13025', '014', 2],
    ['2440', 'Geel', '13008', '014', 2],
    ['2850', 'Boom', '11005', '03', 2],
    ['2900', 'Schoten', '11040', '03', 2],
  ],
  LIMBURG: [
    ['3500', 'Hasselt', '71022', '011', 4],
    ['3600', 'Genk', '71016', '089', 5],
    ['3580', 'Beringen', '71004', '011', 2],
    ['3800', 'Sint-Truiden', '71053', '011', 2],
    ['3630', 'Maasmechelen', '73107', '089', 2],
    ['3700', 'Tongeren', '73083', '012', 1],
    ['3900', 'Pelt', '72042', '011', 1],
  ],
  EAST_FLANDERS: [
    ['9300', 'Aalst', '41002', '053', 4],
    ['9100', 'Sint-Niklaas', '46021', '03', 4],
    ['9200', 'Dendermonde', '42006', '052', 2],
    ['9160', 'Lokeren', '46014', '09', 2],
    ['9700', 'Oudenaarde', '45035', '055', 1],
    ['9600', 'Ronse', '45041', '055', 1],
    ['9500', 'Geraardsbergen', '41018', '054', 1],
    ['9900', 'Eeklo', '43005', '09', 1],
  ],
  FLEMISH_BRABANT: [
    ['3000', 'Leuven', '24062', '016', 5],
    ['1800', 'Vilvoorde', '23088', '02', 4],
    ['1500', 'Halle', '23027', '02', 2],
    ['1930', 'Zaventem', '23094', '02', 2],
    ['1700', 'Dilbeek', '23016', '02', 2],
    ['3300', 'Tienen', '24107', '016', 1],
    ['3200', 'Aarschot', '24001', '016', 1],
    ['3290', 'Diest', '24020', '013', 1],
  ],
  WEST_FLANDERS: [
    ['8000', 'Brugge', '31005', '050', 4],
    ['8500', 'Kortrijk', '34022', '056', 4],
    ['8400', 'Oostende', '35013', '059', 4],
    ['8800', 'Roeselare', '36015', '051', 3],
    ['8930', 'Menen', '34027', '056', 2],
    ['8900', 'Ieper', '33011', '057', 1],
    ['8700', 'Tielt', '37015', '051', 1],
  ],
  BRUSSELS: [
    ['1000', 'Brussel', '21004', '02', 4],
    ['1030', 'Schaarbeek', '21015', '02', 4],
    ['1080', 'Sint-Jans-Molenbeek', '21012', '02', 4],
    ['1070', 'Anderlecht', '21001', '02', 4],
    ['1210', 'Sint-Joost-ten-Node', '21014', '02', 2],
    ['1050', 'Elsene', '21009', '02', 2],
    ['1060', 'Sint-Gillis', '21013', '02', 2],
    ['1020', 'Brussel', '21004', '02', 2],
  ],
};

/** How many OCMWs of each area are in the demo world (the first places of the list): 25 in all. */
const OCMW_COUNT: Record<RegionCode, number> = {
  ATLAS: 1,
  IN_GENT: 1,
  ANTWERP: 5,
  LIMBURG: 4,
  EAST_FLANDERS: 4,
  FLEMISH_BRABANT: 4,
  WEST_FLANDERS: 3,
  BRUSSELS: 3,
};
const AREA_NAME: Record<RegionCode, string> = {
  ATLAS: 'Antwerpen',
  IN_GENT: 'Gent',
  ANTWERP: 'provincie Antwerpen',
  LIMBURG: 'Limburg',
  EAST_FLANDERS: 'Oost-Vlaanderen',
  FLEMISH_BRABANT: 'Vlaams-Brabant',
  WEST_FLANDERS: 'West-Vlaanderen',
  BRUSSELS: 'Brussel',
};
/** Languages of the MO groups, in turn: a group starts every two weeks in each area. */
const MO_LANGUAGES = ['NLD', 'ARA', 'ENG', 'FRA', 'DAR', 'NLD', 'ARA', 'RUS', 'TUR', 'TIR', 'NLD', 'ARA', 'ENG', 'UKR', 'PUS', 'SPA'];
const STREETS = [
  'Stationsstraat',
  'Kerkstraat',
  'Markt',
  'Grote Markt',
  'Nieuwstraat',
  'Leopoldlaan',
  'Kortrijksesteenweg',
  'Vaartstraat',
  'Lange Nieuwstraat',
  'Frankrijklei',
  'Koningin Astridplein',
  'Sint-Pietersnieuwstraat',
  'Brusselsesteenweg',
  'Dorpsstraat',
  'Zuidlaan',
  'Vrijheidstraat',
];
export const STAFF_FAMILY = [
  'Peeters',
  'Janssens',
  'Maes',
  'Jacobs',
  'Mertens',
  'Willems',
  'Claes',
  'Goossens',
  'Wouters',
  'De Smet',
  'Dubois',
  'Lambrechts',
  'Vermeulen',
  'Hermans',
  'Aerts',
  'Van den Broeck',
  'De Backer',
  'Michiels',
  'Pauwels',
  'Segers',
  'El Khattabi',
  'Yildiz',
  'Vandenberghe',
  'Desmet',
];
export const STAFF_GIVEN = [
  'Sofie',
  'Tom',
  'Els',
  'Karim',
  'Nathalie',
  'Pieter',
  'Leen',
  'Samira',
  'Bart',
  'Ines',
  'Koen',
  'Hanne',
  'Jonas',
  'Lotte',
  'Youssef',
  'Evelien',
  'Wim',
  'Nadia',
  'Stijn',
  'Griet',
  'Bram',
  'Fien',
  'Ayse',
  'Dirk',
];

/** The rows of the world, per table, in foreign-key order. */
export interface WorldRows {
  organisations: Row[];
  offices: Row[];
  staff: Row[];
}
type Row = Record<string, unknown>;
export const LESSON_COLUMNS = ['id', 'module_id', 'starts_at', 'duration_minutes', 'valid_from', 'recorded_by'];

export function buildWorld(codes: Codes): { world: World; rows: WorldRows } {
  const rng = new Random(WORLD_SEED, 0);
  const rows: WorldRows = { organisations: [], offices: [], staff: [] };
  const std = { valid_from: midnight(WORLD_FROM), recorded_by: ACTOR };
  const kbos = new Set<string>();
  const uniqueKbo = (kind: 'enterprise' | 'establishment') => {
    for (;;) {
      const n = kind === 'enterprise' ? rng.int(2_000_000, 9_999_999) : rng.int(20_000_000, 29_999_999);
      const kbo = makeKbo(n, kind);
      if (!kbos.has(kbo)) {
        kbos.add(kbo);
        return kbo;
      }
    }
  };
  const slug = (s: string) =>
    s
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');

  const org = (kind: string, name: string, extra: { agency?: string; region?: string; parent_id?: string; municipality_nis?: string } = {}) => {
    codes.require('organisation_kind', [kind]);
    const id = rng.uuid();
    rows.organisations.push({
      id,
      kind,
      name,
      enterprise_number: uniqueKbo('enterprise'),
      agency: extra.agency ?? null,
      region: extra.region ?? null,
      parent_id: extra.parent_id ?? null,
      municipality_nis: extra.municipality_nis ?? null,
      ...std,
    });
    return id;
  };
  const office = (organisationId: string, name: string, place: Place, domain: string, staff: [title: string, count: number][], contact?: string): Office => {
    const id = rng.uuid();
    const kbo = uniqueKbo('establishment');
    const phone = `${place.phone} ${rng.int(200, 899)} ${rng.int(10, 99)} ${rng.int(10, 99)}`;
    const staffIds: string[] = [];
    const people: Row[] = [];
    for (const [title, count] of staff) {
      for (let i = 0; i < count; i++) {
        const family = rng.pick(STAFF_FAMILY),
          given = rng.pick(STAFF_GIVEN),
          sid = rng.uuid();
        people.push({
          id: sid,
          organisation_id: organisationId,
          office_id: id,
          family_name: family,
          given_name: given,
          email: `${slug(given)}.${slug(family)}@${domain}`,
          phone,
          function_title: title,
          ...std,
        });
        if (title === 'trajectbegeleider' || title === 'maatschappelijk werker' || title === 'taalconsulent') staffIds.push(sid);
      }
    }
    const first = people[0];
    rows.offices.push({
      id,
      organisation_id: organisationId,
      name,
      kbo_number: kbo,
      kbi_key: rng.hex(32),
      street: rng.pick(STREETS),
      house_number: String(rng.int(1, 180)),
      postcode: place.postcode,
      municipality: place.municipality,
      phone,
      email: `${slug(place.municipality)}@${domain}`,
      contact_name: contact ?? (first ? `${first.given_name} ${first.family_name}` : null),
      opening_hours: rng.pick([
        'ma–vr 9–12 u; di en do ook 13.30–16 u',
        'ma, di, do 9–12 u en 13–16 u; wo 9–12 u',
        'ma–do 8.30–16.30 u; vr 8.30–12 u (op afspraak)',
      ]),
      ...std,
    });
    rows.staff.push(...people);
    return {
      id,
      organisationId,
      kbo,
      postcode: place.postcode,
      municipality: place.municipality,
      staff: staffIds.length ? staffIds : people.map((p) => p.id as string),
    };
  };
  const place = ([postcode, municipality, nis, phone, weight]: P): Place => ({ postcode, municipality, nis, phone, weight });
  const brussels = place(PLACES.BRUSSELS[0]!);

  // National organisations first.
  const abb = org('ABB', 'Agentschap Binnenlands Bestuur');
  const abbOffice = office(abb, 'Agentschap Binnenlands Bestuur – handhaving inburgering', brussels, 'abb.demo.example', [['handhavingsambtenaar', 3]]);
  const dvz = org('DVZ', 'Dienst Vreemdelingenzaken');
  office(dvz, 'Dienst Vreemdelingenzaken – WTC II', brussels, 'dvz.demo.example', [['contactpersoon', 1]]);
  const vmsw = org('VMSW', 'Vlaamse Maatschappij voor Sociaal Wonen');
  office(vmsw, 'VMSW – hoofdzetel', brussels, 'vmsw.demo.example', [['contactpersoon', 1]]);
  const ahovoks = org('AHOVOKS', 'Agentschap voor Hoger Onderwijs, Volwassenenonderwijs, Kwalificaties en Studietoelagen');
  office(ahovoks, 'AHOVOKS – Consciencegebouw', brussels, 'ahovoks.demo.example', [['contactpersoon', 1]]);
  const vdab = org('VDAB', 'VDAB');
  const agencies = {
    ATLAS: org('AGENCY', 'Atlas, integratie & inburgering Antwerpen', { agency: 'ATLAS', municipality_nis: '11002' }),
    IN_GENT: org('AGENCY', 'IN-Gent', { agency: 'IN_GENT', municipality_nis: '44021' }),
    AGII: org('AGENCY', 'Agentschap Integratie en Inburgering', { agency: 'AGII' }),
  };

  const areas = {} as Record<RegionCode, Area>;
  for (const code of REGION_CODES) {
    const placeList = PLACES[code].map(place);
    const main = placeList[0]!,
      second = placeList.find((p) => p.municipality !== main.municipality) ?? placeList[1]!;
    const agency = code === 'ATLAS' ? 'ATLAS' : code === 'IN_GENT' ? 'IN_GENT' : 'AGII';
    const agencyId = agencies[agency];
    const domain = agency === 'ATLAS' ? 'atlas.demo.example' : agency === 'IN_GENT' ? 'in-gent.demo.example' : 'integratie-inburgering.demo.example';
    const label = agency === 'ATLAS' ? 'Atlas' : agency === 'IN_GENT' ? 'IN-Gent' : `Agentschap Integratie en Inburgering – ${AREA_NAME[code]}`;
    const team: [string, number][] = [
      ['teamcoach', 1],
      ['trajectbegeleider', 4],
      ['onthaalmedewerker', 1],
    ];
    const offices =
      agency === 'AGII'
        ? [
            office(agencyId, `${label}, kantoor ${main.municipality}`, main, domain, team),
            office(agencyId, `${label}, kantoor ${second.municipality}`, second, domain, team),
          ]
        : [
            office(agencyId, `${label} – onthaal centrum`, placeList[0]!, domain, team),
            office(agencyId, `${label} – kantoor ${placeList[1]!.postcode}`, placeList[1]!, domain, team),
            office(agencyId, `${label} – kantoor ${placeList[4]!.postcode}`, placeList[4]!, domain, team),
          ];
    const region = agency === 'AGII' ? code : undefined;
    const hvnId = org('HOUSE_OF_DUTCH', `Huis van het Nederlands ${AREA_NAME[code]}`, { region, municipality_nis: main.nis });
    const houseOfDutch = {
      id: hvnId,
      office: office(hvnId, `Huis van het Nederlands ${AREA_NAME[code]} – onthaal ${main.municipality}`, main, `hvn-${slug(code)}.demo.example`, [
        ['taalconsulent', 2],
      ]),
    };
    const ocmws = new Map<string, Partner>();
    for (const p of placeList) {
      if (ocmws.size >= OCMW_COUNT[code] || ocmws.has(p.municipality)) continue;
      const id = org('OCMW', `OCMW ${p.municipality}`, { municipality_nis: p.nis });
      ocmws.set(p.municipality, {
        id,
        office: office(id, `Sociale dienst OCMW ${p.municipality}`, p, `ocmw-${slug(p.municipality)}.demo.example`, [['maatschappelijk werker', 2]]),
      });
    }
    const cvoId = org('CVO', `CVO ${main.municipality}`, { municipality_nis: main.nis });
    const cvo = {
      id: cvoId,
      office: office(cvoId, `CVO ${main.municipality} – campus centrum`, main, `cvo-${slug(main.municipality)}.demo.example`, [['contactpersoon', 1]]),
    };
    const cbeId = org('CBE', `Centrum voor Basiseducatie ${AREA_NAME[code]}`, { municipality_nis: main.nis });
    const cbe = {
      id: cbeId,
      office: office(cbeId, `Centrum voor Basiseducatie ${AREA_NAME[code]} – ${second.municipality}`, second, `cbe-${slug(code)}.demo.example`, [
        ['contactpersoon', 1],
      ]),
    };
    const vdabOffice = office(vdab, `VDAB-werkwinkel ${main.municipality}`, main, 'vdab.demo.example', [['trajectbegeleider werk', 1]]);
    areas[code] = {
      code,
      agency,
      agencyId,
      offices,
      placeList,
      places: new Weighted(placeList.map((p) => [p, p.weight] as const)),
      houseOfDutch,
      ocmws,
      firstOcmw: ocmws.values().next().value!,
      cvo,
      cbe,
      vdab: vdabOffice,
      mo: [],
      nt2: [],
      nt2Basic: [],
      lo: [],
    };
  }

  // The course catalogue of each area, with every lesson.
  codes.require('course_type', ['MO', 'NT2', 'LO']);
  codes.require('language', MO_LANGUAGES);
  const NT2_MODULES = [
    ['BT1', 'Breakthrough 1 (A1)'],
    ['BT2', 'Breakthrough 2 (A1)'],
    ['WS1', 'Waystage 1 (A2)'],
    ['WS2', 'Waystage 2 (A2)'],
  ] as const;
  for (const code of REGION_CODES) {
    const a = areas[code];
    const course = (
      type: Course['type'],
      variant: string,
      language: string | null,
      provider: Partner | { id: string; office: Office },
      start: number,
      modules: readonly (readonly [string, string])[],
      lessonsPerModule: number,
      weekdays: readonly number[],
      hour: number,
      name: string,
      target: string | null,
    ): Course => {
      const id = rng.uuid();
      const mods: Module[] = [];
      const own: Course['rows'] = { course: {}, modules: [], lessons: [] };
      let d = start;
      modules.forEach(([mcode, mname], i) => {
        const m: Module = { id: rng.uuid(), days: [], lessonIds: [] };
        // Lessons on the given weekdays (offsets from Monday), week after week.
        for (let week = 0; m.days.length < lessonsPerModule; week++) {
          for (const w of weekdays) {
            if (m.days.length >= lessonsPerModule) break;
            const lessonDay = d + week * 7 + w;
            const lid = rng.uuid();
            m.days.push(lessonDay);
            m.lessonIds.push(lid);
            own.lessons.push([lid, m.id, localTime(lessonDay, hour), 180, midnight(start - 28), ACTOR]);
          }
        }
        own.modules.push({
          id: m.id,
          course_id: id,
          code: mcode,
          name: mname,
          hours: lessonsPerModule * 3,
          sequence: i + 1,
          valid_from: midnight(start - 28),
          recorded_by: ACTOR,
        });
        d = m.days[m.days.length - 1]! - weekday0(m.days[m.days.length - 1]!) + 7; // next module: the Monday after
        mods.push(m);
      });
      const end = mods[mods.length - 1]!.days.at(-1)!;
      own.course = {
        id,
        provider_id: provider.id,
        office_id: provider.office.id,
        course_type: type,
        variant,
        name,
        training_code: type === 'NT2' ? `NT2-RG1-${variant.toUpperCase()}` : null,
        language,
        location_code: provider.office.postcode,
        location_name: provider.office.municipality,
        start_date: iso(start),
        end_date: iso(end),
        target_level: target,
        valid_from: midnight(start - 28),
        recorded_by: ACTOR,
      };
      return { id, providerId: provider.id, officeId: provider.office.id, type, variant, language, start, end, modules: mods, rows: own };
    };
    const agencyProvider = { id: a.agencyId, office: a.offices[0]! };
    let turn = REGION_CODES.indexOf(code);
    for (let s = CATALOGUE_FROM; s < CATALOGUE_UNTIL; s += 14) {
      // MO: a group every two weeks in the next language of the rota; 16 lessons of 3 hours, twice a week.
      const language = MO_LANGUAGES[turn++ % MO_LANGUAGES.length]!;
      if (language === 'UKR' && s < day('2022-04-01')) continue;
      a.mo.push(
        course(
          'MO',
          language === 'NLD' ? 'eenvoudig Nederlands' : 'contacttaal',
          language,
          agencyProvider,
          s,
          [['MO', 'Maatschappelijke oriëntatie']],
          16,
          [0, 3],
          9,
          `Maatschappelijke oriëntatie (${codes.get('language', language)?.label_nl ?? language})`,
          null,
        ),
      );
    }
    for (let s = CATALOGUE_FROM + 7; s < CATALOGUE_UNTIL; s += 28) {
      // NT2 at the CVO: a group every four weeks, four modules of 10 lessons (A1 after two, A2 after four).
      a.nt2.push(course('NT2', 'standaard', 'NLD', a.cvo, s, NT2_MODULES, 10, [1, 3], 9, 'Nederlands tweede taal – richtgraad 1', 'A2'));
    }
    for (let s = CATALOGUE_FROM + 14; s < CATALOGUE_UNTIL; s += 84) {
      // NT2 at the CBE for slow learners and literacy: every twelve weeks, four modules of 14 lessons.
      a.nt2Basic.push(course('NT2', 'alfa', 'NLD', a.cbe, s, NT2_MODULES, 14, [0, 2], 13, 'Nederlands tweede taal – alfabetisering', 'A2'));
    }
    for (let s = CATALOGUE_FROM + 21; s < REFORM + 120; s += 56) {
      // LO (before the reform): six weekly sessions, every eight weeks.
      a.lo.push(course('LO', 'groep', 'NLD', agencyProvider, s, [['LO', 'Loopbaanoriëntatie']], 6, [2], 9, 'Loopbaanoriëntatie', null));
    }
  }
  return { world: { areas, agencies, vdab, vmsw, ahovoks, dvz, abb, abbOffice }, rows };
}
/** Days since the Monday of that week (0 = Monday). */
const weekday0 = (d: number) => (((d + 3) % 7) + 7) % 7;

/**
 * Builds the world and writes its organisations, offices and staff unless this database already has
 * them. Courses are written when first used (CatalogueWriter), so a small demo does not carry the
 * lessons of seven years of courses nobody followed.
 */
export async function ensureWorld(database: Database, codes: Codes): Promise<{ world: World; catalogue: CatalogueWriter }> {
  const { world, rows } = buildWorld(codes);
  const found = await database.db.selectFrom('organisations').select('id').where('id', '=', world.abb).executeTakeFirst();
  if (!found) {
    for (const table of ['organisations', 'offices', 'staff'] as const) await copyObjects(database, table, rows[table]);
  }
  const written = await database.db.selectFrom('courses').select('id').where('recorded_by', '=', ACTOR).execute();
  return { world, catalogue: new CatalogueWriter(database, new Set(written.map((r) => r.id as string))) };
}

/** Writes each catalogue course (with its modules and lessons) once, before the first enrolment in it. */
export class CatalogueWriter {
  #chain: Promise<void> = Promise.resolve();
  readonly counts = { courses: 0, course_modules: 0, lessons: 0 };
  constructor(
    private readonly database: Database,
    private readonly written: Set<string>,
  ) {}

  /** Schedules the courses not written yet; the promise settles once every course scheduled so far is in the database. */
  ensure(courses: Iterable<Course>): Promise<void> {
    const fresh = [...courses].filter((c) => !this.written.has(c.id)).sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
    for (const c of fresh) this.written.add(c.id);
    if (fresh.length) {
      this.#chain = this.#chain.then(async () => {
        await copyObjects(
          this.database,
          'courses',
          fresh.map((c) => c.rows.course),
        );
        await copyObjects(
          this.database,
          'course_modules',
          fresh.flatMap((c) => c.rows.modules),
        );
        await this.database.copyRows(
          'lessons',
          LESSON_COLUMNS,
          fresh.flatMap((c) => c.rows.lessons),
        );
        this.counts.courses += fresh.length;
        this.counts.course_modules += fresh.reduce((n, c) => n + c.rows.modules.length, 0);
        this.counts.lessons += fresh.reduce((n, c) => n + c.rows.lessons.length, 0);
      });
    }
    return this.#chain;
  }
}

/** Bulk insert of objects that all have the same keys. */
async function copyObjects(database: Database, table: string, list: Row[]): Promise<void> {
  if (!list.length) return;
  const columns = Object.keys(list[0]!);
  await database.copyRows(
    table,
    columns,
    list.map((r) => columns.map((c) => r[c] ?? null)),
  );
}

/** The first course of the list that starts on or after `from` and passes `keep` (looking at most `within` days ahead). */
export function nextCourse(list: readonly Course[], from: number, keep?: (c: Course) => boolean, within = 365): Course | undefined {
  let lo = 0,
    hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.start < from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length && list[i]!.start <= from + within; i++) if (!keep || keep(list[i]!)) return list[i];
  return undefined;
}
