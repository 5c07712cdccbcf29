/**
 * A job that runs now and then again `everyMs` after each run ended (never two runs at once), for
 * the worker's background jobs. `stop()` ends the repetition and waits for a run in progress. A run
 * that throws is the job's own business to log: the repetition goes on.
 */
export interface Repeating {
  stop(): Promise<void>;
}

export function repeat(everyMs: number, run: () => Promise<void>): Repeating {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = run()
      .catch(() => undefined)
      .then(() => {
        if (!stopped) timer = setTimeout(tick, everyMs).unref();
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
