/**
 * Reminders keep to open school days (DESIGN.md §4): none is delivered on a closed day, a weekend
 * or during a pause; a closure re-plans what it touches at once; the drift nudge speaks of meetings
 * that did not happen; a closure tells each person once, and its reply counts what really happened.
 */
import { createHarness, seedDemoSchool, bookAccepted, text, type Harness, type SentDm } from '../../support/harness';
import { formOf } from '../../../src/messages/model';
import { toLocal, weekdayOf } from '../../../src/core/datetime';

const NY = 'America/New_York';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const local = (d: Date): string => {
  const l = toLocal(d, NY);
  return `${l.date} ${l.time}`;
};
const dayOf = (d: Date): string => toLocal(d, NY).date;
const headerOf = (dm: SentDm): string => (dm.message.blocks[0]?.type === 'header' ? (dm.message.blocks[0] as { text: string }).text : dm.message.text);
const inRange = (date: string, start: string, end: string): boolean => start <= date && date <= end;
const pat = { identity: { platform: 'console' as const, tenantExternalId: 'local', userExternalId: 'pat', handle: 'pat' } };

describe('reminders on closed days', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('a winter break closed after planning moves the prompt of the first meeting after it to the last school days before it', async () => {
    h = createHarness({ start: new Date('2026-12-07T14:00:00Z') }); // Mon 7 Dec 2026, 09:00 New York
    seedDemoSchool(h);
    bookAccepted(h);
    await h.deliver();
    const before = await h.advance(3 * DAY);
    expect(text(h.run('pat', 'closed 2026-12-21..2027-01-04 Winter break'))).toContain('Winter break');
    const dms = [...before, ...(await h.advance(25 * DAY))];
    const reminders = dms.filter((d) => ['Agenda prompt', 'Did it happen?', 'Protect this time'].includes(headerOf(d)) || headerOf(d).startsWith('Agenda —'));
    expect(reminders.length).toBeGreaterThan(0);
    for (const d of reminders) {
      expect([local(d.at), weekdayOf(dayOf(d.at)) <= 5 && !inRange(dayOf(d.at), '2026-12-21', '2027-01-04')]).toEqual([local(d.at), true]);
    }
    const forJan5 = reminders.filter((d) => headerOf(d) === 'Agenda prompt' && d.message.text.includes('Tue 5 Jan 2027'));
    // Two school days before Tue 5 Jan, counting back over the break: Thu 17 Dec, 08:00.
    expect(forJan5.map((d) => [d.to, local(d.at)]).sort()).toEqual([
      ['casey', '2026-12-17 08:00'],
      ['pat', '2026-12-17 08:00'],
    ]);
  });

  it('a Thanksgiving break closed after an action item was set moves its reminder and the next prompt off the break', async () => {
    h = createHarness({ start: new Date('2026-11-18T17:00:00Z') }); // Wed 18 Nov 2026, 12:00 New York
    seedDemoSchool(h);
    bookAccepted(h);
    await h.deliver();
    const tuesday = await h.advance(new Date('2026-11-24T19:50:00Z').getTime() - h.clock.now().getTime());
    const ask = tuesday.find((d) => d.to === 'pat' && headerOf(d) === 'Did it happen?')!;
    const notes = formOf(h.press('pat', ask.message, 'Held').messages[1])!;
    const casey = notes.inputs.find((i) => i.id === 'owner')!.choices!.find((c) => c.label === 'Casey Lee')!.value;
    h.core.app.submitForm(pat, notes.formId, { decision: 'Share the reading data', owner: casey, due: '2026-11-25' });
    h.clock.set(new Date('2026-11-24T20:00:00Z')); // Tue 15:00
    h.run('pat', 'closed 2026-11-25..2026-11-27 Thanksgiving break');
    const dms = await h.advance(new Date('2026-12-01T17:00:00Z').getTime() - h.clock.now().getTime());
    for (const d of dms) expect([local(d.at), inRange(dayOf(d.at), '2026-11-25', '2026-11-29')]).toEqual([local(d.at), false]);
    // The action item's reminder follows up on the next school day, saying when it was due.
    const due = dms.filter((d) => /^(Due today|Was due)/.test(d.message.text));
    expect(due.map((d) => [local(d.at), d.message.text])).toEqual([['2026-11-30 08:00', 'Was due Wed 25 Nov 2026: Share the reading data']]);
    // The prompt for Tue 1 Dec would have come on Fri 27 Nov; it comes before the break instead.
    const prompts = dms.filter((d) => headerOf(d) === 'Agenda prompt' && d.message.text.includes('Tue 1 Dec 2026'));
    expect(prompts.map((d) => d.to).sort()).toEqual(['casey', 'pat']);
    for (const p of prompts) expect(dayOf(p.at) <= '2026-11-24').toBe(true);
  });

  it('an action item due on a closed day is reminded on the next school day', async () => {
    h = createHarness({ start: new Date('2026-11-18T17:00:00Z') });
    seedDemoSchool(h);
    bookAccepted(h);
    h.run('pat', 'closed 2026-11-26..2026-11-27 Thanksgiving');
    await h.deliver();
    const tuesday = await h.advance(new Date('2026-11-24T19:50:00Z').getTime() - h.clock.now().getTime());
    const ask = tuesday.find((d) => d.to === 'pat' && headerOf(d) === 'Did it happen?')!;
    const notes = formOf(h.press('pat', ask.message, 'Held').messages[1])!;
    const casey = notes.inputs.find((i) => i.id === 'owner')!.choices!.find((c) => c.label === 'Casey Lee')!.value;
    h.core.app.submitForm(pat, notes.formId, { decision: 'Call the district', owner: casey, due: '2026-11-28' }); // a Saturday
    const dms = await h.advance(new Date('2026-12-01T17:00:00Z').getTime() - h.clock.now().getTime());
    const due = dms.filter((d) => /^(Due today|Was due)/.test(d.message.text));
    expect(due.map((d) => [d.to, local(d.at)])).toEqual([['casey', '2026-11-30 08:00']]);
  });
});

