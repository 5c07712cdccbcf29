/**
 * `npm run bench`: measures what the issues ask for and writes BENCHMARKS.md with the machine and
 * the date. Every figure in that file comes from this script; none is typed by hand.
 *
 *   KBI_BENCH_DATABASE_URL  PostgreSQL server to create scratch databases on (default: the local test server)
 *   KBI_BENCH_PERSONS       persons for the PostgreSQL runs (default 100000)
 *   KBI_BENCH_PGLITE_PERSONS persons for the PGlite seed run (default 5000)
 */
import { cpus, freemem, totalmem, release } from 'node:os';
import pg from 'pg';
import { openDatabase, type Database } from '../server/platform/db.ts';
import { scratchDatabase } from '../tests/support/databases.ts';
import { addAccountAsOperator } from '../server/modules/access/access.service.ts';
import { migrateToLatest } from '../server/platform/migrate.ts';
import { generateDemoData } from '../server/modules/demo/generator.ts';
import { buildApp } from '../server/app.ts';
import { dossierDocument, dossierSelect } from '../server/modules/dossier/dossier.service.ts';
import { DOSSIER_RESOURCES } from '../server/modules/dossier/clusters.ts';
import { loadConfig } from '../server/platform/config.ts';
import { bundleSizes, dossierTimeToInteractive, reportWeb } from './web.ts';
import { SERVER_WORKERS, consultThroughput, pgbenchSelectOnly, type ConsultLoad } from './consult.ts';

const hadErrors = (l: ConsultLoad) => l.errors.connect + l.errors.read + l.errors.write + l.errors.timeout + l.errors.non2xx > 0;
/** The errors of a run, by kind: "0", or e.g. "12 × 401, 3 timeouts". */
function errorsByKind(l: ConsultLoad): string {
  const parts = [
    ...Object.entries(l.errors.statuses)
      .filter(([s]) => !s.startsWith('2'))
      .map(([s, n]) => `${n} × ${s}`),
    ...(l.errors.non2xx && !Object.keys(l.errors.statuses).length ? [`${l.errors.non2xx} not 2xx`] : []),
    ...(['connect', 'read', 'write', 'timeout'] as const).filter((k) => l.errors[k] > 0).map((k) => `${l.errors[k]} ${k} error${l.errors[k] === 1 ? '' : 's'}`),
  ];
  const logged = Object.entries(l.serverLog ?? {}).map(([kind, n]) => `${n} × ${kind}`);
  return parts.length
    ? `**${parts.join(', ')}** (of ${l.requests.toLocaleString('en')} answers)${logged.length ? `; the server logged: ${logged.join('; ').replace(/\|/g, '/')}` : ''}`
    : '0';
}
import { benchImports } from './imports.ts';
import { benchStatistics, reportStatistics } from './statistics.ts';
import { benchRules, reportRules } from './rules.ts';
import { benchNotifications, reportNotifications } from './notifications.ts';
import { browserSkipReason } from '../tests/support/browser.ts';
import { sectionOf, writeAll, writeSection } from './benchmarks-file.ts';
import { SOAK_HEADING, soakSection } from './soak.ts';

const serverUrl = process.env.KBI_BENCH_DATABASE_URL ?? process.env.KBI_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_PERSONS = Number(process.env.KBI_BENCH_PERSONS ?? 100_000);
const PGLITE_PERSONS = Number(process.env.KBI_BENCH_PGLITE_PERSONS ?? 5_000);

const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function seedOn(label: string, db: Database, persons: number) {
  const summary = await generateDemoData(db, { persons, seed: 1 });
  const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
  say(
    `| ${label} | ${persons.toLocaleString('en')} | ${summary.seconds.toFixed(1)} s | **${Math.round(persons / summary.seconds).toLocaleString('en')}** | ${Math.round(rows / summary.seconds).toLocaleString('en')} | ${(rows / persons).toFixed(0)} |`,
  );
  return summary;
}

