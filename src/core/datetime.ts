/**
 * Local dates and times in a school's time zone. Instants are stored as UTC `Date`s; the
 * things people type and read (a date, a wall-clock time, a weekday) are local to the school.
 * Conversions go through `@date-fns/tz` so wall-clock times survive DST changes.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** A calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;
/** A wall-clock time, `HH:MM` (24-hour). */
export type LocalTime = string;
/** ISO weekday: Monday = 1 … Sunday = 7. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const WEEKDAY_NAMES: Record<string, Weekday> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  weds: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};
export const WEEKDAY_LABELS: Record<Weekday, string> = {
  1: 'Monday',
  2: 'Tuesday',
  3: 'Wednesday',
  4: 'Thursday',
  5: 'Friday',
  6: 'Saturday',
  7: 'Sunday',
};

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isLocalDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

export function isLocalTime(s: string): boolean {
  return HHMM.test(s);
}

/** Calendar arithmetic on local dates (no time zone involved: a date is a date). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}

export function weekdayOf(date: LocalDate): Weekday {
  const [y, m, d] = date.split('-').map(Number);
  const js = new Date(Date.UTC(y, m - 1, d)).getUTCDay(); // 0 = Sunday
  return (js === 0 ? 7 : js) as Weekday;
}

export function daysBetween(from: LocalDate, to: LocalDate): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}

/** The local date and time of an instant in a time zone. */
export function toLocal(instant: Date, tz: string): { date: LocalDate; time: LocalTime; weekday: Weekday } {
  const z = new TZDate(instant.getTime(), tz);
  const date = format(z, 'yyyy-MM-dd');
  return { date, time: format(z, 'HH:mm'), weekday: weekdayOf(date) };
}

export function todayIn(now: Date, tz: string): LocalDate {
  return toLocal(now, tz).date;
}

/** The instant at which the wall clock in `tz` shows `date time`. */
export function localToUtc(date: LocalDate, time: LocalTime, tz: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return new Date(new TZDate(y, m - 1, d, hh, mm, tz).getTime());
}

export function minutesOfDay(time: LocalTime): number {
  const [hh, mm] = time.split(':').map(Number);
  return hh * 60 + mm;
}

export function timeFromMinutes(total: number): LocalTime {
  const t = ((total % 1440) + 1440) % 1440;
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
}

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();
function zoneNameFormat(tz: string): Intl.DateTimeFormat {
  let f = zoneNameFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'short' });
    zoneNameFormats.set(tz, f);
  }
  return f;
}

/** `Tue 1 Dec 2026, 14:00` in the given zone; `withZone` adds the zone's short name. */
export function formatInstant(instant: Date, tz: string, withZone = false): string {
  const z = new TZDate(instant.getTime(), tz);
  const base = format(z, 'EEE d MMM yyyy, HH:mm');
  if (!withZone) return base;
  const zoneName = zoneNameFormat(tz)
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value;
  return zoneName ? `${base} ${zoneName}` : base;
}

/** `Tue 1 Dec 2026`. */
export function formatLocalDate(date: LocalDate): string {
  const [y, m, d] = date.split('-').map(Number);
  return format(new Date(y, m - 1, d), 'EEE d MMM yyyy');
}

/** "Mon 23 Nov": a day this school year, where the year goes without saying. */
export function formatShortDate(date: LocalDate): string {
  const [y, m, d] = date.split('-').map(Number);
  return format(new Date(y, m - 1, d), 'EEE d MMM');
}

export function parseWeekday(input: string): Parsed<Weekday> {
  const w = WEEKDAY_NAMES[input.trim().toLowerCase()];
  return w ? { ok: true, value: w } : { ok: false, error: `"${input}" is not a weekday (use mon, tue, wed, thu, fri, sat or sun)` };
}

/**
 * A date as people type it, read against the school's today: `today`, `tomorrow`, a weekday
 * name (the next such day after today), or an ISO date `2026-12-01`.
 */
export function parseLocalDate(input: string, today: LocalDate): Parsed<LocalDate> {
  const s = input.trim().toLowerCase();
  if (s === 'today') return { ok: true, value: today };
  if (s === 'tomorrow') return { ok: true, value: addDays(today, 1) };
  const w = WEEKDAY_NAMES[s];
  if (w) {
    const ahead = (w - weekdayOf(today) + 7) % 7 || 7;
    return { ok: true, value: addDays(today, ahead) };
  }
  if (isLocalDate(s)) return { ok: true, value: s };
  return { ok: false, error: `"${input}" is not a date (use today, tomorrow, a weekday like tue, or YYYY-MM-DD)` };
}

