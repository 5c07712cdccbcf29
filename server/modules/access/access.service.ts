/**
 * The access layer's use-cases: the permission check every service calls first, the territory
 * check that turns an outsider's request into a 404, staff sessions and user accounts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Expression, type SqlBool } from 'kysely';
import { ANONYMOUS, CAPABILITIES, OPERATOR, type Actor, type Capability, type RequestContext } from '../../platform/access.ts';
import { accountKey, clearFailures, countAttempt, type ThrottleSettings } from '../../platform/throttle.ts';
import { inTransaction, untyped, type Database, type Db, type Executor, type Row } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { ClusterName } from '../dossier/clusters.ts';
import { POLICY, REFERENCE_OWNER, roleAllows, type Action, type Role, type Territory } from './access.policy.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../../platform/passwords.ts';
import type { SessionCache } from './access.sessions.ts';

/** Whether the actor's role allows the action (no exception, no audit): to choose what to show. */
export function isAllowed(ctx: RequestContext, action: Action, cluster: ClusterName | null, table?: string): boolean {
  return ctx.actor.kind === 'system' || (!!ctx.actor.role && roleAllows(ctx.actor.role as Role, action, cluster, table));
}

/**
 * May the actor use this capability (user administration, the audit trail, authorisations, …)?
 * The installation's own system actors may; a partner never has a staff capability.
 */
export function can(ctx: RequestContext, capability: Capability): boolean {
  if (ctx.actor.kind === 'system') return true;
  if (ctx.actor.kind !== 'staff' || !ctx.actor.role) return false;
  return POLICY[ctx.actor.role as Role]?.[capability] === true;
}

/** Throws 403 (audited) unless the actor may use the capability. */
export function demand(ctx: RequestContext, capability: Capability, action: string = capability, message = `your role may not ${capability}`): void {
  if (!can(ctx, capability)) throw new Problem('forbidden', message).denied({ action, personId: null, clusters: [] });
}

/** What the rule book gives a staff member, as the session answer tells the web app (so the browser never restates the rule book). */
export interface Permissions {
  territory: Territory;
  read: readonly string[];
  write: readonly string[];
  referenceWrite: readonly string[];
  capabilities: Capability[];
}

export function permissionsOf(actor: Actor): Permissions {
  const policy = actor.role ? POLICY[actor.role as Role] : undefined;
  const ctx = { actor, requestId: '' };
  return {
    territory: territoryOf(actor),
    read: policy?.read ?? [],
    write: policy?.write ?? [],
    referenceWrite: policy?.referenceWrite ?? [],
    capabilities: CAPABILITIES.filter((c) => can(ctx, c)),
  };
}

/** Throws 403 (audited) unless the actor's role allows the action on the cluster or reference table. */
export function authorize(ctx: RequestContext, action: Action, cluster: ClusterName | null, table?: string, personId: string | null = null): void {
  if (ctx.actor.kind === 'system') return;
  if (ctx.actor.role && roleAllows(ctx.actor.role as Role, action, cluster, table)) return;
  throw new Problem('forbidden', `your role may not ${action} ${cluster ?? table ?? 'this'}`).denied({
    action: `${cluster ?? table}.${action}`,
    personId,
    clusters: cluster ? [cluster] : [],
  });
}

/**
 * Throws 403 (audited) unless the actor may change this reference record by the rule book's
 * referenceScope: a role scoped to its organisation changes only records its organisation owns
 * (REFERENCE_OWNER), before and after the change.
 */
export async function assertReferenceScope(db: Executor, ctx: RequestContext, table: string, row: Row, action: string): Promise<void> {
  if (ctx.actor.kind === 'system') return;
  const policy = ctx.actor.role ? POLICY[ctx.actor.role as Role] : undefined;
  if (policy?.referenceScope === 'all') return;
  const owner = REFERENCE_OWNER[table];
  if (!owner) return;
  if ((await ownerOf(db, table, row)) === ctx.actor.organisationId && ctx.actor.organisationId !== null) return;
  const field = owner.column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
  throw new Problem('forbidden', `${field}: your role changes ${table.replace(/_/g, ' ')} of its own organisation only`, [
    { in: 'body', name: field, detail: 'not of your organisation' },
  ]).denied({ action, personId: null, clusters: [] });
}

