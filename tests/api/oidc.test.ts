/**
 * Staff log-in through OpenID Connect against a real OpenID provider (oidc-provider, in this
 * process, on a loopback port): KBI discovers it, redirects to it, exchanges the code with PKCE
 * and checks the ID token. The test plays the browser, following redirects with a cookie jar per
 * site. KBI's public callback URL is https://kbi.example/…, as behind a proxy: the "browser"
 * sends what is addressed there to the test server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';
import { TEST_DATABASES, type TestDatabase } from '../support/databases.ts';
import { expectOk, startTestApp, type TestApp } from '../support/app.ts';
import { ConfigError, loadConfig } from '../../server/platform/config.ts';
import { OPERATOR } from '../../server/platform/access.ts';
import { createUser } from '../../server/modules/access/access.service.ts';

const PUBLIC_KBI = 'https://kbi.example';
const REDIRECT_URI = `${PUBLIC_KBI}/api/v1/session/oidc/callback`;
const CLIENT = { client_id: 'kbi', client_secret: 'kbi-test-client-secret-0123456789' };

/**
 * The provider: its accounts (sub → claims), who logs in at the next interaction, the token
 * requests seen, and optionally a rewrite of the ID tokens it issues (a forger on the way back).
 */
const idp = {
  issuer: '',
  accounts: new Map<string, { preferred_username: string }>(),
  signIn: '',
  tokenRequests: 0,
  server: null as Server | null,
  key: null as CryptoKey | null,
  rewriteIdToken: null as ((claims: JWTPayload) => Promise<string>) | null,
};
const signIdToken = (claims: JWTPayload, key: CryptoKey) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test' }).sign(key);

/** Hands the token response's ID token to idp.rewriteIdToken before it leaves. */
function rewriteTokenResponse(res: ServerResponse, rewrite: (claims: JWTPayload) => Promise<string>) {
  const end = res.end.bind(res);
  res.end = ((chunk: unknown) => {
    const body = JSON.parse(String(chunk));
    void rewrite(decodeJwt(body.id_token)).then((idToken) => {
      const text = JSON.stringify({ ...body, id_token: idToken });
      res.setHeader('content-length', Buffer.byteLength(text));
      end(text);
    });
    return res;
  }) as typeof res.end;
}

before(async () => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  idp.key = privateKey;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  idp.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(idp.issuer, {
    clients: [{ ...CLIENT, redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], response_types: ['code'] }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test' }] },
    cookies: { keys: ['test-cookie-key'] },
    claims: { openid: ['sub'], profile: ['preferred_username'] },
    // The user name claim in the ID token itself, as KBI reads it there.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { AccessToken: 300, AuthorizationCode: 60, Grant: 600, IdToken: 300, Interaction: 600, Session: 600 },
    features: { devInteractions: { enabled: false } },
    findAccount: (_ctx, sub) => {
      const claims = idp.accounts.get(sub);
      return claims ? { accountId: sub, claims: () => ({ sub, ...claims }) } : undefined;
    },
    // A first-party client: consent is given once the account has logged in.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid profile');
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/token')) {
      idp.tokenRequests++;
      if (idp.rewriteIdToken) rewriteTokenResponse(res, idp.rewriteIdToken);
    }
    // The provider's log-in page: whoever the test chose logs in, without a form.
    if (req.url?.startsWith('/interaction/')) {
      provider.interactionFinished(req, res, { login: { accountId: idp.signIn } }, { mergeWithLastSubmission: false }).catch((err: Error) => {
        res.statusCode = 500;
        res.end(err.message);
      });
      return;
    }
    handle(req, res);
  });
  idp.server = server;
});
after(() => new Promise<void>((resolve) => idp.server!.close(() => resolve())));

const oidcEnv = () => ({
  KBI_OIDC_ISSUER: idp.issuer,
  KBI_OIDC_CLIENT_ID: CLIENT.client_id,
  KBI_OIDC_CLIENT_SECRET: CLIENT.client_secret,
  KBI_OIDC_REDIRECT_URI: REDIRECT_URI,
});

