/**
 * Booking's use cases: schools and coaches, what comes next, and the changes to one series
 * (skip, move, pause, resume). Each applies policy, works through the ports, tells the other
 * person, and returns the actor's reply built in messages.ts. Proposals and cancelling follow
 * the transition table in proposals.ts; closures are in closures.ts; the series read model
 * (views, materialising, clashes) is in series.ts, re-exported here for the other features.
 */
import type { Actor, Occurrence, School, Series, User } from '../../core/model';
import type { Block, Message } from '../../messages/model';
import type { RequestContext } from '../../core/context';
import type { Services } from '../../core/ports';
import { Refusal, NeedsChoice, UsageError } from '../../core/errors';
import { internalMention } from '../../core/app';
import { LEADER_ROLES, authorize, booksTouchpoints, decide } from '../../core/policy';
import { daysBetween, formatLocalDate, localToUtc, todayIn, weekdayOf, type LocalDate, type LocalTime } from '../../core/datetime';
import { closureOn, occurrenceKey } from '../../core/school-calendar';
import { findClash, heldOn, materialise, otherPerson, upcoming, viewOf, type SeriesGlance, type SeriesView } from './series';
import {
  bookingHint,
  clashMessage,
  describeOccurrence,
  dropLine,
  glanceMessage,
  homeBlocks,
  hoursWarning,
  moved,
  movedNotice,
  nextLine,
  noTouchpointsYet,
  paused,
  pausedNotice,
  resumed,
  resumedNotice,
  schoolCreated,
  skipped,
  skippedNotice,
  unskipped,
  unskippedNotice,
} from './messages';

export {
  HORIZON_DAYS,
  candidateSlots,
  comingOccurrences,
  findClash,
  materialise,
  otherPerson,
  ruleOf,
  upcoming,
  viewOf,
  type Clash,
  type SeriesGlance,
  type SeriesView,
} from './series';
export { clashMessage, describeOccurrence, describeRule, hoursWarning } from './messages';
export { partnerInput } from './forms';

// ---- which school, which series -----------------------------------------------------------------

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
  throw new Refusal(
    `You hold that role at ${schools.length} schools (${schools.map((s) => s.name).join(', ')}); this command works on your first school only when you have one. Ask an admin to split the roles.`,
  );
}

/**
 * The series a series command is about: the actor's only live series, or the one with `withPerson`.
 * Several and no `with` → a choice of re-runnable commands.
 */
