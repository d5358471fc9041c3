/**
 * `reschedule` (and `book` with someone you already meet): the series takes a new weekly slot
 * from a date on, keeping its id, history, agenda and priorities. The actor confirms first
 * (before → after, what it drops); then the other person accepts or declines, like a proposal,
 * and until they accept the old slot stands.
 */
import { z } from 'zod';
import type { Message } from '../../messages/model';
import type { RequestContext } from '../../core/context';
import type { SeriesChange, Slot } from '../../core/ports/series';
import { Refusal, UsageError } from '../../core/errors';
import { authorize } from '../../core/policy';
import { formatLocalDate, todayIn, type LocalDate, type TypedTime, type Weekday } from '../../core/datetime';
import { occurrenceKey } from '../../core/school-calendar';
import { candidateSlots, findClash, materialise, otherPerson, ruleOf, type SeriesView } from './series';
import { manageable, nextLineOf, seriesFromValue } from './service';
import { schoolTime } from './when';
import { valueOf } from './changes';
import { clashMessage, describeOccurrence, describeRule, hoursWarning, shortWhen } from './messages';
import {
  changeAccepted,
  changeAcceptedNotice,
  changeDeclined,
  changeDeclinedNotice,
  changeProposal,
  changeProposed,
  changeQuestion,
} from './reschedule-messages';

export interface RescheduleRequest {
  cadence?: Slot['cadence'];
  weekday: Weekday;
  time: TypedTime;
  duration?: number;
  from?: LocalDate;
  with?: string;
}

const sameSlot = (a: Slot, b: Slot): boolean =>
  a.cadence === b.cadence && a.weekday === b.weekday && a.time === b.time && a.durationMinutes === b.durationMinutes;
const slotOf = (s: Slot): Slot => ({ cadence: s.cadence, weekday: s.weekday, time: s.time, durationMinutes: s.durationMinutes });
const signature = (s: Slot): string => `${s.cadence}|${s.weekday}|${s.time}|${s.durationMinutes}`;

/** What the change does: the first old-slot touch-point it drops and the first on the new slot (after clash checks). */
function effectOf(ctx: RequestContext, view: SeriesView, slot: Slot, from: LocalDate): { firstDropped: string | undefined; firstNew: string } {
  const tenantId = ctx.actor.tenant.id;
  const rule = { ...ruleOf({ ...view.series, ...slot, startDate: from }, view.school) };
  const candidates = candidateSlots(rule, ctx.now);
  const clash = findClash(ctx.services, tenantId, [view.principal, view.coach], candidates, view.series.id);
  if (clash) throw new Refusal(clashMessage(clash, ctx.actor.user));
  materialise(ctx.services, tenantId, view, ctx.now);
  const dropped = ctx.services.series
    .occurrencesOfSeries(tenantId, view.series.id, ctx.now, 200)
    .find((o) => o.originalDate >= from && o.startsAt > ctx.now && !o.moved && o.status === 'scheduled');
  return {
    firstDropped: dropped && shortWhen(dropped, view.school.timeZone),
    firstNew: describeOccurrence({ startsAt: candidates[0].start, endsAt: candidates[0].end }, view.school.timeZone),
  };
}

/** The confirmation for a new slot of the actor's series with `withPerson` (or their only one). */
export function askReschedule(ctx: RequestContext, args: RescheduleRequest, found?: SeriesView): Message {
  const view = found ?? manageable(ctx, args.with);
  authorize('series.manage', ctx.actor, view.school, view.partnership);
  const today = todayIn(ctx.now, view.school.timeZone);
  const from = args.from ?? today;
  if (from < today) throw new UsageError(`the date ${formatLocalDate(from)} is in the past`);
  const slot: Slot = {
    cadence: args.cadence ?? view.series.cadence,
    weekday: args.weekday,
    time: schoolTime(ctx, view.school, args.time),
    durationMinutes: args.duration ?? view.series.durationMinutes,
  };
  if (sameSlot(slot, view.series)) throw new Refusal(`Your touch-points are already ${describeRule(view.series)}.`);
  const effect = effectOf(ctx, view, slot, from);
  const value = JSON.stringify({ s: view.series.id, n: signature(slot), f: from, cur: signature(view.series), by: ctx.actor.user.id });
  const warning = hoursWarning(view.school, slot.weekday, slot.time, slot.durationMinutes);
  return changeQuestion(otherPerson(view, ctx.actor.user), view.series, slot, from, effect, value, warning);
}

const ConfirmValue = z.object({ s: z.number().int(), n: z.string(), f: z.string(), cur: z.string(), by: z.number().int() });
const SlotSignature = z
  .string()
  .regex(/^(weekly|biweekly)\|[1-7]\|\d\d:\d\d\|\d{2,3}$/)
  .transform((s): Slot => {
    const [cadence, weekday, time, duration] = s.split('|');
    return { cadence: cadence as Slot['cadence'], weekday: Number(weekday) as Weekday, time, durationMinutes: Number(duration) };
  });

