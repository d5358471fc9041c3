/**
 * Builds the platform-neutral core on a database: store, registry, app, dispatcher and
 * scheduler. `main.ts` adds the HTTP server and the adapters; tests use this directly.
 */
import { openDatabase, type Db } from './store/db';
import { migrate } from './store/migrate';
import { applyRestores } from './store/restore';
import { createPlatformStores, createServices, type PlatformStores } from './store';
import { Touchpoint } from './core/app';
import type { Clock, Logger, Notifier } from './core/ports';
import { silentLogger } from './core/ports';
import type { Services } from './core/context';
import type { CommandRegistry } from './core/registry';
import { buildRegistry } from './features';
import { Dispatcher, type DispatchObserver, type WakeTimers } from './scheduler/dispatch';
import { Scheduler, type Planner, type TickObserver } from './scheduler/tick';
import { oldestDueAt, releaseClaims } from './store/outbox-health';
import { errorLogFields } from './core/known-errors';
import { ErasureRunner } from './scheduler/erasure-runner';
import { redactionNotices } from './features/coaching/forget';
import { planReminders } from './features/agenda/reminders';
import { TEAMS_CARD_DAYS } from './store/teams-cards';

export interface Core {
  db: Db;
  services: Services;
  /** Repositories only one platform's adapter uses. */
  platformStores: PlatformStores;
  registry: CommandRegistry;
  app: Touchpoint;
  dispatcher: Dispatcher;
  scheduler: Scheduler;
  /** Finishes erasures begun by forget-me (or found in the ledger at start-up). */
  erasures: ErasureRunner;
  clock: Clock;
  logger: Logger;
  /** How long the oldest due pending reminder has waited (readiness and metrics), or null when none is due. */
  oldestDueAgeMs(): number | null;
  close(): void;
}

/** Sees sends, ticks and requests as they end (the service's metrics). */
export interface CoreObserver extends DispatchObserver, TickObserver {
  command(name: string, outcome: 'ok' | 'refused' | 'error'): void;
}

export interface CoreOptions {
  databasePath: string;
  clock: Clock;
  notifiers?: Notifier[];
  logger?: Logger;
  busyTimeoutMs?: number;
  /** Deliver queued DMs as soon as a command queues them (off in tests that step delivery by hand). */
  deliverImmediately?: boolean;
  random?: () => number;
  dispatchConcurrency?: number;
  /** How long the dispatcher's claim on an outbox row lasts (a crashed process's rows are sent after it); default 5 minutes. */
  leaseMs?: number;
  /**
   * Timers that run the dispatcher again when a retry falls due between minute ticks. The service
   * passes Node's; left out, retries wait for the tick (tests step a settable clock by hand).
   */
  dispatchWakeTimers?: WakeTimers;
  /** The service's public base URL, for links (calendar feeds, exports). */
  baseUrl?: string;
  /** Closed coaching requests and resolved escalations older than this are deleted. */
  retentionDays?: number;
  /** The district calendar imported as closures (a file path or an https URL). */
  schoolCalendarIcs?: string;
  /** Platform user ids who are admins of their workspace (ADMIN_USERS). */
  adminUsers?: readonly string[];
  /** The erasure ledger's file, beside the database (none for an in-memory database unless given). */
  erasureLedgerPath?: string;
  /**
   * Erasures finish in slices that yield to other work between them (the service); left out, the
   * slices run one after another before the request returns (tests read the result at once).
   */
  eraseInBackground?: boolean;
  /** The rest between background erasure slices (default 100 ms; tests that wait for the end pass 0). */
  erasurePauseMs?: number;
  /** Told of every send, tick and request (the metrics). */
  observer?: CoreObserver;
}

