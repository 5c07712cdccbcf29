/** The migrations, in order. Each file is frozen in time once released: add, never edit. */
import type { Migration } from 'kysely';
import * as core from './2026_11_24_0001_core.ts';
import * as codeLists from './2026_11_24_0002_code_lists.ts';
import * as infringementCaseStatus from './2026_11_24_0003_infringement_case_status.ts';
import * as infringementFacts from './2026_11_24_0004_infringement_facts.ts';
import * as auditChain from './2026_11_24_0005_audit_chain.ts';
import * as staffAccounts from './2026_11_24_0006_staff_accounts.ts';
import * as partnerClients from './2026_11_24_0007_partner_clients.ts';
import * as authorisations from './2026_12_01_0008_authorisations.ts';
import * as oidcLogin from './2026_12_01_0009_oidc_login.ts';
import * as auditChainSpeed from './2026_12_01_0010_audit_chain_speed.ts';
import * as sessionNotify from './2026_12_01_0011_session_notify.ts';
import * as auditPersonIndex from './2026_12_01_0012_audit_person_index.ts';
import * as referralLoop from './2026_12_01_0013_referral_loop.ts';
import * as partnerLookups from './2026_12_01_0014_partner_lookups.ts';
import * as importBatches from './2026_12_01_0015_import_batches.ts';
import * as dossierDocuments from './2026_12_01_0016_dossier_documents.ts';
import * as auditChainLanes from './2026_12_01_0017_audit_chain_lanes.ts';
import * as partnerClientNotify from './2026_12_01_0018_partner_client_notify.ts';
import * as loginThrottle from './2026_12_05_0019_login_throttle.ts';
import * as statistics from './2026_12_05_0020_statistics.ts';
import * as rules from './2026_12_05_0021_rules.ts';
import * as casesAndCertificates from './2026_12_05_0022_cases_and_certificates.ts';
import * as targetGroupProposals from './2026_12_05_0023_target_group_proposals.ts';
import * as houseOfDutch from './2026_12_05_0024_house_of_dutch.ts';
import * as authorisationReference from './2026_12_05_0025_authorisation_reference.ts';
import * as magdaDossierModel from './2026_12_05_0026_magda_dossier_model.ts';
import * as clientCertificates from './2026_12_05_0027_client_certificates.ts';
import * as changeNotifications from './2026_12_05_0028_change_notifications.ts';
import * as referenceNotify from './2026_12_06_0029_reference_notify.ts';
import * as retention from './2026_12_06_0030_retention.ts';
import * as notificationBatches from './2026_12_06_0031_notification_batches.ts';
import * as outboxBeforeDocuments from './2026_12_06_0032_outbox_before_documents.ts';
import * as notificationTransport from './2026_12_06_0036_notification_transport.ts';
import * as partitionedLogs from './2026_12_06_0037_partitioned_logs.ts';
import * as partitionedParticipations from './2026_12_06_0038_partitioned_participations.ts';

export const MIGRATIONS: Record<string, Migration> = {
  '2026_11_24_0001_core': core,
  '2026_11_24_0002_code_lists': codeLists,
  '2026_11_24_0003_infringement_case_status': infringementCaseStatus,
  '2026_11_24_0004_infringement_facts': infringementFacts,
  '2026_11_24_0005_audit_chain': auditChain,
  '2026_11_24_0006_staff_accounts': staffAccounts,
  '2026_11_24_0007_partner_clients': partnerClients,
  '2026_12_01_0008_authorisations': authorisations,
  '2026_12_01_0009_oidc_login': oidcLogin,
  '2026_12_01_0010_audit_chain_speed': auditChainSpeed,
  '2026_12_01_0011_session_notify': sessionNotify,
  '2026_12_01_0012_audit_person_index': auditPersonIndex,
  '2026_12_01_0013_referral_loop': referralLoop,
  '2026_12_01_0014_partner_lookups': partnerLookups,
  '2026_12_01_0015_import_batches': importBatches,
  '2026_12_01_0016_dossier_documents': dossierDocuments,
  '2026_12_01_0017_audit_chain_lanes': auditChainLanes,
  '2026_12_01_0018_partner_client_notify': partnerClientNotify,
  '2026_12_05_0019_login_throttle': loginThrottle,
  '2026_12_05_0020_statistics': statistics,
  '2026_12_05_0021_rules': rules,
  '2026_12_05_0022_cases_and_certificates': casesAndCertificates,
  '2026_12_05_0023_target_group_proposals': targetGroupProposals,
  '2026_12_05_0024_house_of_dutch': houseOfDutch,
  '2026_12_05_0025_authorisation_reference': authorisationReference,
  '2026_12_05_0026_magda_dossier_model': magdaDossierModel,
  '2026_12_05_0027_client_certificates': clientCertificates,
  '2026_12_05_0028_change_notifications': changeNotifications,
  '2026_12_06_0029_reference_notify': referenceNotify,
  '2026_12_06_0030_retention': retention,
  '2026_12_06_0031_notification_batches': notificationBatches,
  '2026_12_06_0032_outbox_before_documents': outboxBeforeDocuments,
  '2026_12_06_0036_notification_transport': notificationTransport,
  '2026_12_06_0037_partitioned_logs': partitionedLogs,
  '2026_12_06_0038_partitioned_participations': partitionedParticipations,
};
