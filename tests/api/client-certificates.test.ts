/**
 * Issue 15: client-certificate authentication where TLS ends at the KBI server. The app is started
 * over https through its real listen path (KBI_TLS_CERT, KBI_TLS_KEY, KBI_TLS_CLIENT_CA) with a CA,
 * a server certificate and client certificates made by `openssl` in the test's temporary folder, and
 * called with node's own TLS client. A certificate that chains to the client CA and is bound to an
 * active partner client is that partner on the REST exchange API and the MAGDA SOAP endpoint,
 * without a bearer token; an unbound certificate, an expired binding, a certificate of another CA,
 * and a token and certificate of two different partners are 401 problem+json, audited.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, partner, startTestApp, tlsCaller, type Res, type TestApp } from '../support/app.ts';
import { ConfigError, loadConfig } from '../../server/platform/config.ts';

const SOAP = '/api/magda/soap';

/** A CA for partners' client certificates, another CA nobody configured, a server certificate and client certificates, by openssl. */
function makePki() {
  const dir = mkdtempSync(join(tmpdir(), 'kbi-pki-'));
  const file = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string) => ssl('req', '-x509', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.pem`), '-days', '30', '-subj', `/CN=${name}`);
  ca('partner-ca');
  ca('other-ca');
  ssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.pem'),
    '-days',
    '30',
    '-subj',
    '/CN=kbi-test',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  );
  const client = (name: string, issuer: string) => {
    ssl('req', '-new', ...ec, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/O=Test partner/CN=${name}`);
    ssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file(`${issuer}.pem`),
      '-CAkey',
      file(`${issuer}.key`),
      '-CAcreateserial',
      '-days',
      '30',
      '-out',
      file(`${name}.pem`),
    );
    return { cert: readFileSync(file(`${name}.pem`), 'utf8'), key: readFileSync(file(`${name}.key`), 'utf8') };
  };
  return {
    dir,
    env: { KBI_TLS_CERT: file('server.pem'), KBI_TLS_KEY: file('server.key'), KBI_TLS_CLIENT_CA: file('partner-ca.pem') },
    serverCa: readFileSync(file('server.pem')),
    ocmw: client('ocmw', 'partner-ca'),
    vmsw: client('vmsw', 'partner-ca'),
    unbound: client('unbound', 'partner-ca'),
    lapsed: client('lapsed', 'partner-ca'),
    rogue: client('rogue', 'other-ca'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();

const envelope = (clientId: string, insz: string) => `<?xml version="1.0"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
  <web:GeefDossierKBI xmlns:web="http://webservice.GeefDossierKBI-01.00.kbi-01.00.vip.vlaanderen.be">
    <Verzoek><Context><Naam>GeefDossierKBI</Naam><Versie>01.00.0000</Versie><Bericht><Type>VRAAG</Type>
      <Afzender><Identificatie>${clientId}</Identificatie><Referte>ref-1</Referte><Hoedanigheid>3003</Hoedanigheid></Afzender>
    </Bericht></Context>
    <Vragen><Vraag><Referte>q1</Referte><Inhoud><INSZ>${insz}</INSZ></Inhoud></Vraag></Vragen></Verzoek>
  </web:GeefDossierKBI>
</soapenv:Body></soapenv:Envelope>`;

/** A partner of `kind` authorised under capacity code 3003 for personalia and target group, with the person in its register. */
async function authorisedPartner(app: TestApp, kind: string, insz: string, name: string) {
  const p = await partner(app, kind, name);
  await expectOk(
    await app.call('POST', '/api/v1/authorisations', {
      partnerOrganisationId: p.organisation.id,
      purpose: 'WOONCODE_TAALKENNIS',
      clusters: ['personalia', 'targetGroup'],
      legalBasis: 'Vlaamse Wooncode, art. 92 §3',
      startsOn: '2020-01-01',
      capacityCodes: ['3003'],
    }),
    201,
  );
  await expectOk(await p.call('POST', '/api/exchange/v1/integrations', { insz, capacityCode: '3003' }), 201);
  const clientId = `${kind.toLowerCase()}-${p.organisation.id.slice(0, 8)}`;
  const { items } = await expectOk(await app.call('GET', '/api/v1/partnerClients'));
  const row = items.find((c: { clientId: string }) => c.clientId === clientId);
  return { ...p, clientId, rowId: row.id as string };
}

const isProblem401 = (res: Res, what: string) => {
  assert.equal(res.status, 401, `${what}: ${JSON.stringify(res.body)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, what);
  assert.equal(res.body.status, 401, what);
};

describe('configuration of TLS', () => {
  test('a client CA without a server certificate, or a certificate without its key, is refused at start, naming the keys', () => {
    assert.throws(
      () => loadConfig({ KBI_TLS_CLIENT_CA: '/etc/hostname' }),
      (e: unknown) => e instanceof ConfigError && /KBI_TLS_CLIENT_CA needs/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ KBI_TLS_CERT: '/etc/hostname' }),
      (e: unknown) => e instanceof ConfigError && /KBI_TLS_CERT and KBI_TLS_KEY go together/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ KBI_TLS_CERT: '/nonexistent.pem', KBI_TLS_KEY: '/etc/hostname' }),
      (e: unknown) => e instanceof ConfigError && /KBI_TLS_CERT must be a readable PEM file/.test(e.message),
    );
    assert.equal(loadConfig({}).tls, null);
  });
});

for (const which of TEST_DATABASES) {
  describe(`client certificates over TLS (${which.name})`, () => {
    test('a bound certificate is its partner on the REST consult and MAGDA GeefDossierKBI without a token; unbound, expired, foreign-CA and mixed credentials are 401, audited', async (t) => {
      const pki = makePki();
      t.after(pki.remove);
      const app = await startTestApp(t, which, pki.env, { serverCa: pki.serverCa });
      assert.match(app.base, /^https:\/\//);
      const person = await app.factories.person();
      const ocmw = await authorisedPartner(app, 'VMSW', person.insz, 'VMSW Antwerpen');
      const vmsw = await authorisedPartner(app, 'VMSW', person.insz, 'VMSW Gent');
      const as = (client?: { cert: string; key: string }) => tlsCaller(app.base, { ca: pki.serverCa, ...client });
      const consult = { insz: person.insz, purpose: 'WOONCODE_TAALKENNIS' };
      const soap = (call: ReturnType<typeof as>, clientId: string, headers: Record<string, string> = {}) =>
        call('POST', SOAP, envelope(clientId, person.insz), { 'content-type': 'text/xml; charset=utf-8', ...headers });

      // Bearer tokens keep working over TLS, without a certificate.
      assert.equal((await expectOk(await ocmw.call('GET', '/api/exchange/v1/whoami'))).clientId, ocmw.clientId);

      // The administrator binds the OCMW's certificate (PEM: fingerprint and dates read from it), audited.
      const bound = await expectOk(await app.call('POST', `/api/v1/partnerClients/${ocmw.rowId}/certificates`, { certificate: pki.ocmw.cert }), 201);
      assert.equal(bound.fingerprint, fingerprint(pki.ocmw.cert));
      assert.equal(bound.notAfter, new Date(new X509Certificate(pki.ocmw.cert).validTo).toISOString());
      assert.match(bound.subject, /CN=ocmw/);
      assert.equal(
        (await app.call('POST', `/api/v1/partnerClients/${vmsw.rowId}/certificates`, { certificate: pki.ocmw.cert })).status,
        409,
        'a certificate stands for one client only',
      );
      const listed = await expectOk(await app.call('GET', `/api/v1/partnerClients/${ocmw.rowId}/certificates`));
      assert.deepEqual(
        listed.items.map((c: { id: string }) => c.id),
        [bound.id],
      );
      await expectOk(await app.call('POST', `/api/v1/partnerClients/${vmsw.rowId}/certificates`, { certificate: pki.vmsw.cert }), 201);

      // Only the certificate: the REST consult answers the authorised clusters.
      const withCert = as(pki.ocmw);
      assert.equal((await expectOk(await withCert('GET', '/api/exchange/v1/whoami'))).clientId, ocmw.clientId);
      const answer = await expectOk(await withCert('POST', '/api/exchange/v1/dossiers/consult', consult));
      assert.ok(JSON.stringify(answer).includes(person.familyName), 'the dossier answered');

      // Only the certificate: MAGDA GeefDossierKBI answers the dossier.
      const magda = await soap(withCert, ocmw.clientId);
      assert.equal(magda.status, 200, String(magda.body));
      assert.match(String(magda.body), /<KBIDossier>[\s\S]*<Personalia>/);
      assert.ok(!String(magda.body).includes('<Uitzonderingen>'), String(magda.body));

      // The audit records name the partner client, as for a token.
      const consults = await app.database.db
        .selectFrom('audit_log')
        .select(['actor_id', 'actor_kind', 'organisation_id', 'result'])
        .where('action', '=', 'exchange.consult')
        .where('person_id', '=', person.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        consults,
        [1, 2].map(() => ({ actor_id: `partner:${ocmw.clientId}`, actor_kind: 'partner', organisation_id: ocmw.organisation.id, result: 'allowed' })),
      );
      const bindings = await app.database.db
        .selectFrom('audit_log')
        .select(['action', 'detail'])
        .where('action', '=', 'partnerClients.bindCertificate')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        bindings.map((b) => (b.detail as { clientId: string; fingerprint: string }).clientId),
        [ocmw.clientId, vmsw.clientId],
      );

      // Token and certificate of the same client agree; of two different clients: 401, never a guess.
      await expectOk(await withCert('POST', '/api/exchange/v1/dossiers/consult', consult, { authorization: ocmw.authorization }));
      isProblem401(await withCert('POST', '/api/exchange/v1/dossiers/consult', consult, { authorization: vmsw.authorization }), 'token of another partner');
      isProblem401(await soap(withCert, vmsw.clientId, { authorization: vmsw.authorization }), 'token of another partner, SOAP');

      // A certificate of the client CA that nobody bound.
      const unbound = as(pki.unbound);
      isProblem401(await unbound('POST', '/api/exchange/v1/dossiers/consult', consult), 'unbound certificate');
      isProblem401(await soap(unbound, ocmw.clientId), 'unbound certificate, SOAP');
      // A binding whose dates have passed.
      await expectOk(
        await app.call('POST', `/api/v1/partnerClients/${ocmw.rowId}/certificates`, {
          fingerprint: new X509Certificate(pki.lapsed.cert).fingerprint256,
          notBefore: '2025-01-01T00:00:00Z',
          notAfter: '2026-01-01T00:00:00Z',
        }),
        201,
      );
      isProblem401(await as(pki.lapsed)('POST', '/api/exchange/v1/dossiers/consult', consult), 'expired binding');
      isProblem401(await soap(as(pki.lapsed), ocmw.clientId), 'expired binding, SOAP');
      // A certificate of another CA, even with its fingerprint bound.
      await expectOk(await app.call('POST', `/api/v1/partnerClients/${ocmw.rowId}/certificates`, { certificate: pki.rogue.cert }), 201);
      isProblem401(await as(pki.rogue)('POST', '/api/exchange/v1/dossiers/consult', consult), 'certificate of another CA');
      isProblem401(await soap(as(pki.rogue), ocmw.clientId), 'certificate of another CA, SOAP');
      // No token, no certificate.
      isProblem401(await as()('POST', '/api/exchange/v1/dossiers/consult', consult), 'nothing');

      const refusals = await app.database.db
        .selectFrom('audit_log')
        .select(['actor_id', 'detail'])
        .where('action', '=', 'exchange.authenticate')
        .where('result', '=', 'denied')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        refusals.map((r) => (r.detail as { reason?: string }).reason ?? 'mixed'),
        ['mixed', 'mixed', 'unbound', 'unbound', 'bindingExpired', 'bindingExpired', 'untrusted', 'untrusted'],
      );
      assert.ok(refusals.every((r) => r.actor_id === 'anonymous'));
      assert.equal((refusals[6]!.detail as { certificate: string }).certificate, fingerprint(pki.rogue.cert));
      assert.equal(
        await app.database.db
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'exchange.consult')
          .where('result', '=', 'allowed')
          .execute()
          .then((r) => r.length),
        3,
        'no refused call consulted anything',
      );

      // Unbound: from the next request on the certificate stands for nobody; the history keeps the binding.
      const del = await app.call('DELETE', `/api/v1/partnerClients/${ocmw.rowId}/certificates/${bound.id}`);
      assert.equal(del.status, 204);
      isProblem401(await withCert('POST', '/api/exchange/v1/dossiers/consult', consult), 'after unbinding');
      const history = await app.database.db.selectFrom('partner_client_certificates_history').select(['fingerprint', 'ended_by']).execute();
      assert.deepEqual(
        history.map((h) => h.fingerprint),
        [fingerprint(pki.ocmw.cert)],
      );
      const unbinding = await app.database.db
        .selectFrom('audit_log')
        .select(['actor_id', 'detail'])
        .where('action', '=', 'partnerClients.unbindCertificate')
        .execute();
      assert.equal(unbinding.length, 1);
      // A disabled client's certificate stands for nobody either.
      await expectOk(await app.call('PATCH', `/api/v1/partnerClients/${vmsw.rowId}`, { active: false }));
      isProblem401(await as(pki.vmsw)('GET', '/api/exchange/v1/whoami'), 'disabled client');
    });

    test('binding is for administrators, and a certificate must be readable and its dates within its own', async (t) => {
      const pki = makePki();
      t.after(pki.remove);
      const app = await startTestApp(t, which, pki.env, { serverCa: pki.serverCa });
      const person = await app.factories.person();
      const ocmw = await authorisedPartner(app, 'VMSW', person.insz, 'VMSW Antwerpen');
      const path = `/api/v1/partnerClients/${ocmw.rowId}/certificates`;
      const caseworker = await app.as('AGENCY_CASEWORKER');
      assert.equal((await caseworker.call('POST', path, { certificate: pki.ocmw.cert })).status, 403);
      assert.equal((await app.call('POST', path, { certificate: 'not a certificate' })).status, 400);
      assert.equal((await app.call('POST', path, { certificate: readFileSync(pki.env.KBI_TLS_CLIENT_CA, 'utf8') })).status, 400, 'a CA certificate');
      assert.equal((await app.call('POST', path, { certificate: pki.ocmw.cert, notAfter: '2099-01-01T00:00:00Z' })).status, 400, 'beyond its own end');
      assert.equal((await app.call('POST', path, { fingerprint: fingerprint(pki.ocmw.cert) })).status, 400, 'a fingerprint needs dates');
      assert.equal((await app.call('POST', `/api/v1/partnerClients/${crypto.randomUUID()}/certificates`, { certificate: pki.ocmw.cert })).status, 404);
      assert.equal((await app.call('GET', path)).body.items.length, 0, 'nothing bound by the refusals');
    });
  });
}
