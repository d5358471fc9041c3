/**
 * Changing a series' weekly slot from a date on, without cancelling it: asked first (before →
 * after, what it drops), then proposed to the other person, who accepts or declines. Until they
 * accept the old slot stands; once they do, the series keeps its history and the new weeks follow.
 */
import { createHarness, seedDemoSchool, bookAccepted, text, type Harness } from '../../support/harness';
import { buttonsOf, type Message } from '../../../src/messages/model';
import type { Series } from '../../../src/core/model';
import { buildFeed } from '../../../src/features/calendar/feed';
import { expand, parseFeed, uids } from '../calendar/helpers';

let h: Harness;
afterEach(() => h?.close());

const tid = (): number => h.user('pat').tenantId;
const series = (): Series => h.core.services.series.liveSeriesOfUser(tid(), h.user('pat').id)[0];
const one = (r: { messages: Message[] }): Message => {
  expect(r.messages).toHaveLength(1);
  return r.messages[0];
};
const dms = async (): Promise<[string, string][]> => (await h.deliver()).map((d) => [d.to, d.message.text]);

function rows(): [string, string, string][] {
  return h.core.services.series
    .occurrencesInDates(tid(), series().id, '2026-11-01', '2027-01-01')
    .map((o) => [o.originalDate, o.status, o.startsAt.toLocaleString('sv-SE', { timeZone: 'America/New_York' }).slice(0, 16)]);
}

const ASK =
  'Change your touch-points with Casey Lee from Mon 14 Dec 2026: weekly on Tuesdays, 14:00–14:30 → weekly on Thursdays, 10:00–10:30?\n' +
  'From Tue 15 Dec 14:00 on, the touch-points on the old slot will not take place; the first on the new slot is Thu 17 Dec 2026, 10:00–10:30 EST.\n' +
  'Casey Lee is asked to accept; until then the current slot stands.\n' +
  'Nothing changes, and Casey Lee is not told, until you confirm.';

beforeEach(async () => {
  h = createHarness({ start: new Date('2026-11-23T13:00:00Z') });
  seedDemoSchool(h);
  bookAccepted(h); // weekly on Tuesdays, 14:00–14:30
  h.clock.set(new Date('2026-11-30T13:00:00Z'));
  h.run('pat', 'skip'); // Tue 1 Dec: history that stays
  h.clock.set(new Date('2026-12-07T13:00:00Z')); // Mon 7 Dec, 08:00
  await h.deliver();
});

it('"reschedule thu 10:00 from 2026-12-14" asks, proposes, and on Accept changes the slot keeping the history', async () => {
  const before = series();
  const ask = one(h.run('pat', 'reschedule thu 10:00 from 2026-12-14'));
  expect(ask.text).toBe(ASK);
  expect(buttonsOf(ask).map((b) => b.label)).toEqual(['Confirm', 'Cancel']);
  expect(await dms()).toEqual([]);

  expect(text(h.press('pat', ask, 'Confirm'))).toBe(
    'Proposed to Casey Lee: from Mon 14 Dec 2026, weekly on Thursdays, 10:00–10:30. Until they accept, the current slot stands.',
  );
  expect(text(h.press('pat', ask, 'Confirm'))).toBe('That change is already waiting for Casey Lee; nothing changed.');
  const sent = await h.deliver();
  expect(sent.map((d) => [d.to, d.message.text])).toEqual([
    [
      'casey',
      'Pat Rivera proposes to change your touch-points from Mon 14 Dec 2026: weekly on Tuesdays, 14:00–14:30 → weekly on Thursdays, 10:00–10:30. ' +
        'From Tue 15 Dec 14:00 on, the touch-points on the old slot will not take place; the first on the new slot is Thu 17 Dec 2026, 10:00–10:30 EST. Accept or decline.',
    ],
  ]);
  const proposal = sent[0].message;
  expect(buttonsOf(proposal).map((b) => b.label)).toEqual(['Accept', 'Decline']);
  // Until Casey accepts, the old slot stands.
  expect(series()).toMatchObject({ weekday: 2, time: '14:00' });
  expect(text(h.press('pat', proposal, 'Accept'))).toBe('You proposed this change; Casey Lee answers it.');

  expect(text(h.press('casey', proposal, 'Accept'))).toBe(
    'Changed: from Mon 14 Dec 2026, weekly on Thursdays, 10:00–10:30. Next: Tue 8 Dec 2026, 14:00–14:30 EST.',
  );
  expect(series()).toMatchObject({ id: before.id, status: 'active', weekday: 4, time: '10:00', durationMinutes: 30 });
  expect(rows()).toEqual([
    ['2026-11-24', 'scheduled', '2026-11-24 14:00'],
    ['2026-12-01', 'skipped', '2026-12-01 14:00'],
    ['2026-12-08', 'scheduled', '2026-12-08 14:00'],
    ['2026-12-17', 'scheduled', '2026-12-17 10:00'],
    ['2026-12-24', 'scheduled', '2026-12-24 10:00'],
    ['2026-12-31', 'scheduled', '2026-12-31 10:00'],
  ]);
  expect(await dms()).toEqual([
    ['pat', 'Casey Lee accepted the change: from Mon 14 Dec 2026, weekly on Thursdays, 10:00–10:30. Next: Tue 8 Dec 2026, 14:00–14:30 EST.'],
  ]);

  expect(text(h.press('casey', proposal, 'Accept'))).toBe('That change has already been answered.');
  expect(await dms()).toEqual([]);
});