async function ownerOf(db: Executor, table: string, row: Row): Promise<string | null> {
  const owner = REFERENCE_OWNER[table];
  const value = row[owner!.column];
  if (!owner || typeof value !== 'string') return null;
  if (!owner.via) return value;
  const parent = await untyped(db).selectFrom(owner.via).selectAll().where('id', '=', value).executeTakeFirst();
  return parent ? ownerOf(db, owner.via, parent) : null;
}

/** The territory an actor's role gives it ('all' for the installation's own system actors). */
export function territoryOf(actor: Actor): Territory {
  if (actor.kind === 'system') return 'all';
  return actor.role ? (POLICY[actor.role as Role]?.territory ?? 'none') : 'none';
}

/**
 * The territory rule, once, as SQL text with three slots: the person's id, the actor's
 * organisation and its offices. Used as a Kysely expression (`inTerritory`) and inside the
 * prepared dossier statement (`territoryText`), so both always apply the same rule.
 */
const TERRITORY_SQL: Record<Territory, string> = {
  all: 'true',
  none: 'false',
  clients: `EXISTS (
      SELECT 1 FROM persons tp
       WHERE tp.id = {person} AND (tp.created_by_organisation_id = {org}
             OR EXISTS (SELECT 1 FROM advice ta WHERE ta.person_id = tp.id AND ta.given_by_id = {org})
             OR EXISTS (SELECT 1 FROM test_results tr WHERE tr.person_id = tp.id AND tr.provider_id = {org})
             OR EXISTS (SELECT 1 FROM language_intakes tli WHERE tli.person_id = tp.id AND tli.house_id = {org})
             OR EXISTS (SELECT 1 FROM waiting_list_entries tw LEFT JOIN offices two ON two.id = tw.office_id
                         WHERE tw.person_id = tp.id AND (tw.provider_id = {org} OR two.organisation_id = {org}))
             OR EXISTS (SELECT 1 FROM enrolments te JOIN courses tc ON tc.id = te.course_id WHERE te.person_id = tp.id AND tc.provider_id = {org})))`,
  organisation: `EXISTS (
      SELECT 1 FROM persons tp LEFT JOIN dossiers td ON td.person_id = tp.id LEFT JOIN offices tof ON tof.id = td.managing_office_id
       WHERE tp.id = {person} AND (tof.organisation_id = {org} OR td.case_lead_organisation_id = {org} OR tp.created_by_organisation_id = {org}))`,
  offices: `EXISTS (
      SELECT 1 FROM persons tp LEFT JOIN dossiers td ON td.person_id = tp.id
       WHERE tp.id = {person} AND (td.managing_office_id = ANY({offices})
             OR (td.managing_office_id IS NULL AND tp.created_by_organisation_id = {org})))`,
};

/** The territory rule as SQL text, with the given expressions (e.g. `$1`) in its slots. */
export function territoryText(territory: Territory, slots: { person: string; org: string; offices: string }): string {
  return TERRITORY_SQL[territory].replace(/\{(person|org|offices)\}/g, (_m, k: keyof typeof slots) => slots[k]);
}

/** SQL condition "person p is inside the actor's territory" (p = alias of persons). */
export function inTerritory(actor: Actor, personIdColumn = sql.ref('p.id')): Expression<SqlBool> {
  const values = { person: personIdColumn, org: sql`${actor.organisationId}::uuid`, offices: sql`${sql.val(actor.officeIds)}::uuid[]` };
  const parts = TERRITORY_SQL[territoryOf(actor)].split(/(\{person\}|\{org\}|\{offices\})/);
  return sql<SqlBool>`${sql.join(
    parts.map((part) => {
      const slot = /^\{(person|org|offices)\}$/.exec(part)?.[1] as keyof typeof values | undefined;
      return slot ? values[slot] : sql.raw(part);
    }),
    sql``,
  )}`;
}

/** Throws 404 (audited as a denial) when the person is unknown or outside the actor's territory. */
export async function assertInTerritory(db: Executor, ctx: RequestContext, personId: string, action: string): Promise<void> {
  const row = await db.selectFrom('persons as p').select('p.id').where('p.id', '=', personId).where(inTerritory(ctx.actor)).executeTakeFirst();
  if (row) return;
  const exists = ctx.actor.kind !== 'system' && (await db.selectFrom('persons').select('id').where('id', '=', personId).executeTakeFirst());
  const problem = new Problem('resourceNotFound', 'person not found');
  // Only a real person outside the territory is a denial worth auditing; a wrong id is just a 404.
  throw exists ? problem.denied({ action, personId, clusters: ['personalia'] }) : problem;
}

