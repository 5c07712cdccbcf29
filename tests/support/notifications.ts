/** Helpers of the change-notification tests: the partner's receiver process and reading what it received. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  stop(): Promise<void>;
}

/** Starts the receiver process (tests/support/webhook-receiver.ts); `file` to keep appending to an earlier receiver's record. */
export async function startReceiver(opts: { secret: string; port?: number; delayMs?: number; file?: string; refuse?: string }): Promise<Receiver> {
  const file = opts.file ?? join(mkdtempSync(join(tmpdir(), 'kbi-receiver-')), 'received.jsonl');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'tests/support/webhook-receiver.ts',
      '--port',
      String(opts.port ?? 0),
      '--secret',
      opts.secret,
      '--out',
      file,
      '--delay-ms',
      String(opts.delayMs ?? 0),
      ...(opts.refuse ? ['--refuse', opts.refuse] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`receiver did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
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
