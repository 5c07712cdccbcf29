/**
 * Talking MAGDA in tests: a SOAP request envelope, a partner that speaks it (a VMSW client
 * authorised under capacity code 3003), and an answer as lines "path = text [attributes]" in document
 * order, so that two answers are compared element by element.
 */
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { expectOk, partner, type TestApp } from './app.ts';

export const SOAP = '/api/magda/soap';

const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false, preserveOrder: true, commentPropName: '#comment' });

/** Every element below `root` in document order as "path = text [attributes]"; whitespace trimmed. */
export function lines(nodes: any[], path = ''): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@' && k !== '#comment');
    if (!name || name === '#text') continue;
    const here = path ? `${path}/${name}` : name;
    const children = node[name] as any[];
    const text = children
      .filter((c) => '#text' in c)
      .map((c) => String(c['#text']).trim())
      .join('');
    const attrs = Object.entries(node[':@'] ?? {})
      .filter(([k]) => !k.startsWith('@_xmlns') && !k.startsWith('@_xsi'))
      .map(([k, v]) => `${k.slice(2)}=${v}`)
      .join(' ');
    out.push(`${here} = ${text}${attrs ? ` [${attrs}]` : ''}`);
    out.push(...lines(children, here));
  }
  return out;
}

/** The lines of the Repliek of an answer (SOAP envelope or bare), with what must differ (time, references) blanked. */
export function repliek(xml: string): string[] {
  const doc = parser.parse(xml);
  const find = (nodes: any[], name: string): any[] | null => {
    for (const n of nodes) {
      const key = Object.keys(n).find((k) => k !== ':@');
      if (!key || key === '#text') continue;
      if (key === name) return n[key];
      const inner = find(n[key], name);
      if (inner) return inner;
    }
    return null;
  };
  const r = find(doc, 'Repliek');
  assert.ok(r, `a Repliek in ${xml.slice(0, 300)}`);
  return lines(r!, 'Repliek').map((l) =>
    /\/(Tijdstip\/Datum|Tijdstip\/Tijd|Afzender\/Identificatie|Afzender\/Naam|Afzender\/Referte|Ontvanger\/Identificatie|Ontvanger\/Referte|Antwoord\/Referte) = /.test(
      l,
    )
      ? l.replace(/ = .*/, ' = *')
      : l,
  );
}

export const envelope = (o: {
  service?: string;
  versie?: string;
  afzender: string;
  hoedanigheid: string;
  inhoud: string;
  ns?: string;
}) => `<?xml version="1.0"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
  <soapenv:Header/>
  <soapenv:Body>
    <web:${o.service ?? 'GeefDossierKBI'} xmlns:web="${o.ns ?? 'http://webservice.GeefDossierKBI-01.00.kbi-01.00.vip.vlaanderen.be'}">
      <Verzoek>
        <Context>
          <Naam>${o.service ?? 'GeefDossierKBI'}</Naam>
          <Versie>${o.versie ?? '01.00.0000'}</Versie>
          <Bericht>
            <Type>VRAAG</Type>
            <Tijdstip><Datum>2026-12-05</Datum><Tijd>12:00:00.000</Tijd></Tijdstip>
            <Afzender>
              <Identificatie>${o.afzender}</Identificatie>
              <Referte>XE:1044:24661:8102</Referte>
              <Hoedanigheid>${o.hoedanigheid}</Hoedanigheid>
            </Afzender>
          </Bericht>
        </Context>
        <Vragen><Vraag><Referte>vraag-1</Referte><Inhoud>${o.inhoud}</Inhoud></Vraag></Vragen>
      </Verzoek>
    </web:${o.service ?? 'GeefDossierKBI'}>
  </soapenv:Body>
</soapenv:Envelope>`;

/** A VMSW partner with its client, authorised under capacity code 3003 for the housing code's purpose with `clusters`. */
export async function vmsw(app: TestApp, clusters: string[], startsOn = '2020-01-01') {
  const p = await partner(app, 'VMSW', `VMSW ${clusters.length}`);
  await expectOk(
    await app.call('POST', '/api/v1/authorisations', {
      partnerOrganisationId: p.organisation.id,
      purpose: 'WOONCODE_TAALKENNIS',
      clusters,
      legalBasis: 'Vlaamse Wooncode, art. 92 §3',
      startsOn,
      capacityCodes: ['3003'],
    }),
    201,
  );
  const clientId = `vmsw-${p.organisation.id.slice(0, 8)}`;
  const soap = (xml: string) => p.call('POST', SOAP, xml, { 'content-type': 'text/xml; charset=utf-8' });
  return {
    ...p,
    clientId,
    soap,
    ask: (insz: string, over: Partial<Parameters<typeof envelope>[0]> = {}) =>
      soap(envelope({ afzender: clientId, hoedanigheid: '3003', inhoud: `<INSZ>${insz}</INSZ>`, ...over })),
  };
}
