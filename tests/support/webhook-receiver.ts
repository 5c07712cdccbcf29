/**
 * A partner's webhook receiver as a process of its own, for the notification tests and the bench: a
 * tiny HTTP server that checks each delivery with the helper KBI ships for partners (readWebhook)
 * and appends every event it carried to a file, one JSON line per event (with the delivery it came
 * in and the arrival time), all the lines of a delivery at once, before it answers. Answers 204 to
 * a verified delivery, 401 to one that fails the check, and 422 to one that carries the event given
 * by `--refuse` (a partner that cannot take that event); both recorded in `<out>.rejected`. Prints
 * `listening <port>` when ready, and `arrived <event id>,<event id>…` (the ids the delivery carries,
 * `-` when it fails the check) as soon as a delivery has come in, before the answer, which
 * `--delay-ms` holds back.
 *
 *   node --import tsx tests/support/webhook-receiver.ts --port 0 --secret S --out received.jsonl [--delay-ms 5] [--refuse <eventId>]
 */
import http from 'node:http';
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../server/modules/notifications/verify.ts';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    secret: { type: 'string' },
    out: { type: 'string' },
    'delay-ms': { type: 'string', default: '0' },
    refuse: { type: 'string' },
  },
});
const secret = args.secret!;
const out = args.out!;
const delay = Number(args['delay-ms']);
let deliveries = 0;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const check = readWebhook({
      secret,
      body,
      timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
      signature: req.headers[SIGNATURE_HEADER] as string | undefined,
    });
    // Said at once, before any delay: a test knows a delivery is in flight (and which events it
    // carries) while the answer waits.
    process.stdout.write(`arrived ${check.ok ? check.events.map((e) => e.eventId).join(',') : '-'}\n`);
    const answer = () => {
      if (!check.ok) {
        appendFileSync(`${out}.rejected`, JSON.stringify({ rejected: check.reason, bytes: body.length }) + '\n');
        res.writeHead(401).end();
        return;
      }
      if (args.refuse && check.events.some((e) => e.eventId === args.refuse)) {
        appendFileSync(`${out}.rejected`, JSON.stringify({ rejected: 'refused', bytes: body.length, events: check.events.length }) + '\n');
        res.writeHead(422).end();
        return;
      }
      const delivery = `${process.pid}-${++deliveries}`;
      const receivedAt = Date.now();
      const size = check.events.length;
      appendFileSync(out, check.events.map((e, index) => JSON.stringify({ ...e, delivery, index, size, receivedAt }) + '\n').join(''));
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