async function main() {
  const started = new Date();
  const pgVersion = await (async () => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    const v = (await c.query('SHOW server_version')).rows[0].server_version;
    await c.end();
    return v as string;
  })();
  say('# Benchmarks');
  say('');
  say(`Written by \`npm run bench\` (bench/run.ts) on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.`);
  say(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), Linux ${release()}, Node ${process.version}, PostgreSQL ${pgVersion} (stock settings, TCP 127.0.0.1), PGlite 0.5.`,
  );
  say('Load generator, Node and PostgreSQL share the same cores: compare ratios within one run, not absolute numbers across machines.');
  say('');

  // Built first: the dossier page is timed on the server below, which serves this build.
  const web = bundleSizes();

  say('## Seeding: synthetic persons with their whole life-cycle');
  say('');
  say('| database | persons | time | persons/s | rows/s | rows per person |');
  say('|---|---|---|---|---|---|');
  const lite = await openDatabase({ url: null });
  await migrateToLatest(lite.db);
  await seedOn('PGlite (in-process)', lite, PGLITE_PERSONS);
  await lite.close();
  const scratch = await scratchDatabase(serverUrl, 'kbi_bench', 8);
  const pgSummary = await seedOn('PostgreSQL', scratch, PG_PERSONS);
  say('');
  say(
    `Goal: ${PG_PERSONS.toLocaleString('en')} persons on PostgreSQL in under 2 minutes — ${pgSummary.seconds < 120 ? 'met' : 'NOT met'} (${pgSummary.seconds.toFixed(1)} s).`,
  );
  say('');

  // Dossier reads through the real HTTP API, one request in flight, random persons.
  // Settle the bulk load first (statistics, and a checkpoint so that its WAL is not flushed
  // during the timed reads, which each commit an audit record).
  await scratch.exec('VACUUM ANALYZE');
  await scratch.exec('CHECKPOINT');
  const config = loadConfig({
    KBI_LOG_LEVEL: 'silent',
    KBI_DEMO_PERSONS: '0',
    PORT: '0',
    KBI_RATE_LIMIT_PER_MINUTE: '10000000',
    KBI_USER_RATE_LIMIT_PER_MINUTE: '10000000',
  });
  // The same read without session, permission, territory or audit: the dossier statement's read part
  // alone (no production code path reads a dossier unaudited), served by the same app (same plugins,
  // headers, rate limit, logging) on a public route of the bench's own outside /api/v1.
  const statement = { name: 'bench_bare_dossier', text: `${dossierSelect(DOSSIER_RESOURCES, false)} WHERE $2::timestamptz IS NULL` };
  const app = await buildApp({
    config,
    database: scratch,
    extraRoutes: (http, database) =>
      http.get('/bench/bare/:id', { config: { access: 'public' } }, async (req) => {
        const [row] = await database.prepared(statement.name, statement.text, [(req.params as { id: string }).id, null]);
        return dossierDocument(row!, DOSSIER_RESOURCES, null, []);
      }),
  });
  await app.http.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.http.server.address() as { port: number }).port;
  const ids = (await scratch.db.selectFrom('persons').select('id').execute()).map((r) => r.id as string);
  // Read as a logged-in administrator, as the web app does (session cookie).
  await addAccountAsOperator(scratch.db, { username: 'bench.admin', displayName: 'Bench', role: 'ADMINISTRATOR', password: 'Bench-admin-passw0rd' });
  const login = await fetch(`http://127.0.0.1:${port}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench.admin', password: 'Bench-admin-passw0rd' }),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
  const N = 3000;
  const timeIt = async (fn: () => Promise<unknown>) => {
    for (let i = 0; i < 200; i++) await fn();
    const out: number[] = [];
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await fn();
      out.push(performance.now() - t);
    }
    return out.sort((a, b) => a - b);
  };
  // The two variants alternate request by request, so that both see the same machine state.
  const readApi = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/persons/${pick()}/dossier`, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`dossier read ${res.status}`);
    await res.arrayBuffer();
  };
  const readBare = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/bench/bare/${pick()}`);
    if (res.status !== 200) throw new Error(`bare read ${res.status}`);
    await res.arrayBuffer();
  };
  const apiTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let i = 0; i < 200; i++) {
    await readApi();
    await readBare();
  }
  for (let i = 0; i < N; i++) {
    for (const [fn, out] of (i % 2
      ? [
          [readApi, apiTimes],
          [readBare, bareTimes],
        ]
      : [
          [readBare, bareTimes],
          [readApi, apiTimes],
        ]) as [() => Promise<void>, number[]][]) {
      const t = performance.now();
      await fn();
      out.push(performance.now() - t);
    }
  }
  apiTimes.sort((a, b) => a - b);
  bareTimes.sort((a, b) => a - b);
  const rawPool = new pg.Pool({ connectionString: scratch.url, max: 1 });
  const pkTimes = await timeIt(() => rawPool.query({ name: 'pk', text: 'SELECT * FROM persons WHERE id = $1', values: [pick()] }));
  await rawPool.end();
  const sizes: number[] = [];
  for (let i = 0; i < 200; i++)
    sizes.push((await (await fetch(`http://127.0.0.1:${port}/api/v1/persons/${pick()}/dossier`, { headers: { cookie } })).arrayBuffer()).byteLength);
  // The web app on the same server: the dossier page in a real browser.
  const tti = browserSkipReason()
    ? null
    : await dossierTimeToInteractive(`http://127.0.0.1:${port}`, 'bench.admin', 'Bench-admin-passw0rd', Array.from({ length: 20 }, pick));
  await app.close();

  say(`## Full dossier read at ${PG_PERSONS.toLocaleString('en')} persons (PostgreSQL)`);
  say('');
  say(
    `\`GET /api/v1/persons/{id}/dossier\` over HTTP, one request in flight, ${N} random persons after 200 warm-up reads; as a logged-in administrator (session lookup, permission and territory check), every read also writing its hash-chained audit record. Average answer ${(sizes.reduce((a, b) => a + b, 0) / sizes.length / 1024).toFixed(1)} KiB (all 35 tables).`,
  );
  say('');
  say('| what | p50 | p99 | max |');
  say('|---|---|---|---|');
  say(`| full dossier via the API (audited) | ${ms(pct(apiTimes, 50))} | **${ms(pct(apiTimes, 99))}** | ${ms(apiTimes[apiTimes.length - 1]!)} |`);
  say(
    `| the same read without session, permission, territory or audit | ${ms(pct(bareTimes, 50))} | ${ms(pct(bareTimes, 99))} | ${ms(bareTimes[bareTimes.length - 1]!)} |`,
  );
  say(
    `| raw PostgreSQL primary-key lookup of one person (pg, prepared) | ${ms(pct(pkTimes, 50))} | ${ms(pct(pkTimes, 99))} | ${ms(pkTimes[pkTimes.length - 1]!)} |`,
  );
  say('');
  const overhead = pct(apiTimes, 50) / pct(bareTimes, 50);
  say(
    `Overhead of authentication, authorisation and audit on a dossier read: ${overhead.toFixed(2)}× at p50, ${(pct(apiTimes, 99) / pct(bareTimes, 99)).toFixed(2)}× at p99 (goal ≤ 1.3× — ${overhead <= 1.3 ? 'met' : 'NOT met'}).`,
  );
  say('');
  say(
    `Ratio full dossier / raw PK lookup: p50 ${(pct(apiTimes, 50) / pct(pkTimes, 50)).toFixed(1)}×, p99 ${(pct(apiTimes, 99) / pct(pkTimes, 99)).toFixed(1)}×. Goal p99 < 10 ms — ${pct(apiTimes, 99) < 10 ? 'met' : 'NOT met'}.`,
  );
  say('');
  reportWeb(say, web, tti, PG_PERSONS);

  // Partner consults under load: a real `kbi serve`, 64 partners on 64 connections, REST and SOAP, against pgbench -S.
  await measureConsults(scratch, say);

  // Course-feed import against PostgreSQL's own COPY of the same rows, same table, same run.
  const imp = await benchImports(scratch, { rows: 500_000, lessons: 50 });
  say('## Course-feed import (PostgreSQL)');
  say('');
  say(
    `A participation batch of ${imp.rows.toLocaleString('en')} rows (${imp.persons.toLocaleString('en')} persons × ${imp.lessons} lessons, ${(imp.fileBytes / 2 ** 20).toFixed(1)} MiB of CSV with natural keys) streamed through the import service — parsed, checked, resolved and upserted in one all-or-nothing transaction — beside \`COPY participations FROM STDIN\` (psql) of the same number of rows, already resolved to ids, into the same table with all its indexes, foreign keys and history triggers.`,
  );
  say('');
  say('| what | rows/s | time |');
  say('|---|---|---|');
  say(`| import (\`importBatch\`, CSV) | **${Math.round(imp.importRowsPerSecond).toLocaleString('en')}** | ${imp.importSeconds.toFixed(1)} s |`);
  say(`| PostgreSQL \`COPY\` | ${Math.round(imp.copyRowsPerSecond).toLocaleString('en')} | ${imp.copySeconds.toFixed(1)} s |`);
  say('');
  say(`Import / COPY: ${(imp.ratio * 100).toFixed(0)} % (goal ≥ 50 % — ${imp.ratio >= 0.5 ? 'met' : 'NOT met'}).`);
  say('');
  await scratch.close();

  reportStatistics(await benchStatistics(serverUrl), say);
  reportRules(await benchRules(serverUrl), say);
  reportNotifications(await benchNotifications(serverUrl), say);

  // The soak is not part of the full run (ten minutes of its own, `npm run soak`): its last section stays.
  const soak = sectionOf(SOAK_HEADING);
  writeAll(lines.join('\n') + '\n' + (soak ? `\n${soak}` : ''));
  console.log('\nwritten to BENCHMARKS.md');
}

