/**
 * The school calendar import: a district .ics (a multi-day break, a single holiday, an
 * early-release afternoon and an evening meeting) becomes closures keyed by UID; re-importing
 * changes nothing; edits update and removals remove, hand-made closures stay; touch-points on
 * closed days are closed (and on again when the day opens), with a DM to both people.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHarness, seedDemoSchool, seedSchool, bookAccepted, text, type Harness, type SentDm } from '../../support/harness';
import { CommandRegistry } from '../../../src/core/registry';
import { registerCalendar } from '../../../src/features/calendar/commands';
import { importSchoolCalendar, loadCalendarSource, readSchoolCalendar, syncSchoolCalendars } from '../../../src/features/calendar/import';
import { calendarRig, type CalendarRig } from './helpers';

const ics = (...events: string[]): string =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Springfield USD//District Calendar//EN', ...events, 'END:VCALENDAR', ''].join('\r\n');

const WINTER = (start = '20261221', endExclusive = '20270102'): string =>
  [
    'BEGIN:VEVENT',
    'UID:winter-break-2026@springfield.k12.example',
    'DTSTAMP:20260801T000000Z',
    `DTSTART;VALUE=DATE:${start}`,
    `DTEND;VALUE=DATE:${endExclusive}`,
    'SUMMARY:Winter Break',
    'END:VEVENT',
  ].join('\r\n');
const THANKSGIVING = [
  'BEGIN:VEVENT',
  'UID:thanksgiving-2026@springfield.k12.example',
  'DTSTAMP:20260801T000000Z',
  'DTSTART;VALUE=DATE:20261126',
  'DTEND;VALUE=DATE:20261127',
  'SUMMARY:Thanksgiving Day',
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'DESCRIPTION:Reminder',
  'TRIGGER:-P1D',
  'END:VALARM',
  'END:VEVENT',
].join('\r\n');
// A timed early-release afternoon, its summary folded and with an escaped comma.
const EARLY_RELEASE = [
  'BEGIN:VEVENT',
  'UID:early-release-2026-12-10@springfield.k12.example',
  'DTSTAMP:20260801T000000Z',
  'DTSTART;TZID=America/New_York:20261210T123000',
  'DTEND;TZID=America/New_York:20261210T153000',
  'SUMMARY:Early Release\\, Staff Professional Develop',
  ' ment',
  'END:VEVENT',
].join('\r\n');
const BOARD_MEETING = [
  'BEGIN:VEVENT',
  'UID:board-2026-12-03@springfield.k12.example',
  'DTSTAMP:20260801T000000Z',
  'DTSTART;TZID=America/New_York:20261203T180000',
  'DTEND;TZID=America/New_York:20261203T200000',
  'SUMMARY:Board of Education Meeting',
  'END:VEVENT',
].join('\r\n');

const V1 = ics(WINTER(), THANKSGIVING, EARLY_RELEASE, BOARD_MEETING);
// The district moved the break's start and dropped the Thanksgiving entry.
const V2 = ics(WINTER('20261228'), EARLY_RELEASE, BOARD_MEETING);

const updates = (dms: SentDm[]): SentDm[] => dms.filter((d) => d.message.text.startsWith('School calendar update'));

describe('importing the school calendar', () => {
  let h: Harness;
  let rig: CalendarRig;
  let file: string;
  let tenantId: number;
  const statuses = (): Record<string, string> =>
    Object.fromEntries(
      (
        h.core.db.prepare('SELECT original_date, status FROM occurrences WHERE series_id = 1 ORDER BY original_date').all() as {
          original_date: string;
          status: string;
        }[]
      )
        .filter((o) => o.original_date <= '2027-01-14')
        .map((o) => [o.original_date, o.status]),
    );
  const closures = (): [string, string, string][] => h.core.services.calendar.closuresOfSchool(tenantId, 1).map((c) => [c.startDate, c.endDate, c.label]);

  beforeEach(async () => {
    h = createHarness({ start: new Date('2026-11-18T17:00:00Z') }); // Wed 18 Nov 2026, 12:00 EST
    seedDemoSchool(h);
    bookAccepted(h, 'book @casey weekly thu 14:00');
    tenantId = h.user('pat').tenantId;
    file = join(mkdtempSync(join(tmpdir(), 'touchpoint-ics-')), 'district.ics');
    writeFileSync(file, V1);
    rig = await calendarRig(h, { source: file });
    await h.deliver();
    h.notifier.clear();
  });
  afterEach(async () => {
    await rig.close();
    h.close();
  });

  it('turns all-day and early-release events into closures, closes the touch-points on them and tells both people', async () => {
    const r = rig.run('pat', 'calendar import');
    expect(text(r)).toContain(
      'Imported the school calendar into Demo Elementary: 3 added, 0 updated, 0 removed. 1 event was not a closure (1 with a time of day). 4 touch-points fall on a closed day; both people told.',
    );
    expect(closures()).toEqual([
      ['2026-11-26', '2026-11-26', 'Thanksgiving Day'],
      ['2026-12-10', '2026-12-10', 'Early Release, Staff Professional Development'],
      ['2026-12-21', '2027-01-01', 'Winter Break'], // DTEND is exclusive
    ]);
    expect(statuses()).toEqual({
      '2026-11-19': 'scheduled',
      '2026-11-26': 'closed',
      '2026-12-03': 'scheduled',
      '2026-12-10': 'closed',
      '2026-12-17': 'scheduled',
      '2026-12-24': 'closed',
      '2026-12-31': 'closed',
      '2027-01-07': 'scheduled',
      '2027-01-14': 'scheduled',
    });
    const dms = updates(await h.deliver());
    expect(dms.map((d) => d.to).sort()).toEqual(['casey', 'pat']);
    for (const dm of dms) {
      expect(dm.message.text).toContain('No touch-point on Thu 26 Nov 2026, 14:00–14:30 EST: Demo Elementary is closed (Thanksgiving Day).');
      expect(dm.message.text).toContain('Thu 10 Dec 2026, 14:00–14:30 EST: Demo Elementary is closed (Early Release, Staff Professional Development)');
      expect(dm.message.text).toContain('Thu 31 Dec 2026, 14:00–14:30 EST: Demo Elementary is closed (Winter Break)');
    }
  });

  it('changes nothing when the same calendar is imported again', async () => {
    rig.run('pat', 'calendar import');
    await h.deliver();
    const before = h.core.services.calendar.closuresOfSchool(tenantId, 1);
    const states = statuses();
    expect(text(rig.run('pat', 'calendar import'))).toContain('0 added, 0 updated, 0 removed');
    expect(h.core.services.calendar.closuresOfSchool(tenantId, 1)).toEqual(before);
    expect(statuses()).toEqual(states);
    expect(updates(await h.deliver())).toEqual([]);
  });

  it('updates moved events, removes dropped ones, keeps hand-made closures, and reopens the days that opened', async () => {
    rig.run('pat', 'calendar import');
    expect(text(h.run('pat', 'closed 2027-01-14 Snow day'))).toContain('closed');
    await h.deliver();
    const earlyReleaseId = h.core.services.calendar.closuresOfSchool(tenantId, 1).find((c) => c.label.startsWith('Early'))!.id;

    writeFileSync(file, V2);
    const r = rig.run('pat', 'calendar import');
    expect(text(r)).toContain('0 added, 1 updated, 1 removed.');
    expect(text(r)).toContain('2 touch-points are on again; both people told.');
    expect(closures()).toEqual([
      ['2026-12-10', '2026-12-10', 'Early Release, Staff Professional Development'],
      ['2026-12-28', '2027-01-01', 'Winter Break'],
      ['2027-01-14', '2027-01-14', 'Snow day'],
    ]);
    expect(h.core.services.calendar.closuresOfSchool(tenantId, 1).find((c) => c.label.startsWith('Early'))!.id).toBe(earlyReleaseId);
    expect(statuses()).toMatchObject({
      '2026-11-26': 'scheduled',
      '2026-12-10': 'closed',
      '2026-12-24': 'scheduled',
      '2026-12-31': 'closed',
      '2027-01-14': 'closed',
    });
    const dms = updates(await h.deliver());
    expect(dms.map((d) => d.to).sort()).toEqual(['casey', 'pat']);
    expect(dms[0].message.text).toContain('The touch-point on Thu 24 Dec 2026, 14:00–14:30 EST is on again');
    expect(dms[0].message.text).toContain('Thu 26 Nov 2026');

    // An empty calendar removes every imported closure, and only those.
    writeFileSync(file, ics());
    expect(text(rig.run('pat', 'calendar import'))).toContain('0 added, 0 updated, 2 removed.');
    expect(closures()).toEqual([['2027-01-14', '2027-01-14', 'Snow day']]);
  });

  it('is re-imported daily for the schools that imported it, and only those', () => {
    const other = seedSchool(h, {
      name: 'Lincoln Middle',
      members: [
        ['alex', 'Alex Park', 'principal'],
        ['robin', 'Robin Diaz', 'coach'],
      ],
    });
    expect(importSchoolCalendar(h.core.services, tenantId, 1, V1, h.clock.now(), { actorId: h.user('pat').id })).toMatchObject({
      added: 3,
      updated: 0,
      removed: 0,
    });
    writeFileSync(file, V2);
    // The scheduler's planner, as registerCalendar installs it with the configured source.
    const registry = new CommandRegistry();
    registerCalendar(registry, { baseUrl: 'https://touchpoint.example.org', source: file });
    h.clock.set(new Date('2026-11-19T11:00:00Z'));
    for (const plan of registry.planners) plan(h.core.services, h.clock.now());
    expect(closures().map(([s, , label]) => `${s} ${label}`)).toEqual(['2026-12-10 Early Release, Staff Professional Development', '2026-12-28 Winter Break']);
    expect(h.core.services.calendar.closuresOfSchool(tenantId, other)).toEqual([]);
    expect(syncSchoolCalendars(h.core.services, V1, h.clock.now()).map((s) => s.schoolId)).toEqual([1]);
  });

  it('is for leaders and admins, from the configured source only', async () => {
    expect(text(rig.run('taylor', 'calendar import'))).toBe('Only a principal, assistant principal or admin imports the school calendar.');
    const unconfigured = await calendarRig(h);
    try {
      expect(text(unconfigured.run('pat', 'calendar import'))).toContain('No school calendar is configured');
    } finally {
      await unconfigured.close();
    }
    // A URL typed in chat is never fetched: `closed` takes dates, not sources.
    expect(text(h.run('pat', 'closed import https://district.example/calendar.ics'))).toContain('is not a date');
    expect(closures()).toEqual([]);
  });
});

describe('reading a calendar source', () => {
  it('reads a file, and refuses plain http and other schemes', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'touchpoint-ics-')), 'cal.ics');
    writeFileSync(file, V1);
    await expect(loadCalendarSource(file)).resolves.toBe(V1);
    await expect(loadCalendarSource('http://district.example/cal.ics')).rejects.toThrow('file path or an https:// URL');
    await expect(loadCalendarSource('ftp://district.example/cal.ics')).rejects.toThrow('file path or an https:// URL');
  });

  it('reads all-day spans with an exclusive DTEND, a missing DTEND or a DURATION; skips cancelled events; expands recurring ones in the window', () => {
    const reading = readSchoolCalendar(
      ics(
        ['BEGIN:VEVENT', 'UID:a', 'DTSTART;VALUE=DATE:20270215', 'SUMMARY:Presidents Day', 'END:VEVENT'].join('\r\n'),
        ['BEGIN:VEVENT', 'UID:b', 'DTSTART;VALUE=DATE:20270405', 'DURATION:P5D', 'SUMMARY:Spring Break', 'END:VEVENT'].join('\r\n'),
        ['BEGIN:VEVENT', 'UID:c', 'DTSTART;VALUE=DATE:20270301', 'DTEND;VALUE=DATE:20270302', 'STATUS:CANCELLED', 'SUMMARY:Snow make-up', 'END:VEVENT'].join(
          '\r\n',
        ),
        ['BEGIN:VEVENT', 'UID:d', 'DTSTART;VALUE=DATE:20270101', 'RRULE:FREQ=YEARLY', 'SUMMARY:New Year', 'END:VEVENT'].join('\r\n'),
        ['BEGIN:VEVENT', 'UID:e', 'DTSTART:20270512T170000Z', 'DTEND:20270512T193000Z', 'SUMMARY:Early dismissal (testing)', 'END:VEVENT'].join('\r\n'),
      ),
      'America/New_York',
      '2026-11-18',
    );
    expect(reading.closures).toEqual([
      { uid: 'a', startDate: '2027-02-15', endDate: '2027-02-15', label: 'Presidents Day' },
      { uid: 'b', startDate: '2027-04-05', endDate: '2027-04-09', label: 'Spring Break' },
      // A yearly event gives one closure per instance from a month ago to 18 months ahead.
      { uid: 'd#2027-01-01', startDate: '2027-01-01', endDate: '2027-01-01', label: 'New Year' },
      { uid: 'd#2028-01-01', startDate: '2028-01-01', endDate: '2028-01-01', label: 'New Year' },
      { uid: 'e', startDate: '2027-05-12', endDate: '2027-05-12', label: 'Early dismissal (testing)' },
    ]);
    expect(reading.ignored).toEqual({ timed: 0, invalid: 0 });
    expect(reading.window).toEqual({ from: '2026-10-18', to: '2028-05-19' }); // 31 days back, 548 ahead
  });
});