/** A browser: one cookie jar per site, redirects followed by hand. */
function browser(kbi: TestApp) {
  const jars = new Map<string, Map<string, string>>();
  const jarOf = (url: URL) => jars.get(url.origin) ?? jars.set(url.origin, new Map()).get(url.origin)!;
  async function get(address: string) {
    const url = new URL(address);
    const jar = jarOf(url);
    const target = url.origin === PUBLIC_KBI ? kbi.base + url.pathname + url.search : url.href;
    const res = await fetch(target, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (!value || /expires=Thu, 01 Jan 1970|max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return { res, location: res.headers.get('location') ? new URL(res.headers.get('location')!, url).href : null };
  }
  return {
    jar: (origin: string) => jarOf(new URL(origin)),
    get,
    /** Starts a log-in at KBI as `sub` and follows it through the provider up to KBI's callback URL, not visiting it. */
    async logInAt(sub: string, returnTo?: string) {
      // A fresh session at the provider, so that `sub` logs in there rather than whoever did before.
      jars.delete(new URL(idp.issuer).origin);
      idp.signIn = sub;
      const start = await get(`${PUBLIC_KBI}/api/v1/session/oidc/start${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`);
      assert.equal(start.res.status, 302, await start.res.text());
      const authorization = new URL(start.location!);
      let next = start.location!;
      for (let hops = 0; !next.startsWith(REDIRECT_URI); hops++) {
        assert.ok(hops < 10, 'the provider sends the browser back to KBI');
        const step = await get(next);
        assert.ok(step.location, `the provider answered ${step.res.status}: ${await step.res.text()}`);
        next = step.location!;
      }
      return { authorization, callback: new URL(next) };
    },
    async callback(url: URL) {
      const { res } = await get(url.href);
      const text = await res.text();
      return {
        status: res.status,
        text,
        body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null,
        cookies: res.headers.getSetCookie(),
      };
    },
  };
}

async function staffAccount(kbi: TestApp, username: string, role = 'AGENCY_CASEWORKER') {
  return createUser(
    kbi.database.db,
    { actor: OPERATOR, requestId: 'test-setup' },
    { username, displayName: `Test ${username}`, role, organisationId: kbi.homeOrganisationId },
  );
}

const count = async (kbi: TestApp, where: string) =>
  Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.raw(where)}`.execute(kbi.database.db)).rows[0]!.n);
const deniedLogins = (kbi: TestApp) => count(kbi, `audit_log WHERE action = 'session.login' AND result = 'denied'`);

for (const which of TEST_DATABASES) runOn(which);

function runOn(which: TestDatabase) {
  describe(`OpenID Connect log-in (${which.name})`, () => {
    test('a full log-in through the provider opens a working session and binds the identity to the account', async (t) => {
      const kbi = await startTestApp(t, which, oidcEnv());
      const account = await staffAccount(kbi, 'an.peeters');
      idp.accounts.set('sub-an', { preferred_username: 'An.Peeters' });
      const person = await kbi.factories.person();
      const b = browser(kbi);

      const { authorization, callback } = await b.logInAt('sub-an', '/personen?zoek=a&b=1');
      assert.equal(authorization.origin + authorization.pathname, `${idp.issuer}/auth`, 'discovered from the issuer');
      assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(authorization.searchParams.get('redirect_uri'), REDIRECT_URI);
      const attempt = await kbi.database.db.selectFrom('oidc_login_attempts').selectAll().executeTakeFirstOrThrow();
      assert.equal(attempt.id, createHash('sha256').update(authorization.searchParams.get('state')!).digest('hex'), 'the state is kept only as its hash');
      assert.equal(
        authorization.searchParams.get('code_challenge'),
        createHash('sha256').update(attempt.code_verifier).digest('base64url'),
        'PKCE: the challenge of the verifier kept server-side',
      );
      assert.equal(authorization.searchParams.get('nonce'), attempt.nonce);

      const done = await b.callback(callback);
      assert.equal(done.status, 200, done.text);
      assert.match(done.text, /<meta http-equiv="refresh" content="0;url=\/personen\?zoek=a&#38;b=1">/, 'the page moves on to the return path');
      const sessionCookie = done.cookies.find((c) => c.startsWith('kbi_session='))!;
      assert.match(sessionCookie, /HttpOnly/);
      assert.match(sessionCookie, /Secure/);
      assert.match(sessionCookie, /SameSite=Strict/);

      const cookie = `kbi_session=${b.jar(PUBLIC_KBI).get('kbi_session')}`;
      const me = await expectOk(await kbi.anonymous('GET', '/api/v1/session', undefined, { cookie }));
      assert.equal(me.user.id, account.id);
      const found = await expectOk(
        await kbi.anonymous('POST', '/api/v1/persons/search', { familyName: person.familyName }, { cookie, 'x-csrf-token': me.csrfToken }),
      );
      assert.ok(Array.isArray(found.items));
      assert.equal(
        (await kbi.anonymous('POST', '/api/v1/persons/search', { familyName: 'x' }, { cookie })).status,
        403,
        'changes and searches still need the CSRF token',
      );

      const bound = await kbi.database.db
        .selectFrom('users')
        .select(['oidc_issuer', 'oidc_subject', 'version', 'recorded_by'])
        .where('id', '=', account.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(bound, { oidc_issuer: idp.issuer, oidc_subject: 'sub-an', version: 2, recorded_by: `user:${account.id}` });
      const history = await kbi.database.db.selectFrom('users_history').select(['version', 'oidc_subject']).where('id', '=', account.id).execute();
      assert.deepEqual(history, [{ version: 1, oidc_subject: null }], 'the account before binding is kept');
      const audit = await kbi.database.db
        .selectFrom('audit_log')
        .select(['action', 'result', 'detail'])
        .where('actor_id', '=', `user:${account.id}`)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.slice(0, 2).map((a) => [a.action, a.result, typeof a.detail === 'string' ? JSON.parse(a.detail) : a.detail]),
        [
          ['users.update', 'allowed', { userId: account.id, fields: ['oidcIdentity'] }],
          ['session.login', 'allowed', { method: 'oidc' }],
        ],
      );

      // From now on the subject counts, not the name: a new name at the provider still opens the account,
      // and another identity that takes the old name opens nothing.
      idp.accounts.set('sub-an', { preferred_username: 'an.janssens' });
      idp.accounts.set('sub-other', { preferred_username: 'an.peeters' });
      assert.equal((await b.callback((await b.logInAt('sub-an')).callback)).status, 200);
      const other = await b.callback((await b.logInAt('sub-other')).callback);
      assert.equal(other.status, 401, other.text);
    });

    test('an identity without an active account is refused with 401, audited, and no session is opened', async (t) => {
      const kbi = await startTestApp(t, which, oidcEnv());
      const account = await staffAccount(kbi, 'jan.claes');
      idp.accounts.set('sub-stranger', { preferred_username: 'nobody.here' });
      idp.accounts.set('sub-jan', { preferred_username: 'jan.claes' });
      const b = browser(kbi);
      assert.equal((await b.callback((await b.logInAt('sub-jan')).callback)).status, 200, 'jan.claes logs in once: the identity is bound');
      const sessions = await count(kbi, 'sessions');
      const denied = await deniedLogins(kbi);

      const stranger = await b.callback((await b.logInAt('sub-stranger')).callback);
      assert.equal(stranger.status, 401);
      assert.equal(stranger.body.code, 'unauthenticated');
      assert.equal(
        stranger.cookies.some((c) => c.startsWith('kbi_session=')),
        false,
      );
      assert.equal(await deniedLogins(kbi), denied + 1, 'the refusal is audited');

      assert.equal(await count(kbi, `users WHERE oidc_subject IS NOT NULL`), 1, 'a refused log-in binds nothing');

      await expectOk(await kbi.call('PATCH', `/api/v1/users/${account.id}`, { active: false }, { 'if-match': '"2"' }));
      const disabled = await b.callback((await b.logInAt('sub-jan')).callback);
      assert.equal(disabled.status, 401, 'a disabled account is refused, bound or not');
      assert.equal(await deniedLogins(kbi), denied + 2);
      assert.equal(await count(kbi, 'sessions'), sessions, 'no session row is added');
    });

    test('a state works once, in the browser that started it, for 10 minutes; a forged one never', async (t) => {
      const kbi = await startTestApp(t, which, oidcEnv());
      await staffAccount(kbi, 'els.maes');
      idp.accounts.set('sub-els', { preferred_username: 'els.maes' });
      const b = browser(kbi);
      const denied = await deniedLogins(kbi);

      const { callback } = await b.logInAt('sub-els');
      const state = callback.searchParams.get('state')!;
      const attemptCookie = b.jar(PUBLIC_KBI).get('kbi_oidc_attempt')!;
      assert.equal(attemptCookie, state, 'the browser carries its own log-in attempt');
      const tokensAtStart = idp.tokenRequests;

      // Another browser (without the attempt cookie) cannot use this callback URL.
      const elsewhere = await browser(kbi).callback(callback);
      assert.equal(elsewhere.status, 401);
      // A tampered state, even with a cookie to match, is not one KBI issued.
      const forged = new URL(callback);
      forged.searchParams.set('state', `${state}x`);
      b.jar(PUBLIC_KBI).set('kbi_oidc_attempt', `${state}x`);
      const tampered = await b.callback(forged);
      assert.equal(tampered.status, 401);
      assert.match(tampered.body.detail, /unknown, already used or expired/);
      assert.equal(idp.tokenRequests, tokensAtStart, 'refused before the provider is asked');

      b.jar(PUBLIC_KBI).set('kbi_oidc_attempt', attemptCookie);
      assert.equal((await b.callback(callback)).status, 200, 'the genuine callback still works');
      const tokensSeen = idp.tokenRequests;
      b.jar(PUBLIC_KBI).set('kbi_oidc_attempt', attemptCookie);
      const replayed = await b.callback(callback);
      assert.equal(replayed.status, 401);
      assert.match(replayed.body.detail, /already used/);
      assert.equal(idp.tokenRequests, tokensSeen, 'a replay never reaches the provider');

      const late = await b.logInAt('sub-els');
      await kbi.database.exec(`UPDATE oidc_login_attempts SET created_at = now() - interval '11 minutes' WHERE used_at IS NULL`);
      assert.equal((await b.callback(late.callback)).status, 401, 'an attempt older than 10 minutes has expired');
      assert.equal(await deniedLogins(kbi), denied + 4, 'every refusal is audited');
      assert.equal(await count(kbi, 'sessions'), 2, "the administrator's session and the one genuine log-in");
    });

    test('the ID token must carry the nonce of the attempt, and the code is only exchanged with its PKCE verifier', async (t) => {
      const kbi = await startTestApp(t, which, oidcEnv());
      await staffAccount(kbi, 'piet.wouters');
      idp.accounts.set('sub-piet', { preferred_username: 'piet.wouters' });
      const b = browser(kbi);
      const sessions = await count(kbi, 'sessions');

      const wrongNonce = await b.logInAt('sub-piet');
      await kbi.database.exec(`UPDATE oidc_login_attempts SET nonce = 'not-the-nonce-sent' WHERE used_at IS NULL`);
      const tokensBefore = idp.tokenRequests;
      const byNonce = await b.callback(wrongNonce.callback);
      assert.equal(byNonce.status, 401, byNonce.text);
      assert.equal(idp.tokenRequests, tokensBefore + 1, 'the provider issued an ID token, which KBI refused');

      const wrongVerifier = await b.logInAt('sub-piet');
      await kbi.database.exec(`UPDATE oidc_login_attempts SET code_verifier = '${'v'.repeat(43)}' WHERE used_at IS NULL`);
      const byVerifier = await b.callback(wrongVerifier.callback);
      assert.equal(byVerifier.status, 401, byVerifier.text);
      assert.equal(await count(kbi, 'sessions'), sessions);
      assert.equal((await b.callback((await b.logInAt('sub-piet')).callback)).status, 200, 'the same account with an untouched attempt gets in');

      if (which.name === 'postgres') {
        const grants = await sql<{
          p: string;
          ok: boolean;
        }>`SELECT p, has_table_privilege('kbi_app', 'oidc_login_attempts', p) AS ok FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p`.execute(
          kbi.database.db,
        );
        assert.deepEqual(grants.rows, [
          { p: 'SELECT', ok: true },
          { p: 'INSERT', ok: true },
          { p: 'UPDATE', ok: true },
          { p: 'DELETE', ok: false },
        ]);
      }
      const columns = async (table: string) =>
        (
          await sql<{
            column_name: string;
          }>`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table} ORDER BY ordinal_position`.execute(
            kbi.database.db,
          )
        ).rows.map((r) => r.column_name);
      assert.deepEqual(await columns('users_history'), await columns('users'), 'the history trigger copies users rows positionally');
    });

    test("an ID token that is not the provider's own for KBI is refused: another signature, issuer or audience", async (t) => {
      const kbi = await startTestApp(t, which, oidcEnv());
      await staffAccount(kbi, 'lies.smet');
      idp.accounts.set('sub-lies', { preferred_username: 'lies.smet' });
      const b = browser(kbi);
      const { privateKey: forger } = await generateKeyPair('RS256');
      const sessions = await count(kbi, 'sessions');
      t.after(() => {
        idp.rewriteIdToken = null;
      });

      const forgeries: [string, (claims: JWTPayload) => Promise<string>][] = [
        ['signed with another key', (claims) => signIdToken(claims, forger)],
        ['from another issuer', (claims) => signIdToken({ ...claims, iss: 'https://idp.elsewhere.example' }, idp.key!)],
        ['for another client', (claims) => signIdToken({ ...claims, aud: 'someone-else' }, idp.key!)],
      ];
      for (const [what, rewrite] of forgeries) {
        idp.rewriteIdToken = rewrite;
        const res = await b.callback((await b.logInAt('sub-lies')).callback);
        assert.equal(res.status, 401, `an ID token ${what}: ${res.text}`);
      }
      assert.equal(await count(kbi, 'sessions'), sessions);
      // The same rewrite with the provider's key and claims unchanged passes: the refusals above are the checks'.
      idp.rewriteIdToken = (claims) => signIdToken(claims, idp.key!);
      assert.equal((await b.callback((await b.logInAt('sub-lies')).callback)).status, 200);
    });
  });
}

describe('OpenID Connect configuration', () => {
  test('an issuer needs a client id, secret and redirect URI; plain http only on loopback; every bad key is named', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
      }
      return [];
    };
    const missing = problems({ KBI_OIDC_ISSUER: 'https://idp.example/realms/kbi' });
    assert.deepEqual(
      missing.map((p) => p.split(' ')[0]),
      ['KBI_OIDC_CLIENT_ID', 'KBI_OIDC_CLIENT_SECRET', 'KBI_OIDC_REDIRECT_URI'],
    );
    const insecure = problems({
      KBI_OIDC_ISSUER: 'http://idp.example',
      KBI_OIDC_CLIENT_ID: 'kbi',
      KBI_OIDC_CLIENT_SECRET: 's',
      KBI_OIDC_REDIRECT_URI: 'http://kbi.example/api/v1/session/oidc/callback',
    });
    assert.deepEqual(
      insecure.map((p) => p.split(' ')[0]),
      ['KBI_OIDC_ISSUER', 'KBI_OIDC_REDIRECT_URI'],
    );
    assert.deepEqual(
      problems({
        KBI_OIDC_ISSUER: 'https://idp.example',
        KBI_OIDC_CLIENT_ID: 'kbi',
        KBI_OIDC_CLIENT_SECRET: 's',
        KBI_OIDC_REDIRECT_URI: 'https://kbi.example/login',
      }).map((p) => p.split(' ')[0]),
      ['KBI_OIDC_REDIRECT_URI'],
      'the redirect URI is that of the callback',
    );
    assert.deepEqual(
      loadConfig({ KBI_OIDC_ISSUER: 'http://127.0.0.1:9000', KBI_OIDC_CLIENT_ID: 'kbi', KBI_OIDC_CLIENT_SECRET: 's', KBI_OIDC_REDIRECT_URI: REDIRECT_URI })
        .oidc,
      { issuer: 'http://127.0.0.1:9000', clientId: 'kbi', clientSecret: 's', redirectUri: REDIRECT_URI, usernameClaim: 'preferred_username' },
    );
    assert.equal(loadConfig({}).oidc, null, 'off without an issuer');
  });

  test('the log-in methods say whether OIDC is on; without it its routes do not exist', async (t) => {
    const which = TEST_DATABASES[0]!;
    const plain = await startTestApp(t, which);
    assert.deepEqual(await expectOk(await plain.anonymous('GET', '/api/v1/session/methods')), { local: true, oidc: false });
    assert.equal((await plain.anonymous('GET', '/api/v1/session/oidc/start')).status, 404);
    const withOidc = await startTestApp(t, which, oidcEnv());
    assert.deepEqual(await expectOk(await withOidc.anonymous('GET', '/api/v1/session/methods')), { local: true, oidc: true });
    assert.equal(
      (await withOidc.anonymous('GET', '/api/v1/session/oidc/start?returnTo=//evil.example/')).status,
      400,
      'a return path on another site is refused',
    );
  });
});
