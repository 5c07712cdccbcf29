/**
 * `npm run soak -- --minutes 10`: the soak of issue 17 (the engine: tests/support/soak.ts). Two
 * `kbi serve` processes and two `kbi worker` processes on a scratch PostgreSQL database with demo
 * data, a partner's webhook receiver, and from this process a mixed load for the given minutes;
 * then the reconciliation. Prints the time series and the summary, writes them as the soak section
 * of BENCHMARKS.md (only that section), and exits 1 on any unexplained error or failed check.
 *
 *   --minutes N          how long the load runs (fractions allowed; default 10)
 *   --api-processes N    `kbi serve` processes (default 2)
 *   --workers N          `kbi worker` processes (default 2)
 *   --rate N             operations started per second, all kinds together (default 30)
 *   --concurrency N      requests in flight at most (default 12)
 *   --persons N          demo persons (default 3000)
 *   --interval N         seconds per row of the time series (default 10; 30 for runs over 5 minutes)
 *   --no-write           print only, leave BENCHMARKS.md as it is
 *
 *   KBI_BENCH_DATABASE_URL  PostgreSQL server for the scratch database (else KBI_TEST_DATABASE_URL, else the local test server)
 *   KBI_SOAK_KEEP_LOGS=1    keep the processes' logs (their folder is printed)
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { OPERATION_TEXT, runSoak, type Operation, type SoakResult } from '../tests/support/soak.ts';
import { writeSection } from './benchmarks-file.ts';

export const SOAK_HEADING = '## Soak: mixed load on several processes';

const n = (x: number) => x.toLocaleString('en');
const SHOWN: Operation[] = ['consult', 'read', 'create', 'edit', 'person', 'import', 'report'];

/** Runs the soak and writes its section with `say` (heading first); the result says whether it was clean. */
export async function soakSection(
  o: { serverUrl: string; minutes: number; apiProcesses?: number; workers?: number; rate?: number; concurrency?: number; persons?: number; interval?: number },
  say: (line: string) => void,
): Promise<SoakResult> {
  const seconds = Math.round(o.minutes * 60);
  const result = await runSoak({
    serverUrl: o.serverUrl,
    seconds,
    apiProcesses: o.apiProcesses,
    workers: o.workers,
    rate: o.rate,
    concurrency: o.concurrency,
    persons: o.persons,
    intervalSeconds: o.interval ?? (seconds > 300 ? 30 : 10),
    progress: (line) => console.error(line),
  });
  reportSoak(result, say);
  return result;
}

