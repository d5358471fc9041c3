/**
 * The school calendar every feature shares: which days are school days (weekdays that no closure
 * covers), counting school days, and the outbox key prefixes of a series and of one meeting
 * (cancelling a meeting's pending reminders is a prefix cancel on its key).
 */
import { addDays, weekdayOf, type LocalDate } from './datetime';

export interface ClosureSpan {
  startDate: LocalDate;
  endDate: LocalDate;
  label: string;
}

/** The closure covering a date, if any. */
export function closureOn(closures: ClosureSpan[], date: LocalDate): ClosureSpan | undefined {
  return closures.find((c) => c.startDate <= date && date <= c.endDate);
}

/** The date `n` school days after `date` (weekdays that are not closures). */
export function schoolDaysAfter(date: LocalDate, n: number, isClosed: (d: LocalDate) => boolean): LocalDate {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (weekdayOf(d) <= 5 && !isClosed(d)) left -= 1;
  }
  return d;
}

/** The date `n` school days before `date` (weekdays that are not closures). */
export function schoolDaysBefore(date: LocalDate, n: number, isClosed: (d: LocalDate) => boolean): LocalDate {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, -1);
    if (weekdayOf(d) <= 5 && !isClosed(d)) left -= 1;
  }
  return d;
}

/** The outbox key prefix of everything planned for a series. */
export const seriesKey = (seriesId: number): string => `s${seriesId}:`;
/** The outbox key prefix of everything planned for one meeting of a series. */
export const occurrenceKey = (seriesId: number, occurrenceId: number): string => `s${seriesId}:o${occurrenceId}:`;
