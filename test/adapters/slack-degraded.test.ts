/**
 * Slack unreachable at boot: the adapter's start fails as "unreachable" (retried by the service),
 * not as a refused token, and a later start — once Slack answers — works from scratch and
 * registers the Notifier. A refused token stays a refused token.
 */
import { createServer } from 'node:net';
import { slackAdapter } from '../../adapters/slack';
import { buildCore, type Core } from '../../src/compose';
import { SettableClock } from '../../src/core/ports';
import { HttpServer } from '../../src/http/server';
import { PlatformUnreachableError } from '../../src/platform';
import { startFakeSlack } from '../support/fake-slack';

/** A 127.0.0.1 port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('Slack unreachable at boot', () => {
  let core: Core;
  beforeEach(() => {
    core = buildCore({ databasePath: ':memory:', clock: new SettableClock(new Date('2026-11-23T15:00:00Z')), deliverImmediately: false });
  });
  afterEach(() => core.close());

  it('fails the start as unreachable; a start once it answers registers the Notifier', async () => {
    const http = new HttpServer();
    const down = `http://127.0.0.1:${await closedPort()}/api/`;
    const adapter = slackAdapter({ config: { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: down }, http });
    const failed = await adapter.start(core).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(PlatformUnreachableError);
    expect((failed as Error).message).toMatch(/^Slack could not be reached \(auth\.test: /);
    expect(adapter.notifier).toBeUndefined();

    const fake = await startFakeSlack();
    try {
      const again = slackAdapter({ config: { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: fake.apiUrl }, http });
      await again.start(core);
      expect(again.notifier?.platform).toBe('slack');
      await again.stop();
    } finally {
      await fake.stop();
    }
  });

  it('a refused token is not "unreachable": it is fatal', async () => {
    const fake = await startFakeSlack();
    try {
      fake.fail('auth.test', 'token_revoked');
      const adapter = slackAdapter({ config: { botToken: 'xoxb-old', signingSecret: 'secret', apiUrl: fake.apiUrl }, http: new HttpServer() });
      const failed = await adapter.start(core).catch((err: unknown) => err);
      expect(failed).not.toBeInstanceOf(PlatformUnreachableError);
      expect((failed as Error).message).toBe('Slack did not accept SLACK_BOT_TOKEN (auth.test: token_revoked)');
    } finally {
      await fake.stop();
    }
  });
});
