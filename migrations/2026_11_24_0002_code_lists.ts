/**
 * The code tables of KBI (codetabellen) as data: every type, reason and status a dossier field can
 * take, with Dutch, French and English labels. Frozen in time: this file imports nothing but Kysely,
 * and a later change to a list is a new migration.
 *
 * Where the codes come from, per list (details in the comment above each list):
 *  - the example answers of the MAGDA service GeefDossierKBI-01.00 (shared/reference/magda-GeefDossierKBI-01.00):
 *    the real code values of the KBI, and for some the MAGDA `Naam` (label_nl) and `KorteNaam` (short_nl;
 *    MAGDA cuts a KorteNaam at 25 characters, kept as it is, e.g. 'Eigen werving onthaalbure');
 *  - the published statistics of seed 004 (shared/reference/t01…t18): labels kept exactly as printed;
 *  - seed 002 (OCMW consultation screen), seed 003 (authorisation VTC/2012, §34–38 and §61),
 *    SPEC.md and research/domain-rules.md §4 (rules of civic integration).
 * Codes are the real KBI/MAGDA codes where known; UPPER_SNAKE codes were invented only where no real
 * code is known. A label whose meaning had to be guessed says so in a comment ("meaning inferred").
 *
 * Not codes, on purpose: the MAGDA simulator puts deliberately wrong values in some example answers to
 * test how a consumer handles them, and marks them in an XML comment. Those are left out so that KBI
 * refuses them: Doelgroep/Type VALS_TYPE ("Ongekend doelgroep code"), Traject/Status/Code VALS
 * ("Onbestaande status code"), Traject/Type TT_ONGEKEND ("Ongekend type traject"), Document/Type
 * ZEVER_ATTEST ("Fout attesten type") and Inbreuk/Type 12345 ("Ongekende Inbreuk Code").
 */
import { sql, type Kysely } from 'kysely';

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
type Attributes = { readonly [key: string]: Json };

/** One row of table code_list. */
export interface CodeRow {
  readonly list: string;
  readonly code: string;
  readonly label_nl: string;
  readonly label_fr: string;
  readonly label_en: string;
  readonly short_nl: string | null;
  readonly sort_order: number;
  readonly attributes: Attributes;
  readonly valid_from: string | null;
  readonly valid_to: string | null;
}

interface Extra {
  readonly short_nl?: string;
  readonly attributes?: Attributes;
  readonly valid_from?: string;
  readonly valid_to?: string;
}
type Entry = readonly [code: string, nl: string, fr: string, en: string, extra?: Extra];

/** The codes of one list, in the order given (sort_order 1, 2, …). */
function codes(list: string, entries: readonly Entry[]): CodeRow[] {
  return entries.map(([code, label_nl, label_fr, label_en, extra], i) => ({
    list, code, label_nl, label_fr, label_en, short_nl: extra?.short_nl ?? null, sort_order: i + 1,
    attributes: extra?.attributes ?? {}, valid_from: extra?.valid_from ?? null, valid_to: extra?.valid_to ?? null,
  }));
}

const EU = 'EU_PLUS';
const TC = 'THIRD_COUNTRY';
const UN = 'UNKNOWN';
type Nationality = readonly [code: string, iso2: string | null, nl: string, fr: string, en: string, group: string, more?: Attributes];

function nationalities(entries: readonly Nationality[]): CodeRow[] {
  return codes('nationality', entries.map(([code, iso2, nl, fr, en, group, more]) =>
    [code, nl, fr, en, { attributes: { group, ...(iso2 ? { iso2 } : {}), ...more } }] as const));
}

/** Seven days × morning, afternoon, evening: MAA_OCHTEND … ZON_AVOND. */
function lessonMoments(): CodeRow[] {
  const days = [
    ['MAA', 'Maandag', 'Lundi', 'Monday'], ['DIN', 'Dinsdag', 'Mardi', 'Tuesday'], ['WOE', 'Woensdag', 'Mercredi', 'Wednesday'],
    ['DON', 'Donderdag', 'Jeudi', 'Thursday'], ['VRIJ', 'Vrijdag', 'Vendredi', 'Friday'], ['ZAT', 'Zaterdag', 'Samedi', 'Saturday'],
    ['ZON', 'Zondag', 'Dimanche', 'Sunday'],
  ] as const;
  const parts = [
    ['OCHTEND', 'voormiddag', 'matin', 'morning', 'MORNING'], ['MIDDAG', 'namiddag', 'après-midi', 'afternoon', 'AFTERNOON'],
    ['AVOND', 'avond', 'soir', 'evening', 'EVENING'],
  ] as const;
  return codes('lesson_moment', days.flatMap(([day, nl, fr, en], d) => parts.map(([part, pnl, pfr, pen, partOfDay]) =>
    [`${day}_${part}`, `${nl}${pnl}`, `${fr} ${pfr}`, `${en} ${pen}`, { attributes: { isoWeekday: d + 1, partOfDay } }] as const)));
}

