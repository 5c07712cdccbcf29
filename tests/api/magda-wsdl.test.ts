/**
 * Issue 15, "Speak MAGDA": the endpoint describes itself with a WSDL and an XSD per service and
 * version. Every example answer of MAGDA's simulator validates against our XSD, and a broken one
 * does not; every answer our endpoint gives (dossiers, exceptions, the register's) validates too;
 * and an independent SOAP client (the `soap` package) built from the WSDL fetched over HTTP calls
 * RegistreerInschrijving and GeefDossierKBI and reads the same dossier a raw POST returns.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { XMLParser } from 'fast-xml-parser';
import * as soap from 'soap';
import { TEST_DATABASES } from '../support/databases.ts';
import { expectOk, startTestApp } from '../support/app.ts';
import { validateMagda, validateMagdaAll } from '../support/magda-xsd.ts';
import {
  ALL,
  envelope,
  example,
  INSCHRIJVING_NS,
  person90122501644,
  person90122600525,
  repliek,
  SOAP,
  subject,
  UITSCHRIJVING_NS,
  vmsw,
} from '../support/magda.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

const FIXTURES = new URL('../fixtures/magda/', import.meta.url);
const REFERENCE = new URL('../../../shared/reference/', import.meta.url);

/** The example answers: the test fixtures, and those of the shared reference directory (where present) that differ from them. */
function exampleAnswers(): { name: string; xml: string }[] {
  const files = (dir: URL) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.xml')) : []);
  const out = files(FIXTURES).map((f) => ({ name: `fixtures/${f}`, xml: readFileSync(new URL(f, FIXTURES), 'utf8') }));
  const reference = new URL('magda-GeefDossierKBI-01.00/', REFERENCE);
  for (const f of files(reference)) {
    const xml = readFileSync(new URL(f, reference), 'utf8');
    if (!out.some((o) => o.xml === xml)) out.push({ name: `reference/${f}`, xml });
  }
  return out;
}

const assertValid = async (xml: string, service: string, version: string, what: string) => {
  const r = await validateMagda(xml, service, version);
  assert.ok(r.valid, `${what} should validate against ${service}-${version}.xsd:\n${r.errors.join('\n')}\n${r.element.slice(0, 400)}`);
};

describe('MAGDA XSD and the example answers', () => {
  test('every example answer of GeefDossierKBI-01.00 validates against our XSD; answers broken in order, name, cardinality or type do not', async () => {
    const answers = exampleAnswers();
    assert.ok(answers.length >= 24, `the 24 example answers, found ${answers.length}`);
    const results = await validateMagdaAll(
      answers.map((a) => a.xml),
      'GeefDossierKBI',
      '01.00',
    );
    for (const [i, r] of results.entries()) assert.ok(r.valid, `${answers[i]!.name} should validate:\n${r.errors.join('\n')}`);

    const good = example('90122600228.xml');
    const personalia = /\s*<Personalia>[\s\S]*?<\/Personalia>/.exec(good)![0];
    const broken: [string, string, RegExp][] = [
      // Doelgroep in front of Personalia: the order is part of the contract.
      [
        'Personalia after Doelgroep',
        good.replace(personalia, '').replace(/(\s*<\/Doelgroep>)/, `$1${personalia}`),
        /Element 'Personalia': This element is not expected/,
      ],
      ['an unknown element', good.replace('<Wooncode>', '<Onbekend>x</Onbekend><Wooncode>'), /Element 'Onbekend': This element is not expected/],
      [
        'a date in another form',
        good.replace(/<Geboortedatum>[^<]*</, '<Geboortedatum>23/07/1913<'),
        /Element 'Geboortedatum': '23\/07\/1913' is not a valid value of the atomic type 'xs:date'/,
      ],
      [
        'a trajectory without its Type',
        good.replace(/<Type>TT_[A-Z0-9_]+<\/Type>/, ''),
        /Element 'Beheerder': This element is not expected. Expected is \( Type \)/,
      ],
      [
        'two answers to one question',
        good.replace('<Antwoorden>', '<Antwoorden><Antwoord><Referte>x</Referte></Antwoord>'),
        /Element 'Antwoord': This element is not expected/,
      ],
      [
        'a code attribute not in the schema',
        good.replace('<Code Beschrijving=', '<Code Omschrijving="x" Beschrijving='),
        /The attribute 'Omschrijving' is not allowed/,
      ],
      [
        'another namespace',
        good.replace('xmlns:web="http://webservice.GeefDossierKBI-01.00', 'xmlns:web="http://webservice.GeefDossierKBI-02.00'),
        /No matching global declaration/,
      ],
    ];
    const verdicts = await validateMagdaAll([good, ...broken.map(([, xml]) => xml)], 'GeefDossierKBI', '01.00');
    assert.ok(verdicts[0]!.valid, 'the example itself');
    for (const [i, [what, , pattern]] of broken.entries()) {
      assert.ok(!verdicts[i + 1]!.valid, `${what} must not validate`);
      assert.match(verdicts[i + 1]!.errors.join('\n'), pattern, what);
    }
  });

  test("the request templates of MAGDA's simulator for RegistreerInschrijving 02.01 and RegistreerUitschrijving 02.00 validate as questions", async (t) => {
    const envelopes = new URL('magda-envelopes/', REFERENCE);
    if (!existsSync(envelopes)) return t.skip('no shared reference directory here');
    await assertValid(
      readFileSync(new URL('RegistreerInschrijving-02.01-request.xml', envelopes), 'utf8'),
      'RegistreerInschrijving',
      '02.01',
      'the Inschrijving template',
    );
    await assertValid(
      readFileSync(new URL('RegistreerUitschrijving-02.00-request.xml', envelopes), 'utf8'),
      'RegistreerUitschrijving',
      '02.00',
      'the Uitschrijving template',
    );
  });
});

