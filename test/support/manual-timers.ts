/**
 * One-shot timers that fire only when a test says so: the dispatcher's wake-up without waiting on
 * the wall clock.
 */
import type { WakeTimers } from '../../src/scheduler/dispatch';

export class ManualTimers implements WakeTimers {
  private nextHandle = 1;
  private readonly pending = new Map<number, { fire: () => void; ms: number }>();

  set(fire: () => void, ms: number): number {
    const handle = this.nextHandle++;
    this.pending.set(handle, { fire, ms });
    return handle;
  }

  clear(handle: unknown): void {
    if (typeof handle === 'number') this.pending.delete(handle);
  }

  /** Delays (ms) of the timers armed and neither fired nor cleared. */
  get armed(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }

  /** Fires every armed timer once, as the event loop would after their delays. */
  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.fire();
  }
}
