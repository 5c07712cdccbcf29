/**
 * Staff log-in through OpenID Connect, next to the local accounts: the authorization code flow
 * with PKCE (S256), state and nonce. The provider's endpoints and keys are discovered from the
 * configured issuer; what a log-in under way needs is kept on the server (oidc_login_attempts,
 * single use, 10 minutes); the ID token's signature, issuer, audience and nonce are checked by
 * openid-client. Which account the identity opens is decided by loginWithIdentity.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import * as oidc from 'openid-client';
import type { OidcConfig } from '../../platform/config.ts';
import type { Db } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import { loginWithIdentity, type SessionSettings } from './access.service.ts';
import { setSessionCookie } from './access.routes.ts';
import { typed } from '../../platform/http.ts';

const ATTEMPT_MINUTES = 10;
/**
 * Binds a log-in under way to the browser that started it, so that nobody can slip their own
 * callback URL (their account) into someone else's browser. SameSite=Lax, unlike the session
 * cookie: it must come along on the provider's cross-site redirect back to the callback.
 */
const ATTEMPT_COOKIE = 'kbi_oidc_attempt';
const ATTEMPT_PATH = '/api/v1/session/oidc/';
const PROBLEM = { $ref: 'Problem#' };

const stateId = (state: string) => createHash('sha256').update(state).digest('hex');
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const refused = (detail: string) => new Problem('unauthenticated', detail).denied({ action: 'session.login', personId: null, clusters: [] });

/** The provider's configuration, discovered at the first log-in (and again after a failed discovery). */
function providerConfiguration(settings: OidcConfig): () => Promise<oidc.Configuration> {
  let discovered: Promise<oidc.Configuration> | null = null;
  const discover = async () => {
    const issuer = new URL(settings.issuer);
    // The configuration allows plain http for a loopback issuer only (tests).
    const configuration = await oidc.discovery(
      issuer,
      settings.clientId,
      undefined,
      oidc.ClientSecretBasic(settings.clientSecret),
      issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
    // By default an ID token from the token endpoint is trusted on TLS alone; check its signature too.
    oidc.enableNonRepudiationChecks(configuration);
    return configuration;
  };
  return () => {
    discovered ??= discover().catch((err: unknown) => {
      discovered = null;
      throw err;
    });
    return discovered;
  };
}

/**
 * Protocol failures are a refused log-in; anything else means the provider could not be reached.
 * Logged by name and code only: the error's cause can hold the ID token's claims (names).
 */
function providerProblem(req: FastifyRequest, event: string, err: unknown): Problem {
  req.log.warn(
    { error: err instanceof Error ? err.name : typeof err, code: (err as { code?: unknown }).code, message: err instanceof Error ? err.message : undefined },
    event,
  );
  if (err instanceof oidc.ClientError || err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    return refused('the identity provider did not confirm this log-in; start again');
  }
  return new Problem('serviceUnavailable', 'the identity provider cannot be reached; try again later or log in with a local account');
}

/** The log-in methods (always) and, when an OpenID provider is configured, its two routes. */
export function registerOidcRoutes(http: FastifyInstance, db: Db, sessionSettings: SessionSettings, settings: OidcConfig | null): void {
  const app = typed(http);
  app.get(
    '/api/v1/session/methods',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Access'],
        summary: 'How staff can log in here',
        security: [],
        response: { 200: { type: 'object', properties: { local: { type: 'boolean' }, oidc: { type: 'boolean' } } } },
      },
    },
    async () => ({ local: true, oidc: !!settings }),
  );
  if (!settings) return;
  const provider = providerConfiguration(settings);

  app.get(
    '/api/v1/session/oidc/start',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Access'],
        summary: 'Log in through the OpenID provider: redirects to it',
        security: [],
        description: 'returnTo is the path of KBI to show after log-in (default /).',
        querystring: {
          type: 'object',
          additionalProperties: false,
          // A path on this site only: never another host (//host) or scheme.
          properties: { returnTo: { type: 'string', maxLength: 500, pattern: "^/(?![/\\\\])[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$" } },
        },
        response: { 302: { type: 'null' }, 503: PROBLEM },
      },
    },
    async (req, reply) => {
      const configuration = await provider().catch((err: unknown) => {
        throw providerProblem(req, 'oidc_discovery_failed', err);
      });
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      await db
        .insertInto('oidc_login_attempts')
        .values({
          id: stateId(state),
          nonce,
          code_verifier: codeVerifier,
          return_path: req.query.returnTo ?? '/',
        })
        .execute();
      const target = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: settings.redirectUri,
        scope: 'openid profile',
        state,
        nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      reply.setCookie(ATTEMPT_COOKIE, state, { httpOnly: true, secure: true, sameSite: 'lax', path: ATTEMPT_PATH, maxAge: ATTEMPT_MINUTES * 60 });
      return reply.redirect(target.href, 302);
    },
  );

  app.get(
    '/api/v1/session/oidc/callback',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Access'],
        summary: 'Where the OpenID provider sends the browser back: opens the session',
        security: [],
        description: 'Sets the same session cookie as POST /api/v1/session and answers a page that moves on to the path given at the start.',
        querystring: { type: 'object', properties: { state: { type: 'string', maxLength: 200 }, code: { type: 'string', maxLength: 4000 } } },
        response: {
          200: { description: 'A page that moves on to returnTo', content: { 'text/html': { schema: { type: 'string' } } } },
          401: PROBLEM,
          503: PROBLEM,
        },
      },
    },
    async (req, reply) => {
      const { state } = req.query;
      reply.clearCookie(ATTEMPT_COOKIE, { path: ATTEMPT_PATH });
      if (!state || req.cookies[ATTEMPT_COOKIE] !== state) throw refused('this log-in was not started in this browser; start again');
      // Consumed before the provider is asked anything: a state works once, whatever follows.
      const attempt = await db
        .updateTable('oidc_login_attempts')
        .set({ used_at: sql`now()` })
        .where('id', '=', stateId(state))
        .where('used_at', 'is', null)
        .where('created_at', '>', sql<string>`now() - make_interval(mins => ${ATTEMPT_MINUTES})`)
        .returning(['nonce', 'code_verifier', 'return_path'])
        .executeTakeFirst();
      if (!attempt) throw refused('this log-in is unknown, already used or expired; start again');

      // The registered redirect URI, not the Host this request came in on (a proxy may rewrite it).
      const currentUrl = new URL(settings.redirectUri);
      currentUrl.search = new URL(req.url, currentUrl).search;
      let claims: oidc.IDToken;
      try {
        const configuration = await provider();
        const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
          expectedState: state,
          expectedNonce: attempt.nonce,
          pkceCodeVerifier: attempt.code_verifier,
          idTokenExpected: true,
        });
        claims = tokens.claims()!;
      } catch (err) {
        throw providerProblem(req, 'oidc_callback_refused', err);
      }
      const username = claims[settings.usernameClaim];
      const session = await loginWithIdentity(db, sessionSettings, req.id, {
        issuer: claims.iss,
        subject: claims.sub,
        username: typeof username === 'string' ? username : null,
      });
      setSessionCookie(reply, session.token, sessionSettings);
      // This response ends a navigation that the provider's site started, so the browser will not send
      // a SameSite=Strict cookie on it, nor on a redirect from it (the chain stays cross-site). A page
      // of our own that moves on starts a new, same-site navigation, which carries the cookie.
      const next = escapeHtml(attempt.return_path);
      return reply
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${next}"><title>KBI</title><p><a href="${next}">Verder naar KBI</a></p>`,
        );
    },
  );
}