// ---- sessions -------------------------------------------------------------------------------

export interface SessionSettings {
  idleMinutes: number;
  maxHours: number;
  throttle?: ThrottleSettings;
}
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  organisationId: string;
  officeIds: string[];
}

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export const actorOf = (u: SessionUser): Actor => ({
  id: `user:${u.id}`,
  kind: 'staff',
  organisationId: u.organisationId,
  role: u.role,
  officeIds: u.officeIds,
});

const sessionUser = (r: Row): SessionUser => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  organisationId: r.organisation_id,
  officeIds: r.office_ids ?? [],
});

/** Checks the password and opens a session; every failure is the same 401, and audited. */
export async function login(db: Db, settings: SessionSettings, requestId: string, username: string, password: string) {
  // Per account, whether the name exists or not (the answer never tells), and before the password is looked at.
  const key = accountKey(username);
  await countAttempt(db, key, settings.throttle, 'session.login', ANONYMOUS, { username: username.toLowerCase().slice(0, 100) });
  const user = await db.selectFrom('users').selectAll().where('username', '=', username.toLowerCase()).executeTakeFirst();
  const ok = await verifyPassword(password, user?.password_hash ?? null);
  if (!user || !ok || !user.active) {
    throw new Problem('invalidCredentials', 'wrong user name or password, or the account is disabled').denied({
      action: 'session.login',
      personId: null,
      clusters: [],
      detail: { username: username.toLowerCase().slice(0, 100) },
    });
  }
  await clearFailures(db, key);
  return openSession(db, settings, requestId, user, 'local');
}

/** Opens a session for an authenticated, active account (users row), audited with how it logged in. */
export async function openSession(db: Executor, settings: SessionSettings, requestId: string, user: Row, method: 'local' | 'oidc') {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + settings.maxHours * 3_600_000).toISOString();
  const account = sessionUser(user);
  await db
    .insertInto('sessions')
    .values({ id: tokenId(token), user_id: user.id, csrf_token: csrfToken, expires_at: expiresAt })
    .execute();
  await recordAudit(
    db,
    { actor: actorOf(account), requestId },
    { action: 'session.login', personId: null, clusters: [], result: 'allowed', detail: { method } },
  );
  return { token, csrfToken, expiresAt, user: account };
}

interface ProviderIdentity {
  issuer: string;
  subject: string;
  username: string | null;
}

/**
 * Opens a session for the active account bound to an identity at an OpenID provider. At its first
 * such log-in an account is found by user name instead, and only if it is bound to no identity yet;
 * it is bound then, and from then on only the (issuer, subject) pair counts: a user name that is
 * renamed or reused at the provider cannot take over an account.
 */
export async function loginWithIdentity(db: Db, settings: SessionSettings, requestId: string, identity: ProviderIdentity) {
  const bound = await db
    .selectFrom('users')
    .selectAll()
    .where('oidc_issuer', '=', identity.issuer)
    .where('oidc_subject', '=', identity.subject)
    .executeTakeFirst();
  const user =
    bound ??
    (identity.username
      ? await db.selectFrom('users').selectAll().where('username', '=', identity.username.toLowerCase()).where('oidc_subject', 'is', null).executeTakeFirst()
      : undefined);
  const refused = () =>
    new Problem('unauthenticated', 'no active KBI account belongs to this identity; ask an administrator for one').denied({
      action: 'session.login',
      personId: null,
      clusters: [],
    });
  if (!user?.active) throw refused();
  if (bound) return openSession(db, settings, requestId, user, 'oidc');
  const ctx = { actor: actorOf(sessionUser(user)), requestId };
  return inTransaction(db, ctx.actor.id, async (tx) => {
    const claimed = await tx
      .updateTable('users')
      .set({ oidc_issuer: identity.issuer, oidc_subject: identity.subject })
      .where('id', '=', user.id)
      .where('oidc_subject', 'is', null)
      .where('active', '=', true)
      .returningAll()
      .executeTakeFirst();
    // Another log-in bound or disabled the account since it was read.
    if (!claimed) throw refused();
    await recordAudit(tx, ctx, {
      action: 'users.update',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: { userId: user.id, fields: ['oidcIdentity'] },
    });
    return openSession(tx, settings, requestId, claimed, 'oidc');
  });
}

