/**
 * Graceful shutdown: stop ticking and stop the platform adapters taking requests, give the sends
 * in flight a short grace, close the HTTP server, let the requests it accepted finish, close the
 * database — all within a budget under the 10 s `docker stop` allows. Sends still in flight after
 * the grace (a platform that hangs) are abandoned and their claims released, so the next start or
 * another process sends them at once instead of after the lease. A second signal forces the exit.
 */
import type { Logger } from './core/ports';
import type { PlatformAdapter } from './platform';
import type { Scheduler } from './scheduler/tick';
import { nodeWakeTimers, type Dispatcher, type WakeTimers } from './scheduler/dispatch';

/** How long sends in flight may finish at shutdown before they are abandoned (SHUTDOWN_GRACE_SECONDS). */
export const DEFAULT_SEND_GRACE_MS = 3_000;
/** The whole stop, adapters to database, ends within this (docker stop sends SIGKILL at 10 s). */
export const DEFAULT_STOP_BUDGET_MS = 8_000;

export interface StopOptions {
  /** Grace for sends in flight (default DEFAULT_SEND_GRACE_MS). */
  sendGraceMs?: number;
  /** Budget of the whole stop (default DEFAULT_STOP_BUDGET_MS). */
  budgetMs?: number;
  /** Timers for the grace and the budget (tests fire them by hand). */
  timers?: WakeTimers;
}

/** Resolves true when `work` settles within `ms`, false when the time ran out first (the work goes on, unawaited). */
function within(work: Promise<unknown> | undefined, ms: number, timers: WakeTimers): Promise<boolean> {
  if (!work) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const handle = timers.set(() => resolve(false), Math.max(0, ms));
    work.then(
      () => {
        timers.clear(handle);
        resolve(true);
      },
      () => {
        timers.clear(handle);
        resolve(true);
      },
    );
  });
}

export interface RunningService {
  stopTimers(): void;
  /** Stops taking platform requests (Socket Mode disconnects; handlers under way finish). */
  stopAdapters?(): Promise<void>;
  scheduler: Scheduler;
  dispatcher: Dispatcher;
  /** Background erasures: the slice under way finishes; the rest goes on at the next start (the ledger holds it). */
  erasures?: { stop(): void; idle(): Promise<void> };
  closeHttp(): Promise<void>;
  /** Waits for platform requests accepted before the server closed (acked, their work still queued). */
  settleAdapters?(): Promise<void>;
  closeDatabase(): void;
  logger: Logger;
}

export async function gracefulStop(s: RunningService, options: StopOptions = {}): Promise<void> {
  const timers = options.timers ?? nodeWakeTimers;
  const grace = options.sendGraceMs ?? DEFAULT_SEND_GRACE_MS;
  const budget = options.budgetMs ?? DEFAULT_STOP_BUDGET_MS;
  const started = Date.now();
  // With manual timers (tests) the wall clock does not count: each step gets what is left of the budget.
  const left = (): number => (options.timers ? budget : Math.max(0, budget - (Date.now() - started)));
  s.stopTimers();
  if (!(await within(s.stopAdapters?.(), Math.min(grace, left()), timers))) s.logger.warn({}, 'a platform adapter did not stop in time; going on');
  s.scheduler.stop();
  s.dispatcher.stop();
  s.erasures?.stop();
  const drained = await within(
    (async () => {
      await s.scheduler.idle();
      await s.erasures?.idle();
      await s.dispatcher.idle();
    })(),
    Math.min(grace, left()),
    timers,
  );
  if (!drained) {
    const inFlight = s.dispatcher.sendsInFlight;
    const released = s.dispatcher.abandonInFlight();
    s.logger.warn({ inFlight, released, graceMs: grace }, 'sends still in flight after the grace were abandoned; their rows are due again at once');
  }
  if (!(await within(s.closeHttp(), left(), timers))) s.logger.warn({}, 'HTTP connections did not close in time; going on');
  if (!(await within(s.settleAdapters?.(), left(), timers))) s.logger.warn({}, 'requests under way did not finish in time; going on');
  s.closeDatabase();
}

/** The adapters' part in `gracefulStop`: each one stopped, then each one settled, in the order they started. */
export function adapterSteps(adapters: readonly PlatformAdapter[]): Pick<RunningService, 'stopAdapters' | 'settleAdapters'> {
  return {
    stopAdapters: async () => {
      for (const adapter of adapters) await adapter.stop();
    },
    settleAdapters: async () => {
      for (const adapter of adapters) await adapter.settled?.();
    },
  };
}

/**
 * SIGTERM/SIGINT → graceful stop then exit 0; a second signal → exit 1 at once. Should the stop
 * itself hang past `hardDeadlineMs` (default 9.5 s), the process exits 1 then, before a SIGKILL.
 */
export function onSignals(
  stop: () => Promise<void>,
  exit: (code: number) => void,
  logger: Logger,
  signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
  hardDeadlineMs = 9_500,
): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: forcing exit');
      exit(1);
      return;
    }
    stopping = true;
    setTimeout(() => {
      logger.error({ signal, ms: hardDeadlineMs }, 'shutdown did not finish in time: forcing exit');
      exit(1);
    }, hardDeadlineMs).unref();
    logger.info({ signal }, 'stopping: finishing sends in flight');
    stop().then(
      () => exit(0),
      (err: unknown) => {
        logger.error({ err: (err as Error)?.message ?? String(err) }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
