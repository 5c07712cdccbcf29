/**
 * Where every table goes when one PostgreSQL primary is no longer enough and the schema is spread
 * over a distributed PostgreSQL (Citus): the plan of docs/SCALING.md as data, so that it cannot drift
 * from the schema or the code.
 *
 * - `distributed`: hash-distributed on `column`. Tables of one `group` are co-located: the rows of
 *   one person — the dossier, its history, its audit records, its stored document — live on one
 *   shard, so everything the application does for one person is one shard's work (a router query,
 *   a one-node transaction), and a join of two of them on the person is done on each shard.
 * - `reference`: small, rarely written, read with personal data (code lists, organisations,
 *   offices, courses, authorisations, accounts): a copy on every node, so a join with a distributed
 *   table stays on the shard.
 * - `local`: stays on the coordinator only — operator, session and relay state, singletons —
 *   never joined with a distributed table.
 *
 * tests/schema/distribution.test.ts holds the schema and the code to this: every table of the
 * migrated database must be here (a new table must be placed), every distributed table must have its
 * column, and every statement the application sends while it works through its flows must pin the
 * distribution column of each distributed table it touches — or be listed in MULTI_SHARD below with
 * the reason it may ask every shard.
 */

/** The co-location groups: what the distribution column holds. */
export type Group =
  /** A person's id (`persons.id`, elsewhere `person_id`). */
  | 'person'
  /** An INSZ, as the partners name people in their integration register. */
  | 'insz'
  /** The recipient partner organisation of an event. */
  | 'partner';

export type Placement =
  | {
      kind: 'distributed';
      column: string;
      group: Group;
      reason: string;
      /** When the column may be NULL: which rows have no value and where they go under Citus (a distribution column cannot be NULL). */
      withoutKey?: string;
    }
  | { kind: 'reference'; reason: string }
  | { kind: 'local'; reason: string };

const byPerson = (reason: string): Placement => ({ kind: 'distributed', column: 'person_id', group: 'person', reason });
const reference = (reason: string): Placement => ({ kind: 'reference', reason });
const local = (reason: string): Placement => ({ kind: 'local', reason });

/** Tables with a `<table>_history` twin (kept by trigger kbi_keep_history): the twin goes where its table goes. */
const WITH_HISTORY: Record<string, Placement> = {
  persons: {
    kind: 'distributed',
    column: 'id',
    group: 'person',
    reason: 'the person: its id is the distribution key of every personal table; a lookup by INSZ resolves the id first (SCALING.md, "INSZ")',
  },
  dossiers: byPerson('one per person: case lead and managing office'),
  invitations: byPerson('a person’s invitations'),
  target_group_determinations: byPerson('a person’s target group decisions'),
  registrations: byPerson('a person’s registrations'),
  registration_postponements: byPerson('a person’s registration postponements'),
  signing_postponements: byPerson('a person’s signing postponements'),
  contracts: byPerson('a person’s integration contracts'),
  contract_addenda: byPerson('addenda of a person’s contracts'),
  contract_parts: byPerson('parts of a person’s contracts'),
  contract_suspensions: byPerson('suspensions of a person’s contracts'),
  certificates: byPerson('a person’s certificates'),
  certificate_proposals: byPerson('certificates the rules propose for a person'),
  trajectories: byPerson('a person’s trajectories'),
  trajectory_components: byPerson('components of a person’s trajectories'),
  component_suspensions: byPerson('suspensions of a person’s components'),
  enrolments: byPerson('a person’s course enrolments'),
  participations: byPerson('a person’s lesson-by-lesson attendance: the largest table (50 rows per person, BENCHMARKS.md)'),
  waiting_list_entries: byPerson('a person’s places on waiting lists'),
  client_preferences: byPerson('a person’s course preferences'),
  test_results: byPerson('a person’s test results'),
  level_attainments: byPerson('a person’s language levels'),
  language_skills: byPerson('a person’s languages'),
  literacy_assessments: byPerson('a person’s literacy'),
  language_intakes: byPerson('a person’s intakes at a House of Dutch'),
  advice: byPerson('a person’s advice'),
  perspectives: byPerson('a person’s perspectives'),
  diploma_recognition_support: byPerson('a person’s diploma recognition support'),
  conversations: byPerson('a person’s conversations'),
  appointments: byPerson('appointments partners request for a person'),
  referrals: byPerson('referrals of a person between organisations'),
  infringement_cases: byPerson('a person’s infringement cases'),
  infringements: byPerson('a person’s infringements'),
  infringement_facts: byPerson('facts of a person’s infringements'),
  infringement_decisions: byPerson('decisions on a person’s cases'),
  infringement_proposals: byPerson('infringements the rules propose for a person'),
  living_wage_records: byPerson('a person’s living wage periods'),
  dvz_advice: byPerson('advice to DVZ about a person'),
  housing_requirements: byPerson('a person’s housing (Wooncode) requirement'),
  integrations: {
    kind: 'distributed',
    column: 'insz',
    group: 'insz',
    reason:
      'the partners’ integration registers name people by INSZ (a partner may declare someone KBI does not know yet): co-located with the INSZ lookup of the consult, not with the person (SCALING.md, "INSZ")',
  },
  organisations: reference('agencies, partners, providers: joined with nearly every personal table (territory, kind of partner)'),
  offices: reference('offices of the organisations: territory and managing office of personal rows'),
  staff: reference('contact persons named in dossiers'),
  courses: reference('course offer, read with enrolments; a few thousand rows'),
  course_modules: reference('modules of the courses'),
  lessons: reference('lessons of the modules, joined with participations (500,000 rows at 1,000,000 persons, BENCHMARKS.md)'),
  authorisations: reference('what each partner may receive: read by every consult and by the change routing on every shard'),
  partner_clients: reference('partner API clients: read by every partner request'),
  partner_client_certificates: reference('client certificates bound to partner clients'),
  users: reference('staff accounts: owners of work items (owner_id of personal rows refers to them)'),
};