export type Resolved = { user: SessionUser; csrfToken: string; sessionId: string } | { expired: true } | null;

/**
 * The user behind a session token: null when unknown or ended, `expired` when past idle or
 * absolute expiry. With a cache, a session resolved a moment ago is not looked up again (see
 * access.sessions.ts for why that never outlives a log-out).
 */
export async function resolveSession(database: Database, settings: SessionSettings, token: string, cache?: SessionCache): Promise<Resolved> {
  const db = database.db;
  const id = tokenId(token);
  const idleLimit = (r: Row) => Date.parse(r.last_seen_at) + settings.idleMinutes * 60_000;
  const now = Date.now();
  const cached = cache?.get(id);
  // A cached session is used only while it needs neither the expiry decision nor a touch: those
  // are taken on the database's own row, never on a copy that another process may have moved on.
  if (
    cached &&
    !cached.ended_at &&
    cached.active &&
    now <= Date.parse(cached.expires_at) &&
    now <= idleLimit(cached) &&
    now - Date.parse(cached.last_seen_at) <= 60_000
  ) {
    return { user: sessionUser(cached), csrfToken: cached.csrf_token, sessionId: cached.session_id };
  }
  const epoch = cache?.epoch() ?? 0;
  // Runs on every uncached request: a prepared statement, planned once per connection.
  const [row] = await database.prepared(
    'kbi_resolve_session',
    `
    SELECT s.id AS session_id, s.csrf_token, s.last_seen_at, s.expires_at, s.ended_at,
           u.id, u.username, u.display_name, u.role, u.organisation_id, u.office_ids, u.active
      FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
    [id],
  );
  cache?.drop(id);
  if (!row || row.ended_at || !row.active) return null;
  if (now > Date.parse(row.expires_at) || now > idleLimit(row)) {
    await db
      .updateTable('sessions')
      .set({ ended_at: sql`now()`, end_reason: now > Date.parse(row.expires_at) ? 'expired' : 'idle' })
      .where('id', '=', id)
      .execute();
    return { expired: true };
  }
  // Touch at most once a minute: the idle clock needs no more precision than that.
  if (now - Date.parse(row.last_seen_at) > 60_000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now()` })
      .where('id', '=', id)
      .execute();
    row.last_seen_at = new Date(now).toISOString();
  }
  cache?.set(id, row, epoch);
  return { user: sessionUser(row), csrfToken: row.csrf_token, sessionId: row.session_id };
}

export async function logout(db: Db, ctx: RequestContext, sessionId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ ended_at: sql`now()`, end_reason: 'logout' })
    .where('id', '=', sessionId)
    .where('ended_at', 'is', null)
    .execute();
  await recordAudit(db, ctx, { action: 'session.logout', personId: null, clusters: [], result: 'allowed' });
}

// ---- user accounts --------------------------------------------------------------------------

export interface UserInput {
  username: string;
  displayName: string;
  role: string;
  organisationId: string;
  officeIds?: string[];
  password?: string;
  active?: boolean;
}

function requireManageUsers(ctx: RequestContext) {
  demand(ctx, 'manageUsers', 'users.manage', 'only an administrator manages accounts');
}

export const presentUser = (r: Row) => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  organisationId: r.organisation_id,
  officeIds: r.office_ids ?? [],
  active: r.active,
  version: r.version,
  recordedAt: r.sys_from,
  recordedBy: r.recorded_by,
});

