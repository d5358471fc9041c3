/**
 * District calendars as districts publish them (test/fixtures/calendars): a hand-kept district
 * year with yearly holidays (RRULE), EXDATEs, a moved and a cancelled instance (RECURRENCE-ID),
 * multi-day breaks, early releases in another zone's TZID, folded lines and a cancelled event;
 * a Google Calendar export; an Outlook export with a Windows zone name and its VTIMEZONE.
 * Imported with `/touchpoint calendar import` into a school in America/New_York on Wed 18 Nov 2026.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHarness, seedDemoSchool, bookAccepted, text, type Harness, type SentDm } from '../../support/harness';
import { calendarRig, type CalendarRig } from './helpers';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'calendars');
const SPRINGFIELD = 'springfield-usd-2026-27.ics';
const GOOGLE = 'google-calendar-export.ics';
const OUTLOOK = 'outlook-export.ics';

const updates = (dms: SentDm[]): SentDm[] => dms.filter((d) => d.message.text.startsWith('School calendar update'));

describe('importing real-world district calendars', () => {
  let h: Harness;
  let rig: CalendarRig;
  let file: string;
  let tenantId: number;
  const closures = (): [string, string, string][] => h.core.services.calendar.closuresOfSchool(tenantId, 1).map((c) => [c.startDate, c.endDate, c.label]);
  const keys = (): string[] =>
    h.core.services.calendar
      .importedClosures(tenantId, 1)
      .map((c) => c.uid)
      .sort();
  const closedThursdays = (): string[] =>
    (
      h.core.db.prepare("SELECT original_date FROM occurrences WHERE series_id = 1 AND status = 'closed' ORDER BY original_date").all() as {
        original_date: string;
      }[]
    ).map((o) => o.original_date);

  const useFixture = async (name: string): Promise<void> => {
    file = join(mkdtempSync(join(tmpdir(), 'touchpoint-district-')), name);
    copyFileSync(join(FIXTURES, name), file);
    rig = await calendarRig(h, { source: file });
  };
  const edit = (change: (ics: string) => string): void => writeFileSync(file, change(readFileSync(file, 'utf8')));

  beforeEach(async () => {
    h = createHarness({ start: new Date('2026-11-18T17:00:00Z') }); // Wed 18 Nov 2026, 12:00 EST
    seedDemoSchool(h);
    bookAccepted(h, 'book @casey weekly thu 14:00');
    tenantId = h.user('pat').tenantId;
    await h.deliver();
    h.notifier.clear();
  });
  afterEach(async () => {
    await rig.close();
    h.close();
  });

  it('tells a coach with two partnerships at the school once, with all their touch-points the import closed', async () => {
    // Casey also meets the assistant principal, on Mondays.
    h.core.services.people.ensureUser(tenantId, 'sam', h.clock.now(), 'Sam Ortiz', 'sam');
    h.core.services.people.addMembership(tenantId, 1, h.user('sam').id, 'assistant_principal', h.clock.now());
    bookAccepted(h, 'book @casey weekly mon 10:00', 'sam', 'casey');
    await h.deliver();
    await useFixture(SPRINGFIELD);
    rig.run('pat', 'calendar import');
    const told = updates(await h.deliver());
    expect(told.filter((d) => d.to === 'casey')).toHaveLength(1);
    expect(told.filter((d) => d.to === 'pat')).toHaveLength(1);
    expect(told.filter((d) => d.to === 'sam')).toHaveLength(1);
    // Casey's one message names touch-points of both series: a Monday and a Thursday.
    const casey = told.find((d) => d.to === 'casey')!.message.text;
    expect(casey).toMatch(/Mon \d+ /);
    expect(casey).toMatch(/Thu \d+ /);
  });

  it('reads a district year: yearly holidays, EXDATEs, moved and cancelled instances, breaks, early releases in another zone, folded lines', async () => {
    await useFixture(SPRINGFIELD);
    const r = rig.run('pat', 'calendar import');
    expect(text(r)).toContain(
      'Imported the school calendar into Demo Elementary: 11 added, 0 updated, 0 removed. 1 event was not a closure (1 with a time of day). 6 touch-points fall on a closed day; both people told.',
    );
    expect(closures()).toEqual([
      ['2026-11-11', '2026-11-11', 'Veterans Day - No School'], // 2027 is an EXDATE; 2025 and before are behind the window
      ['2026-11-25', '2026-11-27', 'Thanksgiving Break - Schools and District Offices Closed (Wednesday through Friday)'],
      ['2026-12-21', '2027-01-01', 'Winter Break'],
      ['2027-01-06', '2027-01-06', 'Early Release - Teacher Collaboration'], // 11:30 Chicago is 12:30 here
      ['2027-01-18', '2027-01-18', 'Martin Luther King Jr. Day - No School'],
      ['2027-01-20', '2027-01-20', 'Early Release - Teacher Collaboration'], // 13 Jan is an EXDATE
      ['2027-01-28', '2027-01-28', 'Early Release - Teacher Collaboration (moved to Thursday for the PSAT)'],
      ['2027-02-15', '2027-02-15', "Presidents' Day - No School"], // 2028's instance is cancelled
      ['2027-03-11', '2027-03-11', 'Teacher Workday - Early Dismissal for Students'],
      ['2027-03-29', '2027-04-02', 'Spring Break'],
      ['2028-01-17', '2028-01-17', 'Martin Luther King Jr. Day - No School'],
    ]);
    // A recurring event's closures are keyed by UID and the date of each instance (a moved one keeps its original date).
    expect(keys()).toEqual([
      'early-release-wednesdays-2027@springfield.k12.example#2027-01-06',
      'early-release-wednesdays-2027@springfield.k12.example#2027-01-20',
      'early-release-wednesdays-2027@springfield.k12.example#2027-01-27',
      'mlk-day@springfield.k12.example#2027-01-18',
      'mlk-day@springfield.k12.example#2028-01-17',
      'presidents-day@springfield.k12.example#2027-02-15',
      'spring-break-2027@springfield.k12.example',
      'teacher-workday-2027-03-11@springfield.k12.example',
      'thanksgiving-break-2026@springfield.k12.example',
      'veterans-day@springfield.k12.example#2026-11-11',
      'winter-break-2026@springfield.k12.example',
    ]);
    expect(closedThursdays()).toEqual(['2026-11-26', '2026-12-24', '2026-12-31', '2027-01-28', '2027-03-11', '2027-04-01']);
    const dms = updates(await h.deliver());
    expect(dms.map((d) => d.to).sort()).toEqual(['casey', 'pat']);
    expect(dms[0].message.text).toContain(
      'No touch-point on Thu 28 Jan 2027, 14:00–14:30 EST: Demo Elementary is closed (Early Release - Teacher Collaboration (moved to Thursday for the PSAT)).',
    );
    expect(dms[0].message.text).toContain(
      'No touch-point on Thu 11 Mar 2027, 14:00–14:30 EST: Demo Elementary is closed (Teacher Workday - Early Dismissal for Students).',
    );
  });

  it('updates by UID and instance on re-import, removes dropped instances, and leaves hand-made closures alone', async () => {
    await useFixture(SPRINGFIELD);
    rig.run('pat', 'calendar import');
    expect(text(h.run('pat', 'closed 2027-02-04 Snow day'))).toContain('closed');
    await h.deliver();
    expect(text(rig.run('pat', 'calendar import'))).toContain('0 added, 0 updated, 0 removed.');

    // The district drops the last early release (and with it the moved instance), moves spring break
    // a week later, and keeps school open on MLK Day 2028.
    edit((ics) =>
      ics
        .replace('RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=4', 'RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=3')
        .replace('DTSTART;VALUE=DATE:20270329', 'DTSTART;VALUE=DATE:20270405')
        .replace('RRULE:FREQ=YEARLY;BYMONTH=1;BYDAY=3MO\r\n', 'RRULE:FREQ=YEARLY;BYMONTH=1;BYDAY=3MO\r\nEXDATE;VALUE=DATE:20280117\r\n'),
    );
    const r = rig.run('pat', 'calendar import');
    expect(text(r)).toContain(
      'Imported the school calendar into Demo Elementary: 0 added, 1 updated, 2 removed. 1 event was not a closure (1 with a time of day). 1 touch-point falls on a closed day; both people told. 2 touch-points are on again; both people told.',
    );
    expect(closures().filter(([s]) => s >= '2027-01-20')).toEqual([
      ['2027-01-20', '2027-01-20', 'Early Release - Teacher Collaboration'],
      ['2027-02-04', '2027-02-04', 'Snow day'],
      ['2027-02-15', '2027-02-15', "Presidents' Day - No School"],
      ['2027-03-11', '2027-03-11', 'Teacher Workday - Early Dismissal for Students'],
      ['2027-04-05', '2027-04-09', 'Spring Break'],
    ]);
    expect(closedThursdays()).toEqual(['2026-11-26', '2026-12-24', '2026-12-31', '2027-02-04', '2027-03-11', '2027-04-08']);
    const dms = updates(await h.deliver());
    expect(dms[0].message.text).toContain('The touch-point on Thu 28 Jan 2027, 14:00–14:30 EST is on again');
    expect(dms[0].message.text).toContain('The touch-point on Thu 1 Apr 2027, 14:00–14:30 EDT is on again');
  });

  it('keeps instances that fell behind the window as they are, rather than removing the past', async () => {
    await useFixture(SPRINGFIELD);
    rig.run('pat', 'calendar import');
    h.clock.set(new Date('2027-01-04T14:00:00Z')); // the window now starts in December: Veterans Day 2026 is behind it
    expect(text(rig.run('pat', 'calendar import'))).toContain('0 added, 0 updated, 0 removed.');
    expect(closures()[0]).toEqual(['2026-11-11', '2026-11-11', 'Veterans Day - No School']);
    // Gone from the file, a series goes with all its instances, past ones included.
    edit((ics) => ics.replace('UID:veterans-day@', 'UID:veterans-day-renamed@'));
    expect(text(rig.run('pat', 'calendar import'))).toContain('0 added, 0 updated, 1 removed.');
    expect(closures()[0]).toEqual(['2026-11-25', '2026-11-27', 'Thanksgiving Break - Schools and District Offices Closed (Wednesday through Friday)']);
  });

  it('reads a Google Calendar export: yearly holiday, weekly early release with an EXDATE and a moved instance, a cancelled day', async () => {
    await useFixture(GOOGLE);
    expect(text(rig.run('pat', 'calendar import'))).toContain(
      'Imported the school calendar into Demo Elementary: 6 added, 0 updated, 0 removed. 1 event was not a closure (1 with a time of day). 3 touch-points fall on a closed day; both people told.',
    );
    expect(closures()).toEqual([
      ['2026-11-11', '2026-11-11', 'Veterans Day (no school)'],
      ['2026-11-26', '2026-11-27', 'Thanksgiving Break (schools closed)'],
      ['2026-12-02', '2026-12-02', 'Early Release Day'],
      ['2026-12-17', '2026-12-17', 'Early Release Day (Thursday this week)'],
      ['2026-12-23', '2026-12-23', 'Early Release Day'],
      ['2027-11-11', '2027-11-11', 'Veterans Day (no school)'],
    ]);
    expect(closedThursdays()).toEqual(['2026-11-26', '2026-12-17', '2027-11-11']);
  });

  it('reads an Outlook export: a Windows zone name with its VTIMEZONE, folded UIDs, a monthly early dismissal with an EXDATE', async () => {
    await useFixture(OUTLOOK);
    expect(text(rig.run('pat', 'calendar import'))).toContain(
      'Imported the school calendar into Demo Elementary: 4 added, 0 updated, 0 removed. 1 event was not a closure (1 with a time of day).',
    );
    expect(closures()).toEqual([
      ['2026-11-25', '2026-11-27', 'Thanksgiving Recess'],
      ['2026-12-04', '2026-12-04', 'Early Dismissal - Professional Learning'],
      ['2026-12-21', '2027-01-01', 'Winter Recess - All Schools Closed'],
      ['2027-02-05', '2027-02-05', 'Early Dismissal - Professional Learning'], // 1 Jan is an EXDATE
    ]);
    expect(keys()).toContain('040000008200E00074C5B7101A82E0080000000020B2C3D4E5F6DA01000000000000000010000000B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E7#2027-02-05');
  });

  it('changes nothing when the source is not an iCalendar file', async () => {
    await useFixture(SPRINGFIELD);
    rig.run('pat', 'calendar import');
    const before = closures();
    edit(() => '<!DOCTYPE html>\n<html><body>Service unavailable</body></html>\n');
    expect(text(rig.run('pat', 'calendar import'))).toMatch(/^The school calendar could not be read \(.+\)\. Nothing was changed; try again later\.$/);
    expect(closures()).toEqual(before);
  });
});