const history = (p: Placement): Placement =>
  p.kind === 'distributed'
    ? { ...p, reason: `earlier versions: with the current rows of the same ${p.group}` }
    : { ...p, reason: 'earlier versions of the same reference rows' };

/** Every table of the schema and where it goes. */
export const PLACEMENTS: Readonly<Record<string, Placement>> = Object.freeze({
  ...WITH_HISTORY,
  ...Object.fromEntries(Object.entries(WITH_HISTORY).map(([t, p]) => [`${t}_history`, history(p)])),

  dossier_documents: byPerson('each person’s stored dossier document, built and dropped in the transaction of a change to the person'),
  discimus_queries: byPerson('DISCIMUS questions about a person and their answers'),
  language_requirement_checks: {
    kind: 'distributed',
    column: 'person_id',
    group: 'person',
    reason: 'VMSW checks about a person (Wooncode)',
    withoutKey:
      'a check of an INSZ KBI does not know has no person: under Citus such a row takes the INSZ’s keyed hash as key (a NOT NULL key column set to coalesce(person_id, a uuid from insz_hash)), so the person’s report still finds it by that hash',
  },
  audit_log: {
    kind: 'distributed',
    column: 'person_id',
    group: 'person',
    reason:
      'written in the transaction of every read and write of personal data: with the person, so that the audit record commits on the same shard as the data (no two-phase commit on the hot paths); the hash chain becomes one chain per person (SCALING.md, "audit")',
    withoutKey:
      'log-ins, administration and refusals about an unknown INSZ have no person: under Citus their key is the actor’s organisation (a NOT NULL chain key = coalesce(person_id, organisation_id)), one chain per organisation',
  },
  outbox_events: {
    kind: 'distributed',
    column: 'organisation_id',
    group: 'partner',
    reason:
      'each partner reads its own feed in order (organisation, seq): distributed by the recipient; under Citus a change appends to a change log with the person and the relay routes it to the partners (SCALING.md, "outbox")',
  },

  code_list: reference('the 66 code tables: labels of every coded column'),
  dossier_table_clusters: reference('which clusters a change of each dossier table touches: read by the change routing on every shard'),
  audit_key: reference('secret of the keyed INSZ hash: the audit trigger hashes on the shard that writes the record'),
  statistics_definitions: reference('the base set definitions, read with the statistics queries'),
  retention_rules: reference('the retention terms per cluster, partner copy and log, with their legal basis: read by the purge on every shard'),
  retention_rules_history: reference('earlier versions of the retention rules'),

  audit_chain_lanes: local('heads of today’s 16 audit lanes; under Citus each chain head lives with its chain key (SCALING.md, "audit")'),
  outbox_head: local('today’s one global sequence of events; under Citus one head per partner, with its feed (SCALING.md, "outbox")'),
  notification_endpoints: local('partners’ webhooks and the relay’s state per webhook (one row per partner)'),
  notification_attempts: local('log of webhook deliveries, written by the relay'),
  notification_dead_letters: local('events the relay gave up on'),
  sessions: local('staff sessions (no personal data of clients)'),
  login_throttle: local('failed log-in counters'),
  oidc_login_attempts: local('OpenID log-ins under way'),
  idempotency_keys: local('stored answers to create requests, by actor and key'),
  token_signing_key: local('key that signs partner tokens'),
  import_batches: local('runs of the course feeds (operator)'),
  rule_evaluations: local('runs of the rules’ re-evaluation (operator)'),
  statistics_publications: local('published statistics, frozen (no personal data)'),
  statistics_validations: local('who validated which statistics definition'),
  retention_runs: local('runs of the retention purge (operator; counts, no personal data)'),
  audit_chain_checkpoints: local('checkpoints behind which the audit trail was trimmed; under Citus one per chain key, beside its head (SCALING.md, "audit")'),
  kbi_migration: local('applied migrations'),
  kbi_migration_lock: local('the migrator’s lock'),
});

