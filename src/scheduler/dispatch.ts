/**
 * Delivers due outbox rows through the platform Notifiers. A row is claimed with a lease,
 * sent, and marked sent; a failure backs off exponentially with jitter (never sooner than a
 * platform's retry-after), a row past its moment expires unsent, and a row still failing
 * 24 hours after its first failure is dead and logged. Sends run a few at a time. When a run ends
 * with a row due before the next minute tick (a rate-limited retry), one timer runs it again then.
 */
import type { Claim, Delivery, Logger, Notifier, OutboxRow, UserRef } from '../core/ports';
import { silentLogger } from '../core/ports';
import { errorLogFields } from '../core/known-errors';
import { withRequestIdOrNone } from '../http/request-context';
import { RateLimitLog } from './rate-limit-log';
import { GIVE_UP_AFTER_MS, WAKE_WITHIN_MS, backoffMs, rowFields, type DispatchOptions, type DispatchReport, type SendOutcome } from './dispatch-parts';

export {
  BASE_BACKOFF_MS,
  GIVE_UP_AFTER_MS,
  MAX_BACKOFF_MS,
  WAKE_WITHIN_MS,
  backoffMs,
  nodeWakeTimers,
  type DispatchObserver,
  type DispatchOptions,
  type DispatchReport,
  type SendOutcome,
  type WakeTimers,
} from './dispatch-parts';

export class Dispatcher {
  private readonly notifiers = new Map<string, Notifier>();
  private readonly logger: Logger;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly random: () => number;
  private inFlight = 0;
  private running: Promise<DispatchReport> | null = null;
  private again = false;
  private stopped = false;
  /** The one armed wake-up, if any. */
  private wake: { handle: unknown } | null = null;
  /** Claims this dispatcher holds on rows it has not finished (under way or waiting in the batch), by row id. */
  private readonly claimsHeld = new Map<number, Claim>();
  /** Set once shutdown gave up on the sends in flight: whatever they answer later is not recorded. */
  private abandoned = false;
  private failure: { wallMs: number; message: string } | null = null;
  private progressWall: number | null = null;
  private readonly rateLimits: RateLimitLog;
  private readonly wallMs: () => number;

  constructor(private readonly options: DispatchOptions) {
    for (const n of options.notifiers) this.notifiers.set(n.platform, n);
    this.logger = options.logger ?? silentLogger;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.concurrency = options.concurrency ?? 8;
    this.batchSize = options.batchSize ?? this.concurrency * 4;
    this.random = options.random ?? Math.random;
    this.rateLimits = new RateLimitLog(this.logger);
    this.wallMs = options.wallMs ?? Date.now;
  }

  /** The failure of the last dispatch pass (claiming from the outbox threw), until a claim succeeds again. */
  get lastFailure(): { wallMs: number; message: string } | null {
    return this.failure;
  }

  /**
   * Wall-clock milliseconds of the last sign of progress: a claim that worked or a send that ended.
   * A tick delivering a long fan-out counts as alive from it (readiness), a hung send does not.
   */
  get lastProgressWallMs(): number | null {
    return this.progressWall;
  }

  /**
   * Shutdown's last step for sends that did not finish in its grace: their claims are released
   * (the row is pending again, due at once) and whatever they answer later is ignored. A send the
   * platform did complete may be repeated by the next start — at-least-once, as after a crash, but
   * without waiting out the lease. Returns how many rows were released.
   */
  abandonInFlight(): number {
    this.stop();
    this.abandoned = true;
    this.rateLimits.flushAll(this.options.clock.now().getTime());
    return this.release([...this.claimsHeld.keys()]);
  }

  /** Releases the claims held on these rows (pending again, due at once); returns how many. */
  private release(ids: number[]): number {
    const claims = ids.flatMap((id) => this.claimsHeld.get(id) ?? []);
    for (const id of ids) this.claimsHeld.delete(id);
    if (claims.length === 0 || !this.options.releaseClaims) return 0;
    try {
      return this.options.releaseClaims(claims);
    } catch (err) {
      this.logger.error(
        { ...errorLogFields(err, this.options.databasePath), rows: claims.length },
        'could not release claimed outbox rows; they are sent after their lease',
      );
      return 0;
    }
  }

