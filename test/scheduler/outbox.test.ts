/**
 * The outbox under failure: a second process taking over, reminders whose moment passed while
 * the service was down, a Notifier that throws or asks to retry later, and giving up after 24 hours.
 */
import { createHarness, seedDemoSchool, bookAccepted, tempDbPath, type Harness } from '../support/harness';
import { BASE_BACKOFF_MS, Dispatcher, backoffMs, nodeWakeTimers } from '../../src/scheduler/dispatch';
import type { Delivery, Notifier, UserRef } from '../../src/core/ports';
import type { Message } from '../../src/messages/model';
import type { OutboxRow } from '../../src/core/ports';

const HOUR = 3_600_000;
const header = (m: { blocks: { type: string }[]; text: string }): string =>
  m.blocks[0]?.type === 'header' ? (m.blocks[0] as unknown as { text: string }).text : m.text;

describe('taking over after a restart', () => {
  it('a second core on the same database sends nothing twice and loses nothing', async () => {
    const path = tempDbPath();
    const first = createHarness({ start: new Date('2026-11-18T17:00:00Z'), databasePath: path });
    seedDemoSchool(first);
    bookAccepted(first);
    // Until Fri 20 Nov 09:00 local: the agreement and the prompts are out.
    const before = await first.advance(new Date('2026-11-20T14:00:00Z').getTime() - first.clock.now().getTime());
    expect(before.filter((d) => header(d.message) === 'Agenda prompt')).toHaveLength(2);
    first.close();

    const second = createHarness({ start: new Date('2026-11-20T14:00:00Z'), databasePath: path });
    const after = await second.advance(new Date('2026-11-24T20:00:00Z').getTime() - second.clock.now().getTime());
    expect(after.filter((d) => header(d.message) === 'Agenda prompt')).toHaveLength(0);
    expect(
      after
        .filter((d) => header(d.message).startsWith('Agenda —'))
        .map((d) => d.to)
        .sort(),
    ).toEqual(['casey', 'pat']);
    expect(
      after
        .filter((d) => header(d.message) === 'Did it happen?')
        .map((d) => d.to)
        .sort(),
    ).toEqual(['casey', 'pat']);
    const sentTwice = second.core.db.prepare(`SELECT dedupe_key FROM outbox GROUP BY recipient_id, kind, due_at HAVING COUNT(*) > 1`).all();
    expect(sentTwice).toEqual([]);
    second.close();
  });

  it('a row a crashed process had claimed is sent by the next one when the lease lapses, not before', async () => {
    const path = tempDbPath();
    const start = new Date('2026-11-23T15:00:00Z');
    const crashed = createHarness({ start, databasePath: path, leaseMs: 60_000 });
    seedDemoSchool(crashed);
    crashed.notifier.script.push('hang');
    crashed.run('pat', 'book @casey weekly tue 14:00');
    void crashed.deliver(); // claims the proposal, sends, and never hears back
    await new Promise((r) => setImmediate(r));
    expect(crashed.core.services.outbox.byDedupeKey('booking.proposal:1')!.status).toBe('sending');
    crashed.close();

    const next = createHarness({ start: new Date(start.getTime() + 59_000), databasePath: path });
    expect(await next.deliver()).toHaveLength(0);
    next.clock.set(new Date(start.getTime() + 60_000));
    expect((await next.deliver()).map((d) => [d.to, header(d.message)])).toEqual([['casey', 'Touch-point proposal']]);
    next.close();
  });

  it('a reminder whose moment passed while down is not sent late; one still useful is caught up', async () => {
    const path = tempDbPath();
    const first = createHarness({ start: new Date('2026-11-18T17:00:00Z'), databasePath: path });
    seedDemoSchool(first);
    bookAccepted(first);
    await first.advance(new Date('2026-11-24T16:00:00Z').getTime() - first.clock.now().getTime()); // Tue 11:00 local
    first.close();

    // Down from 11:00 to 15:00 local: the compiled agenda (13:00, useful until 14:00) has expired;
    // "did it happen?" (14:45) is caught up at once.
    const second = createHarness({ start: new Date('2026-11-24T20:00:00Z'), databasePath: path });
    const caughtUp = await second.deliver();
    await second.core.scheduler.tick();
    const all = [...caughtUp, ...second.notifier.sent];
    expect(all.filter((d) => header(d.message).startsWith('Agenda —'))).toHaveLength(0);
    expect(new Set(all.filter((d) => header(d.message) === 'Did it happen?').map((d) => d.to))).toEqual(new Set(['casey', 'pat']));
    const expired = second.core.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'agenda.compiled' AND status = 'expired'`).get() as { n: number };
    expect(expired.n).toBe(2);
    second.close();
  });
});

describe('claiming due rows', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ start: new Date('2026-11-23T15:00:00Z') });
    seedDemoSchool(h);
  });
  afterEach(() => h.close());

  /** `n` notes, each queued after the previous one but due a minute earlier. */
  const queueNotes = (n: number): void => {
    const now = h.clock.now();
    for (let i = 0; i < n; i++) {
      const u = h.user(i % 2 === 0 ? 'casey' : 'pat');
      h.core.services.outbox.enqueue(
        {
          tenantId: u.tenantId,
          recipientId: u.id,
          kind: 'test.note',
          dedupeKey: `note:${i}`,
          message: { text: `note:${i}`, blocks: [] },
          dueAt: new Date(now.getTime() - (i + 1) * 60_000),
        },
        now,
      );
    }
  };

  it('when more is due than one claim takes, the longest due are sent first', async () => {
    queueNotes(40);
    const sent = await h.deliver();
    expect(sent.map((d) => d.message.text)).toEqual(Array.from({ length: 40 }, (_, i) => `note:${39 - i}`));
  });

  /** A dispatcher over the harness's database whose sends each take `sendMs` (20 s) of the settable clock. */
  const slowDispatcher = (during: (sendNumber: number, text: string) => void, sendMs = 20_000): { dispatcher: Dispatcher; sent: string[] } => {
    const sent: string[] = [];
    const notifier: Notifier = {
      platform: 'console',
      send(_to: UserRef, message: Message): Promise<Delivery> {
        sent.push(message.text);
        h.clock.set(new Date(h.clock.now().getTime() + sendMs));
        during(sent.length, message.text);
        return Promise.resolve({ status: 'delivered' });
      },
    };
    const dispatcher = new Dispatcher({
      people: h.core.services.people,
      outbox: h.core.services.outbox,
      clock: h.clock,
      notifiers: [notifier],
      concurrency: 1,
      batchSize: 4,
      leaseMs: 30_000,
    });
    return { dispatcher, sent };
  };

  it('slow sends renew the claims behind them, so a batch outlasting its lease is still sent once', async () => {
    queueNotes(4);
    const { dispatcher, sent } = slowDispatcher((_, text) => {
      // The row being sent is still claimed when its send ends: no other process could have taken it.
      const row = h.core.services.outbox.byDedupeKey(text)!;
      expect([text, row.status, row.leaseUntil!.getTime() >= h.clock.now().getTime()]).toEqual([text, 'sending', true]);
    });
    const report = await dispatcher.dispatchDue();
    expect(sent).toEqual(['note:3', 'note:2', 'note:1', 'note:0']); // 80 s of sends on a 30 s lease
    expect(report).toMatchObject({ sent: 4, lost: 0 });
  });

  it('a claim that lapsed and was taken over by another process is left to it, not sent twice', async () => {
    queueNotes(4);
    let takenOver: string[] = [];
    const { dispatcher, sent } = slowDispatcher((n) => {
      // 40 s after the claim, during the second send, a second process claims what has lapsed.
      if (n === 2) takenOver = h.core.services.outbox.claimDue(h.clock.now(), 30_000, 10).claimed.map((r) => r.message.text);
    });
    const report = await dispatcher.dispatchDue();
    expect(takenOver).toEqual(['note:1', 'note:0']);
    expect(sent).toEqual(['note:3', 'note:2']);
    expect(report).toMatchObject({ sent: 2, lost: 2 });
  });

  it('a send that outlasts its lease does not overwrite what the process that took the row over decided', async () => {
    queueNotes(1);
    let takenOver: OutboxRow | undefined;
    const { dispatcher, sent } = slowDispatcher(() => {
      // 40 s into a 30 s lease: another process claims the row, fails to send it, and plans a retry.
      [takenOver] = h.core.services.outbox.claimDue(h.clock.now(), 30_000, 10).claimed;
      const retryAt = new Date(h.clock.now().getTime() + 60_000);
      expect(h.core.services.outbox.markRetry({ id: takenOver.id, leaseUntil: takenOver.leaseUntil! }, retryAt, 'slack timed out', h.clock.now())).toBe(true);
    }, 40_000);
    const report = await dispatcher.dispatchDue();
    expect(sent).toEqual(['note:0']);
    expect(report).toMatchObject({ sent: 0, lost: 1 });
    // The row is as the other process left it: to be tried again, not marked sent.
    expect(h.core.services.outbox.byId(takenOver!.id)).toMatchObject({ status: 'pending', lastError: 'slack timed out' });
  });

  it('a crash mid-send leaves at most concurrency × 4 rows claimed; the rest stay pending for the next process', async () => {
    queueNotes(100);
    for (let i = 0; i < 8; i++) h.notifier.script.push('hang'); // every send of the first batch, never answered
    void h.deliver();
    await new Promise((r) => setImmediate(r));
    expect(h.core.services.outbox.countByStatus()).toMatchObject({ sending: 32, pending: 68 });
  });
});

describe('a failing Notifier', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ start: new Date('2026-11-23T15:00:00Z') });
    seedDemoSchool(h);
  });
  afterEach(() => h.close());

  it('a retry-after hint delays the send, then it is delivered once', async () => {
    h.notifier.script.push({ status: 'retry', afterSeconds: 120, error: 'rate limited' });
    h.run('pat', 'book @casey weekly tue 14:00');
    expect(await h.deliver()).toHaveLength(0);
    const row = h.core.services.outbox.byDedupeKey('booking.proposal:1')!;
    expect(row.status).toBe('pending');
    // Exactly what the platform asked for, plus the jitter (random fixed at 0.5 → 500 ms): not the 30 s backoff.
    expect(row.nextAttemptAt.getTime() - h.clock.now().getTime()).toBe(120_500);
    h.clock.advance(60_000);
    expect(await h.deliver()).toHaveLength(0);
    h.clock.advance(120_500);
    const sent = await h.deliver();
    expect(sent.map((d) => [d.to, header(d.message)])).toEqual([['casey', 'Touch-point proposal']]);
    expect(h.core.services.outbox.byDedupeKey('booking.proposal:1')!.status).toBe('sent');
  });

  it('a thrown error backs off exponentially and the message arrives later', async () => {
    h.notifier.script.push('throw', 'throw');
    h.run('pat', 'book @casey weekly tue 14:00');
    await h.deliver();
    const first = h.core.services.outbox.byDedupeKey('booking.proposal:1')!;
    expect(first.lastError).toBe('network down');
    const wait1 = first.nextAttemptAt.getTime() - h.clock.now().getTime();
    h.clock.set(first.nextAttemptAt);
    await h.deliver();
    const second = h.core.services.outbox.byDedupeKey('booking.proposal:1')!;
    const wait2 = second.nextAttemptAt.getTime() - h.clock.now().getTime();
    expect(wait2).toBe(2 * wait1);
    h.clock.set(second.nextAttemptAt);
    expect((await h.deliver()).map((d) => d.to)).toEqual(['casey']);
  });

  it('after 24 hours of failures the row is dead, and not before', async () => {
    for (let i = 0; i < 200; i++) h.notifier.script.push({ status: 'retry', error: 'Slack answered 503' });
    h.run('pat', 'book @casey weekly tue 14:00');
    await h.deliver();
    const firstFailed = h.clock.now().getTime();
    for (;;) {
      const row = h.core.services.outbox.byDedupeKey('booking.proposal:1')!;
      if (row.status !== 'pending') break;
      h.clock.set(row.nextAttemptAt);
      await h.deliver();
      const now = h.clock.now().getTime();
      const after = h.core.services.outbox.byDedupeKey('booking.proposal:1')!;
      if (now - firstFailed < 24 * HOUR) expect(after.status).toBe('pending');
    }
    const dead = h.core.services.outbox.byDedupeKey('booking.proposal:1')!;
    expect(dead.status).toBe('dead');
    expect(h.clock.now().getTime() - firstFailed).toBeGreaterThanOrEqual(24 * HOUR);
    expect(h.notifier.to('casey')).toHaveLength(0);
  });
});

describe('a recipient the platform cannot reach', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
    seedDemoSchool(h);
  });
  afterEach(() => h.close());

  it('is given up at once, not retried for a day, and the person is marked unreachable until a delivery reaches them', async () => {
    h.notifier.script.push({ status: 'unreachable', error: 'Casey never opened the app' });
    h.run('pat', 'book @casey weekly tue 14:00');
    await h.deliver();
    const row = h.core.services.outbox.byDedupeKey('booking.proposal:1')!;
    expect(row).toMatchObject({ status: 'dead', attempts: 1, lastError: 'unreachable: Casey never opened the app' });
    const casey = h.user('casey');
    expect(h.core.services.people.unreachable(casey.tenantId, casey.id)).toEqual({ at: h.clock.now(), reason: 'Casey never opened the app' });
    // Nothing comes back for it later.
    await h.advance(2 * HOUR);
    expect(h.notifier.to('casey')).toHaveLength(0);
    // The proposal nobody could answer is withdrawn, and the proposer told what to do.
    expect(h.core.services.series.seriesById(casey.tenantId, 1)!.status).toBe('cancelled');
    expect(h.notifier.to('pat').map((d) => d.message.text)).toEqual([
      'Your touch-point proposal could not reach Casey Lee, so it was withdrawn.\nCasey Lee cannot be reached in this console (Casey never opened the app), then book again.',
    ]);
    // The next message that does reach them clears the mark.
    h.run('pat', 'book @casey weekly wed 10:00');
    await h.deliver();
    expect(h.notifier.to('casey').length).toBeGreaterThan(0);
    expect(h.core.services.people.unreachable(casey.tenantId, casey.id)).toBeUndefined();
  });
});

describe('a retry due before the next minute tick', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ start: new Date('2026-11-23T15:00:00Z') });
    seedDemoSchool(h);
  });
  afterEach(() => h.close());

  const queue = (handle: string, key: string): void => {
    const u = h.user(handle);
    const now = h.clock.now();
    h.core.services.outbox.enqueue(
      { tenantId: u.tenantId, recipientId: u.id, kind: 'test.note', dedupeKey: key, message: { text: key, blocks: [] }, dueAt: now },
      now,
    );
  };
  /** What the event loop would do once the armed delay has passed. */
  const wakeAfter = async (ms: number): Promise<void> => {
    h.clock.advance(ms);
    h.wakeTimers.fireAll();
    await h.core.dispatcher.idle();
  };
  const rateLimited = (afterSeconds: number) => ({ status: 'retry' as const, afterSeconds, error: 'rate limited' });

  it('a rate-limited send is sent again when the platform said, without waiting for the tick', async () => {
    h.notifier.script.push(rateLimited(2));
    queue('casey', 'note:1');
    expect(await h.deliver()).toHaveLength(0);
    // Retry-After plus the jitter (random fixed at 0.5 → 500 ms).
    expect(h.wakeTimers.armed).toEqual([2_500]);
    // Another run in between (a command queued something) re-arms rather than adding a second timer.
    h.clock.advance(1_000);
    expect(await h.deliver()).toHaveLength(0);
    expect(h.wakeTimers.armed).toEqual([1_500]);

    await wakeAfter(1_500);
    expect(h.notifier.to('casey').map((d) => d.message.text)).toEqual(['note:1']);
    expect(h.core.services.outbox.byDedupeKey('note:1')!.status).toBe('sent');
    expect(h.wakeTimers.armed).toEqual([]);
  });

  it('keeps one wake-up, for the earliest retry, and moves it to the next one after', async () => {
    h.notifier.script.push(rateLimited(5), rateLimited(2));
    queue('casey', 'note:1');
    queue('pat', 'note:2');
    await h.deliver();
    expect(h.wakeTimers.armed).toEqual([2_500]);
    await wakeAfter(2_500);
    expect(h.notifier.sent.map((d) => d.message.text)).toEqual(['note:2']);
    expect(h.wakeTimers.armed).toEqual([3_000]);
    await wakeAfter(3_000);
    expect(h.notifier.sent.map((d) => d.message.text)).toEqual(['note:2', 'note:1']);
    expect(h.wakeTimers.armed).toEqual([]);
  });

  it('wakes for a 30 s backoff too, but leaves a retry past the minute to the tick', async () => {
    h.notifier.script.push('throw', rateLimited(120));
    queue('casey', 'note:1');
    await h.deliver();
    expect(h.wakeTimers.armed).toEqual([BASE_BACKOFF_MS]);
    await wakeAfter(BASE_BACKOFF_MS);
    expect(h.core.services.outbox.byDedupeKey('note:1')!.status).toBe('pending');
    expect(h.wakeTimers.armed).toEqual([]);
  });

  it('stopping the dispatcher (shutdown) disarms the wake-up', async () => {
    h.notifier.script.push(rateLimited(2));
    queue('casey', 'note:1');
    await h.deliver();
    expect(h.wakeTimers.armed).toEqual([2_500]);
    h.core.dispatcher.stop();
    expect(h.wakeTimers.armed).toEqual([]);
  });

  it("the service's wake-up timer never keeps the process alive", () => {
    const handle = nodeWakeTimers.set(() => undefined, 60_000) as NodeJS.Timeout;
    try {
      expect(handle.hasRef()).toBe(false);
    } finally {
      nodeWakeTimers.clear(handle);
    }
  });
});

describe('backoff', () => {
  it('doubles from 30 s with ±20% jitter, caps at an hour, and honours retry-after', () => {
    expect(backoffMs(1, undefined, () => 0.5)).toBe(BASE_BACKOFF_MS);
    expect(backoffMs(3, undefined, () => 0.5)).toBe(4 * BASE_BACKOFF_MS);
    expect(backoffMs(1, undefined, () => 0)).toBe(0.8 * BASE_BACKOFF_MS);
    expect(backoffMs(1, undefined, () => 1)).toBe(1.2 * BASE_BACKOFF_MS);
    expect(backoffMs(20, undefined, () => 0.5)).toBe(3_600_000);
    expect(backoffMs(1, 600, () => 0.5)).toBe(600_000);
  });
});
