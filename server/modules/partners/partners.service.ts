/**
 * Partner API clients: registration, secret rotation, and the client-credentials grant that
 * turns a client id and secret into a short-lived signed access token.
 */
import { X509Certificate, randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import { sql } from 'kysely';
import { ANONYMOUS_PARTNER, type Actor, type RequestContext } from '../../platform/access.ts';
import { inTransaction, type Database, type Row } from '../../platform/db.ts';
import { Problem } from '../../platform/errors.ts';
import type { NoticeCache } from '../../platform/notice-cache.ts';
import { recordAudit } from '../../platform/audit.ts';
import { clearFailures, clientKey, countAttempt, type ThrottleSettings } from '../../platform/throttle.ts';
import { hashPassword, verifyPassword } from '../../platform/passwords.ts';
import { demand } from '../access/access.service.ts';

export const TOKEN_SECONDS = 300;
const ISSUER = 'urn:kbi';
const AUDIENCE = 'urn:kbi:exchange';

function requireAdministrator(ctx: RequestContext) {
  demand(ctx, 'manageUsers', 'partnerClients.manage', 'only an administrator manages partner clients');
}

export const presentClient = (r: Row) => ({
  id: r.id,
  clientId: r.client_id,
  organisationId: r.organisation_id,
  active: r.active,
  version: r.version,
  secretRotatedAt: r.previous_secret_valid_until ?? null,
  recordedAt: r.sys_from,
  recordedBy: r.recorded_by,
});

const newSecret = () => randomBytes(32).toString('base64url');

/** Registers a client for a partner organisation; the secret is shown this once and stored hashed. */
export async function registerClient(database: Database, ctx: RequestContext, input: { organisationId: string; clientId: string }) {
  requireAdministrator(ctx);
  const secret = newSecret();
  const secretHash = await hashPassword(secret);
  const row = await inTransaction(database.db, ctx.actor.id, async (tx) => {
    const org = await tx.selectFrom('organisations').select('id').where('id', '=', input.organisationId).executeTakeFirst();
    if (!org)
      throw new Problem('referencedResourceNotFound', 'organisationId: no such organisation', [
        { in: 'body', name: 'organisationId', detail: 'no such organisation' },
      ]);
    const created = await tx
      .insertInto('partner_clients')
      .values({ organisation_id: input.organisationId, client_id: input.clientId, secret_hash: secretHash })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { action: 'partnerClients.create', personId: null, clusters: [], result: 'allowed', detail: { clientId: input.clientId } });
    return created;
  });
  return { client: row, secret };
}

