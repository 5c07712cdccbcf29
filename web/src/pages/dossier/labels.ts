/**
 * Names of the dossier's resources and fields in Dutch, French and English. The server's own
 * titles (English, from the resource definitions) are only the fallback; a field without a label
 * here is named from its camelCase API name.
 */
import type { Language } from '../../i18n/index.tsx';

type Three = readonly [nl: string, fr: string, en: string];

const pick = (l: Language, [nl, fr, en]: Three) => (l === 'fr' ? fr : l === 'en' ? en : nl);

/** Plural (section heading) and singular (form title, record name), per language. */
const RESOURCES: Record<string, readonly [plural: Three, singular: Three]> = {
  caseLead: [
    ['Regie', 'Pilotage (regie)', 'Case lead'],
    ['Regie', 'Pilotage', 'Case lead'],
  ],
  invitations: [
    ['Uitnodigingen', 'Invitations', 'Invitations'],
    ['Uitnodiging', 'Invitation', 'Invitation'],
  ],
  targetGroupDeterminations: [
    ['Doelgroepbepaling', 'Détermination du groupe cible', 'Target-group determination'],
    ['Doelgroepbepaling', 'Détermination du groupe cible', 'Target-group determination'],
  ],
  registrations: [
    ['Aanmeldingen', 'Inscriptions', 'Registrations'],
    ['Aanmelding', 'Inscription', 'Registration'],
  ],
  registrationPostponements: [
    ['Uitstel van aanmelding', "Reports d'inscription", 'Postponements of registration'],
    ['Uitstel van aanmelding', "Report d'inscription", 'Postponement of registration'],
  ],
  signingPostponements: [
    ['Uitstel van ondertekening', 'Reports de signature', 'Postponements of signing'],
    ['Uitstel van ondertekening', 'Report de signature', 'Postponement of signing'],
  ],
  contracts: [
    ['Inburgeringscontracten', "Contrats d'intégration", 'Integration contracts'],
    ['Inburgeringscontract', "Contrat d'intégration", 'Integration contract'],
  ],
  contractAddenda: [
    ['Addenda', 'Avenants', 'Addenda'],
    ['Addendum', 'Avenant', 'Addendum'],
  ],
  contractParts: [
    ['Contractonderdelen', 'Parties du contrat', 'Contract parts'],
    ['Contractonderdeel', 'Partie du contrat', 'Contract part'],
  ],
  contractSuspensions: [
    ['Opschortingen van het contract', 'Suspensions du contrat', 'Contract suspensions'],
    ['Opschorting van het contract', 'Suspension du contrat', 'Contract suspension'],
  ],
  certificates: [
    ['Attesten', 'Attestations', 'Certificates'],
    ['Attest', 'Attestation', 'Certificate'],
  ],
  trajectories: [
    ['Trajecten', 'Parcours', 'Trajectories'],
    ['Traject', 'Parcours', 'Trajectory'],
  ],
  trajectoryComponents: [
    ['Trajectonderdelen', 'Volets du parcours', 'Trajectory components'],
    ['Trajectonderdeel', 'Volet du parcours', 'Trajectory component'],
  ],
  componentSuspensions: [
    ['Opschortingen van onderdelen', 'Suspensions de volets', 'Component suspensions'],
    ['Opschorting van een onderdeel', "Suspension d'un volet", 'Component suspension'],
  ],
  enrolments: [
    ['Inschrijvingen in cursussen', 'Inscriptions aux cours', 'Course enrolments'],
    ['Inschrijving', 'Inscription au cours', 'Enrolment'],
  ],
  participations: [
    ['Aanwezigheden', 'Présences', 'Attendance'],
    ['Aanwezigheid', 'Présence', 'Attendance record'],
  ],
  waitingListEntries: [
    ['Wachtlijst', "Liste d'attente", 'Waiting list'],
    ['Aanvraag op de wachtlijst', "Demande en liste d'attente", 'Waiting-list entry'],
  ],
  clientPreferences: [
    ['Voorkeuren van de cliënt', 'Préférences du client', 'Client preferences'],
    ['Voorkeuren', 'Préférences', 'Preferences'],
  ],
  testResults: [
    ['Testresultaten', 'Résultats de tests', 'Test results'],
    ['Testresultaat', 'Résultat de test', 'Test result'],
  ],
  levelAttainments: [
    ['Bereikt niveau', 'Niveaux atteints', 'Levels reached'],
    ['Bereikt niveau', 'Niveau atteint', 'Level reached'],
  ],
  languageSkills: [
    ['Talen', 'Langues', 'Languages'],
    ['Taal', 'Langue', 'Language'],
  ],
  literacyAssessments: [
    ['Alfabetiseringsgraad', "Degré d'alphabétisation", 'Literacy'],
    ['Alfabetiseringsgraad', "Degré d'alphabétisation", 'Literacy assessment'],
  ],
  languageIntakes: [
    ['Intakes Huis van het Nederlands', 'Entretiens d’accueil Maison du néerlandais', 'House of Dutch intakes'],
    ['Intake Huis van het Nederlands', 'Entretien d’accueil Maison du néerlandais', 'House of Dutch intake'],
  ],
  advice: [
    ['Adviezen', 'Avis', 'Advice'],
    ['Advies', 'Avis', 'Advice'],
  ],
  perspectives: [
    ['Perspectieven', 'Perspectives', 'Perspectives'],
    ['Perspectief', 'Perspective', 'Perspective'],
  ],
  diplomaRecognitionSupport: [
    ['Ondersteuning bij diplomagelijkschakeling', 'Soutien à la reconnaissance des diplômes', 'Diploma-recognition support'],
    ['Ondersteuning diplomagelijkschakeling', 'Soutien à la reconnaissance', 'Diploma-recognition support'],
  ],
  conversations: [
    ['Gesprekken', 'Entretiens', 'Conversations'],
    ['Gesprek', 'Entretien', 'Conversation'],
  ],
  appointments: [
    ['Afspraken', 'Rendez-vous', 'Appointments'],
    ['Afspraak', 'Rendez-vous', 'Appointment'],
  ],
  referrals: [
    ['Toeleidingen', 'Orientations', 'Referrals'],
    ['Toeleiding', 'Orientation', 'Referral'],
  ],
  infringementCases: [
    ['Inbreukdossiers', "Dossiers d'infraction", 'Infringement cases'],
    ['Inbreukdossier', "Dossier d'infraction", 'Infringement case'],
  ],
  infringements: [
    ['Inbreuken', 'Infractions', 'Infringements'],
    ['Inbreuk', 'Infraction', 'Infringement'],
  ],
  infringementFacts: [
    ['Feitenrelaas', 'Exposé des faits', 'Infringement facts'],
    ['Feit', 'Fait', 'Infringement fact'],
  ],
  infringementDecisions: [
    ['Beslissingen over inbreuken', 'Décisions sur les infractions', 'Infringement decisions'],
    ['Beslissing', 'Décision', 'Infringement decision'],
  ],
  livingWageRecords: [
    ['Leefloon', "Revenu d'intégration", 'Living wage'],
    ['Leefloon', "Revenu d'intégration", 'Living wage'],
  ],
  dvzAdvice: [
    ['Adviezen aan DVZ', "Avis à l'Office des étrangers", 'Advice to DVZ'],
    ['Advies aan DVZ', "Avis à l'Office des étrangers", 'Advice to DVZ'],
  ],
  housingRequirements: [
    ['Wooncode: inburgerings- en taalvereiste', 'Code du logement : exigence linguistique', 'Housing code: language requirement'],
    ['Beoordeling Wooncode', 'Évaluation code du logement', 'Housing-code assessment'],
  ],
  persons: [
    ['Persoonsgegevens', 'Données personnelles', 'Personal details'],
    ['Persoon', 'Personne', 'Person'],
  ],
};

