import { toLocal } from '../../../src/core/datetime';
import { firstDate, isSlotDate, nextSlots, overlaps, slotFor, slotsBetween, type SeriesRule } from '../../../src/features/booking/recurrence';
import { closureOn, type ClosureSpan } from '../../../src/core/school-calendar';

function tuesdayAt2pm(timeZone: string, cadence: SeriesRule['cadence'] = 'weekly'): SeriesRule {
  return { cadence, weekday: 2, time: '14:00', durationMinutes: 45, startDate: '2026-01-01', timeZone };
}

/** UTC ISO start instants of the slots in a range, keyed by original date. */
function startsIn(rule: SeriesRule, from: string, to: string): Record<string, string> {
  return Object.fromEntries(slotsBetween(rule, from, to).map((s) => [s.originalDate, s.startsAt.toISOString()]));
}

describe('wall-clock time across DST', () => {
  it('America/New_York keeps 14:00 local through the March and November 2026 changes', () => {
    const rule = tuesdayAt2pm('America/New_York');
    expect(startsIn(rule, '2026-03-01', '2026-03-17')).toEqual({
      '2026-03-03': '2026-03-03T19:00:00.000Z', // EST, UTC-5
      '2026-03-10': '2026-03-10T18:00:00.000Z', // EDT from Mar 8, UTC-4
      '2026-03-17': '2026-03-17T18:00:00.000Z',
    });
    expect(startsIn(rule, '2026-10-26', '2026-11-04')).toEqual({
      '2026-10-27': '2026-10-27T18:00:00.000Z', // EDT
      '2026-11-03': '2026-11-03T19:00:00.000Z', // EST from Nov 1
    });
    for (const s of slotsBetween(rule, '2026-01-01', '2026-12-31')) {
      expect(toLocal(s.startsAt, 'America/New_York')).toEqual({ date: s.originalDate, time: '14:00', weekday: 2 });
    }
  });

  it('Europe/London keeps 14:00 local through 2026-03-29 and 2026-10-25', () => {
    const rule = tuesdayAt2pm('Europe/London');
    expect(startsIn(rule, '2026-03-24', '2026-03-31')).toEqual({
      '2026-03-24': '2026-03-24T14:00:00.000Z', // GMT
      '2026-03-31': '2026-03-31T13:00:00.000Z', // BST
    });
    expect(startsIn(rule, '2026-10-20', '2026-10-27')).toEqual({
      '2026-10-20': '2026-10-20T13:00:00.000Z', // BST
      '2026-10-27': '2026-10-27T14:00:00.000Z', // GMT
    });
    for (const s of slotsBetween(rule, '2026-01-01', '2026-12-31')) {
      expect(toLocal(s.startsAt, 'Europe/London').time).toBe('14:00');
    }
  });

  it('Australia/Sydney (southern hemisphere) is UTC+11 in January and UTC+10 in June', () => {
    const rule = tuesdayAt2pm('Australia/Sydney');
    expect(slotFor(rule, '2026-01-06').startsAt.toISOString()).toBe('2026-01-06T03:00:00.000Z');
    expect(slotFor(rule, '2026-06-09').startsAt.toISOString()).toBe('2026-06-09T04:00:00.000Z');
    // DST ends 2026-04-05 …
    expect(startsIn(rule, '2026-03-31', '2026-04-07')).toEqual({
      '2026-03-31': '2026-03-31T03:00:00.000Z',
      '2026-04-07': '2026-04-07T04:00:00.000Z',
    });
    // … and starts again 2026-10-04.
    expect(startsIn(rule, '2026-09-29', '2026-10-06')).toEqual({
      '2026-09-29': '2026-09-29T04:00:00.000Z',
      '2026-10-06': '2026-10-06T03:00:00.000Z',
    });
    for (const s of slotsBetween(rule, '2026-01-01', '2026-12-31')) {
      expect(toLocal(s.startsAt, 'Australia/Sydney').time).toBe('14:00');
    }
  });
});

describe('dates of the series', () => {
  it('moves a startDate that is not on the weekday to the next such weekday', () => {
    expect(firstDate(tuesdayAt2pm('Europe/London'))).toBe('2026-01-06'); // Thu 1 Jan → Tue 6 Jan
    expect(firstDate({ ...tuesdayAt2pm('Europe/London'), startDate: '2026-01-06' })).toBe('2026-01-06');
    expect(firstDate({ ...tuesdayAt2pm('Europe/London'), startDate: '2026-01-07' })).toBe('2026-01-13');
    expect(firstDate({ ...tuesdayAt2pm('Europe/London'), weekday: 7, startDate: '2026-12-28' })).toBe('2027-01-03');
  });

  it('weekly: every Tuesday from the first date, none before it', () => {
    const rule = tuesdayAt2pm('Europe/London');
    expect(slotsBetween(rule, '2025-12-01', '2026-01-31').map((s) => s.originalDate)).toEqual(['2026-01-06', '2026-01-13', '2026-01-20', '2026-01-27']);
    expect(isSlotDate(rule, '2025-12-30')).toBe(false); // a Tuesday, but before the start
    expect(isSlotDate(rule, '2026-01-07')).toBe(false); // a Wednesday
    expect(isSlotDate(rule, '2026-01-13')).toBe(true);
  });

  it('biweekly: slots 14 days apart counted from the first date', () => {
    const rule = tuesdayAt2pm('Europe/London', 'biweekly');
    const dates = slotsBetween(rule, '2026-01-01', '2026-03-10').map((s) => s.originalDate);
    expect(dates).toEqual(['2026-01-06', '2026-01-20', '2026-02-03', '2026-02-17', '2026-03-03']);
    expect(isSlotDate(rule, '2026-01-20')).toBe(true);
    expect(isSlotDate(rule, '2026-01-13')).toBe(false); // off week
    expect(isSlotDate(rule, '2026-01-27')).toBe(false); // off week
    // A range starting on an off week begins at the next on week.
    expect(slotsBetween(rule, '2026-01-13', '2026-01-31').map((s) => s.originalDate)).toEqual(['2026-01-20']);
    // Parity holds far into the future without drifting.
    expect(isSlotDate(rule, '2027-01-05')).toBe(true); // 52 weeks after 2026-01-06
    expect(isSlotDate(rule, '2027-01-12')).toBe(false);
  });

  it('returns nothing for an empty or inverted range', () => {
    const rule = tuesdayAt2pm('Europe/London');
    expect(slotsBetween(rule, '2026-01-07', '2026-01-12')).toEqual([]);
    expect(slotsBetween(rule, '2026-02-01', '2026-01-01')).toEqual([]);
  });

  it('slotFor refuses a date the rule never produces', () => {
    expect(() => slotFor(tuesdayAt2pm('Europe/London', 'biweekly'), '2026-01-13')).toThrow(RangeError);
  });
});

