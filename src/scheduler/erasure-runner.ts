/**
 * Finishes erasures in the background: one short slice at a time (each its own transaction of
 * about `sliceMs`), letting every other request and the dispatcher at the database between slices,
 * until none is left. Woken by a forget-me after it commits, by every tick (an erasure cut short by
 * a restart goes on), and drained whole at start-up.
 */
import { setTimeout as pause } from 'node:timers/promises';
import type { Clock, ErasureCompleted, Logger, Services } from '../core/ports';
import { silentLogger } from '../core/ports';

export interface ErasureRunnerOptions {
  services: Services;
  clock: Clock;
  logger?: Logger;
  /** How long one slice's work may take (its commit comes on top); default 40 ms. */
  sliceMs?: number;
  /**
   * The rest between slices; default 100 ms. Long enough for another connection waiting on the
   * write lock (SQLite's busy handler sleeps up to 100 ms between tries) to get its turn, not only
   * this process's own requests.
   */
  pauseMs?: number;
  /** Slices run one after another in the same turn (tests and start-up) instead of yielding between them. */
  synchronous?: boolean;
  /** What follows a finished erasure (telling authors whose text changed), in its own transaction. */
  onCompleted?: (completed: ErasureCompleted[], now: Date) => void;
}

export class ErasureRunner {
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly logger: Logger;
  private readonly sliceMs: number;
  private readonly pauseMs: number;

  constructor(private readonly options: ErasureRunnerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.sliceMs = options.sliceMs ?? 40;
    this.pauseMs = options.pauseMs ?? 100;
  }

  /** Starts working through pending erasures unless already doing so. */
  wake(): void {
    if (this.stopped) return;
    if (this.options.synchronous) {
      this.drain();
      return;
    }
    // On record at once, outside the database: a stop before the first slice loses nothing.
    try {
      this.options.services.erasure.syncLedger();
    } catch (err) {
      this.logger.error({ err: (err as Error)?.message ?? String(err) }, 'erasure ledger not written yet; the next slice writes it');
    }
    if (this.running) return;
    this.running = this.loop()
      .catch((err: unknown) => this.logger.error({ err: (err as Error)?.message ?? String(err) }, 'erasure slice failed; the next tick goes on'))
      .finally(() => {
        this.running = null;
      });
  }

  /** No slice after the one under way (shutting down); what is left goes on at the next start. */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves once the background work started so far is done. */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Every pending erasure to the end, slice by slice, without yielding (start-up; synchronous mode). */
  drain(): void {
    while (this.slice()) {
      /* next slice */
    }
  }

  private async loop(): Promise<void> {
    await pause(0); // not in the turn of the request that woke it: its reply goes first
    while (!this.stopped && this.slice()) await pause(this.pauseMs);
  }

  /** One slice; true while work remains. */
  private slice(): boolean {
    const { services, clock } = this.options;
    if (!services.erasure.pending()) return false;
    const now = clock.now();
    const { completed, more } = services.erasure.step(this.sliceMs, now);
    if (completed.length > 0) {
      const onCompleted = this.options.onCompleted;
      if (onCompleted) services.transaction(() => onCompleted(completed, now));
      // The erased text is overwritten in the database file (secure_delete); the log is emptied too.
      services.flushErased();
      this.logger.info({ erasures: completed.length }, 'erasure finished');
    }
    return more;
  }
}