export function pickSeries(ctx: RequestContext, opts: { withPerson?: User; statuses: Series['status'][]; none: string }): SeriesView {
  const tenantId = ctx.actor.tenant.id;
  const views = ctx.services.series
    .liveSeriesOfUser(tenantId, ctx.actor.user.id)
    .filter((s) => opts.statuses.includes(s.status))
    .map((s) => viewOf(ctx.services, tenantId, s))
    .filter((v) => decide('series.view', ctx.actor, v.school, v.partnership).allowed)
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

/** The series a button is about (its value is the series id). */
export function seriesFromValue(ctx: RequestContext, value: string): SeriesView {
  const id = Number(value);
  const series = Number.isInteger(id) ? ctx.services.series.seriesById(ctx.actor.tenant.id, id) : undefined;
  if (!series) throw new Refusal('That touch-point no longer exists.');
  return viewOf(ctx.services, ctx.actor.tenant.id, series);
}

/** The series a series command (skip, move, pause, resume, cancel) is about, once the actor may change it. */
export function manageable(ctx: RequestContext, withPerson: string | undefined, statuses: Series['status'][] = ['active']): SeriesView {
  const person = withPerson ? ctx.people.resolve(withPerson) : undefined;
  const view = pickSeries(ctx, {
    withPerson: person,
    statuses,
    none: `You have no touch-point booked. ${bookingHint(booksTouchpoints(ctx.actor))}`,
  });
  authorize('series.manage', ctx.actor, view.school, view.partnership);
  return view;
}

/** "Next: …" for a series as it stands now. */
export function nextLineOf(ctx: RequestContext, view: SeriesView): string {
  return nextLine(upcoming(ctx.services, ctx.actor.tenant.id, view, ctx.now, 1)[0], view.school.timeZone);
}

// ---- setup ----------------------------------------------------------------------------

export interface NewSchool {
  name: string;
  timeZone: string;
  dayStart: string;
  dayEnd: string;
}

/** Creates the school; its creator becomes its principal. */
export function createSchool(ctx: RequestContext, args: NewSchool): Message {
  const { people } = ctx.services;
  // A workspace where nobody is an admin yet (a token install, a new Teams tenant, the console):
  // the first person to set up a school becomes its admin, so someone can govern roles.
  if (!ctx.actor.tenantAdmin && people.tenantAdmins(ctx.actor.tenant.id).length === 0) {
    people.addTenantAdmin(ctx.actor.tenant.id, ctx.actor.user.id, null, ctx.now);
    ctx.actor.tenantAdmin = true;
    ctx.audit({ schoolId: null, action: 'role.add', subjectType: 'user', subjectId: ctx.actor.user.id, detail: 'admin (first to set up a school)' });
  }
  authorize('school.create', ctx.actor);
  if (ctx.services.people.schoolByName(ctx.actor.tenant.id, args.name)) throw new Refusal(`A school called "${args.name}" already exists in this workspace.`);
  const school = ctx.services.people.createSchool(
    ctx.actor.tenant.id,
    { name: args.name, timeZone: args.timeZone, dayStart: args.dayStart, dayEnd: args.dayEnd, createdBy: ctx.actor.user.id },
    ctx.now,
  );
  ctx.services.people.addMembership(ctx.actor.tenant.id, school.id, ctx.actor.user.id, 'principal', ctx.now);
  ctx.audit({ schoolId: school.id, action: 'school.create', subjectType: 'school', subjectId: school.id });
  return schoolCreated(school);
}

// ---- next, and the home section -------------------------------------------------------------------

/** Each live series of the actor, with its next touch-point (a proposal has none yet). */
function glances(ctx: RequestContext): SeriesGlance[] {
  const tenantId = ctx.actor.tenant.id;
  const views = ctx.services.series.liveSeriesOfUser(tenantId, ctx.actor.user.id).map((s) => viewOf(ctx.services, tenantId, s));
  return views.map((view) => {
    const other = otherPerson(view, ctx.actor.user);
    if (view.series.status === 'proposed') return { view, other, next: undefined, pausedUntil: null };
    const next = upcoming(ctx.services, tenantId, view, ctx.now, 1)[0];
    const { pausedUntil } = view.series;
    return { view, other, next, pausedUntil: pausedUntil && pausedUntil > todayIn(ctx.now, view.school.timeZone) ? pausedUntil : null };
  });
}

export function nextTouchpoints(ctx: RequestContext): Message[] {
  const all = glances(ctx);
  if (all.length === 0) return [noTouchpointsYet(booksTouchpoints(ctx.actor))];
  return all.map((glance) => glanceMessage(glance, ctx.actor.user));
}

/** Home: the next touch-point of each series, or how to book one. */
export function homeSection(ctx: RequestContext): Block[] {
  return homeBlocks(glances(ctx), booksTouchpoints(ctx.actor));
}

// ---- skip, move, pause, resume --------------------------------------------------------------------

/** The next touch-point still to come: the one skip and move act on. */
export function nextToCome(ctx: RequestContext, view: SeriesView): Occurrence {
  const occ = upcoming(ctx.services, ctx.actor.tenant.id, view, ctx.now, 5).find((o) => o.startsAt > ctx.now);
  if (!occ) throw new Refusal('There is no upcoming touch-point to change in the coming weeks.');
  return occ;
}

/** Skips the next touch-point (it counts as skipped) and withdraws its reminders. */
export function skipNext(ctx: RequestContext, reason: string | undefined, withPerson: string | undefined): Message {
  const view = manageable(ctx, withPerson);
  const occ = nextToCome(ctx, view);
  ctx.services.series.updateOccurrence(ctx.actor.tenant.id, occ.id, { status: 'skipped', reason: reason ?? null }, ctx.actor.user.id, ctx.now);
  ctx.services.outbox.cancelPending(occurrenceKey(view.series.id, occ.id));
  ctx.audit({ schoolId: view.school.id, action: 'occurrence.skip', subjectType: 'occurrence', subjectId: occ.id });
  const when = describeOccurrence(occ, view.school.timeZone);
  const other = otherPerson(view, ctx.actor.user);
  const next = nextLineOf(ctx, view);
  ctx.notify(other, 'booking.skipped', skippedNotice(ctx.actor.user, when, reason, next), `booking.skip:${occ.id}:${ctx.now.getTime()}`);
  return skipped(when, other, next, occ.id);
}

/** The skip's Undo button: the touch-point is on again, while it is still to come. */
export function undoSkip(ctx: RequestContext, value: string): Message {
  const tenantId = ctx.actor.tenant.id;
  const occ = ctx.services.series.occurrenceById(tenantId, Number(value));
  if (!occ) throw new Refusal('That touch-point no longer exists.');
  const view = seriesFromValue(ctx, String(occ.seriesId));
  authorize('series.manage', ctx.actor, view.school, view.partnership);
  if (occ.status !== 'skipped' || occ.startsAt <= ctx.now || view.series.status !== 'active') throw new Refusal('That skip can no longer be undone.');
  ctx.services.series.updateOccurrence(tenantId, occ.id, { status: 'scheduled', reason: null }, ctx.actor.user.id, ctx.now);
  ctx.audit({ schoolId: view.school.id, action: 'occurrence.unskip', subjectType: 'occurrence', subjectId: occ.id });
  const when = describeOccurrence(occ, view.school.timeZone);
  ctx.notify(otherPerson(view, ctx.actor.user), 'booking.unskipped', unskippedNotice(ctx.actor.user, when), `booking.unskip:${occ.id}:${ctx.now.getTime()}`);
  return unskipped(when);
}

/**
 * Where a move would put a touch-point, once it may go there: refused in the past, on a closed
 * day, or on top of either person's other touch-point.
 */
export function moveTarget(ctx: RequestContext, view: SeriesView, date: LocalDate, time: LocalTime): { startsAt: Date; endsAt: Date } {
  const tenantId = ctx.actor.tenant.id;
  const startsAt = localToUtc(date, time, view.school.timeZone);
  const endsAt = new Date(startsAt.getTime() + view.series.durationMinutes * 60_000);
  if (startsAt <= ctx.now) throw new UsageError(`${formatLocalDate(date)} ${time} is in the past`, 'date');
  const closure = closureOn(ctx.services.calendar.closuresOfSchool(tenantId, view.school.id), date);
  if (closure) throw new Refusal(`${view.school.name} is closed on ${formatLocalDate(date)} (${closure.label}); pick another day.`);
  const clash = findClash(ctx.services, tenantId, [view.principal, view.coach], [{ start: startsAt, end: endsAt }], view.series.id);
  if (clash) throw new Refusal(clashMessage(clash, ctx.actor.user));
  return { startsAt, endsAt };
}

/** Moves one occurrence (a confirmed `move`, or "Rescheduled" after the fact); the other person is told. */
export function moveOccurrence(ctx: RequestContext, view: SeriesView, occ: Occurrence, date: LocalDate, time: string, verb: 'moved' | 'rescheduled'): Message {
  const tenantId = ctx.actor.tenant.id;
  const { startsAt, endsAt } = moveTarget(ctx, view, date, time);
  const before = describeOccurrence(occ, view.school.timeZone);
  const movedTo = ctx.services.series.updateOccurrence(tenantId, occ.id, { startsAt, endsAt, moved: true }, ctx.actor.user.id, ctx.now);
  ctx.services.outbox.cancelPending(occurrenceKey(view.series.id, occ.id));
  ctx.audit({ schoolId: view.school.id, action: verb === 'moved' ? 'occurrence.move' : 'occurrence.reschedule', subjectType: 'occurrence', subjectId: occ.id });
  const after = describeOccurrence(movedTo, view.school.timeZone);
  const other = otherPerson(view, ctx.actor.user);
  ctx.notify(other, `booking.${verb}`, movedNotice(ctx.actor.user, verb, before, after), `booking.move:${occ.id}:${ctx.now.getTime()}`);
  return moved(verb, before, after, other, hoursWarning(view.school, weekdayOf(date), time, view.series.durationMinutes));
}

/** What a pause until a date would do: the touch-points it drops, those it brings back (a shorter pause), and the next one after it. */
export interface PauseEffect {
  dropped: Occurrence[];
  restored: Occurrence[];
  nextAfter: Occurrence | undefined;
}

/** Checks the date and works out a pause's effect without changing anything (it may store rows further ahead, as they stand). */
export function pauseEffect(ctx: RequestContext, view: SeriesView, until: LocalDate): PauseEffect {
  const tenantId = ctx.actor.tenant.id;
  const today = todayIn(ctx.now, view.school.timeZone);
  if (until <= today) throw new UsageError('the date to resume on must be after today');
  if (daysBetween(today, until) > 366) throw new UsageError('a pause can last at most a year; cancel the series instead');
  materialise(ctx.services, tenantId, view, ctx.now, Math.max(daysBetween(today, until) + 14, 63));
  const closures = ctx.services.calendar.closuresOfSchool(tenantId, view.school.id);
  const coming = ctx.services.series.occurrencesOfSeries(tenantId, view.series.id, ctx.now, 500);
  // By the day each touch-point takes place (a moved one where it was moved to), as closures and reminders judge it.
  const on = (o: Occurrence): LocalDate => heldOn(o, view.school.timeZone);
  const dropped = coming.filter((o) => o.status === 'scheduled' && o.startsAt > ctx.now && on(o) < until);
  const restored = coming.filter((o) => o.status === 'paused' && on(o) >= until && !closureOn(closures, on(o)));
  const nextAfter = coming.find((o) => (o.status === 'scheduled' && on(o) >= until) || restored.includes(o));
  return { dropped, restored, nextAfter };
}

/** Pauses the series until a date: the touch-points before it are paused, their reminders withdrawn; the other person gets one message naming them. */
export function pauseSeries(ctx: RequestContext, view: SeriesView, until: LocalDate): Message {
  const tenantId = ctx.actor.tenant.id;
  const effect = pauseEffect(ctx, view, until);
  ctx.services.series.setPausedUntil(tenantId, view.series.id, until, todayIn(ctx.now, view.school.timeZone));
  const pausedView = { ...view, series: { ...view.series, pausedUntil: until } };
  for (const o of effect.dropped) {
    ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'paused', reason: 'paused' }, ctx.actor.user.id, ctx.now);
    ctx.services.outbox.cancelPending(occurrenceKey(view.series.id, o.id));
  }
  unpause(ctx, view, until); // a shorter pause than before: the weeks after it are on again
  ctx.audit({ schoolId: view.school.id, action: 'series.pause', subjectType: 'series', subjectId: view.series.id, detail: until });
  const next = nextLineOf(ctx, pausedView);
  ctx.notify(
    otherPerson(view, ctx.actor.user),
    'booking.paused',
    pausedNotice(ctx.actor.user, until, dropLine(effect.dropped, view.school.timeZone), next),
    `booking.pause:${view.series.id}:${ctx.now.getTime()}`,
  );
  return paused(until, next);
}

