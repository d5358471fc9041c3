/**
 * The Slack Notifier through the real outbox and dispatcher, against the fake Web API: rate
 * limits become retry-after, errors map to retry or unreachable, and the WebClient never retries
 * on its own.
 */
import { SlackNotifier, deliveryForError } from '../../../adapters/slack/notifier';
import { createRig, seedSlackSchool, TEAM, type Rig } from './helpers';

describe('SlackNotifier', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig();
    seedSlackSchool(rig);
  });
  afterEach(async () => {
    await rig.close();
  });

  function queueProposal(): number {
    const reply = rig.core.app.command(
      { identity: { platform: 'slack', tenantExternalId: TEAM, userExternalId: 'U0PAT' } },
      'touchpoint',
      'book casey weekly tue 14:00',
    );
    expect(reply.messages[0].text).toMatch(/^Proposed to Casey Lee/);
    const tenant = rig.core.services.people.ensureTenant('slack', TEAM, rig.clock.now());
    const casey = rig.core.services.people.userByExternalId(tenant.id, 'U0CASEY')!;
    const [row] = rig.core.services.outbox.forRecipient(casey.id);
    return row.id;
  }

  it('a 429 with Retry-After puts the row back to pending no sooner than Retry-After; the next dispatch delivers it once', async () => {
    const id = queueProposal();
    rig.fake.rateLimit('chat.postMessage', 1, 120);
    const start = rig.clock.now();

    const first = await rig.core.dispatcher.dispatchDue();
    expect(first).toMatchObject({ sent: 0, retried: 1 });
    const row = rig.core.services.outbox.byId(id)!;
    expect(row.status).toBe('pending');
    expect(row.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(start.getTime() + 120_000);
    expect(row.lastError).toMatch(/rate limited/);
    // The WebClient did not retry by itself: one call, answered 429.
    expect(rig.fake.callsOf('chat.postMessage').map((c) => c.status)).toEqual([429]);

    // Not due yet: nothing is sent before Retry-After has passed.
    expect(await rig.core.dispatcher.dispatchDue()).toMatchObject({ sent: 0 });
    rig.clock.set(row.nextAttemptAt);
    expect(await rig.core.dispatcher.dispatchDue()).toMatchObject({ sent: 1 });
    expect(rig.core.services.outbox.byId(id)!.status).toBe('sent');
    const posts = rig.fake.callsOf('chat.postMessage');
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[1].body).toMatchObject({ channel: 'DU0CASEY', text: expect.stringMatching(/^Pat Rivera proposes a touch-point/) as string });
    expect(posts[1].body.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'actions' })]));
    expect(posts[1].authorization).toBe('Bearer xoxb-test');
    // The DM was opened once and reused.
    expect(rig.fake.callsOf('conversations.open').map((c) => c.body.users)).toEqual(['U0CASEY']);
    expect(await rig.core.dispatcher.dispatchDue()).toMatchObject({ sent: 0 });
  });

  it('maps Slack errors to retry or unreachable', async () => {
    const notifier = new SlackNotifier({ tokenFor: () => 'xoxb-test', apiUrl: rig.fake.apiUrl });
    const ref = { userId: 1, tenantExternalId: TEAM, externalId: 'U0GONE', displayName: 'Gone' };
    const msg = { text: 'hello', blocks: [] };

    rig.fake.fail('conversations.open', 'user_not_found');
    expect(await notifier.send(ref, msg)).toEqual({ status: 'unreachable', error: 'user_not_found' });
    rig.fake.fail('conversations.open', 'account_inactive');
    expect(await notifier.send(ref, msg)).toEqual({ status: 'unreachable', error: 'account_inactive' });
    rig.fake.fail('chat.postMessage', 'internal_error');
    expect(await notifier.send(ref, msg)).toEqual({ status: 'retry', error: 'internal_error' });
    rig.fake.rateLimit('conversations.open', 1, 30);
    const noDm = new SlackNotifier({ tokenFor: () => 'xoxb-test', apiUrl: rig.fake.apiUrl });
    expect(await noDm.send(ref, msg)).toMatchObject({ status: 'retry', afterSeconds: 30 });
    expect(await notifier.send(ref, msg)).toEqual({ status: 'delivered' });

    const notInstalled = new SlackNotifier({ tokenFor: () => undefined, apiUrl: rig.fake.apiUrl });
    expect(await notInstalled.send(ref, msg)).toMatchObject({ status: 'unreachable' });
    expect(deliveryForError(new Error('socket hang up'))).toEqual({ status: 'retry', error: 'socket hang up' });
  });

  it('falls back to text alone when Slack refuses the blocks', async () => {
    const notifier = new SlackNotifier({ tokenFor: () => 'xoxb-test', apiUrl: rig.fake.apiUrl });
    rig.fake.fail('chat.postMessage', 'invalid_blocks');
    const ref = { userId: 1, tenantExternalId: TEAM, externalId: 'U0CASEY', displayName: 'Casey' };
    expect(await notifier.send(ref, { text: 'hi', blocks: [{ type: 'text', text: 'hi' }] })).toEqual({ status: 'delivered' });
    const posts = rig.fake.callsOf('chat.postMessage');
    expect(posts.map((c) => [c.ok, c.body.blocks === undefined])).toEqual([
      [false, false],
      [true, true],
    ]);
  });
});
