/**
 * The audit trail in words, for the privacy officer and for the person who asks who looked at
 * their data (GDPR art. 15): every action code the server writes, every data cluster, the purposes
 * and the legal basis of each processing, in Dutch, French and English. The codes stay in the
 * trail; these are only their readings. audit.words.test.ts fails when the server writes an
 * action this catalogue cannot name.
 */
import { DATA_CLUSTERS, OTHER_CLUSTERS } from '../dossier/clusters.ts';

export const LANGUAGES = ['nl', 'fr', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
/** One text in the three languages of KBI: Dutch, French, English. */
type Words = readonly [nl: string, fr: string, en: string];

const pick = (w: Words, lang: Lang): string => w[lang === 'nl' ? 0 : lang === 'fr' ? 1 : 2];

/**
 * What a record or data cluster is, as a noun. Keys are the resource names (records.ts), the data
 * clusters (clusters.ts) and, in lowerCamelCase, the tables reference data is checked on.
 */
const SUBJECTS: Record<string, Words> = {
  // data clusters (seed 003 §61) and the other kinds of record
  caseLead: ['regie en beherend kantoor', 'régie et bureau gestionnaire', 'case lead and managing office'],
  languages: ['talen en geletterdheid', 'langues et alphabétisation', 'languages and literacy'],
  contracts: ['inburgeringscontracten', "contrats d'intégration civique", 'integration contracts'],
  certificates: ['attesten', 'attestations', 'certificates'],
  registration: ['aanmelding', 'inscription', 'registration'],
  targetGroup: ['doelgroepbepaling', 'détermination du groupe cible', 'target-group determination'],
  level: ['bereikt niveau', 'niveau atteint', 'level reached'],
  advice: ['adviezen', 'avis', 'advice'],
  perspective: ['perspectief', 'perspective', 'perspective'],
  trajectories: ['trajecten', 'parcours', 'trajectories'],
  trajectoryOffice: ['kantoor dat het traject opvolgt', 'bureau qui suit le parcours', 'office following the trajectory'],
  sanctioningPartner: ['partner met sanctiebevoegdheid', 'partenaire ayant le pouvoir de sanction', 'partner with sanctioning power'],
  components: ['trajectonderdelen', 'composantes du parcours', 'trajectory components'],
  componentSuspensions: ['opschortingen van trajectonderdelen', 'suspensions de composantes du parcours', 'suspensions of trajectory components'],
  courses: ['cursussen', 'cours', 'courses'],
  diplomaRecognition: ["gelijkschakeling van buitenlandse diploma's", 'équivalence des diplômes étrangers', 'recognition of foreign diplomas'],
  conversations: ['gesprekken', 'entretiens', 'conversations'],
  personalia: [
    'persoonsgegevens (naam, geboortedatum, adres)',
    "données d'identité (nom, date de naissance, adresse)",
    'personal details (name, date of birth, address)',
  ],
  invitations: ['uitnodigingen', 'invitations', 'invitations'],
  appointments: ['afspraken', 'rendez-vous', 'appointments'],
  referrals: ['doorverwijzingen', 'orientations', 'referrals'],
  infringements: ['inbreuken', 'infractions', 'infringements'],
  dvzAdvice: ['advies aan de Dienst Vreemdelingenzaken', "avis à l'Office des étrangers", 'advice to the Immigration Office'],
  housingRequirement: [
    'taalvereiste van de Vlaamse Codex Wonen',
    'condition linguistique du Code flamand du logement',
    'language requirement of the Flemish Housing Code',
  ],
  // records (resources) that are not clusters by the same name
  persons: ['persoonsgegevens', "données d'identité", 'personal details'],
  organisations: ['organisaties', 'organisations', 'organisations'],
  offices: ['kantoren', 'bureaux', 'offices'],
  staff: ['medewerkers', 'collaborateurs', 'staff members'],
  courseModules: ['cursusmodules', 'modules de cours', 'course modules'],
  lessons: ['lessen', 'leçons', 'lessons'],
  dossiers: ['dossier', 'dossier', 'dossier'],
  targetGroupDeterminations: ['doelgroepbepaling', 'détermination du groupe cible', 'target-group determination'],
  registrations: ['aanmeldingen', 'inscriptions', 'registrations'],
  registrationPostponements: ['uitstel van aanmelding', "reports d'inscription", 'postponements of registration'],
  signingPostponements: ['uitstel van ondertekening', 'reports de signature', 'postponements of signing'],
  contractAddenda: ['bijlagen bij het contract', 'avenants au contrat', 'contract addenda'],
  contractParts: ['contractonderdelen', 'parties du contrat', 'contract parts'],
  contractSuspensions: ['opschortingen van het contract', 'suspensions du contrat', 'contract suspensions'],
  trajectoryComponents: ['trajectonderdelen', 'composantes du parcours', 'trajectory components'],
  enrolments: ['inschrijvingen in een cursus', 'inscriptions à un cours', 'course enrolments'],
  participations: ['aanwezigheden in de les', 'présences aux cours', 'lesson attendance'],
  waitingListEntries: ['wachtlijst', "liste d'attente", 'waiting list'],
  languageIntakes: ['intakes bij een Huis van het Nederlands', "entretiens d'accueil à une Maison du néerlandais", 'House of Dutch intakes'],
  clientPreferences: ['voorkeuren van de inburgeraar', 'préférences de la personne', "the newcomer's preferences"],
  testResults: ['testresultaten', 'résultats des tests', 'test results'],
  levelAttainments: ['bereikt niveau', 'niveau atteint', 'level reached'],
  languageSkills: ['taalkennis', 'connaissances linguistiques', 'language skills'],
  literacyAssessments: ['geletterdheid', 'alphabétisation', 'literacy'],
  perspectives: ['perspectief', 'perspective', 'perspective'],
  diplomaRecognitionSupport: ["ondersteuning bij de gelijkschakeling van diploma's", "soutien à l'équivalence des diplômes", 'support for diploma recognition'],
  infringementCases: ['inbreukdossiers', "dossiers d'infraction", 'infringement cases'],
  infringementFacts: ['feiten van een inbreuk', "faits d'une infraction", 'facts of an infringement'],
  infringementDecisions: ['beslissingen over een inbreuk', 'décisions sur une infraction', 'infringement decisions'],
  livingWageRecords: ['leefloongegevens', "données sur le revenu d'intégration", 'living-wage records'],
  housingRequirements: [
    'taalvereiste van de Vlaamse Codex Wonen',
    'condition linguistique du Code flamand du logement',
    'language requirement of the Flemish Housing Code',
  ],
  infringementProposals: ['voorstellen van inbreuk', "propositions d'infraction", 'infringement proposals'],
  certificateProposals: ['voorstellen van attest', "propositions d'attestation", 'certificate proposals'],
  discimusQueries: ['vragen aan DISCIMUS (schoolinschrijving)', 'questions à DISCIMUS (inscription scolaire)', 'DISCIMUS queries (school enrolment)'],
};

/** The generic verbs of records.ts, access.service.ts authorize() and the door's permission check. */
const VERBS: Record<string, Words> = {
  create: ['Toevoeging', 'Ajout', 'Addition'],
  read: ['Inzage', 'Consultation', 'Read'],
  update: ['Wijziging', 'Modification', 'Change'],
  delete: ['Verwijdering', 'Suppression', 'Removal'],
  list: ['Inzage van de lijst', 'Consultation de la liste', 'List read'],
  versions: ['Inzage van de vroegere versies', 'Consultation des versions antérieures', 'Earlier versions read'],
  search: ['Zoekopdracht', 'Recherche', 'Search'],
};

/** Every action written under its own name, in words. */
const ACTIONS: Record<string, Words> = {
  'dossier.read': ['Dossier ingezien', 'Consultation du dossier', 'Dossier read'],
  'dossier.readAsOf': [
    'Dossier ingezien zoals het op een vroegere datum was',
    "Consultation du dossier tel qu'il était à une date antérieure",
    'Dossier read as it was on an earlier date',
  ],
  'house.intakes': ['Intakes van het Huis van het Nederlands ingezien', 'Consultation des accueils de la Maison du néerlandais', 'House of Dutch intakes read'],
  'house.waitingList': [
    'Wachtlijst van het Huis van het Nederlands ingezien',
    "Consultation de la liste d'attente de la Maison du néerlandais",
    'House of Dutch waiting list read',
  ],
  'house.desk': ['Taalloket van het Huis van het Nederlands gebruikt', 'Utilisation du guichet langue de la Maison du néerlandais', 'House of Dutch desk used'],
  'house.placement': ['Persoon in een cursus geplaatst', 'Placement dans un cours', 'Placed on a course'],
  'dossier.timeline': ['Tijdlijn van het dossier ingezien', "Consultation de l'historique du dossier", 'Dossier timeline read'],
  'persons.search': ['Personen gezocht', 'Recherche de personnes', 'Persons searched'],
  'attendance.read': ['Aanwezigheden ingezien', 'Consultation des présences', 'Attendance read'],
  'exchange.consult': [
    'Dossier geraadpleegd via de gegevensuitwisseling',
    "Consultation du dossier par l'échange de données",
    'Dossier consulted through the data exchange',
  ],
  'exchange.consultAsOf': [
    'Dossier geraadpleegd via de gegevensuitwisseling, zoals het op een vroegere datum was',
    "Consultation du dossier par l'échange de données, tel qu'il était à une date antérieure",
    'Dossier consulted through the data exchange as it was on an earlier date',
  ],
  'exchange.consultAttendance': [
    'Aanwezigheden geraadpleegd via de gegevensuitwisseling',
    "Consultation des présences par l'échange de données",
    'Attendance consulted through the data exchange',
  ],
  'exchange.appointment': ['Afspraak aangevraagd', 'Demande de rendez-vous', 'Appointment requested'],
  'exchange.appointments': ['Aangevraagde afspraken ingezien', 'Consultation des rendez-vous demandés', 'Requested appointments read'],
  'exchange.referral': ['Doorverwijzing gemeld', 'Orientation signalée', 'Referral reported'],
  'exchange.referrals': ['Doorverwijzingen ingezien', 'Consultation des orientations', 'Referrals read'],
  'exchange.events': ['Wijzigingsberichten opgehaald', 'Récupération des avis de modification', 'Change notices fetched'],
  'exchange.officeLookup': ['Kantoor opgezocht', "Recherche d'un bureau", 'Office looked up'],
  'exchange.languageRequirement': [
    'Taalvereiste van de Vlaamse Codex Wonen nagegaan',
    'Vérification de la condition linguistique du Code flamand du logement',
    'Language requirement of the Flemish Housing Code checked',
  ],
  'exchange.dvzList': [
    'Lijst voor de Dienst Vreemdelingenzaken opgehaald',
    "Liste pour l'Office des étrangers récupérée",
    'List for the Immigration Office fetched',
  ],
  'exchange.authenticate': ['Aanmelding van een partnersysteem', "Authentification d'un système partenaire", 'Partner system authentication'],
  'dvz.export': [
    'Lijst voor de Dienst Vreemdelingenzaken uitgevoerd',
    "Liste pour l'Office des étrangers exportée",
    'List for the Immigration Office exported',
  ],
  'oauth.token': [
    'Toegangssleutel van een partnersysteem aangevraagd',
    "Demande d'un jeton d'accès par un système partenaire",
    'Partner access token requested',
  ],
  'session.login': ['Aanmelding', 'Connexion', 'Log-in'],
  'session.logout': ['Afmelding', 'Déconnexion', 'Log-out'],
  'users.create': ['Gebruiker aangemaakt', "Création d'un utilisateur", 'User created'],
  'users.update': ['Gebruiker gewijzigd', "Modification d'un utilisateur", 'User changed'],
  'partnerClients.create': ['Partnersysteem toegevoegd', "Ajout d'un système partenaire", 'Partner system added'],
  'partnerClients.update': ['Partnersysteem gewijzigd', "Modification d'un système partenaire", 'Partner system changed'],
  'partnerClients.bindCertificate': [
    'Clientcertificaat aan een partnersysteem gekoppeld',
    'Certificat client lié à un système partenaire',
    'Client certificate bound to a partner system',
  ],
  'partnerClients.unbindCertificate': [
    'Clientcertificaat van een partnersysteem ontkoppeld',
    "Certificat client d'un système partenaire délié",
    'Client certificate unbound from a partner system',
  ],
  'partnerClients.rotateSecret': [
    'Geheim van een partnersysteem vernieuwd',
    "Renouvellement du secret d'un système partenaire",
    'Partner system secret renewed',
  ],
  'notifications.endpoint.create': ['Webhook van een partner geregistreerd', "Enregistrement du webhook d'un partenaire", "Partner's webhook registered"],
  'notifications.endpoint.update': ['Webhook van een partner gewijzigd', "Modification du webhook d'un partenaire", "Partner's webhook changed"],
  'notifications.endpoint.rotateSecret': [
    'Ondertekeningsgeheim van een webhook vernieuwd',
    "Renouvellement du secret de signature d'un webhook",
    'Webhook signing secret renewed',
  ],
  'notifications.replay': [
    'Onbestelbare wijzigingsberichten opnieuw verstuurd',
    'Renvoi des avis de modification non distribuables',
    'Dead-letter change notices replayed',
  ],
  'notifications.manage': ['Webhooks van partners beheerd', 'Gestion des webhooks des partenaires', "Partners' webhooks managed"],
  'authorisations.create': ['Machtiging toegevoegd', "Ajout d'une autorisation", 'Authorisation added'],
  'authorisations.update': ['Machtiging gewijzigd', "Modification d'une autorisation", 'Authorisation changed'],
  'audit.search': ['Audittrail doorzocht', "Recherche dans le journal d'audit", 'Audit trail searched'],
  'audit.personReport': [
    'Overzicht van de raadplegingen van een persoon opgemaakt',
    "Établissement du rapport des consultations d'une personne",
    "Person's access report made",
  ],
  'audit.integrationAnomalies': [
    'Afwijkingen in het integratieregister ingezien',
    "Consultation des anomalies du registre d'intégration",
    'Integration register anomalies read',
  ],
  'retention.purge': [
    'Gegevens gewist of geanonimiseerd na hun bewaartermijn',
    'Données supprimées ou anonymisées au terme de leur délai de conservation',
    'Data deleted or anonymised at the end of their retention term',
  ],
  'retention.partnerCopyPurged': [
    'Integratie en wijzigingsberichten van een partner gewist na hun bewaartermijn',
    "Intégration et avis de modification d'un partenaire supprimés au terme de leur délai de conservation",
    "A partner's integration and change notices deleted at the end of their retention term",
  ],
  'retention.logTrimmed': [
    'Logboek ingekort na zijn bewaartermijn',
    'Journal raccourci au terme de son délai de conservation',
    'Log shortened at the end of its retention term',
  ],
  'retention.partitionsDropped': [
    'Lege jaren van de lesdeelnames verwijderd na hun bewaartermijn',
    'Années vides des présences aux cours supprimées au terme de leur délai de conservation',
    'Empty years of lesson attendance dropped at the end of their retention term',
  ],
  'retention.auditTrimmed': [
    'Audittrail ingekort na zijn bewaartermijn (controlepunt)',
    "Journal d'audit raccourci au terme de son délai de conservation (point de contrôle)",
    'Audit trail shortened at the end of its retention term (checkpoint)',
  ],
  'database.backup': [
    'Reservekopie van de hele databank gemaakt',
    'Copie de sauvegarde de toute la base de données réalisée',
    'Backup of the whole database made',
  ],
  'statistics.validate': ['Statistiek gevalideerd', "Validation d'une statistique", 'Statistics validated'],
  'statistics.compute': ['Statistiek berekend', "Calcul d'une statistique", 'Statistics computed'],
  'statistics.publish': ['Statistiek gepubliceerd', "Publication d'une statistique", 'Statistics published'],
  'statistics.restate': ['Statistiek herzien', "Révision d'une statistique", 'Statistics restated'],
  'statistics.exchanges': ['Gebruik van de gegevensuitwisseling ingezien', "Consultation de l'usage de l'échange de données", 'Data exchange usage read'],
  'integrations.declare': [
    'Persoon als cliënt aangegeven in het integratieregister',
    "Personne déclarée comme client au registre d'intégration",
    'Person declared as client in the integration register',
  ],
  'integrations.end': ['Einde van de cliëntrelatie gemeld', 'Fin de la relation client signalée', 'End of the client relationship reported'],
  'integrations.list': ['Integratieregister ingezien', "Consultation du registre d'intégration", 'Integration register read'],
  'integrations.search': ['Integratieregister doorzocht', "Recherche dans le registre d'intégration", 'Integration register searched'],
  'worklist.assign': ['Werk toegewezen aan een medewerker', 'Tâche attribuée à un collaborateur', 'Work assigned to a staff member'],
  'referrals.worklist': ['Werklijst van de doorverwijzingen ingezien', 'Consultation de la liste de travail des orientations', 'Referral worklist read'],
  'referrals.expire': ['Doorverwijzing vervallen', 'Orientation expirée', 'Referral expired'],
  'referrals.decide': ['Beslissing over een doorverwijzing', 'Décision sur une orientation', 'Decision on a referral'],
  'appointments.worklist': ['Werklijst van de afspraken ingezien', 'Consultation de la liste de travail des rendez-vous', 'Appointment worklist read'],
  'appointments.plan': ['Afspraak ingepland', 'Rendez-vous planifié', 'Appointment planned'],
  'appointments.hold': ['Afspraak als gehouden gemeld', 'Rendez-vous signalé comme tenu', 'Appointment marked held'],
  'appointments.cancel': ['Afspraak geannuleerd', 'Rendez-vous annulé', 'Appointment cancelled'],
  'infringementProposals.worklist': [
    'Werklijst van de voorstellen van inbreuk ingezien',
    "Consultation de la liste de travail des propositions d'infraction",
    'Infringement proposal worklist read',
  ],
  'infringementProposals.decide': [
    'Beslissing over een voorstel van inbreuk',
    "Décision sur une proposition d'infraction",
    'Decision on an infringement proposal',
  ],
  'infringementCases.worklist': [
    'Werklijst van de inbreukdossiers ingezien',
    "Consultation de la liste de travail des dossiers d'infraction",
    'Infringement case worklist read',
  ],
  'infringementCases.decide': ['Beslissing in een inbreukdossier', "Décision dans un dossier d'infraction", 'Decision in an infringement case'],
  'infringementCases.handToOcmw': ['Inbreukdossier overgedragen aan het OCMW', "Dossier d'infraction transmis au CPAS", 'Infringement case handed to the OCMW'],
  'certificateProposals.worklist': [
    'Werklijst van de voorstellen van attest ingezien',
    "Consultation de la liste de travail des propositions d'attestation",
    'Certificate proposal worklist read',
  ],
  'certificateProposals.decide': [
    'Beslissing over een voorstel van attest',
    "Décision sur une proposition d'attestation",
    'Decision on a certificate proposal',
  ],
  'targetGroup.propose': ['Doelgroepbepaling voorgesteld', 'Détermination du groupe cible proposée', 'Target-group determination proposed'],
  'followUp.registrations': [
    'Opvolging van de tijdige aanmelding ingezien',
    "Consultation du suivi de l'inscription à temps",
    'Timely-registration follow-up read',
  ],
  'followUp.attendance': [
    'Opvolging van de regelmatige deelname ingezien',
    'Consultation du suivi de la participation régulière',
    'Regular-participation follow-up read',
  ],
  'discimusQueries.create': ['Schoolinschrijving gevraagd aan DISCIMUS', 'Inscription scolaire demandée à DISCIMUS', 'School enrolment asked of DISCIMUS'],
  'discimusQueries.list': ['Vragen aan DISCIMUS ingezien', 'Consultation des questions à DISCIMUS', 'DISCIMUS queries read'],
  'imports.participations': ['Aanwezigheden ingelezen uit een bestand', "Présences importées d'un fichier", 'Attendance imported from a file'],
  'imports.enrolments': ['Inschrijvingen ingelezen uit een bestand', "Inscriptions importées d'un fichier", 'Enrolments imported from a file'],
  'magda.import': [
    'Dossier ingelezen uit een KBI-dossierbestand (MAGDA)',
    "Dossier importé d'un fichier de dossiers KBI (MAGDA)",
    'Dossier imported from a KBI dossier file (MAGDA)',
  ],
  'magda.GeefDossierKBI': ['Dossier opgevraagd via MAGDA', 'Dossier demandé via MAGDA', 'Dossier requested through MAGDA'],
  'magda.RegistreerInschrijving': ['Integratie gemeld via MAGDA', 'Intégration déclarée via MAGDA', 'Integration registered through MAGDA'],
  'magda.RegistreerUitschrijving': [
    'Einde van integratie gemeld via MAGDA',
    "Fin d'intégration déclarée via MAGDA",
    'End of integration registered through MAGDA',
  ],
};

const THROTTLED: Words = ['afgeremd na te veel mislukte pogingen', 'freiné après trop de tentatives échouées', 'slowed down after too many failed attempts'];
const AT_THE_DOOR: Words = ['Verzoek aan', 'Requête à', 'Request to'];
const ROUTE = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\/\S*)$/;

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A cluster, record or table in words; null when the catalogue lacks it. */
export function subjectWords(subject: string, lang: Lang): string | null {
  const w = SUBJECTS[subject] ?? SUBJECTS[camel(subject)];
  return w ? pick(w, lang) : null;
}