for (const which of TEST_DATABASES) {
  describe(`MAGDA WSDL and XSD (${which.name})`, () => {
    test('the WSDL and the XSD are served by service and version, with this server as the address; an unknown one is a 404 naming the parameter', async (t) => {
      const app = await startTestApp(t, which);
      const wsdl = await app.anonymous('GET', `${SOAP}?wsdl`);
      assert.equal(wsdl.status, 200);
      assert.match(wsdl.headers.get('content-type') ?? '', /^text\/xml/);
      const text = String(wsdl.body);
      assert.match(
        text,
        /<wsdl:definitions name="GeefDossierKBI" targetNamespace="http:\/\/webservice\.GeefDossierKBI-01\.00\.kbi-01\.00\.vip\.vlaanderen\.be"/,
      );
      assert.ok(text.includes(`<soap:address location="${app.base}${SOAP}"/>`), 'the address is this server');
      assert.ok(text.includes(`schemaLocation="${app.base}${SOAP}/GeefDossierKBI-01.00.xsd"`));
      assert.match(text, /<soap:binding style="document" transport="http:\/\/schemas\.xmlsoap\.org\/soap\/http"\/>/);

      const inschrijving = String((await app.anonymous('GET', `${SOAP}?wsdl&service=RegistreerInschrijving&version=02.01`)).body);
      assert.match(inschrijving, /targetNamespace="http:\/\/webservice\.registreerinschrijvingdienst-02_01\.repertorium-02_01\.vip\.vlaanderen\.be"/);
      assert.match(inschrijving, /<wsdl:operation name="RegistreerInschrijving">/);
      const byFile = await app.anonymous('GET', `${SOAP}/RegistreerUitschrijving-02.00.wsdl`);
      assert.match(String(byFile.body), /<wsdl:operation name="RegistreerUitschrijving">/);

      const xsd = await app.anonymous('GET', `${SOAP}?xsd&service=GeefDossierKBI&version=01.00.0000`);
      assert.equal(xsd.status, 200);
      assert.ok(String(xsd.body).includes(`<xs:include schemaLocation="${app.base}${SOAP}/Generiek.xsd"/>`), 'the shared schema at its URL');
      assert.equal(xsd.body, (await app.anonymous('GET', `${SOAP}/GeefDossierKBI-01.00.xsd`)).body);
      assert.match(String((await app.anonymous('GET', `${SOAP}/Generiek.xsd`)).body), /<xs:complexType name="ContextType">/);

      for (const [path, name] of [
        [`${SOAP}?wsdl&service=GeefPersoon`, 'service'],
        [`${SOAP}?wsdl&service=GeefDossierKBI&version=02.00`, 'version'],
        [`${SOAP}?xsd&service=RegistreerInschrijving&version=02.00`, 'version'],
        [`${SOAP}/GeefDossierKBI-02.00.wsdl`, 'file'],
      ] as const) {
        const res = await app.anonymous('GET', path);
        assert.equal(res.status, 404, path);
        assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
        assert.equal(res.body.issues?.[0]?.name, name, `${path}: ${JSON.stringify(res.body)}`);
      }
      const neither = await app.anonymous('GET', SOAP);
      assert.equal(neither.status, 400);
      assert.equal(neither.body.issues[0].name, 'wsdl');

      // The address follows the Host the caller used; a Host that is not a host name is never written into the document.
      const withHost = (host: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const url = new URL(`${app.base}${SOAP}?wsdl`);
          const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers: { host } }, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject).end();
        });
      const proxied = await withHost('kbi.example.be:8443');
      assert.equal(proxied.status, 200);
      assert.ok(proxied.body.includes('<soap:address location="http://kbi.example.be:8443/api/magda/soap"/>'), proxied.body.slice(0, 300));
      const forged = await withHost('kbi.example.be"/><x y="');
      assert.equal(forged.status, 400, forged.body);
      assert.match(forged.body, /"name":"host"/);

      const doc = await expectOk(await app.anonymous('GET', '/api/openapi.json'));
      assert.ok(doc.paths[SOAP].get, 'the GET is in the API document');
      const post = doc.paths[SOAP].post;
      assert.match(post.requestBody.content['text/xml'].example, /<web:GeefDossierKBI xmlns:web=/, 'a request example');
      assert.match(post.responses['200'].content['text/xml'].example, /<KBIDossier>/, 'an answer example');
      await assertValid(post.requestBody.content['text/xml'].example, 'GeefDossierKBI', '01.00', "the API document's request example");
      await assertValid(post.responses['200'].content['text/xml'].example, 'GeefDossierKBI', '01.00', "the API document's answer example");
    });

    test("the endpoint's answers validate against the XSD: dossiers, exceptions, and the register's answers", async (t) => {
      const app = await startTestApp(t, which);
      const person = await person90122501644(app);
      const p = await vmsw(app, [...ALL, 'languages', 'level', 'courses']);
      const register = (service: 'RegistreerInschrijving' | 'RegistreerUitschrijving', insz: string, begin: string, einde = '') => {
        const what = service === 'RegistreerInschrijving' ? 'Inschrijving' : 'Uitschrijving';
        const question = envelope({
          service,
          versie: service === 'RegistreerInschrijving' ? '02.01.0000' : '02.00.0000',
          ns: service === 'RegistreerInschrijving' ? INSCHRIJVING_NS : UITSCHRIJVING_NS,
          afzender: p.clientId,
          hoedanigheid: '3003',
          inhoud: `<${what}><Identificatie>${p.clientId}</Identificatie><Hoedanigheid>3003</Hoedanigheid>${subject(insz, begin, einde)}</${what}>`,
        });
        return { question, answer: p.soap(question) };
      };

      const inschrijving = register('RegistreerInschrijving', person.insz, belgianToday());
      await assertValid(inschrijving.question, 'RegistreerInschrijving', '02.01', 'the Inschrijving question');
      const registered = String((await inschrijving.answer).body);
      assert.match(registered, /Wel geslaagd/);
      await assertValid(registered, 'RegistreerInschrijving', '02.01', 'the Inschrijving answer');

      const question = envelope({ afzender: p.clientId, hoedanigheid: '3003', inhoud: `<INSZ>${person.insz}</INSZ>` });
      await assertValid(question, 'GeefDossierKBI', '01.00', 'the GeefDossierKBI question');
      const dossier = String((await p.ask(person.insz)).body);
      assert.match(dossier, /<KBIDossier>[\s\S]*<Trajecten>[\s\S]*<Wooncode>/);
      await assertValid(dossier, 'GeefDossierKBI', '01.00', 'the dossier of 90122501644');

      // More of the dossier: a signing postponement, a conversation, a registration of this year.
      const desk = await app.database.db.selectFrom('offices').select('id').where('kbi_key', '=', '64B8A9B116FA432D90F52691EEB2634D').executeTakeFirstOrThrow();
      await app.factories.add(person.id, 'signingPostponements', { startDate: '2015-03-03', reason: 'BIJSTAND_ZIEK_FAMILIELID' });
      await app.factories.add(person.id, 'conversations', { heldAt: '2017-03-22T10:00:00Z', officeId: desk.id, relevantFor: ['VMSW'] });
      await app.factories.add(person.id, 'registrations', { registeredOn: belgianToday(), type: 'EA', reason: '13', officeId: desk.id });
      const fuller = String((await p.ask(person.insz)).body);
      for (const element of ['UitstellenVanOndertekening', 'Aanmelding', 'Gesprekken']) assert.ok(fuller.includes(`<${element}>`), element);
      await assertValid(fuller, 'GeefDossierKBI', '01.00', 'the dossier with postponement, registration and conversation');

      // Example 90122600525: language knowledge, literacy and preferences.
      const other = await person90122600525(app);
      await expectOk(await p.call('POST', '/api/exchange/v1/integrations', { insz: other.insz, capacityCode: '3003' }), 201);
      const languages = String((await p.ask(other.insz)).body);
      for (const element of ['Talenkennis', 'VoorkeurenKlant']) assert.ok(languages.includes(`<${element}>`), element);
      await assertValid(languages, 'GeefDossierKBI', '01.00', 'the dossier of 90122600525');

      // Only some clusters.
      const narrow = await vmsw(app, ['personalia', 'targetGroup']);
      await expectOk(await narrow.call('POST', '/api/exchange/v1/integrations', { insz: person.insz, capacityCode: '3003' }), 201);
      await assertValid(String((await narrow.ask(person.insz)).body), 'GeefDossierKBI', '01.00', 'a dossier of two clusters');

      // The exceptions: unknown person, not integrated, not the sender, a capacity code not authorised.
      await expectOk(await narrow.call('POST', '/api/exchange/v1/integrations', { insz: '85073003328', capacityCode: '3003' }), 201);
      const exceptions = [
        ['30001', await narrow.ask('85073003328')],
        ['-300020', await (await vmsw(app, ALL)).ask(person.insz)],
        ['-300010', await p.ask(person.insz, { afzender: 'rwo.vlaanderen.be/vmsw/kbi-dossiers-p-aip-bo' })],
        ['-300010', await p.ask(person.insz, { hoedanigheid: '188' })],
      ] as const;
      for (const [code, res] of exceptions) {
        assert.match(String(res.body), new RegExp(`<Uitzonderingen>[\\s\\S]*<Identificatie>${code}</Identificatie>`));
        await assertValid(String(res.body), 'GeefDossierKBI', '01.00', `the exception ${code}`);
      }

      // The register's refusal and its end.
      const early = register('RegistreerUitschrijving', person.insz, '', '2017-01-01');
      await assertValid(early.question, 'RegistreerUitschrijving', '02.00', 'the Uitschrijving question');
      const refused = String((await early.answer).body);
      assert.match(refused, /<Identificatie>invalidPeriod<\/Identificatie>/);
      await assertValid(refused, 'RegistreerUitschrijving', '02.00', 'a refused Uitschrijving');
      // The person named directly by its INSZ, as MAGDA's template of Uitschrijving 02.00 writes it; no period: today.
      const direct = envelope({
        service: 'RegistreerUitschrijving',
        versie: '02.00.0000',
        ns: UITSCHRIJVING_NS,
        afzender: p.clientId,
        hoedanigheid: '3003',
        inhoud: `<Uitschrijving><Identificatie>${p.clientId}</Identificatie><Hoedanigheid>3003</Hoedanigheid><INSZ>${person.insz}</INSZ></Uitschrijving>`,
      });
      await assertValid(direct, 'RegistreerUitschrijving', '02.00', 'an Uitschrijving naming the INSZ directly');
      const ended = String((await p.soap(direct)).body);
      assert.match(ended, /Wel geslaagd/);
      await assertValid(ended, 'RegistreerUitschrijving', '02.00', 'the Uitschrijving answer');
      const row = await app.database.db
        .selectFrom('integrations')
        .select(['ends_on'])
        .where('insz', '=', person.insz)
        .where('organisation_id', '=', p.organisation.id)
        .executeTakeFirstOrThrow();
      assert.equal(String(row.ends_on).slice(0, 10), belgianToday(), 'the integration ends today');
      const old = String((await register('RegistreerInschrijving', person.insz, '2016-07-01', '2018-08-01').answer).body);
      assert.match(old, /more than 28 days back/);
      await assertValid(old, 'RegistreerInschrijving', '02.01', 'a refused Inschrijving');
    });

    test('the soap package builds a client from our WSDL over HTTP, registers the person and reads the same dossier as a raw POST', async (t) => {
      const app = await startTestApp(t, which);
      const person = await person90122501644(app);
      const p = await vmsw(app, ALL);
      const context = (naam: string, versie: string) => ({
        Context: {
          Naam: naam,
          Versie: versie,
          Bericht: {
            Type: 'VRAAG',
            Tijdstip: { Datum: '2026-12-05', Tijd: '12:00:00.000' },
            Afzender: { Identificatie: p.clientId, Referte: 'soap-client-1', Hoedanigheid: '3003' },
          },
        },
      });

      const register = await soap.createClientAsync(`${app.base}${SOAP}?wsdl&service=RegistreerInschrijving&version=02.01`);
      register.addHttpHeader('Authorization', p.authorization);
      const before = await app.rowCounts('integrations');
      const [registered, registeredXml] = await register.RegistreerInschrijvingAsync({
        Verzoek: {
          ...context('RegistreerInschrijving', '02.01.0000'),
          Vragen: {
            Vraag: {
              Referte: 'vraag-1',
              Inhoud: {
                Inschrijving: {
                  Identificatie: p.clientId,
                  Hoedanigheid: '3003',
                  BetrokkenSubject: { Type: 'PERS', Subjecten: { Subject: { Type: 'PERS', Sleutel: person.insz } } },
                  Periode: { Begin: belgianToday() },
                },
              },
            },
          },
        },
      });
      assert.equal(registered.Repliek.Antwoorden.Antwoord.Inhoud.Resultaat.$value, '1', registeredXml);
      assert.equal(registered.Repliek.Antwoorden.Antwoord.Inhoud.Resultaat.attributes.Beschrijving, 'Wel geslaagd');
      assert.deepEqual(await app.rowCounts('integrations'), { integrations: before.integrations! + 1 });

      const client = await soap.createClientAsync(`${app.base}${SOAP}?wsdl`);
      assert.deepEqual(Object.keys(client.describe()), ['GeefDossierKBIService']);
      client.addHttpHeader('Authorization', p.authorization);
      const [answer, answerXml, , requestXml] = await client.GeefDossierKBIAsync({
        Verzoek: { ...context('GeefDossierKBI', '01.00.0000'), Vragen: { Vraag: { Referte: 'vraag-2', Inhoud: { INSZ: person.insz } } } },
      });
      await assertValid(requestXml, 'GeefDossierKBI', '01.00', "the soap client's question");
      const viaClient = answer.Repliek.Antwoorden.Antwoord.Inhoud.KBIDossier;
      assert.equal(viaClient.Personalia.INSZ, person.insz);

      // The raw answer read by another parser, repeatable elements (maxOccurs unbounded in the served XSD) as lists, as the soap client reads them.
      const raw = String((await p.ask(person.insz)).body);
      const xsd = String((await app.anonymous('GET', `${SOAP}/GeefDossierKBI-01.00.xsd`)).body);
      const repeatable = new Set([...xsd.matchAll(/<xs:element name="(\w+)"[^>]*maxOccurs="unbounded"/g)].map((m) => m[1]));
      assert.ok(repeatable.has('Traject') && repeatable.has('Voornaam'));
      const kbiDossier = (xml: string) => {
        const doc = new XMLParser({
          ignoreAttributes: false,
          removeNSPrefix: true,
          parseTagValue: false,
          attributesGroupName: 'attributes',
          attributeNamePrefix: '',
          textNodeName: '$value',
          isArray: (name) => repeatable.has(name),
        }).parse(xml);
        return doc.Envelope.Body.GeefDossierKBIResponse.Repliek.Antwoorden.Antwoord.Inhoud.KBIDossier;
      };
      assert.deepEqual(normalise(viaClient), normalise(kbiDossier(raw)), 'the dossier as the soap client reads it is the dossier of a raw POST');
      assert.deepEqual(
        repliek(answerXml).filter((l) => l.includes('/KBIDossier')),
        repliek(raw).filter((l) => l.includes('/KBIDossier')),
        'element by element, in order',
      );
      assert.deepEqual(
        repliek(answerXml).filter((l) => l.includes('/KBIDossier')).length,
        repliek(example('90122501644.xml')).filter((l) => l.includes('/KBIDossier') && !/\/Aanmelding/.test(l)).length,
        'the whole dossier of the example (its 2017 registration is not answered)',
      );
    });
  });
}

/** A parsed element tree with every leaf as text (the soap client makes dates, booleans and numbers of them). */
function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  return value === undefined || value === null ? '' : String(value);
}
