/**
 * A partner's webhook receiver as a process of its own, for the notification tests: a tiny HTTP
 * server that checks each delivery with the helper KBI ships for partners (verifyWebhook) and
 * appends what it received to a file, one JSON line per delivery. Answers 204 to a verified
 * delivery, 401 to one that fails the check. Prints `listening <port>` when ready.
 *
 *   node --import tsx tests/support/webhook-receiver.ts --port 0 --secret S --out received.jsonl [--delay-ms 5]
 */
import http from 'node:http';
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from '../../server/modules/notifications/verify.ts';

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '0' }, secret: { type: 'string' }, out: { type: 'string' }, 'delay-ms': { type: 'string', default: '0' } },
});
const secret = args.secret!;
const out = args.out!;
const delay = Number(args['delay-ms']);

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const check = verifyWebhook({
      secret,
      body,
      timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
      signature: req.headers[SIGNATURE_HEADER] as string | undefined,
    });
    const answer = () => {
      if (!check.ok) {
        appendFileSync(out, JSON.stringify({ rejected: check.reason, eventId: req.headers[EVENT_ID_HEADER] ?? null }) + '\n');
        res.writeHead(401).end();
        return;
      }
      const event = JSON.parse(body.toString('utf8'));
      appendFileSync(out, JSON.stringify({ header: req.headers[EVENT_ID_HEADER], ...event, receivedAt: Date.now() }) + '\n');
      res.writeHead(204).end();
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(args.port), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