/** A new secret; the old one stops working at once (or at `graceSeconds` from now). */
export async function rotateSecret(database: Database, ctx: RequestContext, id: string, graceSeconds = 0) {
  requireAdministrator(ctx);
  const secret = newSecret();
  const secretHash = await hashPassword(secret);
  const row = await inTransaction(database.db, ctx.actor.id, async (tx) => {
    const changed = await tx
      .updateTable('partner_clients')
      .set({
        previous_secret_hash: sql`secret_hash`,
        previous_secret_valid_until: sql`now() + ${`${graceSeconds} seconds`}::interval`,
        secret_hash: secretHash,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!changed) throw new Problem('resourceNotFound', 'partner client not found');
    await recordAudit(tx, ctx, {
      action: 'partnerClients.rotateSecret',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: { clientId: changed.client_id, graceSeconds },
    });
    return changed;
  });
  return { client: row, secret };
}

export async function setClientActive(database: Database, ctx: RequestContext, id: string, active: boolean) {
  requireAdministrator(ctx);
  return inTransaction(database.db, ctx.actor.id, async (tx) => {
    const changed = await tx.updateTable('partner_clients').set({ active }).where('id', '=', id).returningAll().executeTakeFirst();
    if (!changed) throw new Problem('resourceNotFound', 'partner client not found');
    await recordAudit(tx, ctx, {
      action: 'partnerClients.update',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: { clientId: changed.client_id, active },
    });
    return changed;
  });
}

/**
 * The installation's HMAC key, read once per database and kept as an imported key: it is made by
 * migration 0007 and the application's role cannot change it (measured: reading and importing it
 * on every request cost two round trips' worth of a partner consult).
 */
const signingKeys = new WeakMap<Database, Promise<CryptoKey>>();
function signingKey(database: Database): Promise<CryptoKey> {
  let key = signingKeys.get(database);
  if (!key) {
    key = database
      .prepared('kbi_token_key', 'SELECT key FROM token_signing_key WHERE id = 1', [])
      .then(([row]) =>
        crypto.subtle.importKey('raw', new TextEncoder().encode(row!.key as string), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
      );
    key.catch(() => signingKeys.delete(database)); // a failed read is tried again next time
    signingKeys.set(database, key);
  }
  return key;
}

/** The client-credentials grant: a matching current (or still-graced previous) secret gives a 5-minute token. */
export async function issueToken(database: Database, requestId: string, clientId: string, secret: string, throttle?: ThrottleSettings) {
  const key = clientKey(clientId);
  await countAttempt(database.db, key, throttle, 'oauth.token', ANONYMOUS_PARTNER, { clientId: clientId.slice(0, 100) });
  const client = await database.db.selectFrom('partner_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  const current = await verifyPassword(secret, client?.secret_hash ?? null);
  const graced =
    !current && client?.previous_secret_hash && client.previous_secret_valid_until && Date.parse(client.previous_secret_valid_until) > Date.now()
      ? await verifyPassword(secret, client.previous_secret_hash)
      : false;
  const actor: Actor = { id: `partner:${clientId}`, kind: 'partner', organisationId: client?.organisation_id ?? null, role: null, officeIds: [] };
  if (!client || !client.active || (!current && !graced)) {
    // Audited as a partner's failed attempt with the client id it tried (never the secret).
    throw new Problem('unauthenticated', 'unknown client, wrong or retired secret, or a disabled client', undefined, { error: 'invalid_client' }).denied({
      action: 'oauth.token',
      personId: null,
      clusters: [],
      actor: ANONYMOUS_PARTNER,
      detail: { clientId: clientId.slice(0, 100), known: !!client },
    });
  }
  // cv: the client's version; any change to the client (a rotated secret, disabling it) revokes the tokens issued before.
  await clearFailures(database.db, key);
  const token = await new SignJWT({ org: client.organisation_id, cv: client.version })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(clientId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${TOKEN_SECONDS}s`)
    .setJti(randomBytes(12).toString('base64url'))
    .sign(await signingKey(database));
  await recordAudit(database.db, { actor, requestId }, { action: 'oauth.token', personId: null, clusters: [], result: 'allowed' });
  return { access_token: token, token_type: 'Bearer', expires_in: TOKEN_SECONDS };
}

/** A partner client as the bearer check needs it. */
export interface ClientState {
  organisationId: string;
  active: boolean;
  version: number;
}

export const PARTNER_CLIENT_CHANNEL = 'kbi_partner_clients';

/**
 * Tokens whose signature and claims were checked, per database (each has its own key): the same
 * token string always verifies the same way, so only its expiry is looked at again. Bounded.
 */
interface VerifiedToken {
  subject: string;
  clientVersion: number;
  expiresAt: number;
}
const verifiedTokens = new WeakMap<Database, Map<string, VerifiedToken>>();
const MAX_VERIFIED_TOKENS = 20_000;

/** The client id a token claims, unverified: only to name it in the audit record of its refusal. */
function claimedClientId(token: string): string | null {
  try {
    const sub = decodeJwt(token).sub;
    return typeof sub === 'string' ? sub.slice(0, 100) : null;
  } catch {
    return null;
  }
}

/** A refused bearer token, audited as a partner's failed attempt with the client id it claims. */
const tokenRefused = (token: string, message: string) =>
  new Problem('unauthenticated', message, undefined, { error: 'invalid_token' }).denied({
    action: 'exchange.authenticate',
    personId: null,
    clusters: [],
    actor: ANONYMOUS_PARTNER,
    detail: { claimedClientId: claimedClientId(token) },
  });

async function verifiedToken(database: Database, token: string): Promise<VerifiedToken> {
  let known = verifiedTokens.get(database);
  if (!known) verifiedTokens.set(database, (known = new Map()));
  const hit = known.get(token);
  if (hit && Date.now() < hit.expiresAt) return hit;
  known.delete(token);
  try {
    const { payload } = await jwtVerify(token, await signingKey(database), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    if (known.size >= MAX_VERIFIED_TOKENS) known.delete(known.keys().next().value!);
    const verified = { subject: payload.sub!, clientVersion: Number(payload.cv), expiresAt: payload.exp! * 1000 };
    known.set(token, verified);
    return verified;
  } catch (e) {
    const expired = (e as { code?: string }).code === 'ERR_JWT_EXPIRED';
    throw tokenRefused(token, expired ? 'the access token has expired' : 'the access token is not valid');
  }
}

/**
 * The partner behind a bearer token; the client must still exist and be active. With `clients`,
 * a client looked up a moment ago is not looked up again: the memory forgets it the moment the
 * database announces a change to it (migration 0018), in every process.
 */
export async function partnerFromToken(database: Database, token: string, clients?: NoticeCache<ClientState>): Promise<Actor> {
  const { subject, clientVersion } = await verifiedToken(database, token);
  let client = clients?.get(subject);
  if (!client) {
    const epoch = clients?.epoch() ?? 0;
    const [row] = await database.prepared(
      'kbi_partner_client_version',
      'SELECT client_id, organisation_id, active, version FROM partner_clients WHERE client_id = $1',
      [subject],
    );
    client = row
      ? { organisationId: row.organisation_id, active: row.active, version: Number(row.version) }
      : { organisationId: '', active: false, version: -1 };
    if (row) clients?.set(subject, client, epoch);
  }
  if (!client.active) throw tokenRefused(token, 'this client is disabled');
  // Issued before the client last changed (its secret rotated, say): revoked, in every process at once.
  if (client.version !== clientVersion) throw tokenRefused(token, "the access token was issued before the client's secret was rotated; ask for a new one");
  return { id: `partner:${subject}`, kind: 'partner', organisationId: client.organisationId, role: null, officeIds: [] };
}

/**
 * Client certificates (migration 0027). Where TLS ends at this server and KBI_TLS_CLIENT_CA is
 * set, a partner may present a certificate instead of a bearer token: one that chains to that CA
 * and whose SHA-256 fingerprint an administrator bound to an active client, within the binding's
 * dates, stands for that client, with the same organisation (and so the same authorisations) as
 * its tokens.
 */
export const presentCertificate = (r: Row) => ({
  id: r.id,
  partnerClientId: r.partner_client_id,
  fingerprint: r.fingerprint,
  subject: r.subject ?? null,
  notBefore: new Date(r.not_before).toISOString(),
  notAfter: new Date(r.not_after).toISOString(),
  version: r.version,
  recordedAt: r.sys_from,
  recordedBy: r.recorded_by,
});

/** A fingerprint as stored: 64 lower-case hex digits (colons and case of `openssl x509 -fingerprint -sha256` accepted). */
export const normalFingerprint = (given: string) => given.replace(/:/g, '').toLowerCase();

export interface CertificateBinding {
  /** A PEM certificate: its fingerprint, subject and dates are read from it. */
  certificate?: string;
  /** Or the fingerprint alone (SHA-256 of the DER form), with the dates. */
  fingerprint?: string;
  /** The binding's dates; by default the certificate's own. They may only narrow a given certificate's. */
  notBefore?: string;
  notAfter?: string;
}

const badBinding = (name: string, detail: string) => new Problem('badRequest', `${name}: ${detail}`, [{ in: 'body', name, detail }]);

/** What a binding request says about the certificate: fingerprint, subject and validity. */
function readBinding(input: CertificateBinding): { fingerprint: string; subject: string | null; notBefore: Date; notAfter: Date } {
  let fingerprint: string, subject: string | null, notBefore: Date | null, notAfter: Date | null;
  if (input.certificate) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(input.certificate);
    } catch {
      throw badBinding('certificate', 'not a PEM certificate');
    }
    if (cert.ca) throw badBinding('certificate', 'a CA certificate cannot stand for a partner client');
    fingerprint = normalFingerprint(cert.fingerprint256);
    if (input.fingerprint && normalFingerprint(input.fingerprint) !== fingerprint) throw badBinding('fingerprint', 'is not the fingerprint of the certificate');
    subject = cert.subject.replace(/\n/g, ', ').slice(0, 500);
    const from = new Date(cert.validFrom);
    const to = new Date(cert.validTo);
    notBefore = input.notBefore ? new Date(input.notBefore) : from;
    notAfter = input.notAfter ? new Date(input.notAfter) : to;
    if (notBefore < from) throw badBinding('notBefore', `before the certificate's own start ${from.toISOString()}`);
    if (notAfter > to) throw badBinding('notAfter', `after the certificate's own end ${to.toISOString()}`);
  } else if (input.fingerprint) {
    fingerprint = normalFingerprint(input.fingerprint);
    subject = null;
    if (!input.notBefore || !input.notAfter) throw badBinding('notAfter', 'notBefore and notAfter are required with a fingerprint alone');
    notBefore = new Date(input.notBefore);
    notAfter = new Date(input.notAfter);
  } else {
    throw badBinding('certificate', 'give the certificate (PEM) or its SHA-256 fingerprint');
  }
  if (!/^[0-9a-f]{64}$/.test(fingerprint)) throw badBinding('fingerprint', 'a SHA-256 fingerprint: 64 hexadecimal digits');
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) throw badBinding('notBefore', 'dates as RFC 3339 date-times');
  if (notAfter <= notBefore) throw badBinding('notAfter', 'must be after notBefore');
  return { fingerprint, subject, notBefore, notAfter };
}

/** The certificates bound to a client. */
export async function listCertificates(database: Database, ctx: RequestContext, clientRowId: string) {
  demand(ctx, 'manageUsers', 'partnerClients.list', 'only an administrator manages partner clients');
  const client = await database.db.selectFrom('partner_clients').select('id').where('id', '=', clientRowId).executeTakeFirst();
  if (!client) throw new Problem('resourceNotFound', 'partner client not found');
  return database.db.selectFrom('partner_client_certificates').selectAll().where('partner_client_id', '=', clientRowId).orderBy('not_after', 'desc').execute();
}

/** Binds a client certificate to a client; a certificate stands for one client only. Audited. */
export async function bindCertificate(database: Database, ctx: RequestContext, clientRowId: string, input: CertificateBinding) {
  requireAdministrator(ctx);
  const binding = readBinding(input);
  return inTransaction(database.db, ctx.actor.id, async (tx) => {
    const client = await tx.selectFrom('partner_clients').select(['id', 'client_id']).where('id', '=', clientRowId).executeTakeFirst();
    if (!client) throw new Problem('resourceNotFound', 'partner client not found');
    const taken = await tx
      .selectFrom('partner_client_certificates')
      .select('partner_client_id')
      .where('fingerprint', '=', binding.fingerprint)
      .executeTakeFirst();
    if (taken)
      throw new Problem(
        'conflict',
        taken.partner_client_id === clientRowId ? 'this certificate is already bound to this client' : 'this certificate is bound to another partner client',
      );
    const row = await tx
      .insertInto('partner_client_certificates')
      .values({
        partner_client_id: clientRowId,
        fingerprint: binding.fingerprint,
        subject: binding.subject,
        not_before: binding.notBefore.toISOString(),
        not_after: binding.notAfter.toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      action: 'partnerClients.bindCertificate',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: { clientId: client.client_id, fingerprint: binding.fingerprint, notBefore: row.not_before, notAfter: row.not_after },
    });
    return row;
  });
}

/** Unbinds a certificate: from the next request on it stands for nobody (the history keeps the binding). Audited. */
export async function unbindCertificate(database: Database, ctx: RequestContext, clientRowId: string, certificateId: string) {
  requireAdministrator(ctx);
  await inTransaction(database.db, ctx.actor.id, async (tx) => {
    const gone = await tx
      .deleteFrom('partner_client_certificates')
      .where('id', '=', certificateId)
      .where('partner_client_id', '=', clientRowId)
      .returning(['fingerprint'])
      .executeTakeFirst();
    if (!gone) throw new Problem('resourceNotFound', 'no such certificate bound to this partner client');
    const client = await tx.selectFrom('partner_clients').select('client_id').where('id', '=', clientRowId).executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      action: 'partnerClients.unbindCertificate',
      personId: null,
      clusters: [],
      result: 'allowed',
      detail: { clientId: client.client_id, fingerprint: gone.fingerprint },
    });
  });
}

