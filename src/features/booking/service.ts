/**
 * Booking: schools, coaches, series and their occurrences. Occurrences are materialised
 * from the recurrence rule for a rolling horizon, so overrides (skip, move, closure, pause)
 * are rows, and everything else can still be computed from the rule.
 */
import type { Actor, Occurrence, Partnership, School, Series, User } from '../../core/model';
import type { FormInput } from '../../messages/model';
import type { RequestContext } from '../../core/context';
import { Refusal, NeedsChoice } from '../../core/errors';
import { internalMention } from '../../core/app';
import { LEADER_ROLES, canViewPartnership } from '../../core/policy';
import {
  WEEKDAY_LABELS, addDays, formatInstant, minutesOfDay, timeFromMinutes, toLocal, todayIn, type LocalDate, type LocalTime,
} from '../../core/datetime';
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

export function ruleOf(series: Series, school: School): SeriesRule {
  return {
    cadence: series.cadence, weekday: series.weekday, time: series.time, durationMinutes: series.durationMinutes,
    startDate: series.startDate, timeZone: school.timeZone,
  };
}

export function viewOf(services: Services, tenantId: number, series: Series): SeriesView {
  const partnership = services.series.partnershipById(tenantId, series.partnershipId)!;
  const school = services.people.schoolById(tenantId, partnership.schoolId)!;
  return {
    series, partnership, school,
    principal: services.people.userById(tenantId, partnership.principalId)!,
    coach: services.people.userById(tenantId, partnership.coachId)!,
  };
}

export function otherPerson(view: SeriesView, me: { id: number }): User {
  return view.principal.id === me.id ? view.coach : view.principal;
}

/** "weekly on Tuesdays, 14:00–14:30" */
export function describeRule(series: Pick<Series, 'cadence' | 'weekday' | 'time' | 'durationMinutes'>): string {
  const end = timeFromMinutes(minutesOfDay(series.time) + series.durationMinutes);
  const cadence = series.cadence === 'weekly' ? 'weekly' : 'every two weeks';
  return `${cadence} on ${WEEKDAY_LABELS[series.weekday]}s, ${series.time}–${end}`;
}

/** "Tue 1 Dec 2026, 14:00–14:30 EST" */
export function describeOccurrence(o: Pick<Occurrence, 'startsAt' | 'endsAt'>, timeZone: string): string {
  const start = formatInstant(o.startsAt, timeZone, true);
  const end = toLocal(o.endsAt, timeZone).time;
  return start.replace(/, (\d\d:\d\d)/, `, $1–${end}`);
}

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
  return services.series.occurrencesOfSeries(tenantId, view.series.id, now, 200).filter((o) => o.status === 'scheduled').slice(0, limit);
}

/** Every occurrence still to come or running, whatever its status (for skip lists and "next"). */
export function comingOccurrences(services: Services, tenantId: number, view: Pick<SeriesView, 'series' | 'school'>, now: Date): Occurrence[] {
  materialise(services, tenantId, view, now);
  return services.series.occurrencesOfSeries(tenantId, view.series.id, now, 200);
}

