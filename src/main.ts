/**
 * Composition root: config, database, core, scheduler, HTTP server and adapters. With no Slack
 * or Teams credentials it runs in local mode: 127.0.0.1 only, and the console on this terminal.
 */
import { ConfigError, loadConfig, loadDotEnv, type Config } from './config';
import { buildCore } from './compose';
import { createLogger } from './logger';
import { HttpServer, sendJson } from './http/server';
import { SettableClock, systemClock, type Clock } from './core/ports';
import { MigrationError } from './store/migrate';
import { startCron } from './scheduler/cron';
import { ConsoleAdapter } from '../adapters/console/console';
import { seedDemo } from '../adapters/console/demo';

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

async function main(): Promise<void> {
  let config: Config;
  let flags: CliFlags;
  try {
    loadDotEnv();
    config = loadConfig(process.env);
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`touchpoint: cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const local = config.mode === 'local';
  // In local mode the terminal belongs to the console: only warnings unless LOG_LEVEL says otherwise.
  const logger = createLogger(local && !process.env.LOG_LEVEL ? 'warn' : config.logLevel);
  const clock: Clock = local ? new SettableClock(flags.now ?? new Date()) : systemClock;

  let core;
  try {
    core = buildCore({ databasePath: config.databasePath, clock, logger });
  } catch (err) {
    if (err instanceof MigrationError) {
      process.stderr.write(`touchpoint: cannot start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const http = new HttpServer(logger);
  http.route('GET', '/healthz', (_req, res) => sendJson(res, 200, { status: 'ok' }));
  // An unauthenticated local endpoint never listens beyond this machine.
  const host = local ? '127.0.0.1' : config.host ?? '0.0.0.0';
  const address = await http.listen(config.port, host).catch((err: NodeJS.ErrnoException) => {
    process.stderr.write(`touchpoint: cannot listen on ${host}:${config.port}: ${err.code ?? err.message}. Set PORT to a free port.\n`);
    process.exit(1);
  });
  logger.info({ port: address.port, host, mode: config.mode }, 'listening');

  const cron = startCron(() => core.scheduler.tick(), logger);
  let stopping = false;
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    cron.stop();
    await core.scheduler.tick().catch(() => undefined);
    await http.close();
    core.close();
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  if (local) {
    if (flags.demo && config.demo) seedDemo(core.store, clock.now());
    const console = new ConsoleAdapter({
      app: core.app, store: core.store, clock: clock as SettableClock,
      tick: async () => { await core.scheduler.tick(); },
      deliver: async () => { await core.dispatcher.dispatchDue(); },
      nextDueAt: () => core.outbox.nextDueAt(),
      input: process.stdin, output: process.stdout, startAs: 'pat',
    });
    core.dispatcher.addNotifier(console.notifier);
    await core.scheduler.tick();
    await console.run();
    await shutdown(0);
    return;
  }
  await core.scheduler.tick();
}

void main();
