/**
 * What the MAGDA tests share: the SOAP question a partner sends, a VMSW partner with its client and
 * authorisation, the persons of two example answers as KBI holds them, and the comparison of an
 * answer with an example element by element.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { expectOk, partner, type TestApp } from './app.ts';

export const SOAP = '/api/magda/soap';
export const example = (file: string) => readFileSync(new URL(`../fixtures/magda/${file}`, import.meta.url), 'utf8');
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

export const INSCHRIJVING_NS = 'http://webservice.registreerinschrijvingdienst-02_01.repertorium-02_01.vip.vlaanderen.be';
export const UITSCHRIJVING_NS = 'http://webservice.registreeruitschrijvingdienst-02_00.repertorium-02_00.vip.vlaanderen.be';
export const subject = (insz: string, begin: string, einde = '') =>
  `<BetrokkenSubject><Type>PERS</Type><Subjecten><Subject><Type>PERS</Type><Sleutel>${insz}</Sleutel></Subject></Subjecten></BetrokkenSubject>` +
  `<Periode>${begin ? `<Begin>${begin}</Begin>` : ''}${einde ? `<Einde>${einde}</Einde>` : ''}</Periode>`;

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

export const ALL = [
  'personalia',
  'targetGroup',
  'registration',
  'trajectories',
  'trajectoryOffice',
  'components',
  'housingRequirement',
  'contracts',
  'conversations',
];

/** The person of example 90122501644, as KBI holds it. */
export async function person90122501644(app: TestApp) {
  const creator = await app.factories.organisation({ kind: 'AGENCY', name: 'Agentschap Integratie en Inburgering', enterpriseNumber: '0253973219' });
  const desk = await app.factories.office(creator.id, { kbiKey: '64B8A9B116FA432D90F52691EEB2634D' });
  const creatorOffice = await app.factories.office(creator.id, { kbiKey: '26D7A46366084C68BE1777034F5D1BF4' });
  const managing = await app.factories.office(creator.id, { kboNumber: '0421722346', kbiKey: 'BFD4F0D6634544AA98C884D4950313AB' });
  const staff = await expectOk(
    await app.call('POST', '/api/v1/staff', { organisationId: creator.id, officeId: managing.id, familyName: 'koala', givenName: 'rod' }),
    201,
  );
  const person = await app.factories.person({
    insz: '90122501644',
    familyName: 'User689',
    givenNames: 'Test689',
    gender: '2',
    createdByOrganisationId: creator.id,
    createdByOfficeId: creatorOffice.id,
  });
  const add = (resource: string, body: Record<string, unknown>) => app.factories.add(person.id, resource, body);
  await add('targetGroupDeterminations', { determinedOn: '2017-03-23', determined: true, type: 'PLICHT', subtype: 'VOL_PROG', startDate: '2017-03-23' });
  await add('registrations', { registeredOn: '2017-03-23', type: 'EA', reason: '13', officeId: desk.id });
  const trajectory = await add('trajectories', {
    type: 'TT_IBVP',
    startDate: '2017-03-23',
    managingOfficeId: managing.id,
    contactStaffId: staff.id,
    status: 'OP',
    statusSince: '2017-03-23',
  });
  for (const type of ['TO_OB_MO', 'TO_OB_LLO', 'TO_A1'])
    await add('trajectoryComponents', { trajectoryId: trajectory.id, type, startDate: '2017-03-23', status: 'TO_STA_31', statusSince: '2017-03-23' });
  await add('housingRequirements', {
    mustMeetIntegration: true,
    meetsIntegration: false,
    mustMeetLanguage: false,
    followedUpBy: 'Onthaalbureau',
    assessedOn: '2017-03-23',
  });
  return person;
}

/** The person of example 90122600525 (language knowledge, literacy, client preferences), as KBI holds it. */
export async function person90122600525(app: TestApp) {
  const agency = await app.factories.organisation({ kind: 'AGENCY', name: 'Agentschap Integratie en Inburgering', enterpriseNumber: '0874713138' });
  const office = await app.factories.office(agency.id, { kboNumber: '0874713138', kbiKey: '160EE28D2C7248548B14400C3FDB70AB' });
  const staff = await expectOk(
    await app.call('POST', '/api/v1/staff', { organisationId: agency.id, officeId: office.id, familyName: 'De Vis', givenName: 'Bouke' }),
    201,
  );
  const example525 = repliek(example('90122600525.xml'));
  const value = (suffix: string) => example525.find((l) => l.includes(`/Personalia/${suffix} = `))!.replace(/.* = /, '');
  const person = await app.factories.person({
    insz: '90122600525',
    familyName: value('Naam/Achternamen/Achternaam'),
    givenNames: value('Naam/Voornamen/Voornaam'),
    gender: '1',
    createdByOrganisationId: agency.id,
    createdByOfficeId: (await app.factories.office(agency.id, { kbiKey: 'EDDE30CB37FB41FD8BD2EB68CDE595B7' })).id,
  });
  const add = (resource: string, body: Record<string, unknown>) => app.factories.add(person.id, resource, body);
  await add('targetGroupDeterminations', {
    determinedOn: '2015-03-26',
    determined: true,
    type: 'MINDERJARIG',
    subtype: 'MINDERJARIG',
    startDate: '2015-03-26',
  });
  const trajectory = await add('trajectories', {
    type: 'TT_NT2',
    startDate: '2017-03-22',
    managingOfficeId: office.id,
    contactStaffId: staff.id,
    status: 'OP',
    statusSince: '2017-03-22',
  });
  await add('trajectoryComponents', {
    trajectoryId: trajectory.id,
    type: 'TO_A1',
    startDate: '2017-03-22',
    status: 'TO_STA_31',
    statusSince: '2017-03-22',
  });
  await add('languageSkills', { language: 'ALB', proficiency: 'MOEDERTAAL', contactLanguage: false });
  await add('literacyAssessments', { script: 'LATIN', level: 'GEALFABETISEERD', assessedOn: '2017-03-22' });
  await add('clientPreferences', {
    wishedStartDate: '2017-03-22',
    intensity: 3,
    postcodes: ['3600'],
    lessonMoments: ['WOE_MIDDAG', 'DON_MIDDAG', 'VRIJ_MIDDAG'],
    lessonMomentsValidFrom: '2017-03-22',
  });
  await add('housingRequirements', {
    mustMeetIntegration: false,
    mustMeetLanguage: true,
    meetsLanguage: false,
    followedUpBy: 'Huis van het Nederlands',
    assessedOn: '2017-03-22',
  });
  return person;
}
