/** The data clusters, by the names authorisations and the audit trail use, with their labels. */
import type { MessageKey, Translate } from '../../i18n/index.tsx';

/** The clusters an authorisation can name: server/modules/authorisations AUTHORISABLE_CLUSTERS. */
export const CLUSTERS = [
  'caseLead',
  'languages',
  'contracts',
  'certificates',
  'registration',
  'targetGroup',
  'level',
  'advice',
  'perspective',
  'trajectories',
  'trajectoryOffice',
  'sanctioningPartner',
  'components',
  'componentSuspensions',
  'courses',
  'diplomaRecognition',
  'conversations',
  'personalia',
  'invitations',
  'appointments',
  'referrals',
  'infringements',
  'dvzAdvice',
  'housingRequirement',
] as const;

const KNOWN = new Set<string>(CLUSTERS);

/** A cluster's name in the user's language; a name KBI does not know shows as itself. */
export const clusterLabel = (t: Translate, cluster: string): string => (KNOWN.has(cluster) ? t(`admin.cluster.${cluster}` as MessageKey) : cluster);
