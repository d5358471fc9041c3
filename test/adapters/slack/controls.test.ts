/**
 * Used controls are replaced by their outcome: a press that settles its message updates it
 * (chat.update for a DM the bot posted, replace_original for an ephemeral reply) so its buttons
 * cannot be pressed again; a refused press leaves the message as it was.
 */
import { buttonPress, createRig, responsesTo, seedSlackSchool, sendCommand, sendInteraction, type Rig } from './helpers';

interface SlackBlock {
  type: string;
  elements?: { text?: string | { text: string } }[];
}

describe('Slack buttons that settle their message', () => {
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

  async function proposalDm(): Promise<{ blocks: unknown[]; channel: string; ts: string }> {
    await sendCommand(rig, { text: 'book <@U0CASEY> weekly tue 14:00', responseUrl: rig.fake.responseUrl('book') });
    await rig.slack.settled();
    await rig.core.dispatcher.dispatchDue();
    const [dm] = rig.fake.callsOf('chat.postMessage');
    return { blocks: dm.body.blocks as unknown[], channel: String(dm.body.channel), ts: '1700000000.000100' };
  }

  it('after Accept the proposal DM shows "✓ Accepted by Casey Lee, Mon 23 Nov" and no buttons; the reply still comes', async () => {
    const dm = await proposalDm();
    await sendInteraction(rig, buttonPress(dm.blocks, 'Accept', { user: 'U0CASEY', responseUrl: rig.fake.responseUrl('accept') }));
    await rig.slack.settled();

    const [update] = rig.fake.callsOf('chat.update');
    expect(update.body).toMatchObject({ channel: 'DU0CASEY', ts: dm.ts });
    const blocks = update.body.blocks as SlackBlock[];
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '✓ Accepted by Casey Lee, Mon 23 Nov' }] });
    expect(String(update.body.text)).toMatch(/✓ Accepted by Casey Lee, Mon 23 Nov$/);
    expect(update.authorization).toBe('Bearer xoxb-test');
    expect(responsesTo(rig, 'accept').map((c) => [String(c.body.text).split(':')[0], c.body.replace_original])).toEqual([['Booked with Pat Rivera', false]]);
  });

  it('a refused press (Decline after Accept, from a stale copy) leaves the message untouched', async () => {
    const dm = await proposalDm();
    await sendInteraction(rig, buttonPress(dm.blocks, 'Accept', { user: 'U0CASEY', responseUrl: rig.fake.responseUrl('accept'), actionTs: '1.1' }));
    await rig.slack.settled();
    rig.fake.clear();
    await sendInteraction(rig, buttonPress(dm.blocks, 'Decline', { user: 'U0CASEY', responseUrl: rig.fake.responseUrl('decline'), actionTs: '1.2' }));
    await rig.slack.settled();
    expect(rig.fake.callsOf('chat.update')).toEqual([]);
    expect(responsesTo(rig, 'decline').map((c) => c.body.replace_original)).toEqual([false]);
  });

  it('an ephemeral message is settled through its response_url (replace_original)', async () => {
    const dm = await proposalDm();
    const press = buttonPress(dm.blocks, 'Accept', { user: 'U0CASEY', responseUrl: rig.fake.responseUrl('accept') });
    press.container = { type: 'message', message_ts: '1700000000.000200', channel_id: 'C_GENERAL', is_ephemeral: true };
    delete press.message; // Slack sends no copy of an ephemeral message
    await sendInteraction(rig, press);
    await rig.slack.settled();
    expect(rig.fake.callsOf('chat.update')).toEqual([]);
    const [settled, reply] = responsesTo(rig, 'accept');
    expect(settled.body).toMatchObject({ replace_original: true, text: '✓ Accepted by Casey Lee, Mon 23 Nov' });
    expect(settled.body.blocks).toEqual([{ type: 'context', elements: [{ type: 'mrkdwn', text: '✓ Accepted by Casey Lee, Mon 23 Nov' }] }]);
    expect(reply.body).toMatchObject({ replace_original: false });
  });

  it('the coaching Review message loses its Send button after Send', async () => {
    await sendCommand(rig, {
      user: 'U0TAYLOR',
      command: '/coaching',
      text: 'request behavior transitions after lunch',
      responseUrl: rig.fake.responseUrl('ask'),
    });
    await rig.slack.settled();
    const [review] = responsesTo(rig, 'ask');
    expect(String(review.body.text)).toMatch(/^Check your request/);
    const press = buttonPress(review.body.blocks as unknown[], 'Send request', {
      user: 'U0TAYLOR',
      responseUrl: rig.fake.responseUrl('send'),
      channel: 'DU0TAYLOR',
    });
    await sendInteraction(rig, press);
    await rig.slack.settled();
    const [update] = rig.fake.callsOf('chat.update');
    const blocks = update.body.blocks as SlackBlock[];
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(blocks.at(-1))).toMatch(/✓ Sent/);
  });
});