/** What was seen, in words: a cluster's name (a name KBI does not know shows as itself). */
export const clusterWords = (cluster: string, lang: Lang): string => subjectWords(cluster, lang) ?? cluster;

/** An action code in words; null when the catalogue cannot name it (the unit test sees to it that it can). */
export function actionWordsOrNull(action: string, lang: Lang): string | null {
  const exact = ACTIONS[action];
  if (exact) return pick(exact, lang);
  const route = ROUTE.exec(action);
  // Refused at the door (no session, no capability): the route is the only fact there is.
  if (route) return `${pick(AT_THE_DOOR, lang)} ${route[2]} (${route[1]})`;
  if (action.endsWith('.throttled')) {
    const base = actionWordsOrNull(action.slice(0, -'.throttled'.length), lang);
    return base ? `${base}, ${pick(THROTTLED, lang)}` : null;
  }
  const dot = action.lastIndexOf('.');
  if (dot < 0) return null;
  const verb = VERBS[action.slice(dot + 1)];
  const subject = subjectWords(action.slice(0, dot), lang);
  return verb && subject ? `${pick(verb, lang)}: ${subject}` : null;
}

/** An action in words, or the code itself if the catalogue cannot name it. */
export const actionWords = (action: string, lang: Lang): string => actionWordsOrNull(action, lang) ?? action;

