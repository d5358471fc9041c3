/**
 * A message Slack takes only as several messages is delivered whole, once: when part 2 of 3
 * fails (a rate limit, a 5xx) the outbox retries the row, and only the parts not yet delivered
 * are posted again.
 */
import type { Message } from '../../../src/messages/model';
import { createRig, seedSlackSchool, TEAM, type Rig } from './helpers';

/** 120 text blocks: three Slack messages (50, 50 and 20 blocks, each with its "Part n of 3" line). */
const LONG: Message = {
  text: 'Agenda for Tue 24 Nov with Casey Lee.',
  blocks: Array.from({ length: 120 }, (_, i) => ({ type: 'text' as const, text: `Line ${i + 1}` })),
};

describe('a split Slack DM retried after part 2 failed', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig();
    seedSlackSchool(rig);
  });
  afterEach(async () => {
    await rig.close();
  });

  function queueLong(): number {
    const now = rig.clock.now();
    const tenant = rig.core.services.people.ensureTenant('slack', TEAM, now);
    const casey = rig.core.services.people.userByExternalId(tenant.id, 'U0CASEY')!;
    rig.core.services.outbox.enqueue(
      { tenantId: tenant.id, recipientId: casey.id, kind: 'agenda.compiled', dedupeKey: 'test:long', message: LONG, dueAt: now },
      now,
    );
    return rig.core.services.outbox.byDedupeKey('test:long')!.id;
  }

  /** The parts Casey received (Slack answered ok), by their "Part n of 3" line. */
  function partsReceived(): string[] {
    return rig.fake
      .callsOf('chat.postMessage')
      .filter((c) => c.ok && c.body.channel === 'DU0CASEY')
      .map((c) => /Part \d of \d/.exec(JSON.stringify(c.body.blocks))?.[0] ?? '?');
  }

  it.each([
    ['rate limited', (rig: Rig) => rig.fake.rateLimit('chat.postMessage', 1, 30, 1)],
    ['a Slack error', (rig: Rig) => rig.fake.fail('chat.postMessage', 'internal_error', 1, 1)],
  ])('part 2 %s once: after the retry Casey has parts 1, 2 and 3 exactly once each', async (_what, failSecondPost) => {
    const id = queueLong();
    failSecondPost(rig);

    expect(await rig.core.dispatcher.dispatchDue()).toMatchObject({ sent: 0, retried: 1 });
    expect(partsReceived()).toEqual(['Part 1 of 3']);
    const row = rig.core.services.outbox.byId(id)!;
    expect(row.status).toBe('pending');

    rig.clock.set(row.nextAttemptAt);
    expect(await rig.core.dispatcher.dispatchDue()).toMatchObject({ sent: 1 });
    expect(rig.core.services.outbox.byId(id)!.status).toBe('sent');
    expect(partsReceived()).toEqual(['Part 1 of 3', 'Part 2 of 3', 'Part 3 of 3']);
    // Every line arrived once, in order.
    const lines = rig.fake
      .callsOf('chat.postMessage')
      .filter((c) => c.ok)
      .flatMap((c) => [...JSON.stringify(c.body.blocks).matchAll(/Line (\d+)/g)].map((m) => Number(m[1])));
    expect(lines).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('the parts delivered are recorded by their Slack ts, and a send with nothing left to deliver posts nothing', async () => {
    const id = queueLong();
    rig.fake.fail('chat.postMessage', 'internal_error', 1, 2);
    await rig.core.dispatcher.dispatchDue();
    const recorded = rig.core.platformStores.outboxParts.ofRow(id);
    const posted = rig.fake.callsOf('chat.postMessage').filter((c) => c.ok);
    expect([...recorded.keys()]).toEqual([0, 1]);
    expect(recorded.get(0)).toMatch(/^\d+\.\d+$/);
    expect(posted).toHaveLength(2);

    // All three recorded (say the attempt that sent the last one died before marking the row sent).
    rig.core.platformStores.outboxParts.record(id, 2, '1700000099.000100', rig.clock.now());
    rig.fake.clear();
    const ref = { userId: 0, tenantExternalId: TEAM, externalId: 'U0CASEY', displayName: 'Casey Lee' };
    expect(await rig.slack.notifier.send(ref, LONG, { outboxId: id })).toEqual({ status: 'delivered' });
    expect(rig.fake.callsOf('chat.postMessage')).toEqual([]);
  });
});
