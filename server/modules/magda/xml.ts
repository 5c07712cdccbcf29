/**
 * The XML of MAGDA messages: a guarded reader of SOAP envelopes and a writer of answers in the
 * layout of MAGDA's own (four-space indentation, elements in the order given, attributes as given).
 * The reader refuses a document type declaration outright, so that no entity is ever expanded
 * (billion laughs, external entities), and reads every value as text: an INSZ keeps its zeros.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An element: name, attributes, and either text or child elements (absent children are skipped). */
export interface El {
  name: string;
  attrs?: Record<string, string | undefined>;
  text?: string;
  children?: (El | null | undefined | false)[];
}

export const el = (name: string, content?: string | (El | null | undefined | false)[] | null, attrs?: Record<string, string | undefined>): El =>
  Array.isArray(content) ? { name, attrs, children: content } : { name, attrs, text: content ?? '' };

/** Text content, or nothing when the value is absent (so optional elements disappear). */
export const opt = (name: string, value: unknown, attrs?: Record<string, string | undefined>): El | null =>
  value === null || value === undefined || value === '' ? null : el(name, String(value), attrs);

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function writeXml(root: El, indent = 0): string {
  const pad = ' '.repeat(indent * 4);
  const attrs = Object.entries(root.attrs ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escape(v!)}"`)
    .join('');
  const children = (root.children ?? []).filter((c): c is El => !!c);
  if (root.children) {
    if (!children.length) return `${pad}<${root.name}${attrs}/>`;
    return `${pad}<${root.name}${attrs}>\n${children.map((c) => writeXml(c, indent + 1)).join('\n')}\n${pad}</${root.name}>`;
  }
  return `${pad}<${root.name}${attrs}>${escape(root.text ?? '')}</${root.name}>`;
}

export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** A SOAP 1.1 envelope around one body element. */
export const soapEnvelope = (body: El): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${writeXml(el('soapenv:Envelope', [el('soapenv:Header', []), el('soapenv:Body', [body])], { 'xmlns:soapenv': SOAP_NS }))}\n`;

/** A SOAP fault: `Client` for what the caller sent wrong, `Server` for our own failure. */
export const soapFault = (code: 'Client' | 'Server', message: string): string =>
  soapEnvelope(el('soapenv:Fault', [el('faultcode', `soapenv:${code}`), el('faultstring', message)]));

export class MalformedMessage extends Error {}

const parser = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export type Node = Record<string, unknown>;

/** The same reading with prefixes and namespace declarations kept, to tell the namespaces. */
const prefixed = new XMLParser({ ignoreAttributes: false, parseTagValue: false, processEntities: false, ignoreDeclaration: true, ignorePiTags: true });

/** The namespace of an element named `key` (prefix:local or local), declared on it or on its parent. */
function namespaceOf(key: string, own: Node, parent: Node): string | null {
  const prefix = key.includes(':') ? key.slice(0, key.indexOf(':')) : null;
  const attr = prefix ? `@_xmlns:${prefix}` : '@_xmlns';
  const ns = own?.[attr] ?? parent?.[attr];
  return typeof ns === 'string' ? ns : null;
}

const elementKey = (node: Node, local: string) => Object.keys(node).find((k) => k === local || k.endsWith(`:${local}`));

/** The body element of a SOAP envelope as a tree of objects (namespace prefixes removed); throws MalformedMessage. */
export function readEnvelope(xml: string): { element: string; content: Node; namespace: string | null } {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new MalformedMessage('a document type declaration (DTD, entities) is not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new MalformedMessage(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser.parse(xml) as Node;
  const envelope = doc.Envelope as Node | undefined;
  if (!envelope || typeof envelope !== 'object') throw new MalformedMessage('not a SOAP envelope: no Envelope element');
  const raw = prefixed.parse(xml) as Node;
  const envKey = elementKey(raw, 'Envelope')!;
  const rawEnvelope = raw[envKey] as Node;
  if (namespaceOf(envKey, rawEnvelope, {}) !== SOAP_NS)
    throw new MalformedMessage(`not a SOAP 1.1 envelope: the Envelope element is not in namespace ${SOAP_NS}`);
  const body = envelope.Body as Node | undefined;
  if (!body || typeof body !== 'object') throw new MalformedMessage('no SOAP Body');
  const names = Object.keys(body).filter((k) => !k.startsWith('@_') && k !== '#text');
  if (names.length !== 1) throw new MalformedMessage('the SOAP Body must hold exactly one element');
  const content = body[names[0]!];
  if (!content || typeof content !== 'object' || Array.isArray(content)) throw new MalformedMessage(`${names[0]}: empty`);
  const rawBody = (rawEnvelope[elementKey(rawEnvelope, 'Body') ?? ''] ?? {}) as Node;
  const contentKey = elementKey(rawBody, names[0]!);
  const namespace = contentKey ? namespaceOf(contentKey, rawBody[contentKey] as Node, { ...rawEnvelope, ...rawBody }) : null;
  return { element: names[0]!, content: content as Node, namespace };
}

/** The text at a path below a node ('' when absent); a repeated element is refused. */
export function textAt(node: unknown, ...path: string[]): string {
  let at: unknown = node;
  for (const step of path) {
    if (!at || typeof at !== 'object') return '';
    at = (at as Node)[step];
    if (Array.isArray(at)) throw new MalformedMessage(`${path.join('/')}: ${step} may occur only once`);
  }
  if (at === null || at === undefined) return '';
  if (typeof at === 'object') return String((at as Node)['#text'] ?? '').trim();
  return String(at).trim();
}
