/**
 * The iCalendar feed, read back with ical.js: recurring events in the school's zone with a
 * VTIMEZONE, 14:00 local on both sides of DST changes, skipped and closed dates excluded, a
 * moved meeting as one override, biweekly as INTERVAL=2, a cancelled series ending with UNTIL
 * (in UTC) at its last meeting, and only the owner's own series.
 */
import { createHarness, seedDemoSchool, seedSchool, bookAccepted, text, type Harness } from '../../support/harness';
import { toLocal } from '../../../src/core/datetime';
import { seriesUid } from '../../../src/features/calendar/feed';
import { calendarRig, expand, feedPathIn, parseFeed, uids, type CalendarRig, type Instance } from './helpers';

const NY = 'America/New_York';
const LONDON = 'Europe/London';
const MINUTE = 60_000;
const unfold = (ics: string): string => ics.replace(/\r\n[ \t]/g, '');
const local = (d: Date, tz: string): string => {
  const l = toLocal(d, tz);
  return `${l.date} ${l.time}`;
};

/** Every Tuesday (or the rule's weekday) from `from`, stepping `step` days, up to `to`. */
function dates(from: string, to: string, step: number): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d = new Date(d.getTime() + step * 86_400_000))
    out.push(d.toISOString().slice(0, 10));
  return out;
}

async function feedOf(rig: CalendarRig, handle: string): Promise<{ status: number; headers: Headers; body: string }> {
  return rig.get(feedPathIn(rig.run(handle, 'calendar')));
}

describe('a weekly series in New York', () => {
  let h: Harness;
  let rig: CalendarRig;
  beforeEach(async () => {
    h = createHarness({ start: new Date('2026-10-20T12:00:00Z') }); // Tue 20 Oct 2026, 08:00 EDT
    seedDemoSchool(h);
    bookAccepted(h); // pat ↔ casey, Tuesdays 14:00–14:30
    rig = await calendarRig(h);
  });
  afterEach(async () => {
    await rig.close();
    h.close();
  });

  it('keeps 14:00 local across November 2026 and March 2027, without skipped, closed or moved slots', async () => {
    expect(text(h.run('pat', 'skip state testing'))).toContain('Skipped Tue 20 Oct 2026');
    expect(text(h.press('pat', h.run('pat', 'move 2026-10-29 10:30').messages[0], 'Confirm'))).toContain('Moved: Tue 27 Oct 2026');
    expect(text(h.run('pat', 'closed 2026-11-24..2026-11-25 Thanksgiving break'))).toContain('closed');
    // A closure beyond the materialised horizon (an imported spring break, say) is excluded too.
    const tenantId = h.user('pat').tenantId;
    h.core.services.calendar.addClosure(
      tenantId,
      { schoolId: 1, startDate: '2027-04-05', endDate: '2027-04-09', label: 'Spring break', createdBy: h.user('pat').id },
      h.clock.now(),
    );

    const res = await feedOf(rig, 'pat');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('private, max-age=300');

    const cal = parseFeed(res.body);
    expect(cal.getAllSubcomponents('vtimezone').map((z) => z.getFirstPropertyValue('tzid'))).toEqual([NY]);
    const uid = seriesUid(tenantId, 1);
    expect(uids(cal)).toEqual([uid]);
    const master = cal.getAllSubcomponents('vevent').find((v) => !v.hasProperty('recurrence-id'))!;
    expect(master.getFirstProperty('dtstart')!.getParameter('tzid')).toBe(NY);
    expect(master.getFirstPropertyValue('summary')).toBe('Touch-point: Pat Rivera & Casey Lee');
    expect(unfold(res.body)).toMatch(/RRULE:FREQ=WEEKLY\r\n/);
    expect(unfold(res.body)).toContain('EXDATE;TZID=America/New_York:20261020T140000,20261124T140000,20270406T140000\r\n');

    const all = expand(cal, uid, new Date('2027-05-01T00:00:00Z'));
    const regular = all.filter((i) => !i.moved);
    // Every Tuesday from 20 Oct 2026 to 27 Apr 2027, but the skipped, closed and moved ones.
    const expected = dates('2026-10-20', '2027-04-27', 7).filter((d) => !['2026-10-20', '2026-10-27', '2026-11-24', '2027-04-06'].includes(d));
    expect(regular.map((i) => toLocal(i.start, NY).date)).toEqual(expected);
    for (const i of regular) {
      expect(toLocal(i.start, NY).time).toBe('14:00');
      expect(i.end.getTime() - i.start.getTime()).toBe(30 * MINUTE);
    }
    // The DST changes really are inside the range: 18:00Z in EDT, 19:00Z in EST.
    const utcHours = (d: string): number => regular.find((i) => toLocal(i.start, NY).date === d)!.start.getUTCHours();
    expect([utcHours('2026-11-03'), utcHours('2027-03-09'), utcHours('2027-03-16')]).toEqual([19, 19, 18]);

    // The moved meeting appears once, at its new time, as the override of its original slot.
    const moved = all.filter((i) => i.moved);
    expect(moved.map((i: Instance) => [local(i.start, NY), local(i.end, NY), local(i.recurrenceId, NY)])).toEqual([
      ['2026-10-29 10:30', '2026-10-29 11:00', '2026-10-27 14:00'],
    ]);
    expect(cal.getAllSubcomponents('vevent').filter((v) => v.hasProperty('recurrence-id'))).toHaveLength(1);
    expect(all.filter((i) => local(i.start, NY) === '2026-10-27 14:00')).toEqual([]);
  });

  it('describes the next agenda in counts only, never its texts', async () => {
    h.run('pat', 'add data Attendance dip in grade 4');
    h.run('casey', 'add wins Reading scores up 8 points');
    h.run('pat', 'priorities set 1 Guided reading in every K-2 room');
    h.run('casey', 'priorities accept 1'); // a priority is shared once the other person accepts it
    const cal = parseFeed((await feedOf(rig, 'casey')).body);
    const description = String(cal.getFirstSubcomponent('vevent')!.getFirstPropertyValue('description'));
    expect(description).toContain('Next agenda so far: 2 items (1 Wins and bright spots, 1 Student data); 1 shared priority; 0 open action items.');
    expect(description).toContain('/touchpoint agenda');
    expect(description).toContain('Next: Tue 20 Oct 2026, 14:00–14:30 EDT.');
    for (const secret of ['Attendance', 'Reading scores', 'Guided reading']) expect(description).not.toContain(secret);
  });

  it('shows only the series its owner is in', async () => {
    seedSchool(h, {
      name: 'Other',
      members: [
        ['alex', 'Alex Park', 'principal'],
        ['robin', 'Robin Diaz', 'coach'],
      ],
    });
    bookAccepted(h, 'book @robin weekly wed 10:00', 'alex', 'robin');
    const tenantId = h.user('pat').tenantId;
    expect(uids(parseFeed((await feedOf(rig, 'pat')).body))).toEqual([seriesUid(tenantId, 1)]);
    expect(uids(parseFeed((await feedOf(rig, 'robin')).body))).toEqual([seriesUid(tenantId, 2)]);
  });
});

