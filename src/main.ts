/**
 * Composition root: config, database, core, scheduler, HTTP server and adapters. With no Slack
 * or Teams credentials it runs in local mode: 127.0.0.1 only, and the console on this terminal.
 * A platform's SDK is loaded only when that platform is configured (each holds tens of MB).
 */
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config';
import { buildCore, type Core } from './compose';
import { createLogger } from './logger';
import { HttpServer } from './http/server';
import { registerHealth } from './http/health';
import { registerMetrics, ServiceMetrics } from './http/metrics';
import { registerPolicyPages } from './http/privacy';
import { SettableClock, systemClock, type Clock } from './core/ports';
import { describeDatabaseError, errorLogFields } from './core/known-errors';
import { DatabaseOpenError } from './store/db';
import { DatabaseInUseError, lockDatabase, type DatabaseLock } from './store/lock';
import { MigrationError, databaseHealth } from './store/migrate';
import { backupDatabase, backupVolumeWarning } from './store/backup';
import { startBackupCron, startCron, type Timer } from './scheduler/cron';
import { nodeWakeTimers } from './scheduler/dispatch';
import { adapterSteps, gracefulStop, onSignals } from './lifecycle';
import type { PlatformAdapter } from './platform';
import { PlatformStarter } from './platform-start';
import { exportRoute } from './features/operations/commands';
import { calendarRoute } from './features/calendar/feed';
// Types only (erased): the modules themselves are loaded by `loadAdapter` when configured.
import type * as ConsoleModule from '../adapters/console/console';
import type * as SlackModule from '../adapters/slack';
import type * as TeamsModule from '../adapters/teams';

interface CliFlags {
  demo: boolean;
  now?: Date;
}

function parseFlags(argv: string[]): CliFlags {
  const flags: CliFlags = { demo: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--no-demo') flags.demo = false;
    else if (a === '--now' || a.startsWith('--now=')) {
      const value = a.includes('=') ? a.slice(6) : argv[++i];
      const d = new Date(value ?? '');
      if (Number.isNaN(d.getTime())) throw new ConfigError(`--now: must be an ISO instant like 2026-11-23T13:00:00Z (got "${value ?? ''}")`);
      flags.now = d;
    } else throw new ConfigError(`unknown option ${a} (allowed: --no-demo, --now <ISO instant>)`);
  }
  return flags;
}

/**
 * Loads an adapter's module when its platform is configured: Bolt and botbuilder each hold tens of
 * MB that a service without that platform never needs. A plain `require` (this is CommonJS), typed
 * by the caller; a static import would load both SDKs in every process.
 */
function loadAdapter<T>(path: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (see above)
  return require(path) as T;
}

