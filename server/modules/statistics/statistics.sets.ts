/**
 * The base sets of the KBI statistics (seed 000 §6: "14 basissets van queries die de mijlpalen van
 * inburgerings- en taaltrajecten meten, elk met subsets die vanuit verschillende perspectieven
 * kijken"). These are data: on start they are written to `statistics_definitions`, and a definition
 * whose content changed becomes a new version there; the portal, the API, the CLI and the generated
 * documentation read the stored versions, never this file.
 *
 * Writing a query: see SetDefinition in statistics.types.ts. `{{table}}` reads a dossier table as
 * known at the cut-off moment; `:from`/`:to` are the period's dates (to exclusive) and
 * `:fromTime`/`:toTime` the same as Belgian midnights (timestamptz), `:asOf` the cut-off moment.
 * Every query returns one row per counted unit with `person_id` and the dimension columns.
 */
import type { DimensionDef, LocalText, MeasureDef, SeriesBreak, SetDefinition } from './statistics.types.ts';

const t = (nl: string, fr: string, en: string): LocalText => ({ nl, fr, en });

// ---- Shared parts of the queries ------------------------------------------------------------------

/** Agency of an office (ATLAS, IN_GENT, AGII) and, for the Flemish agency, its working area (region). */
const OFFICE_AREA = `(SELECT f.id AS office_id, o.agency,
           CASE WHEN o.agency = 'AGII' THEN kbi_province_of_postcode(f.postcode) END AS region
      FROM {{offices}} f JOIN {{organisations}} o ON o.id = f.organisation_id)`;

/** The area of tables 9 and 13: Atlas, IN-Gent or the province of the Flemish agency's office. */
const AREA = `CASE WHEN a.agency IN ('ATLAS', 'IN_GENT') THEN a.agency ELSE a.region END`;

/** The nationality group of a nationality code (code list nationality, attributes.group). */
const GROUP_OF = (nationality: string) =>
  `COALESCE((SELECT cl.attributes->>'group' FROM code_list cl WHERE cl.list = 'nationality' AND cl.code = ${nationality}), 'UNKNOWN')`;

/** The target group on a day: the latest determination up to that day, else the first after it. */
const TARGET_GROUP_ON = (personId: string, day: string) => `(SELECT tg.type FROM {{target_group_determinations}} tg
       WHERE tg.person_id = ${personId} AND tg.type IS NOT NULL
       ORDER BY tg.determined_on > ${day}, abs(tg.determined_on - ${day}), tg.id LIMIT 1)`;

// ---- Dimensions ---------------------------------------------------------------------------------

/** A dimension of two values the query names itself (yes/no and the like). */
const twoValues = (id: string, label: LocalText, a: [string, LocalText], b: [string, LocalText]): DimensionDef => ({
  id,
  label,
  kind: 'values',
  values: [a, b].map(([code, l]) => ({ code, label: l })),
});

const dim = {
  agency: { id: 'agency', label: t('Agentschap', 'Agence', 'Agency'), kind: 'code', codeList: 'agency' },
  region: { id: 'region', label: t('Regio', 'Région', 'Region'), kind: 'code', codeList: 'region', printed: 'label_nl' },
  province: { id: 'province', label: t('Provincie', 'Province', 'Province'), kind: 'code', codeList: 'region' },
  area: { id: 'area', label: t('Agentschap of provincie', 'Agence ou province', 'Agency or province'), kind: 'code', codeList: ['agency', 'region'] },
  nationalityGroup: {
    id: 'nationality_group',
    label: t('Nationaliteitsgroep', 'Groupe de nationalité', 'Nationality group'),
    kind: 'code',
    codeList: 'nationality_group',
  },
  nationality: { id: 'nationality', label: t('Nationaliteit', 'Nationalité', 'Nationality'), kind: 'code', codeList: 'nationality' },
  gender: { id: 'gender', label: t('Geslacht', 'Sexe', 'Gender'), kind: 'code', codeList: 'gender' },
  targetGroup: { id: 'target_group', label: t('Doelgroep', 'Groupe cible', 'Target group'), kind: 'code', codeList: 'target_group_type' },
  residenceStatus: { id: 'residence_status', label: t('Verblijfsstatus', 'Statut de séjour', 'Residence status'), kind: 'code', codeList: 'residence_status' },
  infringementType: {
    id: 'infringement_type',
    label: t('Type inbreuk', "Type d'infraction", 'Type of infringement'),
    kind: 'code',
    codeList: 'infringement_type',
  },
  decision: { id: 'decision', label: t('Besluit', 'Décision', 'Decision'), kind: 'code', codeList: 'infringement_decision' },
  amount: { id: 'amount', label: t('Bedrag (EUR)', 'Montant (EUR)', 'Amount (EUR)'), kind: 'number' },
  partner: { id: 'partner', label: t('Partner', 'Partenaire', 'Partner'), kind: 'organisation' },
  partnerKind: { id: 'partner_kind', label: t('Soort partner', 'Type de partenaire', 'Kind of partner'), kind: 'code', codeList: 'organisation_kind' },
  organisation: { id: 'organisation', label: t('Organisatie', 'Organisation', 'Organisation'), kind: 'organisation' },
  month: { id: 'month', label: t('Maand', 'Mois', 'Month'), kind: 'month' },
  attendance: { id: 'attendance', label: t('Aanwezigheid', 'Présence', 'Attendance'), kind: 'code', codeList: 'attendance' },
  courseType: { id: 'course_type', label: t('Soort opleiding', 'Type de formation', 'Course type'), kind: 'code', codeList: 'course_type' },
  waitingStatus: { id: 'status', label: t('Status', 'Statut', 'Status'), kind: 'code', codeList: 'waiting_list_status' },
  invitationStatus: { id: 'status', label: t('Status', 'Statut', 'Status'), kind: 'code', codeList: 'invitation_status' },
  level: { id: 'level', label: t('Niveau', 'Niveau', 'Level'), kind: 'code', codeList: 'cefr_level' },
  registered: twoValues(
    'registered',
    t('Aangemeld', 'Inscrit', 'Registered'),
    ['YES', t('aangemeld', 'inscrit', 'registered')],
    ['NO', t('niet aangemeld', 'pas inscrit', 'not registered')],
  ),
  registeredLetter: twoValues(
    'registered_letter',
    t('Aangetekende brief', 'Lettre recommandée', 'Registered letter'),
    ['YES', t('aangetekend', 'recommandée', 'registered letter')],
    ['NO', t('gewone brief', 'lettre ordinaire', 'ordinary letter')],
  ),
  schoolStatus: twoValues(
    'school_status',
    t('Schoolinschrijving', 'Inscription scolaire', 'School enrolment'),
    ['INGESCHREVEN', t('Ingeschreven', 'Inscrit', 'Enrolled')],
    ['UITGESCHREVEN', t('Uitgeschreven', 'Non inscrit', 'Not enrolled')],
  ),
  meets: twoValues(
    'meets',
    t('Voldoet aan de taalbereidheid', 'Satisfait à la condition linguistique', 'Meets the language requirement'),
    ['YES', t('voldoet', 'satisfait', 'meets')],
    ['NO', t('voldoet niet', 'ne satisfait pas', 'does not meet')],
  ),
} satisfies Record<string, DimensionDef>;