/** Field names shared by many resources; `resource.field` entries override them for one resource. */
const FIELDS: Record<string, Three> = {
  activityType: ['Soort activiteit', "Type d'activité", 'Activity type'],
  addendumId: ['Addendum', 'Avenant', 'Addendum'],
  adviceType: ['Soort advies', "Type d'avis", 'Advice type'],
  advisedLevel: ['Geadviseerd niveau', 'Niveau conseillé', 'Advised level'],
  intakeId: ['Intake', 'Entretien d’accueil', 'Intake'],
  intakeOn: ['Intake op', 'Accueil le', 'Intake on'],
  houseId: ['Huis van het Nederlands', 'Maison du néerlandais', 'House of Dutch'],
  referredBy: ['Doorverwezen door', 'Orienté par', 'Referred by'],
  places: ['Plaatsen', 'Places', 'Places'],
  advisedOn: ['Geadviseerd op', 'Avis donné le', 'Advised on'],
  agencyOfficeId: ['Vestiging agentschap', "Bureau de l'agence", 'Agency office'],
  appliedOn: ['Aangevraagd op', 'Demandé le', 'Applied on'],
  assessedOn: ['Beoordeeld op', 'Évalué le', 'Assessed on'],
  attendance: ['Aanwezigheid', 'Présence', 'Attendance'],
  basis: ['Basis', 'Base', 'Basis'],
  birthDate: ['Geboortedatum', 'Date de naissance', 'Birth date'],
  box: ['Bus', 'Boîte', 'Box'],
  caseId: ['Inbreukdossier', "Dossier d'infraction", 'Infringement case'],
  caseLeadOrganisationId: ['Regisseur', 'Organisation pilote', 'Case-lead organisation'],
  caseLeadSince: ['Regie sinds', 'Pilotage depuis', 'Case lead since'],
  channel: ['Kanaal', 'Canal', 'Channel'],
  closedOn: ['Afgesloten op', 'Clôturé le', 'Closed on'],
  componentId: ['Trajectonderdeel', 'Volet du parcours', 'Trajectory component'],
  contactLanguage: ['Contacttaal', 'Langue de contact', 'Contact language'],
  contactStaffId: ['Contactpersoon', 'Personne de contact', 'Contact person'],
  contractId: ['Contract', 'Contrat', 'Contract'],
  correspondenceLanguage: ['Correspondentietaal', 'Langue de correspondance', 'Correspondence language'],
  courseId: ['Cursus', 'Cours', 'Course'],
  courseType: ['Soort cursus', 'Type de cours', 'Course type'],
  createdByKbo: ['Opgemaakt door (KBO)', 'Établi par (BCE)', 'Drawn up by (KBO)'],
  createdByOrganisationId: ['Geregistreerd door', 'Enregistré par', 'Registered by'],
  decidedOn: ['Beslist op', 'Décidé le', 'Decided on'],
  decidingOrganisationId: ['Beslissende organisatie', 'Organisation qui décide', 'Deciding organisation'],
  ocmwId: ['Overgedragen aan OCMW', 'Transmis au CPAS', 'Handed to OCMW'],
  'livingWageRecords.organisationId': ['OCMW dat het leefloon betaalt', "CPAS qui verse le revenu d'intégration", 'OCMW paying the living wage'],
  startsOn: ['Vanaf', 'À partir du', 'From'],
  endsOn: ['Tot en met', "Jusqu'au", 'Until'],
  decision: ['Beslissing', 'Décision', 'Decision'],
  decisionDate: ['Datum beslissing', 'Date de la décision', 'Decision date'],
  decisionReason: ['Motivering beslissing', 'Motivation de la décision', 'Reason for the decision'],
  description: ['Omschrijving', 'Description', 'Description'],
  determined: ['Bepaald', 'Déterminé', 'Determined'],
  determinedOn: ['Bepaald op', 'Déterminé le', 'Determined on'],
  documentId: ['Documentnummer', 'Numéro du document', 'Document number'],
  documentType: ['Documenttype', 'Type de document', 'Document type'],
  domain: ['Domein', 'Domaine', 'Domain'],
  dossierNumber: ['Dossiernummer', 'Numéro de dossier', 'Dossier number'],
  endDate: ['Einddatum', 'Date de fin', 'End date'],
  endReason: ['Reden van einde', 'Motif de fin', 'Reason for ending'],
  enrolledOn: ['Ingeschreven op', 'Inscrit le', 'Enrolled on'],
  enrolmentId: ['Inschrijving', 'Inscription', 'Enrolment'],
  establishedOn: ['Vastgesteld op', 'Constatée le', 'Established on'],
  exempted: ['Vrijgesteld', 'Dispensé', 'Exempted'],
  exemptionReason: ['Reden vrijstelling', 'Motif de dispense', 'Reason for exemption'],
  exitReason: ['Reden uitstroom', 'Motif de sortie', 'Exit reason'],
  expiresOn: ['Vervalt op', 'Expire le', 'Expires on'],
  externalId: ['Extern nummer', 'Numéro externe', 'External number'],
  extraInformation: ['Extra informatie', 'Informations complémentaires', 'Extra information'],
  familyName: ['Familienaam', 'Nom de famille', 'Family name'],
  fineAmount: ['Boetebedrag (EUR)', "Montant de l'amende (EUR)", 'Fine (EUR)'],
  firstExtractionDate: ['Eerste extractie rijksregister', 'Première extraction du registre national', 'First national-register extraction'],
  followedUpBy: ['Opgevolgd door', 'Suivi par', 'Followed up by'],
  fromId: ['Van', 'De', 'From'],
  gender: ['Geslacht', 'Sexe', 'Gender'],
  givenById: ['Gegeven door', 'Donné par', 'Given by'],
  givenNames: ['Voornamen', 'Prénoms', 'Given names'],
  givenOn: ['Gegeven op', 'Donné le', 'Given on'],
  heldAt: ['Tijdstip', 'Moment', 'Held at'],
  houseNumber: ['Huisnummer', 'Numéro', 'House number'],
  infringementId: ['Inbreuk', 'Infraction', 'Infringement'],
  insz: ['INSZ', 'NISS', 'INSZ'],
  intensity: ['Intensiteit', 'Intensité', 'Intensity'],
  invitationId: ['Uitnodiging', 'Invitation', 'Invitation'],
  issuedByKbo: ['Uitgereikt door (KBO)', 'Délivré par (BCE)', 'Issued by (KBO)'],
  issuedOn: ['Uitgereikt op', 'Délivré le', 'Issued on'],
  kind: ['Soort', 'Type', 'Kind'],
  language: ['Taal', 'Langue', 'Language'],
  lessonId: ['Les', 'Leçon', 'Lesson'],
  lessonMoments: ['Lesmomenten', 'Moments de cours', 'Lesson moments'],
  lessonMomentsValidFrom: ['Lesmomenten geldig vanaf', 'Moments de cours valables à partir du', 'Lesson moments valid from'],
  createdByOfficeId: ['Geregistreerd door vestiging', 'Enregistré par le bureau', 'Registered by office'],
  davinciNumber: ['Davinci-instellingsnummer', "Numéro d'établissement Davinci", 'Davinci institution number'],
  managedSince: ['Beheerd sinds', 'Géré depuis', 'Managed since'],
  decisionReasonShort: ['Motivering beslissing (kort)', 'Motivation de la décision (courte)', 'Reason for the decision (short)'],
  labelShort: ['Omschrijving (kort)', 'Description (courte)', 'Description (short)'],
  label: ['Omschrijving', 'Description', 'Description'],
  kbiType: ['Inbreuktype KBI 01.00', "Type d'infraction KBI 01.00", 'KBI 01.00 infringement type'],
  rectificationForm: ['Rechtzettingsformulier', 'Formulaire de rectification', 'Rectification form'],
  documentClass: ['Soort document', 'Sorte de document', 'Document class'],
  level: ['Niveau', 'Niveau', 'Level'],
  managingOfficeId: ['Beherende vestiging', 'Bureau gestionnaire', 'Managing office'],
  maxScore: ['Maximumscore', 'Score maximal', 'Maximum score'],
  meetsIntegration: ['Voldoet aan inburgeringsvereiste', "Satisfait à l'exigence d'intégration", 'Meets the integration requirement'],
  meetsLanguage: ['Voldoet aan taalbereidheid', 'Satisfait à la volonté linguistique', 'Meets the language requirement'],
  moduleId: ['Module', 'Module', 'Module'],
  motivation: ['Motivering', 'Motivation', 'Motivation'],
  municipality: ['Gemeente', 'Commune', 'Municipality'],
  mustMeetIntegration: ['Moet voldoen aan inburgeringsvereiste', "Doit satisfaire à l'exigence d'intégration", 'Must meet the integration requirement'],
  mustMeetLanguage: ['Moet voldoen aan taalbereidheid', 'Doit satisfaire à la volonté linguistique', 'Must meet the language requirement'],
  nationality: ['Nationaliteit', 'Nationalité', 'Nationality'],
  noTargetGroupReason: ['Reden geen doelgroep', 'Motif hors groupe cible', 'Reason for no target group'],
  noticeSentOn: ['Ingebrekestelling verstuurd op', 'Mise en demeure envoyée le', 'Formal notice sent on'],
  obtainedOn: ['Behaald op', 'Obtenu le', 'Obtained on'],
  occurredOn: ['Datum', 'Date', 'Date'],
  officeId: ['Vestiging', 'Bureau', 'Office'],
  openedOn: ['Geopend op', 'Ouvert le', 'Opened on'],
  part: ['Onderdeel', 'Partie', 'Part'],
  perspective: ['Perspectief', 'Perspective', 'Perspective'],
  plannedAt: ['Gepland op', 'Planifié le', 'Planned at'],
  postcode: ['Postcode', 'Code postal', 'Postcode'],
  postcodes: ['Postcodes', 'Codes postaux', 'Postcodes'],
  previousContractId: ['Vorig contract', 'Contrat précédent', 'Previous contract'],
  proficiency: ['Kennis', 'Maîtrise', 'Proficiency'],
  providerId: ['Aanbieder', 'Prestataire', 'Provider'],
  reason: ['Reden', 'Motif', 'Reason'],
  receivedOn: ['Ontvangen op', 'Reçu le', 'Received on'],
  referredOn: ['Toegeleid op', 'Orienté le', 'Referred on'],
  registeredLetter: ['Aangetekend', 'Recommandé', 'Registered letter'],
  registeredOn: ['Geregistreerd op', 'Enregistré le', 'Registered on'],
  relevantFor: ['Relevant voor', 'Pertinent pour', 'Relevant for'],
  remarks: ['Opmerkingen', 'Remarques', 'Remarks'],
  requestedById: ['Aangevraagd door', 'Demandé par', 'Requested by'],
  residenceStatus: ['Verblijfsstatus', 'Statut de séjour', 'Residence status'],
  respondBy: ['Antwoorden vóór', 'Répondre avant le', 'Respond by'],
  result: ['Resultaat', 'Résultat', 'Result'],
  sanctioningAuthority: ['Sanctionerende overheid', 'Autorité de sanction', 'Sanctioning authority'],
  sanctioningPartnerId: ['Partner met sanctiebevoegdheid', 'Partenaire habilité à sanctionner', 'Sanctioning partner'],
  score: ['Score', 'Score', 'Score'],
  script: ['Schrift', 'Écriture', 'Script'],
  sentOn: ['Verstuurd op', 'Envoyé le', 'Sent on'],
  signedOn: ['Ondertekend op', 'Signé le', 'Signed on'],
  source: ['Bron', 'Source', 'Source'],
  staffId: ['Medewerker', 'Collaborateur', 'Staff member'],
  startDate: ['Begindatum', 'Date de début', 'Start date'],
  status: ['Status', 'Statut', 'Status'],
  statusSince: ['Status sinds', 'Statut depuis', 'Status since'],
  street: ['Straat', 'Rue', 'Street'],
  subtype: ['Subtype', 'Sous-type', 'Subtype'],
  supportType: ['Soort ondersteuning', 'Type de soutien', 'Support type'],
  takenOn: ['Afgelegd op', 'Passé le', 'Taken on'],
  targetAttendanceRate: ['Beoogde aanwezigheid (%)', 'Présence visée (%)', 'Target attendance (%)'],
  testResultId: ['Testresultaat', 'Résultat de test', 'Test result'],
  testType: ['Soort test', 'Type de test', 'Test type'],
  text: ['Tekst', 'Texte', 'Text'],
  timeWindow: ['Tijdvenster', 'Plage horaire', 'Time window'],
  toId: ['Naar', 'Vers', 'To'],
  trajectoryId: ['Traject', 'Parcours', 'Trajectory'],
  type: ['Type', 'Type', 'Type'],
  wishedDate: ['Gewenste datum', 'Date souhaitée', 'Wished date'],
  wishedStartDate: ['Gewenste start', 'Début souhaité', 'Wished start'],
  'contracts.kind': ['Soort contract', 'Type de contrat', 'Contract kind'],
  'certificates.kind': ['Soort attest', "Type d'attestation", 'Certificate kind'],
  'certificates.signedOn': ['Ondertekend op', 'Signée le', 'Signed on'],
  'trajectoryComponents.type': ['Onderdeel', 'Volet', 'Component'],
  'trajectories.type': ['Soort traject', 'Type de parcours', 'Trajectory type'],
  'infringements.type': ['Soort inbreuk', "Type d'infraction", 'Infringement type'],
  'infringementFacts.kind': ['Soort feit', 'Type de fait', 'Kind of fact'],
  'registrations.type': ['Soort aanmelding', "Type d'inscription", 'Registration type'],
  'targetGroupDeterminations.type': ['Doelgroep', 'Groupe cible', 'Target group'],
  'caseLead.openedOn': ['Dossier geopend op', 'Dossier ouvert le', 'Dossier opened on'],
  'caseLead.closedOn': ['Dossier afgesloten op', 'Dossier clôturé le', 'Dossier closed on'],
  'contractAddenda.signedOn': ['Ondertekend op', 'Signé le', 'Signed on'],
  'conversations.text': ['Verslag', 'Compte rendu', 'Notes'],
  'levelAttainments.basis': ['Behaald via', 'Obtenu par', 'Obtained through'],
};

