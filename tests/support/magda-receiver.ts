/**
 * An OCMW's MAGDA service InvalidatieKBIDossier as a process of its own, for the change-notification
 * tests: a tiny HTTP server that checks each message's signature with the helper KBI ships for
 * partners (verifyWebhook), reads the SOAP envelope with the MAGDA module's guarded reader and
 * appends what it carried to a file, one JSON line per message (event id = Afzender/Referte, seq =
 * Vraag/Referte, INSZ, Ontvanger, the arrival time), before it answers. Answers a positive MAGDA
 * Antwoord; an Uitzondering of type FOUT (HTTP 200) to the message of the event given by `--refuse`
 * (recorded in `<out>.rejected`); a SOAP fault (HTTP 500) to a message that fails the check or cannot
 * be read (recorded there too). Prints `listening <port>` when ready.
 *
 *   node --import tsx tests/support/magda-receiver.ts --port 0 --secret S --out received.jsonl [--refuse <eventId>]
 */
import http from 'node:http';
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../../server/modules/notifications/verify.ts';
import { el, readEnvelope, soapEnvelope, textAt, type Node } from '../../server/modules/magda/magda.service.ts';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    secret: { type: 'string' },
    out: { type: 'string' },
    refuse: { type: 'string' },
  },
});
const secret = args.secret!;
const out = args.out!;
const NS = 'http://webservice.InvalidatieKBIDossier-01.00.kbi-01.00.vip.vlaanderen.be';

const fault = (res: http.ServerResponse, message: string) =>
  res.writeHead(500, { 'content-type': 'text/xml' }).end(soapEnvelope(el('soapenv:Fault', [el('faultcode', 'soapenv:Client'), el('faultstring', message)])));

function repliek(referte: string, vraag: string, fout: boolean): string {
  const context = el('Context', [
    el('Naam', 'InvalidatieKBIDossier'),
    el('Versie', '01.00.0000'),
    el('Bericht', [el('Type', 'ANTWOORD'), el('Afzender', [el('Identificatie', 'ocmw.test')]), el('Ontvanger', [el('Referte', referte)])]),
  ]);
  const body = fout
    ? el('Uitzonderingen', [
        el('Uitzondering', [el('Identificatie', '99999'), el('Oorsprong', 'OCMW'), el('Type', 'FOUT'), el('Diagnose', 'dossier niet te verwerken')]),
      ])
    : el('Antwoorden', [
        el('Antwoord', [
          el('Referte', vraag),
          el('Uitzonderingen', [el('Uitzondering', [el('Identificatie', '1'), el('Type', 'INFORMATIE'), el('Diagnose', 'ontvangen')])]),
        ]),
      ]);
  return soapEnvelope(el('web:InvalidatieKBIDossierResponse', [el('Repliek', [context, body])], { 'xmlns:web': NS }));
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const reject = (reason: string) => {
      appendFileSync(`${out}.rejected`, JSON.stringify({ rejected: reason }) + '\n');
      fault(res, reason);
    };
    const check = verifyWebhook({
      secret,
      body,
      timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
      signature: req.headers[SIGNATURE_HEADER] as string | undefined,
    });
    if (!check.ok) return reject(check.reason);
    let verzoek: Node;
    try {
      const envelope = readEnvelope(body);
      if (envelope.element !== 'InvalidatieKBIDossier' || envelope.namespace !== NS) return reject(`unexpected ${envelope.element} in ${envelope.namespace}`);
      verzoek = envelope.content.Verzoek as Node;
    } catch (e) {
      return reject(e instanceof Error ? e.message : 'unreadable');
    }
    const bericht = ['Context', 'Bericht'];
    const message = {
      naam: textAt(verzoek, 'Context', 'Naam'),
      versie: textAt(verzoek, 'Context', 'Versie'),
      type: textAt(verzoek, ...bericht, 'Type'),
      afzender: textAt(verzoek, ...bericht, 'Afzender', 'Identificatie'),
      eventId: textAt(verzoek, ...bericht, 'Afzender', 'Referte'),
      ontvanger: textAt(verzoek, ...bericht, 'Ontvanger', 'Identificatie'),
      hoedanigheid: textAt(verzoek, ...bericht, 'Ontvanger', 'Hoedanigheid'),
      seq: Number(textAt(verzoek, 'Vragen', 'Vraag', 'Referte')),
      insz: textAt(verzoek, 'Vragen', 'Vraag', 'Inhoud', 'INSZ'),
      soapAction: req.headers.soapaction ?? null,
      contentType: req.headers['content-type'] ?? null,
      receivedAt: Date.now(),
    };
    const refused = args.refuse === message.eventId;
    appendFileSync(refused ? `${out}.rejected` : out, JSON.stringify(refused ? { rejected: 'FOUT', ...message } : message) + '\n');
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(repliek(message.eventId, String(message.seq), refused));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(args.port), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
