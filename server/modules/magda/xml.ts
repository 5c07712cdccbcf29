/**
 * The XML of MAGDA messages: a guarded reader of SOAP envelopes and a writer of answers in the
 * form of MAGDA's own (elements in the order given, attributes as given; compact, see writeXml).
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

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const escape = (s: string) => (/[&<>"]/.test(s) ? s.replace(/[&<>"]/g, (c) => ESCAPES[c]!) : s);

/**
 * The element as XML, compact: no whitespace between elements (none of MAGDA's elements has mixed
 * content, so it means nothing to a reader; indented, a dossier answer was 2.5 times the bytes, and
 * writing and sending them cost the SOAP endpoint more than the consult itself).
 */
export function writeXml(root: El): string {
  const out: string[] = [];
  write(root, out);
  return out.join('');
}

function write(e: El, out: string[]): void {
  let open = `<${e.name}`;
  if (e.attrs) for (const k in e.attrs) if (e.attrs[k] !== undefined) open += ` ${k}="${escape(e.attrs[k]!)}"`;
  if (e.children) {
    let any = false;
    for (const c of e.children) {
      if (!c) continue;
      if (!any) out.push(`${open}>`);
      any = true;
      write(c, out);
    }
    out.push(any ? `</${e.name}>` : `${open}/>`);
    return;
  }
  out.push(`${open}>${escape(e.text ?? '')}</${e.name}>`);
}

export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** A SOAP 1.1 envelope around one body element. */
export const soapEnvelope = (body: El): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${writeXml(el('soapenv:Envelope', [el('soapenv:Header', []), el('soapenv:Body', [body])], { 'xmlns:soapenv': SOAP_NS }))}\n`;

/** A SOAP fault: `Client` for what the caller sent wrong, `Server` for our own failure. */
export const soapFault = (code: 'Client' | 'Server', message: string): string =>
  soapEnvelope(el('soapenv:Fault', [el('faultcode', `soapenv:${code}`), el('faultstring', message)]));

export class MalformedMessage extends Error {}

export type Node = Record<string, unknown>;

/**
 * One reading of the message with prefixes and namespace declarations kept (to tell the
 * namespaces), from which the view without prefixes is made (stripPrefixes): one parse, not two.
 */
const prefixed = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const localName = (name: string) => {
  const colon = name.indexOf(':');
  return colon < 0 || name.indexOf(':', colon + 1) >= 0 ? name : name.slice(colon + 1);
};

/**
 * The prefixed reading as fast-xml-parser's `removeNSPrefix` gives it: prefixes dropped from
 * element and attribute names, namespace declarations dropped, elements that now share a name
 * gathered in one array, and an element left with only its text as that text.
 */
function stripPrefixes(node: unknown, document = false): unknown {
  if (Array.isArray(node)) return node.map((n) => stripPrefixes(n));
  if (!node || typeof node !== 'object') return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node as Node)) {
    if (key.startsWith('@_')) {
      const attr = key.slice(2);
      if (attr === 'xmlns' || attr.startsWith('xmlns:')) continue;
      out[`@_${localName(attr)}`] = value;
      continue;
    }
    if (key === '#text') {
      out[key] = value;
      continue;
    }
    const name = localName(key);
    const stripped = stripPrefixes(value);
    out[name] = name in out ? ([] as unknown[]).concat(out[name], stripped) : stripped;
  }
  const keys = Object.keys(out);
  if (!keys.length) return document ? out : '';
  if (keys.length === 1 && keys[0] === '#text') return out['#text'];
  return out;
}

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
  const raw = prefixed.parse(xml) as Node;
  const doc = stripPrefixes(raw, true) as Node;
  const envelope = doc.Envelope as Node | undefined;
  if (!envelope || typeof envelope !== 'object') throw new MalformedMessage('not a SOAP envelope: no Envelope element');
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