describe('the "protect this time" nudge', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ start: new Date('2026-11-18T17:00:00Z') });
    seedDemoSchool(h);
    bookAccepted(h);
  });
  afterEach(() => h.close());

  it('two touch-points skipped ahead on a Saturday bring the nudge after the second would have ended, on a school day', async () => {
    await h.deliver();
    h.clock.set(new Date('2026-11-21T15:00:00Z')); // Sat 21 Nov, 10:00
    h.run('pat', 'skip travel');
    h.run('pat', 'skip travel');
    const weekend = await h.advance(2 * DAY);
    expect(weekend.filter((d) => headerOf(d) === 'Protect this time')).toEqual([]);
    const dms = await h.advance(new Date('2026-12-02T17:00:00Z').getTime() - h.clock.now().getTime());
    const nudges = dms.filter((d) => headerOf(d) === 'Protect this time');
    // Tue 1 Dec 14:00–14:30 was the second skipped touch-point: the nudge follows it.
    expect(nudges.map((d) => [d.to, local(d.at)]).sort()).toEqual([
      ['casey', '2026-12-01 14:30'],
      ['pat', '2026-12-01 14:30'],
    ]);
  });

  it('a skip undone before the meeting withdraws the nudge', async () => {
    await h.deliver();
    h.clock.set(new Date('2026-11-23T14:00:00Z'));
    h.run('pat', 'skip');
    const second = h.run('pat', 'skip');
    h.press('pat', second.messages[0], 'Undo skip');
    const dms = await h.advance(new Date('2026-12-02T17:00:00Z').getTime() - h.clock.now().getTime());
    expect(dms.filter((d) => headerOf(d) === 'Protect this time')).toEqual([]);
  });
});

describe('a closure tells each person once', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ start: new Date('2026-11-18T17:00:00Z') });
    seedDemoSchool(h);
    bookAccepted(h);
  });
  afterEach(() => h.close());

  it('a closure over two touch-points sends each person one message naming both', async () => {
    await h.deliver();
    expect(text(h.run('pat', 'closed 2026-11-24..2026-12-01 Flu closure'))).toBe(
      'Demo Elementary is closed Tue 24 Nov 2026 to Tue 1 Dec 2026 (Flu closure). 2 touch-points skipped; both people told.',
    );
    const dms = await h.deliver();
    expect(dms.map((d) => d.to).sort()).toEqual(['casey', 'pat']);
    expect(dms[0].message.text).toBe(
      'No touch-points on Tue 24 Nov 2026, 14:00–14:30 EST and Tue 1 Dec 2026, 14:00–14:30 EST: Demo Elementary is closed (Flu closure). Next: Tue 8 Dec 2026, 14:00–14:30 EST.',
    );
  });

  it('a closure that closes nothing says so and tells nobody', async () => {
    await h.deliver();
    expect(text(h.run('pat', 'closed 2026-11-25 Staff day'))).toBe(
      'Demo Elementary is closed Wed 25 Nov 2026 (Staff day). No touch-points fall on it; nobody was told.',
    );
    expect(await h.deliver()).toEqual([]);
  });
});
