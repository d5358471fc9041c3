/**
 * What operations reads of the outbox beside the dispatcher's own queries: the backlog (how long
 * the oldest due reminder has waited) and releasing the claims of sends abandoned at shutdown.
 */
import type { Db } from './db';
import type { Claim } from '../core/ports/outbox';

/** When the longest-waiting due pending row fell due, or null when none is due (an index range on outbox_due). */
export function oldestDueAt(db: Db, now: Date): Date | null {
  const r = db.prepare(`SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?`).get(now.toISOString()) as {
    t: string | null;
  };
  return r.t === null ? null : new Date(r.t);
}

/**
 * Puts claimed rows back to pending, due as they were, with the claim cleared — only while the
 * given claim still holds (another process that took a row over keeps it). Returns how many.
 */
export function releaseClaims(db: Db, claims: readonly Claim[]): number {
  const release = db.prepare(`UPDATE outbox SET status = 'pending', lease_until = NULL WHERE id = ? AND status = 'sending' AND lease_until = ?`);
  return db.transaction(() => claims.reduce((n, c) => n + release.run(c.id, c.leaseUntil.toISOString()).changes, 0))();
}
