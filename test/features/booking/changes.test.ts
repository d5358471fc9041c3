/**
 * Changing one meeting or the weeks ahead, as measured at the console: a time without am/pm is
 * read inside the school day, a weekday in `move` is in the meeting's week, and a move or a
 * pause is confirmed (before → after, and what it drops) before anything changes or anyone is told.
 */
import { createHarness, seedDemoSchool, bookAccepted, text, type Harness } from '../../support/harness';
import { buttonsOf, type Message } from '../../../src/messages/model';
import type { Occurrence, Series } from '../../../src/core/model';

let h: Harness;
afterEach(() => h?.close());

const tid = (): number => h.user('pat').tenantId;

function onlySeries(): Series {
  const all = h.core.services.series.liveSeriesOfUser(tid(), h.user('pat').id);
  expect(all).toHaveLength(1);
  return all[0];
}

function rows(count = 5): [string, string, string][] {
  const tz = 'America/New_York';
  return h.core.services.series
    .occurrencesOfSeries(tid(), onlySeries().id, h.clock.now(), count)
    .map((o: Occurrence) => [o.originalDate, o.status, o.startsAt.toLocaleString('sv-SE', { timeZone: tz }).slice(0, 16)]);
}

function one(r: { messages: Message[] }): Message {
  expect(r.messages).toHaveLength(1);
  return r.messages[0];
}

const labels = (m: Message): string[] => buttonsOf(m).map((b) => b.label);
/**
 * What the change sent. "Did it happen?" about a touch-point already over is planned by any request
 * (reminders are re-planned in the request that changes them) and is not what these tests are about.
 */
const dms = async (): Promise<[string, string][]> =>
  (await h.deliver()).filter((d) => !d.message.text.startsWith('Did your touch-point')).map((d) => [d.to, d.message.text]);

async function booked(start: string): Promise<void> {
  h = createHarness({ start: new Date(start) });
  seedDemoSchool(h); // school day 07:30–15:30, America/New_York
  bookAccepted(h); // weekly on Tuesdays, 14:00–14:30
  await h.deliver();
}

