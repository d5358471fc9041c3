/**
 * Slack over HTTP, end to end: signed requests to the real Bolt HTTPReceiver mounted on the
 * service's HttpServer, the real core on SQLite, and a fake Slack Web API recording every call.
 */
import { renderMessage } from '../../../adapters/slack/render-block-kit';
import {
  createRig,
  buttonPress,
  responsesTo,
  seedSlackSchool,
  send,
  sendCommand,
  sendEvent,
  sendInteraction,
  sign,
  slashCommand,
  TEAM,
  viewSubmission,
  type Rig,
} from './helpers';

function seriesOf(rig: Rig, userId: string): { status: string }[] {
  const tenant = rig.core.services.people.ensureTenant('slack', TEAM, rig.clock.now());
  const user = rig.core.services.people.userByExternalId(tenant.id, userId);
  return user ? rig.core.services.series.liveSeriesOfUser(tenant.id, user.id) : [];
}

function responseTexts(rig: Rig, id: string): string[] {
  return responsesTo(rig, id).map((c) => String(c.body.text));
}

describe('Slack over HTTP', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig();
    seedSlackSchool(rig);
  });
  afterEach(async () => {
    await rig.close();
  });

  it('a slash command is acked at once and answered through response_url; the series is stored', async () => {
    const res = await sendCommand(rig, { text: 'book <@U0CASEY|casey> weekly tue 14:00', responseUrl: rig.fake.responseUrl('book') });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await rig.slack.settled();

    const [reply] = rig.fake.calls.filter((c) => c.method === 'response_url');
    expect(reply.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.body.text)).toMatch(/^Proposed to Casey Lee: weekly on Tuesdays, 14:00/);
    expect(reply.body.blocks).toEqual([expect.objectContaining({ type: 'section' })]);
    expect(seriesOf(rig, 'U0PAT').map((s) => s.status)).toEqual(['proposed']);
    // Display names came from Slack with the bot token, through SLACK_API_URL: the workspace's member
    // list, read once at its first request, and users.info for whoever the list had not given yet.
    expect(rig.fake.callsOf('users.list').map((c) => c.authorization)).toEqual(['Bearer xoxb-test']);
    for (const call of rig.fake.callsOf('users.info')) expect(call.authorization).toBe('Bearer xoxb-test');
  });

  it("the proposal DM's Accept button (block_actions) activates the series", async () => {
    await sendCommand(rig, { text: 'book <@U0CASEY> weekly tue 14:00', responseUrl: rig.fake.responseUrl('book') });
    await rig.slack.settled();
    await rig.core.dispatcher.dispatchDue();
    const [dm] = rig.fake.callsOf('chat.postMessage');
    expect(dm.body.channel).toBe('DU0CASEY');
    expect(dm.body.text).toMatch(/^Pat Rivera proposes a touch-point/);

    const res = await sendInteraction(
      rig,
      buttonPress(dm.body.blocks as unknown[], 'Accept', { user: 'U0CASEY', responseUrl: rig.fake.responseUrl('accept') }),
    );
    expect(res.status).toBe(200);
    await rig.slack.settled();

    expect(seriesOf(rig, 'U0CASEY').map((s) => s.status)).toEqual(['active']);
    expect(responseTexts(rig, 'accept')).toEqual([expect.stringMatching(/^Booked with Pat Rivera: weekly on Tuesdays, 14:00/)]);
  });

  it('a command without arguments opens its form as a modal; an invalid time is answered with response_action errors on that block', async () => {
    await sendCommand(rig, { text: 'book', responseUrl: rig.fake.responseUrl('form'), triggerId: 'trigger-form' });
    await rig.slack.settled();
    const [open] = rig.fake.callsOf('views.open');
    expect(open.body.trigger_id).toBe('trigger-form');
    const view = open.body.view as { callback_id: string; blocks: { block_id: string; element: { options?: { value: string; text: { text: string } }[] } }[] };
    expect(view.callback_id).toMatch(/^touchpoint\.book:once-/);
    // The person is picked with Slack's user picker, and comes back as a Slack user id.
    expect(view.blocks.find((b) => b.block_id === 'person')!.element).toEqual({ type: 'users_select', action_id: 'person' });

    const values = (time: string) => ({
      person: { type: 'users_select', selected_user: 'U0CASEY' },
      cadence: { type: 'static_select', selected_option: { value: 'weekly' } },
      weekday: { type: 'static_select', selected_option: { value: 'tue' } },
      time: { type: 'timepicker', selected_time: time },
      duration: { type: 'static_select', selected_option: { value: '30' } },
      from: { type: 'datepicker', selected_date: null },
    });
    const bad = await sendInteraction(rig, viewSubmission(view, values('25:61')));
    expect(bad.status).toBe(200);
    expect(bad.json()).toEqual({ response_action: 'errors', errors: { time: expect.stringMatching(/time/i) as string } });
    await rig.slack.settled();
    expect(seriesOf(rig, 'U0PAT')).toEqual([]);

    // The corrected submission of the same view (same id and hash) acts, and the reply goes to the command's response_url.
    const good = await sendInteraction(rig, viewSubmission(view, values('14:00')));
    expect(good.status).toBe(200);
    expect(good.text).toBe('');
    await rig.slack.settled();
    expect(seriesOf(rig, 'U0PAT').map((s) => s.status)).toEqual(['proposed']);
    expect(responseTexts(rig, 'form')).toEqual([expect.stringMatching(/^Proposed to Casey Lee/)]);
  });

  it('a mentioned person gets their Slack display name (users.info, cached) and username as handle', async () => {
    rig.fake.users.set('U0JORDAN', { name: 'jordan', realName: 'Jordan Kim', displayName: 'Jordan K.' });
    await sendCommand(rig, { text: 'coach add <@U0JORDAN|jordan>', responseUrl: rig.fake.responseUrl('coach') });
    await rig.slack.settled();
    expect(responseTexts(rig, 'coach')).toEqual([
      'Asked Jordan K. to be coach at Demo Elementary.\nThey accept or decline in a message from Touchpoint; until they accept, they are not a coach.',
    ]);
    const tenant = rig.core.services.people.ensureTenant('slack', TEAM, rig.clock.now());
    expect(rig.core.services.people.userByExternalId(tenant.id, 'U0JORDAN')).toMatchObject({ displayName: 'Jordan K.', handle: 'jordan' });

    await sendCommand(rig, { text: 'coach', responseUrl: rig.fake.responseUrl('list') });
    await rig.slack.settled();
    // Jordan is looked up once (users.info, then cached), whatever the member list read in the meantime.
    expect(rig.fake.callsOf('users.info').filter((c) => c.body.user === 'U0JORDAN')).toHaveLength(1);
  });

  it('the workspace’s member list makes its staff known by name before they speak; its bots are marked', async () => {
    rig.fake.users.set('U0MEGAN', { name: 'megan', realName: 'Megan Bowen' });
    rig.fake.users.set('U0HELPER', { name: 'helper', realName: 'Helper Bot', isBot: true });
    rig.slack.seedDirectory(rig.slack.app.client, TEAM);
    await rig.slack.settled();
    const tenant = rig.core.services.people.ensureTenant('slack', TEAM, rig.clock.now());
    expect(rig.core.services.people.userByExternalId(tenant.id, 'U0MEGAN')).toMatchObject({ displayName: 'Megan Bowen', handle: 'megan', kind: 'person' });
    expect(rig.core.services.people.userByExternalId(tenant.id, 'U0HELPER')).toMatchObject({ kind: 'bot' });
    await sendCommand(rig, { text: 'coach add Megan Bowen', responseUrl: rig.fake.responseUrl('megan') });
    await sendCommand(rig, { text: 'coach add helper', responseUrl: rig.fake.responseUrl('helper') });
    await rig.slack.settled();
    expect(responseTexts(rig, 'megan')[0]).toMatch(/^Asked Megan Bowen to be coach at/);
    expect(responseTexts(rig, 'helper')).toEqual(['Helper Bot is a bot or an app, not a person, so they cannot hold a role.']);
  });

  it('a bot or a deactivated account named in a command is refused a role, in one line', async () => {
    rig.fake.users.set('U0BOT', { name: 'helper', realName: 'Helper Bot', isBot: true });
    rig.fake.users.set('U0GONE', { name: 'gone', realName: 'Gone Person', deleted: true });
    await sendCommand(rig, { text: 'coach add <@U0BOT|helper>', responseUrl: rig.fake.responseUrl('bot') });
    await sendCommand(rig, { text: 'roles add <@U0GONE|gone> assistant-principal', responseUrl: rig.fake.responseUrl('gone') });
    await rig.slack.settled();
    expect(responseTexts(rig, 'bot')).toEqual(['Helper Bot is a bot or an app, not a person, so they cannot hold a role.']);
    expect(responseTexts(rig, 'gone')).toEqual(['Gone Person has a deactivated account, so they cannot hold a role.']);
  });

  it('an "Open form" button (a form that reached a message) opens the modal with the press\'s trigger_id', async () => {
    const form = rig.core.app.command({ identity: { platform: 'slack', tenantExternalId: TEAM, userExternalId: 'U0PAT' } }, 'touchpoint', 'move');
    const press = buttonPress(renderMessage(form.messages[0]).blocks, 'Open form', { user: 'U0PAT', responseUrl: rig.fake.responseUrl('dm') });
    await sendInteraction(rig, press);
    await rig.slack.settled();
    const [open] = rig.fake.callsOf('views.open');
    expect(open.body.trigger_id).toBe(press.trigger_id);
    expect(open.body.view).toMatchObject({ type: 'modal', callback_id: expect.stringMatching(/^touchpoint\.move:once-/) as string });
    // The response_url rides along with when it was issued: past 30 minutes the answer goes by DM.
    expect(JSON.parse((open.body.view as { private_metadata: string }).private_metadata)).toEqual({
      responseUrl: rig.fake.responseUrl('dm'),
      responseUrlIssuedAt: rig.clock.now().getTime(),
    });
  });

  it('a bad signature and a stale timestamp are refused with 401 and change nothing', async () => {
    const body = slashCommand({ text: 'book <@U0CASEY> weekly tue 14:00', responseUrl: rig.fake.responseUrl('x') });
    const now = Math.floor(Date.now() / 1000);
    const forged = await send(rig, body, 'application/x-www-form-urlencoded', { signature: sign(body, now, 'not-the-secret') });
    expect(forged.status).toBe(401);
    const stale = now - 6 * 60;
    const old = await send(rig, body, 'application/x-www-form-urlencoded', { timestamp: stale, signature: sign(body, stale) });
    expect(old.status).toBe(401);
    await rig.slack.settled();
    expect(rig.fake.calls.filter((c) => c.method !== 'users.list')).toEqual([]);
    expect(seriesOf(rig, 'U0PAT')).toEqual([]);
  });

  it("the App Home tab is published from the core's home view", async () => {
    await sendEvent(rig, 'Ev_HOME', { type: 'app_home_opened', user: 'U0PAT', channel: 'DU0PAT', tab: 'home', event_ts: '1700000000.1' });
    await rig.slack.settled();
    const [publish] = rig.fake.callsOf('views.publish');
    expect(publish.body.user_id).toBe('U0PAT');
    expect(publish.body.view).toMatchObject({
      type: 'home',
      blocks: expect.arrayContaining([{ type: 'header', text: { type: 'plain_text', text: 'Touchpoint', emoji: true } }]) as unknown[],
    });
  });

  it('unknown paths under /slack are 404 and GET /slack/install is not served without OAuth', async () => {
    const res = await fetch(`${rig.baseUrl}/slack/install`);
    expect(res.status).toBe(404);
  });
});