/** Busy intervals of a series over a date window: the rule's slots with stored overrides applied. */
function busyIntervals(services: Services, tenantId: number, view: SeriesView, from: LocalDate, to: LocalDate): { start: Date; end: Date }[] {
  const stored = new Map(services.series.occurrencesInDates(tenantId, view.series.id, addDays(from, -14), addDays(to, 14)).map((o) => [o.originalDate, o]));
  const intervals: { start: Date; end: Date }[] = [];
  const closures = services.calendar.closuresOfSchool(tenantId, view.school.id);
  for (const slot of slotsBetween(ruleOf(view.series, view.school), addDays(from, -14), addDays(to, 14))) {
    const o = stored.get(slot.originalDate);
    if (o) {
      if (BUSY_STATUSES.has(o.status)) intervals.push({ start: o.startsAt, end: o.endsAt });
    } else if (!closureOn(closures, slot.originalDate) && !(view.series.pausedUntil && slot.originalDate < view.series.pausedUntil)) {
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
export function findClash(services: Services, tenantId: number, people: User[], candidates: { start: Date; end: Date }[], exceptSeriesId: number | null): Clash | undefined {
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

export function clashMessage(clash: Clash, actor: User): string {
  const who = clash.person.id === actor.id ? 'You already have' : `${clash.person.displayName} already has`;
  return `${who} a touch-point with ${clash.with.id === actor.id ? 'you' : clash.with.displayName} at ${formatInstant(clash.at, clash.timeZone, true)}; pick another time.`;
}

/** A warning (never a refusal) when a meeting falls outside school-day hours or on a weekend. */
export function hoursWarning(school: School, weekdayNumber: number, time: LocalTime, durationMinutes: number): string | undefined {
  const start = minutesOfDay(time);
  const end = start + durationMinutes;
  if (weekdayNumber >= 6) return `Heads-up: that is a ${WEEKDAY_LABELS[weekdayNumber as 6 | 7]}, outside ${school.name}'s school week.`;
  if (start < minutesOfDay(school.dayStart) || end > minutesOfDay(school.dayEnd)) {
    return `Heads-up: that is outside ${school.name}'s school day (${school.dayStart}–${school.dayEnd}).`;
  }
  return undefined;
}

/** The first `count` upcoming slots of a rule (for clash checks on a new series). */
export function candidateSlots(rule: SeriesRule, now: Date, weeks = 26): { start: Date; end: Date }[] {
  return nextSlots(rule, now, rule.cadence === 'weekly' ? weeks : Math.ceil(weeks / 2)).map((s) => ({ start: s.startsAt, end: s.endsAt }));
}

/** Schools where the actor leads (principal or AP); admins count for school-calendar work. */
export function schoolsWhere(services: Services, actor: Actor, roles: readonly string[]): School[] {
  const ids = [...new Set(actor.memberships.filter((m) => roles.includes(m.role)).map((m) => m.schoolId))];
  return ids.map((id) => services.people.schoolById(actor.tenant.id, id)).filter((s): s is School => s !== undefined);
}

/** The one school the command is about; several → the user picks (never a guess). */
export function pickSchool(ctx: RequestContext, roles: readonly string[], missing: string): School {
  const schools = schoolsWhere(ctx.services, ctx.actor, roles);
  if (schools.length === 0) throw new Refusal(missing);
  if (schools.length === 1) return schools[0];
  throw new Refusal(`You hold that role at ${schools.length} schools (${schools.map((s) => s.name).join(', ')}); this command works on your first school only when you have one. Ask an admin to split the roles.`);
}

/**
 * The series a series command is about: the actor's only live series, or the one with `withPerson`.
 * Several and no `with` → a choice of re-runnable commands.
 */
export function pickSeries(ctx: RequestContext, opts: { withPerson?: User; statuses: Series['status'][]; none: string }): SeriesView {
  const tenantId = ctx.actor.tenant.id;
  const views = ctx.services.series.liveSeriesOfUser(tenantId, ctx.actor.user.id)
    .filter((s) => opts.statuses.includes(s.status))
    .map((s) => viewOf(ctx.services, tenantId, s))
    .filter((v) => canViewPartnership(ctx.actor, v.school, v.partnership).allowed)
    .filter((v) => !opts.withPerson || otherPerson(v, ctx.actor.user).id === opts.withPerson.id);
  if (views.length === 1) return views[0];
  if (views.length === 0) {
    throw new Refusal(opts.withPerson ? `You have no such touch-point with ${opts.withPerson.displayName}.` : opts.none);
  }
  const typed = ctx.invocation;
  throw new NeedsChoice(
    'You have several touch-points. Which one?',
    views.map((v) => {
      const other = otherPerson(v, ctx.actor.user);
      return { label: `With ${other.displayName}`, text: `${typed?.text ?? ''} with ${internalMention(other)}`.trim() };
    }),
  );
}

export function isLeaderOf(actor: Actor, schoolId: number): boolean {
  return actor.memberships.some((m) => m.schoolId === schoolId && LEADER_ROLES.includes(m.role));
}

/**
 * A "With" input for forms of series commands, when the actor has several active touch-points
 * (a form cannot offer the typed command's choice buttons); none when there is only one.
 */
export function partnerInput(ctx: RequestContext, preset?: User): FormInput[] {
  const tenantId = ctx.actor.tenant.id;
  const others = ctx.services.series.liveSeriesOfUser(tenantId, ctx.actor.user.id)
    .filter((s) => s.status === 'active')
    .map((s) => otherPerson(viewOf(ctx.services, tenantId, s), ctx.actor.user));
  if (others.length < 2) return [];
  return [{
    id: 'with', label: 'With', kind: 'person', required: true,
    choices: others.map((u) => ({ value: internalMention(u), label: u.displayName })),
    ...(preset ? { initial: internalMention(preset) } : {}),
  }];
}
