/**
 * The life of a series, from proposal to its end, declared as one transition table: each event
 * names the statuses it may leave, the status it enters, the rule that says who may fire it,
 * what the audit log records, and the refusal once the series has moved on. The book, answer
 * and cancel use cases below read the table rather than checking statuses themselves.
 */
import type { School, Series, SeriesStatus } from '../../core/model';
import type { Message } from '../../messages/model';
import type { RequestContext, Services } from '../../core/context';
import type { OutboxRow } from '../../core/ports';
import { undeliveredTo } from '../../core/reach';
import { Refusal, UsageError } from '../../core/errors';
import { LEADER_ROLES, authorize, decide, rolesAt } from '../../core/policy';
import { formatLocalDate, todayIn, type LocalDate, type TypedTime } from '../../core/datetime';
import { schoolTime } from './when';
import { askReschedule } from './reschedule';
import { seriesKey } from '../../core/school-calendar';
import { candidateSlots, findClash, otherPerson, ruleOf, viewOf, type SeriesView } from './series';
import { manageable, nextLineOf, seriesFromValue } from './service';
import {
  acceptedNotice,
  booked,
  cancelQuestion,
  cancelled,
  cancelledNotice,
  clashMessage,
  declined,
  declinedNotice,
  describeOccurrence,
  describeRule,
  hoursWarning,
  proposalMessage,
  proposalNotDelivered,
  proposed,
  typedName,
} from './messages';

export type SeriesEvent = 'propose' | 'accept' | 'decline' | 'withdraw' | 'end';

export interface Transition {
  /** The statuses the event may leave; none for `propose`, which starts a series. */
  from: readonly SeriesStatus[];
  to: SeriesStatus;
  /**
   * Who may fire it (core/policy): series.book — a leader with a coach of their school, or a coach
   * with a leader; series.answer — the invited person, while it is proposed; series.manage —
   * either of the two, while still in their roles.
   */
  rule: 'series.book' | 'series.answer' | 'series.manage';
  audit: string;
  /** The refusal when the series is no longer in a `from` status (empty for `propose`: there is no series yet). */
  stale: string;
}

export const SERIES_FLOW: Readonly<Record<SeriesEvent, Transition>> = {
  propose: { from: [], to: 'proposed', rule: 'series.book', audit: 'series.propose', stale: '' },
  accept: { from: ['proposed'], to: 'active', rule: 'series.answer', audit: 'series.accept', stale: 'That proposal has already been answered.' },
  decline: { from: ['proposed'], to: 'declined', rule: 'series.answer', audit: 'series.decline', stale: 'That proposal has already been answered.' },
  withdraw: { from: ['proposed'], to: 'cancelled', rule: 'series.manage', audit: 'series.cancel', stale: 'That series has already ended.' },
  end: { from: ['active'], to: 'cancelled', rule: 'series.manage', audit: 'series.cancel', stale: 'That series has already ended.' },
};

/** Refuses unless the actor may fire `event` on this series now; returns its transition. */
function mayFire(ctx: RequestContext, view: SeriesView, event: Exclude<SeriesEvent, 'propose'>): Transition {
  const transition = SERIES_FLOW[event];
  switch (transition.rule) {
    case 'series.answer':
      authorize('series.answer', ctx.actor, view.school, view.partnership, view.series);
      break;
    case 'series.manage':
      authorize('series.manage', ctx.actor, view.school, view.partnership);
      break;
    case 'series.book':
      throw new Error(`${event} acts on an existing series, so it cannot be guarded by series.book`);
  }
  if (!transition.from.includes(view.series.status)) throw new Refusal(transition.stale);
  return transition;
}

/** Moves the series into the transition's status and records it. */
function enter(ctx: RequestContext, view: SeriesView, transition: Transition): void {
  ctx.services.series.setSeriesStatus(ctx.actor.tenant.id, view.series.id, transition.to, ctx.now);
  ctx.audit({ schoolId: view.school.id, action: transition.audit, subjectType: 'series', subjectId: view.series.id });
}

// ---- propose ------------------------------------------------------------------------------------

export interface BookingRequest {
  person: string;
  cadence: 'weekly' | 'biweekly';
  weekday: Series['weekday'];
  time: TypedTime;
  duration: number;
  from?: LocalDate;
}

/**
 * Proposes a series (the store creates it `proposed`) at the first of the actor's schools where
 * `series.book` allows it, unless either person already has a touch-point at one of its times.
 */
