/**
 * Booking end to end through the core: proposals, answers, next, skip, move, pause, cancel,
 * closures and double-booking — on a real SQLite database, with DMs recorded at the Notifier.
 */
import { createHarness, seedDemoSchool, bookAccepted, inbound, text, type Harness } from '../../support/harness';
import { buttonsOf, type Message } from '../../../src/messages/model';
import type { Occurrence, Series } from '../../../src/core/model';
import { toLocal } from '../../../src/core/datetime';

let h: Harness;
afterEach(() => h?.close());

const tid = (): number => h.user('pat').tenantId;

function seriesOf(handle: string): Series[] {
  return h.core.services.series.liveSeriesOfUser(tid(), h.user(handle).id);
}

function onlySeries(): Series {
  const all = seriesOf('pat');
  expect(all).toHaveLength(1);
  return all[0];
}

function occurrences(seriesId: number, count = 5): Occurrence[] {
  return h.core.services.series.occurrencesOfSeries(tid(), seriesId, h.clock.now(), count);
}

function one(r: { messages: Message[] }): Message {
  expect(r.messages).toHaveLength(1);
  return r.messages[0];
}

function addAssistantPrincipal(handle = 'sam', name = 'Sam Ortiz'): void {
  const school = h.core.services.people.schoolByName(tid(), 'Demo Elementary')!;
  const user = h.core.services.people.ensureUser(tid(), handle, h.clock.now(), name, handle);
  h.core.services.people.addMembership(tid(), school.id, user.id, 'assistant_principal', h.clock.now());
}

describe('proposing and answering', () => {
  beforeEach(() => {
    h = createHarness(); // Mon 23 Nov 2026, 08:00 New York
    seedDemoSchool(h);
  });

  it('the proposal DMs the other person with Accept and Decline; only the invitee can accept', async () => {
    const reply = one(h.run('pat', 'book @casey weekly tue 14:00'));
    expect(reply.text).toBe('Proposed to Casey Lee: weekly on Tuesdays, 14:00–14:30, first on Tue 24 Nov 2026, 14:00–14:30 EST. They can accept or decline.');
    // Nothing is delivered until the dispatcher runs.
    expect(h.notifier.sent).toEqual([]);

    const dms = await h.deliver();
    expect(dms.map((d) => d.to)).toEqual(['casey']);
    const proposal = dms[0].message;
    expect(proposal.text).toBe(
      'Pat Rivera proposes a touch-point: weekly on Tuesdays, 14:00–14:30 (America/New_York), first on Tue 24 Nov 2026, 14:00–14:30 EST. Accept or decline.',
    );
    const buttons = buttonsOf(proposal);
    expect(buttons.map((b) => [b.label, b.actionId])).toEqual([
      ['Accept', 'booking.accept'],
      ['Decline', 'booking.decline'],
    ]);
    const series = onlySeries();
    expect(buttons.every((b) => b.value === String(series.id))).toBe(true);
    expect(series.status).toBe('proposed');

    // The proposer pressing Accept is refused, and the proposal keeps its buttons.
    const refused = h.press('pat', proposal, 'Accept');
    expect(text(refused)).toBe('You proposed this touch-point; the other person answers it.');
    expect(refused.outcome).toBeUndefined();
    // A teacher pressing it is refused.
    expect(text(h.press('taylor', proposal, 'Accept'))).toBe('Only the principal and the coach of a touch-point can see it.');
    expect(h.core.services.series.seriesById(tid(), series.id)!.status).toBe('proposed');
    expect(await h.deliver()).toEqual([]);

    // The invitee accepts: the series is active and the proposer is told.
    const accepted = h.press('casey', proposal, 'Accept');
    expect(text(accepted)).toBe('Booked with Pat Rivera: weekly on Tuesdays, 14:00–14:30. Next: Tue 24 Nov 2026, 14:00–14:30 EST.');
    // The proposal's buttons are used up: every platform replaces them with the outcome.
    expect(accepted.outcome).toBe('✓ Accepted by Casey Lee, Mon 23 Nov');
    expect(h.core.services.series.seriesById(tid(), series.id)!.status).toBe('active');
    const answer = await h.deliver();
    // (Other features may greet the new partnership too; the acceptance goes to the proposer only.)
    expect(answer.filter((d) => d.message.text.includes('accepted')).map((d) => [d.to, d.message.text])).toEqual([
      ['pat', 'Casey Lee accepted: weekly on Tuesdays, 14:00–14:30. Next: Tue 24 Nov 2026, 14:00–14:30 EST.'],
    ]);

    // Pressing Accept again (a second device, a double click) changes nothing.
    expect(text(h.press('casey', proposal, 'Accept'))).toBe('That proposal has already been answered.');
    expect(await h.deliver()).toEqual([]);
  });

  it('a coach can propose to the principal, who answers', async () => {
    expect(text(h.run('casey', 'book @pat weekly thu 10:00'))).toMatch(/^Proposed to Pat Rivera: weekly on Thursdays, 10:00–10:30/);
    const [dm] = await h.deliver();
    expect(dm.to).toBe('pat');
    expect(text(h.press('pat', dm.message, 'Accept'))).toMatch(/^Booked with Casey Lee: /);
    const p = h.core.services.series.partnershipById(tid(), onlySeries().partnershipId)!;
    expect(p).toMatchObject({ principalId: h.user('pat').id, coachId: h.user('casey').id });
  });

  it('decline ends the proposal and DMs the proposer; the slot is free again', async () => {
    h.run('pat', 'book @casey weekly tue 14:00');
    const [dm] = await h.deliver();
    const id = onlySeries().id;
    expect(text(h.press('casey', dm.message, 'Decline'))).toBe('Declined. Pat Rivera has been told and can propose another time.');
    expect(h.core.services.series.seriesById(tid(), id)!.status).toBe('declined');
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      ['pat', 'Casey Lee declined the touch-point weekly on Tuesdays, 14:00–14:30. Propose another time with /touchpoint book.'],
    ]);
    expect(text(h.press('casey', dm.message, 'Accept'))).toBe('That proposal has already been answered.');
    expect(h.core.services.series.seriesById(tid(), id)!.status).toBe('declined');
    expect(text(h.run('pat', 'book @casey weekly tue 14:00'))).toMatch(/^Proposed to Casey Lee/);
  });

  it('a second proposal for the same pair is refused while the first is open', () => {
    h.run('pat', 'book @casey weekly tue 14:00');
    expect(text(h.run('pat', 'book @casey weekly wed 10:00'))).toBe(
      'You already have a touch-point with Casey Lee (weekly on Tuesdays, 14:00–14:30, awaiting an answer). Use move, pause or cancel to change it.',
    );
    expect(seriesOf('pat')).toHaveLength(1);
  });
});

