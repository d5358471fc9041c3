/**
 * The adapter contract (src/platform.ts) as `main.ts` uses it: each adapter registers its
 * Notifier when it starts, a failed start rejects with the reason, the console's session ends with
 * its input, and a graceful stop stops every adapter before the scheduler and settles them after
 * the HTTP server closed.
 */
import { PassThrough } from 'node:stream';
import { consoleAdapter } from '../../adapters/console/console';
import { DEMO_SCHOOL } from '../../adapters/console/demo';
import { slackAdapter } from '../../adapters/slack';
import { teamsAdapter } from '../../adapters/teams';
import { NO_CONVERSATION } from '../../adapters/teams/notifier';
import { buildCore, type Core } from '../../src/compose';
import { SettableClock, silentLogger } from '../../src/core/ports';
import { HttpServer } from '../../src/http/server';
import { adapterSteps, gracefulStop } from '../../src/lifecycle';
import type { PlatformAdapter } from '../../src/platform';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack';

const START = new Date('2026-11-23T15:00:00Z');

describe('the platform adapters', () => {
  let clock: SettableClock;
  let core: Core;
  let http: HttpServer;
  beforeEach(() => {
    clock = new SettableClock(START);
    core = buildCore({ databasePath: ':memory:', clock, deliverImmediately: false });
    http = new HttpServer();
  });
  afterEach(async () => {
    await http.close();
    core.close();
  });

  /** Queues a DM to someone on the adapter's platform and dispatches it; returns the row's error, if any. */
  async function dmThroughDispatcher(adapter: PlatformAdapter, tenantExternalId: string, userExternalId: string): Promise<string | null> {
    const { tenant, user } = core.app.identify({ platform: adapter.name, tenantExternalId, userExternalId });
    const dedupeKey = `contract:${adapter.name}:${userExternalId}`;
    core.services.outbox.enqueue(
      { tenantId: tenant.id, recipientId: user.id, kind: 'contract', dedupeKey, message: { text: 'Hello', blocks: [] }, dueAt: clock.now() },
      clock.now(),
    );
    await core.dispatcher.dispatchDue();
    const row = core.services.outbox.byDedupeKey(dedupeKey)!;
    return row.status === 'sent' ? null : row.lastError;
  }

  it('the console seeds the demo on start (when asked), prints DMs, and its session ends with its input', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (c: Buffer) => (printed += c.toString()));
    const adapter = consoleAdapter({ clock, input, output, startAs: 'pat', demo: true });
    expect([adapter.name, adapter.notifier]).toEqual(['console', undefined]);
    expect(await dmThroughDispatcher(adapter, 'local', 'taylor')).toBe('unreachable: no console connection is configured');
    await adapter.start(core);
    expect(adapter.notifier?.platform).toBe('console');
    const tenant = core.services.people.ensureTenant('console', 'local', clock.now());
    expect(core.services.people.schoolsOfTenant(tenant.id).map((s) => s.name)).toEqual([DEMO_SCHOOL]);
    expect(await dmThroughDispatcher(adapter, 'local', 'casey')).toBeNull();
    expect(printed).toMatch(/DM to Casey Lee \(@casey\):\n {3}Hello/);

    const session = adapter.run!();
    input.end(':who\n');
    await session;
    expect(printed).toContain('You are Pat Rivera (@pat).');
    await adapter.stop();
  });

  it('the console without the demo leaves the workspace empty', async () => {
    const adapter = consoleAdapter({ clock, input: new PassThrough(), output: new PassThrough(), startAs: 'pat', demo: false });
    await adapter.start(core);
    const tenant = core.services.people.ensureTenant('console', 'local', clock.now());
    expect(core.services.people.schoolsOfTenant(tenant.id)).toEqual([]);
  });

  it('Teams mounts /api/messages and registers its Notifier; outside local mode it needs an app id', async () => {
    const adapter = teamsAdapter({ config: { teams: { appType: 'SingleTenant' } }, http, logger: silentLogger, local: true });
    await adapter.start(core);
    expect(adapter.notifier?.platform).toBe('teams');
    // The Teams Notifier answers: it has no conversation with this person yet.
    expect(await dmThroughDispatcher(adapter, 'emulator', 'aad-casey')).toBe(`unreachable: ${NO_CONVERSATION}`);
    const { port } = await http.listen(0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(403); // mounted: a serviceUrl off this machine is refused, not 404

    const production = teamsAdapter({ config: { teams: { appType: 'SingleTenant' } }, http: new HttpServer(), logger: silentLogger, local: false });
    await expect(production.start(core)).rejects.toThrow(/MICROSOFT_APP_ID/);
    expect(production.title).toBe('Teams');
  });

  describe('Slack', () => {
    let fake: FakeSlack;
    beforeEach(async () => {
      fake = await startFakeSlack();
    });
    afterEach(async () => {
      await fake.stop();
    });

    it('checks its token on start and registers its Notifier', async () => {
      const adapter = slackAdapter({ config: { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: fake.apiUrl }, http });
      await adapter.start(core);
      expect(fake.callsOf('auth.test')).toHaveLength(1);
      expect(adapter.notifier?.platform).toBe('slack');
      expect(await dmThroughDispatcher(adapter, 'T_FAKE', 'U0CASEY')).toBeNull();
      expect(fake.callsOf('chat.postMessage').map((c) => c.body.text)).toEqual(['Hello']);
      await adapter.stop();
      await adapter.settled!();
    });

    it('a refused token fails the start with the reason', async () => {
      fake.fail('auth.test', 'invalid_auth');
      const adapter = slackAdapter({ config: { botToken: 'xoxb-bad', signingSecret: 'secret', apiUrl: fake.apiUrl }, http });
      await expect(adapter.start(core)).rejects.toThrow('Slack did not accept SLACK_BOT_TOKEN (auth.test: invalid_auth)');
      expect(adapter.title).toBe('Slack');
    });
  });

  it('a graceful stop stops every adapter before the scheduler, and settles them after the HTTP server closed', async () => {
    const order: string[] = [];
    const recording = (name: 'slack' | 'teams'): PlatformAdapter => ({
      name,
      title: name,
      start: () => Promise.resolve(),
      stop: () => {
        order.push(`${name} stopped`);
        return Promise.resolve();
      },
      settled: () => {
        order.push(`${name} settled`);
        return Promise.resolve();
      },
    });
    const stopScheduler = core.scheduler.stop.bind(core.scheduler);
    core.scheduler.stop = () => {
      order.push('scheduler stopped');
      stopScheduler();
    };
    await gracefulStop({
      stopTimers: () => undefined,
      ...adapterSteps([recording('teams'), recording('slack')]),
      scheduler: core.scheduler,
      dispatcher: core.dispatcher,
      closeHttp: () => {
        order.push('http closed');
        return Promise.resolve();
      },
      closeDatabase: () => order.push('database closed'),
      logger: silentLogger,
    });
    expect(order).toEqual(['teams stopped', 'slack stopped', 'scheduler stopped', 'http closed', 'teams settled', 'slack settled', 'database closed']);
  });
});
