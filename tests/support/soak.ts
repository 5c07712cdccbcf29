/**
 * The soak (issue 17): KBI as it runs in production — several `kbi serve` processes and several
 * `kbi worker` processes against one PostgreSQL, a partner's webhook receiver in a process of its
 * own — under a mixed load driven from this process over loopback, and afterwards a reconciliation
 * of everything the load was told had happened.
 *
 * Used by `npm run soak` (bench/soak.ts, minutes, BENCHMARKS.md) and by the several-processes test
 * (tests/api/several-processes.test.ts, half a minute in CI): one engine, two lengths.
 *
 * The load, round robin over the API processes, at a steady rate (`rate` operations a second, at
 * most `concurrency` in flight), in a fixed mix:
 * - consult: an OCMW partner consults the dossier of a person in its integration register (REST);
 * - read: the demo caseworker reads a dossier of its territory;
 * - create: the caseworker notes a conversation (POST with an Idempotency-Key; one in five is sent
 *   again as a client retrying after the answer, and one in five twice at once through two API
 *   processes, a retry racing its original: either way one record, the other answer its replay);
 * - edit: the caseworker changes a conversation's text with If-Match (a few records are hot, so two
 *   edits of one version race: the loser's 412 is an expected outcome, counted, then reloaded);
 * - person: the caseworker changes a person's street with If-Match (the same, on `persons`);
 * - import: an adult-education centre sends a small enrolment batch (new enrolments, status changes
 *   of earlier ones; one in six is an earlier batch sent again, which must be `replayed`);
 * - report: the monitoring analyst computes a statistics base set as known at the start of the run
 *   (the same cut-off must give the same figures however much is written meanwhile).
 * The persons the caseworker edits and the centre enrols are in the OCMW's register, so their
 * changes are change notices for it, pushed by the workers to its webhook.
 *
 * Every acknowledged write is kept (record, version, value; batch, enrolment, status; request id),
 * and the reconciliation proves: every acknowledged version is stored once with its value and no
 * version was written that nobody acknowledged (no lost or doubled writes, across processes); every
 * event the outbox holds for the partner reached its receiver (counted by event, whatever the number
 * of POSTs), in order, duplicates counted; every acknowledged write of a person in the register made
 * an event; the relay holds nothing pending, failing or dead; each acknowledged consult has exactly
 * one audit record and each write at least one; the audit chain verifies; the reports were stable;
 * the processes' logs hold no error and no warning that is not explained; no process died.
 *
 * The receiver is the shipped one (tests/support/webhook-receiver.ts, through startReceiver in
 * tests/support/notifications.ts), and the soak reads from it only what every delivery format has:
 * `received()` as one entry per event (eventId, seq, at, receivedAt) and `rejected()`. So it counts
 * events whether a POST carries one event or several; a notification_attempts row is counted as one
 * POST ("deliveries"), with only its `delivered` and `worker` columns read.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { scratchDatabase } from './databases.ts';
import { startReceiver, type Receiver } from './notifications.ts';
import { generateDemoData } from '../../server/modules/demo/generator.ts';
import { demoPassword, demoUsername, ensureDemoAccounts } from '../../server/modules/access/access.demo.ts';
import { registerClient } from '../../server/modules/partners/partners.service.ts';
import { verifyAuditChain } from '../../server/modules/audit/audit.verify.ts';
import { inTransaction } from '../../server/platform/db.ts';
import { OPERATOR } from '../../server/platform/access.ts';
import { purge } from '../../server/modules/retention/retention.service.ts';
import { belgianToday } from '../../server/modules/integrations/integrations.service.ts';

export const OPERATIONS = ['consult', 'read', 'create', 'edit', 'person', 'import', 'report', 'token'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What the operations are for, in words (the report's legend). */
export const OPERATION_TEXT: Record<Operation, string> = {
  consult: 'partner consult (POST /api/exchange/v1/dossiers/consult)',
  read: 'caseworker reads a dossier',
  create: 'caseworker notes a conversation (POST, Idempotency-Key)',
  edit: 'caseworker changes a conversation (PATCH, If-Match)',
  person: "caseworker changes a person's street (PATCH, If-Match)",
  import: 'centre sends an enrolment batch (5 rows)',
  report: 'analyst computes a statistics base set',
  token: "partner's client-credentials token (every 4 minutes)",
};

/** The mix: relative weights of the driven operations (tokens come when due). */
export const DEFAULT_MIX: Record<Exclude<Operation, 'token'>, number> = {
  consult: 40,
  read: 10,
  create: 8,
  edit: 24,
  person: 6,
  import: 6,
  report: 2,
};

export interface SoakOptions {
  /** PostgreSQL server to make the scratch database on. */
  serverUrl: string;
  /** How long the load runs. */
  seconds: number;
  apiProcesses?: number;
  workers?: number;
  /** Operations started per second, all kinds together. */
  rate?: number;
  /** At most this many requests in flight; the schedule waits for a free slot (and says how late it ran). */
  concurrency?: number;
  /** Demo persons seeded. */
  persons?: number;
  /** Persons in the partner's integration register (the caseworker's hot persons among them). */
  integrated?: number;
  mix?: Partial<Record<Exclude<Operation, 'token'>, number>>;
  /** Width of the time series' intervals. */
  intervalSeconds?: number;
  /** Progress lines (setup steps, one line per interval). */
  progress?: (line: string) => void;
  /** Pool size of each serving process and each worker. */
  pool?: number;
}

export interface Sample {
  op: Operation;
  /** ms since the load started, when the operation started */
  at: number;
  ms: number;
  /** ok | conflict (an expected 412) | replayed (an expected replay) | an error's kind */
  outcome: string;
  api: number;
}

export interface IntervalRow {
  from: number;
  to: number;
  requests: number;
  errors: number;
  /** The errors by kind (operation and what went wrong). */
  errorKinds: Record<string, number>;
  conflicts: number;
  replays: number;
  byOp: Partial<Record<Operation, { n: number; errors: number; p50: number; p99: number }>>;
  /** Change notices that first reached the receiver in this interval, and commit-to-receipt lag. */
  notices: { n: number; p50: number; p99: number };
}

