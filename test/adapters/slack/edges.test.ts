/**
 * Edges of the Slack surface: signed payloads the app does not handle are answered 200 at once
 * with nothing done (not a 404 after Slack's 3 s), and what people type reaches the core readable.
 */
import { buttonPress, createRig, responsesTo, seedSlackSchool, send, sendCommand, sendInteraction, TEAM, type Rig } from './helpers';

describe('Slack payloads the app does not handle', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig();
    seedSlackSchool(rig);
  });
  afterEach(async () => {
    await rig.close();
  });

  const user = { id: 'U0PAT', username: 'pat', name: 'pat', team_id: TEAM };
  const cases: [string, () => Promise<{ status: number; text: string }>][] = [
    ['an empty JSON body', () => send(rig, '{}', 'application/json')],
    [
      'view_closed',
      () =>
        sendInteraction(rig, {
          type: 'view_closed',
          team: { id: TEAM },
          user,
          view: { id: 'V1', callback_id: 'touchpoint.book:once-1', private_metadata: '' },
          is_cleared: false,
        }),
    ],
    ['a global shortcut', () => sendInteraction(rig, { type: 'shortcut', callback_id: 'anything', trigger_id: 't1', team: { id: TEAM }, user })],
    [
      'a message shortcut',
      () =>
        sendInteraction(rig, {
          type: 'message_action',
          callback_id: 'anything',
          trigger_id: 't2',
          team: { id: TEAM },
          user,
          channel: { id: 'C1' },
          message: { ts: '1.1', text: 'hi' },
          response_url: rig.fake.responseUrl('shortcut'),
        }),
    ],
    ['an unknown interaction type', () => sendInteraction(rig, { type: 'something_new', team: { id: TEAM }, user })],
    [
      'an event the app does not subscribe to',
      () =>
        send(
          rig,
          JSON.stringify({ type: 'event_callback', team_id: TEAM, event_id: 'Ev1', event: { type: 'reaction_added', user: 'U0PAT' } }),
          'application/json',
        ),
    ],
  ];

  it.each(cases)('%s is answered 200 within 3 s and nothing is done', async (_label, post) => {
    const started = Date.now();
    const res = await post();
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    await rig.slack.settled();
    expect(rig.fake.calls.filter((c) => c.method !== 'users.list')).toEqual([]);
  });
});

describe('what people type in a slash command', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig();
    seedSlackSchool(rig, [
      ['U0PAT', 'Pat Rivera', 'pat', 'principal'],
      ['U0CASEY', 'Casey Lee', 'casey', 'coach'],
      ['U0TAYLOR', 'Taylor Morgan', 'taylor', 'teacher'],
    ]);
  });
  afterEach(async () => {
    await rig.close();
  });

  it('mentions, links and channels sent with should_escape are stored readable; the person is referenced', async () => {
    await sendCommand(rig, { text: 'book <@U0CASEY|casey> weekly tue 14:00', responseUrl: rig.fake.responseUrl('book') });
    await rig.slack.settled();
    await rig.core.dispatcher.dispatchDue();
    const [proposal] = rig.fake.callsOf('chat.postMessage');
    await sendInteraction(rig, buttonPress(proposal.body.blocks as unknown[], 'Accept', { user: 'U0CASEY', responseUrl: rig.fake.responseUrl('accept') }));
    await rig.slack.settled();
    await sendCommand(rig, {
      text: "add wins <@U0TAYLOR|taylor>'s running records &amp; notes <https://docs.google.com/d/abc> in <#C0GRADE3|grade3>",
      responseUrl: rig.fake.responseUrl('add'),
    });
    await rig.slack.settled();
    expect(String(responsesTo(rig, 'add')[0]?.body.text)).not.toMatch(/</);

    // Taylor is renamed in Slack: the stored item names her as she is called now.
    const tenant = rig.core.services.people.ensureTenant('slack', TEAM, rig.clock.now());
    const taylor = rig.core.services.people.userByExternalId(tenant.id, 'U0TAYLOR')!;
    rig.core.app.identify({ platform: 'slack', tenantExternalId: TEAM, userExternalId: 'U0TAYLOR', displayName: 'Taylor Morgan-Reyes' });
    expect(taylor.id).toBeGreaterThan(0);
    await sendCommand(rig, { text: 'agenda', responseUrl: rig.fake.responseUrl('agenda') });
    await rig.slack.settled();
    const agenda = String(responsesTo(rig, 'agenda')[0].body.text);
    // (Slack's text fallback escapes `&` itself, as Slack asks.)
    expect(agenda).toContain("Wins and bright spots: Taylor Morgan-Reyes's running records &amp; notes https://docs.google.com/d/abc in #grade3");
  });
});
