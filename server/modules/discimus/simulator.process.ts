/**
 * Starts the DISCIMUS simulator (simulator.ts) as a child process of its own: for the tests and
 * for the demo (`npm start` without KBI_DISCIMUS_URL). Resolves once it prints the port it
 * listens on. The child holds our stdin pipe and ends with us, even when we are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SimulatorProcess {
  /** Base URL, e.g. http://127.0.0.1:41234 (for KBI_DISCIMUS_URL). */
  url: string;
  child: ChildProcess;
  /** Stops the process and waits until it has exited. */
  stop(): Promise<void>;
}

const SIMULATOR = fileURLToPath(new URL('./simulator.ts', import.meta.url));

export function startSimulator(options: { port?: number; fail?: boolean; timeoutMs?: number } = {}): Promise<SimulatorProcess> {
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), SIMULATOR, '--port', String(options.port ?? 0), '--exit-with-stdin', ...(options.fail ? ['--fail'] : [])],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error('the DISCIMUS simulator did not start in time'));
    }, options.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // keep draining whatever it prints later
      resolve({ url: m[1]!, child, stop });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the DISCIMUS simulator exited (code ${code}) before listening`));
    });
  });
}
