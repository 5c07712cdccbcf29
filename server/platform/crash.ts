/**
 * Fault injection for the crash-safety tests (tests/api/crash-safety.test.ts): with
 * `KBI_CRASH_AT=<point>` a process kills itself with SIGKILL the first time it reaches that named
 * point — as the OOM killer, a `kill -9` or a pulled plug would — so that a test makes the crash land
 * exactly in the middle of an operation and then shows what a restart finds. Unset (the default and
 * the only setting for production) a point costs one comparison. The configuration refuses a name
 * that is not one of these.
 */

/** Every point, with what has happened and what has not when the process dies there. */
export const CRASH_POINTS = {
  'dossier.update.uncommitted': 'a dossier record changed and audited inside its transaction, which has not committed',
  'dossier.update.committed': 'a dossier change committed, its answer not yet sent',
  'statistics.publish.stored': 'a publication’s figures written, its audit record not yet',
  'rules.evaluate.written': 'the proposals of a rules run written, the run not yet recorded as finished',
} as const;

export type CrashPoint = keyof typeof CRASH_POINTS;

export const isCrashPoint = (name: string): name is CrashPoint => Object.hasOwn(CRASH_POINTS, name);

const armed = process.env.KBI_CRASH_AT?.trim() || null;

/** Dies here, at once and without any clean-up, when KBI_CRASH_AT names this point. */
export function crashPoint(point: CrashPoint): void {
  if (armed !== point) return;
  process.kill(process.pid, 'SIGKILL');
  // The signal ends the process; block this thread until it does, so that not one more statement runs.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
}
