/** Closures (holidays, testing days): the touch-points on those days are closed, and open again when a closure is removed. */
import type { Message } from '../../messages/model';
import type { Occurrence, User } from '../../core/model';
import type { RequestContext } from '../../core/context';
import { Refusal } from '../../core/errors';
import { authorize } from '../../core/policy';
import { daysBetween, todayIn, type LocalDate } from '../../core/datetime';
import { closureOn, occurrenceKey } from '../../core/school-calendar';
import { heldOn, materialise, viewOf } from './series';
import { nextLineOf, pickSchool } from './service';
import { closureRemoved } from './messages';
import { closedSummary, closureSavedSummary, reopenedSummary, type SeriesChange } from './closure-messages';

export interface NewClosure {
  start: LocalDate;
  end: LocalDate;
  label: string;
}

/** People told about a closure, each once, with their touch-points grouped by series. */
class Tellings {
  private readonly byPerson = new Map<number, { person: User; changes: Map<number, SeriesChange> }>();
  add(person: User, seriesId: number, o: Occurrence, next: string): void {
    const entry = this.byPerson.get(person.id) ?? { person, changes: new Map<number, SeriesChange>() };
    const change = entry.changes.get(seriesId) ?? { occurrences: [], next };
    change.occurrences.push(o);
    entry.changes.set(seriesId, change);
    this.byPerson.set(person.id, entry);
  }
  each(fn: (person: User, changes: SeriesChange[]) => void): void {
    for (const { person, changes } of this.byPerson.values()) fn(person, [...changes.values()]);
  }
}

/** Marks the school closed; each touch-point those days is closed, its reminders withdrawn, and each person told once. */
export function markClosed(ctx: RequestContext, args: NewClosure): Message {
  const tenantId = ctx.actor.tenant.id;
  const school = pickSchool(ctx, ['principal', 'assistant_principal', 'admin'], 'Only a principal, assistant principal or admin can mark the school closed.');
  authorize('closures.manage', ctx.actor, school);
  const closure = ctx.services.calendar.addClosure(
    tenantId,
    { schoolId: school.id, startDate: args.start, endDate: args.end, label: args.label, createdBy: ctx.actor.user.id },
    ctx.now,
  );
  ctx.audit({ schoolId: school.id, action: 'closure.add', subjectType: 'closure', subjectId: closure.id });
  let affected = 0;
  const partnerships = new Set<number>();
  const tellings = new Tellings();
  for (const series of ctx.services.series.activeSeriesOfSchool(tenantId, school.id)) {
    const view = viewOf(ctx.services, tenantId, series);
    materialise(ctx.services, tenantId, view, ctx.now, Math.max(63, daysBetween(todayIn(ctx.now, school.timeZone), args.end) + 7));
    const closed: Occurrence[] = [];
    for (const o of ctx.services.series.occurrencesOfSeries(tenantId, series.id, ctx.now, 1000)) {
      const on = heldOn(o, school.timeZone);
      if (o.status !== 'scheduled' || o.startsAt <= ctx.now || on < args.start || on > args.end) continue;
      ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'closed', reason: args.label }, ctx.actor.user.id, ctx.now);
      ctx.services.outbox.cancelPending(occurrenceKey(series.id, o.id));
      closed.push(o);
    }
    if (closed.length === 0) continue;
    affected += closed.length;
    partnerships.add(view.partnership.id);
    const next = nextLineOf(ctx, view); // after all of them closed: the next that still takes place
    for (const person of [view.principal, view.coach]) for (const o of closed) tellings.add(person, series.id, o, next);
  }
  const told: User[] = [];
  tellings.each((person, changes) => {
    ctx.notify(person, 'booking.closed', closedSummary(changes, school, args.label), `booking.closed:${closure.id}:${person.id}`);
    told.push(person);
  });
  return closureSavedSummary(school, args.start, args.end, args.label, { affected, told, partnerships: partnerships.size }, closure.id);
}

/** The closure's Undo button: touch-points it closed are on again, unless another closure still covers them. */
export function undoClosure(ctx: RequestContext, value: string): Message {
  const tenantId = ctx.actor.tenant.id;
  const found = ctx.services.calendar.closureById(tenantId, Number(value));
  if (!found) throw new Refusal('That closure no longer exists.');
  const school = ctx.services.people.schoolById(tenantId, found.schoolId)!;
  authorize('closures.manage', ctx.actor, school);
  ctx.services.calendar.removeClosure(tenantId, found.id);
  const remaining = ctx.services.calendar.closuresOfSchool(tenantId, school.id);
  let restored = 0;
  const tellings = new Tellings();
  for (const series of ctx.services.series.activeSeriesOfSchool(tenantId, school.id)) {
    const view = viewOf(ctx.services, tenantId, series);
    for (const o of ctx.services.series.occurrencesOfSeries(tenantId, series.id, ctx.now, 1000)) {
      const on = heldOn(o, school.timeZone);
      if (o.status !== 'closed' || o.startsAt <= ctx.now || on < found.startDate || on > found.endDate) continue;
      if (closureOn(remaining, on)) continue;
      // A touch-point inside the series' pause goes back to paused, not on.
      if (series.pausedUntil !== null && on < series.pausedUntil) {
        ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'paused', reason: 'paused' }, ctx.actor.user.id, ctx.now);
        continue;
      }
      ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'scheduled', reason: null }, ctx.actor.user.id, ctx.now);
      restored += 1;
      for (const person of [view.principal, view.coach]) tellings.add(person, series.id, o, '');
    }
  }
  tellings.each((person, changes) =>
    ctx.notify(person, 'booking.reopened', reopenedSummary(changes, school.timeZone, found.label), `booking.reopened:${found.id}:${person.id}`),
  );
  ctx.audit({ schoolId: school.id, action: 'closure.remove', subjectType: 'closure', subjectId: found.id });
  return closureRemoved(found.label, restored);
}
