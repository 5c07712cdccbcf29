/**
 * Where a person's data lives, for the purge: the tables of each data cluster, the columns that
 * identify the person in them (what ANONYMISE removes), the dated facts that say how long ago the
 * dossier was last active, and the logs that keep the person's id for their own term.
 * `retention.tables.test.ts` fails when clusters.ts gains a text field nobody classified here, and
 * the purge refuses to run when the database holds a person-scoped table this file does not know.
 */
import { DOSSIER_RESOURCES, PERSON_RESOURCE, type ClusterName } from '../dossier/clusters.ts';

/** The clusters that are tables of their own (trajectoryOffice and sanctioningPartner are columns of trajectories). */
export type RetentionCluster = Exclude<ClusterName, 'trajectoryOffice' | 'sanctioningPartner'>;

/** Person-scoped tables outside clusters.ts: the rules' work items, which belong to the cluster they propose into. */
const WORK_ITEMS: Record<string, { cluster: RetentionCluster; dates: string[] }> = {
  infringement_proposals: { cluster: 'infringements', dates: ['detected_on', 'decided_on'] },
  certificate_proposals: { cluster: 'certificates', dates: ['detected_on', 'decided_on'] },
};

export interface PersonTable {
  table: string;
  cluster: RetentionCluster;
  /** Columns whose values are days or moments of facts (a moment counts by its Belgian day). */
  dates: { column: string; moment: boolean }[];
}

/** Every table of a person's dossier (persons itself excluded), with its cluster and dated facts. */
export const PERSON_TABLES: PersonTable[] = [
  ...DOSSIER_RESOURCES.map((def) => ({
    table: def.table,
    cluster: def.cluster as RetentionCluster,
    dates: def.fields.filter((f) => f.type === 'date' || f.type === 'datetime').map((f) => ({ column: f.column, moment: f.type === 'datetime' })),
  })),
  ...Object.entries(WORK_ITEMS).map(([table, w]) => ({ table, cluster: w.cluster, dates: w.dates.map((column) => ({ column, moment: false })) })),
];

/** The dated facts of the person record itself (a birth date is no activity). */
export const PERSON_DATES = ['first_extraction_date'];

export const CLUSTER_TABLES = new Map<RetentionCluster, string[]>();
for (const t of PERSON_TABLES) CLUSTER_TABLES.set(t.cluster, [...(CLUSTER_TABLES.get(t.cluster) ?? []), t.table]);

/**
 * What ANONYMISE removes from each table: the free text people write (remarks, reasons,
 * descriptions) and the numbers that lead back to the person elsewhere (an enrolment's or a fact's
 * number at the partner, a certificate's document number). The value is what replaces it: null, or
 * for a column that may not be empty an empty value. Codes, dates and references to offices stay:
 * they are what the statistics count.
 */
export const ANONYMISED_COLUMNS: Record<string, Record<string, 'null' | 'emptyArray'>> = {
  target_group_determinations: { override_reason: 'null' },
  contract_addenda: { description: 'null' },
  certificates: { document_id: 'null' },
  trajectories: { decision_reason: 'null', decision_reason_short: 'null' },
  trajectory_components: { remarks: 'null', decision_reason: 'null', decision_reason_short: 'null' },
  enrolments: { external_id: 'null' },
  client_preferences: { postcodes: 'emptyArray' },
  infringements: { motivation: 'null', rectification_form: 'null' },
  infringement_facts: { external_id: 'null' },
  infringement_decisions: { reason: 'null' },
  living_wage_records: { remarks: 'null' },
  infringement_proposals: { decision_reason: 'null' },
  certificate_proposals: { decision_reason: 'null' },
  // Clusters the seeded rules delete; anonymised if a rule says so.
  language_intakes: { remarks: 'null' },
  advice: { text: 'null', label: 'null', label_short: 'null' },
  diploma_recognition_support: { remarks: 'null' },
  conversations: { text: 'null' },
  appointments: { extra_information: 'null', cancellation_reason: 'null' },
  referrals: { description: 'null', decision_reason: 'null' },
  dvz_advice: { remarks: 'null' },
  housing_requirements: { followed_up_by: 'null' },
};

/**
 * Text fields of clusters.ts that stay when a record is anonymised: codes and classifications that
 * say nothing about who the person is. (dossiers.dossier_number is replaced, see the purge.)
 */
export const KEPT_TEXT: Record<string, string[]> = {
  dossiers: ['dossier_number'],
  target_group_determinations: ['proposed_outcome', 'proposal_rule_id'],
  certificates: ['document_class'],
  level_attainments: ['domain', 'basis'],
  literacy_assessments: ['script'],
  infringements: ['kbi_type'],
  infringement_facts: ['kind'],
};

/** What the personalia keep when anonymised: what the statistics count (the province through a postcode that stands for it). */
export const PERSON_KEPT = [
  'gender',
  'nationality',
  'residence_status',
  'first_extraction_date',
  'correspondence_language',
  'created_by_organisation_id',
  'created_by_office_id',
  'created_by_kbo',
];
/** The personalia that go (every other field of the person record). */
export const PERSON_REMOVED = PERSON_RESOURCE.fields.map((f) => f.column).filter((c) => !PERSON_KEPT.includes(c));

/**
 * Tables that hold a person's id but are no part of the dossier: logs with a term of their own
 * (retention_rules LOG), the stored dossier document (a cache that goes with the person), and the
 * partners' change notices (a partner copy).
 */
export const LOG_TABLES_WITH_PERSON = ['audit_log', 'discimus_queries', 'language_requirement_checks', 'outbox_events', 'dossier_documents'];
