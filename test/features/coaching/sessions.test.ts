/**
 * The coaching-session loop: a coach accepts with a date and a time; the teacher confirms or
 * suggests another time (read inside the school day); the coach answers the same way. A confirmed
 * session is in both people's `next`, the teacher's `/coaching status`, Home and the calendar feed
 * — titled only "Coaching session" — with a reminder before it. Nothing of it reaches a principal.
 */
import { bookAccepted, seedSchool, text } from '../../support/harness';
import { toLocal } from '../../../src/core/datetime';
import { buttonsOf, type Message } from '../../../src/messages/model';
import type { Actor } from '../../../src/core/model';
import { buildFeed } from '../../../src/features/calendar/feed';
import { renderPlainText } from '../../../adapters/console/render-plain-text';
import { ask, createCoachingHarness, dmsTo, formIn, type CoachingHarness } from './support';

const NY = 'America/New_York';
const DETAILS = 'OKAPI-TRANSITIONS after lunch take 15 minutes';
const local = (d: Date): string => {
  const l = toLocal(d, NY);
  return `${l.date} ${l.time}`;
};
const plain = (m: Message): string => `${m.text}\n${renderPlainText(m)}`;

let h: CoachingHarness;
let id: number;

function actorOf(handle: string): Actor {
  const user = h.user(handle);
  return { user, tenant: h.core.services.people.tenantById(user.tenantId)!, memberships: h.core.services.people.membershipsOf(user.tenantId, user.id) };
}
const feedOf = (handle: string): string => buildFeed(h.core.services, actorOf(handle), h.clock.now());
/** Outbox rows of the coaching feature (its kinds, its keys) for the principal or the AP. */
const rowsToLeaders = (): number =>
  (
    h.core.db
      .prepare(`SELECT COUNT(*) AS n FROM outbox WHERE recipient_id IN (?, ?) AND (kind LIKE 'coaching%' OR dedupe_key LIKE 'coaching:%')`)
      .get(h.user('pat').id, h.user('alex').id) as { n: number }
  ).n;

/** Casey accepts Taylor's request proposing Tue 24 Nov at 10:00; returns the DM Taylor got. */
async function proposed(): Promise<Message> {
  const toCasey = dmsTo(await h.deliver(), 'casey')[0].message;
  const form = formIn(h.press('casey', toCasey, 'Accept and propose a time'));
  expect(form.inputs.map((i) => i.id)).toEqual(['when', 'date', 'time', 'note']);
  const accepted = h.submit('casey', form.formId, { date: '2026-11-24', time: '10:00' });
  expect(text(accepted.reply)).toContain(`Accepted request #${id}; Taylor Morgan has been told you propose: Tue 24 Nov 2026, 10:00–10:30 EST.`);
  return dmsTo(await h.deliver(), 'taylor')[0].message;
}