describe('slot instants', () => {
  it('endsAt = startsAt + durationMinutes', () => {
    const s = slotFor({ ...tuesdayAt2pm('America/New_York'), durationMinutes: 50 }, '2026-03-10');
    expect(s.startsAt.toISOString()).toBe('2026-03-10T18:00:00.000Z');
    expect(s.endsAt.toISOString()).toBe('2026-03-10T18:50:00.000Z');
    expect(toLocal(s.endsAt, 'America/New_York').time).toBe('14:50');
  });
});

describe('nextSlots', () => {
  const rule = tuesdayAt2pm('Europe/London'); // 14:00–14:45 local; GMT in January

  it('returns a meeting still running at `after` first', () => {
    const during = new Date('2026-01-13T14:30:00Z');
    expect(nextSlots(rule, during, 3).map((s) => s.originalDate)).toEqual(['2026-01-13', '2026-01-20', '2026-01-27']);
  });

  it('skips a meeting once it has ended (end is exclusive)', () => {
    expect(nextSlots(rule, new Date('2026-01-13T14:45:00Z'), 2).map((s) => s.originalDate)).toEqual(['2026-01-20', '2026-01-27']);
  });

  it('starts at the first date when `after` is before the series', () => {
    expect(nextSlots(rule, new Date('2025-06-01T00:00:00Z'), 1)[0].originalDate).toBe('2026-01-06');
  });

  it('includes a long meeting that began on an earlier local date', () => {
    const overnight: SeriesRule = { ...rule, time: '23:00', durationMinutes: 120 };
    const s = nextSlots(overnight, new Date('2026-01-14T00:30:00Z'), 1)[0];
    expect(s.originalDate).toBe('2026-01-13');
    expect(s.endsAt.toISOString()).toBe('2026-01-14T01:00:00.000Z');
  });

  it('follows biweekly parity and returns nothing for count 0', () => {
    const bi = tuesdayAt2pm('Europe/London', 'biweekly');
    expect(nextSlots(bi, new Date('2026-01-14T00:00:00Z'), 2).map((s) => s.originalDate)).toEqual(['2026-01-20', '2026-02-03']);
    expect(nextSlots(bi, new Date('2026-01-14T00:00:00Z'), 0)).toEqual([]);
  });
});

describe('closureOn', () => {
  const closures: ClosureSpan[] = [
    { startDate: '2026-02-16', endDate: '2026-02-20', label: 'Half term' },
    { startDate: '2026-04-03', endDate: '2026-04-03', label: 'Good Friday' },
  ];

  it('covers both ends of an inclusive range', () => {
    expect(closureOn(closures, '2026-02-16')?.label).toBe('Half term');
    expect(closureOn(closures, '2026-02-18')?.label).toBe('Half term');
    expect(closureOn(closures, '2026-02-20')?.label).toBe('Half term');
    expect(closureOn(closures, '2026-04-03')?.label).toBe('Good Friday');
  });

  it('is undefined just outside a range', () => {
    expect(closureOn(closures, '2026-02-15')).toBeUndefined();
    expect(closureOn(closures, '2026-02-21')).toBeUndefined();
    expect(closureOn([], '2026-02-18')).toBeUndefined();
  });
});

describe('overlaps', () => {
  const t = (hhmm: string): Date => new Date(`2026-01-13T${hhmm}:00Z`);

  it('touching intervals do not overlap', () => {
    expect(overlaps(t('14:00'), t('15:00'), t('15:00'), t('16:00'))).toBe(false);
    expect(overlaps(t('15:00'), t('16:00'), t('14:00'), t('15:00'))).toBe(false);
  });

  it('partial and contained intervals overlap, in either order', () => {
    expect(overlaps(t('14:00'), t('15:00'), t('14:59'), t('16:00'))).toBe(true);
    expect(overlaps(t('14:00'), t('17:00'), t('15:00'), t('16:00'))).toBe(true);
    expect(overlaps(t('15:00'), t('16:00'), t('14:00'), t('17:00'))).toBe(true);
    expect(overlaps(t('14:00'), t('15:00'), t('16:00'), t('17:00'))).toBe(false);
  });
});