function fail(message: string): never {
  process.stderr.write(`touchpoint: cannot start: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  // The database holds OAuth tokens and people's requests: every file this process creates
  // (database, WAL, backups, the erasure ledger) is readable by its owner only.
  process.umask(0o077);
  let config: Config;
  let flags: CliFlags;
  try {
    loadDotEnv();
    config = loadConfig(process.env);
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const local = config.mode === 'local';
  // In local mode the terminal belongs to the console: only warnings unless LOG_LEVEL says otherwise.
  const logger = createLogger(local && !process.env.LOG_LEVEL ? 'warn' : config.logLevel);
  const clock: Clock = local ? new SettableClock(flags.now ?? new Date()) : systemClock;
  // An unauthenticated local endpoint never listens beyond this machine.
  const host = local ? '127.0.0.1' : (config.host ?? '0.0.0.0');

  let lock: DatabaseLock;
  let core: Core;
  // Created before the core (the dispatcher reports to it); it reads the outbox through `core` once that exists.
  const metrics = new ServiceMetrics({
    countByStatus: () => core.services.outbox.countByStatus(),
    oldestDueAgeSeconds: () => {
      const ms = core.oldestDueAgeMs();
      return ms === null ? null : ms / 1000;
    },
  });
  try {
    lock = lockDatabase(config.databasePath);
    core = buildCore({
      databasePath: config.databasePath,
      clock,
      logger,
      retentionDays: config.operations.retentionDays,
      schoolCalendarIcs: config.operations.schoolCalendarIcs,
      adminUsers: config.adminUsers,
      leaseMs: config.operations.outboxLeaseSeconds * 1000,
      erasureLedgerPath: config.operations.erasureLedgerPath,
      eraseInBackground: true,
      // The console's clock moves only when told to, so a wall-clock wake-up would find nothing due.
      dispatchWakeTimers: local ? undefined : nodeWakeTimers,
      baseUrl: config.publicUrl ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${config.port}`,
      observer: metrics,
    });
  } catch (err) {
    if (err instanceof MigrationError || err instanceof DatabaseOpenError || err instanceof DatabaseInUseError) fail(err.message);
    const known = describeDatabaseError(err, config.databasePath);
    if (known) fail(known);
    throw err;
  }

  const http = new HttpServer(logger);
  http.databasePath = config.databasePath;
  // Set when a platform refused the credentials: the stop that follows exits 1, not 0 (a failure, not a clean stop).
  let fatal = false;
  const platforms = new PlatformStarter(core, {
    logger,
    timers: nodeWakeTimers,
    onFatal: (adapter, err) => {
      logger.error({ platform: adapter.name, err: err.message }, `${adapter.title} refused Touchpoint's credentials; stopping`);
      fatal = true;
      process.kill(process.pid, 'SIGTERM');
    },
  });
  registerHealth(http, {
    database: () => databaseHealth(core.db),
    lastTickWallMs: () => core.scheduler.lastTickWallMs,
    lastTickFailure: () => core.scheduler.lastFailure,
    lastDispatchFailure: () => core.dispatcher.lastFailure,
    oldestDueAgeMs: () => core.oldestDueAgeMs(),
    backlogThresholdMs: config.operations.readyBacklogSeconds * 1000,
    platforms: () => platforms.health(),
  });
  registerMetrics(http, metrics, config.operations.metricsToken);
  registerPolicyPages(http);
  http.route('GET', '/export/*', exportRoute(core.registry, core.services, clock));
  http.route('GET', '/calendar/*', calendarRoute(core.services, clock));

  // One line per platform (docs/adapters.md); each starts before the server listens, in this order.
  const adapters: PlatformAdapter[] = [];
  // Teams: tokens verified when MICROSOFT_APP_ID is set; in local mode unauthenticated, for the Emulator (127.0.0.1 only).
  if (config.teamsEnabled || local) {
    const { teamsAdapter } = loadAdapter<typeof TeamsModule>('../adapters/teams');
    adapters.push(teamsAdapter({ config, http, logger, local }));
  }
  if (config.slackEnabled) {
    const { slackAdapter } = loadAdapter<typeof SlackModule>('../adapters/slack');
    adapters.push(slackAdapter({ config: config.slack, http, logger, publicUrl: config.publicUrl }));
  }
  if (local) {
    const { consoleAdapter } = loadAdapter<typeof ConsoleModule>('../adapters/console/console');
    adapters.push(
      consoleAdapter({ clock: clock as SettableClock, input: process.stdin, output: process.stdout, startAs: 'pat', demo: flags.demo && config.demo }),
    );
  }
  // A platform that cannot be reached is retried in the background; a refused credential stops the start.
  await platforms.startAll(adapters).catch((err: unknown) => fail((err as Error).message));
  const address = await http.listen(config.port, host).catch((err: unknown) => {
    const { code, message } = err as NodeJS.ErrnoException;
    return fail(`cannot listen on ${host}:${config.port} (${code ?? message}); set PORT to a free port`);
  });
  logger.info({ port: address.port, host, mode: config.mode }, 'listening');

  const timers: Timer[] = [startCron(() => core.scheduler.tick(), logger)];
  if (config.operations.backupCron !== 'off' && config.databasePath !== ':memory:') {
    // Said to a server's operator; a terminal's local mode keeps its output clean.
    const sameVolume = local ? null : backupVolumeWarning(config.databasePath, config.operations.backupDir);
    if (sameVolume) logger.warn({ backupDir: config.operations.backupDir }, sameVolume);
    timers.push(
      startBackupCron(
        config.operations.backupCron,
        async () => {
          const r = await backupDatabase(core.db, config.operations.backupDir, config.operations.backupKeep, new Date());
          logger.info({ path: r.path, pages: r.pages, removed: r.removed.length }, 'backup written');
        },
        logger,
      ),
    );
  }
  const stop = (): Promise<void> =>
    gracefulStop(
      {
        stopTimers: () => {
          timers.forEach((t) => t.stop());
          platforms.stop();
        },
        ...adapterSteps(adapters),
        scheduler: core.scheduler,
        dispatcher: core.dispatcher,
        erasures: core.erasures,
        closeHttp: () => http.close(),
        closeDatabase: () => {
          core.close();
          lock.release();
        },
        logger,
      },
      { sendGraceMs: config.operations.shutdownGraceSeconds * 1000 },
    );
  onSignals(stop, (code) => process.exit(fatal ? 1 : code), logger);
  // Under `npm start` npm is the parent. Should it die without passing a signal on (SIGKILL, a
  // crash), the service stops too instead of holding the port and the database as an orphan.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid === parent) return;
      logger.warn({ parent }, 'npm, which started this service, is gone: stopping');
      process.kill(process.pid, 'SIGTERM');
    }, 1_000).unref();
  }
  // A failed start-up tick (a busy database) is logged; the minute tick tries again.
  await core.scheduler.tick().catch((err: unknown) => {
    logger.error(errorLogFields(err, config.databasePath), 'start-up tick failed; the next tick retries');
  });

  // An adapter that owns the terminal (the console, in local mode) runs now; the end of its input ends the service.
  const session = adapters.find((adapter) => adapter.run !== undefined);
  if (session?.run) {
    await session.run();
    await stop();
    process.exit(0);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`touchpoint: stopped: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
