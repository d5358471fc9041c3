/**
 * Starting the platform adapters without letting one that cannot be reached take the rest down.
 * An adapter that throws `PlatformUnreachableError` (Slack's auth.test timed out, the network is
 * down) is retried with backoff while everything else serves — the console, Teams, calendar feeds,
 * health — and readiness names it. Any other error (Slack said `invalid_auth`) is a credential or
 * configuration the operator must fix: fatal at boot, and fatal when a retry finds it.
 */
import type { Core } from './compose';
import type { Logger } from './core/ports';
import type { PlatformHealth } from './http/health';
import { PlatformUnreachableError, type PlatformAdapter } from './platform';
import type { WakeTimers } from './scheduler/dispatch';

export const FIRST_RETRY_MS = 5_000;
export const MAX_RETRY_MS = 5 * 60_000;

/** The wait before retry number `attempt` (1-based): 5 s doubling to at most 5 minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
}

export interface PlatformStartOptions {
  logger: Logger;
  timers: WakeTimers;
  /** Wall clock, for "unreachable since …" (tests pass their own). */
  now?: () => Date;
  /** A retry found a fatal error (a revoked token): the service must stop. */
  onFatal: (adapter: PlatformAdapter, err: Error) => void;
}

export class PlatformStarter {
  private readonly state = new Map<string, PlatformHealth>();
  private readonly pending = new Map<PlatformAdapter, unknown>();
  private stopped = false;

  constructor(
    private readonly core: Core,
    private readonly options: PlatformStartOptions,
  ) {}

  /**
   * Starts each adapter in order. Resolves when each has started or is retrying in the background;
   * rejects with the first fatal error (the service does not start).
   */
  async startAll(adapters: readonly PlatformAdapter[]): Promise<void> {
    for (const adapter of adapters) {
      try {
        await adapter.start(this.core);
        this.state.set(adapter.name, { ok: true });
      } catch (err) {
        if (!(err instanceof PlatformUnreachableError)) throw new Error(`${adapter.title}: ${(err as Error).message}`);
        this.unreachable(adapter, err, 1);
      }
    }
  }

  /** Readiness: each adapter started or retrying, by platform name. */
  health(): Record<string, PlatformHealth> {
    return Object.fromEntries(this.state);
  }

  /** No more retries (shutdown). */
  stop(): void {
    this.stopped = true;
    for (const handle of this.pending.values()) this.options.timers.clear(handle);
    this.pending.clear();
  }

  private unreachable(adapter: PlatformAdapter, err: Error, attempt: number): void {
    const since = this.state.get(adapter.name)?.ok === false ? this.sinceOf(adapter) : (this.options.now ?? (() => new Date()))().toISOString();
    const delay = retryDelayMs(attempt);
    this.state.set(adapter.name, { ok: false, detail: `unreachable since ${since}, retrying (${err.message})` });
    this.options.logger.warn(
      { platform: adapter.name, attempt, retryInMs: delay, err: err.message },
      `${adapter.title} cannot be reached; everything else runs, and it is retried`,
    );
    const handle = this.options.timers.set(() => {
      this.pending.delete(adapter);
      void this.retry(adapter, attempt + 1);
    }, delay);
    this.pending.set(adapter, handle);
  }

  private sinceOf(adapter: PlatformAdapter): string {
    return /unreachable since (\S+),/.exec(this.state.get(adapter.name)?.detail ?? '')?.[1] ?? new Date().toISOString();
  }

  private async retry(adapter: PlatformAdapter, attempt: number): Promise<void> {
    if (this.stopped) return;
    try {
      await adapter.start(this.core);
      if (this.stopped) return;
      this.state.set(adapter.name, { ok: true });
      this.options.logger.info({ platform: adapter.name, attempt }, `${adapter.title} reached: started`);
    } catch (err) {
      if (this.stopped) return;
      if (err instanceof PlatformUnreachableError) return this.unreachable(adapter, err, attempt);
      this.state.set(adapter.name, { ok: false, detail: (err as Error).message });
      this.options.onFatal(adapter, err as Error);
    }
  }
}