export function buildCore(options: CoreOptions): Core {
  const logger = options.logger ?? silentLogger;
  const db = openDatabase(options.databasePath, { busyTimeoutMs: options.busyTimeoutMs });
  migrate(db);
  // Restored from a backup (`npm run restore`): what was due before the restore may have gone out
  // after the backup was taken, so it expires unsent, once per restore — before anything is sent,
  // and before the erasure ledger is applied again below.
  for (const r of applyRestores(db, options.clock.now())) {
    logger.warn(
      { backupFile: r.backupFile, restoredAt: r.restoredAt.toISOString(), expired: r.expired },
      'database restored from a backup: messages due before the restore expired unsent (they may have gone out after the backup was taken)',
    );
  }
  const services = createServices(db, { erasureLedgerPath: options.erasureLedgerPath });
  const registry = buildRegistry({
    baseUrl: options.baseUrl ?? 'http://127.0.0.1:3000',
    retentionDays: options.retentionDays ?? 400,
    schoolCalendarIcs: options.schoolCalendarIcs,
  });
  const platformStores = createPlatformStores(db);
  // Teams cards kept to redraw a settled one go after a month, with the daily retention run.
  registry.retentionStep((_services, _before, now) => platformStores.teamsCards.deleteSentBefore(new Date(now.getTime() - TEAMS_CARD_DAYS * 86_400_000)));
  // A closure, pause, skip, move, role or setting changed by a request re-plans its reminders in that request.
  // The request's own workspace only: another's planning is the tick's, not this person's wait.
  registry.settler((ctx) => void planReminders(ctx.services, ctx.now, 500, ctx.actor.tenant.id));
  const dispatcher = new Dispatcher({
    people: services.people,
    outbox: services.outbox,
    clock: options.clock,
    notifiers: options.notifiers ?? [],
    logger,
    random: options.random,
    concurrency: options.dispatchConcurrency,
    leaseMs: options.leaseMs,
    wakeTimers: options.dispatchWakeTimers,
    observer: options.observer,
    releaseClaims: (claims) => releaseClaims(db, claims),
    databasePath: options.databasePath,
    compose: (row) => registry.compose(services, row, options.clock.now()),
    onDelivered: (row) => registry.delivered(services, row, options.clock.now()),
    stillWanted: (row) => registry.stillWanted(services, row, options.clock.now()),
    onUndeliverable: (row, reason) => registry.undeliverable(services, row, reason, options.clock.now()),
  });
  const deliverNow = options.deliverImmediately ?? true;
  const kickDelivery = (): void => {
    if (deliverNow)
      setImmediate(() => void dispatcher.dispatchDue().catch((err: unknown) => logger.error(errorLogFields(err, options.databasePath), 'dispatch failed')));
  };
  const erasures = new ErasureRunner({
    services,
    clock: options.clock,
    logger,
    synchronous: !(options.eraseInBackground ?? false),
    pauseMs: options.erasurePauseMs,
    onCompleted: (completed, now) => {
      if (redactionNotices(services, completed, now) > 0) kickDelivery();
    },
  });
  // A backup restored over the database does not bring back anyone erased since it was taken.
  const reapplied = services.erasure.reconcileLedger(options.clock.now());
  if (reapplied > 0) logger.warn({ erasures: reapplied }, 'erasures from the ledger applied again (a database restored from before them)');
  erasures.drain();
  const planners: Planner[] = [...registry.planners.map((plan) => (now: Date) => plan(services, now)), () => erasures.wake()];
  const scheduler = new Scheduler({ clock: options.clock, dispatcher, planners, logger, observer: options.observer, databasePath: options.databasePath });
  const app = new Touchpoint({
    services,
    clock: options.clock,
    registry,
    logger,
    adminUsers: options.adminUsers,
    onOutcome: options.observer && ((name, outcome) => options.observer?.command(name, outcome)),
    databasePath: options.databasePath,
    // Deferred so the reply reaches the actor before the DMs it caused.
    onQueued: deliverNow ? kickDelivery : undefined,
    wake: (job) => {
      if (job === 'erasures') erasures.wake();
    },
  });
  return {
    db,
    services,
    platformStores,
    registry,
    app,
    dispatcher,
    scheduler,
    erasures,
    clock: options.clock,
    logger,
    oldestDueAgeMs: () => {
      const now = options.clock.now();
      const due = oldestDueAt(db, now);
      return due && now.getTime() - due.getTime();
    },
    close: () => {
      dispatcher.stop(); // no wake-up left armed against a closed database
      if (db.open) db.close();
    },
  };
}