/** The data clusters (server clusters.ts), as the retention line names them. */
const CLUSTERS: Record<string, Three> = {
  personalia: [
    'Persoonsgegevens (naam, INSZ, geboortedatum, adres)',
    "Données d'identité (nom, NISS, date de naissance, adresse)",
    'Personal details (name, INSZ, birth date, address)',
  ],
  caseLead: ['Regie', 'Pilotage (regie)', 'Case lead'],
  languages: ['Talen en geletterdheid', 'Langues et alphabétisation', 'Languages and literacy'],
  contracts: ['Contracten', 'Contrats', 'Contracts'],
  certificates: ['Attesten', 'Attestations', 'Certificates'],
  registration: ['Aanmelding', 'Inscription', 'Registration'],
  targetGroup: ['Doelgroepbepaling', 'Détermination du groupe cible', 'Target-group determination'],
  level: ['Bereikt niveau', 'Niveau atteint', 'Level reached'],
  advice: ['Adviezen', 'Avis', 'Advice'],
  perspective: ['Perspectief', 'Perspective', 'Perspective'],
  trajectories: ['Trajecten', 'Parcours', 'Trajectories'],
  components: ['Trajectonderdelen', 'Composantes du parcours', 'Trajectory components'],
  componentSuspensions: ['Opschortingen van trajectonderdelen', 'Suspensions de composantes', 'Suspensions of components'],
  courses: ['Cursussen', 'Cours', 'Courses'],
  diplomaRecognition: ["Gelijkschakeling van diploma's", 'Équivalence des diplômes', 'Diploma recognition'],
  conversations: ['Gesprekken', 'Entretiens', 'Conversations'],
  invitations: ['Uitnodigingen', 'Invitations', 'Invitations'],
  appointments: ['Afspraken', 'Rendez-vous', 'Appointments'],
  referrals: ['Toeleidingen', 'Orientations', 'Referrals'],
  infringements: ['Inbreuken', 'Infractions', 'Infringements'],
  dvzAdvice: ['Advies aan de DVZ', "Avis à l'Office des étrangers", 'Advice to the Immigration Office'],
  housingRequirement: ['Taalvereiste Wonen', 'Condition linguistique du logement', 'Housing language requirement'],
};

