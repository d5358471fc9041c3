/**
 * Degraded start: a platform that cannot be reached at boot is retried with backoff while the
 * rest starts; readiness names it until it joins. A refused credential is fatal at boot, and stops
 * the service when a retry finds it. Retry timers are fired by the test.
 */
import { buildCore, type Core } from '../src/compose';
import { SettableClock, silentLogger } from '../src/core/ports';
import { PlatformUnreachableError, type PlatformAdapter } from '../src/platform';
import { PlatformStarter, retryDelayMs } from '../src/platform-start';
import { ManualTimers } from './support/manual-timers';

/** An adapter whose start answers from a script: 'down' (unreachable), 'refused' (bad credential) or 'up'. */
function scripted(name: 'slack' | 'teams', script: ('down' | 'refused' | 'up')[]): PlatformAdapter & { starts: number } {
  const adapter = {
    name,
    title: name === 'slack' ? 'Slack' : 'Teams',
    starts: 0,
    start(): Promise<void> {
      adapter.starts += 1;
      const next = script.shift() ?? 'up';
      if (next === 'down') return Promise.reject(new PlatformUnreachableError('Slack could not be reached (auth.test: fetch failed)'));
      if (next === 'refused') return Promise.reject(new Error('Slack did not accept SLACK_BOT_TOKEN (auth.test: invalid_auth)'));
      return Promise.resolve();
    },
    stop: () => Promise.resolve(),
  };
  return adapter;
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

let core: Core;
beforeEach(() => {
  core = buildCore({ databasePath: ':memory:', clock: new SettableClock(new Date('2026-11-23T13:00:00Z')), deliverImmediately: false });
});
afterEach(() => core.close());

describe('a platform unreachable at boot', () => {
  it('is retried with backoff while the others start; readiness names it until it joins', async () => {
    const timers = new ManualTimers();
    const fatal: string[] = [];
    const starter = new PlatformStarter(core, {
      logger: silentLogger,
      timers,
      now: () => new Date('2026-11-23T13:00:00Z'),
      onFatal: (a) => fatal.push(a.name),
    });
    const teams = scripted('teams', ['up']);
    const slack = scripted('slack', ['down', 'down', 'up']);
    await starter.startAll([teams, slack]);

    expect(starter.health()).toEqual({
      teams: { ok: true },
      slack: { ok: false, detail: 'unreachable since 2026-11-23T13:00:00.000Z, retrying (Slack could not be reached (auth.test: fetch failed))' },
    });
    expect(timers.armed).toEqual([5_000]);
    timers.fireAll();
    await flush();
    expect(timers.armed).toEqual([10_000]); // backoff doubles
    expect(starter.health().slack.detail).toMatch(/^unreachable since 2026-11-23T13:00:00.000Z, retrying/);
    timers.fireAll();
    await flush();
    expect(starter.health()).toEqual({ teams: { ok: true }, slack: { ok: true } });
    expect([slack.starts, teams.starts, timers.armed, fatal]).toEqual([3, 1, [], []]);
  });

  it('backs off from 5 s, doubling, to at most 5 minutes', () => {
    expect([1, 2, 3, 6, 7, 20].map(retryDelayMs)).toEqual([5_000, 10_000, 20_000, 160_000, 300_000, 300_000]);
  });

  it('stops retrying at shutdown', async () => {
    const timers = new ManualTimers();
    const starter = new PlatformStarter(core, { logger: silentLogger, timers, onFatal: () => undefined });
    await starter.startAll([scripted('slack', ['down'])]);
    starter.stop();
    expect(timers.armed).toEqual([]);
  });
});

describe('a refused credential', () => {
  it('is fatal at boot, naming the platform', async () => {
    const starter = new PlatformStarter(core, { logger: silentLogger, timers: new ManualTimers(), onFatal: () => undefined });
    await expect(starter.startAll([scripted('slack', ['refused'])])).rejects.toThrow('Slack: Slack did not accept SLACK_BOT_TOKEN (auth.test: invalid_auth)');
  });

  it('found by a retry, stops the service', async () => {
    const timers = new ManualTimers();
    const fatal: string[] = [];
    const starter = new PlatformStarter(core, { logger: silentLogger, timers, onFatal: (a, err) => fatal.push(`${a.name}: ${err.message}`) });
    await starter.startAll([scripted('slack', ['down', 'refused'])]);
    timers.fireAll();
    await flush();
    expect(fatal).toEqual(['slack: Slack did not accept SLACK_BOT_TOKEN (auth.test: invalid_auth)']);
    expect(starter.health().slack.ok).toBe(false);
  });
});
