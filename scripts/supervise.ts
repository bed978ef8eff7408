// Keeps one part of `npm start` running: when it dies unexpectedly it is started again after a
// growing pause (1 s, 2 s, 4 s, …), at most `maxRestarts` times within `windowMs`; past that the
// supervisor gives up and says so (`npm start` then stops everything and exits non-zero).

/** How a part ended: a process's exit code / signal, or the error an in-process part failed with. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: unknown;
}

/** One running instance of a part. `exited` settles when it ends, for whatever reason. */
export interface PartInstance {
  /** The process id when the part is a process of its own. */
  pid?: number;
  exited: Promise<ExitInfo>;
  stop(): Promise<void>;
}

export interface SuperviseOptions<T extends PartInstance> {
  /** Named in every line, e.g. "Temporal dev server". */
  name: string;
  start(): Promise<T>;
  log: { info(msg: string): void; error(msg: string): void };
  /** Restarts allowed within `windowMs` before giving up; default 5. */
  maxRestarts?: number;
  /** Default 10 minutes. */
  windowMs?: number;
  /** First pause before a restart, doubled for each restart in the window; default 1 s. */
  baseDelayMs?: number;
  /** Default 30 s. */
  maxDelayMs?: number;
  /** A new instance is running after a restart. */
  onRestarted?(instance: T): void;
  /** Called once when the part keeps failing; the supervisor has stopped trying. */
  onGiveUp(message: string): void;
}

export interface Supervised<T extends PartInstance> {
  /** The running instance (undefined while a restart is pending). */
  current(): T | undefined;
  /** Stops the part for good: no more restarts. */
  stop(): Promise<void>;
}

export function describeExit(info: ExitInfo): string {
  if (info.error !== undefined) return `failed: ${(info.error as Error)?.message ?? String(info.error)}`;
  if (info.signal) return `killed by ${info.signal}`;
  return `exit code ${info.code}`;
}

/** Starts the part (a failure of this first start is thrown) and keeps it running. */
export async function supervise<T extends PartInstance>(opts: SuperviseOptions<T>): Promise<Supervised<T>> {
  const { name, log } = opts;
  const maxRestarts = opts.maxRestarts ?? 5;
  const windowMs = opts.windowMs ?? 10 * 60_000;
  const baseDelayMs = opts.baseDelayMs ?? 1_000;
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const restarts: number[] = [];
  let stopped = false;
  let current: T | undefined = await opts.start();
  let wake: (() => void) | undefined;
  let restarting: Promise<void> | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const watch = (instance: T) => {
    void instance.exited.then((info) => {
      if (stopped || current !== instance) return;
      current = undefined;
      restarting = restart(info).finally(() => (restarting = undefined));
    });
  };

  const restart = async (info: ExitInfo): Promise<void> => {
    let last = `${name} ${describeExit(info)}`;
    for (;;) {
      const now = Date.now();
      while (restarts.length && restarts[0] < now - windowMs) restarts.shift();
      if (restarts.length >= maxRestarts) {
        stopped = true;
        opts.onGiveUp(`${name} keeps failing (${restarts.length} restarts within ${Math.round(windowMs / 60_000)} min; last: ${last}); giving up`);
        return;
      }
      const delay = Math.min(baseDelayMs * 2 ** restarts.length, maxDelayMs);
      log.error(`${last}; restarting it in ${delay / 1000} s (restart ${restarts.length + 1} of at most ${maxRestarts})`);
      await pause(delay);
      if (stopped) return;
      restarts.push(Date.now());
      let instance: T;
      try {
        instance = await opts.start();
      } catch (e) {
        last = `${name} did not start again: ${(e as Error).message}`;
        continue;
      }
      if (stopped) {
        await instance.stop().catch(() => undefined);
        return;
      }
      current = instance;
      log.info(`${name} restarted${instance.pid ? ` (pid ${instance.pid})` : ''}`);
      opts.onRestarted?.(instance);
      watch(instance);
      return;
    }
  };

  watch(current);
  return {
    current: () => current,
    async stop() {
      stopped = true;
      wake?.();
      await restarting; // a start under way is stopped when it is done
      await current?.stop();
    },
  };
}
