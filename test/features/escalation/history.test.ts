/**
 * `/touchpoint history` records the decisions made about escalations: each past touch-point lists
 * the escalations on its agenda with their recorded outcome — only for those who may read them,
 * never one a principal could not read yet, and the person it concerns named only as the policy allows.
 */
import { createHarness, inbound, type Harness } from '../../support/harness';
import { seedEscalationSchools } from './support';
import { formOf, type Message } from '../../../src/messages/model';
import type { Reply } from '../../../src/core/context';
import { internalMention } from '../../../src/core/app';
import { renderPlainText } from '../../../adapters/console/render-plain-text';
import { buildFeed } from '../../../src/features/calendar/feed';

const FIRST = 'Ms Morgan has not started the new phonics block; students in room 12 are falling behind.';
const SECOND = 'Room 14 has had no reading intervention block since October.';
const shown = (r: Reply): string => r.messages.map((m) => `${m.text}\n${renderPlainText(m)}`).join('\n');
const press = (h: Harness, who: string, r: Reply | Message, label: string): Reply =>
  h.press(who, 'messages' in r ? r.messages[r.messages.length - 1] : r, label);

function raise(h: Harness, concern: string): void {
  const form = formOf(h.run('casey', 'escalate').messages[0])!;
  const asked = h.core.app.submitForm(inbound('casey'), form.formId, {
    concern,
    category: 'curriculum',
    about: internalMention(h.user('taylor')),
    urgency: 'wait',
  }).reply;
  press(h, 'casey', press(h, 'casey', asked, 'Yes, we talked'), 'Raise it — they know');
}

let h: Harness;
beforeEach(async () => {
  h = createHarness({ start: new Date('2026-11-18T15:00:00Z') }); // Wed 18 Nov 10:00 New York; touch-point Tue 24 Nov 14:00
  seedEscalationSchools(h);
  await h.deliver();
  raise(h, FIRST); // for Tue 24 Nov
  h.clock.set(new Date('2026-11-24T20:00:00Z')); // Tue 24 Nov 15:00, after the touch-point
  const form = formOf(press(h, 'pat', h.run('pat', 'escalations'), 'Record outcome').messages[0])!;
  h.core.app.submitForm(inbound('pat'), form.formId, { outcome: 'resolved', plan: 'Counselor met student; report filed' });
  raise(h, SECOND); // for Tue 1 Dec: not readable by Pat until that agenda
  h.clock.set(new Date('2026-11-30T15:00:00Z')); // Mon 30 Nov
});
afterEach(() => h.close());

it('the touch-point of Tue 24 Nov lists the escalation on its agenda and how it was resolved, for the principal and the coach', () => {
  for (const who of ['pat', 'casey']) {
    const history = shown(h.run(who, 'history'));
    expect(history).toContain('Escalations');
    expect(history).toContain('#1 Curriculum implementation, about Taylor Morgan — resolved: Counselor met student; report filed');
  }
});

it('the principal never sees through history an escalation not yet readable to them', () => {
  const history = shown(h.run('pat', 'history'));
  expect(history).not.toContain(SECOND);
  expect(history).not.toContain('#2');
  expect(history).not.toContain('Room 14');
});

it('once the person it concerns has left the school, history says "a teacher"', () => {
  const taylor = h.user('taylor');
  h.core.db.prepare('DELETE FROM memberships WHERE user_id = ?').run(taylor.id);
  const history = shown(h.run('pat', 'history'));
  expect(history).toContain('#1 Curriculum implementation, about a teacher — resolved');
  expect(history).not.toContain('Taylor Morgan');
});

it('the calendar feed’s past meetings never carry an escalation', () => {
  const pat = h.user('pat');
  const pid = h.core.services.series.liveSeriesOfUser(pat.tenantId, pat.id)[0].partnershipId;
  const meeting = h.core.services.meetingNotes.meetingsBefore(pat.tenantId, pid, h.clock.now(), 1)[0];
  h.core.app.action(inbound('pat'), 'meeting.held', String(meeting.id));
  h.run('pat', 'notes add shared Walkthrough dates agreed');
  const actor = {
    user: pat,
    tenant: h.core.services.people.tenantById(pat.tenantId)!,
    memberships: h.core.services.people.membershipsOf(pat.tenantId, pat.id),
  };
  const feed = buildFeed(h.core.services, actor, h.clock.now());
  expect(feed).toContain('Walkthrough dates agreed');
  expect(feed).not.toContain('Counselor met');
  expect(feed).not.toContain('phonics');
});
