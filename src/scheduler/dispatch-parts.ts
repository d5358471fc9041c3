/** The dispatcher's timers, observer, report and backoff rule (src/scheduler/dispatch.ts re-exports them). */

export type SendOutcome = 'delivered' | 'retry' | 'rate-limited' | 'unreachable' | 'rejected' | 'error';

/** Sees each send as it ends: the platform, what came of it, and how long it took. */
export interface DispatchObserver {
  sent(platform: string, outcome: SendOutcome, seconds: number): void;
}

/** One-shot timers for the dispatcher's wake-up; tests pass ones they fire by hand. */
export interface WakeTimers {
  set(fire: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Node's timers, unref'd: a pending wake-up never keeps the process alive. */
export const nodeWakeTimers: WakeTimers = {
  set: (fire, ms) => setTimeout(fire, ms).unref(),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A row due within this long gets a wake-up of its own; later ones are left to the minute tick. */
export const WAKE_WITHIN_MS = 60_000;

export interface DispatchReport {
  sent: number;
  retried: number;
  dead: number;
  expired: number;
  /** Composed reminders that were no longer wanted at their moment. */
  dropped: number;
  /** Claims that lapsed while sends ahead of them were slow, and that another process took over. */
  lost: number;
}

export const BASE_BACKOFF_MS = 30_000;
export const MAX_BACKOFF_MS = 60 * 60_000;
export const GIVE_UP_AFTER_MS = 24 * 60 * 60_000;

/** Exponential backoff with ±20% jitter, at least the platform's retry-after. */
export function backoffMs(attempts: number, retryAfterSeconds: number | undefined, random: () => number): number {
  const exp = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
  const jittered = exp * (0.8 + 0.4 * random());
  return Math.max(Math.round(jittered), (retryAfterSeconds ?? 0) * 1000);
}