export function clusterLabel(language: Language, cluster: string): string {
  const c = CLUSTERS[cluster];
  return c ? pick(language, c) : fromCamel(cluster);
}

/** Words of small closed sets that are not code lists (enum fields). */
const ENUMS: Record<string, Three> = {
  nl: ['Nederlands', 'néerlandais', 'Dutch'],
  fr: ['Frans', 'français', 'French'],
  en: ['Engels', 'anglais', 'English'],
  ACTIVITY: ['Activiteit', 'Activité', 'Activity'],
  COMMUNICATION: ['Communicatie', 'Communication', 'Communication'],
};

/** "targetAttendanceRate" → "Target attendance rate": the last resort for a field nobody labelled. */
export function fromCamel(name: string): string {
  const words = name
    .replace(/Id$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function resourceLabel(language: Language, resource: string, fallback?: string): string {
  const r = RESOURCES[resource];
  return r ? pick(language, r[0]) : (fallback ?? fromCamel(resource));
}

export function resourceSingular(language: Language, resource: string, fallback?: string): string {
  const r = RESOURCES[resource];
  return r ? pick(language, r[1]) : (fallback ?? fromCamel(resource));
}

export function fieldLabel(language: Language, resource: string, field: string): string {
  const f = FIELDS[`${resource}.${field}`] ?? FIELDS[field];
  return f ? pick(language, f) : fromCamel(field);
}

export function enumLabel(language: Language, value: string): string {
  const e = ENUMS[value];
  return e ? pick(language, e) : value;
}
