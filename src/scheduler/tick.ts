/**
 * One scheduler tick: plan (materialise occurrences, queue the reminders they need), then
 * deliver what is due. `tick(now)` works on everything due up to now, never only "this
 * minute", so a late or missed tick (a restart, a sleeping laptop) catches up. Ticks never overlap.
 */
import type { Clock, Logger } from '../core/ports';
import { silentLogger } from '../core/ports';
import type { Dispatcher, DispatchReport } from './dispatch';
import { errorLogFields } from '../core/known-errors';

/** A planning step: synchronous, idempotent (INSERT OR IGNORE on dedupe keys). */
export type Planner = (now: Date) => void;

export interface TickReport extends DispatchReport {
  at: Date;
}

/** Sees each tick end: how long it took and whether it worked (the metrics). */
export interface TickObserver {
  ticked(outcome: 'ok' | 'error', seconds: number): void;
}

export interface SchedulerOptions {
  clock: Clock;
  dispatcher: Dispatcher;
  planners: Planner[];
  logger?: Logger;
  observer?: TickObserver;
  /** The database file, named in the log line when a tick fails for a reason the operator fixes. */
  databasePath?: string;
  /** Wall clock in milliseconds, for readiness (tests pass their own). */
  wallMs?: () => number;
}

export class Scheduler {
  private running: Promise<TickReport> | null = null;
  private lastTickAt: Date | null = null;
  private lastTickWall: number | null = null;
  /** While a tick delivers: when its planning finished (a long fan-out is delivery, not a stuck scheduler). */
  private planningDoneWall: number | null = null;
  private failure: { wallMs: number; message: string } | null = null;
  private stopped = false;
  private readonly logger: Logger;
  private readonly wallMs: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.wallMs = options.wallMs ?? Date.now;
  }

  /** When the last tick finished, on the scheduler's clock. */
  get lastTick(): Date | null {
    return this.lastTickAt;
  }

  /**
   * When the last successful tick finished, in wall-clock milliseconds (readiness: the console's
   * clock may stand still) — or, while a tick is delivering, its latest progress: its planning
   * finished, or since then a claim or a send ended. A fan-out of many minutes is alive while sends
   * keep ending; one that hangs goes stale.
   */
  get lastTickWallMs(): number | null {
    if (this.planningDoneWall === null) return this.lastTickWall;
    return Math.max(this.planningDoneWall, this.options.dispatcher.lastProgressWallMs ?? 0);
  }

  /** The last tick's failure (planning or dispatch threw), until a tick succeeds again. */
  get lastFailure(): { wallMs: number; message: string } | null {
    return this.failure;
  }

  /** No new ticks from now on (shutdown); one under way finishes. */
  stop(): void {
    this.stopped = true;
  }

  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /** Runs a tick; a call while one runs returns that tick instead of starting another. */
  tick(): Promise<TickReport> {
    if (this.running) return this.running;
    if (this.stopped) return Promise.resolve({ sent: 0, retried: 0, dead: 0, expired: 0, dropped: 0, lost: 0, at: this.options.clock.now() });
    this.running = (async () => {
      // Yield first: a body that throws before its first await would otherwise clear `running`
      // before it is assigned, leaving a settled promise in place and every later call answered by it.
      await Promise.resolve();
      const at = this.options.clock.now();
      const started = performance.now();
      try {
        for (const plan of this.options.planners) plan(at);
        // Readiness counts a tick from here, unless its dispatch fails (the claim throws on a full disk).
        this.planningDoneWall = this.wallMs();
        const report = await this.options.dispatcher.dispatchDue();
        this.lastTickAt = this.options.clock.now();
        this.lastTickWall = this.wallMs();
        this.failure = null;
        this.options.observer?.ticked('ok', (performance.now() - started) / 1000);
        return { ...report, at };
      } catch (err) {
        const fields = errorLogFields(err, this.options.databasePath);
        this.failure = { wallMs: this.wallMs(), message: fields.err.split('\n')[0] };
        this.options.observer?.ticked('error', (performance.now() - started) / 1000);
        this.logger.error(fields, 'scheduler tick failed');
        throw err;
      } finally {
        this.planningDoneWall = null;
        this.running = null;
      }
    })();
    return this.running;
  }
}
