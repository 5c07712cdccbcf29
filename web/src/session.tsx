/** Who is logged in: the session from the server, kept in one context. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, request, setCsrfToken, whenUnauthenticated } from './api.ts';
import { forget } from './data.ts';

export type Role = 'AGENCY_CASEWORKER' | 'TEAM_LEAD' | 'HOUSE_OF_DUTCH' | 'OCMW_SOCIAL_WORKER' | 'MONITORING_ANALYST' | 'PRIVACY_OFFICER' | 'ADMINISTRATOR';

export type Capability =
  | 'manageUsers'
  | 'readAudit'
  | 'manageAuthorisations'
  | 'consultForOrganisation'
  | 'readUsageStatistics'
  | 'readImportRuns'
  | 'readRuleEvaluations'
  | 'recordIntegrations'
  | 'readStatistics'
  | 'validateStatistics'
  | 'publishStatistics'
  | 'houseOfDutchDesk';

/** What the server's rule book lets the logged-in role do (the session answer); the server checks it again on every request. */
export interface Permissions {
  territory: 'all' | 'organisation' | 'offices' | 'clients' | 'none';
  read: string[];
  write: string[];
  referenceWrite: string[];
  capabilities: Capability[];
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  organisationId: string;
  officeIds: string[];
  permissions: Permissions;
}

type SessionAnswer = { user: Omit<User, 'permissions'>; permissions: Permissions; csrfToken: string };
const userOf = (answer: SessionAnswer): User => ({ ...answer.user, permissions: answer.permissions });

interface Session {
  user: User | null;
  /** True until the first answer on whether a session exists. */
  checking: boolean;
  /** Set when the server ended the session under the user's hands; the screens stay, a log-in dialog asks again. */
  expired: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const Context = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(true);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    // The session ended under the user's hands (idle time-out, log-out elsewhere): keep the user and
    // every screen as it is, so that nothing typed is lost, and ask for the password again on top.
    whenUnauthenticated(() => {
      setCsrfToken(null);
      setExpired(true);
    });
    request<SessionAnswer>('GET', '/api/v1/session')
      .then(({ body }) => {
        setCsrfToken(body.csrfToken);
        setUser(userOf(body));
      })
      .catch(() => {})
      .finally(() => setChecking(false));
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const { body } = await request<SessionAnswer>('POST', '/api/v1/session', { username, password });
    setCsrfToken(body.csrfToken);
    setExpired(false);
    setUser(userOf(body));
  }, []);

  const logout = useCallback(async () => {
    try {
      await request('DELETE', '/api/v1/session');
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    setCsrfToken(null);
    forget();
    setExpired(false);
    setUser(null);
  }, []);

  return <Context.Provider value={{ user, checking, expired, login, logout }}>{children}</Context.Provider>;
}

export function useSession(): Session {
  const value = useContext(Context);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/**
 * Which parts of the app a user sees, read from the permissions the server sent (never from the
 * role's name). The worklist is for those who follow persons of their own offices or organisation
 * and decide referrals; the administrator's functional support reaches referrals through the dossier.
 */
export const CAN = {
  searchPersons: (p: Permissions) => p.territory !== 'none' && p.read.includes('personalia'),
  consult: (p: Permissions) => p.capabilities.includes('consultForOrganisation'),
  house: (p: Permissions) => p.capabilities.includes('houseOfDutchDesk'),
  worklist: (p: Permissions) => (p.territory === 'offices' || p.territory === 'organisation') && p.write.includes('referrals'),
  administer: (p: Permissions) =>
    p.capabilities.some(
      (c) => c === 'manageUsers' || c === 'manageAuthorisations' || c === 'readAudit' || c === 'readImportRuns' || c === 'readRuleEvaluations',
    ),
  statistics: (p: Permissions) => p.capabilities.includes('readStatistics') || p.capabilities.includes('readUsageStatistics'),
  statisticsPortal: (p: Permissions) => p.capabilities.includes('readStatistics'),
  exchangeStatistics: (p: Permissions) => p.capabilities.includes('readUsageStatistics'),
};

export function homeOf(p: Permissions): string {
  if (CAN.consult(p)) return '/consultation';
  if (CAN.house(p)) return '/house';
  if (CAN.searchPersons(p)) return '/persons';
  if (CAN.administer(p)) return '/admin';
  if (CAN.statistics(p)) return '/statistics';
  return '/no-screen';
}
