/**
 * Who may see what: the rule book of staff roles. One place; docs/permissions.md is generated
 * from it (`npm run docs:permissions`), and the table-driven access test reads it.
 *
 * Two questions decide every request on personal data:
 *  1. may this role do this action on this data cluster (or reference table)?
 *  2. is this person inside the actor's territory (area of competence)? An outsider gets 404,
 *     never the record, so that not even the existence of a dossier leaks.
 */
import { DATA_CLUSTERS, type ClusterName } from '../dossier/clusters.ts';
import type { Capability } from '../../platform/access.ts';

export const ROLES = [
  'AGENCY_CASEWORKER',
  'TEAM_LEAD',
  'HOUSE_OF_DUTCH',
  'OCMW_SOCIAL_WORKER',
  'MONITORING_ANALYST',
  'PRIVACY_OFFICER',
  'ADMINISTRATOR',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * all: every person. organisation: persons whose dossier the actor's organisation manages or leads,
 * or that it registered. offices: persons whose dossier is managed by one of the actor's offices, or
 * registered by its organisation and without a managing office yet. clients: the persons the actor's
 * organisation has a record with — an advice it gave, a test taken with it, a place on its waiting
 * list, an enrolment in a course it organises — or that it registered (a House of Dutch: an agency
 * manages the dossier, the House works with the person). none: no person.
 */
export type Territory = 'all' | 'organisation' | 'offices' | 'clients' | 'none';

export type Action = 'read' | 'create' | 'update' | 'delete' | 'search';

/** The rule book of one role: its territory, clusters and reference tables, and every capability (platform/access.ts). */
export interface RolePolicy extends Record<Capability, boolean> {
  description: string;
  territory: Territory;
  /** Clusters whose records the role may read (and search persons by). */
  read: readonly ClusterName[];
  /** Clusters whose records the role may create, change and remove. */
  write: readonly ClusterName[];
  /** Reference tables (not personal data) the role may change; every staff role may read them. */
  referenceWrite: readonly string[];
  /**
   * Whose reference records the role may change: 'all', or only those of its own organisation
   * (REFERENCE_OWNER says which organisation owns a record): a team lead manages the staff of its
   * own agency, a House of Dutch the courses it organises itself.
   */
  referenceScope: 'all' | 'organisation';
  /** Administration: user accounts. */
  manageUsers: boolean;
  /** May read the audit trail: who accessed a person's dossier, when and why (transparency). */
  readAudit: boolean;
  /** Partners' authorisations (machtigingen) and the integration register: read and change them. */
  manageAuthorisations: boolean;
  /**
   * Consults dossiers on behalf of its organisation, as that organisation's partner client would
   * (the OCMW's "Consultatie Inburgering", seed 002): the organisation's authorisations and
   * integration register decide, never the role's own read rights.
   */
  consultForOrganisation: boolean;
  /** Usage statistics of the exchange: exchanges and distinct dossiers per partner, month, purpose and cluster (seed 000, seed 001). */
  readUsageStatistics: boolean;
  /** The runs of every partner's course feeds, with their error reports (functional support). */
  readImportRuns: boolean;
  /** The runs of the re-evaluation of the rules of the decree: when, for whom, what they found, what failed. */
  readRuleEvaluations: boolean;
  /** Records integration-register declarations for a partner, the only way to a start older than the partners' bound (with a reason). */
  recordIntegrations: boolean;
  /** The statistics portal: base sets as known on any date, publications and restatements (aggregates only, never a person). */
  readStatistics: boolean;
  /** Declares a version of a base set's definition valid (its content and scope checked). */
  validateStatistics: boolean;
  /** Publishes figures: freezes a result of a validated definition for a period and cut-off. */
  publishStatistics: boolean;
  /** Works the desk of a House of Dutch: intakes by INSZ, its waiting list, placements on courses. */
  houseOfDutchDesk: boolean;
}

const EVERY_CLUSTER: readonly ClusterName[] = [
  ...DATA_CLUSTERS,
  'personalia',
  'invitations',
  'appointments',
  'referrals',
  'infringements',
  'dvzAdvice',
  'housingRequirement',
];
const CATALOGUE = ['courses', 'course_modules', 'lessons'];

export const POLICY: Record<Role, RolePolicy> = {
  AGENCY_CASEWORKER: {
    description: 'Follows newcomers of the offices they work for: the whole dossier, reading and writing.',
    territory: 'offices',
    read: EVERY_CLUSTER,
    write: EVERY_CLUSTER,
    referenceWrite: [],
    referenceScope: 'organisation',
    manageUsers: false,
    readAudit: false,
    manageAuthorisations: false,
    consultForOrganisation: false,
    readUsageStatistics: false,
    readImportRuns: false,
    readRuleEvaluations: false,
    recordIntegrations: false,
    readStatistics: false,
    validateStatistics: false,
    publishStatistics: false,
    houseOfDutchDesk: false,
  },
  TEAM_LEAD: {
    description: 'Leads a team of caseworkers: the whole dossier of every person the organisation follows.',
    territory: 'organisation',
    read: EVERY_CLUSTER,
    write: EVERY_CLUSTER,
    referenceWrite: ['staff', ...CATALOGUE],
    referenceScope: 'organisation',
    manageUsers: false,
    readAudit: false,
    manageAuthorisations: false,
    consultForOrganisation: false,
    readUsageStatistics: false,
    readImportRuns: false,
    readRuleEvaluations: false,
    recordIntegrations: false,
    readStatistics: false,
    validateStatistics: false,
    publishStatistics: false,
    houseOfDutchDesk: false,
  },
  HOUSE_OF_DUTCH: {
    description:
      'Language intake, advice, placement in NT2 courses and waiting lists, for its clients: the persons it took in, advised, tested, placed or put on its waiting list, or registered. Registers a person only through an intake.',
    territory: 'clients',
    read: ['personalia', 'languages', 'level', 'advice', 'courses', 'registration', 'targetGroup', 'caseLead', 'conversations'],
    write: ['languages', 'level', 'advice', 'courses', 'conversations'],
    referenceWrite: CATALOGUE,
    referenceScope: 'organisation',
    manageUsers: false,
    readAudit: false,
    manageAuthorisations: false,
    consultForOrganisation: false,
    readUsageStatistics: false,
    readImportRuns: false,
    readRuleEvaluations: false,
    recordIntegrations: false,
    readStatistics: false,
    validateStatistics: false,
    publishStatistics: false,
    houseOfDutchDesk: true,
  },
  OCMW_SOCIAL_WORKER: {
    description:
      'Consults, for its OCMW, the dossier of a client it has integrated (seed 002 "Consultatie Inburgering") and requests appointments; no direct access to dossiers.',
    territory: 'none',
    read: [],
    write: [],
    referenceWrite: [],
    referenceScope: 'organisation',
    manageUsers: false,
    readAudit: false,
    manageAuthorisations: false,
    consultForOrganisation: true,
    readUsageStatistics: false,
    readImportRuns: false,
    readRuleEvaluations: false,
    recordIntegrations: false,
    readStatistics: false,
    validateStatistics: false,
    publishStatistics: false,
    houseOfDutchDesk: false,
  },
  MONITORING_ANALYST: {
    description: 'Works with validated statistics only; no access to individual dossiers.',
    territory: 'none',
    read: [],
    write: [],
    referenceWrite: [],
    referenceScope: 'organisation',
    manageUsers: false,
    readAudit: false,
    manageAuthorisations: false,
    consultForOrganisation: false,
    readUsageStatistics: true,
    readImportRuns: false,
    readRuleEvaluations: false,
    recordIntegrations: false,
    readStatistics: true,
    validateStatistics: true,
    publishStatistics: true,
    houseOfDutchDesk: false,
  },
  PRIVACY_OFFICER: {
    description: 'Oversees authorisations and the audit trail; reads who accessed a dossier, not the dossier.',
    territory: 'none',
    read: [],
    write: [],
    referenceWrite: [],
    referenceScope: 'organisation',
    manageUsers: false,
    readAudit: true,
    manageAuthorisations: true,
    consultForOrganisation: false,
    readUsageStatistics: true,
    readImportRuns: false,
    readRuleEvaluations: false,
    recordIntegrations: false,
    readStatistics: true,
    validateStatistics: false,
    publishStatistics: false,
    houseOfDutchDesk: false,
  },
  ADMINISTRATOR: {
    description: 'Manages accounts, organisations, offices and the course catalogue; functional support on every dossier.',
    territory: 'all',
    read: EVERY_CLUSTER,
    write: EVERY_CLUSTER,
    referenceWrite: ['organisations', 'offices', 'staff', ...CATALOGUE],
    referenceScope: 'all',
    manageUsers: true,
    readAudit: false,
    manageAuthorisations: true,
    consultForOrganisation: false,
    readUsageStatistics: true,
    readImportRuns: true,
    readRuleEvaluations: true,
    recordIntegrations: true,
    readStatistics: true,
    validateStatistics: false,
    publishStatistics: false,
    houseOfDutchDesk: false,
  },
};

/**
 * Which organisation owns a reference record: the column naming it, or (via) the parent record's
 * owner — a lesson belongs to its module's course's provider.
 */
export const REFERENCE_OWNER: Record<string, { column: string; via?: string }> = {
  organisations: { column: 'id' },
  offices: { column: 'organisation_id' },
  staff: { column: 'organisation_id' },
  courses: { column: 'provider_id' },
  course_modules: { column: 'course_id', via: 'courses' },
  lessons: { column: 'module_id', via: 'course_modules' },
};

/** May `role` do `action` on records of `cluster` (or, for reference data, on `table`)? */
export function roleAllows(role: Role, action: Action, cluster: ClusterName | null, table?: string): boolean {
  const policy = POLICY[role];
  if (!policy) return false;
  if (cluster === null) return action === 'read' || action === 'search' ? true : policy.referenceWrite.includes(table ?? '');
  return action === 'read' || action === 'search' ? policy.read.includes(cluster) : policy.write.includes(cluster);
}