export interface OperationSummary {
  op: Operation;
  n: number;
  ok: number;
  conflicts: number;
  replays: number;
  errors: Record<string, number>;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LogFinding {
  process: string;
  level: string;
  msg: string;
  count: number;
  explained: string | null;
  example: string;
}

export interface SoakResult {
  options: Required<Omit<SoakOptions, 'progress' | 'mix'>> & { mix: Record<string, number> };
  setup: { persons: number; integrated: number; hotPersons: number; seconds: number; conversations: number };
  load: { seconds: number; started: number; perSecond: number; maxLagMs: number; lateStarts: number; perApiProcess: number[] };
  intervals: IntervalRow[];
  operations: OperationSummary[];
  reconciliation: Reconciliation;
  logs: LogFinding[];
  processes: { name: string; pid: number; exit: string }[];
  /** Every failed check and every unexplained error, as a sentence; empty = a clean run. */
  problems: string[];
  ok: boolean;
}

export interface Reconciliation {
  writes: {
    records: number;
    acknowledged: number;
    stored: number;
    lost: number;
    doubled: number;
    wrongValue: number;
    unacknowledged: number;
    uncertain: number;
    conflicts: number;
  };
  creates: { acknowledged: number; retried: number; rows: number; doubled: number };
  imports: {
    batches: number;
    replays: number;
    enrolments: number;
    versions: number;
    lost: number;
    doubled: number;
    wrongValue: number;
    runsNotOnce: number;
  };
  notifications: {
    expected: number;
    received: number;
    deliveries: number;
    duplicates: number;
    missing: number;
    unexpected: number;
    outOfOrder: number;
    writesWithoutEvent: number;
    failedAttempts: number;
    deadLetters: number;
    pending: number;
    drainSeconds: number;
    byWorker: Record<string, number>;
  };
  audit: { intact: boolean; rows: number; problems: string[]; consultsChecked: number; consultsNotOnce: number; writesChecked: number; writesWithout: number };
  reports: { runs: number; keys: number; unstable: number };
}

/** Warnings a healthy run may log, with why. Anything else at warn or above is unexplained. */
const EXPLAINED: { process: RegExp; msg: RegExp; why: string }[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);
const round = (n: number) => Math.round(n * 10) / 10;
const KBI = fileURLToPath(new URL('../../bin/kbi.js', import.meta.url));

interface Child {
  name: string;
  child: ChildProcess;
  log: string;
  out: WriteStream;
  exited: Promise<void>;
  stopping: boolean;
  exit: string | null;
}

/** Starts `kbi <command>` with its output in a log file; resolves once `ready` matches its stdout. */
async function startKbi(
  children: Child[],
  name: string,
  dir: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<Child & { match: RegExpExecArray }> {
  const log = join(dir, `${name}.log`);
  const out = createWriteStream(log);
  const child = spawn(process.execPath, [KBI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const c: Child = { name, child, log, out, stopping: false, exit: null, exited: Promise.resolve() };
  c.exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      c.exit = signal ? `signal ${signal}` : `code ${code}`;
      out.end(() => resolve());
    }),
  );
  children.push(c);
  let seen = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 180 s: ${seen.slice(-2000)}`)), 180_000);
    const onData = (chunk: Buffer) => {
      out.write(chunk);
      if (seen.length < 100_000) seen += chunk.toString();
      const m = ready.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      out.write(chunk);
      if (seen.length < 100_000) seen += chunk.toString();
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`${name} exited at start: ${seen.slice(-2000)}`));
    });
  });
  return Object.assign(c, { match });
}

async function stopKbi(c: Child): Promise<void> {
  if (c.exit !== null) return;
  c.stopping = true;
  c.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([c.exited.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 30_000)))]);
  clearTimeout(timer);
  if (!done) {
    c.child.kill('SIGKILL');
    await c.exited;
    c.exit = `killed after SIGTERM was not obeyed in 30 s (${c.exit})`;
  }
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

class Failure extends Error {
  constructor(readonly kind: string) {
    super(kind);
  }
}

/** One HTTP call; a network error or a timeout is a Failure of that kind. */
async function http(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; type?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] = opts.type ?? 'text/plain';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(base + path, { method, headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
  } catch (e) {
    const name = (e as Error).name;
    throw new Failure(
      name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : `network (${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message})`,
    );
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    throw new Failure('answer cut off');
  }
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

const statusError = (what: string, a: Answer) => new Failure(`${what}: HTTP ${a.status}${a.body?.code ? ` ${a.body.code}` : ''}`);

/** A staff member's session: cookie and CSRF token, valid on every serving process (sessions live in the database). */
async function logIn(base: string, username: string, password: string): Promise<Record<string, string>> {
  const a = await http(base, 'POST', '/api/v1/session', { body: { username, password } });
  if (a.status !== 200) throw new Error(`log-in of ${username} failed: ${a.status} ${JSON.stringify(a.body)}`);
  const cookie = a.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, 'x-csrf-token': a.body.csrfToken as string };
}

interface VersionedRecord {
  table: 'conversations' | 'persons';
  id: string;
  personId: string;
  field: 'text' | 'street';
  /** The version this process last saw acknowledged or read (the If-Match it sends). */
  known: number;
  /** The version the record had before the soak touched it (0 for one the soak created). */
  base: number;
  /** Acknowledged versions and the value each wrote. */
  acked: Map<number, string>;
  /** Writes sent whose answer never came (their outcome is unknown). */
  uncertain: number;
}

/** A conversation just created with `text`: its first version acknowledged. */
const newConversation = (id: string, personId: string, text: string): VersionedRecord => ({
  table: 'conversations',
  id,
  personId,
  field: 'text',
  known: 1,
  base: 0,
  acked: new Map([[1, text]]),
  uncertain: 0,
});

interface Enrolment {
  number: string;
  insz: string;
  personId: string;
  statuses: string[];
  busy: boolean;
  uncertain: boolean;
}

const ENROLMENT_STATUSES = ['INGESCHREVEN', 'LOPEND', 'BEEINDIGD', 'UITGESCHREVEN'];
const REPORT_SETS = ['reach', 'firstContracts', 'certificates', 'invitations'];

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const opts = {
    serverUrl: options.serverUrl,
    seconds: options.seconds,
    apiProcesses: options.apiProcesses ?? 2,
    workers: options.workers ?? 2,
    rate: options.rate ?? 30,
    concurrency: options.concurrency ?? 12,
    persons: options.persons ?? 3000,
    integrated: options.integrated ?? 400,
    intervalSeconds: options.intervalSeconds ?? 10,
    pool: options.pool ?? 5,
    mix: { ...DEFAULT_MIX, ...options.mix },
  };
  const setupStarted = performance.now();
  const progress = options.progress ?? (() => undefined);
  const say = (line: string) => progress(`[${((performance.now() - setupStarted) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const problems: string[] = [];
  const tag = Date.now().toString(36);
  const dir = mkdtempSync(join(tmpdir(), 'kbi-soak-'));
  say(`scratch database on ${new URL(opts.serverUrl).host}, ${opts.persons} demo persons…`);
  const database = await scratchDatabase(opts.serverUrl, 'kbi_soak', 4);
  const children: Child[] = [];
  let receiver: Receiver | null = null;
  try {
    const db = database.db;
    // The processes.
    const common = {
      KBI_DATABASE_URL: database.url,
      NODE_ENV: 'production',
      KBI_DEMO_PERSONS: '0',
      KBI_DISCIMUS_URL: '',
      KBI_DB_POOL: String(opts.pool),
      KBI_LOG_LEVEL: 'warn',
    };
    // The serving processes start while the database is seeded (they need only its schema).
    say(`starting ${opts.apiProcesses} API process(es) while seeding…`);
    const apisStarting = Promise.all(
      Array.from({ length: opts.apiProcesses }, (_, i) =>
        startKbi(
          children,
          `api-${i + 1}`,
          dir,
          ['serve'],
          {
            ...common,
            PORT: '0',
            KBI_WORKERS: '1',
            KBI_WORKER: 'false',
            KBI_SERVE_WEB: 'false',
            KBI_RATE_LIMIT_PER_MINUTE: '0',
            KBI_USER_RATE_LIMIT_PER_MINUTE: '0',
            KBI_PARTNER_RATE_LIMIT_PER_MINUTE: '0',
          },
          /running at (http:\/\/\S+)/,
        ),
      ),
    );

    // Until they are up, failing to start is not yet anyone's error.
    apisStarting.catch(() => undefined);
    await generateDemoData(database, { persons: opts.persons, seed: 1 });
    await ensureDemoAccounts(database);

    // The partners: an OCMW of its own (register, webhook, consults) and a demo adult-education centre (imports).
    const ocmwId = await inTransaction(db, 'soak:setup', async (tx) => {
      const r = await sql<{ id: string }>`INSERT INTO organisations (kind, name) VALUES ('OCMW', 'OCMW Soak') RETURNING id`.execute(tx);
      return r.rows[0]!.id;
    });
    const cvo = await db
      .selectFrom('organisations')
      .select(['id'])
      .where('kind', '=', 'CVO')
      .where('enterprise_number', 'is not', null)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const ocmwClient = await registerClient(database, { actor: OPERATOR, requestId: 'soak' }, { organisationId: ocmwId, clientId: `soak-ocmw-${tag}` });
    const cvoClient = await registerClient(database, { actor: OPERATOR, requestId: 'soak' }, { organisationId: cvo.id as string, clientId: `soak-cvo-${tag}` });
    const course = { trainingCode: `SOAK-${tag}`.toUpperCase(), start: '2026-09-01', id: '' };
    course.id = await inTransaction(db, 'soak:setup', async (tx) => {
      const r = await sql<{ id: string }>`INSERT INTO courses (provider_id, course_type, name, training_code, start_date)
        VALUES (${cvo.id}, 'NT2', 'NT2 soak', ${course.trainingCode}, ${course.start}) RETURNING id`.execute(tx);
      return r.rows[0]!.id;
    });

    // Persons the workers' daily retention purge removes or anonymises today (the demo's oldest
    // dossiers) stay out of the soak's writes: what the purge does to them is no write of the load's.
    const dueForPurge = (await purge(db, { today: belgianToday(), dryRun: true })).persons.map((p) => p.personId);
    // The caseworker's hot persons: its territory (dossiers its offices manage), all in the OCMW's register.
    const caseworker = await db
      .selectFrom('users')
      .select(['office_ids', 'organisation_id'])
      .where('username', '=', demoUsername('AGENCY_CASEWORKER'))
      .executeTakeFirstOrThrow();
    const hot = (
      await sql<{ id: string; insz: string }>`SELECT p.id, p.insz FROM persons p JOIN dossiers d ON d.person_id = p.id
        WHERE d.managing_office_id = ANY(${caseworker.office_ids}::uuid[]) AND p.id <> ALL(${dueForPurge}::uuid[]) ORDER BY md5(p.id::text) LIMIT 40`.execute(
        db,
      )
    ).rows;
    if (hot.length < 10) throw new Error(`the demo caseworker has only ${hot.length} persons in its territory: seed more persons`);
    const others = (
      await sql<{ id: string; insz: string }>`SELECT id, insz FROM persons WHERE id <> ALL(${[...hot.map((h) => h.id), ...dueForPurge]}::uuid[])
        ORDER BY md5(id::text || 'soak') LIMIT ${Math.max(0, opts.integrated - hot.length)}`.execute(db)
    ).rows;
    const integrated = [...hot, ...others];
    await inTransaction(db, 'soak:setup', (tx) =>
      sql`INSERT INTO integrations (organisation_id, insz, capacity_code, starts_on)
        SELECT ${ocmwId}::uuid, insz, '1', current_date - 30 FROM unnest(${integrated.map((p) => p.insz)}::text[]) AS u(insz)`.execute(tx),
    );
    const integrationOf = new Map(
      (await db.selectFrom('integrations').select(['id', 'insz']).where('organisation_id', '=', ocmwId).execute()).map((r) => [
        r.insz as string,
        r.id as string,
      ]),
    );
    const personOfInsz = new Map(integrated.map((p) => [p.insz, p.id]));
    await sql`ANALYZE`.execute(db);
    say('seeded; partners, course and register made');

    // The workers once the data is there (the rules' first round of the day then covers everyone).
    // They log at info: their start line says they run (nothing else is logged at info but the rules' rounds).
    say(`starting ${opts.workers} worker(s)…`);
    await Promise.all(
      Array.from({ length: opts.workers }, (_, i) =>
        startKbi(children, `worker-${i + 1}`, dir, ['worker'], { ...common, KBI_LOG_LEVEL: 'info' }, /"msg":"worker_started"/),
      ),
    );
    const bases = (await apisStarting).map((a) => a.match[1]!);
    say('processes up');
    // Staff sessions (made on one process, used on all) and the partners' tokens.
    const admin = await logIn(bases[0]!, demoUsername('ADMINISTRATOR'), demoPassword('ADMINISTRATOR'));
    const worker = await logIn(bases[bases.length - 1]!, demoUsername('AGENCY_CASEWORKER'), demoPassword('AGENCY_CASEWORKER'));
    const analyst = await logIn(bases[0]!, demoUsername('MONITORING_ANALYST'), demoPassword('MONITORING_ANALYST'));

    // The OCMW's webhook, registered as an administrator does; the receiver checks every signature.
    const placeholder = await http(bases[0]!, 'PUT', `/api/v1/notifications/endpoints/${ocmwId}`, {
      body: { url: 'https://placeholder.example/kbi' },
      headers: admin,
    });
    if (placeholder.status !== 201) throw new Error(`webhook registration: ${placeholder.status} ${JSON.stringify(placeholder.body)}`);
    receiver = await startReceiver({ secret: placeholder.body.secret as string });
    const pointed = await http(bases[0]!, 'PUT', `/api/v1/notifications/endpoints/${ocmwId}`, { body: { url: receiver.url }, headers: admin });
    if (pointed.status !== 200) throw new Error(`webhook url: ${pointed.status} ${JSON.stringify(pointed.body)}`);
    const endpoint = await db.selectFrom('notification_endpoints').select(['id', 'cursor_seq']).where('organisation_id', '=', ocmwId).executeTakeFirstOrThrow();
    const fromSeq = Number(endpoint.cursor_seq);

    // ---- The ledger of what was acknowledged.
    const records = new Map<string, VersionedRecord>();
    const conversations: VersionedRecord[] = [];
    const people: VersionedRecord[] = [];
    /** Request ids of acknowledged consults (exactly one audit record each) and writes (at least one). */
    const consultIds: string[] = [];
    const writeIds: string[] = [];
    /** Writes of persons in the register, per person, each its own transaction: each must have made an event. */
    const writesPerPerson = new Map<string, number>();
    const wrote = (personId: string) => writesPerPerson.set(personId, (writesPerPerson.get(personId) ?? 0) + 1);
    let createsAcked = 0;
    let createsRetried = 0;
    const createdIds = new Set<string>();
    let uncertainCreates = 0;

    const rr = { i: 0 };
    const nextApi = () => rr.i++ % bases.length;

    // The hot persons' current versions, and a first conversation each (the initial writes are in the ledger too).
    const eachHot = async (fn: (p: { id: string; insz: string }, i: number) => Promise<void>) => {
      for (let i = 0; i < hot.length; i += 8) await Promise.all(hot.slice(i, i + 8).map((p, j) => fn(p, i + j)));
    };
    await eachHot(async (p) => {
      const a = await http(bases[0]!, 'GET', `/api/v1/persons/${p.id}`, { headers: worker });
      if (a.status !== 200) throw new Error(`caseworker cannot read a person of its territory: ${a.status} ${JSON.stringify(a.body)}`);
      const rec: VersionedRecord = {
        table: 'persons',
        id: p.id,
        personId: p.id,
        field: 'street',
        known: a.body.version,
        base: a.body.version,
        acked: new Map(),
        uncertain: 0,
      };
      records.set(`persons:${p.id}`, rec);
      people.push(rec);
    });
    const heldAt = new Date().toISOString();
    await eachHot(async (p, i) => {
      const text = `soak ${tag} c0-${i}`;
      const a = await http(bases[i % bases.length]!, 'POST', `/api/v1/persons/${p.id}/conversations`, {
        body: { heldAt, text },
        headers: { ...worker, 'idempotency-key': `soak-${tag}-c0-${i}` },
      });
      if (a.status !== 201) throw new Error(`caseworker cannot note a conversation: ${a.status} ${JSON.stringify(a.body)}`);
      const rec = newConversation(a.body.id, p.id, text);
      records.set(`conversations:${rec.id}`, rec);
      conversations.push(rec);
      createdIds.add(rec.id);
      createsAcked++;
      wrote(p.id);
    });
    // Warm: the first conversations' notices reached the receiver through a worker.
    say('waiting for the first change notices to reach the receiver…');
    const warmEnd = Date.now() + 120_000;
    while (new Set(receiver.received().map((e) => e.eventId)).size < hot.length) {
      if (Date.now() > warmEnd) throw new Error(`the first ${hot.length} change notices did not reach the receiver in 120 s`);
      await sleep(250);
    }

    // Partners' tokens, renewed well before their 5 minutes run out.
    const tokens = new Map<string, { value: string; at: number; renewing: Promise<void> | null }>();
    const clientsById: Record<string, string> = { [`soak-ocmw-${tag}`]: ocmwClient.secret, [`soak-cvo-${tag}`]: cvoClient.secret };
    const samples: Sample[] = [];
    let t0 = performance.now();
    const fetchToken = async (clientId: string, api: number) => {
      const started = performance.now();
      let outcome = 'ok';
      try {
        const a = await http(bases[api]!, 'POST', '/api/exchange/v1/oauth/token', {
          body: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientsById[clientId] },
        });
        if (a.status !== 200) throw statusError('token', a);
        tokens.set(clientId, { value: a.body.access_token as string, at: Date.now(), renewing: null });
      } catch (e) {
        outcome = e instanceof Failure ? e.kind : String(e);
        throw e;
      } finally {
        samples.push({ op: 'token', at: started - t0, ms: performance.now() - started, outcome, api });
      }
    };
    const bearer = async (clientId: string): Promise<Record<string, string>> => {
      const t = tokens.get(clientId);
      if (!t) await fetchToken(clientId, nextApi());
      else if (Date.now() - t.at > 240_000) {
        t.renewing ??= fetchToken(clientId, nextApi()).finally(() => (t.renewing = null));
        await t.renewing;
      }
      return { authorization: `Bearer ${tokens.get(clientId)!.value}` };
    };
    await bearer(`soak-ocmw-${tag}`);
    await bearer(`soak-cvo-${tag}`);

    // Enrolments: each integrated person at most once in the soak's course; later batches change their status.
    const freePersons = [...integrated].sort(() => 0.5 - Math.random());
    const enrolments = new Map<string, Enrolment>();
    const batches: { id: string; body: string }[] = [];
    let batchSeq = 0;
    let enrolmentSeq = 0;
    let replaysAcked = 0;

    // Statistics as known at the start of the load: the same figures every time.
    const reportAsOf = new Date().toISOString();
    const reportHashes = new Map<string, Set<string>>();
    let reportRuns = 0;
    let conflicts = 0;
    let edits = 0;
    let creates = 0;
    let imports = 0;
    let seq = 0;
    const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;
    const key = (r: VersionedRecord) => `${r.table} ${r.id}`;

    const ops: Record<Exclude<Operation, 'token'>, (api: number, n: number) => Promise<string>> = {
      async consult(api) {
        const insz = pick(integrated).insz;
        const rid = randomUUID();
        const a = await http(bases[api]!, 'POST', '/api/exchange/v1/dossiers/consult', {
          body: { insz, purpose: 'BEGELEIDING_OCMW_CLIENT' },
          headers: { ...(await bearer(`soak-ocmw-${tag}`)), 'x-request-id': rid },
        });
        if (a.status !== 200) throw statusError('consult', a);
        if (a.body?.known !== true || !a.body.dossier) throw new Failure('consult: person not known or no dossier');
        consultIds.push(rid);
        return 'ok';
      },
      async read(api) {
        const p = pick(hot);
        const a = await http(bases[api]!, 'GET', `/api/v1/persons/${p.id}/dossier`, { headers: worker });
        if (a.status !== 200) throw statusError('dossier', a);
        return 'ok';
      },
      async create(api, n) {
        const p = pick(hot);
        const text = `soak ${tag} c${n}`;
        const which = ++creates % 5;
        const send = (to: number, id: string) =>
          http(bases[to]!, 'POST', `/api/v1/persons/${p.id}/conversations`, {
            body: { heldAt: new Date(Date.parse(heldAt) + n * 1000).toISOString(), text },
            headers: { ...worker, 'idempotency-key': `soak-${tag}-c${n}`, 'x-request-id': id },
          });
        // One in five is sent twice at once, through two API processes (a retry racing its original).
        const racing = which === 2 && bases.length > 1;
        const ids = racing ? [randomUUID(), randomUUID()] : [randomUUID()];
        let answers: Answer[];
        try {
          answers = await Promise.all(ids.map((id, i) => send((api + i) % bases.length, id)));
        } catch (e) {
          uncertainCreates++;
          throw e;
        }
        for (const a of answers) if (a.status !== 201) throw statusError(racing ? 'create raced by its retry' : 'create', a);
        const fresh = answers.filter((a) => !a.headers.get('idempotent-replayed'));
        if (fresh.length !== 1) throw new Failure(`create: ${fresh.length} of ${answers.length} answers were not replays`);
        if (new Set(answers.map((a) => a.body?.id)).size !== 1) throw new Failure('create raced by its retry: two records');
        const first = fresh[0]!;
        const rec = newConversation(first.body.id, p.id, text);
        if (createdIds.has(rec.id)) throw new Failure('create: two keys got the same record');
        records.set(`conversations:${rec.id}`, rec);
        conversations.push(rec);
        createdIds.add(rec.id);
        createsAcked++;
        writeIds.push(ids[answers.indexOf(first)]!);
        wrote(p.id);
        if (racing) {
          createsRetried++;
          return 'replayed';
        }
        if (which !== 0) return 'ok';
        // A client that did not trust the answer sends the same request again: the same record, not a second.
        const again = await send(api, randomUUID());
        if (again.status !== 201 || again.headers.get('idempotent-replayed') !== 'true' || again.body?.id !== rec.id)
          throw new Failure(`create retried: HTTP ${again.status}, ${again.body?.id === rec.id ? 'same' : 'another'} record`);
        createsRetried++;
        return 'replayed';
      },
      edit: (api, n) =>
        ++edits % 4 === 0 && bases.length > 1
          ? race(api, n, pick(conversations.slice(0, 4)))
          : patch(api, n, Math.random() < 0.5 ? pick(conversations.slice(0, 4)) : pick(conversations)),
      person: (api, n) => patch(api, n, Math.random() < 0.5 ? pick(people.slice(0, 3)) : pick(people)),
      async import(api) {
        // One in six: an acknowledged batch sent again, byte for byte: replayed, nothing changed.
        if (++imports % 6 === 0 && batches.length) {
          const b = pick(batches);
          const a = await http(bases[api]!, 'POST', `/api/exchange/v1/imports/enrolments?batchId=${b.id}`, {
            raw: b.body,
            type: 'application/x-ndjson',
            headers: await bearer(`soak-cvo-${tag}`),
          });
          if (a.status !== 200 || a.body?.status !== 'replayed') throw new Failure(`import replay: HTTP ${a.status} ${a.body?.status ?? a.body?.code ?? ''}`);
          replaysAcked++;
          return 'replayed';
        }
        const rows: { e: Enrolment; status: string; fresh: boolean }[] = [];
        const idle = [...enrolments.values()].filter((e) => !e.busy && !e.uncertain);
        for (let i = 0; i < 5; i++) {
          if (freePersons.length && (Math.random() < 0.6 || !idle.length)) {
            const p = freePersons.pop()!;
            const e: Enrolment = { number: `S${tag}-${++enrolmentSeq}`, insz: p.insz, personId: p.id, statuses: [], busy: true, uncertain: false };
            rows.push({ e, status: ENROLMENT_STATUSES[0]!, fresh: true });
          } else if (idle.length) {
            const e = idle.splice(Math.floor(Math.random() * idle.length), 1)[0]!;
            e.busy = true;
            const current = e.statuses[e.statuses.length - 1]!;
            rows.push({ e, status: ENROLMENT_STATUSES[(ENROLMENT_STATUSES.indexOf(current) + 1) % ENROLMENT_STATUSES.length]!, fresh: false });
          }
        }
        for (const r of rows) if (r.fresh) enrolments.set(r.e.number, r.e);
        const id = `soak-${tag}-b${++batchSeq}`;
        const body =
          rows
            .map((r) =>
              JSON.stringify({
                insz: r.e.insz,
                trainingCode: course.trainingCode,
                courseStart: course.start,
                enrolmentNumber: r.e.number,
                enrolledOn: '2026-08-20',
                status: r.status,
              }),
            )
            .join('\n') + '\n';
        try {
          const a = await http(bases[api]!, 'POST', `/api/exchange/v1/imports/enrolments?batchId=${id}`, {
            raw: body,
            type: 'application/x-ndjson',
            headers: await bearer(`soak-cvo-${tag}`),
          });
          if (a.status !== 200 || a.body?.status !== 'succeeded') {
            for (const r of rows) if (r.fresh) enrolments.delete(r.e.number);
            throw new Failure(`import: HTTP ${a.status} ${a.body?.status ?? a.body?.code ?? ''}${a.body?.errors?.[0] ? ` (${a.body.errors[0].code})` : ''}`);
          }
          if (a.body.rowsWritten !== rows.length) throw new Failure(`import: ${a.body.rowsWritten} of ${rows.length} rows written`);
          for (const r of rows) {
            r.e.statuses.push(r.status);
            wrote(r.e.personId);
          }
          batches.push({ id, body });
          return 'ok';
        } catch (e) {
          if (e instanceof Failure && /^(timeout|network|answer)/.test(e.kind)) for (const r of rows) r.e.uncertain = true;
          throw e;
        } finally {
          for (const r of rows) r.e.busy = false;
        }
      },
      async report(api) {
        const setId = pick(REPORT_SETS);
        const a = await http(bases[api]!, 'GET', `/api/v1/statistics/sets/${setId}/result?year=2024&asOf=${encodeURIComponent(reportAsOf)}`, {
          headers: analyst,
        });
        if (a.status !== 200) throw statusError('report', a);
        const hash = createHash('sha256')
          .update(JSON.stringify(stableReport(a.body)))
          .digest('hex');
        const seen = reportHashes.get(setId) ?? new Set();
        reportHashes.set(setId, seen.add(hash));
        reportRuns++;
        return 'ok';
      },
    };

    /**
     * Two caseworkers save the same version of a record at the same moment, through two different
     * API processes: exactly one may win, the other gets 412 (a second 200 would be a lost update).
     */
    async function race(api: number, n: number, rec: VersionedRecord): Promise<string> {
      const [a, b] = await Promise.allSettled([patch(api, n, rec, 'a'), patch((api + 1) % bases.length, n, rec, 'b')]);
      const outcomes = [a, b].map((r) => (r.status === 'fulfilled' ? r.value : r.reason instanceof Failure ? r.reason.kind : String(r.reason)));
      if (outcomes.includes('ok') && outcomes.includes('conflict')) return 'conflict';
      if (outcomes.every((o) => o === 'ok')) throw new Failure('edit race: both saves of one version were accepted');
      if (outcomes.every((o) => o === 'conflict')) {
        // Both lost: a third edit took the version first (possible with the hot records), no harm done.
        return 'conflict';
      }
      throw new Failure(outcomes.find((o) => o !== 'ok' && o !== 'conflict')!);
    }

    async function patch(api: number, n: number, rec: VersionedRecord, side = ''): Promise<string> {
      const value = rec.table === 'persons' ? `Soakstraat ${n}${side}` : `soak ${tag} e${n}${side}`;
      const rid = randomUUID();
      const path = `/api/v1/${rec.table}/${rec.id}`;
      let a: Answer;
      try {
        a = await http(bases[api]!, 'PATCH', path, {
          body: { [rec.field]: value },
          headers: { ...worker, 'if-match': `"${rec.known}"`, 'x-request-id': rid },
        });
      } catch (e) {
        rec.uncertain++;
        throw e;
      }
      if (a.status === 412) {
        // Another edit got there first: reload, as the screen does.
        conflicts++;
        const fresh = await http(bases[api]!, 'GET', path, { headers: worker });
        if (fresh.status !== 200) throw statusError('reload', fresh);
        rec.known = Math.max(rec.known, Number(fresh.body.version));
        return 'conflict';
      }
      if (a.status !== 200) throw statusError(rec.table, a);
      const version = Number(a.body.version);
      if (a.body[rec.field] !== value) throw new Failure(`${rec.table}: the answer does not carry the value written`);
      if (rec.acked.has(version)) throw new Failure(`${rec.table}: version ${version} acknowledged twice`);
      rec.acked.set(version, value);
      rec.known = Math.max(rec.known, version);
      writeIds.push(rid);
      if (rec.table === 'conversations') wrote(rec.personId);
      return 'ok';
    }

    // ---- The load.
    const weights = Object.entries(opts.mix).filter(([, w]) => w > 0) as [Exclude<Operation, 'token'>, number][];
    const total = weights.reduce((s, [, w]) => s + w, 0);
    const credit = new Map(weights.map(([k]) => [k, 0]));
    /** Smooth weighted round robin: the mix holds in every stretch of the run, not only on average. */
    const nextOp = (): Exclude<Operation, 'token'> => {
      let best: Exclude<Operation, 'token'> = weights[0]![0];
      for (const [k, w] of weights) {
        credit.set(k, credit.get(k)! + w);
        if (credit.get(k)! > credit.get(best)!) best = k;
      }
      credit.set(best, credit.get(best)! - total);
      return best;
    };
    say(`load: ${opts.rate}/s for ${opts.seconds} s over ${bases.length} API process(es), at most ${opts.concurrency} in flight`);
    const inflight = new Set<Promise<void>>();
    let maxLag = 0;
    let late = 0;
    let started = 0;
    t0 = performance.now();
    const loadStartedAt = Date.now();
    const end = t0 + opts.seconds * 1000;
    let due = t0;
    let nextReport = t0 + opts.intervalSeconds * 1000;
    while (due < end) {
      const now = performance.now();
      if (due > now) await sleep(due - now);
      while (inflight.size >= opts.concurrency) await Promise.race(inflight);
      const lag = performance.now() - due;
      maxLag = Math.max(maxLag, lag);
      if (lag > 1000) late++;
      const op = nextOp();
      const api = nextApi();
      const n = ++seq;
      const at = performance.now();
      started++;
      const p = ops[op](api, n).then(
        (outcome) => {
          samples.push({ op, at: at - t0, ms: performance.now() - at, outcome, api });
        },
        (e: unknown) => {
          samples.push({
            op,
            at: at - t0,
            ms: performance.now() - at,
            outcome: e instanceof Failure ? e.kind : `exception: ${(e as Error)?.message ?? e}`,
            api,
          });
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      due += 1000 / opts.rate;
      if (performance.now() >= nextReport) {
        const from = nextReport - opts.intervalSeconds * 1000 - t0;
        const window = samples.filter((s) => s.at >= from && s.at < from + opts.intervalSeconds * 1000);
        const errs = window.filter((s) => !['ok', 'conflict', 'replayed'].includes(s.outcome)).length;
        say(`  ${Math.round((nextReport - t0) / 1000)} s: ${window.length} done, ${errs} errors, ${inflight.size} in flight`);
        nextReport += opts.intervalSeconds * 1000;
      }
    }
    await Promise.all(inflight);
    const loadSeconds = (performance.now() - t0) / 1000;

    // ---- Drain: the workers bring the receiver every event the outbox holds for the partner.
    say('load done; waiting for the relay to deliver every change notice…');
    const drainStarted = performance.now();
    const expectedEvents = async () =>
      (
        await sql<{ seq: string; event_id: string; subject_id: string }>`SELECT seq, event_id, subject_id FROM outbox_events
          WHERE organisation_id = ${ocmwId}::uuid AND seq > ${fromSeq} ORDER BY seq`.execute(db)
      ).rows;
    let expected = await expectedEvents();
    const drainEnd = Date.now() + 180_000;
    for (;;) {
      const got = new Set(receiver.received().map((e) => e.eventId));
      expected = await expectedEvents();
      if (expected.every((e) => got.has(e.event_id))) break;
      if (Date.now() > drainEnd) break;
      await sleep(500);
    }
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    // Rules re-evaluated after the load may still add events; they count like the others, once more read.
    await sleep(1500);
    expected = await expectedEvents();

    // ---- Stop the processes (SIGTERM, as an operator would), then reconcile on the database itself.
    say(`drained in ${round(drainSeconds)} s; stopping the processes…`);
    for (const c of children) await stopKbi(c);
    say('reconciling…');
    const received = receiver.received();
    const refused = receiver.rejected().length;
    if (refused) problems.push(`the receiver refused ${refused} deliveries (signature, timestamp or body)`);
    // (stop() once only: a receiver ended by SIGKILL keeps exitCode null, and a second stop would wait for ever.)
    await receiver.stop();
    receiver = null;

    const reconciliation = await reconcile();
    const logs = scanLogs(children);
    for (const f of logs) if (!f.explained) problems.push(`${f.process} logged ${f.count} × ${f.level} "${f.msg}" (e.g. ${f.example})`);
    for (const c of children)
      if (!c.stopping || c.exit !== 'code 0') problems.push(`${c.name} ended ${c.stopping ? 'badly when stopped' : 'during the run'}: ${c.exit}`);

    const operations = summariseOperations(samples);
    for (const o of operations) for (const [kind, n] of Object.entries(o.errors)) problems.push(`${n} × ${o.op}: ${kind}`);
    const intervals = intervalRows(samples, received, expected, opts.intervalSeconds, loadSeconds, loadStartedAt);
    // (Starts behind schedule are no error, but the report says the machine did not hold the rate.)

    return {
      options: { ...opts, mix: opts.mix },
      setup: {
        persons: opts.persons,
        integrated: integrated.length,
        hotPersons: hot.length,
        seconds: round((performance.now() - setupStarted) / 1000 - loadSeconds - drainSeconds),
        conversations: hot.length,
      },
      load: {
        seconds: round(loadSeconds),
        started,
        perSecond: round(started / loadSeconds),
        maxLagMs: Math.round(maxLag),
        lateStarts: late,
        perApiProcess: bases.map((_, i) => samples.filter((x) => x.api === i).length),
      },
      intervals,
      operations,
      reconciliation,
      logs,
      processes: children.map((c) => ({ name: c.name, pid: c.child.pid ?? 0, exit: c.exit ?? 'running' })),
      problems,
      ok: problems.length === 0,
    };

    async function reconcile(): Promise<Reconciliation> {
      // 1. Versioned records: every acknowledged version stored once with its value; nothing else written by the caseworker.
      const caseworkerId = (await db.selectFrom('users').select('id').where('username', '=', demoUsername('AGENCY_CASEWORKER')).executeTakeFirstOrThrow())
        .id as string;
      const w = { records: 0, acknowledged: 0, stored: 0, lost: 0, doubled: 0, wrongValue: 0, unacknowledged: 0, uncertain: 0, conflicts };
      for (const table of ['conversations', 'persons'] as const) {
        const recs = [...records.values()].filter((r) => r.table === table);
        const field = table === 'persons' ? 'street' : 'text';
        const rows = (
          await sql<{ id: string; version: number; value: string | null; recorded_by: string }>`
            SELECT id, version, ${sql.ref(field)} AS value, recorded_by FROM ${sql.table(table)} WHERE id = ANY(${recs.map((r) => r.id)}::uuid[])
            UNION ALL
            SELECT id, version, ${sql.ref(field)} AS value, recorded_by FROM ${sql.table(`${table}_history`)} WHERE id = ANY(${recs.map((r) => r.id)}::uuid[])`.execute(
            db,
          )
        ).rows;
        const byId = new Map<string, typeof rows>();
        for (const r of rows) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
        for (const rec of recs) {
          w.records++;
          w.uncertain += rec.uncertain;
          const stored = (byId.get(rec.id) ?? []).filter((r) => r.version > rec.base);
          const count = new Map<number, number>();
          for (const r of stored) count.set(r.version, (count.get(r.version) ?? 0) + 1);
          for (const [version, value] of rec.acked) {
            w.acknowledged++;
            const hits = stored.filter((r) => r.version === version);
            if (!hits.length) {
              w.lost++;
              problems.push(`lost write: ${key(rec)} version ${version} was acknowledged but is not stored`);
            } else {
              w.stored++;
              if (hits.some((h) => h.value !== value)) {
                w.wrongValue++;
                problems.push(`wrong value: ${key(rec)} version ${version} holds another value than the one acknowledged`);
              }
            }
          }
          for (const [version, n] of count)
            if (n > 1) {
              w.doubled++;
              problems.push(`doubled write: ${key(rec)} version ${version} is stored ${n} times`);
            }
          const extra = stored.filter((r) => !rec.acked.has(r.version));
          // A write whose answer never came may have been stored: that one is explained (and its error counted already).
          const byUs = extra.filter((r) => r.recorded_by === caseworkerId || r.recorded_by.includes(caseworkerId));
          if (byUs.length > rec.uncertain) {
            w.unacknowledged += byUs.length - rec.uncertain;
            problems.push(`unacknowledged write: ${key(rec)} has version(s) ${byUs.map((r) => r.version).join(', ')} that no answer acknowledged`);
          }
          const byOthers = extra.filter((r) => !byUs.includes(r));
          if (byOthers.length)
            problems.push(
              `${key(rec)} was also changed by ${[...new Set(byOthers.map((r) => r.recorded_by))].join(', ')} (versions ${byOthers.map((r) => r.version).join(', ')})`,
            );
        }
      }
      // Creates: the rows of the soak's conversations are exactly the acknowledged ones (a retried create made none).
      // (A record's first version is the current row, or in the history once it was edited.)
      const soakRows = (
        await sql<{ id: string }>`SELECT id FROM conversations WHERE version = 1 AND text LIKE ${`soak ${tag} c%`}
          UNION ALL SELECT id FROM conversations_history WHERE version = 1 AND text LIKE ${`soak ${tag} c%`}`.execute(db)
      ).rows;
      const strays = soakRows.filter((r) => !createdIds.has(r.id));
      if (strays.length > uncertainCreates) problems.push(`doubled create: ${strays.length} conversation(s) of the soak that no answer acknowledged`);
      const creates = { acknowledged: createsAcked, retried: createsRetried, rows: soakRows.length, doubled: Math.max(0, strays.length - uncertainCreates) };

      // 2. Enrolments: each acknowledged status a version, once, in order; one succeeded run per batch.
      const im = { batches: batches.length, replays: replaysAcked, enrolments: 0, versions: 0, lost: 0, doubled: 0, wrongValue: 0, runsNotOnce: 0 };
      const erows = (
        await sql<{ external_id: string; version: number; status: string; person_id: string }>`
          SELECT external_id, version, status, person_id FROM enrolments WHERE course_id = ${course.id}::uuid
          UNION ALL SELECT h.external_id, h.version, h.status, h.person_id FROM enrolments_history h WHERE h.course_id = ${course.id}::uuid`.execute(db)
      ).rows;
      const current = (
        await sql<{
          external_id: string;
          n: number;
        }>`SELECT external_id, count(*)::int AS n FROM enrolments WHERE course_id = ${course.id}::uuid GROUP BY 1`.execute(db)
      ).rows;
      for (const c of current)
        if (c.n > 1) {
          im.doubled++;
          problems.push(`doubled enrolment: ${c.external_id} is stored ${c.n} times`);
        }
      for (const e of enrolments.values()) {
        if (!e.statuses.length) {
          if (!e.uncertain && erows.some((r) => r.external_id === e.number)) {
            im.doubled++;
            problems.push(`unacknowledged enrolment ${e.number} is stored`);
          }
          continue;
        }
        im.enrolments++;
        const mine = erows.filter((r) => r.external_id === e.number);
        for (const [i, status] of e.statuses.entries()) {
          im.versions++;
          const hits = mine.filter((r) => r.version === i + 1);
          if (!hits.length) {
            im.lost++;
            problems.push(`lost import write: enrolment ${e.number} version ${i + 1} (${status}) was acknowledged but is not stored`);
          } else if (hits.length > 1) {
            im.doubled++;
            problems.push(`doubled import write: enrolment ${e.number} version ${i + 1} is stored ${hits.length} times`);
          } else if (hits[0]!.status !== status || hits[0]!.person_id !== e.personId) {
            im.wrongValue++;
            problems.push(`wrong import value: enrolment ${e.number} version ${i + 1} is ${hits[0]!.status}, acknowledged ${status}`);
          }
        }
        const more = mine.filter((r) => r.version > e.statuses.length);
        if (more.length && !e.uncertain) {
          im.doubled++;
          problems.push(`unacknowledged import write: enrolment ${e.number} has ${more.length} version(s) beyond the ${e.statuses.length} acknowledged`);
        }
      }
      const runs = (
        await sql<{ batch_id: string; status: string; n: number }>`SELECT batch_id, status, count(*)::int AS n FROM import_batches
          WHERE organisation_id = ${cvo.id}::uuid AND batch_id LIKE ${`soak-${tag}-%`} GROUP BY 1, 2`.execute(db)
      ).rows;
      for (const b of batches) {
        const ok = runs.find((r) => r.batch_id === b.id && r.status === 'succeeded')?.n ?? 0;
        if (ok !== 1) {
          im.runsNotOnce++;
          problems.push(`batch ${b.id} was acknowledged but has ${ok} succeeded runs`);
        }
      }
      const replayRuns = runs.filter((r) => r.status === 'replayed').reduce((s, r) => s + r.n, 0);
      if (replayRuns !== replaysAcked) problems.push(`${replaysAcked} replays were acknowledged, ${replayRuns} replayed runs are recorded`);

      // 3. Notifications: every event of the partner received (by event, not by POST), first arrivals in order.
      const expectedIds = new Map(expected.map((e) => [e.event_id, Number(e.seq)]));
      const first = new Map<string, number>();
      for (const r of received) if (!first.has(r.eventId)) first.set(r.eventId, r.seq);
      const missing = expected.filter((e) => !first.has(e.event_id)).length;
      const unexpected = [...first.keys()].filter((id) => !expectedIds.has(id)).length;
      const order = [...first.values()];
      const outOfOrder = order.filter((s, i) => i > 0 && s <= order[i - 1]!).length;
      const seqMismatch = [...first.entries()].filter(([id, s]) => expectedIds.has(id) && expectedIds.get(id) !== s).length;
      if (missing) problems.push(`lost notices: ${missing} of ${expected.length} events for the partner never reached its receiver`);
      if (unexpected) problems.push(`${unexpected} notices reached the receiver that the outbox does not hold for the partner`);
      if (outOfOrder) problems.push(`${outOfOrder} notices first arrived out of sequence order`);
      if (seqMismatch) problems.push(`${seqMismatch} notices arrived with another sequence number than the outbox's`);
      // Each acknowledged write of a person in the register (its own transaction) made an event naming that integration.
      const eventsPerSubject = new Map<string, number>();
      for (const e of expected) eventsPerSubject.set(e.subject_id, (eventsPerSubject.get(e.subject_id) ?? 0) + 1);
      const inszOfPerson = new Map([...personOfInsz].map(([insz, id]) => [id, insz]));
      let writesWithoutEvent = 0;
      for (const [personId, n] of writesPerPerson) {
        const integration = integrationOf.get(inszOfPerson.get(personId) ?? '');
        if (!integration) continue;
        const events = eventsPerSubject.get(integration) ?? 0;
        if (events < n) writesWithoutEvent += n - events;
      }
      if (writesWithoutEvent) problems.push(`${writesWithoutEvent} acknowledged writes of persons in the register made no change notice`);
      const ep = await sql<{ cursor_seq: string; head_seq: string | null; consecutive_failures: number }>`
        SELECT cursor_seq, head_seq, consecutive_failures FROM notification_endpoints WHERE id = ${endpoint.id}::uuid`.execute(db);
      const lastSeq = expected.length ? Number(expected[expected.length - 1]!.seq) : fromSeq;
      const pending =
        Number(ep.rows[0]!.cursor_seq) < lastSeq || ep.rows[0]!.head_seq !== null
          ? expected.filter((e) => Number(e.seq) > Number(ep.rows[0]!.cursor_seq)).length
          : 0;
      if (pending) problems.push(`the relay's cursor is ${pending} event(s) short of the partner's last event`);
      if (ep.rows[0]!.consecutive_failures > 0) problems.push(`the webhook ended with ${ep.rows[0]!.consecutive_failures} failures in a row`);
      const dead = Number(
        (
          await sql<{
            n: string;
          }>`SELECT count(*) AS n FROM notification_dead_letters WHERE endpoint_id = ${endpoint.id}::uuid AND status <> 'DELIVERED'`.execute(db)
        ).rows[0]!.n,
      );
      if (dead) problems.push(`${dead} dead letters`);
      const attempts = (
        await sql<{ worker: string; delivered: boolean; error: string | null; status_code: number | null; n: number }>`
          SELECT worker, delivered, error, status_code, count(*)::int AS n FROM notification_attempts
           WHERE endpoint_id = ${endpoint.id}::uuid GROUP BY 1, 2, 3, 4`.execute(db)
      ).rows;
      const failedAttempts = attempts.filter((a) => !a.delivered).reduce((s, a) => s + a.n, 0);
      if (failedAttempts)
        problems.push(
          `${failedAttempts} failed delivery attempts to a healthy receiver: ${attempts
            .filter((a) => !a.delivered)
            .map((a) => `${a.n} × ${a.error ?? 'no error text'}${a.status_code ? ` (HTTP ${a.status_code})` : ''} by ${a.worker}`)
            .join(', ')}`,
        );
      const byWorker: Record<string, number> = {};
      for (const a of attempts) if (a.delivered) byWorker[a.worker] = (byWorker[a.worker] ?? 0) + a.n;
      const notifications = {
        expected: expected.length,
        received: first.size,
        deliveries: attempts.filter((a) => a.delivered).reduce((s, a) => s + a.n, 0),
        duplicates: received.length - first.size,
        missing,
        unexpected,
        outOfOrder,
        writesWithoutEvent,
        failedAttempts,
        deadLetters: dead,
        pending,
        drainSeconds: round(drainSeconds),
        byWorker,
      };

      // 4. Audit: the chain, and the records of the acknowledged requests.
      const chain = await verifyAuditChain(db);
      if (!chain.ok) problems.push(`audit chain broken: ${chain.problems.map((p) => p.detail).join('; ')}`);
      const auditCounts = async (ids: string[], action: string | null) => {
        const out = new Map<string, number>();
        for (let i = 0; i < ids.length; i += 5000) {
          const slice = ids.slice(i, i + 5000);
          const r = await sql<{ request_id: string; n: number }>`SELECT request_id, count(*)::int AS n FROM audit_log
            WHERE request_id = ANY(${slice}::text[]) AND result = 'allowed' ${action ? sql`AND action = ${action}` : sql``} GROUP BY 1`.execute(db);
          for (const row of r.rows) out.set(row.request_id, row.n);
        }
        return out;
      };
      const consultAudit = await auditCounts(consultIds, 'exchange.consult');
      const consultsNotOnce = consultIds.filter((id) => consultAudit.get(id) !== 1).length;
      if (consultsNotOnce) problems.push(`${consultsNotOnce} acknowledged consults do not have exactly one audit record`);
      const writeAudit = await auditCounts(writeIds, null);
      const writesWithout = writeIds.filter((id) => !writeAudit.get(id)).length;
      if (writesWithout) problems.push(`${writesWithout} acknowledged writes have no audit record`);

      // 5. Reports as known at one moment: one result each.
      const unstable = [...reportHashes.values()].filter((s) => s.size > 1).length;
      if (unstable) problems.push(`${unstable} statistics set(s) gave different figures for the same cut-off during the run`);

      return {
        writes: w,
        creates,
        imports: im,
        notifications,
        audit: {
          intact: chain.ok,
          rows: chain.rows,
          problems: chain.problems.map((p) => p.detail),
          consultsChecked: consultIds.length,
          consultsNotOnce,
          writesChecked: writeIds.length,
          writesWithout,
        },
        reports: { runs: reportRuns, keys: reportHashes.size, unstable },
      };
    }
  } finally {
    for (const c of children) await stopKbi(c).catch(() => undefined);
    await receiver?.stop().catch(() => undefined);
    await database.close();
    if (!process.env.KBI_SOAK_KEEP_LOGS) rmSync(dir, { recursive: true, force: true });
    else say(`process logs kept in ${dir}`);
  }
}

/** A statistics result without what differs per computation (when it was computed, how long it took). */
function stableReport(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(stableReport);
  if (body && typeof body === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) if (!/^(computedAt|generatedAt|durationMs|seconds|requestId)$/.test(k)) out[k] = stableReport(v);
    return out;
  }
  return body;
}

function summariseOperations(samples: Sample[]): OperationSummary[] {
  const out: OperationSummary[] = [];
  for (const op of OPERATIONS) {
    const mine = samples.filter((s) => s.op === op);
    if (!mine.length) continue;
    const times = mine.map((s) => s.ms).sort((a, b) => a - b);
    const errors: Record<string, number> = {};
    for (const s of mine) if (!['ok', 'conflict', 'replayed'].includes(s.outcome)) errors[s.outcome] = (errors[s.outcome] ?? 0) + 1;
    out.push({
      op,
      n: mine.length,
      ok: mine.filter((s) => s.outcome === 'ok').length,
      conflicts: mine.filter((s) => s.outcome === 'conflict').length,
      replays: mine.filter((s) => s.outcome === 'replayed').length,
      errors,
      p50: round(pct(times, 50)),
      p90: round(pct(times, 90)),
      p99: round(pct(times, 99)),
      max: round(times[times.length - 1]!),
    });
  }
  return out;
}

function intervalRows(
  samples: Sample[],
  received: { eventId: string; at: string; receivedAt: number }[],
  expected: { event_id: string }[],
  width: number,
  seconds: number,
  loadStartedAt: number,
): IntervalRow[] {
  const rows: IntervalRow[] = [];
  const ids = new Set(expected.map((e) => e.event_id));
  // Each event once: its first arrival (seconds into the load) and its lag from the commit that wrote it.
  const arrivals: { at: number; lag: number }[] = [];
  const seen = new Set<string>();
  for (const r of received)
    if (ids.has(r.eventId) && !seen.has(r.eventId)) {
      seen.add(r.eventId);
      arrivals.push({ at: (r.receivedAt - loadStartedAt) / 1000, lag: r.receivedAt - Date.parse(r.at) });
    }
  const bad = (s: Sample) => !['ok', 'conflict', 'replayed'].includes(s.outcome);
  // Whole intervals; the last one takes the fraction of a second the load ran over.
  const count = Math.max(1, Math.round(seconds / width));
  for (let k = 0; k < count; k++) {
    const from = k * width;
    const last = k === count - 1;
    const to = last ? round(seconds) : from + width;
    const mine = samples.filter((s) => s.at >= from * 1000 && (last || s.at < to * 1000) && s.op !== 'token');
    const byOp: IntervalRow['byOp'] = {};
    for (const op of OPERATIONS) {
      const x = mine.filter((s) => s.op === op);
      if (!x.length) continue;
      const t = x.map((s) => s.ms).sort((a, b) => a - b);
      byOp[op] = { n: x.length, errors: x.filter(bad).length, p50: round(pct(t, 50)), p99: round(pct(t, 99)) };
    }
    // The last interval also takes the notices that arrived while the relay drained.
    const lags = arrivals
      .filter((a) => a.at >= from && (last || a.at < to))
      .map((a) => a.lag)
      .sort((a, b) => a - b);
    const errorKinds: Record<string, number> = {};
    for (const x of mine.filter(bad)) errorKinds[x.outcome] = (errorKinds[x.outcome] ?? 0) + 1;
    rows.push({
      from,
      to,
      requests: mine.length,
      errors: mine.filter(bad).length,
      errorKinds,
      conflicts: mine.filter((s) => s.outcome === 'conflict').length,
      replays: mine.filter((s) => s.outcome === 'replayed').length,
      byOp,
      notices: { n: lags.length, p50: Math.round(pct(lags, 50)), p99: Math.round(pct(lags, 99)) },
    });
  }
  return rows;
}

/** Every line a process logged at warn or above (pino JSON), and anything it wrote that is not a log line, grouped. */
function scanLogs(children: Child[]): LogFinding[] {
  const found = new Map<string, LogFinding>();
  for (const c of children) {
    let text = '';
    try {
      text = readFileSync(c.log, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let level = 'output';
      let msg = line.trim().slice(0, 120);
      let example = line.slice(0, 500);
      try {
        const j = JSON.parse(line) as { level?: number; msg?: string; err?: Record<string, unknown>; [k: string]: unknown };
        if (typeof j.level !== 'number' || j.level < 40) continue;
        level = j.level >= 60 ? 'fatal' : j.level >= 50 ? 'error' : 'warn';
        msg = j.msg ?? '(no message)';
        // What the line says without its stack: the message and, for a database error, its code, detail and where.
        const { time: _t, service: _s, level: _l, err, ...rest } = j;
        const e = err ? { message: err.message, code: err.code, detail: err.detail, where: String(err.where ?? '').slice(0, 400) || undefined } : undefined;
        example = JSON.stringify({ ...rest, ...(e ? { err: e } : {}) }).slice(0, 1200);
      } catch {
        // The start text of `kbi serve` is not a log line: its banner, and (the soak starts the serving
        // processes while it seeds) the note that there is no staff account yet.
        if (/^\s*(KBI — |Web app|API documentation|Health|Database|Processes|DISCIMUS|No staff accounts yet)/.test(line)) continue;
      }
      const process = c.name.replace(/-\d+$/, '');
      const k = `${process}|${level}|${msg}`;
      const f = found.get(k);
      if (f) f.count++;
      else
        found.set(k, {
          process,
          level,
          msg,
          count: 1,
          explained: EXPLAINED.find((e) => e.process.test(process) && e.msg.test(msg))?.why ?? null,
          example,
        });
    }
  }
  return [...found.values()];
}
