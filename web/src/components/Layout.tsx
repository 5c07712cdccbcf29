/** The frame of every page: authority bar, header with navigation and language switch, content. */
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { LANGUAGES, useI18n, type Language } from '../i18n/index.tsx';
import { CAN, useSession } from '../session.tsx';

const LANGUAGE_NAMES: Record<Language, string> = { nl: 'Nederlands', fr: 'Français', en: 'English' };

export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <div className="language-switch" role="group" aria-label={t('language')}>
      {LANGUAGES.map((l) => (
        <button key={l} type="button" className="link-button" lang={l} aria-pressed={l === language} onClick={() => setLanguage(l)} title={LANGUAGE_NAMES[l]}>
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user, logout } = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header>
        <div className="authority-bar">
          <span className="authority-logo" aria-hidden="true" />
          <span>{t('authority')}</span>
          <LanguageSwitch />
        </div>
        <div className="site-header">
          <div className="site-title">
            <span className="site-short">{t('appShort')}</span>
            <span className="site-name">{t('appName')}</span>
          </div>
          {user && (
            <nav aria-label={t('nav.main')} className="main-nav">
              {CAN.searchPersons(user.permissions) && <NavLink to="/persons">{t('nav.search')}</NavLink>}
              {CAN.house(user.permissions) && <NavLink to="/house">{t('nav.house')}</NavLink>}
              {CAN.worklist(user.permissions) && <NavLink to="/worklist">{t('nav.worklist')}</NavLink>}
              {CAN.consult(user.permissions) && <NavLink to="/consultation">{t('nav.consultation')}</NavLink>}
              {CAN.administer(user.permissions) && <NavLink to="/admin">{t('nav.admin')}</NavLink>}
              {CAN.statistics(user.permissions) && <NavLink to="/statistics">{t('stats.nav')}</NavLink>}
            </nav>
          )}
          {user && (
            <div className="user-menu">
              <span className="user-name">{t('loggedInAs', { name: user.displayName })}</span>
              <button type="button" className="button secondary small" onClick={() => void logout()}>
                {t('logout')}
              </button>
            </div>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
