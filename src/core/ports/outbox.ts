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
}

export type ComposeArgs = Record<string, string | number>;

/** A row as one dispatcher holds it: its id and the lease it took (or renewed). */
export interface Claim {
  id: number;
  leaseUntil: Date;
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
  /** The earliest moment a pending row becomes due: the dispatcher's wake-up, and the console stepping through time. */
  nextDueAt(): Date | null;
}
