/**
 * Readiness during a long fan-out: a tick that is still delivering after minutes (a platform that
 * rate-limits, a school-wide reminder) is working, not stuck — /readyz stays ready while sends keep
 * finishing, so an orchestrator does not pull the service (or restart it) mid fan-out. Once sends
 * stop finishing (a platform that hangs), it is not ready after the same two minutes.
 */
import { createHarness, seedDemoSchool } from '../support/harness';
import { Dispatcher } from '../../src/scheduler/dispatch';
import { Scheduler } from '../../src/scheduler/tick';
import { readiness } from '../../src/http/health';
import type { Delivery, Notifier } from '../../src/core/ports';

describe('readiness during a long fan-out', () => {
  it('stays ready while sends keep going out, and is not ready once they stop for two minutes', async () => {
    const h = createHarness();
    seedDemoSchool(h);
    const wall = { now: 1_000_000 };
    const ready = (): boolean =>
      readiness({ database: () => ({ reachable: true, migrated: true }), lastTickWallMs: () => scheduler.lastTickWallMs, nowMs: () => wall.now }).ready;
    const readyDuringSends: boolean[] = [];
    let hang = false;
    // Each send takes 50 s of wall time; readiness is asked as each one ends.
    const slow: Notifier = {
      platform: 'console',
      send: async (): Promise<Delivery> => {
        if (hang) return new Promise<Delivery>(() => undefined);
        wall.now += 50_000;
        readyDuringSends.push(ready());
        return { status: 'delivered' };
      },
    };
    const dispatcher = new Dispatcher({
      people: h.core.services.people,
      outbox: h.core.services.outbox,
      clock: h.clock,
      notifiers: [slow],
      concurrency: 1,
      batchSize: 1,
      wallMs: () => wall.now,
    });
    const scheduler = new Scheduler({ clock: h.clock, dispatcher, planners: [], wallMs: () => wall.now });
    const taylor = h.user('taylor');
    const queue = (n: number): void => {
      for (let i = 0; i < n; i++)
        h.core.services.outbox.enqueue(
          {
            tenantId: taylor.tenantId,
            recipientId: taylor.id,
            kind: 'test.note',
            dedupeKey: `fan-out:${n}:${i}`,
            message: { text: `note ${i}`, blocks: [] },
            dueAt: h.clock.now(),
          },
          h.clock.now(),
        );
    };

    queue(6); // five minutes of sending in one tick
    await scheduler.tick();
    expect(readyDuringSends).toEqual([true, true, true, true, true, true]);
    expect(ready()).toBe(true);

    // The platform stops answering mid fan-out: two minutes without a send finishing is not ready.
    hang = true;
    queue(2);
    const stuck = scheduler.tick();
    await new Promise((r) => setImmediate(r));
    wall.now += 60_000;
    expect(ready()).toBe(true);
    wall.now += 61_000;
    expect(ready()).toBe(false);
    dispatcher.abandonInFlight();
    void stuck.catch(() => undefined);
    h.close();
  });
});
