/**
 * Reading what people type about when, against the meeting it is about: a time without am/pm
 * inside the school's day (asked when neither or both halves of the day fit), and a weekday in
 * the week of the meeting being moved.
 */
import type { School } from '../../core/model';
import type { RequestContext } from '../../core/context';
import { NeedsChoice, UsageError } from '../../core/errors';
import { inWeekOf, readInSchoolDay, startsInDay, type LocalDate, type LocalTime, type TypedDay, type TypedTime } from '../../core/datetime';

/** The time meant, or a choice of both readings (a typed command re-runs with the one picked; a form says how to write it). */
export function schoolTime(ctx: RequestContext, school: School, time: TypedTime): LocalTime {
  const meant = readInSchoolDay(time, school);
  if (meant) return meant;
  const [am, pm] = time.readings;
  const day = `${school.name}'s school day (${school.dayStart}–${school.dayEnd})`;
  const why = startsInDay(am, school) ? `both are inside ${day}` : `neither is inside ${day}`;
  const question = `"${time.typed}" could be ${am} or ${pm}, and ${why}. Which did you mean?`;
  const typed = ctx.invocation;
  if (!typed) throw new UsageError(`"${time.typed}" could be ${am} or ${pm}; write it as ${am} or ${pm}`, 'time');
  throw new NeedsChoice(
    question,
    time.readings.map((t) => ({ label: t, text: replaceWord(typed.text, time.typed, t) })),
  );
}

/** The date a typed day names for a meeting on `meetingDate`: a weekday is the one in that meeting's week. */
export function dayFor(day: TypedDay, meetingDate: LocalDate): LocalDate {
  return 'date' in day ? day.date : inWeekOf(meetingDate, day.weekday);
}

/** The text with the first whole word `word` replaced. */
function replaceWord(text: string, word: string, replacement: string): string {
  const words = text.split(/(\s+)/);
  const i = words.findIndex((w) => w === word);
  if (i < 0) return text;
  words[i] = replacement;
  return words.join('');
}