export const RESULT_WORDS: Record<'allowed' | 'denied', Words> = {
  allowed: ['toegestaan', 'autorisé', 'allowed'],
  denied: ['geweigerd', 'refusé', 'refused'],
};
export const resultWords = (result: string, lang: Lang): string => (result === 'allowed' || result === 'denied' ? pick(RESULT_WORDS[result], lang) : result);

export const ACTOR_KIND_WORDS: Record<string, Words> = {
  staff: ['medewerker', 'collaborateur', 'staff member'],
  partner: ['partnersysteem', 'système partenaire', 'partner system'],
  system: ['KBI zelf', 'KBI lui-même', 'KBI itself'],
};

/** Who acted when the trail knows no name: KBI's own processes, or someone not (yet) identified. */
export function unnamedActorWords(actorId: string, actorKind: string, lang: Lang): string {
  if (actorId === 'anonymous') return pick(['niet aangemeld', 'non identifié', 'not logged in'], lang);
  if (actorKind === 'system')
    return pick(
      [
        'Kruispuntbank Inburgering (automatische verwerking)',
        "Banque-carrefour de l'intégration civique (traitement automatique)",
        'KBI (automatic processing)',
      ],
      lang,
    );
  return actorId;
}

// --- Purposes and their legal basis -------------------------------------------------------------

