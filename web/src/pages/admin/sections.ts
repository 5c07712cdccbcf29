/**
 * Which administration sections a role sees. A mirror, for what to show, of the three rights in
 * server/modules/access/access.policy.ts (manageUsers, manageAuthorisations, readAudit); the
 * server checks them again on every request.
 */
import type { MessageKey } from '../../i18n/index.tsx';
import type { Role } from '../../session.tsx';

export type Right = 'manageUsers' | 'manageAuthorisations' | 'readAudit';

const RIGHTS: Record<Role, readonly Right[]> = {
  ADMINISTRATOR: ['manageUsers', 'manageAuthorisations'],
  PRIVACY_OFFICER: ['manageAuthorisations', 'readAudit'],
  AGENCY_CASEWORKER: [], TEAM_LEAD: [], HOUSE_OF_DUTCH: [], OCMW_SOCIAL_WORKER: [], MONITORING_ANALYST: [],
};

export type SectionId = 'users' | 'organisations' | 'clients' | 'imports' | 'authorisations' | 'integrations' | 'audit' | 'report';

export interface Section { id: SectionId; label: MessageKey; needs: Right }

export const SECTIONS: readonly Section[] = [
  { id: 'users', label: 'admin.nav.users', needs: 'manageUsers' },
  // Organisations and offices are reference data only the administrator changes (referenceWrite).
  { id: 'organisations', label: 'admin.nav.organisations', needs: 'manageUsers' },
  { id: 'clients', label: 'admin.nav.clients', needs: 'manageUsers' },
  { id: 'imports', label: 'imports.nav', needs: 'manageUsers' },
  { id: 'authorisations', label: 'admin.nav.authorisations', needs: 'manageAuthorisations' },
  { id: 'integrations', label: 'admin.nav.integrations', needs: 'manageAuthorisations' },
  { id: 'audit', label: 'admin.nav.audit', needs: 'readAudit' },
  { id: 'report', label: 'admin.nav.report', needs: 'readAudit' },
];

export const sectionsFor = (role: Role): Section[] => SECTIONS.filter((s) => RIGHTS[role]?.includes(s.needs));