/** `14:00`, `9:05`, `2pm`, `2:30pm`, `2:30 pm`, `noon`. */
export function parseLocalTime(input: string): Parsed<LocalTime> {
  const s = input.trim().toLowerCase().replace(/\s+/g, '');
  if (s === 'noon') return { ok: true, value: '12:00' };
  let m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (m) {
    const hh = Number(m[1]);
    const mm = Number(m[2]);
    if (hh <= 23 && mm <= 59) return { ok: true, value: timeFromMinutes(hh * 60 + mm) };
  }
  m = /^(\d{1,2})(?::(\d{2}))?(am|pm)$/.exec(s);
  if (m) {
    const h12 = Number(m[1]);
    const mm = m[2] ? Number(m[2]) : 0;
    if (h12 >= 1 && h12 <= 12 && mm <= 59) {
      const hh = (h12 % 12) + (m[3] === 'pm' ? 12 : 0);
      return { ok: true, value: timeFromMinutes(hh * 60 + mm) };
    }
  }
  return { ok: false, error: `"${input}" is not a time (use 14:00, 2pm or 2:30pm)` };
}

/**
 * A time as typed, before the school day is known: `14:30`, `02:30`, `2:30pm` and `noon` say
 * what they mean (one reading); `2:30` or `10:00` (1–12 o'clock, no leading zero, no am/pm)
 * could be either half of the day (two readings: the morning one first).
 */
export interface TypedTime {
  typed: string;
  readings: LocalTime[];
}

export function parseTypedTime(input: string): Parsed<TypedTime> {
  const typed = input.trim();
  const exact = parseLocalTime(typed);
  if (!exact.ok) return { ok: false, error: exact.error };
  const m = /^([1-9]|1[0-2]):([0-5]\d)$/.exec(typed.replace(/\s+/g, ''));
  if (!m) return { ok: true, value: { typed, readings: [exact.value] } };
  const hh = Number(m[1]) % 12;
  const mm = Number(m[2]);
  return { ok: true, value: { typed, readings: [timeFromMinutes(hh * 60 + mm), timeFromMinutes((hh + 12) * 60 + mm)] } };
}

/** The one reading of a typed time whose start lies inside the school day [dayStart, dayEnd); undefined when none or both do. */
export function readInSchoolDay(time: TypedTime, day: { dayStart: LocalTime; dayEnd: LocalTime }): LocalTime | undefined {
  if (time.readings.length === 1) return time.readings[0];
  const inside = time.readings.filter((t) => startsInDay(t, day));
  return inside.length === 1 ? inside[0] : undefined;
}

/** True when a time lies inside the school day [dayStart, dayEnd). */
export function startsInDay(time: LocalTime, day: { dayStart: LocalTime; dayEnd: LocalTime }): boolean {
  return minutesOfDay(time) >= minutesOfDay(day.dayStart) && minutesOfDay(time) < minutesOfDay(day.dayEnd);
}

/** A date as typed for `move`: a weekday name stays a weekday (read against the meeting's week, not today). */
export type TypedDay = { date: LocalDate } | { weekday: Weekday };

export function parseTypedDay(input: string, today: LocalDate): Parsed<TypedDay> {
  const w = WEEKDAY_NAMES[input.trim().toLowerCase()];
  if (w) return { ok: true, value: { weekday: w } };
  const d = parseLocalDate(input, today);
  return d.ok ? { ok: true, value: { date: d.value } } : d;
}

/** The given weekday in the ISO week (Monday to Sunday) of `date`. */
export function inWeekOf(date: LocalDate, weekday: Weekday): LocalDate {
  return addDays(date, weekday - weekdayOf(date));
}

/** A span like `30m`, `2h`, `3d`, `1w`, or combined `1d2h30m`; returns milliseconds. */
export function parseSpan(input: string): Parsed<number> {
  const s = input.trim().toLowerCase();
  const unit: Record<string, number> = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  const re = /(\d+)\s*(min|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(s)) !== null) {
    total += Number(match[1]) * unit[match[2]];
    consumed = re.lastIndex;
  }
  if (s.length === 0 || consumed !== s.length || total === 0) {
    return { ok: false, error: `"${input}" is not a span of time (use 30m, 2h, 3d, 1w or 1d2h)` };
  }
  return { ok: true, value: total };
}