  addNotifier(notifier: Notifier): void {
    this.notifiers.set(notifier.platform, notifier);
  }

  /** Sends currently in flight (graceful shutdown waits for them). */
  get sendsInFlight(): number {
    return this.inFlight;
  }

  /** Claims no new rows from now on; the batch under way still finishes (shutdown). */
  stop(): void {
    this.stopped = true;
    this.cancelWakeUp();
  }

  /** Resolves when no dispatch is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /**
   * Delivers everything due now. Calls while a run is under way join it and trigger one more
   * pass, so a row queued mid-run is not left waiting for the next tick.
   */
  dispatchDue(): Promise<DispatchReport> {
    if (this.stopped) return Promise.resolve({ sent: 0, retried: 0, dead: 0, expired: 0, dropped: 0, lost: 0 });
    if (this.running) {
      this.again = true;
      return this.running;
    }
    // A pass belongs to no request, whoever kicked it: each row's send runs in its own (below).
    this.running = withRequestIdOrNone(null, async () => {
      // Yield first: a body that throws before its first await would otherwise clear `running`
      // before it is assigned, leaving a settled promise in place and every later call answered by it.
      await Promise.resolve();
      const total: DispatchReport = { sent: 0, retried: 0, dead: 0, expired: 0, dropped: 0, lost: 0 };
      try {
        do {
          this.again = false;
          for (;;) {
            const report = await this.dispatchBatch();
            total.sent += report.sent;
            total.retried += report.retried;
            total.dead += report.dead;
            total.expired += report.expired;
            total.dropped += report.dropped;
            total.lost += report.lost;
            if (report.sent + report.retried + report.dead + report.dropped + report.lost === 0 || this.stopped) break;
          }
        } while (this.again && !this.stopped);
      } catch (err) {
        this.failure = { wallMs: this.wallMs(), message: errorLogFields(err, this.options.databasePath).err.split('\n')[0] };
        throw err;
      } finally {
        this.running = null;
      }
      // Only after a run that worked: a failing one (a locked database) would re-arm at once.
      this.armWakeUp();
      return total;
    });
    return this.running;
  }

  /** Replaces any armed wake-up with one for the earliest pending row, if that is due within WAKE_WITHIN_MS. */
  private armWakeUp(): void {
    const timers = this.options.wakeTimers;
    if (!timers || this.stopped) return;
    this.cancelWakeUp();
    let next: Date | null;
    try {
      next = this.options.outbox.nextDueAt();
    } catch (err) {
      this.logger.error(errorLogFields(err, this.options.databasePath), 'could not find the next due outbox row; the minute tick will dispatch');
      return;
    }
    if (!next) return;
    const delay = Math.max(0, next.getTime() - this.options.clock.now().getTime());
    if (delay > WAKE_WITHIN_MS) return;
    const wake: { handle: unknown } = { handle: undefined };
    wake.handle = timers.set(() => {
      if (this.wake === wake) this.wake = null;
      void this.dispatchDue().catch((err: unknown) => this.logger.error(errorLogFields(err, this.options.databasePath), 'dispatch failed'));
    }, delay);
    this.wake = wake;
  }

  private cancelWakeUp(): void {
    if (!this.wake) return;
    this.options.wakeTimers?.clear(this.wake.handle);
    this.wake = null;
  }

