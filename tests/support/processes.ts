/**
 * KBI's own processes, for the tests that need a process rather than a function (a kill must end a
 * process): `kbi serve` and `kbi worker` started from bin/kbi.js on a test database, quiet (no log,
 * no demo data, no web app), and ended with a signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface KbiProcess {
  child: ChildProcess;
  /** Settles when the process has ended: its exit code, or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (SIGKILL unless said otherwise) if it still runs, and waits until it has ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface WorkerProcess extends KbiProcess {
  /** Resolves once its jobs run (its `worker_started` log line); rejects if it ends before. */
  started: Promise<void>;
}

export interface ServerProcess extends KbiProcess {
  /** http://127.0.0.1:<port>, from the banner. */
  base: string;
  /** What it wrote to standard output so far (the banner). */
  output(): string;
}

const QUIET = { KBI_LOG_LEVEL: 'silent', KBI_DEMO_PERSONS: '0', KBI_SERVE_WEB: 'false', KBI_DISCIMUS_URL: '' };

function startKbi(command: 'serve' | 'worker', env: Record<string, string>, stdout: 'pipe' | 'ignore'): KbiProcess {
  const child = spawn(process.execPath, ['bin/kbi.js', command], { env: { ...process.env, ...QUIET, ...env }, stdio: ['ignore', stdout, 'inherit'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * `kbi worker` on the PostgreSQL database at `url`: by default only the webhook relay runs, with
 * short polls, back-offs and leases (a test waits seconds, not minutes); `env` overrides. It logs at
 * `info` (into a pipe the test reads, not onto its output), so that `started` can tell when its jobs run.
 */
export function startWorkerProcess(url: string, env: Record<string, string> = {}): WorkerProcess {
  const kbi = startKbi(
    'worker',
    {
      KBI_DATABASE_URL: url,
      KBI_LOG_LEVEL: 'info',
      KBI_REFERRAL_EXPIRY_MINUTES: '0',
      KBI_RULE_EVALUATION_SECONDS: '0',
      KBI_RETENTION_MINUTES: '0',
      KBI_NOTIFY_POLL_MS: '100',
      KBI_NOTIFY_BACKOFF_MS: '50',
      KBI_NOTIFY_MAX_BACKOFF_SECONDS: '1',
      KBI_NOTIFY_TIMEOUT_MS: '1000',
      KBI_NOTIFY_LEASE_SECONDS: '2',
      ...env,
    },
    'pipe',
  );
  let out = '';
  const started = new Promise<void>((resolve, reject) => {
    kbi.child.stdout!.on('data', (chunk: Buffer) => {
      if (out.includes('worker_started')) return; // read on (a full pipe would block the worker), keep nothing more
      out += chunk.toString();
      if (out.includes('worker_started')) resolve();
    });
    void kbi.exited.then(({ code, signal }) => reject(new Error(`kbi worker stopped (${code ?? signal}) before it started: ${out}`)));
  });
  started.catch(() => undefined); // a worker that dies on purpose (KBI_CRASH_AT, a kill) need not be waited for
  return { ...kbi, started };
}

/**
 * `kbi serve` on a free port (on PostgreSQL with `KBI_DATABASE_URL`, else on the data directory
 * `KBI_DATA_DIR`), resolved once its banner says it runs (and matches `ready`, if given).
 */
export async function startServerProcess(env: Record<string, string>, options: { ready?: RegExp; timeoutMs?: number } = {}): Promise<ServerProcess> {
  const kbi = startKbi('serve', { PORT: '0', ...env }, 'pipe');
  let out = '';
  kbi.child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kbi serve did not start: ${out}`)), options.timeoutMs ?? 90_000);
      const look = () => {
        const m = /running at (http:\/\/\S+)/.exec(out);
        if (m && (!options.ready || options.ready.test(out))) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      kbi.child.stdout!.on('data', look);
      void kbi.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`kbi serve stopped (${code ?? signal}) before it served: ${out}`));
      });
    });
    return { ...kbi, base, output: () => out };
  } catch (e) {
    await kbi.stop();
    throw e;
  }
}
