/**
 * What the consultation screen receives from `/api/v1/consultations/*`: the consult answer of
 * seed 003 §57 (only the clusters the OCMW is authorised for today) and the OCMW's appointments.
 * Field names are the API's (camelCase of the columns in server/modules/dossier/clusters.ts).
 */

/** Cluster names as the server speaks them (DATA_CLUSTERS and OTHER_CLUSTERS). */
export type Cluster =
  | 'caseLead'
  | 'languages'
  | 'contracts'
  | 'certificates'
  | 'registration'
  | 'targetGroup'
  | 'level'
  | 'advice'
  | 'perspective'
  | 'trajectories'
  | 'trajectoryOffice'
  | 'sanctioningPartner'
  | 'components'
  | 'componentSuspensions'
  | 'courses'
  | 'diplomaRecognition'
  | 'conversations'
  | 'personalia'
  | 'invitations'
  | 'appointments'
  | 'referrals'
  | 'infringements'
  | 'dvzAdvice'
  | 'housingRequirement';

interface Base {
  id: string;
  recordedAt?: string;
}

export interface CaseLead extends Base {
  dossierNumber?: string;
  caseLeadOrganisationId?: string;
  caseLeadSince?: string;
  managingOfficeId?: string;
  contactStaffId?: string;
  openedOn: string;
  closedOn?: string;
}
export interface TargetGroupDetermination extends Base {
  determinedOn: string;
  determined: boolean;
  type?: string;
  subtype?: string;
  startDate?: string;
  endDate?: string;
  noTargetGroupReason?: string;
  exemptionReason?: string;
  officeId?: string;
}
export interface Registration extends Base {
  registeredOn: string;
  type: string;
  reason: string;
  officeId?: string;
}
export interface Postponement extends Base {
  startDate: string;
  endDate?: string;
  reason: string;
}
export interface Contract extends Base {
  kind: string;
  signedOn: string;
  registeredOn: string;
  endDate?: string;
  officeId?: string;
  createdByKbo?: string;
}
export interface ContractAddendum extends Base {
  contractId: string;
  signedOn: string;
  description?: string;
}
export interface ContractPart extends Base {
  contractId: string;
  addendumId?: string;
  part: string;
}
export interface ContractSuspension extends Base {
  contractId: string;
  startDate: string;
  endDate?: string;
  reason: string;
}
export interface Certificate extends Base {
  kind: string;
  documentType?: string;
  documentId?: string;
  issuedOn: string;
  signedOn?: string;
  expiresOn?: string;
  issuedByKbo?: string;
  officeId?: string;
}
export interface Trajectory extends Base {
  type: string;
  startDate: string;
  endDate?: string;
  managingOfficeId?: string;
  contactStaffId?: string;
  sanctioningPartnerId?: string;
  status: string;
  statusSince: string;
  decision?: string;
  decisionDate?: string;
  decisionReason?: string;
  endReason?: string;
}
export interface TrajectoryComponent extends Base {
  trajectoryId: string;
  type: string;
  startDate: string;
  endDate?: string;
  status: string;
  statusSince: string;
  exempted?: boolean;
  remarks?: string;
  decision?: string;
  decisionDate?: string;
  decisionReason?: string;
}
export interface ComponentSuspension extends Base {
  componentId: string;
  startDate: string;
  endDate?: string;
  reason: string;
}
export interface Enrolment extends Base {
  courseId: string;
  moduleId?: string;
  componentId?: string;
  enrolledOn: string;
  startDate?: string;
  endDate?: string;
  status: string;
  targetAttendanceRate?: number;
  exitReason?: string;
  result?: string;
}
export interface Participation extends Base {
  enrolmentId: string;
  lessonId: string;
  attendance: string;
}
export interface WaitingListEntry extends Base {
  courseType: string;
  appliedOn: string;
  providerId?: string;
  officeId?: string;
  status: string;
  statusSince: string;
  enrolmentId?: string;
}
export interface TestResult extends Base {
  testType: string;
  takenOn: string;
  result: string;
  level?: string;
  score?: number;
  maxScore?: number;
  providerId?: string;
}
export interface LevelAttainment extends Base {
  domain?: string;
  level: string;
  obtainedOn: string;
  basis: string;
  testResultId?: string;
}
export interface LanguageSkill extends Base {
  language: string;
  proficiency: string;
  contactLanguage?: boolean;
}
export interface LiteracyAssessment extends Base {
  script?: string;
  level: string;
  assessedOn: string;
}
export interface Advice extends Base {
  source: string;
  adviceType: string;
  givenOn: string;
  givenById?: string;
  advisedLevel?: string;
  courseType?: string;
  intensity?: string;
  text?: string;
}
export interface Perspective extends Base {
  trajectoryId?: string;
  perspective: string;
  startDate: string;
  endDate?: string;
}
export interface DiplomaSupport extends Base {
  supportType: string;
  givenOn: string;
  officeId?: string;
  remarks?: string;
}
export interface Conversation extends Base {
  heldAt: string;
  officeId?: string;
  staffId?: string;
  channel?: string;
  text?: string;
}
export interface Infringement extends Base {
  trajectoryId?: string;
  caseId?: string;
  type: string;
  sanctioningAuthority: string;
  establishedOn: string;
  noticeSentOn?: string;
  motivation?: string;
}
export interface InfringementDecision extends Base {
  caseId: string;
  decision: string;
  decidedOn: string;
  fineAmount?: number;
  reason?: string;
}

/** The dossier part of a consult answer: one array per resource the authorised clusters hold. */
export interface Dossier {
  caseLead?: CaseLead[];
  targetGroupDeterminations?: TargetGroupDetermination[];
  registrations?: Registration[];
  registrationPostponements?: Postponement[];
  signingPostponements?: Postponement[];
  contracts?: Contract[];
  contractAddenda?: ContractAddendum[];
  contractParts?: ContractPart[];
  contractSuspensions?: ContractSuspension[];
  certificates?: Certificate[];
  trajectories?: Trajectory[];
  trajectoryComponents?: TrajectoryComponent[];
  componentSuspensions?: ComponentSuspension[];
  enrolments?: Enrolment[];
  participations?: Participation[];
  waitingListEntries?: WaitingListEntry[];
  testResults?: TestResult[];
  levelAttainments?: LevelAttainment[];
  languageSkills?: LanguageSkill[];
  literacyAssessments?: LiteracyAssessment[];
  advice?: Advice[];
  perspectives?: Perspective[];
  diplomaRecognitionSupport?: DiplomaSupport[];
  conversations?: Conversation[];
  infringements?: Infringement[];
  infringementDecisions?: InfringementDecision[];
}

export interface PersonSummary {
  insz: string;
  familyName?: string;
  givenNames?: string;
  birthDate?: string;
}

export interface ConsultAnswer {
  known: boolean;
  purpose: string;
  asOf: string | null;
  clusters: Cluster[];
  authorisations: { id: string; legalBasis: string }[];
  person?: PersonSummary;
  dossier?: Dossier;
}

export interface Appointment {
  id: string;
  reason: string;
  extraInformation: string | null;
  wishedDate: string | null;
  timeWindow: string | null;
  status: string;
  plannedAt: string | null;
  officeId: string | null;
  recordedAt: string;
}

export interface Integration {
  id: string;
  capacityCode: string;
  startsOn: string;
  endsOn: string | null;
}

/** Seed 003 §37: the purposes an OCMW consults for; the first is the default. */
export const OCMW_PURPOSES = ['BEGELEIDING_OCMW_CLIENT', 'SANCTIONERING_WERKBEREIDHEID'] as const;