describe('next, in the school’s time zone', () => {
  it.each([
    ['America/New_York', 'Tue 24 Nov 2026, 14:00–14:30 EST', '2026-11-24T19:00:00.000Z'],
    ['Europe/London', 'Tue 24 Nov 2026, 14:00–14:30 GMT', '2026-11-24T14:00:00.000Z'],
    // Mon 23 Nov 13:00Z is already Tue 24 Nov 00:00 in Sydney (UTC+11): today's 14:00 is next.
    ['Australia/Sydney', 'Tue 24 Nov 2026, 14:00–14:30 GMT+11', '2026-11-24T03:00:00.000Z'],
  ])('%s: next shows the local date and time', (timeZone, when, utc) => {
    h = createHarness();
    seedDemoSchool(h, 'local', timeZone);
    bookAccepted(h);
    const next = one(h.run('pat', 'next'));
    expect(next.text).toBe(`Next touch-point with Casey Lee: ${when}.`);
    expect(next.blocks[1]).toEqual({ type: 'context', text: 'weekly on Tuesdays, 14:00–14:30 · Demo Elementary' });
    expect(one(h.run('casey', 'next')).text).toBe(`Next touch-point with Pat Rivera: ${when}.`);
    expect(occurrences(onlySeries().id, 1)[0].startsAt.toISOString()).toBe(utc);
  });

  it('America/New_York stays 14:00 local across the 2027-03-14 DST change', () => {
    h = createHarness();
    seedDemoSchool(h);
    bookAccepted(h);
    h.clock.set(new Date('2027-03-10T17:00:00Z')); // Wed 10 Mar 2027, 12:00 EST
    expect(text(h.run('pat', 'next'))).toBe('Next touch-point with Casey Lee: Tue 16 Mar 2027, 14:00–14:30 EDT.');
    h.clock.set(new Date('2027-03-09T12:00:00Z')); // Tue 9 Mar 2027, 07:00 EST: before the change
    expect(text(h.run('pat', 'next'))).toBe('Next touch-point with Casey Lee: Tue 9 Mar 2027, 14:00–14:30 EST.');
    const id = onlySeries().id;
    const [before, after] = occurrences(id, 2);
    expect(before.startsAt.toISOString()).toBe('2027-03-09T19:00:00.000Z'); // UTC-5
    expect(after.startsAt.toISOString()).toBe('2027-03-16T18:00:00.000Z'); // UTC-4
    for (const o of [before, after]) expect(toLocal(o.startsAt, 'America/New_York').time).toBe('14:00');
  });

  it('Europe/London and Australia/Sydney stay 14:00 local across their 2027 changes', () => {
    for (const [timeZone, at, expected] of [
      // Zone names are Intl's en-US short names: GMT+1 for BST, GMT+10 for AEST.
      ['Europe/London', '2027-03-29T08:00:00Z', 'Tue 30 Mar 2027, 14:00–14:30 GMT+1'], // BST from 28 Mar
      ['Australia/Sydney', '2027-04-05T08:00:00Z', 'Tue 6 Apr 2027, 14:00–14:30 GMT+10'], // AEDT ends 4 Apr
    ] as const) {
      h = createHarness();
      seedDemoSchool(h, 'local', timeZone);
      bookAccepted(h);
      h.clock.set(new Date(at));
      expect(text(h.run('pat', 'next'))).toBe(`Next touch-point with Casey Lee: ${expected}.`);
      h.close();
    }
  });

  it('with nothing booked, next says so', () => {
    h = createHarness();
    seedDemoSchool(h);
    expect(text(h.run('pat', 'next'))).toBe('You have no touch-points yet.\nBook one with /touchpoint book @name weekly tue 14:00.');
  });

  it('a biweekly series skips the off weeks', () => {
    h = createHarness();
    seedDemoSchool(h);
    bookAccepted(h, 'book @casey biweekly tue 14:00');
    expect(text(h.run('pat', 'next'))).toBe('Next touch-point with Casey Lee: Tue 24 Nov 2026, 14:00–14:30 EST.');
    h.clock.set(new Date('2026-11-25T12:00:00Z')); // after the first one
    expect(text(h.run('pat', 'next'))).toBe('Next touch-point with Casey Lee: Tue 8 Dec 2026, 14:00–14:30 EST.');
    expect(occurrences(onlySeries().id, 3).map((o) => o.originalDate)).toEqual(['2026-12-08', '2026-12-22', '2027-01-05']);
  });
});

