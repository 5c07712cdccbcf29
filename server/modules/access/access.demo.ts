/**
 * Demo log-ins, one per role, made with the synthetic population on a demo installation. Their
 * passwords are public (printed by `npm start`): never on an installation with real people.
 */
import type { Database } from '../../platform/db.ts';
import { OPERATOR } from '../../platform/access.ts';
import { ROLES, type Role } from './access.policy.ts';
import { createUser } from './access.service.ts';

export interface DemoAccount {
  username: string;
  password: string;
  role: Role;
}

export const demoPassword = (role: Role) => `Kbi-demo-${role.toLowerCase().replace(/_/g, '-')}-2026`;
export const demoUsername = (role: Role) => `demo.${role.toLowerCase().replace(/_/g, '')}`;

/** Creates the demo accounts once, in the demo world's organisations; returns them. */
/** The demo accounts' display names: a name a Dutch-speaking colleague would read, saying it is a demo account. */
const DEMO_NAMES: Record<Role, string> = {
  AGENCY_CASEWORKER: 'Demo trajectbegeleider',
  TEAM_LEAD: 'Demo teamverantwoordelijke',
  HOUSE_OF_DUTCH: 'Demo Huis van het Nederlands',
  OCMW_SOCIAL_WORKER: 'Demo maatschappelijk werker OCMW',
  MONITORING_ANALYST: 'Demo monitoringanalist',
  PRIVACY_OFFICER: 'Demo functionaris gegevensbescherming',
  ADMINISTRATOR: 'Demo beheerder',
};

export async function ensureDemoAccounts(database: Database): Promise<DemoAccount[]> {
  const db = database.db;
  const accounts = ROLES.map((role) => ({ role, username: demoUsername(role), password: demoPassword(role) }));
  const existing = new Set((await db.selectFrom('users').select('username').execute()).map((u) => u.username as string));
  const demoOrgs = await db
    .selectFrom('organisations')
    .select(['id', 'kind', 'agency'])
    .where('recorded_by', '=', 'system:demo-generator')
    .orderBy('id')
    .execute();
  if (!demoOrgs.length) return [];
  const offices = await db.selectFrom('offices').select(['id', 'organisation_id']).orderBy('id').execute();
  const org = (kind: string, agency?: string) => demoOrgs.find((o) => o.kind === kind && (!agency || o.agency === agency))!.id as string;
  const officesOf = (organisationId: string) => offices.filter((o) => o.organisation_id === organisationId).map((o) => o.id as string);
  const home: Record<Role, string> = {
    AGENCY_CASEWORKER: org('AGENCY', 'AGII'),
    TEAM_LEAD: org('AGENCY', 'AGII'),
    HOUSE_OF_DUTCH: org('HOUSE_OF_DUTCH'),
    OCMW_SOCIAL_WORKER: org('OCMW'),
    MONITORING_ANALYST: org('ABB'),
    PRIVACY_OFFICER: org('ABB'),
    ADMINISTRATOR: org('ABB'),
  };
  for (const a of accounts) {
    if (existing.has(a.username)) continue;
    // The caseworker works in the first two offices of the agency; others in all of their organisation's.
    const own = officesOf(home[a.role]);
    await createUser(
      db,
      { actor: OPERATOR, requestId: 'demo-accounts' },
      {
        username: a.username,
        password: a.password,
        role: a.role,
        organisationId: home[a.role],
        displayName: DEMO_NAMES[a.role],
        officeIds: a.role === 'AGENCY_CASEWORKER' ? own.slice(0, 2) : own,
      },
    );
  }
  await integrateDemoClients(database, home.OCMW_SOCIAL_WORKER);
  return accounts;
}

/**
 * The demo OCMW has its clients in its integration register (capacity code 1, seed 002), so that
 * its social worker can open the consultation screen: the persons it requested appointments or
 * made referrals for, topped up with persons that have a contract, 25 in all.
 */
async function integrateDemoClients(database: Database, ocmwId: string): Promise<void> {
  const [{ n }] = (await database.prepared('demo_integrations_count', 'SELECT count(*)::int AS n FROM integrations WHERE organisation_id = $1', [ocmwId])) as [
    { n: number },
  ];
  if (n > 0) return;
  await database.prepared(
    'demo_integrations',
    `
    INSERT INTO integrations (organisation_id, insz, capacity_code, starts_on, recorded_by)
    SELECT $1, p.insz, '1', current_date - 400, 'system:demo-generator'
      FROM persons p
     WHERE p.id IN (
       (SELECT a.person_id FROM appointments a WHERE a.requested_by_id = $1 ORDER BY a.person_id LIMIT 15)
       UNION (SELECT r.person_id FROM referrals r WHERE r.from_id = $1 ORDER BY r.person_id LIMIT 5)
       UNION (SELECT c.person_id FROM contracts c ORDER BY c.person_id LIMIT 10))
     LIMIT 25`,
    [ocmwId],
  );
}
