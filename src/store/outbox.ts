/**
 * The outbox table: durable, idempotent queue of outbound DMs. Planning inserts with
 * INSERT OR IGNORE on a dedupe key; dispatch claims due rows with a lease so two processes
 * (or a restart after a crash) never send the same row at once.
 */
import type { Db } from './db';
import type { Message } from '../messages/model';
import { RESTORE_GUARD } from './restore';
import { currentRequestId } from '../http/request-context';
import {
  EXPIRED_AT_RESTORE,
  UNREACHABLE_ERROR_PREFIX,
  type Claim,
  type ComposeArgs,
  type FailedDelivery,
  type FailedDeliveryQuery,
  type FailureStatus,
  type NewOutboxRow,
  type OutboxRepository,
  type OutboxRow,
  type OutboxStatus,
} from '../core/ports/outbox';

/** Matches a row only while the given claim on it holds (parameters: id, lease). */
const CLAIMED = `WHERE id = ? AND status = 'sending' AND lease_until = ?`;

type Row = Record<string, unknown>;
const iso = (d: Date): string => d.toISOString();
const dateOrNull = (v: unknown): Date | null => (typeof v === 'string' ? new Date(v) : null);

function toRow(r: Row): OutboxRow {
  return {
    id: r.id as number,
    tenantId: r.tenant_id as number,
    recipientId: r.recipient_id as number,
    kind: r.kind as string,
    dedupeKey: r.dedupe_key as string,
    message: JSON.parse(r.payload as string) as Message,
    dueAt: new Date(r.due_at as string),
    expiresAt: dateOrNull(r.expires_at),
    status: r.status as OutboxStatus,
    attempts: r.attempts as number,
    nextAttemptAt: new Date(r.next_attempt_at as string),
    firstFailedAt: dateOrNull(r.first_failed_at),
    lastError: (r.last_error as string | null) ?? null,
    sentAt: dateOrNull(r.sent_at),
    leaseUntil: dateOrNull(r.lease_until),
    compose: typeof r.compose === 'string' ? (JSON.parse(r.compose) as ComposeArgs) : null,
    requestId: (r.request_id as string | null) ?? null,
  };
}

/**
 * A row due before the database was last restored from a backup may have gone out from the
 * service that ran on after the backup: it is stored expired, never sent (src/store/restore.ts).
 */
const STATUS_AFTER_RESTORE = `CASE WHEN @dueAt <= ${RESTORE_GUARD} THEN 'expired' ELSE 'pending' END`;
const ERROR_AFTER_RESTORE = `CASE WHEN @dueAt <= ${RESTORE_GUARD} THEN @restoredError END`;

const FAILED_COLUMNS = 'id, tenant_id, recipient_id, kind, due_at, expires_at, status, attempts, last_error, dead_at';

function toFailed(r: Row): FailedDelivery {
  const lastError = (r.last_error as string | null) ?? null;
  const status: FailureStatus = r.status === 'expired' ? 'expired' : lastError?.startsWith(UNREACHABLE_ERROR_PREFIX) ? 'unreachable' : 'dead';
  return {
    id: r.id as number,
    tenantId: r.tenant_id as number,
    recipientId: r.recipient_id as number,
    kind: r.kind as string,
    dueAt: new Date(r.due_at as string),
    expiresAt: dateOrNull(r.expires_at),
    status,
    attempts: r.attempts as number,
    lastError,
    deadAt: dateOrNull(r.dead_at),
  };
}