/** The decree that founds KBI and the processing by the agencies and the Houses of Dutch. */
const DECREE_2013: Words = [
  'Decreet van 7 juni 2013 betreffende het Vlaamse integratie- en inburgeringsbeleid',
  'Décret du 7 juin 2013 relatif à la politique flamande d’intégration et d’intégration civique',
  'Decree of 7 June 2013 on the Flemish integration and civic integration policy',
];
const OCMW_ACTS: Words = [
  'Organieke wet van 8 juli 1976 betreffende de openbare centra voor maatschappelijk welzijn, wet van 26 mei 2002 betreffende het recht op maatschappelijke integratie en decreet van 7 juni 2013 betreffende het Vlaamse integratie- en inburgeringsbeleid',
  'Loi organique du 8 juillet 1976 des centres publics d’action sociale, loi du 26 mai 2002 concernant le droit à l’intégration sociale et décret du 7 juin 2013 relatif à la politique flamande d’intégration et d’intégration civique',
  'Organic Act of 8 July 1976 on the public social welfare centres, Act of 26 May 2002 on the right to social integration and Decree of 7 June 2013 on the Flemish integration and civic integration policy',
];
const GDPR_SUPERVISION: Words = [
  'Algemene verordening gegevensbescherming (AVG), artikelen 15 en 39',
  'Règlement général sur la protection des données (RGPD), articles 15 et 39',
  'General Data Protection Regulation (GDPR), articles 15 and 39',
];
const PARTNER_AUTHORISATION: Words = [
  'De machtiging van de partner voor dit doel, op grond van het decreet van 7 juni 2013 betreffende het Vlaamse integratie- en inburgeringsbeleid',
  'L’autorisation du partenaire pour cette finalité, sur la base du décret du 7 juin 2013 relatif à la politique flamande d’intégration et d’intégration civique',
  "The partner's authorisation for this purpose, under the Decree of 7 June 2013 on the Flemish integration and civic integration policy",
];

