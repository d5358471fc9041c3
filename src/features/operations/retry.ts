/**
 * Sending a failed delivery again, shared by `/touchpoint deliveries` and `npm run outbox`: the
 * row goes back in the queue (pending, due now, attempts reset, a fresh expiry) unless sending it
 * now would be wrong — its moment has passed, it is too old to make sense, it may already have gone
 * out before a restore, or its reader lost the right to it. The dispatcher checks the reader's
 * right, and composes the message, again at send time.
 */
import type { CommandRegistry } from '../../core/registry';
import type { Services } from '../../core/context';
import { EXPIRED_AT_RESTORE, type FailedDelivery } from '../../core/ports';
import { isForgotten } from '../../core/model';

/** A retried row not sent within this long (and with no earlier moment of its own) expires: a notice a day late is news no more. */
export const RETRY_EXPIRES_MS = 24 * 60 * 60_000;
/** Rows due longer ago than this are not sent again: what they said is history. */
export const RETRY_MAX_AGE_DAYS = 14;

export type RetryRefusal = 'not-failed' | 'passed' | 'restored' | 'too-old' | 'not-wanted';

export type RetryOutcome = { retried: true; row: FailedDelivery } | { retried: false; refusal: RetryRefusal; row?: FailedDelivery };

/** Why a row is not sent again, in a line that names no content (`what` is the kind's label, as its reader may see it). */
export function refusalLine(refusal: RetryRefusal, what: string): string {
  switch (refusal) {
    case 'not-failed':
      return 'That is not a failed delivery any more (it was sent again already, or removed).';
    case 'passed':
      return `The ${what} was for a moment that has passed: it is not sent late.`;
    case 'restored':
      return `The ${what} was due before the database was restored from a backup and may already have gone out: it is not sent again.`;
    case 'too-old':
      return `The ${what} was due more than ${RETRY_MAX_AGE_DAYS} days ago: too old to send now.`;
    case 'not-wanted':
      return `The ${what} is not sent again: its recipient may no longer read it (their role changed, or what it was about is gone).`;
  }
}

/** A short phrase per refusal, for a summary of many ("2 not sent again: its moment has passed"). */
export const REFUSAL_SUMMARY: Record<RetryRefusal, string> = {
  'not-failed': 'no longer failed',
  passed: 'its moment has passed',
  restored: 'may have gone out before a restore',
  'too-old': `due over ${RETRY_MAX_AGE_DAYS} days ago`,
  'not-wanted': 'the recipient may no longer read it',
};

/** Whether the row may be sent again now, without changing it. */
export function checkRetry(registry: CommandRegistry, services: Services, row: FailedDelivery, now: Date): RetryRefusal | null {
  if (row.lastError === EXPIRED_AT_RESTORE) return 'restored';
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return 'passed';
  if (now.getTime() - row.dueAt.getTime() > RETRY_MAX_AGE_DAYS * 86_400_000) return 'too-old';
  const full = services.outbox.byId(row.id);
  const recipient = services.people.userById(row.tenantId, row.recipientId);
  if (!full || !recipient || isForgotten(recipient)) return 'not-wanted';
  if (!registry.stillWanted(services, full, now)) return 'not-wanted';
  return null;
}

/**
 * Re-queues the failed row `id` (of `tenantId` when given: another tenant's row answers
 * not-failed) unless `checkRetry` refuses it. The caller audits a retry that happened.
 */
export function retryDelivery(registry: CommandRegistry, services: Services, id: number, now: Date, tenantId?: number): RetryOutcome {
  const row = services.outbox.failedById(id);
  if (!row || (tenantId !== undefined && row.tenantId !== tenantId)) return { retried: false, refusal: 'not-failed' };
  const refusal = checkRetry(registry, services, row, now);
  if (refusal) return { retried: false, refusal, row };
  const expiresAt = row.expiresAt ?? new Date(now.getTime() + RETRY_EXPIRES_MS);
  if (!services.outbox.requeue(id, now, expiresAt)) return { retried: false, refusal: 'not-failed', row };
  return { retried: true, row };
}
