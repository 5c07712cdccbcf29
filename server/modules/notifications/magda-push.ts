/**
 * Change notifications over MAGDA (issue 16): the relay's second kind of endpoint. A partner whose
 * endpoint has transport MAGDA gets each `dossier.invalidated` event as its own InvalidatieKBIDossier
 * question (a SOAP VRAAG to the OCMW's service, which KBI calls), mapped as docs/notifications.md
 * lays down; its answer says whether the event was delivered. Everything else — cursor, order,
 * retries, dead letters, replay, the attempt log — is the relay's, as for a webhook.
 *
 * The message names the person by INSZ, which the outbox never stores: it is read from the
 * partner's integration record (the event's `subjectId`) at send time, so a record removed since
 * (retention) leaves nothing to send and the attempt fails. The answer is read with the MAGDA
 * module's guarded reader (no document type declaration, no entities).
 */
import type { Db, Row } from '../../platform/db.ts';
import { el, MalformedMessage, readEnvelope, soapEnvelope, textAt, type Node } from '../magda/magda.service.ts';

export const SERVICE = 'InvalidatieKBIDossier';
/** The version the OCMW's service is assumed to publish (its XSD is not yet available). */
export const VERSIE = '01.00.0000';
/** The question's namespace, named as KBI's own services name theirs (GeefDossierKBI-01.00). */
export const NAMESPACE = 'http://webservice.InvalidatieKBIDossier-01.00.kbi-01.00.vip.vlaanderen.be';
/** The only event type with a MAGDA message; the others are passed over (they stay in the pull feed). */
export const MAGDA_EVENT_TYPE = 'dossier.invalidated';

/** What the message needs that the event does not hold, read at send time. */
export interface Recipient {
  insz: string;
  capacityCode: string;
  clientId: string;
}

/**
 * The integration record's INSZ and capacity code, and the partner's client id (its oldest active
 * client, by id: the one MAGDA knows it by); what is missing when the record is gone or the partner has no active client.
 */
export async function recipientOf(db: Db, organisationId: string, integrationId: string): Promise<Recipient | { missing: string }> {
  const row = await db
    .selectFrom('integrations as i')
    .select(['i.insz', 'i.capacity_code'])
    .select((s) =>
      s
        .selectFrom('partner_clients as c')
        .select('c.client_id')
        .whereRef('c.organisation_id', '=', 'i.organisation_id')
        .where('c.active', '=', true)
        .orderBy('c.client_id')
        .limit(1)
        .as('client_id'),
    )
    .where('i.id', '=', integrationId)
    .where('i.organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!row) return { missing: 'integration record gone' };
  if (!row.client_id) return { missing: 'no active partner client' };
  return { insz: row.insz, capacityCode: row.capacity_code, clientId: row.client_id };
}

const tijdstip = (at: Date) => {
  const [datum, tijd] = at.toISOString().slice(0, 23).split('T');
  return el('Tijdstip', [el('Datum', datum!), el('Tijd', tijd!)]);
};

/** The InvalidatieKBIDossier VRAAG of one event (docs/notifications.md, "Over MAGDA"). */
export function invalidatieVraag(event: Row, to: Recipient, senderId: string, at = new Date()): string {
  return soapEnvelope(
    el(
      `web:${SERVICE}`,
      [
        el('Verzoek', [
          el('Context', [
            el('Naam', SERVICE),
            el('Versie', VERSIE),
            el('Bericht', [
              el('Type', 'VRAAG'),
              tijdstip(at),
              el('Afzender', [el('Identificatie', senderId), el('Referte', String(event.event_id))]),
              el('Ontvanger', [el('Identificatie', to.clientId), el('Hoedanigheid', to.capacityCode)]),
            ]),
          ]),
          el('Vragen', [el('Vraag', [el('Referte', String(event.seq)), el('Inhoud', [el('INSZ', to.insz)])])]),
        ]),
      ],
      { 'xmlns:web': NAMESPACE },
    ),
  );
}

const list = (v: unknown): Node[] => (Array.isArray(v) ? v : v && typeof v === 'object' ? [v as Node] : []) as Node[];
const short = (s: string) => s.replace(/\s+/g, ' ').slice(0, 200);

/**
 * Judges the OCMW's answer: null for a delivery (status 2xx and a Repliek with an Antwoord, no
 * Uitzondering of type FOUT), otherwise what failed (a SOAP fault, an Uitzondering FOUT, another
 * status, an answer that is not a MAGDA answer). An Uitzondering of another type (WAARSCHUWING,
 * INFORMATIE) does not make the delivery fail.
 */
export function judgeAnswer(status: number, body: string): string | null {
  let content: Node;
  let element: string;
  try {
    ({ content, element } = readEnvelope(body));
  } catch (e) {
    if (status < 200 || status >= 300) return `status ${status}`;
    return short(`not a MAGDA answer: ${e instanceof MalformedMessage ? e.message : 'unreadable'}`);
  }
  if (element === 'Fault') return short(`status ${status} SOAP fault ${textAt(content, 'faultcode')}: ${textAt(content, 'faultstring')}`);
  if (status < 200 || status >= 300) return `status ${status}`;
  const repliek = content.Repliek as Node | undefined;
  if (!repliek || typeof repliek !== 'object') return `not a MAGDA answer: ${element} has no Repliek`;
  const antwoorden = list((repliek.Antwoorden as Node | undefined)?.Antwoord);
  const uitzonderingen = [
    ...list((repliek.Uitzonderingen as Node | undefined)?.Uitzondering),
    ...antwoorden.flatMap((a) => list((a.Uitzonderingen as Node | undefined)?.Uitzondering)),
  ];
  const fout = uitzonderingen.find((u) => textAt(u, 'Type') === 'FOUT');
  if (fout) return short(`Uitzondering FOUT ${textAt(fout, 'Identificatie')}: ${textAt(fout, 'Diagnose')}`);
  if (!antwoorden.length) return 'not a MAGDA answer: no Antwoord';
  return null;
}