interface Purpose {
  words: Words;
  basis: Words;
}

/**
 * The task a staff member's role carries out: the purpose of a read for which no explicit purpose
 * was given. Keys are the roles of access.policy.ts, and `system` for KBI's own processes.
 */
const ROLE_TASKS: Record<string, Purpose> = {
  AGENCY_CASEWORKER: {
    words: ['Opvolging van het inburgeringstraject', 'Suivi du parcours d’intégration civique', 'Follow-up of the civic integration path'],
    basis: DECREE_2013,
  },
  TEAM_LEAD: {
    words: ['Opvolging van het inburgeringstraject', 'Suivi du parcours d’intégration civique', 'Follow-up of the civic integration path'],
    basis: DECREE_2013,
  },
  HOUSE_OF_DUTCH: {
    words: [
      'Taalintake en toeleiding naar een cursus Nederlands',
      'Bilan linguistique et orientation vers un cours de néerlandais',
      'Language intake and placement in a Dutch course',
    ],
    basis: DECREE_2013,
  },
  OCMW_SOCIAL_WORKER: {
    words: [
      'Begeleiden van de OCMW-cliënt bij de maatschappelijke integratie',
      'Accompagner le client du CPAS dans son intégration sociale',
      'Guiding the OCMW client towards social integration',
    ],
    basis: OCMW_ACTS,
  },
  MONITORING_ANALYST: {
    words: [
      'Statistiek en opvolging van het inburgeringsbeleid',
      'Statistiques et suivi de la politique d’intégration civique',
      'Statistics and monitoring of the civic integration policy',
    ],
    basis: DECREE_2013,
  },
  PRIVACY_OFFICER: {
    words: ['Toezicht op de bescherming van persoonsgegevens', 'Contrôle de la protection des données personnelles', 'Supervision of personal data protection'],
    basis: GDPR_SUPERVISION,
  },
  ADMINISTRATOR: {
    words: ['Beheer van de Kruispuntbank Inburgering', "Gestion de la Banque-carrefour de l'intégration civique", 'Administration of the KBI'],
    basis: DECREE_2013,
  },
  system: {
    words: ['Werking van de Kruispuntbank Inburgering', "Fonctionnement de la Banque-carrefour de l'intégration civique", 'Operation of the KBI'],
    basis: DECREE_2013,
  },
};

