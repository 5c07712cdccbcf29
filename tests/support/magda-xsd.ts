/**
 * Validation of MAGDA messages against the XSD the endpoint publishes (server/modules/magda/schemas),
 * with libxml2 (xmllint-wasm): an answer or question as a bare element (as the example answers are
 * stored) or inside a SOAP envelope, whose Body's element is validated on its own.
 */
import { validateXML } from 'xmllint-wasm';
import { GENERIEK_XSD, publishedService } from '../../server/modules/magda/wsdl.ts';

export interface MagdaValidation {
  valid: boolean;
  /** libxml2's messages, one a line, with the line number in the validated element. */
  errors: string[];
  /** What was validated: the body element of an envelope, or the document itself. */
  element: string;
}

/** Namespace declarations (`xmlns`, `xmlns:p`) of a start tag. */
const declarations = (tag: string) => [...tag.matchAll(/\sxmlns(?::[A-Za-z_][\w.-]*)?\s*=\s*("[^"]*"|'[^']*')/g)].map((m) => m[0].trim());

/**
 * The element inside a SOAP envelope's Body, with the namespace declarations it inherits from
 * Envelope and Body written onto it; a document without an envelope is returned as it is.
 */
export function bodyElement(xml: string): string {
  const envelope = /<([A-Za-z_][\w.-]*:)?Envelope\b[^>]*>/.exec(xml);
  if (!envelope) return xml.replace(/^\uFEFF/, '');
  const prefix = envelope[1] ?? '';
  const body = new RegExp(`<${prefix}Body\\b[^>]*>`).exec(xml);
  const end = xml.lastIndexOf(`</${prefix}Body>`);
  if (!body || end < 0) throw new Error('a SOAP envelope without a Body');
  const inner = xml.slice(body.index + body[0].length, end).trim();
  const start = /^<([A-Za-z_][\w.:-]*)([^>]*?)(\/?)>/.exec(inner);
  if (!start) throw new Error('an empty SOAP Body');
  const own = declarations(start[0]).map((d) => d.split('=')[0]);
  const inherited = [...declarations(envelope[0]), ...declarations(body[0])].filter((d) => !own.includes(d.split('=')[0]!));
  const attrs = [...new Map(inherited.map((d) => [d.split('=')[0], d])).values()].map((d) => ` ${d}`).join('');
  return `<${start[1]}${attrs}${start[2]}${start[3]}>${inner.slice(start[0].length)}`;
}

/** Validates a MAGDA message (question or answer) of a service and version against the published XSD. */
export async function validateMagda(xml: string, service: string, version: string): Promise<MagdaValidation> {
  return (await validateMagdaAll([xml], service, version))[0]!;
}

/** Validates many messages of one service and version in one run of xmllint (a run costs a fraction of a second); the results in order. */
export async function validateMagdaAll(xmls: readonly string[], service: string, version: string): Promise<MagdaValidation[]> {
  const s = publishedService(service, version);
  const elements = xmls.map(bodyElement);
  const result = await validateXML({
    xml: elements.map((contents, i) => ({ fileName: `message-${i}.xml`, contents })),
    schema: [{ fileName: s.file, contents: s.xsd }],
    preload: [{ fileName: 'Generiek.xsd', contents: GENERIEK_XSD }],
  });
  // xmllint names each file it validated: "message-3.xml validates", or its errors and "… fails to validate".
  const lines = result.rawOutput.split('\n');
  return elements.map((element, i) => {
    const file = `message-${i}.xml`;
    const errors = lines.filter((l) => l.startsWith(`${file}:`) || l === `${file} fails to validate`);
    return { valid: lines.includes(`${file} validates`) && !errors.length, errors, element };
  });
}
