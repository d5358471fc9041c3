/**
 * The console as a platform adapter: the bot on this terminal (`session.ts`), in local mode. On
 * start it seeds the demo school into an empty console workspace (unless told not to) and
 * registers the console's Notifier, which prints DMs; its session runs after the service's first
 * tick, and the end of its input ends the service.
 */
import type { PlatformAdapter } from '../../src/platform';
import type { SettableClock } from '../../src/core/ports';
import { seedDemo } from './demo';
import { ConsoleSession } from './session';

export interface ConsoleAdapterOptions {
  /** The core's clock: the console moves it (`:advance`). */
  clock: SettableClock;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** The handle the session starts as. */
  startAs: string;
  /** Seed the demo school when the console workspace has none (off with --no-demo or DEMO=false). */
  demo: boolean;
}

export function consoleAdapter(options: ConsoleAdapterOptions): PlatformAdapter {
  let session: ConsoleSession | undefined;
  return {
    name: 'console',
    title: 'console',
    get notifier() {
      return session?.notifier;
    },
    start(core) {
      if (options.demo) seedDemo(core.services, options.clock.now());
      session = new ConsoleSession({
        app: core.app,
        services: core.services,
        clock: options.clock,
        tick: async () => {
          await core.scheduler.tick();
        },
        deliver: async () => {
          await core.dispatcher.dispatchDue();
        },
        nextDueAt: () => core.services.outbox.nextDueAt(),
        input: options.input,
        output: options.output,
        startAs: options.startAs,
      });
      core.dispatcher.addNotifier(session.notifier);
      return Promise.resolve();
    },
    async run() {
      if (!session) throw new Error('the console runs only after it has started');
      await session.run();
    },
    // The session ends with its input, and nothing else is in flight: there is nothing to stop.
    async stop() {},
  };
}