/** The legal basis of the purposes of code list `purpose` (seed 003 §34, §37). */
const PURPOSE_BASIS: Record<string, Words> = {
  BEGELEIDING_OCMW_CLIENT: OCMW_ACTS,
  SANCTIONERING_WERKBEREIDHEID: OCMW_ACTS,
  CONTROLE_INBURGERINGSPLICHT: DECREE_2013,
};

/** The labels of a code list, as read from the database: code → [nl, fr, en]. */
export type CodeLabels = ReadonlyMap<string, Words>;

export interface PurposeReading {
  /** The purpose in words; never empty. */
  purpose: string;
  legalBasis: string;
  /** Whether the purpose was stated with the access (header or partner call) or follows from the role's task. */
  stated: boolean;
}

/**
 * The purpose of one access and its legal basis, in words. A stated purpose is named by its
 * label (code list `purpose`) or, when it is no code, as stated; a staff member's access without
 * one has the purpose of the role's task.
 */
export function purposeOf(access: { purpose: string | null; actorKind: string; role: string | null }, purposes: CodeLabels, lang: Lang): PurposeReading {
  if (access.purpose) {
    const label = purposes.get(access.purpose);
    const basis =
      PURPOSE_BASIS[access.purpose] ?? (access.actorKind === 'partner' ? PARTNER_AUTHORISATION : (ROLE_TASKS[access.role ?? '']?.basis ?? DECREE_2013));
    return { purpose: label ? pick(label, lang) : access.purpose, legalBasis: pick(basis, lang), stated: true };
  }
  const task = ROLE_TASKS[access.actorKind === 'system' ? 'system' : (access.role ?? '')];
  if (task) return { purpose: pick(task.words, lang), legalBasis: pick(task.basis, lang), stated: false };
  if (access.actorKind === 'partner')
    return {
      purpose: pick(['Uitwisseling met een gemachtigde partner', 'Échange avec un partenaire autorisé', 'Exchange with an authorised partner'], lang),
      legalBasis: pick(PARTNER_AUTHORISATION, lang),
      stated: false,
    };
  return { purpose: pick(ROLE_TASKS.system!.words, lang), legalBasis: pick(DECREE_2013, lang), stated: false };
}

/** Every name the catalogue has for subjects: for the test that checks every record and cluster is named. */
export const NAMED_CLUSTERS = [...DATA_CLUSTERS, ...OTHER_CLUSTERS];
export const GENERIC_VERBS = Object.keys(VERBS);
