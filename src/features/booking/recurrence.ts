/**
 * Pure recurrence arithmetic for a principal–coach touch-point series: which local dates are
 * slots, and the UTC instants of each slot. Dates are stepped as calendar dates (7 or 14 days)
 * and only then converted with the rule's time zone, so 14:00 local stays 14:00 local across DST.
 */
import { addDays, daysBetween, localToUtc, toLocal, weekdayOf, type LocalDate, type LocalTime, type Weekday } from '../../core/datetime';

export type Cadence = 'weekly' | 'biweekly';

export interface SeriesRule {
  cadence: Cadence;
  weekday: Weekday; // ISO weekday
  time: LocalTime; // local wall-clock start
  durationMinutes: number;
  startDate: LocalDate; // first possible date; the first occurrence is the first date >= startDate on `weekday`
  timeZone: string; // IANA
}

/** A closure (holiday, break); both ends inclusive. */

/** An occurrence slot in the rule, identified by its original local date. */
export interface Slot {
  originalDate: LocalDate;
  startsAt: Date;
  endsAt: Date;
}

const MINUTE_MS = 60_000;

/** Days between consecutive slots. */
function stepOf(rule: SeriesRule): number {
  return rule.cadence === 'biweekly' ? 14 : 7;
}

/** The first slot date on or after `date` (never before the rule's first date), computed without scanning. */
function firstSlotOnOrAfter(rule: SeriesRule, date: LocalDate): LocalDate {
  const first = firstDate(rule);
  const offset = daysBetween(first, date);
  if (offset <= 0) return first;
  const step = stepOf(rule);
  return addDays(first, Math.ceil(offset / step) * step);
}

/** The first occurrence date of the rule (>= startDate, on the weekday). */
export function firstDate(rule: SeriesRule): LocalDate {
  const ahead = (rule.weekday - weekdayOf(rule.startDate) + 7) % 7;
  return addDays(rule.startDate, ahead);
}

/** True when `date` is a slot date of the rule (right weekday, right week parity for biweekly, >= first date). */
export function isSlotDate(rule: SeriesRule, date: LocalDate): boolean {
  const offset = daysBetween(firstDate(rule), date);
  // Counting from the first date covers weekday, parity and "not before the start" in one test.
  return offset >= 0 && offset % stepOf(rule) === 0;
}

/**
 * The slot for a given slot date (start/end instants computed in the rule's time zone, so 14:00
 * local stays 14:00 local across DST). Throws RangeError for a date that is not a slot date, since
 * a slot identity that the rule never produces would be a caller bug.
 */
export function slotFor(rule: SeriesRule, date: LocalDate): Slot {
  if (!isSlotDate(rule, date)) {
    throw new RangeError(`${date} is not a slot date of this series`);
  }
  const startsAt = localToUtc(date, rule.time, rule.timeZone);
  // Duration is elapsed time, so add it to the instant (a meeting over a DST change still lasts N minutes).
  const endsAt = new Date(startsAt.getTime() + rule.durationMinutes * MINUTE_MS);
  return { originalDate: date, startsAt, endsAt };
}

/** Slots whose originalDate lies in [fromDate, toDate] inclusive, in order. Biweekly cadence counts from firstDate (every 14 days). */
export function slotsBetween(rule: SeriesRule, fromDate: LocalDate, toDate: LocalDate): Slot[] {
  const step = stepOf(rule);
  const slots: Slot[] = [];
  // ISO dates compare correctly as strings.
  for (let d = firstSlotOnOrAfter(rule, fromDate); d <= toDate; d = addDays(d, step)) {
    slots.push(slotFor(rule, d));
  }
  return slots;
}

/** The first `count` slots whose END is after `after` (an instant), in order. */
export function nextSlots(rule: SeriesRule, after: Date, count: number): Slot[] {
  const slots: Slot[] = [];
  if (count <= 0) return slots;
  const step = stepOf(rule);
  // Start far enough back that a meeting begun on an earlier local date and still running is included.
  const backDays = Math.ceil(Math.max(rule.durationMinutes, 0) / 1440) + 1;
  const from = addDays(toLocal(after, rule.timeZone).date, -backDays);
  for (let d = firstSlotOnOrAfter(rule, from); slots.length < count; d = addDays(d, step)) {
    const slot = slotFor(rule, d);
    if (slot.endsAt.getTime() > after.getTime()) slots.push(slot);
  }
  return slots;
}

/** True when two instant intervals [aStart,aEnd) and [bStart,bEnd) overlap. */
export function overlaps(aStart: Date, aEnd: Date, bStart: Date, bEnd: Date): boolean {
  // Half-open: a meeting ending at 15:00 does not clash with one starting at 15:00.
  return aStart.getTime() < bEnd.getTime() && bStart.getTime() < aEnd.getTime();
}
