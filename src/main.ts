/**
 * Composition root: config, database, core, scheduler, HTTP server and adapters. With no Slack
 * or Teams credentials it runs in local mode: 127.0.0.1 only, and the console on this terminal.
 */
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config';
import { buildCore, type Core } from './compose';
import { createLogger } from './logger';
import { HttpServer } from './http/server';
import { registerHealth } from './http/health';
import { registerPolicyPages } from './http/privacy';
import { SettableClock, systemClock, type Clock } from './core/ports';
import { MigrationError, databaseHealth } from './store/migrate';
import { backupDatabase, backupVolumeWarning } from './store/backup';
import { startBackupCron, startCron, type Timer } from './scheduler/cron';
import { nodeWakeTimers } from './scheduler/dispatch';
import { adapterSteps, gracefulStop, onSignals } from './lifecycle';
import type { PlatformAdapter } from './platform';
import { exportRoute } from './features/operations/commands';
import { calendarRoute } from './features/calendar/feed';
import { consoleAdapter } from '../adapters/console/console';
import { slackAdapter } from '../adapters/slack';
import { teamsAdapter } from '../adapters/teams';

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

function fail(message: string): never {
  process.stderr.write(`touchpoint: cannot start: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
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

  let core: Core;
  try {
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
    });
  } catch (err) {
    if (err instanceof MigrationError) fail(err.message);
    throw err;
  }

  const http = new HttpServer(logger);
  registerHealth(http, { database: () => databaseHealth(core.db), lastTickWallMs: () => core.scheduler.lastTickWallMs });
  registerPolicyPages(http);
  http.route('GET', '/export/*', exportRoute(core.registry, core.services, clock));
  http.route('GET', '/calendar/*', calendarRoute(core.services, clock));

  // One line per platform (docs/adapters.md); each starts before the server listens, in this order.
  const adapters: PlatformAdapter[] = [];
  // Teams: tokens verified when MICROSOFT_APP_ID is set; in local mode unauthenticated, for the Emulator (127.0.0.1 only).
  if (config.teamsEnabled || local) adapters.push(teamsAdapter({ config, http, logger, local }));
  if (config.slackEnabled) adapters.push(slackAdapter({ config: config.slack, http, logger, publicUrl: config.publicUrl }));
  if (local)
    adapters.push(
      consoleAdapter({ clock: clock as SettableClock, input: process.stdin, output: process.stdout, startAs: 'pat', demo: flags.demo && config.demo }),
    );
  for (const adapter of adapters) {
    try {
      await adapter.start(core);
    } catch (err) {
      fail(`${adapter.title}: ${(err as Error).message}`);
    }
  }
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
    gracefulStop({
      stopTimers: () => timers.forEach((t) => t.stop()),
      ...adapterSteps(adapters),
      scheduler: core.scheduler,
      dispatcher: core.dispatcher,
      erasures: core.erasures,
      closeHttp: () => http.close(),
      closeDatabase: () => core.close(),
      logger,
    });
  onSignals(stop, (code) => process.exit(code), logger);
  // A failed start-up tick (a busy database) is logged; the minute tick tries again.
  await core.scheduler.tick().catch((err: unknown) => {
    logger.error({ err: (err as Error)?.message ?? String(err) }, 'start-up tick failed; the next tick retries');
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