export async function createUser(db: Db, ctx: RequestContext, input: UserInput): Promise<Row> {
  requireManageUsers(ctx);
  if (!(ROLE_CODES as readonly string[]).includes(input.role)) {
    throw new Problem('unknownCode', `role: unknown role "${input.role}"`, [{ in: 'body', name: 'role', detail: 'unknown role' }]);
  }
  if (input.password) {
    const weak = passwordProblem(input.password, input.username);
    if (weak) throw new Problem('badRequest', `password: ${weak}`, [{ in: 'body', name: 'password', detail: weak }]);
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return inTransaction(db, ctx.actor.id, async (tx) => {
    await checkOffices(tx, input.organisationId, input.officeIds ?? []);
    const row = await tx
      .insertInto('users')
      .values({
        username: input.username.toLowerCase(),
        display_name: input.displayName,
        role: input.role,
        organisation_id: input.organisationId,
        office_ids: input.officeIds ?? [],
        password_hash: passwordHash,
        active: input.active ?? true,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { action: 'users.create', personId: null, clusters: [], result: 'allowed', detail: { userId: row.id, role: input.role } });
    return row;
  });
}

export async function updateUser(db: Db, ctx: RequestContext, id: string, expectedVersion: number, input: Partial<UserInput>): Promise<Row> {
  requireManageUsers(ctx);
  if (input.role && !(ROLE_CODES as readonly string[]).includes(input.role)) {
    throw new Problem('unknownCode', `role: unknown role "${input.role}"`, [{ in: 'body', name: 'role', detail: 'unknown role' }]);
  }
  const current = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!current) throw new Problem('resourceNotFound', 'user not found');
  if (input.password) {
    const weak = passwordProblem(input.password, current.username);
    if (weak) throw new Problem('badRequest', `password: ${weak}`, [{ in: 'body', name: 'password', detail: weak }]);
  }
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return inTransaction(db, ctx.actor.id, async (tx) => {
    if (input.officeIds) await checkOffices(tx, input.organisationId ?? current.organisation_id, input.officeIds);
    const changed = await tx
      .updateTable('users')
      .set({
        ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.organisationId !== undefined ? { organisation_id: input.organisationId } : {}),
        ...(input.officeIds !== undefined ? { office_ids: input.officeIds } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(passwordHash ? { password_hash: passwordHash } : {}),
      })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .returningAll()
      .executeTakeFirst();
    if (!changed)
      throw new Problem('preconditionFailed', 'this account was changed by someone else; reload it', undefined, { currentVersion: current.version });
    // A disabled account or a new password ends every open session of that user.
    if (input.active === false || passwordHash) {
      await tx
        .updateTable('sessions')
        .set({ ended_at: sql`now()`, end_reason: 'account changed' })
        .where('user_id', '=', id)
        .where('ended_at', 'is', null)
        .execute();
    }
    await recordAudit(tx, ctx, {
      action: 'users.update',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: {
        userId: id,
        fields: Object.keys(input)
          .filter((k) => k !== 'password')
          .concat(passwordHash ? ['passwordReset'] : []),
      },
    });
    return changed;
  });
}

export async function listUsers(db: Db, ctx: RequestContext): Promise<Row[]> {
  requireManageUsers(ctx);
  return db.selectFrom('users').selectAll().orderBy('username').execute();
}

/** The first administrator of an installation, made by the operator (CLI); the organisation defaults to ABB. */
export async function addAccountAsOperator(db: Db, input: Omit<UserInput, 'organisationId'> & { organisationId?: string }): Promise<Row> {
  const ctx = { actor: OPERATOR, requestId: 'cli' };
  let organisationId = input.organisationId;
  if (!organisationId) {
    const abb = await db.selectFrom('organisations').select('id').where('kind', '=', 'ABB').orderBy('id').executeTakeFirst();
    organisationId =
      abb?.id ??
      (
        await inTransaction(db, OPERATOR.id, (tx) =>
          tx.insertInto('organisations').values({ kind: 'ABB', name: 'Agentschap Binnenlands Bestuur' }).returning('id').executeTakeFirstOrThrow(),
        )
      ).id;
  }
  return createUser(db, ctx, { ...input, organisationId: organisationId! });
}

async function checkOffices(tx: Executor, organisationId: string, officeIds: string[]) {
  const org = await tx.selectFrom('organisations').select('id').where('id', '=', organisationId).executeTakeFirst();
  if (!org)
    throw new Problem('referencedResourceNotFound', 'organisationId: no such organisation', [
      { in: 'body', name: 'organisationId', detail: 'no such organisation' },
    ]);
  if (!officeIds.length) return;
  const found = await tx.selectFrom('offices').select('id').where('id', 'in', officeIds).execute();
  if (found.length !== new Set(officeIds).size) {
    throw new Problem('referencedResourceNotFound', 'officeIds: an office does not exist', [{ in: 'body', name: 'officeIds', detail: 'no such office' }]);
  }
}

export const ROLE_CODES = Object.keys(POLICY) as Role[];
