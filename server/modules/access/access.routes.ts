/** Log-in, the current session, log-out, and the administration of staff accounts. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Db } from '../../platform/db.ts';
import { versionFromIfMatch } from '../../platform/http.ts';
import {
  actorOf,
  createUser,
  listUsers,
  login,
  logout,
  permissionsOf,
  presentUser,
  updateUser,
  type SessionSettings,
  type SessionUser,
} from './access.service.ts';
import { ROLES } from './access.policy.ts';
import { CAPABILITIES } from '../../platform/access.ts';
import { dropUserSessions, type SessionCache } from './access.sessions.ts';
import { typed } from '../../platform/http.ts';

declare module 'fastify' {
  interface FastifyRequest {
    session: { user: SessionUser; csrfToken: string; sessionId: string } | null;
  }
}

export const SESSION_COOKIE = 'kbi_session';

/** The session cookie of every log-in: out of reach of scripts, HTTPS only, never sent by another site. */
export function setSessionCookie(reply: FastifyReply, token: string, settings: SessionSettings): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', maxAge: settings.maxHours * 3600 });
}

const PROBLEM = { $ref: 'Problem#' };

const userSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    organisationId: { type: 'string' },
    officeIds: { type: 'array', items: { type: 'string' } },
    active: { type: 'boolean' },
    version: { type: 'integer' },
    recordedAt: { type: 'string' },
    recordedBy: { type: 'string' },
  },
} as const;
/** The rule book's answer for the logged-in role: the web app shows what this allows, the server checks it again on every request. */
const permissionsSchema = {
  type: 'object',
  properties: {
    territory: { type: 'string', enum: ['all', 'organisation', 'offices', 'clients', 'none'] },
    read: { type: 'array', items: { type: 'string' }, description: 'Clusters the role may read' },
    write: { type: 'array', items: { type: 'string' }, description: 'Clusters the role may create, change and remove' },
    referenceWrite: { type: 'array', items: { type: 'string' }, description: 'Reference tables the role may change' },
    capabilities: { type: 'array', items: { type: 'string', enum: [...CAPABILITIES] } },
  },
} as const;
const userInput = {
  username: { type: 'string', pattern: '^[a-z0-9][a-z0-9._@-]{2,99}$' },
  displayName: { type: 'string', minLength: 1, maxLength: 200 },
  role: { type: 'string', enum: [...ROLES] },
  organisationId: { type: 'string', format: 'uuid' },
  officeIds: { type: 'array', maxItems: 200, uniqueItems: true, items: { type: 'string', format: 'uuid' } },
  password: { type: 'string', minLength: 1, maxLength: 200 },
  active: { type: 'boolean' },
} as const;

const { username: _username, ...changeableUserInput } = userInput;

export function registerAccessRoutes(http: FastifyInstance, db: Db, settings: SessionSettings, sessions: SessionCache): void {
  const app = typed(http);
  app.post(
    '/api/v1/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Access'],
        summary: 'Log in (local account)',
        security: [],
        description: 'Sets an HttpOnly, Secure, SameSite=Strict session cookie and returns the CSRF token to send as X-CSRF-Token on every change.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password'],
          properties: { username: { type: 'string', maxLength: 100 }, password: { type: 'string', maxLength: 200 } },
        },
        response: {
          200: {
            type: 'object',
            properties: { user: userSchema, permissions: permissionsSchema, csrfToken: { type: 'string' }, expiresAt: { type: 'string' } },
          },
          401: PROBLEM,
          429: PROBLEM,
        },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const session = await login(db, settings, req.id, username, password);
      setSessionCookie(reply, session.token, settings);
      return { user: session.user, permissions: permissionsOf(actorOf(session.user)), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    },
  );

  app.get(
    '/api/v1/session',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['Access'],
        summary: 'Who is logged in, and what the rule book lets them do',
        response: { 200: { type: 'object', properties: { user: userSchema, permissions: permissionsSchema, csrfToken: { type: 'string' } } }, 401: PROBLEM },
      },
    },
    async (req) => ({ user: req.session!.user, permissions: permissionsOf(req.ctx.actor), csrfToken: req.session!.csrfToken }),
  );

  app.delete(
    '/api/v1/session',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['Access'],
        summary: 'Log out: the session ends on the server, the cookie is cleared',
        response: { 204: { type: 'null' }, 401: PROBLEM },
      },
    },
    async (req, reply) => {
      await logout(db, req.ctx, req.session!.sessionId);
      sessions.drop(req.session!.sessionId); // at once here; other processes hear it from the database
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/users',
    {
      config: { access: 'staff', capability: 'manageUsers' },
      schema: {
        tags: ['Access'],
        summary: 'Staff accounts (administrator)',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: userSchema } } }, 403: PROBLEM },
      },
    },
    async (req) => ({ items: (await listUsers(db, req.ctx)).map(presentUser) }),
  );

  // Who changed a record, as a name a colleague recognises: the display name and organisation of
  // the accounts asked for (no user names, roles or offices; no listing of all accounts).
  app.post(
    '/api/v1/users/names',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['Access'],
        summary: 'Display names of staff accounts by id or actor id `user:<id>` (for a history: who changed what)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['ids'],
          properties: { ids: { type: 'array', maxItems: 200, uniqueItems: true, items: { type: 'string', maxLength: 100 } } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: { type: 'object', properties: { id: { type: 'string' }, displayName: { type: 'string' }, organisation: { type: ['string', 'null'] } } },
              },
            },
          },
          400: PROBLEM,
        },
      },
    },
    async (req) => {
      // Accepts account ids and the actor ids of records and audit rows (`user:<id>`).
      const uuid = /^(?:user:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
      const asked = new Map(
        req.body.ids.flatMap((id) => {
          const m = uuid.exec(id);
          return m ? [[m[1]!.toLowerCase(), id] as const] : [];
        }),
      );
      if (!asked.size) return { items: [] };
      const rows = await db
        .selectFrom('users')
        .leftJoin('organisations', 'organisations.id', 'users.organisation_id')
        .select(['users.id', 'users.display_name', 'organisations.name as organisation'])
        .where('users.id', 'in', [...asked.keys()])
        .execute();
      return { items: rows.map((r) => ({ id: asked.get(r.id)!, displayName: r.display_name, organisation: r.organisation ?? null })) };
    },
  );

  app.post(
    '/api/v1/users',
    {
      config: { access: 'staff', capability: 'manageUsers' },
      schema: {
        tags: ['Access'],
        summary: 'Create a staff account (administrator)',
        body: { type: 'object', additionalProperties: false, required: ['username', 'displayName', 'role', 'organisationId'], properties: userInput },
        response: { 201: userSchema, 400: PROBLEM, 403: PROBLEM, 409: PROBLEM },
      },
    },
    async (req, reply) => {
      const row = await createUser(db, req.ctx, req.body);
      return reply.code(201).header('etag', `"${row.version}"`).send(presentUser(row));
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { access: 'staff', capability: 'manageUsers' },
      schema: {
        tags: ['Access'],
        summary: 'Change a staff account: role, offices, active, password reset (administrator)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        body: { type: 'object', additionalProperties: false, minProperties: 1, properties: changeableUserInput },
        response: { 200: userSchema, 400: PROBLEM, 403: PROBLEM, 404: PROBLEM, 412: PROBLEM, 428: PROBLEM },
      },
    },
    async (req, reply) => {
      const row = await updateUser(db, req.ctx, req.params.id, versionFromIfMatch(req.headers['if-match']), req.body);
      dropUserSessions(sessions, row.id);
      return reply.header('etag', `"${row.version}"`).send(presentUser(row));
    },
  );
}