/** A client certificate as the TLS connection presented it. */
export interface PresentedCertificate {
  /** SHA-256 of its DER form, lower-case hex. */
  fingerprint: string;
  /** Whether it chains to the configured client CA (and is within its own dates). */
  chained: boolean;
  /** OpenSSL's reason when it does not (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE, CERT_HAS_EXPIRED). */
  chainError: string | null;
}

/** A refused client certificate, audited as a partner's failed attempt with the fingerprint and the reason. */
const certificateRefused = (presented: PresentedCertificate, reason: string, message: string, clientId?: string) =>
  new Problem('unauthenticated', message, undefined, { error: 'invalid_client_certificate' }).denied({
    action: 'exchange.authenticate',
    personId: null,
    clusters: [],
    actor: ANONYMOUS_PARTNER,
    detail: {
      certificate: presented.fingerprint,
      reason,
      ...(presented.chainError ? { chainError: presented.chainError } : {}),
      ...(clientId ? { clientId } : {}),
    },
  });

/**
 * The partner a client certificate stands for: it must chain to the client CA and be bound to an
 * active client within the binding's dates. Looked up on every request (one indexed read), so an
 * unbinding or a disabled client holds at once in every process.
 */
export async function partnerFromCertificate(database: Database, presented: PresentedCertificate): Promise<Actor> {
  if (!presented.chained) throw certificateRefused(presented, 'untrusted', 'the client certificate does not chain to the client CA of this server');
  const [row] = await database.prepared(
    'kbi_partner_client_certificate',
    `SELECT c.client_id, c.organisation_id, c.active, b.not_before <= now() AS started, b.not_after > now() AS current
       FROM partner_client_certificates b JOIN partner_clients c ON c.id = b.partner_client_id
      WHERE b.fingerprint = $1`,
    [presented.fingerprint],
  );
  if (!row) throw certificateRefused(presented, 'unbound', 'this client certificate is not bound to a partner client');
  const clientId = String(row.client_id);
  if (!row.active) throw certificateRefused(presented, 'clientDisabled', 'the partner client of this certificate is disabled', clientId);
  if (!row.started || !row.current)
    throw certificateRefused(
      presented,
      row.started ? 'bindingExpired' : 'bindingNotYetValid',
      row.started ? 'the binding of this client certificate has expired' : 'the binding of this client certificate is not valid yet',
      clientId,
    );
  return { id: `partner:${clientId}`, kind: 'partner', organisationId: row.organisation_id as string, role: null, officeIds: [] };
}
