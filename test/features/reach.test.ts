/**
 * Reach (DESIGN.md §5): a message that cannot be delivered never vanishes. Whoever waits on it is
 * told, an urgent escalation goes down the chain (principals, assistant principals, admins) until
 * someone is reached, and a proposal answered another way is never delivered late.
 */
import { renderPlainText } from '../../adapters/console/render-plain-text';
import { bookAccepted, createHarness, inbound, seedSchool, text, type Harness } from '../support/harness';
import { formOf } from '../../src/messages/model';
import { internalMention } from '../../src/core/app';
import type { Reply } from '../../src/core/context';

const NEVER_OPENED = 'never opened the app';

function setup(h: Harness): void {
  seedSchool(h, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['sam', 'Sam Ortiz', 'assistant_principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
    ],
  });
  const alex = h.core.services.people.ensureUser(h.user('pat').tenantId, 'alex', h.clock.now(), 'Alex Admin', 'alex');
  h.core.services.people.addTenantAdmin(alex.tenantId, alex.id, null, h.clock.now());
  bookAccepted(h);
}

function urgent(h: Harness): Reply {
  const form = formOf(h.run('casey', 'escalate').messages[0])!;
  return h.core.app.submitForm(inbound('casey'), form.formId, {
    concern: 'A student said they are afraid to go home.',
    category: 'safety',
    about: internalMention(h.user('taylor')),
    urgency: 'urgent',
  }).reply;
}

const markUnreachable = (h: Harness, handle: string): void => {
  const u = h.user(handle);
  h.core.services.people.markUnreachable(u.tenantId, u.id, NEVER_OPENED, h.clock.now());
};

let h: Harness;
beforeEach(async () => {
  h = createHarness({ start: new Date('2026-11-18T15:00:00Z') }); // Wed 10:00 New York
  setup(h);
  await h.deliver();
  h.notifier.clear();
});
afterEach(() => h.close());

describe('an urgent escalation goes down the chain', () => {
  it('principal known unreachable, assistant principal reachable: the AP is paged at once and the coach told in the reply', async () => {
    markUnreachable(h, 'pat');
    expect(text(urgent(h))).toBe(
      'Sent now to Sam Ortiz (assistant principals) as urgent. Pat Rivera cannot be reached right now. You will hear when it is acknowledged.\nIf a student is in danger right now, follow your school’s emergency procedure as well.',
    );
    const dms = await h.deliver();
    expect(dms.map((d) => d.to)).toEqual(['sam', 'casey']);
    // The lock screen shows only that something urgent waits; the message itself has the concern.
    expect(dms[0].message.text).toBe('Urgent escalation — student safety — open Touchpoint now.');
    expect(renderPlainText(dms[0].message)).toContain('A student said they are afraid to go home.');
    expect(dms[1].message.text).toBe('Your urgent escalation #1 reached Sam Ortiz (Wed 18 Nov 2026, 10:00 EST). You will hear when it is acknowledged.');
  });

  it('the principal’s page cannot be delivered: the AP is paged at once and the coach told why', async () => {
    h.notifier.unreachable.set('pat', NEVER_OPENED);
    urgent(h);
    const dms = await h.deliver();
    expect(dms.map((d) => [d.to, d.message.text.split('\n')[0]])).toEqual([
      ['sam', 'Urgent escalation — student safety — open Touchpoint now.'],
      [
        'casey',
        'Your urgent escalation #1 could not reach Pat Rivera: Pat Rivera cannot be reached in this console (never opened the app). It went to the assistant principals now: Sam Ortiz.',
      ],
      ['casey', 'Your urgent escalation #1 reached Sam Ortiz (Wed 18 Nov 2026, 10:00 EST). You will hear when it is acknowledged.'],
    ]);
    const pat = h.user('pat');
    expect(h.core.services.people.unreachable(pat.tenantId, pat.id)?.reason).toBe(NEVER_OPENED);
  });

  it('principal and AP cannot be reached: the admins are alerted, without the escalation’s text', async () => {
    h.notifier.unreachable.set('pat', NEVER_OPENED);
    h.notifier.unreachable.set('sam', NEVER_OPENED);
    urgent(h);
    const dms = await h.deliver();
    const alex = dms.filter((d) => d.to === 'alex');
    expect(alex.map((d) => d.message.text)).toEqual([
      'Urgent escalation at Demo Elementary (Student safety): no principal or assistant principal could be reached.\nContact the school’s leadership or Casey Lee, who raised it, now. As an admin you are not shown what it says.',
    ]);
    expect(JSON.stringify(alex)).not.toContain('afraid');
  });

  it('nobody can be reached: the coach is told at once', () => {
    for (const handle of ['pat', 'sam', 'alex']) markUnreachable(h, handle);
    expect(text(urgent(h))).toBe(
      'Nobody at Demo Elementary could be reached with your urgent escalation #1: follow your school’s emergency procedure now.\nTouchpoint keeps it; the principal sees it as soon as they open Touchpoint.',
    );
  });

  it('nobody in the chain gets the page: the coach is told by DM as soon as the last one fails', async () => {
    for (const handle of ['pat', 'sam', 'alex']) h.notifier.unreachable.set(handle, NEVER_OPENED);
    urgent(h);
    const dms = await h.deliver();
    expect(
      dms
        .filter((d) => d.to === 'casey')
        .map((d) => d.message.text.split('\n')[0])
        .at(-1),
    ).toBe('Nobody at Demo Elementary could be reached with your urgent escalation #1: follow your school’s emergency procedure now.');
  });
});