beforeEach(async () => {
  h = createCoachingHarness(); // Thu 19 Nov 2026, 10:00 New York
  seedSchool(h, {
    name: 'Demo Elementary',
    members: [
      ['pat', 'Pat Rivera', 'principal'],
      ['alex', 'Alex Chen', 'assistant_principal'],
      ['casey', 'Casey Lee', 'coach'],
      ['robin', 'Robin Diaz', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
      ['jordan', 'Jordan Kim', 'teacher'],
    ],
  });
  bookAccepted(h); // pat ↔ casey: Casey has a calendar feed, and Pat could be shown it
  await h.deliver();
  h.notifier.clear();
  id = ask(h, 'taylor', 'classroom-management', DETAILS);
});
afterEach(() => h.close());

describe('the coaching-session loop', () => {
  it('the teacher suggests another time, the coach confirms: in both nexts, status, Home and the feed, with a reminder; never the topic; nothing to leaders', async () => {
    const toTaylor = await proposed();
    expect(buttonsOf(toTaylor).map((b) => b.label)).toEqual(['Confirm', 'Suggest another time']);
    // No feed for a teacher before a session is confirmed.
    expect(text(h.run('taylor', 'calendar'))).toContain('a teacher has one once a coaching session is confirmed');
    expect(renderPlainText(toTaylor)).toContain('Coaching session: Tue 24 Nov 2026, 10:00–10:30 EST');
    // Taylor suggests Wed at "2:30": read inside the school day (07:30–15:30), so 14:30.
    const form = formIn(h.press('taylor', toTaylor, 'Suggest another time'));
    expect(form.inputs.map((i) => i.id)).toEqual(['date', 'time']);
    const suggested = h.submit('taylor', form.formId, { date: '2026-11-25', time: '2:30' });
    expect(text(suggested.reply)).toBe('Suggested Wed 25 Nov 2026, 14:30–15:00 EST. Casey Lee has been told and can confirm it or suggest another time.');
    // The first proposal is replaced: confirming it now is refused.
    expect(text(h.press('taylor', toTaylor, 'Confirm'))).toBe('Another time was suggested since: answer that one.');
    const toCasey = dmsTo(await h.deliver(), 'casey');
    expect(toCasey.map((d) => d.message.text)).toEqual(['Taylor Morgan suggests another time for your coaching session — open Touchpoint to answer.']);
    expect(buttonsOf(toCasey[0].message).map((b) => b.label)).toEqual(['Confirm', 'Suggest another time']);
    // Only the other side confirms a suggestion.
    expect(text(h.press('taylor', toCasey[0].message, 'Confirm'))).toBe('You proposed this time: the other person confirms it or suggests another.');
    for (const who of ['pat', 'alex', 'robin', 'jordan']) {
      expect(text(h.press(who, toCasey[0].message, 'Confirm'))).toBe('There is no such coaching session you can see.');
      expect(text(h.press(who, toCasey[0].message, 'Suggest another time'))).toBe('There is no such coaching session you can see.');
    }
    expect(text(h.press('casey', toCasey[0].message, 'Confirm'))).toBe(
      'Confirmed: coaching session with Taylor Morgan, Wed 25 Nov 2026, 14:30–15:00 EST. Taylor Morgan has been told; it is in /touchpoint next and your calendar feed.',
    );
    expect(text(h.press('casey', toCasey[0].message, 'Confirm'))).toBe('Already confirmed: Wed 25 Nov 2026, 14:30–15:00 EST.');
    expect(dmsTo(await h.deliver(), 'taylor').map((d) => d.message.text)).toEqual([
      'Casey Lee confirmed the coaching session: Wed 25 Nov 2026, 14:30–15:00 EST. It is in /touchpoint next and your calendar feed.',
    ]);

    // Both people's next, the teacher's status, Home.
    expect(text(h.run('taylor', 'next'))).toContain('Coaching session with Casey Lee: Wed 25 Nov 2026, 14:30–15:00 EST.');
    expect(text(h.run('casey', 'next'))).toContain('Coaching session with Taylor Morgan: Wed 25 Nov 2026, 14:30–15:00 EST.');
    expect(text(h.coaching('taylor', 'status'))).toContain('Coaching session with Casey Lee: Wed 25 Nov 2026, 14:30–15:00 EST.');
    expect(plain(h.home('taylor'))).toContain('Wed 25 Nov 2026, 14:30–15:00 EST with Casey Lee');
    expect(plain(h.home('casey'))).toContain('Wed 25 Nov 2026, 14:30–15:00 EST with Taylor Morgan');
    // The coach's feed: "Coaching session" and the time, nothing else of it.
    const feed = feedOf('casey');
    expect(feed).toContain('SUMMARY:Coaching session');
    expect(feed).toContain('DTSTART;TZID=America/New_York:20261125T143000');
    expect(feed).not.toMatch(/OKAPI|Classroom|Taylor/);
    // The teacher, who has no touch-points, now has a feed: the session alone, by the same title.
    expect(text(h.run('taylor', 'calendar'))).toContain('/calendar/');
    const taylorsFeed = feedOf('taylor');
    expect(taylorsFeed).toContain('SUMMARY:Coaching session');
    expect(taylorsFeed).not.toMatch(/OKAPI|Classroom|Casey/);
    // The principal learns nothing: not in their next, Home or feed, and no row for them.
    for (const who of ['pat', 'alex', 'jordan']) {
      const seen = [text(h.run(who, 'next')), plain(h.home(who)), feedOf(who)].join('\n');
      expect(seen).not.toMatch(/Coaching session|coaching session|Taylor Morgan|OKAPI/);
    }
    // Another coach of the school sees the request in the queue, as always, but not the session.
    expect([text(h.run('robin', 'next')), plain(h.home('robin')), feedOf('robin')].join('\n')).not.toMatch(/Coaching session|14:30/);
    expect(rowsToLeaders()).toBe(0);

    // The reminder, an hour before, to both; the "mark it done" prompt follows the confirmed date.
    const dms = await h.advance(new Date('2026-11-25T21:00:00Z').getTime() - h.clock.now().getTime());
    const reminders = dms.filter((d) => d.message.text.includes('soon'));
    expect(reminders.map((d) => [d.to, local(d.at), d.message.text])).toEqual([
      ['casey', '2026-11-25 13:30', 'Coaching session with Taylor Morgan soon: Wed 25 Nov 2026, 14:30–15:00 EST.'],
      ['taylor', '2026-11-25 13:30', 'Coaching session with Casey Lee soon: Wed 25 Nov 2026, 14:30–15:00 EST.'],
    ]);
    expect(dmsTo(dms, 'casey').some((d) => d.message.text.includes('was planned for Wed 25 Nov 2026'))).toBe(true);
    expect(
      h.notifier.sent
        .filter((d) => d.to === 'pat' || d.to === 'alex')
        .map((d) => d.message.text)
        .join('\n'),
    ).not.toMatch(/coaching session/i);
  });

  it('the teacher confirms the coach’s time; a time outside the school day asks how to write it; a past time is refused', async () => {
    const toTaylor = await proposed();
    // /coaching status shows the time waiting for Taylor's answer again, with the buttons.
    const status = h.coaching('taylor', 'status');
    expect(text(status)).toContain('Casey Lee proposes a coaching session: Tue 24 Nov 2026, 10:00–10:30 EST. Confirm it or suggest another time.');
    expect(status.messages.flatMap(buttonsOf).map((b) => b.label)).toEqual(expect.arrayContaining(['Confirm', 'Suggest another time']));
    expect(text(h.coaching('jordan', 'status'))).not.toContain('proposes a coaching session');
    const form = formIn(h.press('taylor', toTaylor, 'Suggest another time'));
    expect(text(h.submit('taylor', form.formId, { date: '2026-11-25', time: '6:00' }).reply)).toContain(
      '"6:00" could be 06:00 or 18:00; write it as 06:00 or 18:00',
    );
    expect(text(h.submit('taylor', form.formId, { date: '2026-11-18', time: '10:00' }).reply)).toContain('that time has already passed');
    expect(h.core.db.prepare(`SELECT status FROM coaching_sessions ORDER BY id`).all()).toEqual([{ status: 'proposed' }]);
    expect(text(h.press('taylor', toTaylor, 'Confirm'))).toBe(
      'Confirmed: coaching session with Casey Lee, Tue 24 Nov 2026, 10:00–10:30 EST. Casey Lee has been told; it is in /touchpoint next and your calendar feed.',
    );
    expect(dmsTo(await h.deliver(), 'casey').map((d) => d.message.text)).toEqual([
      'Taylor Morgan confirmed the coaching session: Tue 24 Nov 2026, 10:00–10:30 EST. It is in /touchpoint next and your calendar feed.',
    ]);
    expect(text(h.coaching('taylor', 'status'))).not.toContain('proposes a coaching session');
    expect(text(h.run('casey', 'next'))).toContain('Coaching session with Taylor Morgan: Tue 24 Nov 2026, 10:00–10:30 EST.');
  });

  it('a withdrawn request takes its session out of next and the feed, and drops its reminder', async () => {
    h.press('taylor', await proposed(), 'Confirm');
    await h.deliver();
    h.coaching('taylor', `withdraw ${id}`);
    expect(text(h.run('casey', 'next'))).not.toContain('Coaching session');
    expect(feedOf('casey')).not.toContain('Coaching session');
    const dms = await h.advance(new Date('2026-11-24T16:00:00Z').getTime() - h.clock.now().getTime());
    expect(dms.filter((d) => d.message.text.includes('soon'))).toEqual([]);
  });

  it('forget-me erases the teacher’s sessions with their requests', async () => {
    h.press('taylor', await proposed(), 'Confirm');
    await h.deliver();
    expect((h.core.db.prepare('SELECT COUNT(*) AS n FROM coaching_sessions').get() as { n: number }).n).toBe(1);
    const confirm = h.coaching('taylor', 'forget-me').messages[0];
    h.press('taylor', confirm, 'Erase everything');
    expect((h.core.db.prepare('SELECT COUNT(*) AS n FROM coaching_sessions').get() as { n: number }).n).toBe(0);
    expect(text(h.run('casey', 'next'))).not.toContain('Coaching session');
  });
});
