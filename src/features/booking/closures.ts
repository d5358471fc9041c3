/** Closures (holidays, testing days): the touch-points on those days are closed, and open again when a closure is removed. */
import type { Message } from '../../messages/model';
import type { RequestContext } from '../../core/context';
import { Refusal } from '../../core/errors';
import { authorize } from '../../core/policy';
import { daysBetween, todayIn, type LocalDate } from '../../core/datetime';
import { closureOn, occurrenceKey } from '../../core/school-calendar';
import { heldOn, materialise, viewOf } from './series';
import { nextLineOf, pickSchool } from './service';
import { closedNotice, closureRemoved, closureSaved, reopenedNotice } from './messages';

export interface NewClosure {
  start: LocalDate;
  end: LocalDate;
  label: string;
}

/** Marks the school closed; each touch-point those days is closed, its reminders withdrawn, and both people told. */
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
  for (const series of ctx.services.series.activeSeriesOfSchool(tenantId, school.id)) {
    const view = viewOf(ctx.services, tenantId, series);
    materialise(ctx.services, tenantId, view, ctx.now, Math.max(63, daysBetween(todayIn(ctx.now, school.timeZone), args.end) + 7));
    for (const o of ctx.services.series.occurrencesOfSeries(tenantId, series.id, ctx.now, 1000)) {
      const on = heldOn(o, school.timeZone);
      if (o.status !== 'scheduled' || o.startsAt <= ctx.now || on < args.start || on > args.end) continue;
      ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'closed', reason: args.label }, ctx.actor.user.id, ctx.now);
      ctx.services.outbox.cancelPending(occurrenceKey(series.id, o.id));
      affected += 1;
      const next = nextLineOf(ctx, view);
      for (const person of [view.principal, view.coach])
        ctx.notify(person, 'booking.closed', closedNotice(o, school, args.label, next), `booking.closed:${o.id}:${closure.id}:${person.id}`);
    }
  }
  return closureSaved(school, args.start, args.end, args.label, affected, closure.id);
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
  for (const series of ctx.services.series.activeSeriesOfSchool(tenantId, school.id)) {
    const view = viewOf(ctx.services, tenantId, series);
    for (const o of ctx.services.series.occurrencesOfSeries(tenantId, series.id, ctx.now, 1000)) {
      const on = heldOn(o, school.timeZone);
      if (o.status !== 'closed' || o.startsAt <= ctx.now || on < found.startDate || on > found.endDate) continue;
      if (closureOn(remaining, on)) continue;
      ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'scheduled', reason: null }, ctx.actor.user.id, ctx.now);
      restored += 1;
      for (const person of [view.principal, view.coach])
        ctx.notify(person, 'booking.reopened', reopenedNotice(o, school.timeZone, found.label), `booking.reopened:${o.id}:${found.id}:${person.id}`);
    }
  }
  ctx.audit({ schoolId: school.id, action: 'closure.remove', subjectType: 'closure', subjectId: found.id });
  return closureRemoved(found.label, restored);
}
