/**
 * The description of the MAGDA endpoint for partners' SOAP tools: a WSDL 1.1 (document/literal,
 * SOAP 1.1) and an XSD per service and version, public metadata without personal data.
 *
 *   GET /api/magda/soap?wsdl                                          GeefDossierKBI 01.00's WSDL
 *   GET /api/magda/soap?wsdl&service=RegistreerInschrijving&version=02.01
 *   GET /api/magda/soap?xsd&service=GeefDossierKBI&version=01.00
 *   GET /api/magda/soap/GeefDossierKBI-01.00.wsdl, ….xsd, Generiek.xsd (the same, as files)
 *
 * The schemas are the files in ./schemas: `<Service>-<major.minor>.xsd` per service, each including
 * Generiek.xsd (the envelope of a question and an answer, in the including schema's namespace). A
 * service's namespace is its schema's targetNamespace, so the file is the one place it is written.
 * The WSDL's service address and the schemas' locations are the server's own URL as the caller
 * reached it (protocol and Host of the request).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../../platform/errors.ts';

export const SOAP_PATH = '/api/magda/soap';
const DIR = new URL('./schemas/', import.meta.url);
const GENERIEK = 'Generiek.xsd';

export interface PublishedService {
  /** Context/Naam, e.g. GeefDossierKBI. */
  name: string;
  /** major.minor, e.g. 01.00. */
  version: string;
  /** Namespace of the service's request and answer elements. */
  namespace: string;
  /** File name of its schema, e.g. GeefDossierKBI-01.00.xsd. */
  file: string;
  /** The schema as stored (its include names Generiek.xsd relatively). */
  xsd: string;
}

function load(): PublishedService[] {
  return readdirSync(DIR)
    .filter((f) => /^[A-Za-z]+-\d{2}\.\d{2}\.xsd$/.test(f))
    .sort()
    .map((file) => {
      const xsd = readFileSync(new URL(file, DIR), 'utf8');
      const namespace = /targetNamespace="([^"]+)"/.exec(xsd)?.[1];
      if (!namespace) throw new Error(`${file}: no targetNamespace`);
      const [, name, version] = /^([A-Za-z]+)-(\d{2}\.\d{2})\.xsd$/.exec(file)!;
      return { name: name!, version: version!, namespace, file, xsd };
    });
}

/** The services described here, by name and version. */
export const PUBLISHED: readonly PublishedService[] = load();
/** The schema every service schema includes. */
export const GENERIEK_XSD = readFileSync(new URL(GENERIEK, DIR), 'utf8');

const DEFAULT_SERVICE = 'GeefDossierKBI';

/**
 * The service a `service` and `version` pair names: the default service when none is given, its
 * highest version when no version is given; a version may carry its revision (01.00.0000).
 */
