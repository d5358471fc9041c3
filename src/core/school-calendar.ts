/**
 * The school calendar every feature shares: which days are school days (weekdays that no closure
 * covers), counting school days, and the outbox key prefixes of a series and of one meeting
 * (cancelling a meeting's pending reminders is a prefix cancel on its key).
 */
import { addDays, localToUtc, toLocal, weekdayOf, type LocalDate, type LocalTime } from './datetime';

export interface ClosureSpan {
  startDate: LocalDate;
  endDate: LocalDate;
  label: string;
}

/** The closure covering a date, if any. */
export function closureOn(closures: ClosureSpan[], date: LocalDate): ClosureSpan | undefined {
  return closures.find((c) => c.startDate <= date && date <= c.endDate);
}

/** The date `n` school days after `date` (weekdays that are not closures); counting stops after two years of closed days. */
export function schoolDaysAfter(date: LocalDate, n: number, isClosed: (d: LocalDate) => boolean): LocalDate {
  let d = date;
  let left = n;
  for (let guard = 0; left > 0 && guard < 800; guard += 1) {
    d = addDays(d, 1);
    if (weekdayOf(d) <= 5 && !isClosed(d)) left -= 1;
  }
  return d;
}

/** The date `n` school days before `date` (weekdays that are not closures); counting stops after two years of closed days. */
export function schoolDaysBefore(date: LocalDate, n: number, isClosed: (d: LocalDate) => boolean): LocalDate {
  let d = date;
  let left = n;
  for (let guard = 0; left > 0 && guard < 800; guard += 1) {
    d = addDays(d, -1);
    if (weekdayOf(d) <= 5 && !isClosed(d)) left -= 1;
  }
  return d;
}

/**
 * The days a reminder may be delivered on, in a school's time zone: weekdays that no closure
 * covers, and (for one series) not before the day its pause ends.
 */
export interface OpenDays {
  timeZone: string;
  isOpen(date: LocalDate): boolean;
}

export function openDays(timeZone: string, closures: ClosureSpan[], pausedUntil: LocalDate | null = null): OpenDays {
  return { timeZone, isOpen: (d) => weekdayOf(d) <= 5 && !closureOn(closures, d) && !(pausedUntil !== null && d < pausedUntil) };
}

/** Preparing reminders (a prompt, the compiled agenda) move earlier; follow-ups (notes, action items, nudges) later. */
export type Placement = 'earlier' | 'later';

/** The open date nearest `date` in that direction (`date` itself when open); null past a year of closed days. */
export function nearestOpenDate(days: OpenDays, date: LocalDate, direction: Placement): LocalDate | null {
  let d = date;
  for (let i = 0; i < 400; i += 1, d = addDays(d, direction === 'earlier' ? -1 : 1)) if (days.isOpen(d)) return d;
  return null;
}

/**
 * Places a reminder's due instant on an open school day at the same local time: unchanged on an
 * open day, else on the previous (earlier) or next (later) open day. Null — drop it — when that
 * leaves the bounds the reminder still makes sense in.
 */
export function placeOnSchoolDay(days: OpenDays, at: Date, direction: Placement, bounds: { notBefore?: Date; notAfter?: Date } = {}): Date | null {
  const l = toLocal(at, days.timeZone);
  const date = nearestOpenDate(days, l.date, direction);
  if (date === null) return null;
  const placed = date === l.date ? at : localToUtc(date, l.time, days.timeZone);
  if ((bounds.notBefore && placed < bounds.notBefore) || (bounds.notAfter && placed > bounds.notAfter)) return null;
  return placed;
}

/** `at` if it falls inside school hours of an open day, else the start of the next school day's hours. */
export function withinSchoolHours(days: OpenDays, at: Date, dayStart: LocalTime, dayEnd: LocalTime): Date {
  const l = toLocal(at, days.timeZone);
  if (days.isOpen(l.date) && l.time < dayEnd) return l.time >= dayStart ? at : localToUtc(l.date, dayStart, days.timeZone);
  const next = nearestOpenDate(days, addDays(l.date, 1), 'later') ?? addDays(l.date, 1);
  return localToUtc(next, dayStart, days.timeZone);
}

/** Whether an instant falls on an open day (the send-time check every reminder makes). */
export const isOpenAt = (days: OpenDays, at: Date): boolean => days.isOpen(toLocal(at, days.timeZone).date);

/** The outbox key prefix of everything planned for a series. */
export const seriesKey = (seriesId: number): string => `s${seriesId}:`;
/** The outbox key prefix of everything planned for one meeting of a series. */
export const occurrenceKey = (seriesId: number, occurrenceId: number): string => `s${seriesId}:o${occurrenceId}:`;