export function proposeSeries(ctx: RequestContext, args: BookingRequest): Message {
  const tenantId = ctx.actor.tenant.id;
  const me = ctx.actor.user;
  const other = ctx.people.resolve(args.person);
  if (other.id === me.id) throw new Refusal("You can't book a touch-point with yourself.");
  const otherMemberships = ctx.services.people.membershipsOf(tenantId, other.id);
  const mySchools = [...new Set(ctx.actor.memberships.map((m) => m.schoolId))].map((id) => ctx.services.people.schoolById(tenantId, id)!);
  if (mySchools.length === 0) throw new Refusal("You aren't part of a school yet. Start one with /touchpoint setup, or ask your principal to add you.");
  let school: School | undefined;
  let reason = '';
  for (const s of mySchools) {
    const d = decide(
      'series.book',
      ctx.actor,
      s,
      otherMemberships.filter((m) => m.schoolId === s.id).map((m) => m.role),
    );
    if (d.allowed) {
      school = s;
      break;
    }
    reason ||= d.reason;
  }
  if (!school) {
    const iLead = mySchools.find((s) => rolesAt(ctx.actor, s.id).some((r) => LEADER_ROLES.includes(r)));
    if (iLead && !otherMemberships.some((m) => m.schoolId === iLead.id && m.role === 'coach')) {
      throw new Refusal(`${other.displayName} is not a coach at ${iLead.name}. Add them first with /touchpoint coach add ${typedName(other)}.`);
    }
    throw new Refusal(reason);
  }
  const iLead =
    rolesAt(ctx.actor, school.id).some((r) => LEADER_ROLES.includes(r)) && otherMemberships.some((m) => m.schoolId === school.id && m.role === 'coach');
  const principal = iLead ? me : other;
  const coachUser = iLead ? other : me;
  const partnership = ctx.services.series.ensurePartnership(tenantId, school.id, principal.id, coachUser.id, ctx.now);
  const existing = ctx.services.series.liveSeriesOfPartnership(tenantId, partnership.id)[0];
  if (existing?.status === 'active') {
    // Booking someone you already meet changes the series' slot (history kept), once both agree.
    return askReschedule(
      ctx,
      { cadence: args.cadence, weekday: args.weekday, time: args.time, duration: args.duration, from: args.from },
      viewOf(ctx.services, tenantId, existing),
    );
  }
  if (existing) {
    throw new Refusal(
      `You already have a touch-point with ${other.displayName} (${describeRule(existing)}${existing.status === 'proposed' ? ', awaiting an answer' : ''}). Use move, pause or cancel to change it.`,
    );
  }
  const today = todayIn(ctx.now, school.timeZone);
  const startDate = args.from ?? today;
  if (startDate < today) throw new UsageError(`the start date ${formatLocalDate(startDate)} is in the past`);
  const time = schoolTime(ctx, school, args.time);
  const draft = { cadence: args.cadence, weekday: args.weekday, time, durationMinutes: args.duration, startDate };
  const rule = ruleOf(
    { ...draft, id: 0, partnershipId: partnership.id, status: 'proposed', pausedUntil: null, proposedBy: me.id, createdAt: ctx.now, materialisedThrough: null },
    school,
  );
  const slots = candidateSlots(rule, ctx.now);
  const clash = findClash(ctx.services, tenantId, [me, other], slots, null);
  if (clash) throw new Refusal(clashMessage(clash, me));
  const series = ctx.services.series.createSeries(tenantId, { partnershipId: partnership.id, ...draft, proposedBy: me.id }, ctx.now);
  const view = viewOf(ctx.services, tenantId, series);
  const firstAt = describeOccurrence({ startsAt: slots[0].start, endsAt: slots[0].end }, school.timeZone);
  ctx.audit({ schoolId: school.id, action: SERIES_FLOW.propose.audit, subjectType: 'series', subjectId: series.id });
  ctx.notify(other, 'booking.proposal', proposalMessage(view, me, firstAt), proposalKey(series.id));
  return proposed(other, series, firstAt, hoursWarning(school, args.weekday, time, args.duration));
}

/** The outbox key of the DM that carries a proposal to the invited person. */
export const proposalKey = (seriesId: number): string => `booking.proposal:${seriesId}`;

/**
 * The invited person cannot be reached at all: the proposal is withdrawn (nobody could answer it)
 * and the proposer is told why, and what to do.
 */