  private async dispatchBatch(): Promise<DispatchReport> {
    const now = this.options.clock.now();
    const { claimed, expired } = this.options.outbox.claimDue(now, this.leaseMs, this.batchSize);
    // The claim wrote to the database: whatever failed before (a full disk) works again.
    this.failure = null;
    this.progressWall = this.wallMs();
    this.rateLimits.flushDue(now.getTime());
    for (const row of expired) this.logger.info({ ...rowFields(row), tenantId: row.tenantId }, 'outbox row expired unsent');
    const report: DispatchReport = { sent: 0, retried: 0, dead: 0, expired: expired.length, dropped: 0, lost: 0 };
    for (const row of claimed) if (row.leaseUntil) this.claimsHeld.set(row.id, { id: row.id, leaseUntil: row.leaseUntil });
    let next = 0;
    // A send whose outcome could not be written (the disk filled) fails the pass — but only once
    // the sends under way have ended: workers left running would send on beside the next pass, and
    // under shutdown's closing of the database.
    const failures: unknown[] = [];
    // Once stopped (shutdown) or failed, no new send starts: the rows of the batch not yet started are released below.
    const worker = async (): Promise<void> => {
      while (next < claimed.length && !this.stopped && failures.length === 0) {
        const row = claimed[next++];
        try {
          // Lines written while it is sent (the platform's too) name the request that queued it.
          const outcome = await withRequestIdOrNone(row.requestId, () => this.deliver(row));
          report[outcome] += 1;
          this.progressWall = this.wallMs();
        } catch (err) {
          failures.push(err);
        } finally {
          this.claimsHeld.delete(row.id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, claimed.length) }, worker));
    if (next < claimed.length && !this.abandoned) {
      const released = this.release(claimed.slice(next).map((r) => r.id));
      this.logger.info(
        { released },
        failures.length > 0
          ? 'dispatch failed: claimed rows not yet sent released for the next pass'
          : 'stopping: claimed rows not yet sent released for the next start',
      );
    }
    if (failures.length > 0) throw failures[0];
    return report;
  }