it('Decline keeps the slot and tells the proposer once', async () => {
  h.press('pat', one(h.run('pat', 'reschedule thu 10:00 from 2026-12-14')), 'Confirm');
  const [proposal] = await h.deliver();
  expect(text(h.press('casey', proposal.message, 'Decline'))).toBe(
    'Declined. Pat Rivera has been told; the touch-points stay weekly on Tuesdays, 14:00–14:30.',
  );
  expect(series()).toMatchObject({ weekday: 2, time: '14:00' });
  expect(await dms()).toEqual([
    ['pat', 'Casey Lee declined the change to weekly on Thursdays, 10:00–10:30; the touch-points stay weekly on Tuesdays, 14:00–14:30.'],
  ]);
  expect(text(h.press('casey', proposal.message, 'Accept'))).toBe('That change has already been answered.');
});

it('book with the same person on an existing series asks to change its slot instead of refusing', () => {
  expect(one(h.run('pat', 'book @casey weekly thu 10:00 from 2026-12-14')).text).toBe(ASK);
});

it('the calendar feed keeps the meetings of the old slot and repeats the new one from the change on', async () => {
  h.press('pat', one(h.run('pat', 'reschedule thu 10:00 from 2026-12-14')), 'Confirm');
  const [proposal] = await h.deliver();
  h.press('casey', proposal.message, 'Accept');
  const pat = h.user('pat');
  const owner = { user: pat, tenant: h.core.services.people.tenantById(tid())!, memberships: h.core.services.people.membershipsOf(tid(), pat.id) };
  const cal = parseFeed(buildFeed(h.core.services, owner, h.clock.now()));
  const until = new Date('2027-01-01T00:00:00Z');
  const starts = uids(cal)
    .flatMap((uid) => {
      const events = cal.getAllSubcomponents('vevent').filter((v) => v.getFirstPropertyValue('uid') === uid);
      if (events.some((v) => v.hasProperty('rrule'))) return expand(cal, uid, until).map((i) => i.start);
      return events.map((v) => (v.getFirstPropertyValue('dtstart') as { toJSDate(): Date }).toJSDate());
    })
    .map((d) => d.toLocaleString('sv-SE', { timeZone: 'America/New_York' }).slice(0, 16))
    .sort();
  // Tuesdays at 14:00 until the change (1 Dec was skipped), Thursdays at 10:00 from it: not Thursdays back to November.
  expect(starts).toEqual(['2026-11-24 14:00', '2026-12-08 14:00', '2026-12-17 10:00', '2026-12-24 10:00', '2026-12-31 10:00']);
});
