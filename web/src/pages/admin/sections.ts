/**
 * Which administration sections a user sees: those whose capability the server's rule book gave
 * the role (the session answer's permissions); the server checks it again on every request.
 */
import type { MessageKey } from '../../i18n/index.tsx';
import type { Capability, Permissions } from '../../session.tsx';

export type SectionId = 'users' | 'organisations' | 'clients' | 'notifications' | 'imports' | 'rules' | 'authorisations' | 'integrations' | 'audit' | 'report';

export interface Section {
  id: SectionId;
  label: MessageKey;
  needs: Capability;
}

export const SECTIONS: readonly Section[] = [
  { id: 'users', label: 'admin.nav.users', needs: 'manageUsers' },
  // Organisations and offices are reference data only the administrator changes (referenceWrite).
  { id: 'organisations', label: 'admin.nav.organisations', needs: 'manageUsers' },
  { id: 'clients', label: 'admin.nav.clients', needs: 'manageUsers' },
  { id: 'notifications', label: 'notifications.nav', needs: 'manageUsers' },
  { id: 'imports', label: 'imports.nav', needs: 'readImportRuns' },
  { id: 'rules', label: 'admin.nav.rules', needs: 'readRuleEvaluations' },
  { id: 'authorisations', label: 'admin.nav.authorisations', needs: 'manageAuthorisations' },
  { id: 'integrations', label: 'admin.nav.integrations', needs: 'manageAuthorisations' },
  { id: 'audit', label: 'admin.nav.audit', needs: 'readAudit' },
  { id: 'report', label: 'admin.nav.report', needs: 'readAudit' },
];

export const sectionsFor = (p: Permissions): Section[] => SECTIONS.filter((s) => p.capabilities.includes(s.needs));