describe('a command typed in the bot’s DM', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig();
    seedSlackSchool(rig);
  });
  afterEach(async () => {
    await rig.close();
  });

  const dm = (eventId: string, text: string, extra: Record<string, unknown> = {}): ReturnType<typeof sendEvent> =>
    sendEvent(rig, eventId, { type: 'message', channel_type: 'im', channel: 'DU0PAT', user: 'U0PAT', text, ts: `1700000000.${eventId.length}`, ...extra });

  it('runs like the slash command, with or without a leading touchpoint, and answers in the DM; a retried delivery acts once', async () => {
    for (const [id, text] of [
      ['Ev_DM1', 'next'],
      ['Ev_DM2', 'touchpoint next'],
      ['Ev_DM3', '/touchpoint next'],
    ] as const) {
      expect((await dm(id, text)).status).toBe(200);
    }
    await dm('Ev_DM1', 'next', {});
    await rig.slack.settled();
    const posts = rig.fake.callsOf('chat.postMessage');
    expect(posts).toHaveLength(3);
    for (const post of posts) expect(String(post.body.text)).toMatch(/^You have no touch-points yet\./);
  });

  it('ignores what is not a person typing in a DM: bot messages, edits, channels', async () => {
    await dm('Ev_BOT', 'next', { bot_id: 'B123' });
    await dm('Ev_EDIT', 'next', { subtype: 'message_changed' });
    await dm('Ev_CHAN', 'next', { channel_type: 'channel' });
    await rig.slack.settled();
    expect(rig.fake.callsOf('chat.postMessage')).toHaveLength(0);
  });
});
