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
  private readonly logger: Logger;

  constructor(private readonly options: { clock: Clock; dispatcher: Dispatcher; planners: Planner[]; logger?: Logger }) {
    this.logger = options.logger ?? silentLogger;
  }

  /** When the last tick finished (readiness checks use it). */
  get lastTick(): Date | null {
    return this.lastTickAt;
  }

  /** Runs a tick; a call while one runs returns that tick instead of starting another. */
  tick(): Promise<TickReport> {
    if (this.running) return this.running;
    this.running = (async () => {
      const at = this.options.clock.now();
      try {
        for (const plan of this.options.planners) plan(at);
        const report = await this.options.dispatcher.dispatchDue();
        this.lastTickAt = this.options.clock.now();
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
