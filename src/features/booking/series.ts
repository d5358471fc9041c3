/**
 * The series read model: a series with its partnership, school and two people, and its
 * occurrences. Occurrences are materialised from the recurrence rule for a rolling horizon, so
 * overrides (skip, move, closure, pause) are rows, and everything else can still be computed
 * from the rule.
 */
import type { Occurrence, Partnership, School, Series, User } from '../../core/model';
import { addDays, toLocal, todayIn, type LocalDate } from '../../core/datetime';
import { nextSlots, overlaps, slotsBetween, type SeriesRule } from './recurrence';
import type { Services } from '../../core/ports';
import { closureOn } from '../../core/school-calendar';

/** How far ahead occurrences are materialised (the scheduler extends it every tick). */
export const HORIZON_DAYS = 63;

export interface SeriesView {
  series: Series;
  partnership: Partnership;
  school: School;
  principal: User;
  coach: User;
}

/** One live series as its person sees it: the other person, the next touch-point (none for a proposal), and a pause still running. */
export interface SeriesGlance {
  view: SeriesView;
  other: User;
  next: Occurrence | undefined;
  pausedUntil: LocalDate | null;
}

export function ruleOf(series: Series, school: School): SeriesRule {
  return {
    cadence: series.cadence,
    weekday: series.weekday,
    time: series.time,
    durationMinutes: series.durationMinutes,
    startDate: series.startDate,
    timeZone: school.timeZone,
  };
}

export function viewOf(services: Services, tenantId: number, series: Series): SeriesView {
  const partnership = services.series.partnershipById(tenantId, series.partnershipId)!;
  const school = services.people.schoolById(tenantId, partnership.schoolId)!;
  return {
    series,
    partnership,
    school,
    principal: services.people.userById(tenantId, partnership.principalId)!,
    coach: services.people.userById(tenantId, partnership.coachId)!,
  };
}

export function otherPerson(view: SeriesView, me: { id: number }): User {
  return view.principal.id === me.id ? view.coach : view.principal;
}

/** The local date an occurrence actually takes place on (a moved one is no longer on its original date). */
export const heldOn = (o: { startsAt: Date }, timeZone: string): LocalDate => toLocal(o.startsAt, timeZone).date;

/** Statuses in which an occurrence still takes the two people's time. */
const BUSY_STATUSES = new Set(['scheduled', 'held', 'missed']);

/**
 * Materialises occurrences from the school's today up to the horizon, applying closures and
 * the pause, and records how far the series is stored. Idempotent: existing rows (with their
 * overrides) are kept as they are. Only the dates after `materialisedThrough` are computed, so a
 * read path on a series the scheduler keeps ahead costs nothing here.
 */
export function materialise(services: Services, tenantId: number, view: Pick<SeriesView, 'series' | 'school'>, now: Date, horizonDays = HORIZON_DAYS): void {
  const { series, school } = view;
  if (series.status !== 'active') return;
  const today = todayIn(now, school.timeZone);
  const through = addDays(today, horizonDays);
  const stored = series.materialisedThrough;
  if (stored !== null && stored >= through) return;
  const yesterday = addDays(today, -1);
  const from = stored !== null && stored >= yesterday ? addDays(stored, 1) : yesterday;
  const closures = services.calendar.closuresOfSchool(tenantId, school.id);
  const rows = slotsBetween(ruleOf(series, school), from, through).map((slot) => {
    const closure = closureOn(closures, slot.originalDate);
    const paused = series.pausedUntil !== null && slot.originalDate < series.pausedUntil;
    return {
      ...slot,
      status: closure ? 'closed' : paused ? 'paused' : 'scheduled',
      reason: closure ? closure.label : paused ? 'paused' : null,
    } as const;
  });
  services.transaction(() => {
    services.series.ensureOccurrences(tenantId, series.id, rows, now);
    services.series.markMaterialised(series.id, through);
  });
}

/** Occurrences still to come (or running now) that will take place, in order. */
export function upcoming(services: Services, tenantId: number, view: Pick<SeriesView, 'series' | 'school'>, now: Date, limit = 10): Occurrence[] {
  materialise(services, tenantId, view, now);
  return services.series
    .occurrencesOfSeries(tenantId, view.series.id, now, 200)
    .filter((o) => o.status === 'scheduled')
    .slice(0, limit);
}

/** Every occurrence still to come or running, whatever its status (for skip lists and "next"). */
export function comingOccurrences(services: Services, tenantId: number, view: Pick<SeriesView, 'series' | 'school'>, now: Date): Occurrence[] {
  materialise(services, tenantId, view, now);
  return services.series.occurrencesOfSeries(tenantId, view.series.id, now, 200);
}

/**
 * Busy intervals of a series over a date window: its stored occurrences as they stand (a slot
 * changed since keeps the rows it had), and the rule's slots not stored yet.
 */
function busyIntervals(services: Services, tenantId: number, view: SeriesView, from: LocalDate, to: LocalDate): { start: Date; end: Date }[] {
  const rows = services.series.occurrencesInDates(tenantId, view.series.id, addDays(from, -14), addDays(to, 14));
  const stored = new Set(rows.map((o) => o.originalDate));
  const intervals = rows.filter((o) => BUSY_STATUSES.has(o.status)).map((o) => ({ start: o.startsAt, end: o.endsAt }));
  const closures = services.calendar.closuresOfSchool(tenantId, view.school.id);
  for (const slot of slotsBetween(ruleOf(view.series, view.school), addDays(from, -14), addDays(to, 14))) {
    if (stored.has(slot.originalDate)) continue;
    if (!closureOn(closures, slot.originalDate) && !(view.series.pausedUntil && slot.originalDate < view.series.pausedUntil)) {
      intervals.push({ start: slot.startsAt, end: slot.endsAt });
    }
  }
  return intervals;
}

export interface Clash {
  person: User;
  with: User;
  at: Date;
  timeZone: string;
}

/**
 * The first clash between candidate intervals and the other live series (proposed or active)
 * of any of the given people, ignoring `exceptSeriesId`.
 */
export function findClash(
  services: Services,
  tenantId: number,
  people: User[],
  candidates: { start: Date; end: Date }[],
  exceptSeriesId: number | null,
): Clash | undefined {
  if (candidates.length === 0) return undefined;
  const first = candidates[0].start;
  const last = candidates[candidates.length - 1].end;
  for (const person of people) {
    for (const other of services.series.liveSeriesOfUser(tenantId, person.id)) {
      if (other.id === exceptSeriesId) continue;
      const view = viewOf(services, tenantId, other);
      const from = toLocal(first, view.school.timeZone).date;
      const to = toLocal(last, view.school.timeZone).date;
      const busy = busyIntervals(services, tenantId, view, from, to);
      for (const c of candidates) {
        const hit = busy.find((b) => overlaps(c.start, c.end, b.start, b.end));
        if (hit) return { person, with: otherPerson(view, person), at: hit.start, timeZone: view.school.timeZone };
      }
    }
  }
  return undefined;
}

/** The first `count` upcoming slots of a rule (for clash checks on a new series). */
export function candidateSlots(rule: SeriesRule, now: Date, weeks = 26): { start: Date; end: Date }[] {
  return nextSlots(rule, now, rule.cadence === 'weekly' ? weeks : Math.ceil(weeks / 2)).map((s) => ({ start: s.startsAt, end: s.endsAt }));
}
