/** Who is logged in: the session from the server, kept in one context. */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, request, setCsrfToken, whenUnauthenticated } from './api.ts';
import { forget } from './data.ts';

export type Role = 'AGENCY_CASEWORKER' | 'TEAM_LEAD' | 'HOUSE_OF_DUTCH' | 'OCMW_SOCIAL_WORKER' | 'MONITORING_ANALYST' | 'PRIVACY_OFFICER' | 'ADMINISTRATOR';

export interface User { id: string; username: string; displayName: string; role: Role; organisationId: string; officeIds: string[] }

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
    whenUnauthenticated(() => { setCsrfToken(null); setExpired(true); });
    request<{ user: User; csrfToken: string }>('GET', '/api/v1/session')
      .then(({ body }) => { setCsrfToken(body.csrfToken); setUser(body.user); })
      .catch(() => {})
      .finally(() => setChecking(false));
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const { body } = await request<{ user: User; csrfToken: string }>('POST', '/api/v1/session', { username, password });
    setCsrfToken(body.csrfToken);
    setExpired(false);
    setUser(body.user);
  }, []);

  const logout = useCallback(async () => {
    try { await request('DELETE', '/api/v1/session'); } catch (e) { if (!(e instanceof ApiError)) throw e; }
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

/** What a role's home screen is, and which parts of the app it sees. */
export const CAN = {
  searchPersons: (r: Role) => ['AGENCY_CASEWORKER', 'TEAM_LEAD', 'HOUSE_OF_DUTCH', 'ADMINISTRATOR'].includes(r),
  consult: (r: Role) => r === 'OCMW_SOCIAL_WORKER',
  worklist: (r: Role) => ['AGENCY_CASEWORKER', 'TEAM_LEAD'].includes(r),
  administer: (r: Role) => ['ADMINISTRATOR', 'PRIVACY_OFFICER'].includes(r),
  statistics: (r: Role) => ['MONITORING_ANALYST', 'PRIVACY_OFFICER', 'ADMINISTRATOR'].includes(r),
};

export function homeOf(role: Role): string {
  if (CAN.consult(role)) return '/consultation';
  if (CAN.searchPersons(role)) return '/persons';
  if (CAN.administer(role)) return '/admin';
  if (CAN.statistics(role)) return '/statistics';
  return '/no-screen';
}