/** Every table of the person's co-location group: the dossier, its history and what hangs on it. */
export const PERSONAL_TABLES: readonly string[] = Object.entries(PLACEMENTS)
  .filter(([, p]) => p.kind === 'distributed' && p.group === 'person')
  .map(([t]) => t)
  .sort();

/**
 * Statements that may ask every shard, each with its reason: where the application deliberately
 * works across persons, or finds a person by something else than the key. `site` is the source file
 * the statement is sent from, or `file#function`; `tables` the distributed tables it may leave
 * unpinned there. Everything else that touches a distributed table must name its key.
 * tests/schema/distribution.test.ts fails on a statement outside this list, and on an entry that no
 * statement of its working day used, so the list stays the true list of multi-shard work.
 */
export interface MultiShard {
  site: string;
  tables: readonly string[];
  reason: string;
  /** Joins two distributed tables on something else than the key (a repartition join under Citus): why, and how it becomes co-located. */
  repartition?: string;
  /** The statement locks rows on every shard, which Citus does on one shard only: the change it needs before the cut-over. */
  beforeCitus?: string;
}

const BY_RECORD_ID =
  'a record addressed by its own id (`/api/v1/{resource}/{id}`, a worklist item): the API does not carry the person, so under Citus one index probe per shard, at the pace of a caseworker’s clicks; person-qualified record ids make it one shard (SCALING.md, "by record id")';
const WORKLIST =
  'an organisation’s worklist over all its persons: by design a multi-shard query (co-located joins on the person, run in parallel on every shard), at the pace of caseworkers opening their lists';
const BY_INSZ =
  'a person found by INSZ (an index probe on every shard): under Citus the INSZ first resolves to the person through the INSZ-distributed lookup, then the statement runs on the person’s shard (SCALING.md, "INSZ")';
const BATCH = 'a background job over the whole population (nightly, or the persons that changed): a multi-shard scan by design, in parallel on every shard';
const RECORD_KEY_JOIN =
  'joins a person’s records by their own keys (enrolment_id, component_id, trajectory_id, case_id) without the person: add `AND x.person_id = y.person_id` (the same person by construction; the composite foreign keys of the cut-over make it a rule) and the join is co-located';
const DEMO = 'the demo world (first start of an empty installation, tests): never runs on a production cluster';