/** Confirm: the change is proposed to the other person (once; a second press finds it waiting). */
export function confirmReschedule(ctx: RequestContext, value: string): Message {
  const v = valueOf(ConfirmValue, value);
  if (v.by !== ctx.actor.user.id) throw new Refusal('Only the person who asked can confirm this change.');
  const slot = SlotSignature.parse(v.n);
  const view = seriesFromValue(ctx, String(v.s));
  authorize('series.manage', ctx.actor, view.school, view.partnership);
  const other = otherPerson(view, ctx.actor.user);
  const open = ctx.services.series.openChange(ctx.actor.tenant.id, view.series.id);
  if (open && open.proposedBy === ctx.actor.user.id && signature(open) === v.n && open.effectiveFrom === v.f) {
    return changeProposed(other, slot, v.f, true);
  }
  if (view.series.status !== 'active' || signature(view.series) !== v.cur) {
    throw new Refusal('That touch-point has changed since you asked; nothing was changed. Type the command again.');
  }
  const effect = effectOf(ctx, view, slot, v.f);
  const change = ctx.services.series.proposeChange(
    ctx.actor.tenant.id,
    view.series.id,
    { ...slot, effectiveFrom: v.f, proposedBy: ctx.actor.user.id },
    ctx.now,
  );
  ctx.audit({ schoolId: view.school.id, action: 'series.change.propose', subjectType: 'series', subjectId: view.series.id, detail: signature(slot) });
  ctx.notify(other, 'booking.change', changeProposal(ctx.actor.user, view.series, slot, v.f, effect, change.id), `booking.change:${change.id}`);
  return changeProposed(other, slot, v.f, false);
}

/** The change a button is about, once the actor is the one who answers it and it is still open. */
function answerable(ctx: RequestContext, value: string): { change: SeriesChange; view: SeriesView } {
  const change = ctx.services.series.changeById(ctx.actor.tenant.id, Number(value));
  if (!change) throw new Refusal('That change no longer exists.');
  const view = seriesFromValue(ctx, String(change.seriesId));
  authorize('series.manage', ctx.actor, view.school, view.partnership);
  if (change.status !== 'proposed') throw new Refusal('That change has already been answered.');
  if (change.proposedBy === ctx.actor.user.id) throw new Refusal(`You proposed this change; ${otherPerson(view, ctx.actor.user).displayName} answers it.`);
  if (view.series.status !== 'active') throw new Refusal('That series has already ended.');
  return { change, view };
}

/** Accept: the series takes the new slot from the change's date; the proposer is told once. */
export function acceptChange(ctx: RequestContext, value: string): Message {
  const tenantId = ctx.actor.tenant.id;
  const { change, view } = answerable(ctx, value);
  const slot = slotOf(change);
  effectOf(ctx, view, slot, change.effectiveFrom); // clash check, as things stand now
  ctx.services.series.decideChange(tenantId, change.id, 'accepted', ctx.now);
  const removed = ctx.services.series.changeSlot(tenantId, view.series.id, slot, change.effectiveFrom, ctx.now);
  for (const id of removed) ctx.services.outbox.cancelPending(occurrenceKey(view.series.id, id));
  const changed = { ...view, series: { ...view.series, ...slot, startDate: change.effectiveFrom, materialisedThrough: null } };
  materialise(ctx.services, tenantId, changed, ctx.now);
  ctx.audit({ schoolId: view.school.id, action: 'series.change.accept', subjectType: 'series', subjectId: view.series.id, detail: signature(slot) });
  const next = nextLineOf(ctx, changed);
  const proposer = otherPerson(view, ctx.actor.user);
  ctx.notify(proposer, 'booking.change.answer', changeAcceptedNotice(ctx.actor.user, slot, change.effectiveFrom, next), `booking.change.answer:${change.id}`);
  return changeAccepted(slot, change.effectiveFrom, next);
}

export function declineChange(ctx: RequestContext, value: string): Message {
  const { change, view } = answerable(ctx, value);
  ctx.services.series.decideChange(ctx.actor.tenant.id, change.id, 'declined', ctx.now);
  ctx.audit({ schoolId: view.school.id, action: 'series.change.decline', subjectType: 'series', subjectId: view.series.id });
  const proposer = otherPerson(view, ctx.actor.user);
  ctx.notify(proposer, 'booking.change.answer', changeDeclinedNotice(ctx.actor.user, slotOf(change), view.series), `booking.change.answer:${change.id}`);
  return changeDeclined(proposer, view.series);
}