describe('changing a booked series', () => {
  beforeEach(async () => {
    h = createHarness();
    seedDemoSchool(h);
    bookAccepted(h);
    await h.deliver(); // the proposal and the acceptance
  });

  it('skip marks the next occurrence skipped, DMs the other person, and "Undo skip" restores it', async () => {
    const id = onlySeries().id;
    const reply = one(h.run('pat', 'skip state testing'));
    expect(reply.text).toBe('Skipped Tue 24 Nov 2026, 14:00–14:30 EST. Casey Lee has been told. Next: Tue 1 Dec 2026, 14:00–14:30 EST.');
    expect(buttonsOf(reply).map((b) => b.label)).toEqual(['Undo skip']);
    const [first, second] = occurrences(id, 2);
    expect(first).toMatchObject({ originalDate: '2026-11-24', status: 'skipped', reason: 'state testing' });
    expect(second).toMatchObject({ originalDate: '2026-12-01', status: 'scheduled' });
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      ['casey', 'Pat Rivera skipped the touch-point on Tue 24 Nov 2026, 14:00–14:30 EST. Reason: state testing. Next: Tue 1 Dec 2026, 14:00–14:30 EST.'],
    ]);
    expect(text(h.run('casey', 'next'))).toBe('Next touch-point with Pat Rivera: Tue 1 Dec 2026, 14:00–14:30 EST.');

    expect(text(h.press('pat', reply, 'Undo skip'))).toBe('The touch-point on Tue 24 Nov 2026, 14:00–14:30 EST is on again.');
    expect(occurrences(id, 1)[0]).toMatchObject({ originalDate: '2026-11-24', status: 'scheduled', reason: null });
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      ['casey', 'Pat Rivera un-skipped: the touch-point on Tue 24 Nov 2026, 14:00–14:30 EST is on again.'],
    ]);
    expect(text(h.press('pat', reply, 'Undo skip'))).toBe('That skip can no longer be undone.');
  });

  it('skip without a reason says so; the coach can skip too', async () => {
    expect(text(h.run('casey', 'skip'))).toMatch(/^Skipped Tue 24 Nov 2026/);
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      ['pat', 'Casey Lee skipped the touch-point on Tue 24 Nov 2026, 14:00–14:30 EST. No reason given. Next: Tue 1 Dec 2026, 14:00–14:30 EST.'],
    ]);
  });

  it('"move thu 10:30" moves only the next occurrence, once confirmed', async () => {
    const id = onlySeries().id;
    const ask = one(h.run('pat', 'move thu 10:30'));
    expect(ask.text).toBe(
      'Move your touch-point with Casey Lee: Tue 24 Nov 2026, 14:00–14:30 EST → Thu 26 Nov 2026, 10:30–11:00 EST?\n' +
        'Nothing changes, and Casey Lee is not told, until you confirm.',
    );
    expect(occurrences(id, 1)[0]).toMatchObject({ originalDate: '2026-11-24', moved: false });
    expect(text(h.press('pat', ask, 'Confirm'))).toBe('Moved: Tue 24 Nov 2026, 14:00–14:30 EST → Thu 26 Nov 2026, 10:30–11:00 EST. Casey Lee has been told.');
    const [moved, following] = occurrences(id, 2);
    expect(moved).toMatchObject({ originalDate: '2026-11-24', moved: true, status: 'scheduled' });
    expect(moved.startsAt.toISOString()).toBe('2026-11-26T15:30:00.000Z');
    expect(moved.endsAt.toISOString()).toBe('2026-11-26T16:00:00.000Z');
    expect(following).toMatchObject({ originalDate: '2026-12-01', moved: false });
    expect(following.startsAt.toISOString()).toBe('2026-12-01T19:00:00.000Z');
    expect(onlySeries()).toMatchObject({ weekday: 2, time: '14:00' });
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      ['casey', 'Pat Rivera moved the touch-point of Tue 24 Nov 2026, 14:00–14:30 EST to Thu 26 Nov 2026, 10:30–11:00 EST.'],
    ]);
    expect(text(h.run('casey', 'next'))).toBe('Next touch-point with Pat Rivera: Thu 26 Nov 2026, 10:30–11:00 EST.');
  });

  it('moving onto a closed day is refused; moving after school hours warns', () => {
    h.run('pat', 'closed 2026-11-26 Thanksgiving');
    expect(text(h.run('pat', 'move 2026-11-26 10:30'))).toBe('Demo Elementary is closed on Thu 26 Nov 2026 (Thanksgiving); pick another day.');
    const ask = one(h.run('pat', 'move wed 16:00'));
    expect(ask.text).toBe(
      'Move your touch-point with Casey Lee: Tue 24 Nov 2026, 14:00–14:30 EST → Wed 25 Nov 2026, 16:00–16:30 EST?\n' +
        "Heads-up: that is outside Demo Elementary's school day (07:30–15:30).\n" +
        'Nothing changes, and Casey Lee is not told, until you confirm.',
    );
    expect(text(h.press('pat', ask, 'Confirm'))).toBe(
      'Moved: Tue 24 Nov 2026, 14:00–14:30 EST → Wed 25 Nov 2026, 16:00–16:30 EST. Casey Lee has been told.\n' +
        "Heads-up: that is outside Demo Elementary's school day (07:30–15:30).",
    );
  });

  it('pause until a date pauses the occurrences before it; resume brings them back', async () => {
    const id = onlySeries().id;
    const ask = one(h.run('pat', 'pause until 2026-12-08'));
    expect(onlySeries().pausedUntil).toBeNull();
    expect(text(h.press('pat', ask, 'Confirm'))).toBe(
      'Paused. Resumes on Tue 8 Dec 2026; Next: Tue 8 Dec 2026, 14:00–14:30 EST.\nResume earlier with /touchpoint resume.',
    );
    expect(onlySeries().pausedUntil).toBe('2026-12-08');
    expect(occurrences(id, 3).map((o) => [o.originalDate, o.status])).toEqual([
      ['2026-11-24', 'paused'],
      ['2026-12-01', 'paused'],
      ['2026-12-08', 'scheduled'],
    ]);
    expect(text(h.run('casey', 'next'))).toBe('Next touch-point with Pat Rivera: Tue 8 Dec 2026, 14:00–14:30 EST. Paused until Tue 8 Dec 2026.');
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      [
        'casey',
        'Pat Rivera paused your touch-points until Tue 8 Dec 2026: Tue 24 Nov 14:00 and Tue 1 Dec 14:00 will not take place. Next: Tue 8 Dec 2026, 14:00–14:30 EST.',
      ],
    ]);

    expect(text(h.run('casey', 'resume'))).toBe('Resumed. Next: Tue 24 Nov 2026, 14:00–14:30 EST.');
    expect(onlySeries().pausedUntil).toBeNull();
    expect(occurrences(id, 3).map((o) => o.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      ['pat', 'Casey Lee resumed your touch-points. Next: Tue 24 Nov 2026, 14:00–14:30 EST.'],
    ]);
    expect(text(h.run('casey', 'resume'))).toBe('That series is not paused.');
  });

  it('pausing again with an earlier date puts the weeks after it back on', () => {
    const id = onlySeries().id;
    h.press('pat', one(h.run('pat', 'pause until 2027-03-01')), 'Confirm');
    const shorter = one(h.run('pat', 'pause until 2026-12-08'));
    expect(shorter.text).toBe(
      'Pause your touch-points with Casey Lee until Tue 8 Dec 2026? Next: Tue 2 Mar 2027, 14:00–14:30 EST → Tue 8 Dec 2026, 14:00–14:30 EST.\n' +
        'Tue 8 Dec 14:00, Tue 15 Dec 14:00, Tue 22 Dec 14:00, Tue 29 Dec 14:00, Tue 5 Jan 14:00 and 7 more will take place again.\n' +
        'Nothing changes, and Casey Lee is not told, until you confirm.',
    );
    expect(text(h.press('pat', shorter, 'Confirm'))).toContain('Next: Tue 8 Dec 2026, 14:00–14:30 EST.');
    expect(occurrences(id, 4).map((o) => [o.originalDate, o.status])).toEqual([
      ['2026-11-24', 'paused'],
      ['2026-12-01', 'paused'],
      ['2026-12-08', 'scheduled'],
      ['2026-12-15', 'scheduled'],
    ]);
    h.clock.set(new Date('2026-12-09T13:00:00Z'));
    expect(text(h.run('casey', 'next'))).toBe('Next touch-point with Pat Rivera: Tue 15 Dec 2026, 14:00–14:30 EST.');
  });

  it('a pause ends by itself on its date', () => {
    h.press('pat', one(h.run('pat', 'pause until 2026-12-08')), 'Confirm');
    h.clock.set(new Date('2026-12-08T13:00:00Z'));
    expect(text(h.run('pat', 'next'))).toBe('Next touch-point with Casey Lee: Tue 8 Dec 2026, 14:00–14:30 EST.');
    expect(text(h.run('pat', 'resume'))).toBe('That series is not paused.');
  });

  it('cancel asks first: "Keep it" changes nothing, "End the series" cancels and DMs the other', async () => {
    const id = onlySeries().id;
    const ask = one(h.run('pat', 'cancel'));
    expect(ask.text).toBe('Do you want to end your touch-points with Casey Lee (weekly on Tuesdays, 14:00–14:30)? Past touch-points and notes are kept.');
    expect(buttonsOf(ask).map((b) => [b.label, b.actionId, b.value])).toEqual([
      ['End the series', 'booking.cancel.confirm', String(id)],
      ['Keep it', 'booking.cancel.keep', String(id)],
    ]);
    expect(h.core.services.series.seriesById(tid(), id)!.status).toBe('active');

    expect(text(h.press('pat', ask, 'Keep it'))).toBe('Kept. Nothing changed.');
    expect(h.core.services.series.seriesById(tid(), id)!.status).toBe('active');
    expect(await h.deliver()).toEqual([]);

    expect(text(h.press('pat', ask, 'End the series'))).toBe('The series has ended. Casey Lee has been told. Book again any time with /touchpoint book.');
    expect(h.core.services.series.seriesById(tid(), id)!.status).toBe('cancelled');
    expect(h.core.services.series.occurrencesOfSeries(tid(), id, h.clock.now(), 3).map((o) => o.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      ['casey', 'Pat Rivera ended your touch-points (weekly on Tuesdays, 14:00–14:30). Past notes are kept.'],
    ]);
    expect(text(h.run('casey', 'next'))).toBe('You have no touch-points yet.\nBook one with /touchpoint book @name weekly tue 14:00.');
    expect(text(h.press('pat', ask, 'End the series'))).toBe('That series has already ended.');
  });

  it('"closed 2026-11-24 Testing day" closes the occurrence, DMs both, and Undo reopens it', async () => {
    const id = onlySeries().id;
    const reply = one(h.run('pat', 'closed 2026-11-24 Testing day'));
    expect(reply.text).toBe('Demo Elementary is closed Tue 24 Nov 2026 (Testing day). 1 touch-point skipped; both people told.');
    expect(buttonsOf(reply).map((b) => b.label)).toEqual(['Undo']);
    expect(occurrences(id, 2).map((o) => [o.originalDate, o.status, o.reason])).toEqual([
      ['2026-11-24', 'closed', 'Testing day'],
      ['2026-12-01', 'scheduled', null],
    ]);
    const line = 'No touch-point on Tue 24 Nov 2026, 14:00–14:30 EST: Demo Elementary is closed (Testing day). Next: Tue 1 Dec 2026, 14:00–14:30 EST.';
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      ['pat', line],
      ['casey', line],
    ]);

    expect(text(h.press('pat', reply, 'Undo'))).toBe('Removed the closure "Testing day". 1 touch-point is on again.');
    expect(occurrences(id, 1)[0]).toMatchObject({ originalDate: '2026-11-24', status: 'scheduled', reason: null });
    const again = 'The touch-point on Tue 24 Nov 2026, 14:00–14:30 EST is on again: the closure "Testing day" was removed.';
    expect((await h.deliver()).map((d) => [d.to, d.message.text])).toEqual([
      ['pat', again],
      ['casey', again],
    ]);
    expect(text(h.press('pat', reply, 'Undo'))).toBe('That closure no longer exists.');
  });

  it('a closure covers the day a moved touch-point now falls on, not the day it left', () => {
    const id = onlySeries().id;
    h.press('pat', one(h.run('pat', 'move fri 10:30')), 'Confirm'); // Tue 24 Nov → Fri 27 Nov
    expect(text(h.run('pat', 'closed 2026-11-24 Testing day'))).toBe(
      'Demo Elementary is closed Tue 24 Nov 2026 (Testing day). No touch-points fall on it; nobody was told.',
    );
    expect(occurrences(id, 1)[0]).toMatchObject({ originalDate: '2026-11-24', status: 'scheduled' });

    const pd = one(h.run('pat', 'closed 2026-11-27 PD day'));
    expect(pd.text).toBe('Demo Elementary is closed Fri 27 Nov 2026 (PD day). 1 touch-point skipped; both people told.');
    expect(occurrences(id, 1)[0]).toMatchObject({ originalDate: '2026-11-24', status: 'closed', reason: 'PD day' });
    expect(text(h.run('casey', 'next'))).toBe('Next touch-point with Pat Rivera: Tue 1 Dec 2026, 14:00–14:30 EST.');

    expect(text(h.press('pat', pd, 'Undo'))).toBe('Removed the closure "PD day". 1 touch-point is on again.');
    expect(text(h.run('casey', 'next'))).toBe('Next touch-point with Pat Rivera: Fri 27 Nov 2026, 10:30–11:00 EST.');
  });
});

