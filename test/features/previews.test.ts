/**
 * Nothing confidential on a lock screen (DESIGN.md §1): the fallback text of a message — what Slack
 * shows in notifications and Teams as the activity's summary — never carries a coaching request,
 * a coach's question or answer, a teacher's reply, or an escalation's concern or plan. The message
 * body still carries them, for the people who may read them.
 */
import { renderPlainText } from '../../adapters/console/render-plain-text';
import { renderMessage } from '../../adapters/slack/render-block-kit';
import { cardActivity } from '../../adapters/teams/cards';
import { internalMention } from '../../src/core/app';
import { formOf } from '../../src/messages/model';
import { inbound, seedSchool, bookAccepted, text } from '../support/harness';
import { ask, createCoachingHarness, dmsTo, formIn, type CoachingHarness } from './coaching/support';

// The request's words and its topic: a lock screen shows neither.
const SECRETS = ['WOMBATREQUEST', 'QUOKKAQUESTION', 'NUMBATREPLY', 'BILBYNOTE', 'DINGOCONCERN', 'Student engagement'];

let h: CoachingHarness;
beforeEach(async () => {
  h = createCoachingHarness({ start: new Date('2026-11-18T15:00:00Z') });
  seedSchool(h, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
    ],
  });
  bookAccepted(h);
  await h.deliver(); // the partnership agreement
});
afterEach(() => h.close());

it('no fallback text or notification summary carries confidential text; the bodies do', async () => {
  const id = ask(h, 'taylor', 'engagement', 'I am struggling, WOMBATREQUEST');
  const toCasey = dmsTo(await h.deliver(), 'casey')[0].message;
  h.submit('casey', formIn(h.press('casey', toCasey, 'Ask a question')).formId, { question: 'Which class? QUOKKAQUESTION' });
  const question = dmsTo(await h.deliver(), 'taylor')[0].message;
  h.submit('taylor', formIn(h.press('taylor', question, 'Reply')).formId, { text: 'Grade 5. NUMBATREPLY' });
  const reply = dmsTo(await h.deliver(), 'casey')[0].message;
  h.submit('casey', formIn(h.press('casey', reply, 'Accept and propose a time')).formId, { when: 'Thursday', note: 'Bring notes BILBYNOTE' });
  const form = formOf(h.run('casey', 'escalate').messages[0])!;
  h.core.app.submitForm(inbound('casey'), form.formId, {
    concern: 'DINGOCONCERN in room 4',
    category: 'safety',
    about: internalMention(h.user('taylor')),
    urgency: 'urgent',
  });
  await h.deliver();
  await h.advance(3 * 3_600_000); // the repeated page too
  expect(id).toBeGreaterThan(0);

  const dms = h.notifier.sent;
  expect(dms.length).toBeGreaterThan(5);
  for (const dm of dms) {
    const slack = renderMessage(dm.message);
    const teams = cardActivity(dm.message);
    for (const secret of SECRETS) {
      expect({ to: dm.to, fallback: dm.message.text.includes(secret) }).toEqual({ to: dm.to, fallback: false });
      expect({ to: dm.to, slack: slack.text.includes(secret) }).toEqual({ to: dm.to, slack: false });
      expect({ to: dm.to, teams: String(teams.summary).includes(secret) }).toEqual({ to: dm.to, teams: false });
    }
  }
  // The bodies carry them to the people who may read them.
  const bodies = (to: string): string =>
    dmsTo(dms, to)
      .map((d) => renderPlainText(d.message))
      .join('\n');
  expect(bodies('casey')).toContain('WOMBATREQUEST');
  expect(bodies('taylor')).toContain('QUOKKAQUESTION');
  expect(bodies('casey')).toContain('NUMBATREPLY');
  expect(bodies('taylor')).toContain('BILBYNOTE');
  expect(bodies('pat')).toContain('DINGOCONCERN');
  expect(bodies('taylor')).toContain('Student engagement');
});

it('names are data, not markup: a display name with a link or markup is shown as text on every platform', async () => {
  const evil = '<https://evil.example|here> [click](https://evil.example) *bold*';
  const tenantId = h.user('pat').tenantId;
  h.core.services.people.ensureUser(tenantId, 'casey', h.clock.now(), evil);
  const reply = h.run('pat', 'next').messages[0];
  h.run('casey', 'skip');
  const dms = await h.deliver();
  for (const m of [reply, ...dms.map((d) => d.message)]) {
    const slack = JSON.stringify(renderMessage(m));
    expect(slack).not.toContain('<https://evil.example|here>');
    expect(slack).not.toMatch(/<https?:\/\/evil/);
    const card = JSON.stringify(cardActivity(m).attachments);
    // Teams markdown: the brackets and stars arrive escaped (\\[click\\]), so no link or bold is made.
    expect(card).not.toMatch(/[^\\]\[click\]\(/);
    expect(card).not.toContain('<https://evil.example');
  }
  expect(dms.length + 1).toBeGreaterThan(1);
});

it('a coaching request waiting to be sent reaches only a reader who may still see it when it goes out', async () => {
  ask(h, 'taylor', 'engagement', 'please help, PANGOLINWAIT');
  // Before the DM goes out, Casey stops being a coach there (their touch-point with Pat ends first).
  h.press('pat', h.run('pat', 'cancel').messages[0], 'End the series');
  expect(text(h.run('pat', 'roles remove @casey coach'))).toBe('Casey Lee is no longer coach at Demo Elementary.');
  const dms = await h.deliver();
  expect(
    dmsTo(dms, 'casey')
      .map((d) => renderPlainText(d.message))
      .join('\n'),
  ).not.toContain('PANGOLINWAIT');
  expect(h.core.services.outbox.byDedupeKey('coaching:r1:new:u2')?.status).toBe('cancelled');
});
