/** Helpers of the change-notification tests: the partner's receiver process and reading what it received. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectOk, partner, type TestApp } from './app.ts';
import { belgianToday, dayOffset } from '../../server/modules/integrations/integrations.service.ts';

export interface Received {
  eventId: string;
  seq: number;
  at: string;
  type: string;
  subjectId: string;
  payload: { integrationId?: string; clusters?: string[]; [k: string]: unknown };
  /** The delivery (one POST) it came in, its place in it and how many events that delivery carried. */
  delivery: string;
  index: number;
  size: number;
  receivedAt: number;
}

export interface Receiver {
  port: number;
  url: string;
  file: string;
  child: ChildProcess;
  /** Every event of a verified delivery, in order of arrival (duplicates included). */
  received(): Received[];
  /** How many events verified deliveries brought: a cheap count of the record's lines. */
  count(): number;
  /** Deliveries refused by the check (signature, timestamp, body). */
  rejected(): { rejected: string; bytes: number; events?: number }[];
  /**
   * The deliveries (POSTs) that came in so far, in order, whether answered yet or not (the answer
   * may be held back by `delayMs`): each as the event ids it carried (`['-']` for one that failed
   * the check).
   */
  arrivals(): string[][];
  stop(): Promise<void>;
}

/**
 * Starts the receiver process (tests/support/webhook-receiver.ts; with `magda`, the OCMW's MAGDA
 * service of tests/support/magda-receiver.ts, whose record holds one line per message); `file` to
 * keep appending to an earlier receiver's record.
 */
export async function startReceiver(opts: {
  secret: string;
  port?: number;
  delayMs?: number;
  file?: string;
  refuse?: string;
  magda?: boolean;
}): Promise<Receiver> {
  const file = opts.file ?? join(mkdtempSync(join(tmpdir(), 'kbi-receiver-')), 'received.jsonl');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      opts.magda ? 'tests/support/magda-receiver.ts' : 'tests/support/webhook-receiver.ts',
      '--port',
      String(opts.port ?? 0),
      // One argument: a secret may begin with '-' (base64url), which parseArgs would take for an option.
      `--secret=${opts.secret}`,
      '--out',
      file,
      ...(opts.magda ? [] : ['--delay-ms', String(opts.delayMs ?? 0)]),
      ...(opts.refuse ? ['--refuse', opts.refuse] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`receiver did not start: ${out}`)), 20_000);
    child.stdout!.on('data', () => {
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`receiver exited (${code}): ${out}`)));
  });
  const lines = (path: string) =>
    existsSync(path)
      ? readFileSync(path, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l))
      : [];
  return {
    port,
    url: `http://127.0.0.1:${port}/hooks/kbi`,
    file,
    child,
    received: () => lines(file),
    count: () => {
      if (!existsSync(file)) return 0;
      const buf = readFileSync(file);
      let n = 0;
      for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
      return n;
    },
    rejected: () => lines(`${file}.rejected`),
    arrivals: () => [...out.matchAll(/^arrived (\S+)$/gm)].map((m) => m[1]!.split(',')),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `check` until it holds or `ms` pass; returns its last value. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Distinct event ids, duplicates (deliveries of an event beyond its first), whether the first
 * arrivals are in sequence order, and the deliveries (POSTs) they came in. Throws when a delivery
 * carried its events out of order.
 */
export function summarise(received: Received[]) {
  const firstSeen: number[] = [];
  const seen = new Set<string>();
  const deliveries = new Map<string, number>();
  let duplicates = 0;
  for (const r of received) {
    const previous = deliveries.get(r.delivery);
    if (previous !== undefined && previous >= r.seq) throw new Error(`delivery ${r.delivery} carried ${r.seq} after ${previous}`);
    deliveries.set(r.delivery, r.seq);
    if (seen.has(r.eventId)) duplicates++;
    else {
      seen.add(r.eventId);
      firstSeen.push(r.seq);
    }
  }
  const ordered = firstSeen.every((s, i) => i === 0 || s > firstSeen[i - 1]!);
  return { distinct: seen.size, duplicates, ordered, seqs: firstSeen, deliveries: deliveries.size };
}

/** An OCMW with the person in its register and a webhook to a receiver process of its own (answering after `delayMs`); returns both. */
export async function subscribedOcmw(app: TestApp, insz: string, name: string, delayMs: number): Promise<{ organisationId: string; receiver: Receiver }> {
  const ocmw = await partner(app, 'OCMW', name);
  await expectOk(await ocmw.call('POST', '/api/exchange/v1/integrations', { insz, capacityCode: '1' }), 201);
  const created = await expectOk(
    await app.call('PUT', `/api/v1/notifications/endpoints/${ocmw.organisation.id}`, { url: 'https://placeholder.example/h' }),
    201,
  );
  const receiver = await startReceiver({ secret: created.secret, delayMs });
  await expectOk(await app.call('PUT', `/api/v1/notifications/endpoints/${ocmw.organisation.id}`, { url: receiver.url }));
  return { organisationId: ocmw.organisation.id, receiver };
}

/** A person whose dossier an office of an agency manages (a case lead opened a month ago), with that agency and office. */
export async function personWithCaseLead(app: TestApp) {
  const agency = await app.factories.organisation({ kind: 'AGENCY' });
  const office = await app.factories.office(agency.id);
  const person = await app.factories.person();
  await app.factories.add(person.id, 'caseLead', { managingOfficeId: office.id, openedOn: dayOffset(belgianToday(), -30) });
  return { person, agency, office };
}