/** The WHERE clause and parameters of a failed-delivery query (the message payload is never read). */
function failedWhere(q: Omit<FailedDeliveryQuery, 'limit'>): { where: string; params: Record<string, unknown> } {
  const parts: string[] = [];
  if (q.statuses.includes('expired')) parts.push(`status = 'expired'`);
  const dead = q.statuses.includes('dead');
  const unreachable = q.statuses.includes('unreachable');
  if (dead && unreachable) parts.push(`status = 'dead'`);
  else if (dead) parts.push(`(status = 'dead' AND COALESCE(last_error, '') NOT LIKE '${UNREACHABLE_ERROR_PREFIX}%')`);
  else if (unreachable) parts.push(`(status = 'dead' AND last_error LIKE '${UNREACHABLE_ERROR_PREFIX}%')`);
  const status = parts.length ? `(${parts.join(' OR ')})` : '0';
  const tenant = q.tenantId === undefined ? '' : ' AND tenant_id = @tenantId';
  return { where: `WHERE ${status} AND due_at >= @since${tenant}`, params: { since: iso(q.since), tenantId: q.tenantId } };
}

export class OutboxStore implements OutboxRepository {
  constructor(private readonly db: Db) {}

  /** Inserts unless a row with the same dedupe key exists; returns true when inserted. */
  enqueue(row: NewOutboxRow, now: Date): boolean {
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO outbox (tenant_id, recipient_id, kind, dedupe_key, payload, due_at, expires_at, next_attempt_at, created_at, compose, request_id, status, last_error)
                VALUES (@tenantId, @recipientId, @kind, @dedupeKey, @payload, @dueAt, @expiresAt, @dueAt, @now, @compose, @requestId, ${STATUS_AFTER_RESTORE}, ${ERROR_AFTER_RESTORE})`,
      )
      .run(this.params(row, now));
    return info.changes === 1;
  }

  private params(row: NewOutboxRow, now: Date): Record<string, unknown> {
    return {
      tenantId: row.tenantId,
      recipientId: row.recipientId,
      kind: row.kind,
      dedupeKey: row.dedupeKey,
      payload: JSON.stringify(row.message),
      dueAt: iso(row.dueAt),
      expiresAt: row.expiresAt ? iso(row.expiresAt) : null,
      now: iso(now),
      compose: row.compose ? JSON.stringify(row.compose) : null,
      restoredError: EXPIRED_AT_RESTORE,
      // Read here, where every row is inserted, so no feature passes it: the request being handled, if any.
      requestId: currentRequestId() ?? null,
    };
  }

  /**
   * Plans a reminder: inserts it, or revives it — at its newly planned time — when an earlier
   * plan cancelled it (a skip undone, a setting changed). A row already sent, expired or dead is
   * left alone: nothing is sent twice.
   */
  plan(row: NewOutboxRow, now: Date): boolean {
    const info = this.db
      .prepare(
        `INSERT INTO outbox (tenant_id, recipient_id, kind, dedupe_key, payload, due_at, expires_at, next_attempt_at, created_at, compose, request_id, status, last_error)
                VALUES (@tenantId, @recipientId, @kind, @dedupeKey, @payload, @dueAt, @expiresAt, @dueAt, @now, @compose, @requestId, ${STATUS_AFTER_RESTORE}, ${ERROR_AFTER_RESTORE})
                ON CONFLICT (dedupe_key) DO UPDATE SET status = excluded.status, attempts = 0, first_failed_at = NULL, last_error = excluded.last_error,
                  due_at = excluded.due_at, next_attempt_at = excluded.due_at, expires_at = excluded.expires_at, compose = excluded.compose,
                  request_id = excluded.request_id
                WHERE outbox.status = 'cancelled'`,
      )
      .run(this.params(row, now));
    return info.changes === 1;
  }

  /**
   * Marks pending rows whose moment has passed as expired, then claims up to `limit` due rows
   * (pending, or sending with a lapsed lease: a process died mid-send) for `leaseMs`, longest
   * due first.
   */
  claimDue(now: Date, leaseMs: number, limit: number): { claimed: OutboxRow[]; expired: OutboxRow[] } {
    return this.db.transaction(() => {
      const expired = (
        this.db
          .prepare(
            `UPDATE outbox SET status = 'expired', lease_until = NULL
                  WHERE status IN ('pending', 'sending') AND expires_at IS NOT NULL AND expires_at <= @now
                    AND (status = 'pending' OR lease_until <= @now)
                  RETURNING *`,
          )
          .all({ now: iso(now) }) as Row[]
      ).map(toRow);
      // In the order outbox_due (status, next_attempt_at, id) holds the rows, so a claim merges the
      // two parts along the index and stops at `limit` instead of sorting every due row; a row whose
      // lease lapsed keeps its place by the next_attempt_at it was claimed at.
      const claimed = (
        this.db
          .prepare(
            `UPDATE outbox SET status = 'sending', lease_until = @lease, attempts = attempts + 1
                  WHERE id IN (SELECT id FROM (
                    SELECT id, next_attempt_at FROM outbox WHERE status = 'pending' AND next_attempt_at <= @now
                    UNION ALL
                    SELECT id, next_attempt_at FROM outbox WHERE status = 'sending' AND lease_until <= @now
                    ORDER BY next_attempt_at, id LIMIT @limit))
                  RETURNING *`,
          )
          .all({ now: iso(now), lease: iso(new Date(now.getTime() + leaseMs)), limit }) as Row[]
      ).map(toRow);
      // RETURNING gives no order.
      claimed.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
      return { claimed, expired };
    })();
  }

  /**
   * Extends a claim that is still this claimer's (`claim.leaseUntil` is the lease it holds); false
   * when it lapsed and another process has claimed the row since.
   */
  renewLease(claim: Claim, until: Date): boolean {
    return (
      this.db
        .prepare(`UPDATE outbox SET lease_until = ? WHERE id = ? AND status = 'sending' AND lease_until = ?`)
        .run(iso(until), claim.id, iso(claim.leaseUntil)).changes === 1
    );
  }

  // The outcomes of a send are written only while the claim is still the sender's: once it has
  // lapsed and another process has claimed the row, that process decides the row's state.
  // Each returns false when the claim was lost.

  markSent(claim: Claim, now: Date): boolean {
    return (
      this.db
        .prepare(`UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = NULL, last_error = NULL ${CLAIMED}`)
        .run(iso(now), claim.id, iso(claim.leaseUntil)).changes === 1
    );
  }

  markRetry(claim: Claim, nextAttemptAt: Date, error: string, now: Date): boolean {
    return (
      this.db
        .prepare(
          `UPDATE outbox SET status = 'pending', next_attempt_at = ?, lease_until = NULL, last_error = ?,
                first_failed_at = COALESCE(first_failed_at, ?) ${CLAIMED}`,
        )
        .run(iso(nextAttemptAt), error.slice(0, 500), iso(now), claim.id, iso(claim.leaseUntil)).changes === 1
    );
  }

  /** A composed reminder that is no longer relevant when its moment came (muted, already answered). */
  markCancelled(claim: Claim): boolean {
    return this.db.prepare(`UPDATE outbox SET status = 'cancelled', lease_until = NULL ${CLAIMED}`).run(claim.id, iso(claim.leaseUntil)).changes === 1;
  }

  markDead(claim: Claim, error: string, now: Date): boolean {
    return (
      this.db
        .prepare(
          `UPDATE outbox SET status = 'dead', lease_until = NULL, last_error = ?, first_failed_at = COALESCE(first_failed_at, ?), dead_at = ? ${CLAIMED}`,
        )
        .run(error.slice(0, 500), iso(now), iso(now), claim.id, iso(claim.leaseUntil)).changes === 1
    );
  }

  /** Cancels rows not yet sent whose dedupe key starts with the prefix (a cancelled meeting's reminders). */
  cancelPending(prefix: string): number {
    if (prefix === '') throw new Error('cancelPending needs a prefix');
    // A key range on the unique dedupe_key index (LIKE would scan the table); `+status` keeps
    // SQLite from choosing the status index instead.
    const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
    return this.db
      .prepare(`UPDATE outbox SET status = 'cancelled', lease_until = NULL WHERE +status = 'pending' AND dedupe_key >= ? AND dedupe_key < ?`)
      .run(prefix, upper).changes;
  }

  cancelPendingKey(dedupeKey: string): boolean {
    return this.db.prepare(`UPDATE outbox SET status = 'cancelled', lease_until = NULL WHERE dedupe_key = ? AND status = 'pending'`).run(dedupeKey).changes > 0;
  }

  byId(id: number): OutboxRow | undefined {
    const r = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined;
    return r && toRow(r);
  }

  byDedupeKey(key: string): OutboxRow | undefined {
    const r = this.db.prepare('SELECT * FROM outbox WHERE dedupe_key = ?').get(key) as Row | undefined;
    return r && toRow(r);
  }

  /** Rows for one recipient, oldest first (tests and the console read them). */
  forRecipient(recipientId: number): OutboxRow[] {
    return (this.db.prepare('SELECT * FROM outbox WHERE recipient_id = ? ORDER BY due_at, id').all(recipientId) as Row[]).map(toRow);
  }

  countByStatus(): Record<OutboxStatus, number> {
    const counts: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, expired: 0, dead: 0, cancelled: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as Row[]) {
      counts[r.status as OutboxStatus] = r.n as number;
    }
    return counts;
  }

  /** The earliest moment a pending row becomes due: the dispatcher's wake-up, and the console stepping through time. */
  nextDueAt(): Date | null {
    const r = this.db.prepare(`SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'pending'`).get() as Row;
    return dateOrNull(r.t);
  }

  failed(query: FailedDeliveryQuery): FailedDelivery[] {
    const { where, params } = failedWhere(query);
    return (
      this.db
        .prepare(`SELECT ${FAILED_COLUMNS} FROM outbox ${where} ORDER BY due_at DESC, id DESC LIMIT @limit`)
        .all({ ...params, limit: query.limit }) as Row[]
    ).map(toFailed);
  }

  countFailed(query: Omit<FailedDeliveryQuery, 'limit'>): number {
    const { where, params } = failedWhere(query);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM outbox ${where}`).get(params) as { n: number }).n;
  }

  failedById(id: number): FailedDelivery | undefined {
    const r = this.db.prepare(`SELECT ${FAILED_COLUMNS} FROM outbox WHERE id = ? AND status IN ('dead', 'expired')`).get(id) as Row | undefined;
    return r && toFailed(r);
  }

  requeue(id: number, now: Date, expiresAt: Date): boolean {
    return (
      this.db
        .prepare(
          `UPDATE outbox SET status = 'pending', attempts = 0, first_failed_at = NULL, last_error = NULL, dead_at = NULL, lease_until = NULL,
                due_at = @now, next_attempt_at = @now, expires_at = @expiresAt
              WHERE id = @id AND status IN ('dead', 'expired')`,
        )
        .run({ id, now: iso(now), expiresAt: iso(expiresAt) }).changes === 1
    );
  }

  tenantsWithDeadSince(since: Date): number[] {
    return (this.db.prepare(`SELECT DISTINCT tenant_id FROM outbox WHERE dead_at > ? AND status = 'dead'`).all(iso(since)) as Row[]).map(
      (r) => r.tenant_id as number,
    );
  }

  deadSinceByKind(tenantId: number, since: Date): { kind: string; n: number }[] {
    return this.db
      .prepare(`SELECT kind, COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND dead_at > ? AND status = 'dead' GROUP BY kind ORDER BY kind`)
      .all(tenantId, iso(since)) as { kind: string; n: number }[];
  }

  lastCreatedOfKind(tenantId: number, recipientId: number, kind: string): Date | null {
    const r = this.db
      .prepare('SELECT MAX(created_at) AS t FROM outbox WHERE tenant_id = ? AND recipient_id = ? AND kind = ?')
      .get(tenantId, recipientId, kind) as Row;
    return dateOrNull(r.t);
  }
}
