/**
 * No submission is ever lost: a modal's submission is stored before anything is answered, and
 * the answer goes back by the opening command's response_url while it is fresh (Slack honours one
 * for 30 minutes) — by DM when it has expired or when posting to it fails.
 */
import { buttonPress, createRig, responsesTo, seedSlackSchool, sendCommand, sendInteraction, viewSubmission, type Rig } from './helpers';

const SCHOOL: Parameters<typeof seedSlackSchool>[1] = [
  ['U0PAT', 'Pat Rivera', 'pat', 'principal'],
  ['U0CASEY', 'Casey Lee', 'casey', 'coach'],
  ['U0TAYLOR', 'Taylor Morgan', 'taylor', 'teacher'],
];

describe('Slack modal submissions and stale response_urls', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig();
    seedSlackSchool(rig, SCHOOL);
  });
  afterEach(async () => {
    await rig.close();
  });

  async function openForm(user: string, command: string, text: string, responseId: string): Promise<Record<string, unknown>> {
    await sendCommand(rig, { user, command, text, responseUrl: rig.fake.responseUrl(responseId) });
    await rig.slack.settled();
    const open = rig.fake.callsOf('views.open').at(-1);
    if (!open) throw new Error('no modal was opened');
    return open.body.view as Record<string, unknown>;
  }

  const dmsTo = (user: string): string[] =>
    rig.fake
      .callsOf('chat.postMessage')
      .filter((c) => c.body.channel === `D${user}`)
      .map((c) => String(c.body.text));

  it('a coaching request submitted after its response_url expired is stored, and the teacher is told by DM', async () => {
    const view = await openForm('U0TAYLOR', '/coaching', '', 'coaching');
    rig.clock.advance(45 * 60_000); // opened before class, submitted after it
    const res = await sendInteraction(
      rig,
      viewSubmission(
        view,
        {
          topic: { type: 'static_select', selected_option: { value: 'behavior' } },
          details: { type: 'plain_text_input', value: 'Transitions after lunch take 15 minutes' },
          format: { type: 'static_select', selected_option: null },
          times: { type: 'plain_text_input', value: null },
          share: { type: 'checkboxes', selected_options: [] },
        },
        { user: 'U0TAYLOR', viewId: 'V_COACHING' },
      ),
    );
    expect(res.status).toBe(200);
    await rig.slack.settled();
    expect(responsesTo(rig, 'coaching')).toEqual([]); // the expired response_url is not used
    const [review] = rig.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === 'DU0TAYLOR');
    expect(String(review.body.text)).toMatch(/^Check your request before it is sent/);

    // The stored request is there to send from the DM; once sent, /coaching status lists it.
    await sendInteraction(rig, buttonPress(review.body.blocks as unknown[], 'Send request', { user: 'U0TAYLOR', responseUrl: rig.fake.responseUrl('send') }));
    await rig.slack.settled();
    await sendCommand(rig, { user: 'U0TAYLOR', command: '/coaching', text: 'status', responseUrl: rig.fake.responseUrl('status') });
    await rig.slack.settled();
    const [status] = responsesTo(rig, 'status');
    expect(String(status.body.text)).toMatch(/Classroom management/);
    expect(String(status.body.text)).not.toMatch(/no coaching requests/);
  });

  it('while the response_url is fresh the answer goes there, not by DM', async () => {
    const view = await openForm('U0TAYLOR', '/coaching', '', 'coaching');
    rig.clock.advance(10 * 60_000);
    await sendInteraction(
      rig,
      viewSubmission(
        view,
        {
          topic: { type: 'static_select', selected_option: { value: 'behavior' } },
          details: { type: 'plain_text_input', value: 'Transitions after lunch' },
          share: { type: 'checkboxes', selected_options: [] },
        },
        { user: 'U0TAYLOR', viewId: 'V_COACHING' },
      ),
    );
    await rig.slack.settled();
    expect(responsesTo(rig, 'coaching').map((c) => String(c.body.text))).toEqual([expect.stringMatching(/^Check your request/)]);
    expect(dmsTo('U0TAYLOR')).toEqual([]);
  });

  it('the escalation raise step submitted after the response_url expired reaches the coach by DM', async () => {
    const view = await openForm('U0CASEY', '/touchpoint', 'escalate', 'escalate');
    rig.clock.advance(40 * 60_000);
    await sendInteraction(
      rig,
      viewSubmission(
        view,
        {
          concern: { type: 'plain_text_input', value: 'Reading block keeps getting cut short' },
          category: { type: 'static_select', selected_option: { value: 'curriculum' } },
          about: { type: 'static_select', selected_option: { value: 'none' } },
          urgency: { type: 'static_select', selected_option: { value: 'wait' } },
        },
        { user: 'U0CASEY', viewId: 'V_ESCALATE' },
      ),
    );
    await rig.slack.settled();
    expect(responsesTo(rig, 'escalate')).toEqual([]);
    const [question] = rig.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === 'DU0CASEY');
    expect(String(question.body.text)).toMatch(/Raising it puts it on/);
    await sendInteraction(
      rig,
      buttonPress(question.body.blocks as unknown[], 'Raise it — they know', { user: 'U0CASEY', responseUrl: rig.fake.responseUrl('raise') }),
    );
    await rig.slack.settled();
    expect(String(responsesTo(rig, 'raise')[0].body.text)).toMatch(/^Raised/);
  });

  it('help is sent by DM when its response_url answers 400', async () => {
    rig.fake.failResponseUrl('help', 400);
    await sendCommand(rig, { user: 'U0PAT', text: 'help', responseUrl: rig.fake.responseUrl('help') });
    await rig.slack.settled();
    expect(responsesTo(rig, 'help').map((c) => c.status)).toEqual([400]);
    const dms = dmsTo('U0PAT');
    expect(dms).toHaveLength(1);
    expect(dms[0]).toMatch(/touchpoint/i);
  });
});
