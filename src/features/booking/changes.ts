/**
 * Move and pause ask first: the reply shows before → after and what the change drops, with
 * Confirm and Cancel, and nothing changes (nobody is told) until Confirm. The Confirm button
 * carries what was shown; pressed again, or after the touch-point changed since, it does nothing.
 */
import { z } from 'zod';
import type { Message } from '../../messages/model';
import type { Occurrence } from '../../core/model';
import type { RequestContext } from '../../core/context';
import { Refusal, UsageError } from '../../core/errors';
import { authorize } from '../../core/policy';
import { formatLocalDate, toLocal, weekdayOf, type LocalDate, type TypedDay, type TypedTime } from '../../core/datetime';
import { heldOn, otherPerson, type SeriesView } from './series';
import { manageable, moveOccurrence, moveTarget, nextToCome, pauseEffect, pauseSeries, seriesFromValue } from './service';
import { dayFor, schoolTime } from './when';
import {
  alreadyMoved,
  alreadyPaused,
  changedSince,
  describeOccurrence,
  dropLine,
  hoursWarning,
  moveQuestion,
  notTheAsker,
  pauseQuestion,
  whenList,
} from './messages';

/** Reads a button's JSON value at the edge; a forged or truncated one is out of date. */
export function valueOf<T>(schema: z.ZodType<T>, value: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    raw = undefined;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Refusal('That button is out of date. Type the command again.');
  return parsed.data;
}

function askedBy(ctx: RequestContext, by: number): void {
  if (by !== ctx.actor.user.id) throw new Refusal(notTheAsker);
}

// ---- move -------------------------------------------------------------------------------------------

const MoveValue = z.object({ o: z.number().int(), from: z.number().int(), to: z.number().int(), by: z.number().int() });

/** `move <day> <time>`: the next touch-point, to that day (a weekday: in its own week) and time — asked first. */
export function askMove(ctx: RequestContext, day: TypedDay, time: TypedTime, withPerson: string | undefined): Message {
  const view = manageable(ctx, withPerson);
  const occ = nextToCome(ctx, view);
  const tz = view.school.timeZone;
  const date = dayFor(day, heldOn(occ, tz));
  const at = schoolTime(ctx, view.school, time);
  const target = moveTarget(ctx, view, date, at);
  if (target.startsAt.getTime() === occ.startsAt.getTime()) throw new Refusal(`That touch-point is already on ${describeOccurrence(occ, tz)}.`);
  const value = JSON.stringify({ o: occ.id, from: occ.startsAt.getTime(), to: target.startsAt.getTime(), by: ctx.actor.user.id });
  const warning = hoursWarning(view.school, weekdayOf(date), at, view.series.durationMinutes);
  return moveQuestion(otherPerson(view, ctx.actor.user), describeOccurrence(occ, tz), describeOccurrence(target, tz), value, warning);
}

export function confirmMove(ctx: RequestContext, value: string): Message {
  const v = valueOf(MoveValue, value);
  askedBy(ctx, v.by);
  const occ = ctx.services.series.occurrenceById(ctx.actor.tenant.id, v.o);
  if (!occ) throw new Refusal('That touch-point no longer exists.');
  const view = seriesFromValue(ctx, String(occ.seriesId));
  authorize('series.manage', ctx.actor, view.school, view.partnership);
  const tz = view.school.timeZone;
  if (occ.status === 'scheduled' && occ.moved && occ.startsAt.getTime() === v.to) return alreadyMoved(describeOccurrence(occ, tz));
  if (view.series.status !== 'active' || occ.status !== 'scheduled' || occ.startsAt.getTime() !== v.from) throw new Refusal(changedSince);
  const to = toLocal(new Date(v.to), tz);
  return moveOccurrence(ctx, view, occ, to.date, to.time, 'moved');
}

// ---- pause ------------------------------------------------------------------------------------------

const PauseValue = z.object({ s: z.number().int(), u: z.string(), p: z.string().nullable(), by: z.number().int() });

/** `pause until <date>`: asked first, naming the touch-points it drops (and those a shorter pause brings back). */
export function askPause(ctx: RequestContext, until: LocalDate, withPerson: string | undefined): Message {
  const view = manageable(ctx, withPerson);
  const tz = view.school.timeZone;
  if (view.series.pausedUntil === until) throw new Refusal(`Your touch-points are already paused until ${formatLocalDate(until)}.`);
  const effect = pauseEffect(ctx, view, until);
  const nextNow = effect.dropped[0] ?? nextOf(ctx, view);
  const describe = (o: Occurrence | undefined): string => (o ? describeOccurrence(o, tz) : 'none in the coming weeks');
  const restored = effect.restored.length > 0 ? `${whenList(effect.restored, tz)} will take place again.` : undefined;
  const value = JSON.stringify({ s: view.series.id, u: until, p: view.series.pausedUntil, by: ctx.actor.user.id });
  return pauseQuestion(otherPerson(view, ctx.actor.user), until, describe(nextNow), describe(effect.nextAfter), dropLine(effect.dropped, tz), restored, value);
}

function nextOf(ctx: RequestContext, view: SeriesView): Occurrence | undefined {
  try {
    return nextToCome(ctx, view);
  } catch (err) {
    if (err instanceof Refusal) return undefined;
    throw err;
  }
}

export function confirmPause(ctx: RequestContext, value: string): Message {
  const v = valueOf(PauseValue, value);
  askedBy(ctx, v.by);
  const view = seriesFromValue(ctx, String(v.s));
  authorize('series.manage', ctx.actor, view.school, view.partnership);
  if (view.series.status === 'active' && view.series.pausedUntil === v.u) return alreadyPaused(v.u);
  if (view.series.status !== 'active' || view.series.pausedUntil !== v.p) throw new Refusal(changedSince);
  try {
    return pauseSeries(ctx, view, v.u);
  } catch (err) {
    // The day has come since the question was asked: the pause it showed is no longer possible.
    if (err instanceof UsageError) throw new Refusal(changedSince);
    throw err;
  }
}
