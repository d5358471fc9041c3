/** The outbox aggregate: DMs waiting to be delivered. */
import type { Message } from '../../messages/model';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'expired' | 'dead' | 'cancelled';

export interface OutboxRow {
  id: number;
  tenantId: number;
  recipientId: number;
  kind: string;
  dedupeKey: string;
  message: Message;
  dueAt: Date;
  expiresAt: Date | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  firstFailedAt: Date | null;
  lastError: string | null;
  sentAt: Date | null;
  /** While `sending`: until when this claim holds. */
  leaseUntil: Date | null;
  /** Arguments for composing the message at send time; null when `message` is final. */
  compose: ComposeArgs | null;
  /** The HTTP request that queued or planned it, for its send's log lines; null when the scheduler planned it. */
  requestId: string | null;
}

export type ComposeArgs = Record<string, string | number>;

/** A row as one dispatcher holds it: its id and the lease it took (or renewed). */
export interface Claim {
  id: number;
  leaseUntil: Date;
}

/** Why a row was not delivered, as an operator reads it: given up after failures, nobody to deliver to, or its moment passed. */
export type FailureStatus = 'dead' | 'unreachable' | 'expired';
export const FAILURE_STATUSES: readonly FailureStatus[] = ['dead', 'unreachable', 'expired'];

/** The last error of a row given up because its recipient cannot be reached (dispatch writes it so). */
export const UNREACHABLE_ERROR_PREFIX = 'unreachable:';
/** The last error of a row expired at the first start after a restore (it may have gone out after the backup). */
export const EXPIRED_AT_RESTORE = 'expired at restore: it may have been sent after the backup was taken';

/** A row that was not delivered, without its message: what an operator may see of it. */
export interface FailedDelivery {
  id: number;
  tenantId: number;
  recipientId: number;
  kind: string;
  dueAt: Date;
  expiresAt: Date | null;
  status: FailureStatus;
  attempts: number;
  lastError: string | null;
  /** When it was given up (dead rows; null for rows given up before that was recorded, and for expired ones). */
  deadAt: Date | null;
}

export interface FailedDeliveryQuery {
  /** Every tenant when left out (the operator's script). */
  tenantId?: number;
  statuses: readonly FailureStatus[];
  /** Rows due at or after this moment. */
  since: Date;
  limit: number;
}

export interface NewOutboxRow {
  tenantId: number;
  recipientId: number;
  kind: string;
  dedupeKey: string;
  message: Message;
  dueAt: Date;
  expiresAt?: Date | null;
  compose?: ComposeArgs;
}

/** The outbox: planned DMs, claimed with a lease, sent once. */
export interface OutboxRepository {
  /** Inserts unless a row with the same dedupe key exists; returns true when inserted. */
  enqueue(row: NewOutboxRow, now: Date): boolean;
  /**
   * Plans a reminder: inserts it, or revives it — at its newly planned time — when an earlier
   * plan cancelled it (a skip undone, a setting changed). A row already sent, expired or dead is
   * left alone: nothing is sent twice.
   */
  plan(row: NewOutboxRow, now: Date): boolean;
  /**
   * Marks pending rows whose moment has passed as expired, then claims up to `limit` due rows
   * (pending, or sending with a lapsed lease: a process died mid-send) for `leaseMs`, longest
   * due first.
   */
  claimDue(
    now: Date,
    leaseMs: number,
    limit: number,
  ): {
    claimed: OutboxRow[];
    expired: OutboxRow[];
  };
  /**
   * Extends a claim that is still this claimer's (`claim.leaseUntil` is the lease it holds); false
   * when it lapsed and another process has claimed the row since.
   */
  renewLease(claim: Claim, until: Date): boolean;
  markSent(claim: Claim, now: Date): boolean;
  markRetry(claim: Claim, nextAttemptAt: Date, error: string, now: Date): boolean;
  /** A composed reminder that is no longer relevant when its moment came (muted, already answered). */
  markCancelled(claim: Claim): boolean;
  markDead(claim: Claim, error: string, now: Date): boolean;
  /** Cancels rows not yet sent whose dedupe key starts with the prefix (a cancelled meeting's reminders). */
  cancelPending(prefix: string): number;
  /** Cancels the one row with exactly this key, if it is not sent yet (a key that is not a prefix of others' keys need not end in a separator). */
  cancelPendingKey(dedupeKey: string): boolean;
  byId(id: number): OutboxRow | undefined;
  byDedupeKey(key: string): OutboxRow | undefined;
  /** Rows for one recipient, oldest first (tests and the console read them). */
  forRecipient(recipientId: number): OutboxRow[];
  countByStatus(): Record<OutboxStatus, number>;
  /** Rows not delivered, newest due first, without their message; at most `limit`. */
  failed(query: FailedDeliveryQuery): FailedDelivery[];
  /** How many rows match, ignoring the limit. */
  countFailed(query: Omit<FailedDeliveryQuery, 'limit'>): number;
  failedById(id: number): FailedDelivery | undefined;
  /**
   * Puts a dead or expired row back in the queue: pending, due now, attempts reset, until
   * `expiresAt`. False when the row is not dead or expired any more (retried already, deleted).
   */
  requeue(id: number, now: Date, expiresAt: Date): boolean;
  /** Tenants with a row given up after `since` (the failure digest's candidates). */
  tenantsWithDeadSince(since: Date): number[];
  /** Rows of the tenant given up (dead or unreachable) after `since`, by kind. */
  deadSinceByKind(tenantId: number, since: Date): { kind: string; n: number }[];
  /** The newest creation time of a row of this kind for the recipient (the last digest they were sent). */
  lastCreatedOfKind(tenantId: number, recipientId: number, kind: string): Date | null;
  /** The earliest moment a pending row becomes due: the dispatcher's wake-up, and the console stepping through time. */
  nextDueAt(): Date | null;
}

/**
 * The parts of an outbox row already delivered, for a message a platform takes only as several
 * messages: the notifier records each part as it arrives, and a retry of the row sends only the
 * parts not recorded, so no one gets a part twice.
 */
export interface DeliveredPartsRepository {
  /** Part number (0-based) → the platform's id of the message that carried it (null when none was given). */
  ofRow(outboxId: number): Map<number, string | null>;
  record(outboxId: number, part: number, platformId: string | null, now: Date): void;
}
