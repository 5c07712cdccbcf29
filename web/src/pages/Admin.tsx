/**
 * Administration: accounts, organisations and partner clients for the administrator;
 * authorisations and the integration register for both; the audit trail and a person's access
 * report for the privacy officer. Each role sees only the sections it may use (the server
 * checks every request again). Each section is a nested route under /admin.
 */
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { Alert } from '../components/forms.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useSession } from '../session.tsx';
import { AccessReport } from './admin/AccessReport.tsx';
import { AuditSearch } from './admin/AuditSearch.tsx';
import { Authorisations } from './admin/Authorisations.tsx';
import { Imports } from './admin/Imports.tsx';
import { Integrations } from './admin/Integrations.tsx';
import { Organisations } from './admin/Organisations.tsx';
import { PartnerClients } from './admin/PartnerClients.tsx';
import { Users } from './admin/Users.tsx';
import { Notifications } from './admin/Notifications.tsx';
import { RuleEvaluations } from './admin/RuleEvaluations.tsx';
import { sectionsFor, type SectionId } from './admin/sections.ts';
import './admin/admin.css';

const SCREENS: Record<SectionId, () => React.JSX.Element> = {
  users: Users,
  organisations: Organisations,
  clients: PartnerClients,
  notifications: Notifications,
  imports: Imports,
  rules: RuleEvaluations,
  authorisations: Authorisations,
  integrations: Integrations,
  audit: AuditSearch,
  report: AccessReport,
};

export default function AdminPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const sections = user ? sectionsFor(user.permissions) : [];
  return (
    <div className="page admin-page">
      <h1>{t('admin.title')}</h1>
      <div className="admin-layout">
        <nav className="admin-nav" aria-label={t('admin.nav.label')}>
          <ul>
            {sections.map((s) => (
              <li key={s.id}>
                <NavLink to={`/admin/${s.id}`}>{t(s.label)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="admin-content">
          <Routes>
            {sections[0] && <Route index element={<Navigate to={`/admin/${sections[0].id}`} replace />} />}
            {sections.map((s) => {
              const Screen = SCREENS[s.id];
              return <Route key={s.id} path={`${s.id}/*`} element={<Screen />} />;
            })}
            <Route path="*" element={<Alert kind="warning">{t('admin.notAllowed')}</Alert>} />
          </Routes>
        </div>
      </div>
    </div>
  );
}