describe('double-booking and school hours', () => {
  beforeEach(() => {
    h = createHarness();
    seedDemoSchool(h);
    addAssistantPrincipal();
    bookAccepted(h); // casey with pat, Tue 14:00–14:30
  });

  it('a second principal booking casey Tue 14:15 is refused naming the clash; Tue 15:00 is accepted', async () => {
    expect(text(h.run('sam', 'book @casey weekly tue 14:15'))).toBe(
      'Casey Lee already has a touch-point with Pat Rivera at Tue 24 Nov 2026, 14:00 EST; pick another time.',
    );
    expect(seriesOf('sam')).toEqual([]);

    expect(text(h.run('sam', 'book @casey weekly tue 15:00'))).toBe(
      'Proposed to Casey Lee: weekly on Tuesdays, 15:00–15:30, first on Tue 24 Nov 2026, 15:00–15:30 EST. They can accept or decline.',
    );
    await h.deliver();
    const proposal = h.notifier
      .to('casey')
      .map((d) => d.message)
      .find((m) => m.text.startsWith('Sam Ortiz proposes'))!;
    expect(text(h.press('casey', proposal, 'Accept'))).toMatch(/^Booked with Sam Ortiz: weekly on Tuesdays, 15:00–15:30/);
    expect(seriesOf('casey').map((s) => [s.time, s.status])).toEqual([
      ['14:00', 'active'],
      ['15:00', 'active'],
    ]);
  });

  it('a meeting that ends as the other starts does not clash; a biweekly on the off week still clashes with a weekly', () => {
    expect(text(h.run('sam', 'book @casey weekly tue 13:30'))).toMatch(/^Proposed to Casey Lee: weekly on Tuesdays, 13:30–14:00/);
    const ask = one(h.run('sam', 'cancel'));
    expect(text(h.press('sam', ask, 'Withdraw proposal'))).toBe('Proposal withdrawn. Casey Lee has been told.');
    expect(seriesOf('sam')).toEqual([]);
    expect(text(h.run('sam', 'book @casey biweekly tue 14:00 from 2026-12-01'))).toBe(
      'Casey Lee already has a touch-point with Pat Rivera at Tue 1 Dec 2026, 14:00 EST; pick another time.',
    );
  });

  it('moving onto the other series is refused naming the clash', () => {
    h.run('sam', 'book @casey weekly wed 10:00');
    const wed = seriesOf('sam')[0];
    h.core.app.action(inbound('casey'), 'booking.accept', String(wed.id));
    expect(text(h.run('sam', 'move tue 14:00'))).toBe('Casey Lee already has a touch-point with Pat Rivera at Tue 24 Nov 2026, 14:00 EST; pick another time.');
    expect(occurrences(wed.id, 1)[0]).toMatchObject({ originalDate: '2026-11-25', moved: false });
  });

  it('outside school hours is allowed, with a Heads-up line', () => {
    const reply = one(h.run('sam', 'book @casey weekly tue 17:00'));
    expect(reply.text).toBe(
      'Proposed to Casey Lee: weekly on Tuesdays, 17:00–17:30, first on Tue 24 Nov 2026, 17:00–17:30 EST. They can accept or decline.\n' +
        "Heads-up: that is outside Demo Elementary's school day (07:30–15:30).",
    );
    expect(reply.blocks[1]).toEqual({ type: 'context', text: "Heads-up: that is outside Demo Elementary's school day \\(07:30–15:30\\)." });
    expect(seriesOf('sam')).toEqual([expect.objectContaining({ time: '17:00', status: 'proposed' })]);
    expect(text(h.run('sam', 'cancel'))).toMatch(/^Do you want to withdraw your proposal to Casey Lee\?/);
  });

  it('a weekend booking is allowed with a Heads-up that names the day', () => {
    expect(text(h.run('sam', 'book @casey weekly sat 10:00'))).toBe(
      'Proposed to Casey Lee: weekly on Saturdays, 10:00–10:30, first on Sat 28 Nov 2026, 10:00–10:30 EST. They can accept or decline.\n' +
        "Heads-up: that is a Saturday, outside Demo Elementary's school week.",
    );
  });

  it('with two series, a series command asks which one, and the choice re-runs it', () => {
    bookAccepted(h, 'book @casey weekly wed 14:00', 'sam');
    const ask = one(h.run('casey', 'skip'));
    expect(ask.text).toBe('You have several touch-points. Which one? With Pat Rivera, With Sam Ortiz');
    const skipped = one(h.press('casey', ask, 'With Sam Ortiz'));
    expect(skipped.text).toBe('Skipped Wed 25 Nov 2026, 14:00–14:30 EST. Sam Ortiz has been told. Next: Wed 2 Dec 2026, 14:00–14:30 EST.');
    const [patSeries, samSeries] = seriesOf('casey');
    expect(occurrences(patSeries.id, 1)[0].status).toBe('scheduled');
    expect(occurrences(samSeries.id, 1)[0].status).toBe('skipped');
    expect(text(h.run('casey', 'skip with @pat'))).toMatch(/^Skipped Tue 24 Nov 2026, 14:00–14:30 EST\. Pat Rivera has been told\./);
  });
});