export function proposalUndeliverable(services: Services, row: OutboxRow, reason: string, now: Date): void {
  const seriesId = Number(row.dedupeKey.slice('booking.proposal:'.length));
  const series = services.series.seriesById(row.tenantId, seriesId);
  const undelivered = undeliveredTo(services, row, reason);
  if (!series || series.status !== 'proposed' || !undelivered) return;
  const proposer = services.people.userById(row.tenantId, series.proposedBy);
  services.series.setSeriesStatus(row.tenantId, series.id, 'cancelled', now);
  services.outbox.cancelPending(seriesKey(series.id));
  if (!proposer) return;
  services.outbox.enqueue(
    {
      tenantId: row.tenantId,
      recipientId: proposer.id,
      kind: 'booking.undeliverable',
      dedupeKey: `booking.undeliverable:${series.id}`,
      message: proposalNotDelivered(undelivered.person, undelivered.advice),
      dueAt: now,
    },
    now,
  );
}

// ---- accept, decline ----------------------------------------------------------------------------

/** Accepts a proposal, unless the series now clashes with another of either person's. */
export function acceptProposal(ctx: RequestContext, value: string): Message {
  const view = seriesFromValue(ctx, value);
  const transition = mayFire(ctx, view, 'accept');
  const proposer = otherPerson(view, ctx.actor.user);
  const slots = candidateSlots(ruleOf(view.series, view.school), ctx.now);
  const clash = findClash(ctx.services, ctx.actor.tenant.id, [view.principal, view.coach], slots, view.series.id);
  if (clash) throw new Refusal(`${clashMessage(clash, ctx.actor.user)} Decline, and ask ${proposer.displayName} to propose another time.`);
  enter(ctx, view, transition);
  // Answered however it was (a card in another chat, a typed command): the invitation is not sent later.
  ctx.services.outbox.cancelPendingKey(proposalKey(view.series.id));
  const active = { ...view, series: { ...view.series, status: transition.to } };
  ctx.emit('series.accepted', { seriesId: view.series.id });
  const next = nextLineOf(ctx, active);
  ctx.notify(proposer, 'booking.accepted', acceptedNotice(ctx.actor.user, view.series, next), `booking.answer:${view.series.id}`);
  return booked(proposer, view.series, next);
}

export function declineProposal(ctx: RequestContext, value: string): Message {
  const view = seriesFromValue(ctx, value);
  const transition = mayFire(ctx, view, 'decline');
  const proposer = otherPerson(view, ctx.actor.user);
  enter(ctx, view, transition);
  ctx.services.outbox.cancelPendingKey(proposalKey(view.series.id));
  ctx.notify(proposer, 'booking.declined', declinedNotice(ctx.actor.user, view.series), `booking.answer:${view.series.id}`);
  return declined(proposer);
}

// ---- cancel: withdraw a proposal, or end the series -----------------------------------------------

/** What cancel fires on a series in this status (`end` refuses a series that has already ended). */
const cancelEvent = (status: SeriesStatus): 'withdraw' | 'end' => (SERIES_FLOW.withdraw.from.includes(status) ? 'withdraw' : 'end');

/** The cancel command asks first, about the series it would withdraw or end. */
export function askToCancel(ctx: RequestContext, withPerson: string | undefined): Message {
  const view = manageable(ctx, withPerson, [...SERIES_FLOW.end.from, ...SERIES_FLOW.withdraw.from]);
  return cancelQuestion(view, otherPerson(view, ctx.actor.user));
}

/** The confirmation: the series' future touch-points and pending reminders go; past ones and notes stay. */
export function confirmCancel(ctx: RequestContext, value: string): Message {
  const tenantId = ctx.actor.tenant.id;
  const view = seriesFromValue(ctx, value);
  const event = cancelEvent(view.series.status);
  enter(ctx, view, mayFire(ctx, view, event));
  for (const o of ctx.services.series.occurrencesOfSeries(tenantId, view.series.id, ctx.now, 1000)) {
    if (o.startsAt > ctx.now && o.status !== 'held' && o.status !== 'missed')
      ctx.services.series.updateOccurrence(tenantId, o.id, { status: 'cancelled' }, ctx.actor.user.id, ctx.now);
  }
  ctx.services.outbox.cancelPending(seriesKey(view.series.id));
  ctx.services.outbox.cancelPendingKey(proposalKey(view.series.id));
  const other = otherPerson(view, ctx.actor.user);
  ctx.notify(other, 'booking.cancelled', cancelledNotice(ctx.actor.user, view.series, event), `booking.cancel:${view.series.id}`);
  return cancelled(other, event);
}