/**
 * Partner consults under load on a seeded scratch database: REST and MAGDA SOAP through a real
 * `kbi serve`, beside PostgreSQL's own primary-key rate (pgbench -S) in the same run.
 */
async function measureConsults(scratch: Database & { url: string }, say: (s: string) => void) {
  const { cold: coldRun, current: load, soap, documents } = await consultThroughput(scratch, { partners: 64, connections: 64, seconds: 20 });
  const cold = coldRun!;
  const pgb = await scratchDatabase(serverUrl, 'kbi_pgbench', 1);
  let pgTps: number;
  try {
    pgTps = pgbenchSelectOnly(pgb.url, 64, 20);
  } finally {
    await pgb.close();
  }
  say(`## Partner consult under load (PostgreSQL, ${PG_PERSONS.toLocaleString('en')} persons)`);
  say('');
  say(
    `\`POST /api/exchange/v1/dossiers/consult\` against \`kbi serve\` with ${SERVER_WORKERS} serving process${SERVER_WORKERS === 1 ? '' : 'es'} (\`KBI_WORKERS\`, one per core; pool 8 each), ${load.connections} concurrent connections for ${load.seconds} s after a 3 s warm-up, driven by \`wrk\` (one thread); each request comes from one of ${load.partners} OCMW partner clients with its bearer token and consults a random person of that partner's integration register (2,000 each): every answer checks the authorisation and the register, applies seed 003 §61's proportionality and writes its hash-chained audit record, in one statement with the read of the person's stored dossier document (migration 0016); consults that arrive while one such statement runs go together in the next (group commit, each with its own rule, audit record and answer after commit). Measured twice: cold, with no document stored (as right after a bulk change: each first consult of a person assembles its document from the 35 tables and stores it), and with every document current (\`kbi documents\`, the steady state of persons whose dossier did not change since it was last read). Beside it, PostgreSQL's own select-only primary-key rate with as many clients (\`pgbench -S -M prepared -c 64 -j 2\`, scale 10), same machine, same run.`,
  );
  say('');
  say('| what | per second | p50 | p99 | errors |');
  say('|---|---|---|---|---|');
  say(
    `| audited partner consults, documents current | **${Math.round(load.perSecond).toLocaleString('en')}** | ${load.p50} ms | ${load.p99} ms | ${errorsByKind(load)} |`,
  );
  say(
    `| audited partner consults, cold (documents assembled on the way) | ${Math.round(cold.perSecond).toLocaleString('en')} | ${cold.p50} ms | ${cold.p99} ms | ${errorsByKind(cold)} |`,
  );
  say(
    `| MAGDA \`GeefDossierKBI\` over SOAP, documents current | **${Math.round(soap.perSecond).toLocaleString('en')}** | ${soap.p50} ms | ${soap.p99} ms | ${errorsByKind(soap)} |`,
  );
  say(`| \`pgbench -S\` primary-key lookups | ${Math.round(pgTps).toLocaleString('en')} | — | — | — |`);
  say('');
  say(
    `Where the two cores went during the measured run (documents current): server ${load.cpu.server} %, PostgreSQL ${load.cpu.postgres} %, load generator ${load.cpu.loadGenerator} %, idle ${load.cpu.idle} % (cold: ${cold.cpu.server} / ${cold.cpu.postgres} / ${cold.cpu.loadGenerator} / ${cold.cpu.idle} %).`,
  );
  say('');
  say(
    `Building all ${documents.built.toLocaleString('en')} missing documents at once (\`kbi documents\`): ${documents.seconds.toFixed(1)} s, ${Math.round(documents.built / documents.seconds).toLocaleString('en')} documents/s.`,
  );
  say('');
  say(
    `Only 200 answers count as consults; every run gets fresh partner tokens (they live 5 minutes), and errors are given by kind (socket errors from wrk; answers that were not 2xx by status, counted in a 5 s extra run when there were any). ${[load, cold, soap].some(hadErrors) ? '**A run had errors: its figures are NO RESULT** (see the errors column).' : 'No run had an error.'}`,
  );
  say('');
  say(
    `The SOAP row asks the same questions as MAGDA \`GeefDossierKBI\` 01.00 envelopes (\`POST /api/magda/soap\`, \`bench/consult-soap.lua\`) right after the REST run, with the same ${soap.partners} partner clients (Afzender/Identificatie their client id, Hoedanigheid 1), the same persons of their registers and the same stored documents: each answer is the REST consult's (same rule, register check and audit record) written as MAGDA's \`Repliek\`. wrk reads every answer: only a 200 that carries a \`KBIDossier\` and no \`Uitzondering\` counts; an \`Uitzondering\` (by its code), a SOAP fault or another status is an error of its kind. Where the two cores went: server ${soap.cpu.server} %, PostgreSQL ${soap.cpu.postgres} %, load generator ${soap.cpu.loadGenerator} %, idle ${soap.cpu.idle} %.`,
  );
  say('');
  const soapRatio = soap.perSecond / load.perSecond;
  say(
    `Ratio SOAP / REST consults: **${(soapRatio * 100).toFixed(0)} %** (goal ≥ 50 % — ${hadErrors(soap) || hadErrors(load) ? 'NO RESULT (errors)' : soapRatio >= 0.5 ? 'met' : 'NOT met'}).`,
  );
  say('');
  say(
    `Ratio consults / pgbench -S: ${((load.perSecond / pgTps) * 100).toFixed(1)} % (cold: ${((cold.perSecond / pgTps) * 100).toFixed(1)} %). Goal ≥ 2,000 consults/s with p99 < 50 ms — ${hadErrors(load) ? 'NO RESULT (errors)' : load.perSecond >= 2000 && load.p99 < 50 ? 'met' : 'NOT met'}.`,
  );
  say('');
}