// ---- Measures -------------------------------------------------------------------------------------

const persons: MeasureDef = { id: 'persons', label: t('Personen', 'Personnes', 'Persons'), sql: 'count(DISTINCT person_id)' };
const cases: MeasureDef = { id: 'cases', label: t('Inbreukdossiers', "Dossiers d'infraction", 'Infringement cases'), sql: 'count(*)' };

// ---- Breaks in the series ------------------------------------------------------------------------

const REFORM_2022: SeriesBreak = {
  on: '2022-03-01',
  text: t(
    'Hervorming van 1 maart 2022: "onrechtmatig vroegtijdig beëindigd" bestaat niet meer als inbreuk; "niet regelmatig deelgenomen" en "niet tijdig aangemeld na opschorting" komen erbij. Aantallen per type zijn vóór en na deze datum niet vergelijkbaar.',
    "Réforme du 1er mars 2022 : l'infraction « arrêt prématuré illégitime » n'existe plus ; « participation non régulière » et « inscription tardive après suspension » s'ajoutent. Les chiffres par type ne sont pas comparables avant et après cette date.",
    'Reform of 1 March 2022: "unlawful early termination" no longer exists as an infringement; "did not take part regularly" and "did not register in time after suspension" were added. Counts per type before and after this date are not comparable.',
  ),
};
const PROVISIONAL: LocalText = t(
  'Cijfers van een recent jaar zijn voorlopig: dossiers worden nog aangevuld en verbeterd. Vermeld altijd de toestand ("stand van zaken op") waarop ze berekend zijn; dezelfde toestand geeft altijd dezelfde cijfers.',
  "Les chiffres d'une année récente sont provisoires : les dossiers sont encore complétés et corrigés. Mentionnez toujours la situation (« situation au ») sur laquelle ils sont calculés ; la même situation donne toujours les mêmes chiffres.",
  'Figures of a recent year are provisional: dossiers are still completed and corrected. Always state the situation ("as known on") they were computed on; the same situation always gives the same figures.',
);
// The published tables (seed 004); a reader is told which document, not our name for it.
const SEED_004 = t(
  'Schriftelijke vraag over inburgering, antwoord van de minister (tabellen 1–18)',
  'Question écrite sur l’intégration civique, réponse du ministre (tableaux 1 à 18)',
  'Written question on civic integration, answer of the minister (tables 1–18)',
);

// ---- The base sets ------------------------------------------------------------------------------

