/**
 * Retried deliveries (X-Slack-Retry-Num) never act twice; a retry of an attempt that failed, or
 * that died without finishing, does act.
 */
import { createRig, responsesTo, seedSlackSchool, sendCommand, sendEvent, TEAM, type Rig } from './helpers';

const BOOK = 'book <@U0CASEY> weekly tue 14:00';

function seriesCount(rig: Rig): number {
  const tenant = rig.core.services.people.ensureTenant('slack', TEAM, rig.clock.now());
  const pat = rig.core.services.people.userByExternalId(tenant.id, 'U0PAT')!;
  return rig.core.services.series.liveSeriesOfUser(tenant.id, pat.id).length;
}

describe('Slack retries', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig();
    seedSlackSchool(rig);
  });
  afterEach(async () => {
    await rig.close();
  });

  it('a retried slash command (same trigger_id, X-Slack-Retry-Num: 1) does not act twice', async () => {
    const fields = { text: BOOK, triggerId: 'trigger-once', responseUrl: rig.fake.responseUrl('once') };
    expect((await sendCommand(rig, fields)).status).toBe(200);
    await rig.slack.settled();
    expect((await sendCommand(rig, fields, { retryNum: 1 })).status).toBe(200);
    await rig.slack.settled();

    expect(seriesCount(rig)).toBe(1);
    // Acting again would have answered "You already have a touch-point…" through the response_url.
    expect(responsesTo(rig, 'once').map((c) => c.body.text)).toEqual([expect.stringMatching(/^Proposed to Casey Lee/)]);
    await rig.core.dispatcher.dispatchDue();
    expect(rig.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === 'DU0CASEY')).toHaveLength(1);
    expect(rig.slack.store.deliveryStatus('command:trigger-once')).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('a retried event (same event_id) does not act twice', async () => {
    const home = { type: 'app_home_opened', user: 'U0PAT', channel: 'DU0PAT', tab: 'home', event_ts: '1700000000.1' };
    await sendEvent(rig, 'Ev_ONCE', home);
    await rig.slack.settled();
    await sendEvent(rig, 'Ev_ONCE', home, { retryNum: 1 });
    await rig.slack.settled();
    expect(rig.fake.callsOf('views.publish')).toHaveLength(1);
  });

  it('a retried event whose first attempt failed does act', async () => {
    rig.fake.fail('views.publish', 'internal_error');
    const home = { type: 'app_home_opened', user: 'U0PAT', channel: 'DU0PAT', tab: 'home', event_ts: '1700000000.2' };
    await sendEvent(rig, 'Ev_FAILED', home);
    await rig.slack.settled();
    expect(rig.slack.store.deliveryStatus('event:Ev_FAILED')).toMatchObject({ status: 'failed' });

    await sendEvent(rig, 'Ev_FAILED', home, { retryNum: 1 });
    await rig.slack.settled();
    expect(rig.fake.callsOf('views.publish').map((c) => c.ok)).toEqual([false, true]);
    expect(rig.slack.store.deliveryStatus('event:Ev_FAILED')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('a retry finding a stale "started" (the first attempt died) acts; a fresh one does not', async () => {
    const minuteAndABitAgo = new Date(rig.clock.now().getTime() - 61_000);
    rig.slack.store.claimDelivery('command:trigger-died', minuteAndABitAgo);
    await sendCommand(rig, { text: BOOK, triggerId: 'trigger-died', responseUrl: rig.fake.responseUrl('died') }, { retryNum: 1 });
    await rig.slack.settled();
    expect(seriesCount(rig)).toBe(1);
    expect(responsesTo(rig, 'died')).toHaveLength(1);

    rig.slack.store.claimDelivery('command:trigger-running', rig.clock.now());
    await sendCommand(rig, { text: 'next', triggerId: 'trigger-running', responseUrl: rig.fake.responseUrl('running') }, { retryNum: 1 });
    await rig.slack.settled();
    expect(responsesTo(rig, 'running')).toHaveLength(0);
  });
});