describe('a biweekly series in London', () => {
  let h: Harness;
  let rig: CalendarRig;
  beforeEach(async () => {
    h = createHarness({ start: new Date('2027-02-01T09:00:00Z') }); // Mon 1 Feb 2027, 09:00 GMT
    seedDemoSchool(h, 'local', LONDON);
    bookAccepted(h, 'book @casey biweekly thu 14:00');
    rig = await calendarRig(h);
  });
  afterEach(async () => {
    await rig.close();
    h.close();
  });

  it('has INTERVAL=2 and stays at 14:00 London time through BST', async () => {
    const res = await feedOf(rig, 'pat');
    expect(unfold(res.body)).toMatch(/RRULE:FREQ=WEEKLY;INTERVAL=2\r\n/);
    const cal = parseFeed(res.body);
    expect(cal.getFirstSubcomponent('vtimezone')!.getFirstPropertyValue('tzid')).toBe(LONDON);
    const rrule = cal.getFirstSubcomponent('vevent')!.getFirstPropertyValue('rrule') as unknown as { interval: number };
    expect(rrule.interval).toBe(2);
    const all = expand(cal, seriesUid(h.user('pat').tenantId, 1), new Date('2027-12-01T00:00:00Z'));
    expect(all.map((i) => toLocal(i.start, LONDON).date)).toEqual(dates('2027-02-04', '2027-11-25', 14));
    for (const i of all) expect(toLocal(i.start, LONDON).time).toBe('14:00');
    expect(new Set(all.map((i) => i.start.getUTCHours()))).toEqual(new Set([14, 13]));
  });
});

describe('a cancelled series', () => {
  let h: Harness;
  let rig: CalendarRig;
  beforeEach(async () => {
    h = createHarness({ start: new Date('2026-10-20T12:00:00Z') });
    seedDemoSchool(h);
    h.core.services.people.addMembership(
      h.user('pat').tenantId,
      1,
      h.core.services.people.ensureUser(h.user('pat').tenantId, 'robin', h.clock.now(), 'Robin Diaz', 'robin').id,
      'coach',
      h.clock.now(),
    );
    bookAccepted(h); // Tuesdays 14:00 with casey
    rig = await calendarRig(h);
  });
  afterEach(async () => {
    await rig.close();
    h.close();
  });

  it('ends with UNTIL, in UTC, at the last meeting before it was cancelled', async () => {
    h.clock.set(new Date('2026-11-05T15:00:00Z')); // Thu 5 Nov: after the 3 Nov meeting
    const asked = h.run('pat', 'cancel');
    expect(text(h.press('pat', asked.messages[0], 'End the series'))).toContain('The series has ended');
    const res = await feedOf(rig, 'pat');
    expect(unfold(res.body)).toContain('RRULE:FREQ=WEEKLY;UNTIL=20261103T190000Z\r\n');
    const cal = parseFeed(res.body);
    const all = expand(cal, seriesUid(h.user('pat').tenantId, 1), new Date('2027-06-01T00:00:00Z'));
    expect(all.map((i) => local(i.start, NY))).toEqual(['2026-10-20 14:00', '2026-10-27 14:00', '2026-11-03 14:00']);
    expect(String(cal.getFirstSubcomponent('vevent')!.getFirstPropertyValue('description'))).toContain('has ended');
  });

  it('is left out when it ended before it ever met', async () => {
    bookAccepted(h, 'book @robin weekly wed 10:00', 'pat', 'robin'); // first meeting Wed 21 Oct
    const asked = h.run('pat', 'cancel with @robin');
    h.press('pat', asked.messages[0], 'End the series');
    const cal = parseFeed((await feedOf(rig, 'pat')).body);
    expect(uids(cal)).toEqual([seriesUid(h.user('pat').tenantId, 1)]);
    // Robin has a partnership but no series in it any more: the feed is valid and empty.
    const robin = parseFeed((await feedOf(rig, 'robin')).body);
    expect(robin.getAllSubcomponents('vevent')).toEqual([]);
  });
});
