/**
 * One scheduler tick: plan (materialise occurrences, queue the reminders they need), then
 * deliver what is due. `tick(now)` works on everything due up to now, never only "this
 * minute", so a late or missed tick (a restart, a sleeping laptop) catches up. Ticks never overlap.
 */
import type { Clock, Logger } from '../core/ports';
import { silentLogger } from '../core/ports';
import type { Dispatcher, DispatchReport } from './dispatch';

/** A planning step: synchronous, idempotent (INSERT OR IGNORE on dedupe keys). */
export type Planner = (now: Date) => void;

export interface TickReport extends DispatchReport {
  at: Date;
}

export class Scheduler {
  private running: Promise<TickReport> | null = null;
  private lastTickAt: Date | null = null;
  private lastTickWall: number | null = null;
  private stopped = false;
  private readonly logger: Logger;

  constructor(private readonly options: { clock: Clock; dispatcher: Dispatcher; planners: Planner[]; logger?: Logger }) {
    this.logger = options.logger ?? silentLogger;
  }

  /** When the last tick finished, on the scheduler's clock. */
  get lastTick(): Date | null {
    return this.lastTickAt;
  }

  /** When the last tick finished, in wall-clock milliseconds (readiness: the console's clock may stand still). */
  get lastTickWallMs(): number | null {
    return this.lastTickWall;
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
      try {
        for (const plan of this.options.planners) plan(at);
        // Readiness counts a tick from here: a long fan-out after it is delivery, not a stuck scheduler.
        this.lastTickWall = Date.now();
        const report = await this.options.dispatcher.dispatchDue();
        this.lastTickAt = this.options.clock.now();
        this.lastTickWall = Date.now();
        return { ...report, at };
      } catch (err) {
        this.logger.error({ err: (err as Error)?.stack ?? String(err) }, 'scheduler tick failed');
        throw err;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