describe('a time without am/pm is read inside the school day', () => {
  beforeEach(() => booked('2026-11-23T13:00:00Z')); // Mon 23 Nov 2026, 08:00

  it('"move fri 2:30" means 14:30, and nothing changes before Confirm', async () => {
    const ask = one(h.run('pat', 'move fri 2:30'));
    expect(ask.text).toBe(
      'Move your touch-point with Casey Lee: Tue 24 Nov 2026, 14:00–14:30 EST → Fri 27 Nov 2026, 14:30–15:00 EST?\n' +
        'Nothing changes, and Casey Lee is not told, until you confirm.',
    );
    expect(labels(ask)).toEqual(['Confirm', 'Cancel']);
    expect(rows(1)).toEqual([['2026-11-24', 'scheduled', '2026-11-24 14:00']]);
    expect(await dms()).toEqual([]);

    expect(text(h.press('pat', ask, 'Confirm'))).toBe('Moved: Tue 24 Nov 2026, 14:00–14:30 EST → Fri 27 Nov 2026, 14:30–15:00 EST. Casey Lee has been told.');
    expect(rows(1)).toEqual([['2026-11-24', 'scheduled', '2026-11-27 14:30']]);
    expect(await dms()).toEqual([['casey', 'Pat Rivera moved the touch-point of Tue 24 Nov 2026, 14:00–14:30 EST to Fri 27 Nov 2026, 14:30–15:00 EST.']]);

    // A second press (a double click, another device) changes nothing and tells nobody again.
    expect(text(h.press('pat', ask, 'Confirm'))).toBe('That touch-point is already on Fri 27 Nov 2026, 14:30–15:00 EST; nothing changed.');
    expect(await dms()).toEqual([]);
  });

  it('Cancel changes nothing and tells nobody', async () => {
    const ask = one(h.run('pat', 'move fri 2:30'));
    expect(text(h.press('pat', ask, 'Cancel'))).toBe('Kept. Nothing changed.');
    expect(rows(1)).toEqual([['2026-11-24', 'scheduled', '2026-11-24 14:00']]);
    expect(await dms()).toEqual([]);
  });

  it('a time that fits neither half of the school day is asked, and the choice carries on', async () => {
    const ask = one(h.run('pat', 'move fri 7:00'));
    expect(ask.text).toBe(`"7:00" could be 07:00 or 19:00, and neither is inside Demo Elementary's school day (07:30–15:30). Which did you mean? 07:00, 19:00`);
    expect(labels(ask)).toEqual(['07:00', '19:00']);
    const confirm = one(h.press('pat', ask, '07:00'));
    expect(confirm.text).toBe(
      'Move your touch-point with Casey Lee: Tue 24 Nov 2026, 14:00–14:30 EST → Fri 27 Nov 2026, 07:00–07:30 EST?\n' +
        "Heads-up: that is outside Demo Elementary's school day (07:30–15:30).\n" +
        'Nothing changes, and Casey Lee is not told, until you confirm.',
    );
    expect(rows(1)).toEqual([['2026-11-24', 'scheduled', '2026-11-24 14:00']]);
    expect(await dms()).toEqual([]);
  });

  it('a stale move confirmation (the meeting was skipped since) does nothing', async () => {
    const ask = one(h.run('pat', 'move fri 2:30'));
    h.run('casey', 'skip');
    await h.deliver();
    expect(text(h.press('pat', ask, 'Confirm'))).toBe('That touch-point has changed since you asked; nothing was changed. Type the command again.');
    expect(rows(1)).toEqual([['2026-11-24', 'skipped', '2026-11-24 14:00']]);
    expect(await dms()).toEqual([]);
  });

  it('a leading zero, 24-hour hours and am/pm mean what they say', () => {
    expect(one(h.run('pat', 'move fri 02:30')).text).toContain('→ Fri 27 Nov 2026, 02:30–03:00 EST?');
    expect(one(h.run('pat', 'move fri 2:30am')).text).toContain('→ Fri 27 Nov 2026, 02:30–03:00 EST?');
    expect(one(h.run('pat', 'move fri 14:30')).text).toContain('→ Fri 27 Nov 2026, 14:30–15:00 EST?');
    expect(one(h.run('pat', 'move fri 9:15')).text).toContain('→ Fri 27 Nov 2026, 09:15–09:45 EST?');
  });

  it('book reads its time inside the school day too', () => {
    h.close();
    h = createHarness({ start: new Date('2026-11-23T13:00:00Z') });
    seedDemoSchool(h);
    expect(text(h.run('pat', 'book @casey weekly wed 2:30'))).toBe(
      'Proposed to Casey Lee: weekly on Wednesdays, 14:30–15:00, first on Wed 25 Nov 2026, 14:30–15:00 EST. They can accept or decline.',
    );
  });
});

describe('a weekday in move is that weekday in the meeting’s week', () => {
  // Tue 1 Dec 2026, 15:00 New York: today's touch-point is over; the next is Tue 8 Dec.
  beforeEach(() => booked('2026-11-23T13:00:00Z').then(() => h.clock.set(new Date('2026-12-01T20:00:00Z'))));

  it('"move wed 10:30" on Tue 1 Dec moves the 8 Dec meeting to Wed 9 Dec, after asking', async () => {
    const ask = one(h.run('pat', 'move wed 10:30'));
    expect(ask.text).toMatch(/^Move your touch-point with Casey Lee: Tue 8 Dec 2026, 14:00–14:30 EST → Wed 9 Dec 2026, 10:30–11:00 EST\?/);
    expect(rows(1)).toEqual([['2026-12-08', 'scheduled', '2026-12-08 14:00']]);
    h.press('pat', ask, 'Confirm');
    expect(rows(2)).toEqual([
      ['2026-12-08', 'scheduled', '2026-12-09 10:30'],
      ['2026-12-15', 'scheduled', '2026-12-15 14:00'],
    ]);
    expect(await dms()).toEqual([['casey', 'Pat Rivera moved the touch-point of Tue 8 Dec 2026, 14:00–14:30 EST to Wed 9 Dec 2026, 10:30–11:00 EST.']]);
  });

  it('a weekday before the meeting’s day is earlier in the same week', () => {
    expect(one(h.run('pat', 'move mon 10:30')).text).toMatch(/: Tue 8 Dec 2026, 14:00–14:30 EST → Mon 7 Dec 2026, 10:30–11:00 EST\?/);
  });
});