/** The sections that run alone: the heading each writes, and how to measure it. */
const SECTIONS: Record<string, { heading: string; run(say: (s: string) => void): Promise<void> }> = {
  statistics: { heading: '## Statistics at ', run: async (say) => reportStatistics(await benchStatistics(serverUrl), say) },
  rules: { heading: '## Rules of the decree at ', run: async (say) => reportRules(await benchRules(serverUrl), say) },
  consult: {
    heading: '## Partner consult under load ',
    async run(say) {
      // Its own seeded scratch database (KBI_BENCH_PERSONS persons), as the full run's.
      const scratch = await scratchDatabase(serverUrl, 'kbi_bench', 8);
      try {
        await generateDemoData(scratch, { persons: PG_PERSONS, seed: 1 });
        await scratch.exec('VACUUM ANALYZE');
        await scratch.exec('CHECKPOINT');
        await measureConsults(scratch, say);
      } finally {
        await scratch.close();
      }
    },
  },
  notifications: { heading: '## Change notifications at load', run: async (say) => reportNotifications(await benchNotifications(serverUrl), say) },
  // KBI_BENCH_SOAK_MINUTES (default 10); `npm run soak -- --minutes N` takes every option of its own.
  soak: {
    heading: SOAK_HEADING,
    async run(say) {
      const { ok } = await soakSection({ serverUrl, minutes: Number(process.env.KBI_BENCH_SOAK_MINUTES ?? 10) }, say);
      if (!ok) process.exitCode = 1;
    },
  },
};

/**
 * `npm run bench -- --only statistics|rules|consult|notifications|soak`: one section alone (the statistics take a while at
 * their full size), written into BENCHMARKS.md in place of the earlier one, with its own date and
 * machine line.
 */
async function sectionOnly(name: string) {
  const section: string[] = [];
  const add = (s: string) => {
    console.log(s);
    section.push(s);
  };
  await SECTIONS[name]!.run(add);
  section.splice(
    2,
    0,
    `Measured by \`npm run bench -- --only ${name}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}.`,
    '',
  );
  writeSection(SECTIONS[name]!.heading, section);
  console.log(`\n${name} section written to BENCHMARKS.md`);
}

const only = process.argv.indexOf('--only') >= 0 ? (process.argv[process.argv.indexOf('--only') + 1] ?? '') : null;
if (only !== null && !SECTIONS[only]) {
  console.error(`--only: one of ${Object.keys(SECTIONS).join(', ')}`);
  process.exit(2);
}
(only !== null ? sectionOnly(only) : main()).catch((e) => {
  console.error(e);
  process.exit(1);
});