export function reportSoak(r: SoakResult, say: (line: string) => void): void {
  const o = r.options;
  const rc = r.reconciliation;
  const minutes = o.seconds / 60;
  say(`${SOAK_HEADING} (PostgreSQL, ${minutes >= 1 ? `${+minutes.toFixed(2)} min` : `${o.seconds} s`})`);
  say('');
  const mixTotal = Object.values(o.mix).reduce((a, b) => a + b, 0);
  say(
    `${o.apiProcesses} \`kbi serve\` processes (one serving process each, pool ${o.pool}) and ${o.workers} \`kbi worker\` processes against one PostgreSQL database with ${n(o.persons)} demo persons; an OCMW partner with ${n(r.setup.integrated)} persons in its integration register (the demo caseworker's ${r.setup.hotPersons} persons among them) and its webhook pointing at a receiver process that checks every signature. From a second process on loopback, round robin over the API processes: **${o.rate} operations/s** for ${r.load.seconds} s (${n(r.load.started)} started, at most ${o.concurrency} in flight${r.load.lateStarts ? `; **the machine could not hold that rate: ${n(r.load.lateStarts)} started more than 1 s late**, the latest ${n(r.load.maxLagMs)} ms` : `, none more than ${r.load.maxLagMs} ms late`}), in this mix: ${SHOWN.filter(
      (k) => (o.mix as Record<string, number>)[k],
    )
      .map((k) => `${Math.round((100 * (o.mix as Record<string, number>)[k]!) / mixTotal)} % ${OPERATION_TEXT[k]}`)
      .join('; ')}. Setup (database, seeding, processes) took ${r.setup.seconds} s before the load.`,
  );
  say('');
  say(
    r.ok
      ? '**Clean**: no unexplained error, and the reconciliation below holds in every line.'
      : `**NOT clean**: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} (listed at the end).`,
  );
  say('');
  say(
    'Over time: requests started in each interval, errors (anything but the expected answer; a 412 of an If-Match race and the replay of a retried request are expected, and counted apart), latency p50 / p99 in ms per operation, and the change notices that first reached the receiver with their commit-to-receipt lag.',
  );
  say('');
  const shown = SHOWN.filter((k) => r.operations.some((x) => x.op === k));
  say(`| interval | requests | req/s | errors | 412 | ${shown.join(' | ')} | notices | notice lag p50 / p99 |`);
  say(`|---|---|---|---|---|${shown.map(() => '---|').join('')}---|---|`);
  for (const i of r.intervals) {
    const cells = shown.map((k) => {
      const x = i.byOp[k];
      return x ? `${x.p50} / ${x.p99}` : '—';
    });
    say(
      `| ${i.from}–${i.to} s | ${n(i.requests)} | ${(i.requests / Math.max(1, i.to - i.from)).toFixed(1)} | ${
        i.errors
          ? `**${i.errors}** (${Object.entries(i.errorKinds)
              .map(([k, v]) => `${v} × ${k}`)
              .join(', ')})`
          : 0
      } | ${i.conflicts} | ${cells.join(' | ')} | ${n(i.notices.n)} | ${i.notices.n ? `${i.notices.p50} / ${i.notices.p99} ms` : '—'} |`,
    );
  }
  say('');
  say('Per operation over the whole run (ms):');
  say('');
  say('| operation | requests | ok | 412 (expected) | replays (expected) | errors | p50 | p90 | p99 | max |');
  say('|---|---|---|---|---|---|---|---|---|---|');
  for (const x of r.operations) {
    const errors = Object.entries(x.errors);
    say(
      `| ${OPERATION_TEXT[x.op]} | ${n(x.n)} | ${n(x.ok)} | ${x.conflicts} | ${x.replays} | ${errors.length ? `**${errors.map(([k, v]) => `${v} × ${k}`).join(', ')}**` : 0} | ${x.p50} | ${x.p90} | ${x.p99} | ${x.max} |`,
    );
  }
  say('');
  say('Reconciliation, after the load (the processes stopped with SIGTERM, then the database read directly):');
  say('');
  say('| check | result |');
  say('|---|---|');
  const w = rc.writes;
  say(
    `| every acknowledged version of a record (conversations, persons) stored once, with the value written | ${n(w.stored)} of ${n(w.acknowledged)} acknowledged versions of ${n(w.records)} records; lost ${w.lost}, doubled ${w.doubled}, wrong value ${w.wrongValue}, written without acknowledgement ${w.unacknowledged}${w.uncertain ? ` (${w.uncertain} sent without an answer)` : ''} |`,
  );
  say(`| If-Match: two saves of one version through two API processes, one wins | ${n(w.conflicts)} × 412 to the loser, never two winners (no lost update) |`);
  say(
    `| creates with an Idempotency-Key: one in five sent again after its answer, one in five twice at once through two API processes | ${n(rc.creates.rows)} conversations stored for ${n(rc.creates.acknowledged)} acknowledged creates; ${rc.creates.retried} retries answered as replays of the same record; ${rc.creates.doubled} doubled |`,
  );
  const im = rc.imports;
  say(
    `| enrolment batches: every acknowledged row stored once per status, each batch one succeeded run | ${im.batches} batches, ${n(im.enrolments)} enrolments with ${n(im.versions)} acknowledged versions; lost ${im.lost}, doubled ${im.doubled}, wrong ${im.wrongValue}; batches without exactly one run ${im.runsNotOnce}; ${im.replays} batches sent again were replayed and changed nothing |`,
  );
  const nt = rc.notifications;
  say(
    `| every change notice for the partner received (counted by event, not by POST) | ${n(nt.received)} of ${n(nt.expected)} events; missing ${nt.missing}, not meant for it ${nt.unexpected}, out of order ${nt.outOfOrder}; duplicates ${nt.duplicates} (reported, allowed: at least once); ${n(nt.deliveries)} delivered POSTs (${Object.values(
      nt.byWorker,
    )
      .map(n)
      .join(' + ')} by the ${Object.keys(nt.byWorker).length} workers that delivered) |`,
  );
  say(`| every acknowledged write of a registered person made its notice | ${nt.writesWithoutEvent ? `**${nt.writesWithoutEvent} without**` : 'yes'} |`);
  say(
    `| the relay at the end | ${nt.pending} pending, ${nt.deadLetters} dead letters, ${nt.failedAttempts} failed attempts; caught up ${nt.drainSeconds} s after the load |`,
  );
  const a = rc.audit;
  say(
    `| audit trail | chain ${a.intact ? 'intact' : '**BROKEN**'} (\`kbi audit verify\`, ${n(a.rows)} records); ${n(a.consultsChecked - a.consultsNotOnce)} of ${n(a.consultsChecked)} acknowledged consults with exactly one record; ${n(a.writesChecked - a.writesWithout)} of ${n(a.writesChecked)} acknowledged writes with theirs |`,
  );
  say(
    `| statistics as known at the start of the load | ${rc.reports.runs} runs of ${rc.reports.keys} base sets: ${rc.reports.unstable ? `**${rc.reports.unstable} gave different figures**` : 'the same figures every time'} |`,
  );
  const logs = r.logs;
  say(
    `| the processes' logs (warnings and errors) | ${logs.length ? logs.map((l) => `${l.count} × ${l.level} \`${l.msg}\` in ${l.process}${l.explained ? ` (${l.explained})` : ' **unexplained**'}`).join('; ') : 'none'} |`,
  );
  say(`| the processes | ${r.processes.map((p) => `${p.name}: ${p.exit === 'code 0' ? 'ran to the end, stopped cleanly' : `**${p.exit}**`}`).join('; ')} |`);
  say('');
  if (!r.ok) {
    say('Problems:');
    say('');
    for (const p of r.problems.slice(0, 50)) say(`- ${p}`);
    if (r.problems.length > 50) say(`- … and ${r.problems.length - 50} more`);
    say('');
  }
}

async function main() {
  const { values: a } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      'api-processes': { type: 'string' },
      workers: { type: 'string' },
      rate: { type: 'string' },
      concurrency: { type: 'string' },
      persons: { type: 'string' },
      interval: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const num = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) throw new Error(`--${name}: a positive number`);
    return x;
  };
  const minutes = num(a.minutes, 'minutes')!;
  const lines: string[] = [];
  const say = (s: string) => {
    console.log(s);
    lines.push(s);
  };
  const result = await soakSection(
    {
      serverUrl: process.env.KBI_BENCH_DATABASE_URL ?? process.env.KBI_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      minutes,
      apiProcesses: num(a['api-processes'], 'api-processes'),
      workers: num(a.workers, 'workers'),
      rate: num(a.rate, 'rate'),
      concurrency: num(a.concurrency, 'concurrency'),
      persons: num(a.persons, 'persons'),
      interval: num(a.interval, 'interval'),
    },
    say,
  );
  const args = process.argv.slice(2).filter((x) => x !== '--no-write');
  lines.splice(
    2,
    0,
    `Measured by \`npm run soak${args.length ? ` -- ${args.join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}.`,
    '',
  );
  if (!a['no-write']) {
    writeSection(SOAK_HEADING, lines);
    console.log('\nsoak section written to BENCHMARKS.md');
  }
  if (!result.ok) {
    console.error(`\nthe soak is NOT clean: ${result.problems.length} problem(s)`);
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