export function publishedService(service?: string, version?: string): PublishedService {
  const name = service?.trim() || DEFAULT_SERVICE;
  const versions = PUBLISHED.filter((s) => s.name === name);
  if (!versions.length)
    throw new Problem('resourceNotFound', `service ${name}: no such MAGDA service here (${[...new Set(PUBLISHED.map((s) => s.name))].join(', ')})`, [
      { in: 'query', name: 'service', detail: `offered: ${[...new Set(PUBLISHED.map((s) => s.name))].join(', ')}` },
    ]);
  if (!version?.trim()) return versions[versions.length - 1]!;
  const found = versions.find((s) => s.version === version.trim().slice(0, 5) && /^\d{2}\.\d{2}(\.\d{4})?$/.test(version.trim()));
  if (!found)
    throw new Problem('resourceNotFound', `${name} version ${version}: not offered here (${versions.map((s) => s.version).join(', ')})`, [
      { in: 'query', name: 'version', detail: `offered for ${name}: ${versions.map((s) => s.version).join(', ')}` },
    ]);
  return found;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A host as a Host header may name it: a name or address, an optional port. Anything else is not written into a document. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The server's own base URL as the caller reached it. */
export function baseUrlOf(req: Pick<FastifyRequest, 'protocol' | 'host'>): string {
  const host = req.host;
  if (!host || !HOST.test(host))
    throw new Problem('badRequest', 'the Host header is not a host name', [
      { in: 'header', name: 'host', detail: 'a host name or address, with an optional port' },
    ]);
  return `${req.protocol}://${host}`;
}

/** A service's schema with its include pointing at the server's copy of Generiek.xsd. */
export function serviceXsd(s: PublishedService, base: string): string {
  return s.xsd.replace(`schemaLocation="${GENERIEK}"`, `schemaLocation="${escapeAttr(`${base}${SOAP_PATH}/${GENERIEK}`)}"`);
}

/** The WSDL 1.1 of a service: one document/literal operation over SOAP 1.1 at this server's endpoint. */
export function serviceWsdl(s: PublishedService, base: string): string {
  const n = s.name;
  const location = (path: string) => escapeAttr(`${base}${path}`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions name="${n}" targetNamespace="${s.namespace}"
                  xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
                  xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
                  xmlns:xsd="http://www.w3.org/2001/XMLSchema"
                  xmlns:tns="${s.namespace}">
    <wsdl:documentation>KBI (Kruispuntbank Inburgering): MAGDA service ${n} ${s.version}. Authenticate with the bearer token of POST /api/exchange/v1/oauth/token (client credentials) in the Authorization header; Afzender/Identificatie is your client id, Hoedanigheid a capacity code of your authorisations.</wsdl:documentation>
    <wsdl:types>
        <xsd:schema>
            <xsd:import namespace="${s.namespace}" schemaLocation="${location(`${SOAP_PATH}/${s.file}`)}"/>
        </xsd:schema>
    </wsdl:types>
    <wsdl:message name="${n}Request">
        <wsdl:part name="parameters" element="tns:${n}"/>
    </wsdl:message>
    <wsdl:message name="${n}Response">
        <wsdl:part name="parameters" element="tns:${n}Response"/>
    </wsdl:message>
    <wsdl:portType name="${n}PortType">
        <wsdl:operation name="${n}">
            <wsdl:input message="tns:${n}Request"/>
            <wsdl:output message="tns:${n}Response"/>
        </wsdl:operation>
    </wsdl:portType>
    <wsdl:binding name="${n}SoapBinding" type="tns:${n}PortType">
        <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
        <wsdl:operation name="${n}">
            <soap:operation soapAction="" style="document"/>
            <wsdl:input>
                <soap:body use="literal"/>
            </wsdl:input>
            <wsdl:output>
                <soap:body use="literal"/>
            </wsdl:output>
        </wsdl:operation>
    </wsdl:binding>
    <wsdl:service name="${n}Service">
        <wsdl:port name="${n}Port" binding="tns:${n}SoapBinding">
            <soap:address location="${location(SOAP_PATH)}"/>
        </wsdl:port>
    </wsdl:service>
</wsdl:definitions>
`;
}

const sendXml = (reply: FastifyReply, xml: string) => reply.type('text/xml; charset=utf-8').send(xml);

const XML_DOCUMENT = { 200: { description: 'The document', content: { 'text/xml': { schema: { type: 'string' } } } } };

/** The GETs of the endpoint's description: public metadata, no personal data. */
export function registerMagdaDescription(http: FastifyInstance): void {
  http.get(
    SOAP_PATH,
    {
      config: { access: 'public' },
      schema: {
        tags: ['MAGDA'],
        summary: 'WSDL or XSD of a MAGDA service of this endpoint (?wsdl, ?xsd)',
        description:
          '`?wsdl` answers the WSDL 1.1 of GeefDossierKBI 01.00; `?wsdl&service=RegistreerInschrijving&version=02.01` that of another service ' +
          `(${PUBLISHED.map((s) => `${s.name} ${s.version}`).join(', ')}). \`?xsd&service=…&version=…\` answers the service's XML schema. ` +
          'An unknown service or version is 404.',
        security: [],
        querystring: {
          type: 'object',
          properties: {
            wsdl: { type: 'string', description: 'Present (no value needed): answer the WSDL.' },
            xsd: { type: 'string', description: "Present: answer the service's XSD." },
            service: { type: 'string', maxLength: 100, description: 'Context/Naam of the service; GeefDossierKBI when absent.' },
            version: { type: 'string', maxLength: 20, description: 'major.minor (01.00) or major.minor.revision; the highest when absent.' },
          },
        },
        response: XML_DOCUMENT,
      },
    },
    async (req, reply) => {
      const q = req.query as { wsdl?: string; xsd?: string; service?: string; version?: string };
      if (q.wsdl === undefined && q.xsd === undefined)
        throw new Problem('badRequest', 'ask ?wsdl or ?xsd (a SOAP message is POSTed here)', [{ in: 'query', name: 'wsdl', detail: 'absent, as is xsd' }]);
      const s = publishedService(q.service, q.version);
      const base = baseUrlOf(req);
      return sendXml(reply, q.wsdl !== undefined ? serviceWsdl(s, base) : serviceXsd(s, base));
    },
  );
  http.get(
    `${SOAP_PATH}/:file`,
    {
      config: { access: 'public' },
      schema: {
        tags: ['MAGDA'],
        summary: 'WSDL or XSD of a MAGDA service as a file: GeefDossierKBI-01.00.wsdl, GeefDossierKBI-01.00.xsd, Generiek.xsd',
        security: [],
        params: { type: 'object', properties: { file: { type: 'string', maxLength: 100 } }, required: ['file'] },
        response: XML_DOCUMENT,
      },
    },
    async (req, reply) => {
      const { file } = req.params as { file: string };
      const base = baseUrlOf(req);
      if (file === GENERIEK) return sendXml(reply, GENERIEK_XSD);
      const m = /^([A-Za-z]+)-(\d{2}\.\d{2})\.(wsdl|xsd)$/.exec(file);
      const s = m && PUBLISHED.find((p) => p.name === m[1] && p.version === m[2]);
      if (!m || !s)
        throw new Problem('resourceNotFound', `${file}: no such document`, [
          { in: 'path', name: 'file', detail: `one of ${[GENERIEK, ...PUBLISHED.flatMap((p) => [`${p.name}-${p.version}.wsdl`, p.file])].join(', ')}` },
        ]);
      return sendXml(reply, m[3] === 'wsdl' ? serviceWsdl(s, base) : serviceXsd(s, base));
    },
  );
}