export const MULTI_SHARD: readonly MultiShard[] = [
  // The relay: which partners have events after their cursor.
  {
    site: 'server/modules/notifications/notifications.queries.ts#claimEndpoints',
    tables: ['outbox_events'],
    reason:
      'the relay asks, per webhook, whether its partner has events after its cursor: one probe per partner, on the partner’s own shard of the feed (distributed by organisation, tied by the join to the endpoint’s organisation)',
  },
  {
    site: 'server/modules/notifications/notifications.demo.service.ts#waiting',
    tables: ['outbox_events'],
    reason: DEMO,
  },
  {
    site: 'server/modules/retention/retention.schedule.ts#basisOf',
    tables: ['integrations'],
    reason: `${BATCH}: the partners’ integrations of the persons due, found by their INSZ`,
  },
  // Records by their own id.
  {
    site: 'server/platform/shards.ts#lockById',
    tables: PERSONAL_TABLES,
    reason: `${BY_RECORD_ID}. It finds the record’s person, so that the row lock that follows is taken on that person’s shard alone`,
  },
  { site: 'server/modules/dossier/records.ts#getRecord', tables: PERSONAL_TABLES, reason: BY_RECORD_ID },
  { site: 'server/modules/dossier/records.ts#versionsOf', tables: PERSONAL_TABLES, reason: BY_RECORD_ID },
  { site: 'server/modules/rules/work-items.ts#closeItem', tables: PERSONAL_TABLES, reason: BY_RECORD_ID },
  { site: 'server/modules/rules/cases.service.ts#caseById', tables: ['infringement_cases', 'persons'], reason: BY_RECORD_ID },
  { site: 'server/modules/rules/cases.service.ts#<anonymous>', tables: ['infringement_cases', 'infringements'], reason: BY_RECORD_ID },
  {
    site: 'server/modules/rules/cases.service.ts#presentCases',
    tables: ['infringements', 'infringement_decisions'],
    reason: `${BY_RECORD_ID} (the cases of a list, by case id)`,
  },
  { site: 'server/modules/rules/certificates.service.ts#<anonymous>', tables: ['trajectories'], reason: BY_RECORD_ID },
  {
    site: 'server/modules/rules/attendance.service.ts#judgeAttendance',
    tables: ['participations'],
    reason: 'one person’s attendance, its participations found by enrolment: add the person to the join and it is one shard',
  },
  {
    site: 'server/modules/integrations/integrations.service.ts#<anonymous>',
    tables: ['integrations'],
    reason: 'ends a partner’s integration record by its id after finding it by INSZ in the same transaction: add the INSZ to the UPDATE and it is one shard',
  },

  // People by INSZ.
  {
    site: 'server/modules/exchange/consult.service.ts#ConsultQueue.run',
    tables: ['persons', 'audit_log', 'dossier_documents'],
    reason: `${BY_INSZ}. The partner consult is the busiest statement (3,144/s, BENCHMARKS.md): this is the first change of the cut-over`,
  },
  { site: 'server/modules/integrations/integrations.service.ts#personIdByInsz', tables: ['persons'], reason: BY_INSZ },
  { site: 'server/modules/house/house.service.ts#<anonymous>', tables: ['persons'], reason: `${BY_INSZ}; the House’s intake by INSZ` },
  {
    site: 'server/modules/rules/cases.service.ts#livingWagesOn',
    tables: ['integrations'],
    reason: 'the OCMW registers of the persons of a case list, by their INSZ (integrations are distributed by INSZ, not by person)',
  },
  {
    site: 'server/modules/audit/audit.search.ts#inszHashesOf',
    tables: ['persons', 'persons_history'],
    reason: `${BY_INSZ}; the privacy officer’s search, rare`,
  },
  {
    site: 'server/modules/imports/imports.sql.ts',
    tables: ['persons', 'enrolments', 'participations'],
    reason: `a course feed names people by INSZ (${BY_INSZ}); the feed’s rows then go to their persons’ shards`,
  },

  // Searches and lists across persons.
  {
    site: 'server/modules/dossier/dossier.service.ts#searchPersons',
    tables: ['persons'],
    reason: 'search by name, birth date or office: across all persons by design (an index scan on every shard, merged by the coordinator)',
  },
  { site: 'server/modules/exchange/referrals.service.ts#referralWorklist', tables: ['referrals', 'persons', 'dossiers'], reason: WORKLIST },
  {
    site: 'server/modules/exchange/referrals.service.ts#partnerReferrals',
    tables: ['referrals', 'persons'],
    reason: 'a partner’s own referrals, across persons',
  },
  { site: 'server/modules/exchange/appointment-handling.service.ts#appointmentWorklist', tables: ['appointments', 'persons', 'dossiers'], reason: WORKLIST },
  { site: 'server/modules/exchange/worklist.service.ts#worklistSummary', tables: PERSONAL_TABLES, reason: WORKLIST },
  { site: 'server/modules/rules/cases.service.ts#caseWorklist', tables: ['infringement_cases', 'persons', 'dossiers'], reason: WORKLIST },
  { site: 'server/modules/rules/work-items.ts#listItems', tables: PERSONAL_TABLES, reason: WORKLIST },
  { site: 'server/modules/house/house.service.ts#houseIntakes', tables: PERSONAL_TABLES, reason: `${WORKLIST} (a House of Dutch’s intakes)` },
  { site: 'server/modules/house/house.service.ts#waitingQueue', tables: PERSONAL_TABLES, reason: `${WORKLIST} (a House of Dutch’s waiting list)` },
  {
    site: 'server/modules/house/house.service.ts#freeCourses',
    tables: ['enrolments', 'waiting_list_entries'],
    reason:
      'the free places of a region’s courses: each course’s enrolments counted over all persons (a distributed count per course, under the course’s row lock when a place is taken)',
  },
  { site: 'server/modules/rules/work-items.ts#summariseItems', tables: PERSONAL_TABLES, reason: WORKLIST },
  { site: 'server/modules/rules/followup.service.ts#registrationFollowUp', tables: PERSONAL_TABLES, reason: WORKLIST },
  { site: 'server/modules/rules/followup.service.ts#attendanceFollowUp', tables: PERSONAL_TABLES, reason: WORKLIST, repartition: RECORD_KEY_JOIN },

  // The change routing of migration 0028, in the dossier triggers.
  {
    site: 'function kbi_route_invalidation',
    tables: ['integrations'],
    reason:
      'the change notices are routed in the changing transaction: the changed persons joined with the partners’ registers by INSZ (another co-location group)',
    beforeCitus:
      'a trigger on a shard must not reach other shards: the trigger appends the change to a person-co-located change log and the relay does this join and writes the events (SCALING.md, "History, stored documents and change triggers")',
  },

  // The participations' partition key (migration 0038): a lesson moved to another day takes its participations along.
  {
    site: 'function kbi_lesson_moved',
    tables: ['participations'],
    reason:
      'a lesson (reference data) is attended by persons on every shard: moving it to another day updates the date of each of their participations, at the pace of a planner rescheduling a lesson',
    repartition:
      'participations are found by their lesson, not their person: under Citus the trigger becomes a statement per shard (lessons are a reference table, so each shard’s participations join it locally)',
  },

  // Audit, usage and statistics.
  {
    site: 'server/modules/audit/audit.search.ts#read',
    tables: ['audit_log'],
    reason: 'the privacy officer’s audit search by actor, action or time: across persons by design, rare',
  },
  {
    site: 'server/modules/audit/audit.report.ts#personAccessReport',
    tables: ['audit_log', 'integrations', 'integrations_history'],
    reason: 'one person’s report also looks up the records written under the INSZ’s keyed hash (no person) and the register by INSZ',
  },
  {
    site: 'server/modules/audit/audit.anomalies.ts#integrationAnomalies',
    tables: ['audit_log', 'integrations', 'integrations_history', 'persons'],
    reason: 'an audit analysis over all partners’ declarations: multi-shard by design, rare',
  },
  {
    site: 'server/modules/audit/audit.verify.ts#verifyAuditChain',
    tables: ['audit_log'],
    reason:
      'walks each hash chain from its start: a scan of the whole trail; under Citus each chain lives on one shard and is verified there, in parallel (SCALING.md, "audit")',
  },
  {
    site: 'server/modules/exchange/usage.service.ts#exchangeUsage',
    tables: ['audit_log'],
    reason: 'monthly exchange counts per partner: a distributed aggregate over the audit trail',
  },
  {
    site: 'server/modules/statistics/statistics.engine.ts',
    tables: PERSONAL_TABLES,
    reason:
      'the 14 base sets count over the whole population: distributed aggregates by design. GROUPING SETS run on one shard only under Citus: the engine then sends one GROUP BY per breakdown (each a distributed aggregate; a person is on one shard, so count(DISTINCT person_id) adds up exactly)',
    repartition: RECORD_KEY_JOIN,
  },
  {
    site: 'server/modules/notifications/notifications.service.ts',
    tables: ['outbox_events'],
    reason: 'the administrator’s overview counts each partner’s pending events (one partner per row: a router query per partner under Citus)',
  },

  // Background jobs.
  { site: 'server/modules/rules/evaluation.service.ts#findProposals', tables: PERSONAL_TABLES, reason: BATCH, repartition: RECORD_KEY_JOIN },
  {
    site: 'server/modules/rules/evaluation.service.ts#evaluateChanged',
    tables: ['dossier_documents'],
    reason: `${BATCH}: which persons changed since their last evaluation`,
  },
  { site: 'server/modules/rules/certificates.service.ts#findCertificates', tables: PERSONAL_TABLES, reason: BATCH, repartition: RECORD_KEY_JOIN },
  {
    site: 'server/modules/exchange/referrals.service.ts#expireOverdueReferrals',
    tables: ['referrals'],
    reason: `${BATCH}: overdue referrals, every 15 minutes`,
  },
  {
    site: 'server/modules/exchange/referrals.service.ts#<anonymous>',
    tables: ['referrals'],
    reason: `${BATCH}: the overdue referrals expire in one UPDATE, each then told to its partner`,
  },
  {
    site: 'server/modules/dossier/documents.service.ts#buildMissingDocuments',
    tables: PERSONAL_TABLES,
    reason: `${BATCH}: the stored documents a bulk load left missing`,
    beforeCitus:
      'take the missing documents without a lock on every shard (run the job per shard, or pick the person ids first and lock each person’s row on its shard)',
  },

  // The demo world.
  { site: 'server/modules/demo/generator.ts', tables: PERSONAL_TABLES, reason: DEMO },
  { site: 'server/modules/demo/showcase.ts', tables: PERSONAL_TABLES, reason: DEMO },
  { site: 'server/modules/access/access.demo.ts', tables: [...PERSONAL_TABLES, 'integrations'], reason: DEMO },
];
