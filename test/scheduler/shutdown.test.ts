/**
 * Shutdown with a platform that never answers: the stop gives the send its grace, abandons it,
 * releases its claim (the row is pending again, due at once, not leased for 5 minutes), closes the
 * database, and the next start sends it. The grace is a timer the test fires — no wall-clock waits.
 * Also: rate-limited sends are logged as one summary line a minute per platform.
 */
import { buildCore } from '../../src/compose';
import { SettableClock, type Delivery, type Logger, type Notifier } from '../../src/core/ports';
import { gracefulStop } from '../../src/lifecycle';
import { RecordingNotifier, inbound, seedDemoSchool, tempDbPath, type Harness } from '../support/harness';
import { ManualTimers } from '../support/manual-timers';

function recordingLogger(): Logger & { lines: { level: string; obj: Record<string, unknown>; msg?: string }[] } {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('shutdown with a send that never finishes', () => {
  it('abandons it after the grace, releases its claim, and the next start sends it at once', async () => {
    const path = tempDbPath();
    const start = new Date('2026-11-23T15:00:00Z');
    let started = 0;
    const hanging: Notifier = {
      platform: 'console',
      send: () => {
        started += 1;
        return new Promise<Delivery>(() => undefined);
      },
    };
    const clock = new SettableClock(start);
    const logger = recordingLogger();
    const core = buildCore({ databasePath: path, clock, notifiers: [hanging], deliverImmediately: false, logger });
    seedDemoSchool({ core, clock } as unknown as Harness);
    core.app.command(inbound('pat'), 'touchpoint', 'book @casey weekly tue 14:00');
    void core.scheduler.tick();
    await flush();
    expect(started).toBe(1);
    expect(core.services.outbox.byDedupeKey('booking.proposal:1')!.status).toBe('sending');

    const timers = new ManualTimers();
    let stopped = false;
    const stopping = gracefulStop(
      {
        stopTimers: () => undefined,
        scheduler: core.scheduler,
        dispatcher: core.dispatcher,
        closeHttp: () => Promise.resolve(),
        closeDatabase: () => core.close(),
        logger,
      },
      { sendGraceMs: 3_000, timers },
    ).then(() => (stopped = true));
    await flush();
    // Within the grace: still waiting for the send, the database open.
    expect([stopped, core.db.open, timers.armed]).toEqual([false, true, [3_000]]);

    timers.fireAll(); // the grace is over
    await stopping;
    expect(core.db.open).toBe(false);
    expect(logger.lines.find((l) => l.msg?.startsWith('sends still in flight after the grace were abandoned'))?.obj).toEqual({
      inFlight: 1,
      released: 1,
      graceMs: 3_000,
    });

    // The next start, a second later (not after the 5-minute lease): the proposal is pending and goes out.
    const nextClock = new SettableClock(new Date(start.getTime() + 1_000));
    const notifier = new RecordingNotifier('console', nextClock);
    const next = buildCore({ databasePath: path, clock: nextClock, notifiers: [notifier], deliverImmediately: false });
    const row = next.services.outbox.byDedupeKey('booking.proposal:1')!;
    expect([row.status, row.leaseUntil]).toEqual(['pending', null]);
    await next.dispatcher.dispatchDue();
    expect(notifier.sent.map((d) => d.to)).toEqual(['casey']);
    expect(next.services.outbox.byDedupeKey('booking.proposal:1')!.status).toBe('sent');
    next.close();
  });

  it('a send that finishes within the grace is recorded as sent, and nothing is released', async () => {
    const clock = new SettableClock(new Date('2026-11-23T15:00:00Z'));
    let answer: (d: Delivery) => void = () => undefined;
    const slow: Notifier = { platform: 'console', send: () => new Promise<Delivery>((r) => (answer = r)) };
    const core = buildCore({ databasePath: tempDbPath(), clock, notifiers: [slow], deliverImmediately: false });
    seedDemoSchool({ core, clock } as unknown as Harness);
    core.app.command(inbound('pat'), 'touchpoint', 'book @casey weekly tue 14:00');
    void core.dispatcher.dispatchDue();
    await flush();
    const timers = new ManualTimers();
    const stopping = gracefulStop(
      {
        stopTimers: () => undefined,
        scheduler: core.scheduler,
        dispatcher: core.dispatcher,
        closeHttp: () => Promise.resolve(),
        closeDatabase: () => undefined,
        logger: recordingLogger(),
      },
      { timers },
    );
    await flush();
    answer({ status: 'delivered' });
    await stopping;
    expect(timers.armed).toEqual([]); // the grace timer was cleared, never fired
    expect(core.services.outbox.byDedupeKey('booking.proposal:1')!.status).toBe('sent');
    core.close();
  });
});

describe('rate-limited sends', () => {
  it('are logged once when they start, then as one summary line a minute per platform', async () => {
    const clock = new SettableClock(new Date('2026-11-23T15:00:00Z'));
    const logger = recordingLogger();
    const notifier = new RecordingNotifier('console', clock);
    const core = buildCore({ databasePath: ':memory:', clock, notifiers: [notifier], deliverImmediately: false, logger, random: () => 0.5 });
    const tenant = core.services.people.ensureTenant('console', 'local', clock.now());
    for (let i = 0; i < 40; i++) {
      const user = core.services.people.ensureUser(tenant.id, `u${i}`, clock.now(), `User ${i}`);
      core.services.outbox.enqueue(
        { tenantId: tenant.id, recipientId: user.id, kind: 'test.note', dedupeKey: `rl:${i}`, message: { text: `note ${i}`, blocks: [] }, dueAt: clock.now() },
        clock.now(),
      );
      notifier.script.push({ status: 'retry', afterSeconds: i % 2 === 0 ? 3 : 7, error: 'ratelimited' });
    }
    await core.dispatcher.dispatchDue();
    const rateLines = (): { msg?: string; obj: Record<string, unknown> }[] => logger.lines.filter((l) => /rate-limit/.test(l.msg ?? ''));
    expect(rateLines().map((l) => l.msg)).toEqual(['console is rate-limiting sends; they are retried when it says, and summarised once a minute']);
    expect(logger.lines.filter((l) => l.msg === 'outbox send failed; will retry')).toEqual([]);

    // A minute on, the next pass sends them all and first logs the minute's summary.
    clock.set(new Date(clock.now().getTime() + 60_000));
    await core.dispatcher.dispatchDue();
    expect(rateLines().map((l) => l.obj)).toEqual([
      expect.objectContaining({ platform: 'console', retryAfterSeconds: 3 }),
      { platform: 'console', rateLimited: 39, longestRetryAfterSeconds: 7, seconds: 60 },
    ]);
    expect(notifier.sent).toHaveLength(40);
    core.close();
  });
});