export const CODE_LISTS: readonly CodeRow[] = Object.freeze([
  // gender — MAGDA Personalia/Geslacht/Code with @Beschrijving (1 Mannelijk, 2 Vrouwelijk); 0 for unknown.
  // statisticsLabel: the label of seed 004 tables 5 and 18 (reference t05, t18).
  ...codes('gender', [
    ['1', 'Mannelijk', 'Masculin', 'Male', { attributes: { statisticsLabel: 'Man' } }],
    ['2', 'Vrouwelijk', 'Féminin', 'Female', { attributes: { statisticsLabel: 'Vrouw' } }],
    ['0', 'Onbekend', 'Inconnu', 'Unknown'],
  ]),

  // nationality — seed 004 tables 4 and 15 (reference t04, t15): every label there, exactly as printed,
  // plus the other sovereign states so that any newcomer can be recorded. Code: ISO 3166-1 alpha-3
  // (withdrawn ISO codes for former states: YUG, SUN, CSK, SCG); invented where none exists: XKX Kosovo
  // (the user-assigned code the EU uses), XXA stateless (ICAO Doc 9303), UNK 'onbepaald' (undetermined),
  // MKD_PRE_2019 for the old name 'Macedonië' (the tables list it beside 'Noord-Macedonië' = MKD), and
  // SRB_SEVIE for 'Sevië' (a misspelling of Servië that the tables count as a nationality of its own).
  // attributes.group (nationality_group): EU_PLUS = the EU member states, the EEA (Iceland, Liechtenstein,
  // Norway), Switzerland and the United Kingdom. The UK stays EU+: the statistics count it so also in 2022
  // (after Brexit; UK nationals under the withdrawal agreement keep EU-like rights). Belgium is EU+: Belgian
  // newcomers are EU citizens and table 3 counts them so. Czechoslovakia is EU+ (its successors are EU
  // members; table 14 needs it), the other former states and Kosovo are third countries. Checked against
  // tables 3 and 14: the groups reproduce table 14 (fines) exactly for 2019–2022 and table 3 exactly for
  // 2022; table 3 has 3 (2020) and 2 (2021) persons more in 'Derdelander' than this per-nationality
  // grouping gives — no single label explains it (probably persons whose nationality changed).
  ...nationalities([
    ['AFG', 'AF', 'Afghanistan', 'Afghanistan', 'Afghanistan', TC],
    ['ALB', 'AL', 'Albanië', 'Albanie', 'Albania', TC],
    ['DZA', 'DZ', 'Algerije', 'Algérie', 'Algeria', TC],
    ['AND', 'AD', 'Andorra', 'Andorre', 'Andorra', TC],
    ['AGO', 'AO', 'Angola', 'Angola', 'Angola', TC],
    ['ATG', 'AG', 'Antigua en Barbuda', 'Antigua-et-Barbuda', 'Antigua and Barbuda', TC],
    ['ARG', 'AR', 'Argentinië', 'Argentine', 'Argentina', TC],
    ['ARM', 'AM', 'Armenië', 'Arménie', 'Armenia', TC],
    ['AUS', 'AU', 'Australië', 'Australie', 'Australia', TC],
    ['AZE', 'AZ', 'Azerbeidzjan', 'Azerbaïdjan', 'Azerbaijan', TC],
    ['BHS', 'BS', 'Bahama\'s', 'Bahamas', 'Bahamas', TC],
    ['BHR', 'BH', 'Bahrein', 'Bahreïn', 'Bahrain', TC],
    ['BGD', 'BD', 'Bangladesh', 'Bangladesh', 'Bangladesh', TC],
    ['BRB', 'BB', 'Barbados', 'Barbade', 'Barbados', TC],
    ['BEL', 'BE', 'België', 'Belgique', 'Belgium', EU],
    ['BLZ', 'BZ', 'Belize', 'Belize', 'Belize', TC],
    ['BEN', 'BJ', 'Benin', 'Bénin', 'Benin', TC],
    ['BTN', 'BT', 'Bhutan', 'Bhoutan', 'Bhutan', TC],
    ['BOL', 'BO', 'Bolivië', 'Bolivie', 'Bolivia', TC],
    ['BIH', 'BA', 'Bosnië-Herzegovina', 'Bosnie-Herzégovine', 'Bosnia and Herzegovina', TC],
    ['BWA', 'BW', 'Botswana', 'Botswana', 'Botswana', TC],
    ['BRA', 'BR', 'Brazilië', 'Brésil', 'Brazil', TC],
    ['BRN', 'BN', 'Brunei Darussalam', 'Brunéi Darussalam', 'Brunei Darussalam', TC],
    ['BGR', 'BG', 'Bulgarije', 'Bulgarie', 'Bulgaria', EU],
    ['BFA', 'BF', 'Burkina Faso', 'Burkina Faso', 'Burkina Faso', TC],
    ['BDI', 'BI', 'Burundi', 'Burundi', 'Burundi', TC],
    ['KHM', 'KH', 'Cambodja', 'Cambodge', 'Cambodia', TC],
    ['CAN', 'CA', 'Canada', 'Canada', 'Canada', TC],
    ['CAF', 'CF', 'Centraal-Afrikaanse Republiek', 'République centrafricaine', 'Central African Republic', TC],
    ['CHL', 'CL', 'Chili', 'Chili', 'Chile', TC],
    ['CHN', 'CN', 'China', 'Chine', 'China', TC],
    ['COL', 'CO', 'Colombia', 'Colombie', 'Colombia', TC],
    ['COM', 'KM', 'Comoren', 'Comores', 'Comoros', TC],
    ['COG', 'CG', 'Congo-Brazzaville', 'Congo (Brazzaville)', 'Congo (Brazzaville)', TC],
    ['COD', 'CD', 'Congo-Kinshasa', 'République démocratique du Congo', 'Democratic Republic of the Congo', TC],
    ['CRI', 'CR', 'Costa Rica', 'Costa Rica', 'Costa Rica', TC],
    ['CUB', 'CU', 'Cuba', 'Cuba', 'Cuba', TC],
    ['CYP', 'CY', 'Cyprus', 'Chypre', 'Cyprus', EU],
    ['DNK', 'DK', 'Denemarken', 'Danemark', 'Denmark', EU],
    ['DJI', 'DJ', 'Djibouti', 'Djibouti', 'Djibouti', TC],
    ['DMA', 'DM', 'Dominica', 'Dominique', 'Dominica', TC],
    ['DOM', 'DO', 'Dominicaanse Rep.', 'République dominicaine', 'Dominican Republic', TC],
    ['DEU', 'DE', 'Duitsland', 'Allemagne', 'Germany', EU],
    ['ECU', 'EC', 'Ecuador', 'Équateur', 'Ecuador', TC],
    ['EGY', 'EG', 'Egypte', 'Égypte', 'Egypt', TC],
    ['SLV', 'SV', 'El Salvador', 'Salvador', 'El Salvador', TC],
    ['GNQ', 'GQ', 'Equatoriaal-Guinea', 'Guinée équatoriale', 'Equatorial Guinea', TC],
    ['ERI', 'ER', 'Eritrea', 'Érythrée', 'Eritrea', TC],
    ['EST', 'EE', 'Estland', 'Estonie', 'Estonia', EU],
    ['SWZ', 'SZ', 'Eswatini', 'Eswatini', 'Eswatini', TC],
    ['ETH', 'ET', 'Ethiopië', 'Éthiopie', 'Ethiopia', TC],
    ['FJI', 'FJ', 'Fiji', 'Fidji', 'Fiji', TC],
    ['PHL', 'PH', 'Filipijnen', 'Philippines', 'Philippines', TC],
    ['FIN', 'FI', 'Finland', 'Finlande', 'Finland', EU],
    ['FRA', 'FR', 'Frankrijk', 'France', 'France', EU],
    ['GAB', 'GA', 'Gabon', 'Gabon', 'Gabon', TC],
    ['GMB', 'GM', 'Gambia', 'Gambie', 'Gambia', TC],
    ['GEO', 'GE', 'Georgië', 'Géorgie', 'Georgia', TC],
    ['GHA', 'GH', 'Ghana', 'Ghana', 'Ghana', TC],
    ['GRD', 'GD', 'Grenada', 'Grenade', 'Grenada', TC],
    ['GRC', 'GR', 'Griekenland', 'Grèce', 'Greece', EU],
    ['GTM', 'GT', 'Guatemala', 'Guatemala', 'Guatemala', TC],
    ['GIN', 'GN', 'Guinea', 'Guinée', 'Guinea', TC],
    ['GNB', 'GW', 'Guinee-Bissau', 'Guinée-Bissau', 'Guinea-Bissau', TC],
    ['GUY', 'GY', 'Guyana', 'Guyana', 'Guyana', TC],
    ['HTI', 'HT', 'Haïti', 'Haïti', 'Haiti', TC],
    ['HND', 'HN', 'Honduras', 'Honduras', 'Honduras', TC],
    ['HUN', 'HU', 'Hongarije', 'Hongrie', 'Hungary', EU],
    ['HKG', 'HK', 'Hongkong', 'Hong Kong', 'Hong Kong', TC],
    ['IRL', 'IE', 'Ierland', 'Irlande', 'Ireland', EU],
    ['ISL', 'IS', 'IJsland', 'Islande', 'Iceland', EU],
    ['IND', 'IN', 'India', 'Inde', 'India', TC],
    ['IDN', 'ID', 'Indonesië', 'Indonésie', 'Indonesia', TC],
    ['IRQ', 'IQ', 'Irak', 'Irak', 'Iraq', TC],
    ['IRN', 'IR', 'Iran', 'Iran', 'Iran', TC],
    ['ISR', 'IL', 'Israël', 'Israël', 'Israel', TC],
    ['ITA', 'IT', 'Italië', 'Italie', 'Italy', EU],
    ['CIV', 'CI', 'Ivoorkust', 'Côte d\'Ivoire', 'Côte d\'Ivoire', TC],
    ['JAM', 'JM', 'Jamaica', 'Jamaïque', 'Jamaica', TC],
    ['JPN', 'JP', 'Japan', 'Japon', 'Japan', TC],
    ['YEM', 'YE', 'Jemen', 'Yémen', 'Yemen', TC],
    ['YUG', null, 'Joegoslavië', 'Yougoslavie (ancien État)', 'Yugoslavia (former state)', TC, { formerState: true }],
    ['JOR', 'JO', 'Jordanië', 'Jordanie', 'Jordan', TC],
    ['CPV', 'CV', 'Kaapverdië', 'Cap-Vert', 'Cabo Verde', TC],
    ['CMR', 'CM', 'Kameroen', 'Cameroun', 'Cameroon', TC],
    ['KAZ', 'KZ', 'Kazachstan', 'Kazakhstan', 'Kazakhstan', TC],
    ['KEN', 'KE', 'Kenia', 'Kenya', 'Kenya', TC],
    ['KGZ', 'KG', 'Kirgizstan', 'Kirghizistan', 'Kyrgyzstan', TC],
    ['KIR', 'KI', 'Kiribati', 'Kiribati', 'Kiribati', TC],
    ['KWT', 'KW', 'Koeweit', 'Koweït', 'Kuwait', TC],
    ['XKX', 'XK', 'Kosovo', 'Kosovo', 'Kosovo', TC],
    ['HRV', 'HR', 'Kroatië', 'Croatie', 'Croatia', EU],
    ['LAO', 'LA', 'Laos', 'Laos', 'Laos', TC],
    ['LSO', 'LS', 'Lesotho', 'Lesotho', 'Lesotho', TC],
    ['LVA', 'LV', 'Letland', 'Lettonie', 'Latvia', EU],
    ['LBN', 'LB', 'Libanon', 'Liban', 'Lebanon', TC],
    ['LBR', 'LR', 'Liberia', 'Libéria', 'Liberia', TC],
    ['LBY', 'LY', 'Libië', 'Libye', 'Libya', TC],
    ['LIE', 'LI', 'Liechtenstein', 'Liechtenstein', 'Liechtenstein', EU],
    ['LTU', 'LT', 'Litouwen', 'Lituanie', 'Lithuania', EU],
    ['LUX', 'LU', 'Luxemburg', 'Luxembourg', 'Luxembourg', EU],
    ['MAC', 'MO', 'Macau', 'Macao', 'Macao', TC],
    ['MKD_PRE_2019', 'MK', 'Macedonië', 'Macédoine (nom avant 2019)', 'Macedonia (name before 2019)', TC, { iso3: 'MKD' }],
    ['MDG', 'MG', 'Madagaskar', 'Madagascar', 'Madagascar', TC],
    ['MWI', 'MW', 'Malawi', 'Malawi', 'Malawi', TC],
    ['MDV', 'MV', 'Maldiven', 'Maldives', 'Maldives', TC],
    ['MYS', 'MY', 'Maleisië', 'Malaisie', 'Malaysia', TC],
    ['MLI', 'ML', 'Mali', 'Mali', 'Mali', TC],
    ['MLT', 'MT', 'Malta', 'Malte', 'Malta', EU],
    ['MAR', 'MA', 'Marokko', 'Maroc', 'Morocco', TC],
    ['MHL', 'MH', 'Marshalleilanden', 'Îles Marshall', 'Marshall Islands', TC],
    ['MRT', 'MR', 'Mauritanië', 'Mauritanie', 'Mauritania', TC],
    ['MUS', 'MU', 'Mauritius', 'Maurice', 'Mauritius', TC],
    ['MEX', 'MX', 'Mexico', 'Mexique', 'Mexico', TC],
    ['FSM', 'FM', 'Micronesia', 'Micronésie', 'Micronesia', TC],
    ['MDA', 'MD', 'Moldavië', 'Moldavie', 'Moldova', TC],
    ['MCO', 'MC', 'Monaco', 'Monaco', 'Monaco', TC],
    ['MNG', 'MN', 'Mongolië', 'Mongolie', 'Mongolia', TC],
    ['MNE', 'ME', 'Montenegro', 'Monténégro', 'Montenegro', TC],
    ['MOZ', 'MZ', 'Mozambique', 'Mozambique', 'Mozambique', TC],
    ['MMR', 'MM', 'Myanmar', 'Myanmar (Birmanie)', 'Myanmar', TC],
    ['NAM', 'NA', 'Namibië', 'Namibie', 'Namibia', TC],
    ['NRU', 'NR', 'Nauru', 'Nauru', 'Nauru', TC],
    ['NLD', 'NL', 'Nederland', 'Pays-Bas', 'Netherlands', EU],
    ['NPL', 'NP', 'Nepal', 'Népal', 'Nepal', TC],
    ['NIC', 'NI', 'Nicaragua', 'Nicaragua', 'Nicaragua', TC],
    ['NZL', 'NZ', 'Nieuw-Zeeland', 'Nouvelle-Zélande', 'New Zealand', TC],
    ['NER', 'NE', 'Niger', 'Niger', 'Niger', TC],
    ['NGA', 'NG', 'Nigeria', 'Nigeria', 'Nigeria', TC],
    ['PRK', 'KP', 'Noord-Korea', 'Corée du Nord', 'North Korea', TC],
    ['MKD', 'MK', 'Noord-Macedonië', 'Macédoine du Nord', 'North Macedonia', TC],
    ['NOR', 'NO', 'Noorwegen', 'Norvège', 'Norway', EU],
    ['UKR', 'UA', 'Oekraïne', 'Ukraine', 'Ukraine', TC],
    ['UZB', 'UZ', 'Oezbekistan', 'Ouzbékistan', 'Uzbekistan', TC],
    ['OMN', 'OM', 'Oman', 'Oman', 'Oman', TC],
    ['TLS', 'TL', 'Oost-Timor', 'Timor oriental', 'Timor-Leste', TC],
    ['AUT', 'AT', 'Oostenrijk', 'Autriche', 'Austria', EU],
    ['PAK', 'PK', 'Pakistan', 'Pakistan', 'Pakistan', TC],
    ['PLW', 'PW', 'Palau', 'Palaos', 'Palau', TC],
    ['PSE', 'PS', 'Palestina', 'Palestine', 'Palestine', TC],
    ['PAN', 'PA', 'Panama', 'Panama', 'Panama', TC],
    ['PNG', 'PG', 'Papoea-Nieuw-Guinea', 'Papouasie-Nouvelle-Guinée', 'Papua New Guinea', TC],
    ['PRY', 'PY', 'Paraguay', 'Paraguay', 'Paraguay', TC],
    ['PER', 'PE', 'Peru', 'Pérou', 'Peru', TC],
    ['POL', 'PL', 'Polen', 'Pologne', 'Poland', EU],
    ['PRT', 'PT', 'Portugal', 'Portugal', 'Portugal', EU],
    ['QAT', 'QA', 'Qatar', 'Qatar', 'Qatar', TC],
    ['ROU', 'RO', 'Roemenië', 'Roumanie', 'Romania', EU],
    ['RUS', 'RU', 'Rusland', 'Russie', 'Russia', TC],
    ['RWA', 'RW', 'Rwanda', 'Rwanda', 'Rwanda', TC],
    ['LCA', 'LC', 'Saint Lucia', 'Sainte-Lucie', 'Saint Lucia', TC],
    ['VCT', 'VC', 'Saint Vincent en de Grenadines', 'Saint-Vincent-et-les-Grenadines', 'Saint Vincent and the Grenadines', TC],
    ['SLB', 'SB', 'Salomonseilanden', 'Îles Salomon', 'Solomon Islands', TC],
    ['WSM', 'WS', 'Samoa', 'Samoa', 'Samoa', TC],
    ['SMR', 'SM', 'San Marino', 'Saint-Marin', 'San Marino', TC],
    ['STP', 'ST', 'São Tomé en Príncipe', 'Sao Tomé-et-Principe', 'Sao Tome and Principe', TC],
    ['SAU', 'SA', 'Saudi-Arabië', 'Arabie saoudite', 'Saudi Arabia', TC],
    ['SEN', 'SN', 'Senegal', 'Sénégal', 'Senegal', TC],
    ['SRB', 'RS', 'Servië', 'Serbie', 'Serbia', TC],
    ['SCG', null, 'Servië en Montenegro', 'Serbie-et-Monténégro (ancien État)', 'Serbia and Montenegro (former state)', TC, { formerState: true }],
    ['SRB_SEVIE', 'RS', 'Sevië', 'Serbie (graphie « Sevië »)', 'Serbia (spelt "Sevië")', TC, { iso3: 'SRB' }],
    ['SYC', 'SC', 'Seychellen', 'Seychelles', 'Seychelles', TC],
    ['SLE', 'SL', 'Sierra Leone', 'Sierra Leone', 'Sierra Leone', TC],
    ['SGP', 'SG', 'Singapore', 'Singapour', 'Singapore', TC],
    ['SVN', 'SI', 'Slovenië', 'Slovénie', 'Slovenia', EU],
    ['SVK', 'SK', 'Slowakije', 'Slovaquie', 'Slovakia', EU],
    ['SDN', 'SD', 'Soedan', 'Soudan', 'Sudan', TC],
    ['SOM', 'SO', 'Somalië', 'Somalie', 'Somalia', TC],
    ['ESP', 'ES', 'Spanje', 'Espagne', 'Spain', EU],
    ['LKA', 'LK', 'Sri Lanka', 'Sri Lanka', 'Sri Lanka', TC],
    ['KNA', 'KN', 'St. Kitts en Nevis', 'Saint-Christophe-et-Niévès', 'Saint Kitts and Nevis', TC],
    ['XXA', null, 'Staatloos', 'Apatride', 'Stateless', TC],
    ['SUR', 'SR', 'Suriname', 'Suriname', 'Suriname', TC],
    ['SYR', 'SY', 'Syrië', 'Syrie', 'Syria', TC],
    ['TJK', 'TJ', 'Tadzjikistan', 'Tadjikistan', 'Tajikistan', TC],
    ['TWN', 'TW', 'Taiwan', 'Taïwan', 'Taiwan', TC],
    ['TZA', 'TZ', 'Tanzania', 'Tanzanie', 'Tanzania', TC],
    ['THA', 'TH', 'Thailand', 'Thaïlande', 'Thailand', TC],
    ['TGO', 'TG', 'Togo', 'Togo', 'Togo', TC],
    ['TON', 'TO', 'Tonga', 'Tonga', 'Tonga', TC],
    ['TTO', 'TT', 'Trinidad en Tobago', 'Trinité-et-Tobago', 'Trinidad and Tobago', TC],
    ['TCD', 'TD', 'Tsjaad', 'Tchad', 'Chad', TC],
    ['CZE', 'CZ', 'Tsjechië', 'Tchéquie', 'Czechia', EU],
    ['CSK', null, 'Tsjechoslowakije', 'Tchécoslovaquie (ancien État)', 'Czechoslovakia (former state)', EU, { formerState: true }],
    ['TUN', 'TN', 'Tunesië', 'Tunisie', 'Tunisia', TC],
    ['TUR', 'TR', 'Turkije', 'Turquie', 'Türkiye', TC],
    ['TKM', 'TM', 'Turkmenistan', 'Turkménistan', 'Turkmenistan', TC],
    ['TUV', 'TV', 'Tuvalu', 'Tuvalu', 'Tuvalu', TC],
    ['SUN', null, 'U.S.S.R.', 'URSS (ancien État)', 'USSR (former state)', TC, { formerState: true }],
    ['UGA', 'UG', 'Uganda', 'Ouganda', 'Uganda', TC],
    ['URY', 'UY', 'Uruguay', 'Uruguay', 'Uruguay', TC],
    ['VUT', 'VU', 'Vanuatu', 'Vanuatu', 'Vanuatu', TC],
    ['VAT', 'VA', 'Vaticaanstad', 'Vatican', 'Holy See (Vatican City)', TC],
    ['VEN', 'VE', 'Venezuela', 'Venezuela', 'Venezuela', TC],
    ['GBR', 'GB', 'Verenigd Koninkrijk', 'Royaume-Uni', 'United Kingdom', EU],
    ['ARE', 'AE', 'Verenigde Arabische Emiraten', 'Émirats arabes unis', 'United Arab Emirates', TC],
    ['USA', 'US', 'Verenigde Staten van Amerika', 'États-Unis d\'Amérique', 'United States of America', TC],
    ['VNM', 'VN', 'Vietnam', 'Viêt Nam', 'Viet Nam', TC],
    ['BLR', 'BY', 'Wit-Rusland', 'Biélorussie', 'Belarus', TC],
    ['ZMB', 'ZM', 'Zambia', 'Zambie', 'Zambia', TC],
    ['ZWE', 'ZW', 'Zimbabwe', 'Zimbabwe', 'Zimbabwe', TC],
    ['ZAF', 'ZA', 'Zuid-Afrika', 'Afrique du Sud', 'South Africa', TC],
    ['KOR', 'KR', 'Zuid-Korea', 'Corée du Sud', 'South Korea', TC],
    ['SSD', 'SS', 'Zuid-Soedan', 'Soudan du Sud', 'South Sudan', TC],
    ['SWE', 'SE', 'Zweden', 'Suède', 'Sweden', EU],
    ['CHE', 'CH', 'Zwitserland', 'Suisse', 'Switzerland', EU],
    ['UNK', null, 'onbepaald', 'indéterminée', 'undetermined', UN],
  ]),

  // nationality_group — seed 004 tables 3 and 14 (reference t03, t14): labels as printed in table 3.
  ...codes('nationality_group', [
    ['EU_PLUS', 'EU+', 'UE+', 'EU+ (EU, EEA, Switzerland, United Kingdom)'],
    ['THIRD_COUNTRY', 'Derdelander', 'Ressortissant de pays tiers', 'Third-country national'],
    ['UNKNOWN', 'Onbepaald', 'Indéterminé', 'Undetermined'],
  ]),

  // residence_status — seed 004 table 7 (reference t07), the 19 labels exactly as printed, in the printed
  // order; table 16 (t16) uses 17 of them and no other. (The question of seed 004 also names 'EU+ in
  // afwachting', 'andere reden EU+' and 'gezinshereniging met EU+ of Belg'; the answer's tables do not use
  // them — 'EU+ in afwachting' is printed as 'EU+ voorlopig statuut'.) Codes invented.
  // attributes.nationalityGroup only where the status itself implies it (EU+ statuses; third-country,
  // protection and regularisation statuses, which EU citizens cannot have).
  ...codes('residence_status', [
    ['GEZINSHERENIGING_DERDELANDER', 'gezinshereniging met derdelander', 'regroupement familial avec un ressortissant de pays tiers', 'family reunification with a third-country national', { attributes: { nationalityGroup: TC } }],
    ['GEZINSHERENIGING_BELG', 'gezinshereniging met Belg', 'regroupement familial avec un Belge', 'family reunification with a Belgian'],
    ['ERKEND_VLUCHTELING', 'erkend vluchteling', 'réfugié reconnu', 'recognised refugee', { attributes: { nationalityGroup: TC } }],
    ['ARBEIDSMIGRANT_EU', 'arbeidsmigrant EU+', 'travailleur migrant UE+', 'EU+ labour migrant', { attributes: { nationalityGroup: EU } }],
    ['GEZINSHERENIGING_EU', 'gezinshereniging met EU+', 'regroupement familial avec un ressortissant UE+', 'family reunification with an EU+ national'],
    ['ARBEIDSMIGRANT_DERDELANDER', 'arbeidsmigrant derdelander', 'travailleur migrant ressortissant de pays tiers', 'third-country labour migrant', { attributes: { nationalityGroup: TC } }],
    ['ONBEPAALD', 'onbepaald', 'indéterminé', 'undetermined'],
    ['STUDENT_DERDELANDER', 'student derdelander', 'étudiant ressortissant de pays tiers', 'third-country student', { attributes: { nationalityGroup: TC } }],
    ['GEZINSHERENIGING_VLUCHTELING', 'gezinshereniging met erkend vluchteling', 'regroupement familial avec un réfugié reconnu', 'family reunification with a recognised refugee'],
    ['ANDERE_DERDELANDER', 'andere reden derdelander', 'ressortissant de pays tiers, autre motif', 'third-country national, other reason', { attributes: { nationalityGroup: TC } }],
    ['GEREGULARISEERD', 'geregulariseerd', 'régularisé', 'regularised', { attributes: { nationalityGroup: TC } }],
    ['OVERIGE', 'overige', 'autres', 'other'],
    ['ASIELZOEKER', 'asielzoeker', "demandeur d'asile", 'asylum seeker', { attributes: { nationalityGroup: TC } }],
    ['SUBSIDIAIRE_BESCHERMING', 'subsidiaire bescherming', 'protection subsidiaire', 'subsidiary protection', { attributes: { nationalityGroup: TC } }],
    ['GEZINSHERENIGING_SUBSIDIAIR', 'gezinshereniging met subsidiair beschermde', "regroupement familial avec un bénéficiaire de la protection subsidiaire", 'family reunification with a beneficiary of subsidiary protection'],
    ['BESTAANSMIDDELEN_EU', 'beschikker voldoende bestaansmiddelen EU+', 'ressortissant UE+ disposant de ressources suffisantes', 'EU+ national with sufficient resources', { attributes: { nationalityGroup: EU } }],
    ['STUDENT_EU', 'student EU+', 'étudiant UE+', 'EU+ student', { attributes: { nationalityGroup: EU } }],
    ['BELG_NIEUWKOMER', 'Belg nieuwkomer', 'Belge primo-arrivant (né à l’étranger)', 'Belgian newcomer (born abroad)'],
    ['EU_VOORLOPIG', 'EU+ voorlopig statuut', 'UE+ statut provisoire', 'EU+ provisional status', { attributes: { nationalityGroup: EU } }],
  ]),

  // agency — SPEC.md "Who uses it"; seed 004 tables 1, 2, 9, 13 (statisticsLabel = the label there).
  // attributes.nis: the municipality a city agency works in (Antwerpen 11002, Gent 44021).
  ...codes('agency', [
    ['ATLAS', 'Atlas', 'Atlas (Anvers)', 'Atlas (Antwerp)', { attributes: { statisticsLabel: 'Atlas', nis: '11002' } }],
    ['IN_GENT', 'IN-Gent', 'IN-Gent (Gand)', 'IN-Gent (Ghent)', { attributes: { statisticsLabel: 'IN-Gent', nis: '44021' } }],
    ['AGII', 'Vlaams Agentschap Integratie en Inburgering', "Agence flamande pour l'intégration et l'intégration civique", 'Flemish Agency for Integration and Civic Integration', { attributes: { statisticsLabel: 'Vlaams Agentschap' } }],
  ]),

  // region — the working areas of the Flemish agency in seed 004 tables 1, 2, 9 and 13; label_nl exactly
  // as in table 2 (reference t02, region column), statisticsLabel as in tables 1, 9 and 13 (Brussels is
  // not in those: infringements and fines exist in the Flemish Region only). Provincie Antwerpen and
  // Oost-Vlaanderen exclude the cities of Atlas and IN-Gent. attributes.province: the code in list province.
  ...codes('region', [
    ['ANTWERP', 'Provincie Antwerpen', "Province d'Anvers", 'Province of Antwerp', { attributes: { province: 'ANTWERP', agency: 'AGII', statisticsLabel: 'Provincie Antwerpen' } }],
    ['LIMBURG', 'Limburg', 'Limbourg', 'Limburg', { attributes: { province: 'LIMBURG', agency: 'AGII', statisticsLabel: 'Provincie Limburg' } }],
    ['EAST_FLANDERS', 'Oost-Vlaanderen', 'Flandre-Orientale', 'East Flanders', { attributes: { province: 'EAST_FLANDERS', agency: 'AGII', statisticsLabel: 'Provincie Oost-Vlaanderen' } }],
    ['FLEMISH_BRABANT', 'Vlaams-Brabant', 'Brabant flamand', 'Flemish Brabant', { attributes: { province: 'FLEMISH_BRABANT', agency: 'AGII', statisticsLabel: 'Provincie Vlaams-Brabant' } }],
    ['WEST_FLANDERS', 'West-Vlaanderen', 'Flandre-Occidentale', 'West Flanders', { attributes: { province: 'WEST_FLANDERS', agency: 'AGII', statisticsLabel: 'Provincie West-Vlaanderen' } }],
    ['BRUSSELS', 'Brussels Hoofdstedelijk Gewest', 'Région de Bruxelles-Capitale', 'Brussels-Capital Region', { attributes: { province: 'BRUSSELS', agency: 'AGII' } }],
  ]),

  // province — the Belgian provinces and the Brussels-Capital Region, with the codes that migration 0001
  // (kbi_province_of_postcode) derives from a postcode. attributes: ISO 3166-2 code, NIS code, region.
  ...codes('province', [
    ['ANTWERP', 'Antwerpen', 'Anvers', 'Antwerp', { attributes: { iso: 'BE-VAN', nis: '10000', region: 'FLANDERS' } }],
    ['LIMBURG', 'Limburg', 'Limbourg', 'Limburg', { attributes: { iso: 'BE-VLI', nis: '70000', region: 'FLANDERS' } }],
    ['EAST_FLANDERS', 'Oost-Vlaanderen', 'Flandre-Orientale', 'East Flanders', { attributes: { iso: 'BE-VOV', nis: '40000', region: 'FLANDERS' } }],
    ['FLEMISH_BRABANT', 'Vlaams-Brabant', 'Brabant flamand', 'Flemish Brabant', { attributes: { iso: 'BE-VBR', nis: '20001', region: 'FLANDERS' } }],
    ['WEST_FLANDERS', 'West-Vlaanderen', 'Flandre-Occidentale', 'West Flanders', { attributes: { iso: 'BE-VWV', nis: '30000', region: 'FLANDERS' } }],
    ['BRUSSELS', 'Brussels Hoofdstedelijk Gewest', 'Région de Bruxelles-Capitale', 'Brussels-Capital Region', { attributes: { iso: 'BE-BRU', nis: '04000', region: 'BRUSSELS', isProvince: false } }],
    ['WALLOON_BRABANT', 'Waals-Brabant', 'Brabant wallon', 'Walloon Brabant', { attributes: { iso: 'BE-WBR', nis: '20002', region: 'WALLONIA' } }],
    ['HAINAUT', 'Henegouwen', 'Hainaut', 'Hainaut', { attributes: { iso: 'BE-WHT', nis: '50000', region: 'WALLONIA' } }],
    ['LIEGE', 'Luik', 'Liège', 'Liège', { attributes: { iso: 'BE-WLG', nis: '60000', region: 'WALLONIA' } }],
    ['LUXEMBOURG', 'Luxemburg', 'Luxembourg', 'Luxembourg', { attributes: { iso: 'BE-WLX', nis: '80000', region: 'WALLONIA' } }],
    ['NAMUR', 'Namen', 'Namur', 'Namur', { attributes: { iso: 'BE-WNA', nis: '90000', region: 'WALLONIA' } }],
  ]),

  // organisation_kind — SPEC.md "Who uses it" and "Exchange flows"; seed 001 (exchange partners); seed 003 §6
  // (ABB, manager of the KBI in 2012, and whose enforcement officers decide on fines).
  ...codes('organisation_kind', [
    ['AGENCY', 'Agentschap integratie en inburgering', "Agence d'intégration et d'intégration civique", 'Integration and civic-integration agency'],
    ['HOUSE_OF_DUTCH', 'Huis van het Nederlands', 'Maison du néerlandais', 'House of Dutch'],
    ['OCMW', 'OCMW (openbaar centrum voor maatschappelijk welzijn)', "CPAS (centre public d'action sociale)", 'OCMW (public centre for social welfare)'],
    ['VDAB', 'VDAB', "VDAB (Office flamand de l'emploi et de la formation professionnelle)", 'VDAB (Flemish public employment service)'],
    ['ACTIRIS', 'Actiris', 'Actiris', 'Actiris (Brussels public employment service)'],
    ['VMSW', 'Vlaamse Maatschappij voor Sociaal Wonen', 'Société flamande du logement social', 'Flemish Social Housing Company (VMSW)'],
    ['CVO', 'Centrum voor volwassenenonderwijs', "Centre d'enseignement pour adultes", 'Adult education centre (CVO)'],
    ['CBE', 'Centrum voor basiseducatie', "Centre d'éducation de base", 'Basic education centre (CBE)'],
    ['AHOVOKS', 'Agentschap voor Hoger Onderwijs, Volwassenenonderwijs, Kwalificaties en Studietoelagen', "Agence pour l'enseignement supérieur, l'enseignement des adultes, les qualifications et les allocations d'études", 'Agency for Higher Education, Adult Education, Qualifications and Study Grants (AHOVOKS)'],
    ['DVZ', 'Dienst Vreemdelingenzaken', 'Office des étrangers', 'Immigration Office (DVZ)'],
    ['LOCAL_AUTHORITY', 'Lokaal bestuur (gemeente)', 'Administration locale (commune)', 'Local authority (municipality)'],
    ['ABB', 'Agentschap Binnenlands Bestuur', "Agence de l'administration intérieure", 'Agency for Domestic Governance (ABB)'],
  ]),

  // target_group_type — MAGDA Doelgroep/Type (PLICHT, RECHT, MINDERJARIG are real; seed 002 §2.2 "Type: het
  // type inburgeraar"). statisticsLabel: seed 004 tables 6 and 17. MINDERJARIG: the guidance trajectory for
  // minors of the 2013 decree (domain-rules §4.1; meaning inferred).
  ...codes('target_group_type', [
    ['PLICHT', 'Verplichte inburgeraar', "Personne soumise à l'obligation d'intégration civique", 'Obliged (subject to the civic-integration obligation)', { attributes: { statisticsLabel: 'Plicht' } }],
    ['RECHT', 'Rechthebbende inburgeraar', "Ayant droit à l'intégration civique", 'Entitled (right to civic integration)', { attributes: { statisticsLabel: 'Recht' } }],
    ['MINDERJARIG', 'Minderjarige nieuwkomer', 'Primo-arrivant mineur', 'Minor newcomer'],
  ]),

  // target_group_subtype — MAGDA Doelgroep/SubType (VOL_PROG, RECHT, MINDERJARIG are real); seed 002 §2.2:
  // "Subtype: duidt de te volgen opleiding aan". Meanings inferred: VOL_PROG = the full programme.
  ...codes('target_group_subtype', [
    ['VOL_PROG', 'Volledig programma', 'Programme complet', 'Full programme'],
    ['RECHT', 'Programma voor rechthebbenden', 'Programme pour ayants droit', 'Programme for the entitled'],
    ['MINDERJARIG', 'Toeleidingstraject minderjarigen', "Parcours d'orientation pour mineurs", 'Guidance trajectory for minors'],
  ]),

  // target_group_determined — MAGDA Doelgroep/Code (JA, NEE); seed 002 §2.2 "Behorend tot doelgroep inburgering".
  ...codes('target_group_determined', [
    ['JA', 'Behoort tot de doelgroep inburgering', "Appartient au groupe cible de l'intégration civique", 'Belongs to the civic-integration target group'],
    ['NEE', 'Behoort niet tot de doelgroep inburgering', "N'appartient pas au groupe cible de l'intégration civique", 'Does not belong to the civic-integration target group'],
  ]),

  // no_target_group_reason — MAGDA Doelgroep/RedenGeenDoelgroep: 01 is real (Naam and KorteNaam). 02–06 are
  // invented from the conditions of the target group (domain-rules §4.2; meaning inferred).
  ...codes('no_target_group_reason', [
    ['01', 'Asielzoeker < 4 maanden na asielaanvraag', "Demandeur d'asile < 4 mois après la demande d'asile", 'Asylum seeker < 4 months after the asylum application', { short_nl: 'Asielzoeker < 4 maanden n' }],
    ['02', 'Verblijf met tijdelijk doel (maximaal 1 jaar)', 'Séjour à but temporaire (1 an maximum)', 'Stay for a temporary purpose (at most 1 year)'],
    ['03', 'Niet ingeschreven in het Rijksregister', 'Non inscrit au Registre national', 'Not registered in the National Register'],
    ['04', 'Jonger dan 18 jaar', 'Moins de 18 ans', 'Younger than 18'],
    ['05', 'Woont niet in het Vlaamse of het Brusselse Hoofdstedelijke Gewest', 'Ne réside pas en Région flamande ni en Région de Bruxelles-Capitale', 'Does not live in the Flemish or the Brussels-Capital Region'],
    ['06', 'Belg geboren in België', 'Belge né en Belgique', 'Belgian born in Belgium'],
  ]),

  // exemption_reason — MAGDA Doelgroep/RedenVrijstellingVanDeVerplichting: code 01 is real, but the example
  // carries a placeholder name ('Reden vrijstelling lang'). Meanings of 01–06 inferred from domain-rules §4.4
  // (the full list of the decree could not be read).
  ...codes('exemption_reason', [
    ['01', 'Onderdaan van de EU, de EER of Zwitserland, of familielid', "Ressortissant de l'UE, de l'EEE ou de la Suisse, ou membre de sa famille", 'National of the EU, the EEA or Switzerland, or a family member'],
    ['02', '65 jaar of ouder', '65 ans ou plus', 'Aged 65 or older'],
    ['03', 'Ernstige ziekte of handicap', 'Maladie grave ou handicap', 'Serious illness or disability'],
    ['04', 'Diploma of getuigschrift van het Nederlandstalig onderwijs', "Diplôme ou certificat de l'enseignement néerlandophone", 'Diploma or certificate of Dutch-language education'],
    ['05', 'Inburgeringsattest of gelijkwaardig attest reeds behaald', "Attestation d'intégration civique ou équivalent déjà obtenue", 'Civic integration certificate or equivalent already obtained'],
    ['06', 'Verblijf met tijdelijk doel', 'Séjour à but temporaire', 'Stay for a temporary purpose'],
  ]),

  // registration_type — MAGDA Aanmelding/Type (EA, HA are real). Meanings inferred: EA = eerste aanmelding,
  // HA = heraanmelding (domain-rules §4.9 "attest van heraanmelding").
  ...codes('registration_type', [
    ['EA', 'Eerste aanmelding', 'Première inscription', 'First registration'],
    ['HA', 'Heraanmelding', 'Réinscription', 'Re-registration'],
  ]),

  // registration_reason — MAGDA Aanmelding/Reden: 13 and 15 are real (Naam and KorteNaam). 11, 12, 14, 16,
  // 17 are invented in the same numbering (meaning inferred).
  ...codes('registration_reason', [
    ['11', 'Uitnodiging door het agentschap', "Invitation par l'agence", 'Invitation by the agency'],
    ['12', 'Eigen initiatief', 'Propre initiative', 'Own initiative'],
    ['13', 'Eigen werving onthaalbureau', "Recrutement propre du bureau d'accueil", 'Own recruitment by the reception office', { short_nl: 'Eigen werving onthaalbure' }],
    ['14', 'Doorverwijzing door het OCMW', 'Orientation par le CPAS', 'Referred by the OCMW'],
    ['15', 'Derden', 'Tiers', 'Third parties', { short_nl: 'Derden' }],
    ['16', 'Doorverwijzing door VDAB', 'Orientation par le VDAB', 'Referred by VDAB'],
    ['17', 'Doorverwijzing door de gemeente', 'Orientation par la commune', 'Referred by the municipality'],
  ]),

  // registration_postponement_reason — domain-rules §4.9 / integratie-inburgering.be "Attesten": uitstel
  // van aanmelding when the person has a right to a flexible trajectory, or for medical or personal
  // reasons. Codes invented; WERK (work or training) inferred.
  ...codes('registration_postponement_reason', [
    ['FLEXIBEL_TRAJECT', 'Recht op een flexibel inburgeringstraject', "Droit à un parcours d'intégration civique flexible", 'Right to a flexible civic-integration trajectory'],
    ['MEDISCH', 'Medische redenen', 'Raisons médicales', 'Medical reasons'],
    ['PERSOONLIJK', 'Persoonlijke redenen', 'Raisons personnelles', 'Personal reasons'],
    ['WERK', 'Werk of opleiding', 'Travail ou formation', 'Work or training'],
  ]),

  // signing_postponement_reason — MAGDA UitstelVanOndertekening/Reden: BIJSTAND_ZIEK_FAMILIELID is real (Naam
  // and KorteNaam); domain-rules §4.9: uitstel van ondertekening for medical or personal reasons. The other
  // codes are invented in the same style (meaning inferred).
  ...codes('signing_postponement_reason', [
    ['BIJSTAND_ZIEK_FAMILIELID', 'Bijstand aan ziek gezinslid of familielid', "Assistance à un membre du ménage ou de la famille malade", 'Caring for a sick member of the household or family', { short_nl: 'Bijstand ziek familielid' }],
    ['ZIEKTE', 'Ziekte', 'Maladie', 'Illness'],
    ['ZWANGERSCHAP', 'Zwangerschap of bevalling', 'Grossesse ou accouchement', 'Pregnancy or childbirth'],
    ['WERK', 'Werk of opleiding', 'Travail ou formation', 'Work or training'],
    ['ANDERE', 'Andere persoonlijke reden', 'Autre raison personnelle', 'Other personal reason'],
  ]),

  // contract_kind — seed 003 §61 cluster 3 ("het laatst afgesloten moeder- of overnamecontract").
  ...codes('contract_kind', [
    ['MOTHER', 'Moedercontract', 'Contrat initial', 'Original (mother) contract'],
    ['TAKEOVER', 'Overnamecontract', 'Contrat de reprise', 'Takeover contract'],
  ]),

  // contract_part — MAGDA Contract/OnderdeelMO, OnderdeelNT2, OnderdeelLO; domain-rules §4.1 and §4.5: traject
  // naar werk for people obliged from 1 March 2022, the participation and network trajectory from 1 January
  // 2023. (Career orientation, LO, belongs to the regime before 2022; it is not closed here because contracts
  // of that regime still run.)
  ...codes('contract_part', [
    ['MO', 'Maatschappelijke oriëntatie', 'Orientation sociale', 'Social orientation'],
    ['NT2', 'Nederlands als tweede taal', 'Néerlandais langue seconde', 'Dutch as a second language'],
    ['LO', 'Loopbaanoriëntatie', 'Orientation de carrière', 'Career orientation'],
    ['WORK', 'Traject naar werk', "Parcours vers l'emploi", 'Trajectory to work', { valid_from: '2022-03-01' }],
    ['PARTICIPATION', 'Participatie- en netwerktraject', 'Parcours de participation et de réseau', 'Participation and network trajectory', { valid_from: '2023-01-01' }],
  ]),

  // contract_suspension_reason — domain-rules §4.9 / integratie-inburgering.be: opschorting ("tijdelijke
  // onderbreking") for medical or personal reasons. Codes invented; WERK and VERHUIS inferred.
  ...codes('contract_suspension_reason', [
    ['MEDISCH', 'Medische redenen', 'Raisons médicales', 'Medical reasons'],
    ['PERSOONLIJK', 'Persoonlijke redenen', 'Raisons personnelles', 'Personal reasons'],
    ['WERK', 'Werk of opleiding', 'Travail ou formation', 'Work or training'],
    ['VERHUIS', 'Verhuis buiten het Vlaamse of het Brusselse Hoofdstedelijke Gewest', 'Déménagement hors de la Région flamande et de la Région de Bruxelles-Capitale', 'Moved out of the Flemish and the Brussels-Capital Region'],
  ]),

  // certificate_kind — seed 003 §61 cluster 4 ("een inburgeringsattest, een EVC-attest, een Vrijstellingsattest
  // of Opschortingsattest"); SPEC.md cluster 4. Exactly these four.
  ...codes('certificate_kind', [
    ['INTEGRATION', 'Inburgeringsattest', "Attestation d'intégration civique", 'Civic integration certificate'],
    ['EVC', 'EVC-attest (erkenning van verworven competenties)', 'Attestation RCA (reconnaissance des compétences acquises)', 'EVC certificate (recognition of acquired competences)'],
    ['EXEMPTION', 'Vrijstellingsattest', 'Attestation de dispense', 'Exemption certificate'],
    ['SUSPENSION', 'Opschortingsattest', 'Attestation de suspension', 'Suspension certificate'],
  ]),

  // certificate_type — MAGDA BehaaldeAttesten/Document/Type (document Soort ATTEST): ICO13G and AEVC05 are
  // real; their names are inferred from the letters (IC… inburgeringscertificaat, AEVC attest EVC). The types
  // of the exemption and suspension certificates are not in the examples: invented. attributes.kind links a
  // type to certificate_kind.
  ...codes('certificate_type', [
    ['ICO13G', 'Inburgeringsattest', "Attestation d'intégration civique", 'Civic integration certificate', { attributes: { kind: 'INTEGRATION' } }],
    ['AEVC05', 'EVC-attest', 'Attestation RCA', 'EVC certificate', { attributes: { kind: 'EVC' } }],
    ['VRIJSTELLINGSATTEST', 'Attest van vrijstelling', 'Attestation de dispense', 'Exemption certificate', { attributes: { kind: 'EXEMPTION' } }],
    ['OPSCHORTINGSATTEST', 'Attest tijdelijke onderbreking contract inburgering', "Attestation d'interruption temporaire du contrat d'intégration civique", 'Certificate of temporary interruption of the integration contract', { attributes: { kind: 'SUSPENSION' } }],
  ]),

  // trajectory_type — MAGDA Traject/Type: TT_IBVP, TT_IBRH, TT_IBGD, TT_NT2 are real; seed 003 §61 cluster 10
  // (primair verplicht, primair rechthebbend); SPEC.md cluster 10 (secondary, language). Meanings inferred
  // from the letters: IB inburgering, VP verplicht, RH rechthebbend. The meaning of GD is unknown
  // (gedetineerden? gedeeltelijk?): the only example has no components. TT_SEC and TT_MIN are invented
  // (domain-rules §4.12 secundair traject, §4.1 toeleidingstraject minderjarigen).
  ...codes('trajectory_type', [
    ['TT_IBVP', 'Primair inburgeringstraject verplicht', "Parcours primaire d'intégration civique obligatoire", 'Primary civic-integration trajectory, obliged'],
    ['TT_IBRH', 'Primair inburgeringstraject rechthebbend', "Parcours primaire d'intégration civique, ayant droit", 'Primary civic-integration trajectory, entitled'],
    ['TT_IBGD', 'Inburgeringstraject GD', "Parcours d'intégration civique GD", 'Civic-integration trajectory GD'],
    ['TT_SEC', 'Secundair traject', 'Parcours secondaire', 'Secondary trajectory'],
    ['TT_NT2', 'Taaltraject Nederlands tweede taal', 'Parcours linguistique néerlandais langue seconde', 'Language trajectory, Dutch as a second language'],
    ['TT_MIN', 'Toeleidingstraject minderjarigen', "Parcours d'orientation pour mineurs", 'Guidance trajectory for minors'],
  ]),

  // trajectory_status — MAGDA Traject/Status/Code: OP, GS, TS are real. Meanings inferred from the examples:
  // OP goes with components still running (TO_STA_31), GS with all components closed and decision JA_IB
  // (so GS = gesloten, not gestart), TS read as stopgezet.
  ...codes('trajectory_status', [
    ['OP', 'Opgestart', 'En cours', 'Started (in progress)'],
    ['GS', 'Gesloten', 'Clôturé', 'Closed'],
    ['TS', 'Stopgezet', 'Arrêté', 'Stopped'],
  ]),

  // trajectory_decision — MAGDA Traject/Besluit/Code: JA_IB is real (inburgeringsattest granted). NEE_IB is
  // invented for the certificate explicitly not obtained (seed 003 §61 cluster 13: "expliciet niet behaald");
  // VGI for the "verklaring van geleverde inspanning" of the regime since 1 March 2022 (domain-rules §4.5).
  ...codes('trajectory_decision', [
    ['JA_IB', 'Inburgeringsattest toegekend', "Attestation d'intégration civique accordée", 'Civic integration certificate granted'],
    ['NEE_IB', 'Inburgeringsattest niet behaald', "Attestation d'intégration civique non obtenue", 'Civic integration certificate not obtained'],
    ['VGI', 'Verklaring van geleverde inspanning', "Déclaration d'effort fourni", 'Statement of effort made', { valid_from: '2022-03-01' }],
  ]),

  // trajectory_end_reason — seed 003 §61 cluster 10 ("eventuele reden van beëindiging"). ATTEST carries the
  // name of the MAGDA Traject/Besluit/Reden in the examples (Naam 'Heeft alle stappen doorlopen', KorteNaam
  // 'Alle stappen ok'; its code is not in the examples). The other codes are invented (meaning inferred).
  ...codes('trajectory_end_reason', [
    ['ATTEST', 'Heeft alle stappen doorlopen', 'A accompli toutes les étapes', 'Completed all steps', { short_nl: 'Alle stappen ok' }],
    ['STOP_EIGEN', 'Stopgezet op eigen vraag', 'Arrêté à sa propre demande', 'Stopped at own request'],
    ['ONRECHTMATIG', 'Onrechtmatig vroegtijdig beëindigd', 'Abandon prématuré injustifié', 'Unlawfully ended early', { valid_to: '2022-02-28' }],
    ['VERHUIS', 'Verhuis buiten het werkingsgebied', "Déménagement hors de la zone d'action", 'Moved out of the service area'],
    ['VERTREK', 'Vertrek naar het buitenland', "Départ à l'étranger", 'Left the country'],
    ['VRIJSTELLING', 'Vrijstelling', 'Dispense', 'Exemption'],
    ['OVERLIJDEN', 'Overlijden', 'Décès', 'Death'],
  ]),

  // trajectory_component_type — MAGDA TrajectOnderdeel/Type: TO_OB_MO, TO_OB_LLO, TO_A1 are real; the
  // components since 2022 from domain-rules §4.5 (traject naar werk from 1 March 2022, participation from
  // 1 January 2023). Meanings inferred: OB = onthaalbureau, LLO = loopbaanoriëntatie, A1 = NT2 at level A1.
  // TO_A2, TO_WERK, TO_PART invented. attributes.part: the contract_part / course_type.
  ...codes('trajectory_component_type', [
    ['TO_OB_MO', 'Maatschappelijke oriëntatie', 'Orientation sociale', 'Social orientation', { attributes: { part: 'MO' } }],
    ['TO_OB_LLO', 'Loopbaanoriëntatie', 'Orientation de carrière', 'Career orientation', { attributes: { part: 'LO' } }],
    ['TO_A1', 'Nederlands tweede taal, niveau A1', 'Néerlandais langue seconde, niveau A1', 'Dutch as a second language, level A1', { attributes: { part: 'NT2', level: 'A1' } }],
    ['TO_A2', 'Nederlands tweede taal, niveau A2', 'Néerlandais langue seconde, niveau A2', 'Dutch as a second language, level A2', { attributes: { part: 'NT2', level: 'A2' } }],
    ['TO_WERK', 'Traject naar werk', "Parcours vers l'emploi", 'Trajectory to work', { attributes: { part: 'WORK' }, valid_from: '2022-03-01' }],
    ['TO_PART', 'Participatie- en netwerktraject', 'Parcours de participation et de réseau', 'Participation and network trajectory', { attributes: { part: 'PARTICIPATION' }, valid_from: '2023-01-01' }],
  ]),

  // trajectory_component_status — MAGDA TrajectOnderdeel/Status/Code: TO_STA_02, TO_STA_31, TO_STA_99 are
  // real. Meanings inferred from the examples: 02 = planned (enrolled in a course that had not started),
  // 31 = running (no end date), 99 = completed (end date, decision).
  ...codes('trajectory_component_status', [
    ['TO_STA_02', 'Gepland', 'Planifié', 'Planned'],
    ['TO_STA_31', 'Lopend', 'En cours', 'In progress'],
    ['TO_STA_99', 'Afgerond', 'Terminé', 'Completed'],
  ]),

  // trajectory_component_decision — MAGDA TrajectOnderdeel/Besluit/Code: VO and NVO are real (meaning inferred:
  // voldaan, niet voldaan); VR (vrijgesteld) invented for the exemption of seed 003 §61 cluster 13.
  ...codes('trajectory_component_decision', [
    ['VO', 'Voldaan', 'Satisfait', 'Met'],
    ['NVO', 'Niet voldaan', 'Non satisfait', 'Not met'],
    ['VR', 'Vrijgesteld', 'Dispensé', 'Exempted'],
  ]),

  // component_suspension_reason — seed 003 §61 cluster 14 (opschortingen with reason); domain-rules §4.9
  // (medical or personal reasons). Codes invented; WERK and GEEN_AANBOD inferred.
  ...codes('component_suspension_reason', [
    ['MEDISCH', 'Medische redenen', 'Raisons médicales', 'Medical reasons'],
    ['PERSOONLIJK', 'Persoonlijke redenen', 'Raisons personnelles', 'Personal reasons'],
    ['WERK', 'Werk of opleiding', 'Travail ou formation', 'Work or training'],
    ['GEEN_AANBOD', 'Geen passend cursusaanbod', 'Pas d’offre de cours adaptée', 'No suitable course available'],
  ]),

  // course_type — seed 003 §61 cluster 15 (Maatschappelijke Oriëntatie, Loopbaan Oriëntatie, NT2); seed 002
  // ("Vormingsactiviteiten: MO, NT2 cursussen, …"); the participation trajectory from 2023 (domain-rules §4.5).
  ...codes('course_type', [
    ['MO', 'Maatschappelijke oriëntatie', 'Orientation sociale', 'Social orientation'],
    ['NT2', 'Nederlands als tweede taal', 'Néerlandais langue seconde', 'Dutch as a second language'],
    ['LO', 'Loopbaanoriëntatie', 'Orientation de carrière', 'Career orientation'],
    ['PARTICIPATION', 'Participatie- en netwerktraject', 'Parcours de participation et de réseau', 'Participation and network trajectory', { valid_from: '2023-01-01' }],
  ]),

  // enrolment_status — MAGDA NT2Cursus/Status: INGESCHREVEN is real; the others invented (seed 003 §61
  // cluster 15: "inschrijvingsgegevens, waaronder … status").
  ...codes('enrolment_status', [
    ['INGESCHREVEN', 'Ingeschreven', 'Inscrit', 'Enrolled'],
    ['LOPEND', 'Lopend', 'En cours', 'In progress'],
    ['BEEINDIGD', 'Beëindigd', 'Terminé', 'Finished'],
    ['UITGESCHREVEN', 'Uitgeschreven', 'Désinscrit', 'Withdrawn'],
  ]),

  // enrolment_exit_reason — seed 003 §61 cluster 15 ("uitstapreden"). Codes invented (meaning inferred).
  ...codes('enrolment_exit_reason', [
    ['WERK', 'Werk gevonden', 'A trouvé un emploi', 'Found work'],
    ['VERHUIS', 'Verhuisd', 'A déménagé', 'Moved'],
    ['ZIEKTE', 'Ziekte', 'Maladie', 'Illness'],
    ['ANDERE_CURSUS', 'Overgestapt naar een andere cursus', 'Passé à un autre cours', 'Switched to another course'],
    ['ONBEKEND', 'Zonder bericht weggebleven', 'Absent sans nouvelles', 'Stopped coming without notice'],
    ['ANDERE', 'Andere reden', 'Autre raison', 'Other reason'],
  ]),

  // enrolment_result — seed 003 §61 cluster 15 ("resultaat"). Codes invented.
  ...codes('enrolment_result', [
    ['GESLAAGD', 'Geslaagd', 'Réussi', 'Passed'],
    ['NIET_GESLAAGD', 'Niet geslaagd', 'Échoué', 'Failed'],
    ['DEELCERTIFICAAT', 'Deelcertificaat behaald', 'Certificat partiel obtenu', 'Partial certificate obtained'],
    ['GEEN', 'Geen resultaat', 'Pas de résultat', 'No result'],
  ]),

  // attendance — seed 003 §61 cluster 15 ("participaties (aan- of afwezigheden) op de voorziene lesmomenten");
  // seed 003 §35 (the 80 % rule counts attendance per part).
  ...codes('attendance', [
    ['PRESENT', 'Aanwezig', 'Présent', 'Present'],
    ['ABSENT', 'Afwezig', 'Absent', 'Absent'],
    ['ABSENT_JUSTIFIED', 'Gewettigd afwezig', 'Absent justifié', 'Absent with a valid reason'],
  ]),

  // test_type — seed 002 ("Afgelegde testen"); SPEC.md cluster 7; domain-rules §4.5 (MO test since 2023,
  // standardised NT2 test since 2022, B1 oral within 24 months of the attest). Codes invented.
  ...codes('test_type', [
    ['MO_TEST', 'Test maatschappelijke oriëntatie', "Test d'orientation sociale", 'Social orientation test'],
    ['NT2_TEST', 'Gestandaardiseerde NT2-test', 'Test standardisé de néerlandais langue seconde', 'Standardised Dutch (NT2) test', { valid_from: '2022-03-01' }],
    ['NT2_INSCHALING', 'Taaltest voor inschaling (Huis van het Nederlands)', 'Test de niveau (Maison du néerlandais)', 'Placement test (House of Dutch)'],
    ['B1_MONDELING', 'Test Nederlands B1 mondeling', 'Test de néerlandais B1 oral', 'Dutch B1 oral test', { valid_from: '2022-03-01' }],
  ]),

  // test_result — seed 002 ("het behaalde resultaat"). Codes invented.
  ...codes('test_result', [
    ['GESLAAGD', 'Geslaagd', 'Réussi', 'Passed'],
    ['NIET_GESLAAGD', 'Niet geslaagd', 'Échoué', 'Failed'],
    ['AFWEZIG', 'Afwezig', 'Absent', 'Absent'],
  ]),

  // cefr_level — MAGDA Talenkennis/BehaaldNT2Niveau (B1 with KorteNaam 'B1'); the CEFR levels with their
  // Council of Europe names (the MAGDA NT2 modules are named so, e.g. 'NT2 - Vantage mondeling'); and the
  // Flemish adult-education "richtgraad" of an NT2 course (MAGDA NT2Cursus/Opleiding 'Nederlands tweede taal
  // - richtgraad 3' with Vantage modules): richtgraad 1 = A1–A2, 2 = B1, 3 = B2, 4 = C1.
  ...codes('cefr_level', [
    ['A1', 'A1', 'A1', 'A1', { attributes: { name: 'Breakthrough' } }],
    ['A2', 'A2', 'A2', 'A2', { attributes: { name: 'Waystage' } }],
    ['B1', 'B1', 'B1', 'B1', { short_nl: 'B1', attributes: { name: 'Threshold' } }],
    ['B2', 'B2', 'B2', 'B2', { attributes: { name: 'Vantage' } }],
    ['C1', 'C1', 'C1', 'C1', { attributes: { name: 'Effective Operational Proficiency' } }],
    ['C2', 'C2', 'C2', 'C2', { attributes: { name: 'Mastery' } }],
    ['RG1', 'Richtgraad 1 (A1–A2)', 'Degré 1 (A1–A2)', 'Richtgraad 1 (A1–A2)', { attributes: { cefr: ['A1', 'A2'] } }],
    ['RG2', 'Richtgraad 2 (B1)', 'Degré 2 (B1)', 'Richtgraad 2 (B1)', { attributes: { cefr: ['B1'] } }],
    ['RG3', 'Richtgraad 3 (B2)', 'Degré 3 (B2)', 'Richtgraad 3 (B2)', { attributes: { cefr: ['B2'] } }],
    ['RG4', 'Richtgraad 4 (C1)', 'Degré 4 (C1)', 'Richtgraad 4 (C1)', { attributes: { cefr: ['C1'] } }],
  ]),

  // language — MAGDA Talenkennis/Talen/Taal/Code: ALB, ENG, POR, SH are real. ALB shows that MAGDA uses the
  // bibliographic ISO 639-2 code where there are two (ALB, not SQI), so the others do too, except Dutch and
  // French, kept as NLD and FRA (the codes KBI already uses). SH (Serbo-Croatian) is a KBI code of its own
  // (ISO 639-1 'sh', withdrawn); DAR is read as Dari (in ISO 639-2 'dar' is Dargwa; ISO 639-3 Dari is 'prs').
  // attributes.iso1: ISO 639-1 where it exists.
  ...codes('language', [
    ['ARA', 'Arabisch', 'Arabe', 'Arabic', { attributes: { iso1: 'ar' } }],
    ['ALB', 'Albanees', 'Albanais', 'Albanian', { attributes: { iso1: 'sq' } }],
    ['AMH', 'Amhaars', 'Amharique', 'Amharic', { attributes: { iso1: 'am' } }],
    ['ARM', 'Armeens', 'Arménien', 'Armenian', { attributes: { iso1: 'hy' } }],
    ['BEN', 'Bengaals', 'Bengali', 'Bengali', { attributes: { iso1: 'bn' } }],
    ['BER', 'Berbers (Tamazight)', 'Berbère (tamazight)', 'Berber (Tamazight)'],
    ['BUL', 'Bulgaars', 'Bulgare', 'Bulgarian', { attributes: { iso1: 'bg' } }],
    ['CHE', 'Tsjetsjeens', 'Tchétchène', 'Chechen', { attributes: { iso1: 'ce' } }],
    ['CHI', 'Chinees', 'Chinois', 'Chinese', { attributes: { iso1: 'zh' } }],
    ['CZE', 'Tsjechisch', 'Tchèque', 'Czech', { attributes: { iso1: 'cs' } }],
    ['DAR', 'Dari', 'Dari', 'Dari', { attributes: { iso3: 'prs' } }],
    ['ENG', 'Engels', 'Anglais', 'English', { attributes: { iso1: 'en' } }],
    ['FRA', 'Frans', 'Français', 'French', { attributes: { iso1: 'fr' } }],
    ['FUL', 'Fula (Peul)', 'Peul', 'Fula', { attributes: { iso1: 'ff' } }],
    ['GEO', 'Georgisch', 'Géorgien', 'Georgian', { attributes: { iso1: 'ka' } }],
    ['GER', 'Duits', 'Allemand', 'German', { attributes: { iso1: 'de' } }],
    ['GRE', 'Grieks', 'Grec', 'Greek', { attributes: { iso1: 'el' } }],
    ['HIN', 'Hindi', 'Hindi', 'Hindi', { attributes: { iso1: 'hi' } }],
    ['HUN', 'Hongaars', 'Hongrois', 'Hungarian', { attributes: { iso1: 'hu' } }],
    ['ITA', 'Italiaans', 'Italien', 'Italian', { attributes: { iso1: 'it' } }],
    ['KUR', 'Koerdisch', 'Kurde', 'Kurdish', { attributes: { iso1: 'ku' } }],
    ['LIN', 'Lingala', 'Lingala', 'Lingala', { attributes: { iso1: 'ln' } }],
    ['MAC', 'Macedonisch', 'Macédonien', 'Macedonian', { attributes: { iso1: 'mk' } }],
    ['NEP', 'Nepalees', 'Népalais', 'Nepali', { attributes: { iso1: 'ne' } }],
    ['NLD', 'Nederlands', 'Néerlandais', 'Dutch', { attributes: { iso1: 'nl' } }],
    ['ORM', 'Oromo', 'Oromo', 'Oromo', { attributes: { iso1: 'om' } }],
    ['PAN', 'Punjabi', 'Pendjabi', 'Punjabi', { attributes: { iso1: 'pa' } }],
    ['PER', 'Perzisch (Farsi)', 'Persan (farsi)', 'Persian (Farsi)', { attributes: { iso1: 'fa' } }],
    ['POL', 'Pools', 'Polonais', 'Polish', { attributes: { iso1: 'pl' } }],
    ['POR', 'Portugees', 'Portugais', 'Portuguese', { attributes: { iso1: 'pt' } }],
    ['PUS', 'Pasjtoe', 'Pachto', 'Pashto', { attributes: { iso1: 'ps' } }],
    ['ROM', 'Romani', 'Romani', 'Romani'],
    ['RUM', 'Roemeens', 'Roumain', 'Romanian', { attributes: { iso1: 'ro' } }],
    ['RUS', 'Russisch', 'Russe', 'Russian', { attributes: { iso1: 'ru' } }],
    ['SH', 'Servo-Kroatisch', 'Serbo-croate', 'Serbo-Croatian', { attributes: { iso1: 'sh' } }],
    ['SLO', 'Slowaaks', 'Slovaque', 'Slovak', { attributes: { iso1: 'sk' } }],
    ['SOM', 'Somalisch', 'Somali', 'Somali', { attributes: { iso1: 'so' } }],
    ['SPA', 'Spaans', 'Espagnol', 'Spanish', { attributes: { iso1: 'es' } }],
    ['SWA', 'Swahili', 'Swahili', 'Swahili', { attributes: { iso1: 'sw' } }],
    ['TAM', 'Tamil', 'Tamoul', 'Tamil', { attributes: { iso1: 'ta' } }],
    ['TGL', 'Tagalog', 'Tagalog', 'Tagalog', { attributes: { iso1: 'tl' } }],
    ['THA', 'Thai', 'Thaï', 'Thai', { attributes: { iso1: 'th' } }],
    ['TIR', 'Tigrinya', 'Tigrigna', 'Tigrinya', { attributes: { iso1: 'ti' } }],
    ['TUR', 'Turks', 'Turc', 'Turkish', { attributes: { iso1: 'tr' } }],
    ['UKR', 'Oekraïens', 'Ukrainien', 'Ukrainian', { attributes: { iso1: 'uk' } }],
    ['URD', 'Urdu', 'Ourdou', 'Urdu', { attributes: { iso1: 'ur' } }],
    ['UZB', 'Oezbeeks', 'Ouzbek', 'Uzbek', { attributes: { iso1: 'uz' } }],
    ['VIE', 'Vietnamees', 'Vietnamien', 'Vietnamese', { attributes: { iso1: 'vi' } }],
  ]),

  // language_proficiency — MAGDA Talen/Taal/KennisNiveau: MOEDERTAAL and GOED are real (Naam = KorteNaam);
  // MATIG and BEPERKT invented.
  ...codes('language_proficiency', [
    ['MOEDERTAAL', 'Moedertaal', 'Langue maternelle', 'Mother tongue', { short_nl: 'Moedertaal' }],
    ['GOED', 'Goed', 'Bonne', 'Good', { short_nl: 'Goed' }],
    ['MATIG', 'Matig', 'Moyenne', 'Fair'],
    ['BEPERKT', 'Beperkt', 'Limitée', 'Limited'],
  ]),

  // literacy_level — MAGDA Talenkennis/Alfabetiseringsgraad/LatijnsSchrift: GEALFABETISEERD is real (literate
  // in the Latin script); the other degrees of the NT2 intake invented.
  ...codes('literacy_level', [
    ['GEALFABETISEERD', 'Gealfabetiseerd', 'Alphabétisé', 'Literate', { short_nl: 'Gealfabetiseerd' }],
    ['ANDERSGEALFABETISEERD', 'Anders gealfabetiseerd (ander schrift)', 'Alphabétisé dans une autre écriture', 'Literate in another script'],
    ['LAAGGELETTERD', 'Laaggeletterd', 'Faiblement alphabétisé', 'Low literacy'],
    ['ANALFABEET', 'Niet gealfabetiseerd', 'Non alphabétisé', 'Not literate'],
  ]),

  // advice_source — MAGDA Adviezen/HvN and Adviezen/Arbeidsmarkt; seed 002 ("Adviezen van het Huis van het
  // Nederlands of het Onthaalbureau en adviezen voor de arbeidsmarkt"); seed 003 §61 cluster 8 (VDAB).
  ...codes('advice_source', [
    ['HOUSE_OF_DUTCH', 'Huis van het Nederlands', 'Maison du néerlandais', 'House of Dutch'],
    ['AGENCY', 'Onthaalbureau (agentschap)', "Bureau d'accueil (agence)", 'Reception office (agency)'],
    ['VDAB', 'VDAB', 'VDAB', 'VDAB'],
    ['LABOUR_MARKET', 'Arbeidsmarktadvies', 'Avis sur le marché du travail', 'Labour-market advice'],
  ]),

  // advice_type — MAGDA Adviezen/HvN (advice on the type of NT2 course: KorteNaam 'CVO Standaard', Naam 'CVO
  // standaard lestype Nederlanse Taal B1') and Adviezen/Arbeidsmarkt (code AR, meaning inferred: arbeidsrijp,
  // ready for the labour market). The other course types are invented. attributes.source: advice_source.
  ...codes('advice_type', [
    ['CBE_ALFA', 'Basiseducatie, alfabetisering', "Éducation de base, alphabétisation", 'Basic education, literacy course', { attributes: { source: 'HOUSE_OF_DUTCH' } }],
    ['CBE', 'Basiseducatie, traag leertempo', "Éducation de base, rythme lent", 'Basic education, slow pace', { attributes: { source: 'HOUSE_OF_DUTCH' } }],
    ['CVO_TRAAG', 'CVO traag lestype', 'CEA, rythme lent', 'Adult education centre, slow pace', { attributes: { source: 'HOUSE_OF_DUTCH' } }],
    ['CVO_STANDAARD', 'CVO standaard lestype', 'CEA, rythme standard', 'Adult education centre, standard pace', { short_nl: 'CVO Standaard', attributes: { source: 'HOUSE_OF_DUTCH' } }],
    ['UNIVERSITAIR', 'Universitair talencentrum (snel leertempo)', 'Centre de langues universitaire (rythme rapide)', 'University language centre, fast pace', { attributes: { source: 'HOUSE_OF_DUTCH' } }],
    ['AR', 'Arbeidsrijp', 'Prêt pour le marché du travail', 'Ready for the labour market', { attributes: { source: 'LABOUR_MARKET' } }],
  ]),

  // perspective — seed 003 §61 cluster 9 ("Perspectief (professioneel / socio cultureel / …)"); SPEC.md
  // cluster 9 (professional, educational, socio-cultural); domain-rules §4.12 (entrepreneurship). Codes invented.
  ...codes('perspective', [
    ['PROFESSIONEEL', 'Professioneel', 'Professionnelle', 'Professional'],
    ['EDUCATIEF', 'Educatief', 'Éducative', 'Educational'],
    ['SOCIAAL_CULTUREEL', 'Sociaal-cultureel', 'Socioculturelle', 'Socio-cultural'],
    ['ZELFSTANDIG', 'Zelfstandig ondernemen', 'Entrepreneuriat', 'Self-employment'],
  ]),

  // lesson_moment — MAGDA VoorkeurLesMoment/Code: MAA, DIN, WOE, DON, VRIJ × OCHTEND, MIDDAG are real; the
  // evening (AVOND) and the weekend days (ZAT, ZON) are invented after that pattern.
  ...lessonMoments(),

  // appointment_reason — seed 002 §2.1 (an OCMW picks the reason of an appointment from a list; the values
  // are not in the seed: invented, meaning inferred).
  ...codes('appointment_reason', [
    ['INFO_TRAJECT', 'Informatie over het inburgeringstraject', "Information sur le parcours d'intégration civique", 'Information about the civic-integration trajectory'],
    ['AANMELDING', 'Aanmelding bij het agentschap', "Inscription auprès de l'agence", 'Registration with the agency'],
    ['OPVOLGING', 'Gezamenlijke opvolging van de cliënt', 'Suivi commun du client', 'Joint follow-up of the client'],
    ['NT2', 'Vraag naar een cursus Nederlands', "Demande d'un cours de néerlandais", 'Request for a Dutch course'],
    ['ANDERE', 'Andere', 'Autre', 'Other'],
  ]),

  // appointment_status — SPEC.md "Appointments" (registered by the OCMW, then planned and held, or cancelled).
  ...codes('appointment_status', [
    ['REGISTERED', 'Geregistreerd', 'Enregistré', 'Registered'],
    ['PLANNED', 'Gepland', 'Planifié', 'Planned'],
    ['HELD', 'Heeft plaatsgevonden', 'A eu lieu', 'Held'],
    ['CANCELLED', 'Geannuleerd', 'Annulé', 'Cancelled'],
  ]),

  // time_window — seed 002 §2.1 ("indien u een datum invoert zal u ook een tijdspanne moeten invoeren").
  // Codes invented.
  ...codes('time_window', [
    ['VOORMIDDAG', 'Voormiddag', 'Matin', 'Morning'],
    ['NAMIDDAG', 'Namiddag', 'Après-midi', 'Afternoon'],
    ['HELE_DAG', 'Hele dag', 'Toute la journée', 'All day'],
  ]),

  // referral_reason — seed 003 §59 (toeleiding by the OCMW of clients who qualify for a trajectory);
  // domain-rules §5.2 (MAGDA RedenToeleiding; its values are unknown: invented, meaning inferred).
  ...codes('referral_reason', [
    ['LEEFLOON', 'Cliënt met leefloon of equivalent leefloon', "Client bénéficiant du revenu d'intégration ou d'un équivalent", 'Client receiving a living wage or equivalent'],
    ['WERKZOEKENDE', 'Werkzoekende', "Demandeur d'emploi", 'Jobseeker'],
    ['SOCIALE_HUUR', 'Kandidaat-huurder van een sociale woning', "Candidat locataire d'un logement social", 'Applicant for social housing'],
    ['TAALVRAAG', 'Vraag naar Nederlands', 'Demande de cours de néerlandais', 'Wants to learn Dutch'],
    ['ANDERE', 'Andere', 'Autre', 'Other'],
  ]),

  // referral_status — SPEC.md "Referral" (the agency accepts or refuses a referral within a deadline).
  ...codes('referral_status', [
    ['SENT', 'Verstuurd', 'Envoyé', 'Sent'],
    ['ACCEPTED', 'Aanvaard', 'Accepté', 'Accepted'],
    ['REJECTED', 'Geweigerd', 'Refusé', 'Rejected'],
    ['EXPIRED', 'Verlopen zonder antwoord', 'Expiré sans réponse', 'Expired without an answer'],
  ]),

  // infringement_type — seed 004 table 10 (reference t10): the 7 labels exactly as printed, in the printed
  // order. Footnote: "onrechtmatig vroegtijdig beëindigd" was the only possible infringement of entitled
  // newcomers and no longer exists since 1/3/2022; the two types that appear only in 2022 ("niet regelmatig
  // deelgenomen", "niet tijdig aangemeld na opschorting") are the new types of that reform (reference
  // README). The MAGDA Inbreuk/Type carries numeric codes of an unpublished table (2, 5 in the examples), so
  // the codes here are invented. attributes.appliesTo: the target_group_type that can commit it.
  ...codes('infringement_type', [
    ['NIET_TIJDIG_AANGEMELD', 'niet tijdig aangemeld', "ne s'est pas inscrit à temps", 'did not register in time', { attributes: { appliesTo: ['PLICHT'] } }],
    ['GEWEIGERD_TE_ONDERTEKENEN', 'geweigerd te ondertekenen', 'a refusé de signer', 'refused to sign', { attributes: { appliesTo: ['PLICHT'] } }],
    ['ONRECHTMATIG_VROEGTIJDIG_BEEINDIGD', 'onrechtmatig vroegtijdig beëindigd', 'a abandonné prématurément sans motif légitime', 'unlawfully ended early', { attributes: { appliesTo: ['PLICHT', 'RECHT'] }, valid_to: '2022-02-28' }],
    ['ONREGELMATIGE_DEELNAME', 'onregelmatige deelname', 'participation irrégulière', 'irregular participation', { attributes: { appliesTo: ['PLICHT'] } }],
    ['NA_INBREUK_NIET_TIJDIG_AANGEMELD', 'na inbreuk niet tijdig aangemeld', "ne s'est pas inscrit à temps après une infraction", 'did not register in time after an infringement', { attributes: { appliesTo: ['PLICHT'] } }],
    ['NIET_REGELMATIG_DEELGENOMEN', 'niet regelmatig deelgenomen', "n'a pas participé régulièrement", 'did not participate regularly', { attributes: { appliesTo: ['PLICHT'] }, valid_from: '2022-03-01' }],
    ['NIET_TIJDIG_AANGEMELD_NA_OPSCHORTING', 'niet tijdig aangemeld na opschorting', "ne s'est pas inscrit à temps après une suspension", 'did not register in time after a suspension', { attributes: { appliesTo: ['PLICHT'] }, valid_from: '2022-03-01' }],
  ]),

  // sanctioning_authority — MAGDA Inbreuk/SanctionerendeOverheid: HH, OCMW, VDAB are real. HH read as the
  // handhavingsambtenaar (enforcement officer of ABB who decides on fines, domain-rules §4.8; meaning inferred);
  // the OCMW sanctions its clients on a living wage instead (seed 003 §15, §38).
  ...codes('sanctioning_authority', [
    ['HH', 'Handhavingsambtenaar', 'Fonctionnaire chargé du contrôle', 'Enforcement officer'],
    ['OCMW', 'OCMW', 'CPAS', 'OCMW (public centre for social welfare)'],
    ['VDAB', 'VDAB', 'VDAB', 'VDAB (Flemish public employment service)'],
  ]),

  // infringement_decision — seed 004 table 11 (reference t11): labels exactly as printed.
  ...codes('infringement_decision', [
    ['BOETE', 'boete', 'amende', 'fine'],
    ['GEEN_BOETE', 'geen boete', "pas d'amende", 'no fine'],
    ['GEEN_GEVOLG', 'geen gevolg', 'sans suite', 'no further action'],
  ]),

  // waiting_list_status — seed 002 "Wachtlijst: aanmeldingen voor opleidingen die niet geannuleerd zijn en die
  // geen niet-geannuleerde plaatsingsweigering of plaatsing hebben". Codes invented.
  ...codes('waiting_list_status', [
    ['APPLIED', 'Aangemeld, wacht op plaatsing', 'Inscrit, en attente de placement', 'Applied, waiting for a place'],
    ['PLACED', 'Geplaatst', 'Placé', 'Placed'],
    ['REFUSED', 'Plaatsing geweigerd', 'Placement refusé', 'Placement refused'],
    ['CANCELLED', 'Geannuleerd', 'Annulé', 'Cancelled'],
  ]),

  // diploma_recognition_support_type — seed 003 §61 cluster 16 (support by the agency for the recognition of
  // foreign diplomas, art. 11 of the implementing decree). Codes invented (meaning inferred).
  ...codes('diploma_recognition_support_type', [
    ['INFO', 'Informatie over de erkenning van diploma’s', 'Information sur la reconnaissance des diplômes', 'Information on diploma recognition'],
    ['DOSSIER', 'Hulp bij de aanvraag tot gelijkwaardigheid (NARIC)', "Aide à la demande d'équivalence (NARIC)", 'Help with the equivalence application (NARIC)'],
    ['VERTALING', 'Hulp bij de vertaling van documenten', 'Aide à la traduction des documents', 'Help with translating documents'],
    ['DOORVERWIJZING', 'Doorverwijzing', 'Orientation', 'Referral'],
  ]),

  // invitation_status — SPEC.md ("invitations sent"); seed 004 table 1 (reach of the invitations: registered
  // or not). Codes invented.
  ...codes('invitation_status', [
    ['SENT', 'Verstuurd', 'Envoyée', 'Sent'],
    ['RETURNED', 'Onbestelbaar teruggekomen', 'Retournée (non distribuable)', 'Returned undelivered'],
    ['ANSWERED', 'Aangemeld na uitnodiging', "Inscrit suite à l'invitation", 'Registered after the invitation'],
    ['NO_RESPONSE', 'Geen reactie', 'Pas de réaction', 'No response'],
  ]),

  // dvz_advice_type — seed 004 question 4 (advice to DVZ on whether the newcomer made the integration efforts
  // required for the residence permit); domain-rules §4.11. Codes invented.
  ...codes('dvz_advice_type', [
    ['INSPANNINGEN_GELEVERD', 'Integratie-inspanningen geleverd', "Efforts d'intégration fournis", 'Integration efforts made'],
    ['GEEN_INSPANNINGEN', 'Geen aantoonbare integratie-inspanningen', "Pas d'efforts d'intégration démontrables", 'No demonstrable integration efforts'],
    ['NIET_VAN_TOEPASSING', 'Niet van toepassing', 'Sans objet', 'Not applicable'],
  ]),

  // residence_card_type — domain-rules §4.2 (the residence documents that give access to the target group).
  // Codes: the letter of the Belgian card. Since 2021 the K, L, EU and EU+ cards replace B/C, D, E and E+
  // (attributes.replacedBy). attributes.note for the cards with a condition.
  ...codes('residence_card_type', [
    ['EID', 'Belgische identiteitskaart', "Carte d'identité belge", 'Belgian identity card'],
    ['A', 'A-kaart (tijdelijk verblijf)', 'Carte A (séjour temporaire)', 'A card (temporary residence)'],
    ['B', 'B-kaart (onbeperkt verblijf)', 'Carte B (séjour illimité)', 'B card (unlimited residence)', { attributes: { replacedBy: 'K' } }],
    ['C', 'C-kaart (vestiging)', 'Carte C (établissement)', 'C card (settlement)', { attributes: { replacedBy: 'K' } }],
    ['D', 'D-kaart (EU-langdurig ingezetene)', 'Carte D (résident de longue durée UE)', 'D card (EU long-term resident)', { attributes: { replacedBy: 'L' } }],
    ['E', 'E-kaart (EU-burger)', 'Carte E (citoyen UE)', 'E card (EU citizen)', { attributes: { replacedBy: 'EU' } }],
    ['E_PLUS', 'E+-kaart (duurzaam verblijf EU-burger)', 'Carte E+ (séjour permanent citoyen UE)', 'E+ card (permanent residence, EU citizen)', { attributes: { replacedBy: 'EU_PLUS' } }],
    ['F', 'F-kaart (familielid van een EU-burger)', "Carte F (membre de la famille d'un citoyen UE)", 'F card (family member of an EU citizen)'],
    ['F_PLUS', 'F+-kaart (duurzaam verblijf familielid van een EU-burger)', "Carte F+ (séjour permanent, membre de la famille d'un citoyen UE)", 'F+ card (permanent residence, family member of an EU citizen)'],
    ['H', 'H-kaart (Europese blauwe kaart)', 'Carte H (carte bleue européenne)', 'H card (EU Blue Card)'],
    ['I', 'I-kaart (intra-corporate transferee)', 'Carte I (travailleur détaché intragroupe)', 'I card (intra-corporate transferee)', { attributes: { note: 'not for ICT trainees' } }],
    ['J', 'J-kaart (mobiele intra-corporate transferee)', 'Carte J (travailleur détaché intragroupe mobile)', 'J card (mobile intra-corporate transferee)', { attributes: { note: 'not for ICT trainees' } }],
    ['K', 'K-kaart (onbeperkt verblijf)', 'Carte K (séjour illimité)', 'K card (unlimited residence)'],
    ['L', 'L-kaart (EU-langdurig ingezetene)', 'Carte L (résident de longue durée UE)', 'L card (EU long-term resident)'],
    ['M', 'M-kaart (terugtrekkingsakkoord Verenigd Koninkrijk)', 'Carte M (accord de retrait Royaume-Uni)', 'M card (UK withdrawal agreement)'],
    ['EU', 'EU-kaart (EU-burger)', 'Carte EU (citoyen UE)', 'EU card (EU citizen)'],
    ['EU_PLUS', 'EU+-kaart (duurzaam verblijf EU-burger)', 'Carte EU+ (séjour permanent citoyen UE)', 'EU+ card (permanent residence, EU citizen)'],
    ['S', 'Bijzondere identiteitskaart S', "Carte d'identité spéciale S", 'Special identity card S'],
    ['P', 'Bijzondere identiteitskaart P', "Carte d'identité spéciale P", 'Special identity card P'],
    ['ATTEST_IMMATRICULATIE', 'Attest van immatriculatie', "Attestation d'immatriculation", 'Certificate of registration (attest van immatriculatie)'],
  ]),

  // conversation_channel — SPEC.md cluster 17 (conversations: time, office, staff member). Codes invented.
  ...codes('conversation_channel', [
    ['LOKET', 'Aan het loket', 'Au guichet', 'At the desk'],
    ['TELEFOON', 'Telefonisch', 'Par téléphone', 'By phone'],
    ['VIDEO', 'Videogesprek', 'Par vidéo', 'By video call'],
    ['HUISBEZOEK', 'Huisbezoek', 'Visite à domicile', 'Home visit'],
  ]),

  // capacity_code_ocmw — seed 002 footnote 1: the person must be integrated in the KSZ person repertory by
  // the OCMW "in hoedanigheidscode 1,2,3,4,5,6,7,8 of 9" on the day of the consultation (domain-rules §5.4).
  // The meanings of these KSZ capacity codes of the OCMW sector are not in the sources: all labels inferred.
  ...codes('capacity_code_ocmw', [
    ['1', 'Leefloon', "Revenu d'intégration", 'Living wage (leefloon)'],
    ['2', 'Equivalent leefloon', "Équivalent du revenu d'intégration", 'Equivalent of the living wage'],
    ['3', 'Maatschappelijke dienstverlening', 'Aide sociale', 'Social assistance'],
    ['4', 'Medische hulp', 'Aide médicale', 'Medical assistance'],
    ['5', 'Dringende medische hulp', 'Aide médicale urgente', 'Urgent medical assistance'],
    ['6', 'Tewerkstelling artikel 60 §7', 'Mise à l’emploi article 60 §7', 'Employment under article 60 §7'],
    ['7', 'Schuldbemiddeling', 'Médiation de dettes', 'Debt mediation'],
    ['8', 'Huisvesting', 'Logement', 'Housing'],
    ['9', 'Sociaal onderzoek lopend', 'Enquête sociale en cours', 'Social inquiry in progress'],
  ]),

  // purpose — seed 003 §37: the two purposes for which the OCMW may process the KBI data (wording as in the
  // seed), then the original purpose of the agencies' processing (§34). attributes.partner: organisation_kind.
  ...codes('purpose', [
    ['BEGELEIDING_OCMW_CLIENT', 'Begeleiden van de OCMW-cliënt bij de maatschappelijke integratie', "Accompagner le client du CPAS dans son intégration sociale", 'Guiding the OCMW client towards social integration', { attributes: { partner: 'OCMW', source: 'seed 003 §37' } }],
    ['SANCTIONERING_WERKBEREIDHEID', 'Sanctioneren werkbereidheidsvoorwaarde van de OCMW-wet en de RMI-wet', "Sanctionner la condition de disposition au travail de la loi organique des CPAS et de la loi DIS", 'Sanctioning the willingness-to-work condition of the OCMW Act and the Social Integration Act', { attributes: { partner: 'OCMW', source: 'seed 003 §37' } }],
    ['CONTROLE_INBURGERINGSPLICHT', 'Controle van de tijdige aanmelding en de regelmatige deelname aan het vormingsprogramma', "Contrôle de l'inscription à temps et de la participation régulière au programme de formation", 'Checking timely registration and regular participation in the training programme', { attributes: { partner: 'AGENCY', source: 'seed 003 §34' } }],
  ]),

  // data_cluster — SPEC.md "The dossier" / seed 003 §61: the 17 clusters a partner can be authorised for.
  // Codes: the cluster names of the application. attributes.number: the number in §61.
  ...codes('data_cluster', [
    ['caseLead', 'Partner met de regie van het KBI-dossier en de beherende vestiging', 'Partenaire chargé de la gestion du dossier KBI et implantation gestionnaire', 'Case lead: partner leading the KBI dossier and the managing office', { attributes: { number: 1 } }],
    ['languages', 'Talen en graad van alfabetisering', "Langues et degré d'alphabétisation", 'Languages and literacy', { attributes: { number: 2 } }],
    ['contracts', 'Inburgeringscontracten en contractonderdelen', "Contrats d'intégration civique et leurs parties", 'Integration contracts and contract parts', { attributes: { number: 3 } }],
    ['certificates', 'Behaalde attesten', 'Attestations obtenues', 'Certificates obtained', { attributes: { number: 4 } }],
    ['registration', 'Meest recente aanmelding in het voorbije jaar', "Inscription la plus récente au cours de l'année écoulée", 'Most recent registration in the past year', { attributes: { number: 5 } }],
    ['targetGroup', 'Meest recente doelgroepbepaling', 'Détermination la plus récente du groupe cible', 'Most recent target-group determination', { attributes: { number: 6 } }],
    ['level', 'Behaald niveau (testen, loopbaan, certificaten)', 'Niveau atteint (tests, parcours, certificats)', 'Level reached (tests, career, certificates)', { attributes: { number: 7 } }],
    ['advice', 'Adviezen van andere partners', "Avis d'autres partenaires", 'Advice from other partners', { attributes: { number: 8 } }],
    ['perspective', 'Perspectief van de inburgeraar', 'Perspective de la personne', 'Perspective of the newcomer', { attributes: { number: 9 } }],
    ['trajectories', 'Relevante trajecten', 'Parcours pertinents', 'Relevant trajectories', { attributes: { number: 10 } }],
    ['trajectoryOffice', 'Centrum, vestiging of loket dat het traject opvolgt', 'Centre, implantation ou guichet qui suit le parcours', 'Office that follows the trajectory', { attributes: { number: 11 } }],
    ['sanctioningPartner', 'Partner met sanctioneringsbevoegdheid', 'Partenaire disposant du pouvoir de sanction', 'Partner holding sanctioning power', { attributes: { number: 12 } }],
    ['components', 'Trajectonderdelen', 'Parties du parcours', 'Trajectory components', { attributes: { number: 13 } }],
    ['componentSuspensions', 'Opschortingen van trajectonderdelen', 'Suspensions des parties du parcours', 'Suspensions of trajectory components', { attributes: { number: 14 } }],
    ['courses', 'Cursussen (maatschappelijke oriëntatie, loopbaanoriëntatie, NT2)', 'Cours (orientation sociale, orientation de carrière, néerlandais langue seconde)', 'Courses (social orientation, career orientation, Dutch as a second language)', { attributes: { number: 15 } }],
    ['diplomaRecognition', "Ondersteuning bij de gelijkschakeling van buitenlandse diploma's", "Soutien à l'équivalence des diplômes étrangers", 'Support for the recognition of foreign diplomas', { attributes: { number: 16 } }],
    ['conversations', 'Gesprekken relevant voor de partner', 'Entretiens pertinents pour le partenaire', 'Conversations relevant to the partner', { attributes: { number: 17 } }],
  ]),
]);

/** Inserts every code, in a few multi-row statements. */
export async function up(db: Kysely<any>): Promise<void> {
  const chunk = 250;
  for (let i = 0; i < CODE_LISTS.length; i += chunk) {
    await db.insertInto('code_list').values(CODE_LISTS.slice(i, i + chunk).map((row) => ({
      ...row,
      attributes: sql`CAST(${JSON.stringify(row.attributes)} AS jsonb)`,
    }))).execute();
  }
}
