/**
 * `report`: the health of each partnership the actor may see over the last 8 weeks — each week
 * held, missed, skipped or without a touch-point; meetings held against planned, the streak, items
 * per meeting; and how many agenda items and action items served each shared priority — with
 * coaching demand for principals and APs.
 */
import type { Reply, RequestContext } from '../../core/context';
import { Refusal } from '../../core/errors';
import { decide, LEADER_ROLES } from '../../core/policy';
import { addDays, localToUtc, todayIn, toLocal, weekdayOf, type LocalDate } from '../../core/datetime';
import type { Message } from '../../messages/model';
import { viewOf, type SeriesView } from '../booking/service';
import { coachingDemandMessage } from '../coaching';
import { healthMessage, type PriorityServed, type WeekOutcome } from './report-messages';

export const WEEKS = 8;

/** `report`: the health of each partnership the actor may see, and coaching demand for leaders. */
export function partnershipHealth(ctx: RequestContext): Reply {
  const tenantId = ctx.actor.tenant.id;
  const leadSchools = ctx.actor.memberships.filter((m) => LEADER_ROLES.includes(m.role)).map((m) => m.schoolId);
  const seriesList = [
    ...ctx.services.series.liveSeriesOfUser(tenantId, ctx.actor.user.id),
    ...leadSchools.flatMap((id) => ctx.services.series.activeSeriesOfSchool(tenantId, id)),
  ].filter((s, i, all) => s.status === 'active' && all.findIndex((x) => x.id === s.id) === i);
  const views = seriesList.map((s) => viewOf(ctx.services, tenantId, s)).filter((v) => decide('health.view', ctx.actor, v.school, v.partnership).allowed);
  // Coaching demand, for principals and APs only, in aggregate (the coaching feature applies the policy).
  const demand = coachingDemandMessage(ctx);
  if (views.length === 0 && !demand) throw new Refusal('There is no partnership to report on yet.');
  const messages = views.map((view) => healthOf(ctx, view));
  return { messages: demand ? [...messages, demand] : messages };
}

/** The Monday that starts the week of a date. */
const mondayOf = (date: LocalDate): LocalDate => addDays(date, 1 - weekdayOf(date));

function healthOf(ctx: RequestContext, view: SeriesView): Message {
  const { agenda } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const pid = view.partnership.id;
  const tz = view.school.timeZone;
  // The report's weeks: this one and the seven before, Monday to Sunday in the school's time zone.
  const firstMonday = addDays(mondayOf(todayIn(ctx.now, tz)), -7 * (WEEKS - 1));
  const since = localToUtc(firstMonday, '00:00', tz);
  const past = agenda.pastOccurrences(tenantId, view.series.id, ctx.now, 100).filter((o) => o.startsAt >= since);
  const counted = past.filter((o) => ['held', 'missed', 'skipped', 'scheduled'].includes(o.status));
  let streak = 0;
  for (const o of agenda.pastOccurrences(tenantId, view.series.id, ctx.now, 200)) {
    if (o.status === 'held') streak += 1;
    else if (o.status === 'missed' || o.status === 'skipped') break;
  }
  const held = counted.filter((o) => o.status === 'held').length;
  return healthMessage(view, {
    weeks: WEEKS,
    held,
    counted: counted.length,
    streak,
    discussed: agenda.countDiscussedSince(tenantId, pid, since),
    carried: agenda.openItems(tenantId, pid).filter((i) => i.carriedCount > 0).length,
    openActions: agenda.openActions(tenantId, pid).length,
    byWeek: weeksOf(ctx, view, firstMonday),
    served: servedOf(ctx, view, since),
  });
}

/** What each week of the report was, from the occurrences that fell in it (by their actual date). */
function weeksOf(ctx: RequestContext, view: SeriesView, firstMonday: LocalDate): WeekOutcome[] {
  const tz = view.school.timeZone;
  const lastSunday = addDays(firstMonday, 7 * WEEKS - 1);
  // Moved touch-points keep their original date: look a week either side, then bucket by when they take place.
  const occurrences = ctx.services.series
    .occurrencesInDates(ctx.actor.tenant.id, view.series.id, addDays(firstMonday, -7), addDays(lastSunday, 7))
    .map((o) => ({ ...o, date: toLocal(o.startsAt, tz).date }));
  return Array.from({ length: WEEKS }, (_, i) => {
    const monday = addDays(firstMonday, 7 * i);
    const inWeek = occurrences.filter((o) => o.date >= monday && o.date <= addDays(monday, 6));
    const has = (status: string): boolean => inWeek.some((o) => o.status === status);
    const scheduled = inWeek.filter((o) => o.status === 'scheduled');
    const outcome: WeekOutcome['outcome'] = has('held')
      ? 'held'
      : has('missed')
        ? 'missed'
        : has('skipped')
          ? 'skipped'
          : scheduled.some((o) => o.startsAt <= ctx.now)
            ? 'not recorded'
            : scheduled.length
              ? 'coming up'
              : 'none';
    const why = has('closed') ? 'school closed' : has('paused') ? 'paused' : has('cancelled') ? 'cancelled' : undefined;
    return { monday, outcome, why: outcome === 'none' ? why : undefined };
  });
}

/**
 * Per agreed priority (and the untagged), the agenda items discussed and the action items agreed
 * since `since`. The wording is the partnership's own: a leader who is not one of the two sees
 * "Priority 1" and the counts.
 */
function servedOf(ctx: RequestContext, view: SeriesView, since: Date): PriorityServed[] {
  const tenantId = ctx.actor.tenant.id;
  const partnershipId = view.partnership.id;
  const member = decide('agenda.use', ctx.actor, view.school, view.partnership).allowed;
  const counts = ctx.services.agenda.servedByPriority(tenantId, partnershipId, since);
  const priorities = ctx.services.agenda.priorities(tenantId, partnershipId);
  const of = (slot: number | null) => counts.find((c) => c.slot === slot) ?? { items: 0, actions: 0 };
  // A tag whose priority is gone (cleared between the two reads) counts as untagged.
  const orphans = counts.filter((c) => c.slot !== null && !priorities.some((p) => p.slot === c.slot));
  const untagged = orphans.reduce((sum, c) => ({ items: sum.items + c.items, actions: sum.actions + c.actions }), of(null));
  return [
    ...priorities.map((p) => ({ label: member ? `P${p.slot} ${p.text}` : `Priority ${p.slot}`, items: of(p.slot).items, actions: of(p.slot).actions })),
    { label: 'Untagged', items: untagged.items, actions: untagged.actions },
  ];
}
