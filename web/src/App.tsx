/**
 * The routes. Screens that only some roles use are loaded when first opened, so the first page
 * stays small; later capabilities (worklists, referrals, statistics, webhooks) add their routes here.
 */
import { lazy, Suspense, useEffect, useRef } from 'react';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { Layout } from './components/Layout.tsx';
import { Loading } from './components/forms.tsx';
import { ReloginDialog } from './components/Relogin.tsx';
import { useI18n } from './i18n/index.tsx';
import { CAN, homeOf, useSession, type Permissions } from './session.tsx';
import { LoginPage } from './pages/Login.tsx';
import { SearchPage } from './pages/Search.tsx';

const DossierPage = lazy(() => import('./pages/Dossier.tsx'));
const ConsultationPage = lazy(() => import('./pages/Consultation.tsx'));
const AdminPage = lazy(() => import('./pages/Admin.tsx'));
const WorklistPage = lazy(() => import('./pages/Worklist.tsx'));
const HousePage = lazy(() => import('./pages/House.tsx'));
const StatisticsPage = lazy(() => import('./pages/Statistics.tsx'));
const StatisticsPortal = lazy(() => import('./pages/StatisticsPortal.tsx'));

function Guard({ allow, children }: { allow: (p: Permissions) => boolean; children: React.ReactNode }) {
  const { user } = useSession();
  const { t } = useI18n();
  if (!user) return null;
  if (!allow(user.permissions)) return <p className="page">{t('error.forbidden')}</p>;
  return <>{children}</>;
}

export function App() {
  const { user, checking, expired } = useSession();
  const { t } = useI18n();
  const location = useLocation();
  // Move focus to the content on navigation, for keyboard and screen-reader users (not on the first
  // page: there the skip link stays the first stop of the Tab key).
  const shown = useRef(location.pathname);
  useEffect(() => {
    if (shown.current === location.pathname) return;
    shown.current = location.pathname;
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [location.pathname]);
  if (checking)
    return (
      <Layout>
        <Loading />
      </Layout>
    );
  if (!user)
    return (
      <Layout>
        <LoginPage />
      </Layout>
    );
  return (
    <Layout>
      {expired && <ReloginDialog />}
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Navigate to={homeOf(user.permissions)} replace />} />
          <Route path="/login" element={<Navigate to={homeOf(user.permissions)} replace />} />
          <Route
            path="/persons"
            element={
              <Guard allow={CAN.searchPersons}>
                <SearchPage />
              </Guard>
            }
          />
          <Route
            path="/persons/:personId"
            element={
              <Guard allow={CAN.searchPersons}>
                <DossierPage />
              </Guard>
            }
          />
          <Route
            path="/consultation"
            element={
              <Guard allow={CAN.consult}>
                <ConsultationPage />
              </Guard>
            }
          />
          <Route
            path="/house"
            element={
              <Guard allow={CAN.house}>
                <HousePage />
              </Guard>
            }
          />
          <Route
            path="/worklist"
            element={
              <Guard allow={CAN.worklist}>
                <WorklistPage />
              </Guard>
            }
          />
          <Route
            path="/admin/*"
            element={
              <Guard allow={CAN.administer}>
                <AdminPage />
              </Guard>
            }
          />
          <Route
            path="/statistics"
            element={
              <Guard allow={CAN.statisticsPortal}>
                <StatisticsPortal />
              </Guard>
            }
          />
          <Route
            path="/statistics/exchanges"
            element={
              <Guard allow={CAN.exchangeStatistics}>
                <StatisticsPage />
              </Guard>
            }
          />
          <Route path="/no-screen" element={<p className="page">{t('error.noRole')}</p>} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

/** An address the app does not know: say so, and offer the way back. */
function NotFoundPage() {
  const { t } = useI18n();
  return (
    <div className="page narrow">
      <h1>{t('error.notFoundTitle')}</h1>
      <p>{t('error.notFoundText')}</p>
      <p>
        <Link className="button" to="/">
          {t('error.notFoundHome')}
        </Link>
      </p>
    </div>
  );
}