describe('pause confirms what it drops', () => {
  // Thu 10 Dec 2026, 08:00 New York: the next touch-point is Tue 15 Dec.
  beforeEach(() => booked('2026-11-23T13:00:00Z').then(() => h.clock.set(new Date('2026-12-10T13:00:00Z'))));

  it('judges a moved touch-point by the day it now takes place: moved past the pause, it stays on and keeps its reminders', async () => {
    // Tue 15 Dec moved to Fri 18 Dec; a pause until Thu 17 Dec leaves it on.
    h.press('pat', one(h.run('pat', 'move fri 10:00')), 'Confirm');
    const ask = one(h.run('pat', 'pause until 2026-12-17'));
    expect(ask.text).toContain('Next: Fri 18 Dec 2026, 10:00–10:30 EST → Fri 18 Dec 2026, 10:00–10:30 EST.');
    expect(ask.text).not.toContain('will not take place');
    h.press('pat', ask, 'Confirm');
    expect(rows(1)).toEqual([['2026-12-15', 'scheduled', '2026-12-18 10:00']]);
    // Its compiled agenda still goes out, on the day, before the meeting.
    const sent = await h.advance(new Date('2026-12-18T15:00:00Z').getTime() - h.clock.now().getTime());
    expect(sent.filter((d) => d.message.text.startsWith('Agenda') || d.message.text.includes('Fri 18 Dec')).length).toBeGreaterThan(0);
  });

  it('"pause until 2027-01-05" on 10 Dec names 15, 22 and 29 Dec before anything changes; Confirm tells Casey once', async () => {
    const ask = one(h.run('pat', 'pause until 2027-01-05'));
    expect(ask.text).toBe(
      'Pause your touch-points with Casey Lee until Tue 5 Jan 2027? Next: Tue 15 Dec 2026, 14:00–14:30 EST → Tue 5 Jan 2027, 14:00–14:30 EST.\n' +
        'Tue 15 Dec 14:00, Tue 22 Dec 14:00 and Tue 29 Dec 14:00 will not take place.\n' +
        'Nothing changes, and Casey Lee is not told, until you confirm.',
    );
    expect(labels(ask)).toEqual(['Confirm', 'Cancel']);
    expect(onlySeries().pausedUntil).toBeNull();
    expect(rows(1)).toEqual([['2026-12-15', 'scheduled', '2026-12-15 14:00']]);
    expect(await dms()).toEqual([]);

    expect(text(h.press('pat', ask, 'Confirm'))).toBe(
      'Paused. Resumes on Tue 5 Jan 2027; Next: Tue 5 Jan 2027, 14:00–14:30 EST.\nResume earlier with /touchpoint resume.',
    );
    expect(onlySeries().pausedUntil).toBe('2027-01-05');
    expect(rows(4).map(([d, s]) => [d, s])).toEqual([
      ['2026-12-15', 'paused'],
      ['2026-12-22', 'paused'],
      ['2026-12-29', 'paused'],
      ['2027-01-05', 'scheduled'],
    ]);
    expect(await dms()).toEqual([
      [
        'casey',
        'Pat Rivera paused your touch-points until Tue 5 Jan 2027: Tue 15 Dec 14:00, Tue 22 Dec 14:00 and Tue 29 Dec 14:00 will not take place. Next: Tue 5 Jan 2027, 14:00–14:30 EST.',
      ],
    ]);

    expect(text(h.press('pat', ask, 'Confirm'))).toBe('Your touch-points are already paused until Tue 5 Jan 2027; nothing changed.');
    expect(await dms()).toEqual([]);
  });

  it('a stale confirmation (the pause changed since) does nothing', async () => {
    const ask = one(h.run('pat', 'pause until 2027-01-05'));
    h.press('casey', one(h.run('casey', 'pause until 2026-12-20')), 'Confirm');
    await h.deliver();
    expect(text(h.press('pat', ask, 'Confirm'))).toBe('That touch-point has changed since you asked; nothing was changed. Type the command again.');
    expect(onlySeries().pausedUntil).toBe('2026-12-20');
    expect(await dms()).toEqual([]);
  });

  it('only the person who asked can confirm', () => {
    const ask = one(h.run('pat', 'pause until 2027-01-05'));
    expect(text(h.press('casey', ask, 'Confirm'))).toBe('Only the person who asked can confirm this change.');
    expect(onlySeries().pausedUntil).toBeNull();
  });
});
