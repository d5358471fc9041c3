/**
 * Occurrences are stored about nine weeks ahead. The scheduler extends a series once it falls a
 * week behind, and a command reading a series computes only the dates after what is stored — so
 * the rows already there (moved, skipped) are never touched, and nothing is missing either way.
 */
import { createHarness, seedDemoSchool, bookAccepted, text, type Harness } from '../support/harness';
import { addDays, todayIn, type LocalDate } from '../../src/core/datetime';
import { HORIZON_DAYS } from '../../src/features/booking/service';
import type { Series } from '../../src/core/model';

let h: Harness;
afterEach(() => h?.close());

const DAY_MS = 86_400_000;
const ZONE = 'America/New_York';

function theSeries(): Series {
  const pat = h.user('pat');
  const [series] = h.core.services.series.liveSeriesOfUser(pat.tenantId, pat.id);
  return series;
}

/** Original dates of the series' stored occurrences from `from` on, whatever their status. */
function storedDates(from: LocalDate): LocalDate[] {
  const pat = h.user('pat');
  return h.core.services.series.occurrencesInDates(pat.tenantId, theSeries().id, from, '2099-12-31').map((o) => o.originalDate);
}

/** Every Tuesday from the first on or after `from` through `to`. */
function tuesdays(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (new Date(`${d}T12:00:00Z`).getUTCDay() === 2) out.push(d);
  return out;
}

beforeEach(() => {
  h = createHarness();
  seedDemoSchool(h);
  bookAccepted(h); // weekly, Tuesdays 14:00 New York
});

it('a booked series is stored through the horizon, every week of it', () => {
  const today = todayIn(h.clock.now(), ZONE);
  expect(theSeries().materialisedThrough).toBe(addDays(today, HORIZON_DAYS));
  expect(storedDates(today)).toEqual(tuesdays(today, addDays(today, HORIZON_DAYS)));
});

it('a command reading a series that is stored far enough ahead writes no occurrences', () => {
  const ensure = jest.spyOn(h.core.services.series, 'ensureOccurrences');
  expect(text(h.run('pat', 'next'))).toMatch(/Tue 24 Nov 2026, 14:00/);
  h.run('casey', 'add wins A good week');
  expect(ensure).not.toHaveBeenCalled();
});

it('after weeks without a tick, "next" stores only the new weeks and leaves a moved meeting where it was', () => {
  const today = todayIn(h.clock.now(), ZONE);
  const stored = theSeries().materialisedThrough!;
  expect(text(h.press('pat', h.run('pat', 'move 2026-11-25 15:00').messages[0], 'Confirm'))).toMatch(/Moved: .* Wed 25 Nov 2026, 15:00/);

  h.clock.set(new Date(h.clock.now().getTime() + 30 * DAY_MS)); // no scheduler tick meanwhile
  const ensure = jest.spyOn(h.core.services.series, 'ensureOccurrences');
  expect(text(h.run('pat', 'next'))).toMatch(/Tue 29 Dec 2026, 14:00/);

  const later = todayIn(h.clock.now(), ZONE);
  expect(ensure).toHaveBeenCalledTimes(1);
  const added = ensure.mock.calls[0][2].map((o) => o.originalDate);
  expect(added).toEqual(tuesdays(addDays(stored, 1), addDays(later, HORIZON_DAYS)));
  expect(theSeries().materialisedThrough).toBe(addDays(later, HORIZON_DAYS));
  expect(storedDates(today)).toEqual(tuesdays(today, addDays(later, HORIZON_DAYS)));
  const pat = h.user('pat');
  const [nov24] = h.core.services.series.occurrencesInDates(pat.tenantId, theSeries().id, '2026-11-24', '2026-11-24');
  expect(nov24).toMatchObject({ moved: true, startsAt: new Date('2026-11-25T20:00:00Z') });
});

it("the new weeks get the school's closures, as the first ones did", () => {
  // Written straight to the store: the closure commands store their own range at once.
  const pat = h.user('pat');
  const school = h.core.services.people.schoolByName(pat.tenantId, 'Demo Elementary')!;
  h.core.services.calendar.addClosure(
    pat.tenantId,
    { schoolId: school.id, startDate: '2027-03-01', endDate: '2027-03-05', label: 'Spring break', createdBy: pat.id },
    h.clock.now(),
  );
  expect(theSeries().materialisedThrough! < '2027-03-02').toBe(true);

  h.clock.set(new Date(h.clock.now().getTime() + 60 * DAY_MS));
  h.run('pat', 'next');
  const rows = h.core.services.series.occurrencesInDates(pat.tenantId, theSeries().id, '2027-02-23', '2027-03-09');
  expect(rows.map((o) => [o.originalDate, o.status, o.reason])).toEqual([
    ['2027-02-23', 'scheduled', null],
    ['2027-03-02', 'closed', 'Spring break'],
    ['2027-03-09', 'scheduled', null],
  ]);
});

it('the scheduler extends a series that has fallen a week behind by that week only', async () => {
  const stored = theSeries().materialisedThrough!;
  const ensure = jest.spyOn(h.core.services.series, 'ensureOccurrences');
  h.clock.set(new Date(h.clock.now().getTime() + 8 * DAY_MS));
  await h.core.scheduler.tick();
  const later = todayIn(h.clock.now(), ZONE);
  expect(ensure).toHaveBeenCalledTimes(1);
  expect(ensure.mock.calls[0][2].map((o) => o.originalDate)).toEqual(tuesdays(addDays(stored, 1), addDays(later, HORIZON_DAYS)));
  expect(theSeries().materialisedThrough).toBe(addDays(later, HORIZON_DAYS));
});
