/**
 * Graceful shutdown: stop ticking and stop the platform adapters taking requests, let the sends in
 * flight finish (a half-sent reminder would be sent again after its lease), close the HTTP server,
 * let the requests it accepted finish, close the database. A second signal forces the exit for an
 * operator who cannot wait.
 */
import type { Logger } from './core/ports';
import type { PlatformAdapter } from './platform';
import type { Scheduler } from './scheduler/tick';
import type { Dispatcher } from './scheduler/dispatch';

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

export async function gracefulStop(s: RunningService): Promise<void> {
  s.stopTimers();
  await s.stopAdapters?.();
  s.scheduler.stop();
  s.dispatcher.stop();
  s.erasures?.stop();
  await s.scheduler.idle();
  await s.erasures?.idle();
  await s.dispatcher.idle();
  await s.closeHttp();
  await s.settleAdapters?.();
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

/** SIGTERM/SIGINT → graceful stop then exit 0; a second signal → exit 1 at once. */
export function onSignals(
  stop: () => Promise<void>,
  exit: (code: number) => void,
  logger: Logger,
  signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'],
): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: forcing exit');
      exit(1);
      return;
    }
    stopping = true;
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
