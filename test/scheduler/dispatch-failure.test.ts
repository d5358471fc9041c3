/**
 * A pass that fails mid-batch (the disk fills between the claim and marking a send done): the pass
 * ends only when every send it started has ended, starts no more of its batch, and puts the rows
 * it had not started back to pending — instead of leaving workers sending on after the failure was
 * reported (a second pass would run beside them, and shutdown would close the database under them).
 */
import { createHarness, seedDemoSchool } from '../support/harness';
import { Dispatcher } from '../../src/scheduler/dispatch';
import { releaseClaims } from '../../src/store/outbox-health';
import type { Delivery, Notifier } from '../../src/core/ports';

describe('a dispatch pass that fails mid-batch', () => {
  it('waits for the sends under way, starts no more, and releases the rest of its batch', async () => {
    const h = createHarness();
    seedDemoSchool(h);
    const taylor = h.user('taylor');
    for (let i = 0; i < 6; i++)
      h.core.services.outbox.enqueue(
        {
          tenantId: taylor.tenantId,
          recipientId: taylor.id,
          kind: 'test.note',
          dedupeKey: `batch:${i}`,
          message: { text: `note ${i}`, blocks: [] },
          dueAt: h.clock.now(),
        },
        h.clock.now(),
      );
    const sends: string[] = [];
    // Sends end at different moments: the first one finishes while the second is still under way.
    const notifier: Notifier = {
      platform: 'console',
      send: async (_to, message): Promise<Delivery> => {
        sends.push(message.text);
        for (let i = 0; i < (sends.length === 1 ? 1 : 5); i++) await new Promise((r) => setImmediate(r));
        return { status: 'delivered' };
      },
    };
    const outbox = h.core.services.outbox;
    const markSent = outbox.markSent.bind(outbox);
    let marks = 0;
    outbox.markSent = (claim, now) => {
      marks += 1;
      if (marks === 1) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return markSent(claim, now);
    };
    const dispatcher = new Dispatcher({
      people: h.core.services.people,
      outbox,
      clock: h.clock,
      notifiers: [notifier],
      concurrency: 2,
      batchSize: 6,
      releaseClaims: (claims) => releaseClaims(h.core.db, claims),
    });

    await expect(dispatcher.dispatchDue()).rejects.toThrow('database or disk is full');
    expect(dispatcher.sendsInFlight).toBe(0);
    const sentWhenReported = [...sends];
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(sends).toEqual(sentWhenReported);
    expect(sends).toEqual(['note 0', 'note 1']);
    const statuses = ['batch:0', 'batch:1', 'batch:2', 'batch:3', 'batch:4', 'batch:5'].map((k) => outbox.byDedupeKey(k)!.status);
    // note 0 was sent but could not be marked: its claim stands (sent again after its lease, at least once).
    expect(statuses).toEqual(['sending', 'sent', 'pending', 'pending', 'pending', 'pending']);
    h.close();
  });
});