  private async deliver(row: OutboxRow): Promise<'sent' | 'retried' | 'dead' | 'dropped' | 'lost'> {
    const { people, outbox, clock } = this.options;
    if (!row.leaseUntil) throw new Error(`outbox row ${row.id} was claimed without a lease`);
    let claim: Claim = { id: row.id, leaseUntil: row.leaseUntil };
    // Sends ahead of this row in the batch may have been slow (a silent platform times out after
    // seconds). Past half its lease, the claim is renewed before sending — and when it has lapsed
    // and another process claimed the row meanwhile, this one leaves it: sending would be a repeat.
    const startedAt = clock.now();
    if (claim.leaseUntil.getTime() - startedAt.getTime() < this.leaseMs / 2) {
      const renewed = { id: row.id, leaseUntil: new Date(startedAt.getTime() + this.leaseMs) };
      if (!outbox.renewLease(claim, renewed.leaseUntil)) return this.lost(row, 'before sending');
      claim = renewed;
      this.claimsHeld.set(row.id, claim);
    }
    const tenant = people.tenantById(row.tenantId);
    const user = people.userById(row.tenantId, row.recipientId);
    let message = row.message;
    let delivery: Delivery | undefined;
    // A message queued while its reader had the right to it is sent only if they still have it.
    if (this.options.stillWanted && !this.options.stillWanted(row)) return outbox.markCancelled(claim) ? 'dropped' : this.lost(row, 'not wanted any more');
    if (row.compose && this.options.compose) {
      try {
        const composed = this.options.compose(row);
        if (!composed) return outbox.markCancelled(claim) ? 'dropped' : this.lost(row, 'not wanted any more');
        message = composed;
      } catch (err) {
        delivery = { status: 'retry', error: `could not compose: ${(err as Error)?.message ?? String(err)}` };
      }
    }
    const notifier = tenant && this.notifiers.get(tenant.platform);
    if (delivery) {
      // composing failed: fall through to the backoff below
    } else if (!tenant || !user) {
      delivery = { status: 'unreachable', error: 'recipient no longer exists' };
    } else if (!notifier) {
      delivery = { status: 'unreachable', error: `no ${tenant.platform} connection is configured` };
    } else {
      const ref: UserRef = { userId: user.id, tenantExternalId: tenant.externalId, externalId: user.externalId, displayName: user.displayName };
      this.inFlight += 1;
      const sendStarted = performance.now();
      let threw = false;
      try {
        delivery = await notifier.send(ref, message, { outboxId: row.id });
      } catch (err) {
        threw = true;
        delivery = { status: 'retry', error: (err as Error)?.message ?? String(err) };
      } finally {
        this.inFlight -= 1;
      }
      // Shutdown gave this send up and released its claim; the database may be closed by now.
      if (this.abandoned) return 'lost';
      const outcome: SendOutcome = threw ? 'error' : delivery.status === 'retry' && delivery.afterSeconds !== undefined ? 'rate-limited' : delivery.status;
      this.options.observer?.sent(tenant.platform, outcome, (performance.now() - sendStarted) / 1000);
    }
    const now = clock.now();
    if (delivery.status === 'delivered') {
      if (!outbox.markSent(claim, now)) return this.lost(row, 'after sending it');
      if (user) people.markReachable(row.tenantId, user.id);
      this.logger.debug({ ...rowFields(row), platform: tenant?.platform }, 'outbox row sent');
      this.afterOutcome(row, () => this.options.onDelivered?.(row));
      return 'sent';
    }
    if (delivery.status === 'unreachable') {
      // Permanent: retrying for a day would only make whoever waits on it wait for nothing.
      if (!outbox.markDead(claim, `unreachable: ${delivery.error}`, now)) return this.lost(row, 'after finding the recipient unreachable');
      if (user) people.markUnreachable(row.tenantId, user.id, delivery.error, now);
      this.logger.warn(
        { ...rowFields(row), tenantId: row.tenantId, recipientId: row.recipientId, error: delivery.error },
        'recipient unreachable; message given up',
      );
      const reason = delivery.error;
      this.afterOutcome(row, () => this.options.onUndeliverable?.(row, reason));
      return 'dead';
    }
    if (delivery.status === 'rejected') {
      // The same message would be refused again: given up at once, its recipient still reachable.
      if (!outbox.markDead(claim, `rejected: ${delivery.error}`, now)) return this.lost(row, 'after the platform rejected it');
      this.logger.error(
        { ...rowFields(row), tenantId: row.tenantId, recipientId: row.recipientId, error: delivery.error },
        'message rejected by the platform; given up',
      );
      const reason = delivery.error;
      this.afterOutcome(row, () => this.options.onUndeliverable?.(row, reason));
      return 'dead';
    }
    const firstFailed = row.firstFailedAt ?? now;
    if (now.getTime() - firstFailed.getTime() >= GIVE_UP_AFTER_MS) {
      if (!outbox.markDead(claim, delivery.error, now)) return this.lost(row, 'after 24 hours of failures');
      this.logger.error(
        {
          ...rowFields(row),
          tenantId: row.tenantId,
          recipientId: row.recipientId,
          attempts: row.attempts,
          error: delivery.error,
        },
        'outbox row dead after 24 hours of failures',
      );
      return 'dead';
    }
    // A platform's rate limit says exactly when to come back (plus up to a second of jitter so a
    // fan-out does not return in one burst); other failures back off exponentially.
    const retryAfter = delivery.status === 'retry' ? delivery.afterSeconds : undefined;
    const wait = retryAfter !== undefined ? retryAfter * 1000 + Math.round(this.random() * 1000) : backoffMs(row.attempts, undefined, this.random);
    if (!outbox.markRetry(claim, new Date(now.getTime() + wait), delivery.error, now)) return this.lost(row, 'after a failed send');
    if (retryAfter !== undefined && tenant) {
      this.rateLimits.note(tenant.platform, retryAfter, now.getTime(), rowFields(row));
      return 'retried';
    }
    this.logger.warn(
      {
        ...rowFields(row),
        tenantId: row.tenantId,
        recipientId: row.recipientId,
        attempts: row.attempts,
        retryInMs: wait,
        status: delivery.status,
        error: delivery.error,
      },
      'outbox send failed; will retry',
    );
    return 'retried';
  }

  /** Runs a feature's reaction to a delivery's outcome; its failure is logged, never the send's. */
  private afterOutcome(row: OutboxRow, react: () => void): void {
    try {
      react();
    } catch (err) {
      this.logger.error({ ...rowFields(row), err: (err as Error)?.message ?? String(err) }, 'reacting to a delivery outcome failed');
    }
  }

  /** The claim on `row` lapsed and another process took the row over: it is that process's now. */
  private lost(row: OutboxRow, when: string): 'lost' {
    this.logger.warn({ ...rowFields(row), when }, 'outbox claim lapsed and another process took the row over; leaving it to that process');
    return 'lost';
  }
}
