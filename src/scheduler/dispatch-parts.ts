/** The dispatcher's options, timers, observer, report, log fields and backoff rule (src/scheduler/dispatch.ts re-exports them). */
import type { Claim, Clock, Logger, Notifier, OutboxRepository, OutboxRow, PeopleRepository } from '../core/ports';
import type { Message } from '../messages/model';

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

/**
 * What every log line about a row names: the row, and the request that queued it (when one did),
 * so an operator can follow a request from its command to the DM's last attempt.
 */
export function rowFields(row: OutboxRow): { outboxId: number; dedupeKey: string; kind: string; requestId?: string } {
  return { outboxId: row.id, dedupeKey: row.dedupeKey, kind: row.kind, ...(row.requestId ? { requestId: row.requestId } : {}) };
}

export interface DispatchOptions {
  people: PeopleRepository;
  outbox: OutboxRepository;
  clock: Clock;
  notifiers: Notifier[];
  logger?: Logger;
  /** How long a claimed row stays claimed (a crash mid-send frees it after this). */
  leaseMs?: number;
  /** Rows claimed at a time; default concurrency × 4, since a crash strands what was claimed for the lease. */
  batchSize?: number;
  concurrency?: number;
  /** Random source for jitter (tests pass a fixed one). */
  random?: () => number;
  /**
   * Called once, after the row is given up, when its recipient cannot be reached at all (never
   * opened the app, removed it, a deactivated account): whoever waits on it is told there.
   */
  onUndeliverable?: (row: OutboxRow, reason: string) => void;
  /** Asked just before a send: may the recipient still read this message (roles change while it waits)? */
  stillWanted?: (row: OutboxRow) => boolean;
  /** Called after a row was delivered (an urgent page tells the coach who it reached). */
  onDelivered?: (row: OutboxRow) => void;
  /** Composes a reminder's message at send time; null when it is no longer wanted (muted, answered). */
  compose?: (row: OutboxRow) => Message | null;
  /**
   * Wakes the dispatcher when a row falls due before the next minute tick would reach it (a
   * rate-limited send back in a second or two). Without it such a row waits for the tick.
   */
  wakeTimers?: WakeTimers;
  /** Told of every send's outcome and duration (the metrics). */
  observer?: DispatchObserver;
  /**
   * Puts claimed rows back to pending with the claim cleared (shutdown abandons sends still in
   * flight, so the next start, or another process, sends them at once instead of after the lease).
   */
  releaseClaims?: (claims: Claim[]) => number;
  /** The database file, named in the log line when it fails for a reason the operator fixes. */
  databasePath?: string;
  /** Wall clock in milliseconds, for readiness (tests pass their own). */
  wallMs?: () => number;
}
