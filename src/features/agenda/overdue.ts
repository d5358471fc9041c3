/**
 * How long an open action item is overdue, in school days (the school's open weekdays, closures
 * and the partnership's pauses left out) and in calendar days, as of today in the school's time zone.
 */
import type { Services } from '../../core/context';
import { addDays, daysBetween, todayIn, type LocalDate } from '../../core/datetime';
import type { School } from '../../core/model';
import type { ActionItem } from '../../core/ports';
import { openDays } from '../../core/school-calendar';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "overdue 8 school days (12 days)", or undefined when not yet due. */
export function overdueLabel(dueDate: LocalDate, today: LocalDate, isOpen: (d: LocalDate) => boolean): string | undefined {
  const days = daysBetween(dueDate, today);
  if (days <= 0) return undefined;
  let schoolDays = 0;
  for (let d = addDays(dueDate, 1); d <= today; d = addDays(d, 1)) if (isOpen(d)) schoolDays += 1;
  return `overdue ${plural(schoolDays, 'school day')} (${plural(days, 'day')})`;
}

/** A pause of the partnership's touch-points: from the day it was set to the day before it ended. */
export interface PauseSpan {
  from: LocalDate;
  /** The first day not paused (the resume date, or the day it was resumed or replaced). */
  until: LocalDate;
}

/** The partnership's pauses, past and present (each series keeps its own spans; see setPausedUntil). */
export function pauseSpans(services: Services, tenantId: number, partnershipId: number): PauseSpan[] {
  const seriesIds = services.series.liveSeriesOfPartnership(tenantId, partnershipId).map((s) => s.id);
  return services.series.pausesOfSeries(tenantId, seriesIds);
}

const inPause = (spans: PauseSpan[], d: LocalDate): boolean => spans.some((s) => s.from <= d && d < s.until);

/** The overdue open items among these, with how long each is overdue at the school. */
export function overdueActions(services: Services, tenantId: number, school: School, actions: ActionItem[], now: Date): Map<number, string> {
  const today = todayIn(now, school.timeZone);
  const days = openDays(school.timeZone, services.calendar.closuresOfSchool(tenantId, school.id));
  const spansOf = new Map<number, PauseSpan[]>();
  const out = new Map<number, string>();
  for (const a of actions) {
    if (a.status !== 'open' || a.dueDate >= today) continue;
    if (!spansOf.has(a.partnershipId)) spansOf.set(a.partnershipId, pauseSpans(services, tenantId, a.partnershipId));
    const spans = spansOf.get(a.partnershipId)!;
    const label = overdueLabel(a.dueDate, today, (d) => days.isOpen(d) && !inPause(spans, d));
    if (label) out.set(a.id, label);
  }
  return out;
}