/** Puts paused touch-points still to come back on — all, or those from `from` on — except on closed days. */
function unpause(ctx: RequestContext, view: SeriesView, from: LocalDate | null): void {
  const tenantId = ctx.actor.tenant.id;
  const closures = ctx.services.calendar.closuresOfSchool(tenantId, view.school.id);
  for (const o of ctx.services.series.occurrencesOfSeries(tenantId, view.series.id, ctx.now, 500)) {
    const on = heldOn(o, view.school.timeZone);
    if (o.status === 'paused' && (from === null || on >= from) && !closureOn(closures, on)) {
      ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'scheduled', reason: null }, ctx.actor.user.id, ctx.now);
    }
  }
}

/** Ends a pause now. */
export function resumeSeries(ctx: RequestContext, withPerson: string | undefined): Message {
  const tenantId = ctx.actor.tenant.id;
  const view = manageable(ctx, withPerson);
  if (!view.series.pausedUntil || view.series.pausedUntil <= todayIn(ctx.now, view.school.timeZone)) throw new Refusal('That series is not paused.');
  ctx.services.series.setPausedUntil(tenantId, view.series.id, null, todayIn(ctx.now, view.school.timeZone));
  unpause(ctx, view, null);
  const resumedView = { ...view, series: { ...view.series, pausedUntil: null } };
  ctx.audit({ schoolId: view.school.id, action: 'series.resume', subjectType: 'series', subjectId: view.series.id });
  const next = nextLineOf(ctx, resumedView);
  ctx.notify(
    otherPerson(view, ctx.actor.user),
    'booking.resumed',
    resumedNotice(ctx.actor.user, next),
    `booking.resume:${view.series.id}:${ctx.now.getTime()}`,
  );
  return resumed(next);
}