export const BASE_SETS: readonly SetDefinition[] = [
  {
    id: 'reach',
    title: t('Bereik van de uitnodigingen', 'Portée des invitations', 'Reach of the invitations'),
    description: t(
      'Nieuwkomers per jaar van eerste extractie uit het rijksregister, al dan niet aangemeld bij een agentschap.',
      "Primo-arrivants par année de première extraction du registre national, inscrits ou non auprès d'une agence.",
      'Newcomers by year of first extraction from the national register, registered with an agency or not.',
    ),
    period: 'year',
    documentation: {
      population: t(
        'Personen met een eerste extractie uit het rijksregister in het jaar.',
        'Personnes extraites pour la première fois du registre national dans l’année.',
        'Persons first extracted from the national register in the year.',
      ),
      countingUnit: t('Persoon.', 'Personne.', 'Person.'),
      periodRule: t(
        'Jaar van de datum van eerste extractie. "Aangemeld": de persoon heeft een aanmelding bij een agentschap, op welk moment ook, zoals gekend op de stand van zaken.',
        "Année de la date de première extraction. « Inscrit » : la personne a une inscription auprès d'une agence, à n'importe quel moment, telle que connue à la date de situation.",
        'Year of the first extraction date. "Registered": the person has a registration with an agency at any time, as known on the cut-off.',
      ),
      notes: t(
        'Het agentschap is dat van het werkingsgebied van de woonplaats; de provincie alleen voor het Vlaams Agentschap.',
        "L'agence est celle de la zone d'action du domicile ; la province seulement pour l'agence flamande.",
        'The agency is that of the working area of the place of residence; the province only for the Flemish agency.',
      ),
      breaks: [],
      sources: [SEED_004],
    },
    dimensions: [dim.agency, dim.province, dim.registered],
    measures: [persons],
    breakdowns: [
      {
        id: 'agencyProvince',
        title: t('Per agentschap en provincie', 'Par agence et province', 'By agency and province'),
        dimensions: ['agency', 'province', 'registered'],
        reference: 't01_reach_by_agency_province',
        subtotals: ['agency'],
      },
      { id: 'registered', title: t('Aangemeld of niet', 'Inscrit ou non', 'Registered or not'), dimensions: ['registered'], percentages: true },
    ],
    query: `SELECT p.id AS person_id, o.agency,
         CASE WHEN o.agency = 'AGII' THEN kbi_province_of_postcode(p.postcode) END AS province,
         CASE WHEN EXISTS (SELECT 1 FROM {{registrations}} r WHERE r.person_id = p.id) THEN 'YES' ELSE 'NO' END AS registered
    FROM {{persons}} p LEFT JOIN {{organisations}} o ON o.id = p.created_by_organisation_id
   WHERE p.first_extraction_date >= :from AND p.first_extraction_date < :to`,
  },
  {
    id: 'firstContracts',
    title: t('Personen met een inburgeringscontract', "Personnes avec un contrat d'intégration", 'Persons with an integration contract'),
    description: t(
      'Personen die in het jaar hun eerste inburgeringscontract ondertekenden, per agentschap en regio, nationaliteit, geslacht, doelgroep en verblijfsstatus (tabellen 2–7).',
      "Personnes ayant signé leur premier contrat d'intégration dans l'année, par agence et région, nationalité, sexe, groupe cible et statut de séjour (tableaux 2 à 7).",
      'Persons who signed their first integration contract in the year, by agency and region, nationality, gender, target group and residence status (tables 2–7).',
    ),
    period: 'year',
    documentation: {
      population: t(
        'Personen met minstens één inburgeringscontract (moeder- of overnamecontract).',
        "Personnes ayant au moins un contrat d'intégration (contrat initial ou de reprise).",
        'Persons with at least one integration contract (mother or takeover contract).',
      ),
      countingUnit: t(
        'Persoon, één keer: in het jaar van het eerste contract.',
        "Personne, une fois : l'année du premier contrat.",
        'Person, once: in the year of the first contract.',
      ),
      periodRule: t(
        'Jaar van de ondertekening van het eerste contract. Agentschap en regio zijn die van het kantoor van dat contract; doelgroep die van de laatste doelgroepbepaling op de dag van ondertekening; nationaliteit, geslacht en verblijfsstatus zoals gekend op de stand van zaken.',
        'Année de la signature du premier contrat. Agence et région sont celles du bureau de ce contrat ; le groupe cible celui de la dernière détermination au jour de la signature ; nationalité, sexe et statut de séjour tels que connus à la date de situation.',
        "Year the first contract was signed. Agency and region are those of that contract's office; target group that of the latest determination on the signing day; nationality, gender and residence status as known on the cut-off.",
      ),
      notes: PROVISIONAL,
      breaks: [
        {
          on: '2022-03-01',
          text: t(
            'Sinds de hervorming van 1 maart 2022 heet het contract een inburgeringstraject met andere onderdelen; geteld wordt nog steeds het eerste ondertekende contract.',
            "Depuis la réforme du 1er mars 2022, le contrat devient un parcours d'intégration aux composantes différentes ; on compte toujours le premier contrat signé.",
            'Since the reform of 1 March 2022 the contract is an integration trajectory with other parts; the first signed contract is still what is counted.',
          ),
        },
      ],
      sources: [SEED_004],
    },
    dimensions: [dim.agency, dim.region, dim.nationalityGroup, dim.nationality, dim.gender, dim.targetGroup, dim.residenceStatus],
    measures: [persons],
    breakdowns: [
      {
        id: 'agencyRegion',
        title: t('Per agentschap en regio', 'Par agence et région', 'By agency and region'),
        dimensions: ['agency', 'region'],
        reference: 't02_contracts_by_agency_region',
        subtotals: ['agency'],
      },
      {
        id: 'nationalityGroup',
        title: t('Per nationaliteitsgroep', 'Par groupe de nationalité', 'By nationality group'),
        dimensions: ['nationality_group'],
        reference: 't03_contracts_by_nationality_group',
      },
      {
        id: 'nationality',
        title: t('Per nationaliteit', 'Par nationalité', 'By nationality'),
        dimensions: ['nationality'],
        reference: 't04_contracts_by_nationality',
      },
      { id: 'gender', title: t('Per geslacht', 'Par sexe', 'By gender'), dimensions: ['gender'], reference: 't05_contracts_by_gender' },
      {
        id: 'targetGroup',
        title: t('Per doelgroep', 'Par groupe cible', 'By target group'),
        dimensions: ['target_group'],
        reference: 't06_contracts_by_target_group',
      },
      {
        id: 'residenceStatus',
        title: t('Per verblijfsstatus', 'Par statut de séjour', 'By residence status'),
        dimensions: ['residence_status'],
        reference: 't07_contracts_by_residence_status',
      },
    ],
    query: `WITH firsts AS (
      SELECT DISTINCT ON (c.person_id) c.person_id, c.signed_on, c.office_id
        FROM {{contracts}} c ORDER BY c.person_id, c.signed_on, c.id)
    SELECT f.person_id, a.agency, a.region, ${GROUP_OF('p.nationality')} AS nationality_group, p.nationality, p.gender,
           ${TARGET_GROUP_ON('f.person_id', 'f.signed_on')} AS target_group, p.residence_status
      FROM firsts f JOIN {{persons}} p ON p.id = f.person_id
      LEFT JOIN ${OFFICE_AREA} a ON a.office_id = f.office_id
     WHERE f.signed_on >= :from AND f.signed_on < :to`,
  },
  {
    id: 'certificates',
    title: t('Personen met een inburgeringsattest', "Personnes avec une attestation d'intégration", 'Persons with an integration certificate'),
    description: t(
      'Personen die in het jaar een inburgeringsattest behaalden (tabel 8).',
      "Personnes ayant obtenu une attestation d'intégration dans l'année (tableau 8).",
      'Persons who obtained an integration certificate in the year (table 8).',
    ),
    period: 'year',
    documentation: {
      population: t('Personen met een inburgeringsattest.', "Personnes avec une attestation d'intégration.", 'Persons with an integration certificate.'),
      countingUnit: t(
        'Persoon, één keer: in het jaar van het eerste attest.',
        "Personne, une fois : l'année de la première attestation.",
        'Person, once: in the year of the first certificate.',
      ),
      periodRule: t(
        'Jaar van uitreiking van het eerste inburgeringsattest (geen EVC-, vrijstellings- of opschortingsattest).',
        "Année de délivrance de la première attestation d'intégration (pas d'attestation RCA, de dispense ou de suspension).",
        'Year the first integration certificate was issued (not EVC, exemption or suspension certificates).',
      ),
      notes: PROVISIONAL,
      breaks: [],
      sources: [SEED_004],
    },
    dimensions: [dim.agency, dim.gender, dim.nationalityGroup],
    measures: [persons],
    breakdowns: [
      { id: 'total', title: t('Totaal', 'Total', 'Total'), dimensions: [], reference: 't08_certificates_by_year' },
      { id: 'agency', title: t('Per agentschap', 'Par agence', 'By agency'), dimensions: ['agency'] },
      { id: 'gender', title: t('Per geslacht', 'Par sexe', 'By gender'), dimensions: ['gender'] },
      { id: 'nationalityGroup', title: t('Per nationaliteitsgroep', 'Par groupe de nationalité', 'By nationality group'), dimensions: ['nationality_group'] },
    ],
    query: `WITH firsts AS (
      SELECT DISTINCT ON (c.person_id) c.person_id, c.issued_on, c.office_id
        FROM {{certificates}} c WHERE c.kind = 'INTEGRATION' ORDER BY c.person_id, c.issued_on, c.id)
    SELECT f.person_id, a.agency, p.gender, ${GROUP_OF('p.nationality')} AS nationality_group
      FROM firsts f JOIN {{persons}} p ON p.id = f.person_id
      LEFT JOIN ${OFFICE_AREA} a ON a.office_id = f.office_id
     WHERE f.issued_on >= :from AND f.issued_on < :to`,
  },
  {
    id: 'infringementCases',
    title: t('Ontvangen inbreukdossiers', "Dossiers d'infraction reçus", 'Infringement cases received'),
    description: t(
      'Inbreukdossiers die de sanctionerende overheid in het jaar ontving, per agentschap of provincie en per type inbreuk (tabellen 9 en 10).',
      "Dossiers d'infraction reçus par l'autorité de sanction dans l'année, par agence ou province et par type d'infraction (tableaux 9 et 10).",
      'Infringement cases the sanctioning authority received in the year, by agency or province and by type of infringement (tables 9 and 10).',
    ),
    period: 'year',
    documentation: {
      population: t(
        'Inbreukdossiers (alleen in het Vlaamse Gewest: in Brussel geen inburgeringsplicht met boete).',
        "Dossiers d'infraction (Région flamande seulement).",
        'Infringement cases (Flemish Region only: no fined obligation in Brussels).',
      ),
      countingUnit: t('Inbreukdossier.', "Dossier d'infraction.", 'Infringement case.'),
      periodRule: t(
        'Jaar van ontvangst door de sanctionerende overheid. Het type is dat van de eerste inbreuk van het dossier; agentschap of provincie die van het kantoor dat het dossier opende.',
        "Année de réception par l'autorité de sanction. Le type est celui de la première infraction du dossier ; agence ou province celle du bureau qui a ouvert le dossier.",
        "Year the sanctioning authority received it. The type is that of the case's first infringement; agency or province that of the office that opened the case.",
      ),
      notes: PROVISIONAL,
      breaks: [REFORM_2022],
      sources: [SEED_004],
    },
    dimensions: [dim.area, dim.infringementType],
    measures: [cases, persons],
    breakdowns: [
      {
        id: 'area',
        title: t('Per agentschap of provincie', 'Par agence ou province', 'By agency or province'),
        dimensions: ['area'],
        reference: 't09_infringement_files_by_region',
      },
      {
        id: 'type',
        title: t('Per type inbreuk', "Par type d'infraction", 'By type of infringement'),
        dimensions: ['infringement_type'],
        reference: 't10_infringement_files_by_type',
      },
    ],
    query: `WITH first_types AS (
      SELECT DISTINCT ON (i.case_id) i.case_id, i.type
        FROM {{infringements}} i WHERE i.case_id IS NOT NULL ORDER BY i.case_id, i.established_on, i.id)
    SELECT ic.person_id, ${AREA} AS area, ft.type AS infringement_type
      FROM {{infringement_cases}} ic
      LEFT JOIN ${OFFICE_AREA} a ON a.office_id = ic.agency_office_id
      LEFT JOIN first_types ft ON ft.case_id = ic.id
     WHERE ic.received_on >= :from AND ic.received_on < :to`,
  },
  {
    id: 'infringementDecisions',
    title: t('Besluiten over inbreukdossiers', "Décisions sur les dossiers d'infraction", 'Decisions on infringement cases'),
    description: t(
      'Besluiten van het jaar: boete, geen boete of geen gevolg (tabel 11).',
      "Décisions de l'année : amende, pas d'amende ou sans suite (tableau 11).",
      "The year's decisions: fine, no fine or no further action (table 11).",
    ),
    period: 'year',
    documentation: {
      population: t('Besluiten over inbreukdossiers.', "Décisions sur des dossiers d'infraction.", 'Decisions on infringement cases.'),
      countingUnit: t('Besluit (één per dossier).', 'Décision (une par dossier).', 'Decision (one per case).'),
      periodRule: t(
        'Jaar van de besluitdatum, los van het jaar waarin het dossier binnenkwam: een dossier van december kan een besluit van januari krijgen.',
        "Année de la date de décision, indépendamment de l'année de réception du dossier.",
        'Year of the decision date, whatever the year the case came in: a December case may be decided in January.',
      ),
      notes: PROVISIONAL,
      breaks: [REFORM_2022],
      sources: [SEED_004],
    },
    dimensions: [dim.decision, dim.area],
    measures: [{ id: 'decisions', label: t('Besluiten', 'Décisions', 'Decisions'), sql: 'count(*)' }],
    breakdowns: [
      {
        id: 'decision',
        title: t('Per besluit', 'Par décision', 'By decision'),
        dimensions: ['decision'],
        reference: 't11_infringement_decisions_by_outcome',
        percentages: true,
      },
      { id: 'area', title: t('Per agentschap of provincie', 'Par agence ou province', 'By agency or province'), dimensions: ['area'] },
    ],
    query: `SELECT d.person_id, d.decision, ${AREA} AS area
      FROM {{infringement_decisions}} d
      JOIN {{infringement_cases}} ic ON ic.id = d.case_id
      LEFT JOIN ${OFFICE_AREA} a ON a.office_id = ic.agency_office_id
     WHERE d.decided_on >= :from AND d.decided_on < :to`,
  },
  {
    id: 'fineAmounts',
    title: t('Bedragen van de boetes', 'Montants des amendes', 'Fine amounts'),
    description: t(
      'Boetes van het jaar waarvan het bedrag gekend is, per bedrag: aantal en totaal (tabel 12).',
      "Amendes de l'année dont le montant est connu, par montant : nombre et total (tableau 12).",
      "The year's fines with a known amount, by amount: number and total (table 12).",
    ),
    period: 'year',
    documentation: {
      population: t('Besluiten "boete" met een gekend bedrag.', 'Décisions « amende » dont le montant est connu.', '"Fine" decisions with a known amount.'),
      countingUnit: t('Boete.', 'Amende.', 'Fine.'),
      periodRule: t('Jaar van de besluitdatum.', 'Année de la date de décision.', 'Year of the decision date.'),
      notes: t(
        'Een boete ligt tussen 50 en 5.000 euro. Een besluit "boete" zonder bedrag telt in de besluiten mee maar niet hier.',
        'Une amende est comprise entre 50 et 5 000 euros. Une décision « amende » sans montant compte dans les décisions mais pas ici.',
        'A fine is between 50 and 5,000 euro. A "fine" decision without an amount counts among the decisions, not here.',
      ),
      breaks: [],
      sources: [SEED_004],
    },
    dimensions: [dim.amount],
    measures: [
      { id: 'fines', label: t('Aantal boetes', "Nombre d'amendes", 'Number of fines'), sql: 'count(*)' },
      { id: 'totalAmount', label: t('Totaal bedrag (EUR)', 'Montant total (EUR)', 'Total amount (EUR)'), sql: 'sum(amount)' },
    ],
    breakdowns: [{ id: 'amount', title: t('Per bedrag', 'Par montant', 'By amount'), dimensions: ['amount'], reference: 't12_fine_amounts' }],
    query: `SELECT d.person_id, d.fine_amount::integer AS amount
      FROM {{infringement_decisions}} d
     WHERE d.decision = 'BOETE' AND d.fine_amount IS NOT NULL AND d.decided_on >= :from AND d.decided_on < :to`,
  },
  {
    id: 'fines',
    title: t('Inbreukdossiers met een besluit boete', "Dossiers d'infraction avec une décision d'amende", 'Infringement cases decided with a fine'),
    description: t(
      'Dossiers met een besluit "boete" in het jaar, per regio, nationaliteit, verblijfsstatus, doelgroep en geslacht (tabellen 13–18).',
      "Dossiers avec une décision « amende » dans l'année, par région, nationalité, statut de séjour, groupe cible et sexe (tableaux 13 à 18).",
      'Cases with a "fine" decision in the year, by region, nationality, residence status, target group and gender (tables 13–18).',
    ),
    period: 'year',
    documentation: {
      population: t(
        'Inbreukdossiers met een besluit "boete".',
        "Dossiers d'infraction avec une décision « amende ».",
        'Infringement cases with a "fine" decision.',
      ),
      countingUnit: t('Inbreukdossier.', "Dossier d'infraction.", 'Infringement case.'),
      periodRule: t(
        'Jaar van het besluit. Doelgroep op de dag van het besluit; nationaliteit, geslacht en verblijfsstatus zoals gekend op de stand van zaken.',
        'Année de la décision. Groupe cible au jour de la décision ; nationalité, sexe et statut de séjour tels que connus à la date de situation.',
        'Year of the decision. Target group on the day of the decision; nationality, gender and residence status as known on the cut-off.',
      ),
      notes: PROVISIONAL,
      breaks: [REFORM_2022],
      sources: [SEED_004],
    },
    dimensions: [dim.area, dim.nationalityGroup, dim.nationality, dim.residenceStatus, dim.targetGroup, dim.gender],
    measures: [cases],
    breakdowns: [
      {
        id: 'area',
        title: t('Per agentschap of provincie', 'Par agence ou province', 'By agency or province'),
        dimensions: ['area'],
        reference: 't13_fines_by_region',
      },
      {
        id: 'nationalityGroup',
        title: t('Per nationaliteitsgroep', 'Par groupe de nationalité', 'By nationality group'),
        dimensions: ['nationality_group'],
        reference: 't14_fines_by_nationality_group',
      },
      {
        id: 'nationality',
        title: t('Per nationaliteit', 'Par nationalité', 'By nationality'),
        dimensions: ['nationality'],
        reference: 't15_fines_by_nationality',
      },
      {
        id: 'residenceStatus',
        title: t('Per verblijfsstatus', 'Par statut de séjour', 'By residence status'),
        dimensions: ['residence_status'],
        reference: 't16_fines_by_residence_status',
      },
      {
        id: 'targetGroup',
        title: t('Per doelgroep', 'Par groupe cible', 'By target group'),
        dimensions: ['target_group'],
        reference: 't17_fines_by_target_group',
      },
      { id: 'gender', title: t('Per geslacht', 'Par sexe', 'By gender'), dimensions: ['gender'], reference: 't18_fines_by_gender' },
    ],
    query: `SELECT d.person_id, ${AREA} AS area, ${GROUP_OF('p.nationality')} AS nationality_group, p.nationality, p.residence_status,
           ${TARGET_GROUP_ON('d.person_id', 'd.decided_on')} AS target_group, p.gender
      FROM {{infringement_decisions}} d
      JOIN {{infringement_cases}} ic ON ic.id = d.case_id
      JOIN {{persons}} p ON p.id = d.person_id
      LEFT JOIN ${OFFICE_AREA} a ON a.office_id = ic.agency_office_id
     WHERE d.decision = 'BOETE' AND d.decided_on >= :from AND d.decided_on < :to`,
  },
  {
    id: 'exchanges',
    title: t('Uitwisselingen met partners', 'Échanges avec les partenaires', 'Exchanges with partners'),
    description: t(
      'Uitwisselingen tussen de KBI en de partnerorganisaties per partner en per maand, telkens met het aantal verschillende dossiers.',
      'Échanges entre la KBI et les organisations partenaires par partenaire et par mois, chaque fois avec le nombre de dossiers distincts.',
      'Exchanges between KBI and the partner organisations per partner and month, each time with the number of distinct dossiers.',
    ),
    period: 'year',
    documentation: {
      population: t(
        'Geslaagde raadplegingen en opzoekingen door partners (audit trail).',
        "Consultations et recherches réussies par des partenaires (piste d'audit).",
        'Successful consultations and look-ups by partners (audit trail).',
      ),
      countingUnit: t(
        'Uitwisseling; daarnaast het aantal verschillende dossiers.',
        'Échange ; à côté, le nombre de dossiers distincts.',
        'Exchange; beside it the number of distinct dossiers.',
      ),
      periodRule: t('Belgische kalendermaand van de uitwisseling.', "Mois civil belge de l'échange.", 'Belgian calendar month of the exchange.'),
      notes: t(
        'Eén dossier wordt vaak meermaals geraadpleegd: het aantal uitwisselingen alleen misleidt, daarom staat het aantal dossiers er altijd naast. Geweigerde vragen tellen niet mee.',
        'Un dossier est souvent consulté plusieurs fois : le nombre d’échanges seul induit en erreur, d’où le nombre de dossiers à côté. Les demandes refusées ne comptent pas.',
        'One dossier is often consulted many times: the number of exchanges alone misleads, so the number of dossiers always stands beside it. Refused requests do not count.',
      ),
      breaks: [],
      sources: [
        t(
          'Antwoord op een schriftelijke vraag, tabel "aantal uitwisselingen in 2015"',
          'Réponse à une question écrite, tableau « nombre d’échanges en 2015 »',
          'Answer to a written question, table "number of exchanges in 2015"',
        ),
      ],
    },
    dimensions: [dim.partner, dim.partnerKind, dim.month],
    measures: [
      { id: 'exchanges', label: t('Uitwisselingen', 'Échanges', 'Exchanges'), sql: 'count(*)' },
      { id: 'dossiers', label: t('Verschillende dossiers', 'Dossiers distincts', 'Distinct dossiers'), sql: 'count(DISTINCT person_id)' },
    ],
    breakdowns: [
      {
        id: 'partnerMonth',
        title: t('Per partner en maand', 'Par partenaire et mois', 'By partner and month'),
        dimensions: ['partner', 'month'],
        subtotals: ['partner'],
      },
      { id: 'partner', title: t('Per partner', 'Par partenaire', 'By partner'), dimensions: ['partner'] },
      { id: 'month', title: t('Per maand', 'Par mois', 'By month'), dimensions: ['month'] },
      { id: 'partnerKind', title: t('Per soort partner', 'Par type de partenaire', 'By kind of partner'), dimensions: ['partner_kind'] },
    ],
    query: `SELECT a.person_id, a.organisation_id::text AS partner, o.kind AS partner_kind,
           to_char(a.at AT TIME ZONE 'Europe/Brussels', 'YYYY-MM') AS month
      FROM {{audit_log}} a JOIN {{organisations}} o ON o.id = a.organisation_id
     WHERE a.action LIKE 'exchange.%' AND a.result = 'allowed' AND a.at >= :fromTime AND a.at < :toTime`,
  },
  {
    id: 'discimus',
    title: t('DISCIMUS: schoolinschrijving van minderjarigen', 'DISCIMUS : inscription scolaire des mineurs', 'DISCIMUS: school enrolment of minors'),
    description: t(
      'Minderjarige nieuwkomers voor wie de KBI in het jaar DISCIMUS bevroeg, ingeschreven of niet bij de eerste vraag, met percentages.',
      "Primo-arrivants mineurs pour lesquels la KBI a interrogé DISCIMUS dans l'année, inscrits ou non à la première question, avec pourcentages.",
      'Minor newcomers KBI asked DISCIMUS about in the year, enrolled or not at the first question, with percentages.',
    ),
    period: 'year',
    documentation: {
      population: t(
        'Minderjarigen met minstens één beantwoorde DISCIMUS-vraag in het jaar.',
        "Mineurs ayant au moins une question DISCIMUS répondue dans l'année.",
        'Minors with at least one answered DISCIMUS question in the year.',
      ),
      countingUnit: t(
        'Persoon (uniek INSZ), met de status van de eerste beantwoorde vraag van het jaar.',
        "Personne (INSZ unique), avec le statut de la première question répondue de l'année.",
        "Person (unique INSZ), with the status of the year's first answered question.",
      ),
      periodRule: t('Jaar van het antwoord van DISCIMUS.', 'Année de la réponse de DISCIMUS.', 'Year of the DISCIMUS answer.'),
      notes: t(
        'Elke vraag en elk antwoord blijft bewaard; geteld wordt de eerste stand van het jaar, zodat een latere inschrijving een kind dat eerst niet ingeschreven was niet uit de cijfers doet verdwijnen.',
        "Chaque question et réponse est conservée ; on compte la première situation de l'année, de sorte qu'une inscription ultérieure ne fait pas disparaître un enfant d'abord non inscrit.",
        "Every question and answer is kept; the year's first status is counted, so that a later enrolment does not make a child who was first not enrolled vanish from the figures.",
      ),
      breaks: [
        {
          on: '2017-01-01',
          text: t(
            'Tot 2016 hield de KBI per dossier alleen de laatste update bij; sinds 2017 wordt geteld op unieke INSZ-status. 2016 en 2017 zijn daardoor niet vergelijkbaar.',
            "Jusqu'en 2016 la KBI ne gardait que la dernière mise à jour par dossier ; depuis 2017 on compte sur le statut INSZ unique. 2016 et 2017 ne sont donc pas comparables.",
            'Until 2016 KBI kept only the last update per case; since 2017 counting is on unique INSZ status. 2016 and 2017 are therefore not comparable.',
          ),
        },
      ],
      sources: [
        t(
          'Antwoord op een schriftelijke vraag over DISCIMUS (antwoord 2)',
          'Réponse à une question écrite sur DISCIMUS (réponse 2)',
          'Answer to a written question on DISCIMUS (answer 2)',
        ),
      ],
    },
    dimensions: [dim.schoolStatus],
    measures: [persons],
    breakdowns: [{ id: 'status', title: t('Ingeschreven of niet', 'Inscrit ou non', 'Enrolled or not'), dimensions: ['school_status'], percentages: true }],
    query: `SELECT DISTINCT ON (q.person_id) q.person_id, q.answer->>'status' AS school_status
      FROM {{discimus_queries}} q
     WHERE q.status = 'answered' AND q.answered_at >= :fromTime AND q.answered_at < :toTime
     ORDER BY q.person_id, q.answered_at, q.id`,
  },
  {
    id: 'vmswChecks',
    title: t('VMSW: controles van de taalbereidheid', 'VMSW : contrôles de la condition linguistique', 'VMSW: language requirement checks'),
    description: t(
      'Controles door de VMSW of een kandidaat-huurder of -koper aan de taalbereidheid voldoet, per maand.',
      'Contrôles par la VMSW du respect de la condition linguistique par un candidat locataire ou acheteur, par mois.',
      'Checks by VMSW whether a prospective tenant or buyer meets the language requirement, per month.',
    ),
    period: 'year',
    documentation: {
      population: t('Beantwoorde controles van de VMSW.', 'Contrôles répondus de la VMSW.', 'Answered VMSW checks.'),
      countingUnit: t(
        'Controle; daarnaast het aantal verschillende personen.',
        'Contrôle ; à côté, le nombre de personnes distinctes.',
        'Check; beside it the number of distinct persons.',
      ),
      periodRule: t('Belgische kalendermaand van de controle.', 'Mois civil belge du contrôle.', 'Belgian calendar month of the check.'),
      breaks: [],
    },
    dimensions: [dim.month, dim.meets],
    measures: [
      { id: 'checks', label: t('Controles', 'Contrôles', 'Checks'), sql: 'count(*)' },
      { id: 'persons', label: t('Verschillende personen', 'Personnes distinctes', 'Distinct persons'), sql: 'count(DISTINCT insz_hash)' },
    ],
    breakdowns: [
      { id: 'month', title: t('Per maand', 'Par mois', 'By month'), dimensions: ['month'] },
      { id: 'meets', title: t('Voldoet of niet', 'Satisfait ou non', 'Meets or not'), dimensions: ['meets'], percentages: true },
    ],
    query: `SELECT c.person_id, c.insz_hash, to_char(c.checked_at AT TIME ZONE 'Europe/Brussels', 'YYYY-MM') AS month,
           CASE WHEN c.meets_requirement THEN 'YES' ELSE 'NO' END AS meets
      FROM {{language_requirement_checks}} c
     WHERE c.checked_at >= :fromTime AND c.checked_at < :toTime`,
  },
  {
    id: 'attendance',
    title: t('Aanwezigheid in de lessen', 'Présence aux cours', 'Attendance at lessons'),
    description: t(
      'Geregistreerde lesmomenten van het jaar per aanbieder en per aanwezigheid (aanwezig, afwezig, gewettigd afwezig).',
      "Moments de cours enregistrés de l'année par prestataire et par présence (présent, absent, absence justifiée).",
      "The year's registered lesson attendances by provider and by attendance (present, absent, justified absence).",
    ),
    period: 'year',
    documentation: {
      population: t(
        'Deelnames aan lessen met een lesmoment in het jaar.',
        "Participations à des cours dont le moment tombe dans l'année.",
        'Participations in lessons held in the year.',
      ),
      countingUnit: t(
        'Deelname aan één les; daarnaast het aantal verschillende cursisten.',
        "Participation à un cours ; à côté, le nombre d'apprenants distincts.",
        'Participation in one lesson; beside it the number of distinct learners.',
      ),
      periodRule: t('Jaar van het lesmoment (Belgische tijd).', 'Année du moment de cours (heure belge).', 'Year of the lesson (Belgian time).'),
      breaks: [],
    },
    dimensions: [dim.organisation, dim.attendance, dim.courseType],
    measures: [
      { id: 'lessons', label: t('Lesdeelnames', 'Participations', 'Lesson participations'), sql: 'count(*)' },
      { id: 'persons', label: t('Verschillende cursisten', 'Apprenants distincts', 'Distinct learners'), sql: 'count(DISTINCT person_id)' },
    ],
    breakdowns: [
      {
        id: 'providerAttendance',
        title: t('Per aanbieder en aanwezigheid', 'Par prestataire et présence', 'By provider and attendance'),
        dimensions: ['organisation', 'attendance'],
        subtotals: ['organisation'],
        percentages: true,
      },
      { id: 'attendance', title: t('Per aanwezigheid', 'Par présence', 'By attendance'), dimensions: ['attendance'], percentages: true },
      {
        id: 'courseType',
        title: t('Per soort opleiding', 'Par type de formation', 'By course type'),
        dimensions: ['course_type', 'attendance'],
        subtotals: ['course_type'],
      },
    ],
    query: `SELECT pa.person_id, c.provider_id::text AS organisation, pa.attendance, c.course_type
      FROM {{participations}} pa
      JOIN {{lessons}} l ON l.id = pa.lesson_id
      JOIN {{enrolments}} e ON e.id = pa.enrolment_id
      JOIN {{courses}} c ON c.id = e.course_id
     WHERE l.starts_at >= :fromTime AND l.starts_at < :toTime`,
  },
  {
    id: 'waitingLists',
    title: t('Wachtlijsten', "Listes d'attente", 'Waiting lists'),
    description: t(
      'Aanmeldingen voor een opleiding in het jaar per Huis van het Nederlands (of aanbieder), soort opleiding en huidige status.',
      "Demandes de formation de l'année par Maison du néerlandais (ou prestataire), type de formation et statut actuel.",
      "The year's course applications by House of Dutch (or provider), course type and current status.",
    ),
    period: 'year',
    documentation: {
      population: t(
        'Aanmeldingen voor een opleiding (wachtlijstinschrijvingen).',
        "Demandes de formation (inscriptions sur liste d'attente).",
        'Course applications (waiting list entries).',
      ),
      countingUnit: t(
        'Aanmelding; daarnaast het aantal verschillende personen.',
        'Demande ; à côté, le nombre de personnes distinctes.',
        'Application; beside it the number of distinct persons.',
      ),
      periodRule: t(
        'Jaar van de aanmelding; de status zoals gekend op de stand van zaken.',
        'Année de la demande ; le statut tel que connu à la date de situation.',
        'Year of the application; the status as known on the cut-off.',
      ),
      breaks: [],
    },
    dimensions: [dim.organisation, dim.courseType, dim.waitingStatus],
    measures: [
      { id: 'applications', label: t('Aanmeldingen', 'Demandes', 'Applications'), sql: 'count(*)' },
      { id: 'persons', label: t('Verschillende personen', 'Personnes distinctes', 'Distinct persons'), sql: 'count(DISTINCT person_id)' },
    ],
    breakdowns: [
      {
        id: 'organisationStatus',
        title: t('Per Huis van het Nederlands en status', 'Par Maison du néerlandais et statut', 'By House of Dutch and status'),
        dimensions: ['organisation', 'status'],
        subtotals: ['organisation'],
      },
      { id: 'status', title: t('Per status', 'Par statut', 'By status'), dimensions: ['status'], percentages: true },
      { id: 'courseType', title: t('Per soort opleiding', 'Par type de formation', 'By course type'), dimensions: ['course_type'] },
    ],
    query: `SELECT w.person_id, COALESCE(f.organisation_id, w.provider_id)::text AS organisation, w.course_type, w.status
      FROM {{waiting_list_entries}} w LEFT JOIN {{offices}} f ON f.id = w.office_id
     WHERE w.applied_on >= :from AND w.applied_on < :to`,
  },
  {
    id: 'invitations',
    title: t('Uitnodigingen', 'Invitations', 'Invitations'),
    description: t(
      'Uitnodigingsbrieven van het jaar per agentschap, soort brief en gevolg.',
      "Lettres d'invitation de l'année par agence, type de lettre et suite.",
      "The year's invitation letters by agency, kind of letter and outcome.",
    ),
    period: 'year',
    documentation: {
      population: t('Verstuurde uitnodigingen.', 'Invitations envoyées.', 'Invitations sent.'),
      countingUnit: t(
        'Uitnodiging; daarnaast het aantal verschillende personen.',
        'Invitation ; à côté, le nombre de personnes distinctes.',
        'Invitation; beside it the number of distinct persons.',
      ),
      periodRule: t(
        'Jaar van verzending; het gevolg zoals gekend op de stand van zaken.',
        "Année d'envoi ; la suite telle que connue à la date de situation.",
        'Year sent; the outcome as known on the cut-off.',
      ),
      notes: t(
        'Verplichte inburgeraars krijgen een aangetekende brief.',
        'Les personnes soumises à l’obligation reçoivent une lettre recommandée.',
        'Obliged newcomers get a registered letter.',
      ),
      breaks: [],
    },
    dimensions: [dim.agency, dim.registeredLetter, dim.invitationStatus],
    measures: [
      { id: 'invitations', label: t('Uitnodigingen', 'Invitations', 'Invitations'), sql: 'count(*)' },
      { id: 'persons', label: t('Verschillende personen', 'Personnes distinctes', 'Distinct persons'), sql: 'count(DISTINCT person_id)' },
    ],
    breakdowns: [
      {
        id: 'agencyStatus',
        title: t('Per agentschap en gevolg', 'Par agence et suite', 'By agency and outcome'),
        dimensions: ['agency', 'status'],
        subtotals: ['agency'],
      },
      { id: 'letter', title: t('Per soort brief', 'Par type de lettre', 'By kind of letter'), dimensions: ['registered_letter'], percentages: true },
    ],
    query: `SELECT i.person_id, a.agency, CASE WHEN i.registered_letter THEN 'YES' ELSE 'NO' END AS registered_letter, i.status
      FROM {{invitations}} i LEFT JOIN ${OFFICE_AREA} a ON a.office_id = i.office_id
     WHERE i.sent_on >= :from AND i.sent_on < :to`,
  },
  {
    id: 'languageLevels',
    title: t('Behaalde taalniveaus Nederlands', 'Niveaux de néerlandais atteints', 'Dutch language levels reached'),
    description: t(
      'Personen die in het jaar een niveau Nederlands (ERK) behaalden, per niveau en geslacht.',
      "Personnes ayant atteint un niveau de néerlandais (CECR) dans l'année, par niveau et sexe.",
      'Persons who reached a level of Dutch (CEFR) in the year, by level and gender.',
    ),
    period: 'year',
    documentation: {
      population: t(
        'Behaalde niveaus NT2 (op basis van test, loopbaan of attest).',
        'Niveaux NT2 atteints (sur base de test, parcours ou attestation).',
        'NT2 levels reached (by test, career or certificate).',
      ),
      countingUnit: t(
        'Persoon per niveau: het hoogste niveau dat de persoon in het jaar behaalde.',
        "Personne par niveau : le plus haut niveau atteint dans l'année.",
        'Person per level: the highest level the person reached in the year.',
      ),
      periodRule: t('Jaar waarin het niveau behaald werd.', "Année d'obtention du niveau.", 'Year the level was reached.'),
      breaks: [
        {
          on: '2022-03-01',
          text: t(
            'Sinds 1 maart 2022 moet een verplichte inburgeraar minstens A2 mondeling behalen; vóór die datum gold geen resultaatsverbintenis.',
            "Depuis le 1er mars 2022, une personne soumise à l'obligation doit atteindre au moins A2 oral ; avant, aucune obligation de résultat.",
            'Since 1 March 2022 an obliged newcomer must reach at least A2 oral; before that date there was no obligation of result.',
          ),
        },
      ],
    },
    dimensions: [dim.level, dim.gender],
    measures: [persons],
    breakdowns: [
      { id: 'level', title: t('Per niveau', 'Par niveau', 'By level'), dimensions: ['level'], percentages: true },
      {
        id: 'levelGender',
        title: t('Per niveau en geslacht', 'Par niveau et sexe', 'By level and gender'),
        dimensions: ['level', 'gender'],
        subtotals: ['level'],
      },
    ],
    query: `SELECT DISTINCT ON (la.person_id) la.person_id, la.level, p.gender
      FROM {{level_attainments}} la JOIN {{persons}} p ON p.id = la.person_id
     WHERE la.domain = 'NT2' AND la.obtained_on >= :from AND la.obtained_on < :to
     ORDER BY la.person_id, la.level DESC, la.id`,
  },
];