describe('whoever waits is told', () => {
  it('a coach invitation that cannot reach the person is withdrawn, and the inviter told what to do', async () => {
    h.core.services.people.ensureUser(h.user('pat').tenantId, 'riley', h.clock.now(), 'Riley Stone', 'riley');
    h.notifier.unreachable.set('riley', NEVER_OPENED);
    h.run('pat', 'coach add @riley');
    const dms = await h.deliver();
    expect(dms.map((d) => [d.to, d.message.text])).toEqual([
      [
        'pat',
        'Your invitation for Riley Stone to be coach at Demo Elementary could not reach them, so it was withdrawn.\nRiley Stone cannot be reached in this console (never opened the app), then add them again.',
      ],
    ]);
    expect(h.core.services.people.pendingInvitations(h.user('pat').tenantId, 1)).toEqual([]);
  });

  it('a proposal answered before its DM went out is never delivered late', async () => {
    h.run('sam', 'book @casey weekly thu 09:00');
    const series = h.core.services.series.liveSeriesOfUser(h.user('casey').tenantId, h.user('sam').id).find((s) => s.status === 'proposed')!;
    // Casey accepts from another chat before the invitation is delivered.
    expect(text(h.core.app.action(inbound('casey'), 'booking.accept', String(series.id)))).toMatch(/^Booked/);
    const dms = await h.deliver();
    expect(dms.filter((d) => d.to === 'casey').map((d) => d.message.text)).not.toContainEqual(expect.stringMatching(/proposes a touch-point/));
  });
});

describe('who an escalation concerns', () => {
  it('offers the school’s staff but never the raising coach or its leaders, plus a student or family and nobody', () => {
    const tenantId = h.user('pat').tenantId;
    const robin = h.core.services.people.ensureUser(tenantId, 'robin', h.clock.now(), 'Robin Diaz', 'robin');
    h.core.services.people.addMembership(tenantId, 1, robin.id, 'coach', h.clock.now());
    const form = formOf(h.run('casey', 'escalate').messages[0])!;
    const about = form.inputs.find((i) => i.id === 'about')!;
    expect(about.choices!.map((c) => c.label)).toEqual(['Not about a person', 'A student or family (no name)', 'Robin Diaz', 'Taylor Morgan']);
  });

  it('a concern about a student or family names nobody, and skips going back to a teacher first', () => {
    const form = formOf(h.run('casey', 'escalate').messages[0])!;
    const reply = h.core.app.submitForm(inbound('casey'), form.formId, {
      concern: 'A family asked for a meeting.',
      category: 'other',
      about: 'student',
      urgency: 'wait',
    }).reply;
    expect(text(reply)).toMatch(/^It is about a student or family, so there is no teacher to go back to first\./);
    const e = h.core.services.escalations.byId(h.user('casey').tenantId, 1)!;
    expect(e).toMatchObject({ concernsUserId: null, concernsLabel: 'a student or family' });
  });

  it('a staff member the bot knows but who belongs to no school yet can be named; a school leader cannot', () => {
    const tenantId = h.user('casey').tenantId;
    const newcomer = h.core.services.people.ensureUser(tenantId, 'morgan', h.clock.now(), 'Morgan Lane', 'morgan');
    const form = formOf(h.run('casey', 'escalate').messages[0])!;
    const submit = (about: string) =>
      h.core.app.submitForm(inbound('casey'), formOf(h.run('casey', 'escalate').messages[0])!.formId, {
        concern: 'Room 9 again.',
        category: 'conduct',
        about,
        urgency: 'wait',
      });
    expect(form.inputs.length).toBeGreaterThan(0);
    expect(text(submit(internalMention(newcomer)).reply)).toMatch(/^Have you shared your concern with the teacher/);
    expect(h.core.services.escalations.byId(tenantId, 1)!.concernsUserId).toBe(newcomer.id);
    expect(text(submit(internalMention(h.user('pat'))).reply)).toBe(
      'Pat Rivera leads Demo Elementary: a concern about a school leader goes to your district, not through Touchpoint',
    );
  });
});
