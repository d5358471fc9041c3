/**
 * Reminder planning (DESIGN.md §5) and the composing of each reminder at the moment it is sent.
 * Planning is idempotent: every row has a dedupe key holding the occurrence and its due
 * instant, so re-planning a moved meeting makes new rows and re-planning an unchanged one
 * changes nothing. A composer returns null when the reminder is no longer wanted (muted,
 * already answered, the meeting no longer on).
 */
import type { Services } from '../../core/context';
import type { Contributions } from '../../core/registry';
import type { Message } from '../../messages/model';
import { localToUtc, addDays, toLocal, type LocalDate } from '../../core/datetime';
import type { School } from '../../core/model';
import type { ActionItem, OutboxRow, PlanTarget } from '../../core/ports';
import {
  isOpenAt,
  nearestOpenDate,
  occurrenceKey,
  openDays,
  placeOnSchoolDay,
  schoolDaysBefore,
  withinSchoolHours,
  type OpenDays,
} from '../../core/school-calendar';
import { describeOccurrence, otherPerson, upcoming, viewOf, type SeriesView } from '../booking/service';
import { compileAgenda, isFirstOfQuarter } from './service';
import { replanCoachingOfSchool } from '../coaching/reminders';
import { replanEscalationsOfSchool } from '../escalation/reminders';
import { actionDueMessage, driftMessage, outcomeQuestion, promptMessage } from './reminder-messages';

export const REMINDER_KINDS = {
  prompt: 'agenda.prompt',
  compiled: 'agenda.compiled',
  outcome: 'meeting.outcome',
  drift: 'agenda.drift',
  actionDue: 'action.due',
} as const;

/** Kinds a person may mute for themselves (`settings mute <word>`); the compiled agenda and urgent escalations cannot be muted. */
export const MUTABLE: Record<string, string> = {
  prompt: REMINDER_KINDS.prompt,
  notes: REMINDER_KINDS.outcome,
  drift: REMINDER_KINDS.drift,
  'action-items': REMINDER_KINDS.actionDue,
};

const MINUTE = 60_000;
/**
 * How far ahead meetings are planned: far enough that a prompt counted back over a long break
 * (5 school days before a meeting after two weeks off) is planned before its moment, not after.
 */
export const PLAN_AHEAD_MS = 35 * 86_400_000;
/** How far back the planner looks for changed occurrences (missed, skipped) to check for drift. */
const LOOK_BACK_MS = 14 * 86_400_000;

/** Plans the reminders of occurrences not yet planned (after taking in schools whose calendar changed), of one workspace or all; returns how many occurrences it visited. */
export function planReminders(services: Services, now: Date, limit = 5000, tenantId?: number): number {
  const { agenda, outbox } = services;
  return services.transaction(() => {
    replanChangedSchools(services, now, tenantId);
    const targets = agenda.toPlan(new Date(now.getTime() - LOOK_BACK_MS), new Date(now.getTime() + PLAN_AHEAD_MS), limit, tenantId);
    for (const t of targets) {
      if (t.status === 'scheduled') planMeeting(services, t, now);
      else {
        outbox.cancelPending(occurrenceKey(t.seriesId, t.occurrenceId));
        if (t.status === 'skipped' || t.status === 'missed') planDrift(services, t, now);
      }
      agenda.markPlanned(t.occurrenceId, now);
    }
    return targets.length;
  });
}

/**
 * Schools whose closures, pauses, roles, hours or settings changed (the database notes them in the
 * transaction of the change): their meetings' future reminders are planned again, and so are the
 * due-date reminders of their open action items and their coaching nudges.
 */
function replanChangedSchools(services: Services, now: Date, onlyTenant?: number): void {
  const { agenda, series } = services;
  for (const { tenantId, schoolId } of agenda.replansWaiting(500, onlyTenant)) {
    const partnerships = new Set(series.activeSeriesOfSchool(tenantId, schoolId).map((s) => s.partnershipId));
    for (const partnershipId of partnerships) {
      agenda.resetPlanning(tenantId, partnershipId, now);
      for (const action of agenda.openActions(tenantId, partnershipId)) planActionDue(services, tenantId, action, now);
    }
    replanCoachingOfSchool(services, tenantId, schoolId, now);
    replanEscalationsOfSchool(services, tenantId, schoolId, now);
    agenda.replanDone(schoolId);
  }
}

/** The days a partnership's reminders may go out on: its school's open days, outside the series' pause. */
export function openDaysOf(services: Services, tenantId: number, schoolId: number, timeZone: string, pausedUntil: LocalDate | null): OpenDays {
  return openDays(timeZone, services.calendar.closuresOfSchool(tenantId, schoolId), pausedUntil);
}

const pauseOf = (services: Services, tenantId: number, seriesId: number): LocalDate | null =>
  services.series.seriesById(tenantId, seriesId)?.pausedUntil ?? null;

/**
 * When a meeting's agenda prompt is due: N school days before the day it takes place (a moved
 * meeting's prompt moves with it), at the partnership's prompt time.
 */
export function promptInstant(services: Services, m: { tenantId: number; partnershipId: number; schoolId: number; timeZone: string; startsAt: Date }): Date {
  const settings = services.agenda.settings(m.tenantId, m.partnershipId);
  const days = openDaysOf(services, m.tenantId, m.schoolId, m.timeZone, null);
  const meetingDate = toLocal(m.startsAt, m.timeZone).date;
  const promptDate = schoolDaysBefore(meetingDate, settings.promptLeadDays, (d) => !days.isOpen(d));
  return localToUtc(promptDate, settings.promptTime, m.timeZone);
}

/**
 * The prompt's moment as planned: its instant, or — planned after that moment passed (booked late,
 * a closure came in between) or falling in the series' pause — now when today is open, else the
 * next open day at the prompt time. Null when that would not come before `until` (the compiled agenda).
 */
function promptPlanned(services: Services, t: PlanTarget, days: OpenDays, until: Date, now: Date): Date | null {
  const at = promptInstant(services, t);
  let planned = at;
  if (at < now || !isOpenAt(days, at)) {
    const today = toLocal(now, t.timeZone).date;
    const from = at < now ? today : toLocal(at, t.timeZone).date;
    const next = nearestOpenDate(days, from, 'later');
    planned = next === today ? now : next ? localToUtc(next, services.agenda.settings(t.tenantId, t.partnershipId).promptTime, t.timeZone) : until;
  }
  return planned < until ? planned : null;
}

function planMeeting(services: Services, t: PlanTarget, now: Date): void {
  const { agenda, outbox } = services;
  const settings = agenda.settings(t.tenantId, t.partnershipId);
  const days = openDaysOf(services, t.tenantId, t.schoolId, t.timeZone, pauseOf(services, t.tenantId, t.seriesId));
  // Re-planning: what is still pending is withdrawn and planned again at its new moment (revived
  // under the same key); what was sent stays sent.
  outbox.cancelPending(occurrenceKey(t.seriesId, t.occurrenceId));
  const agendaAt = placeOnSchoolDay(days, new Date(t.startsAt.getTime() - settings.agendaLeadMinutes * MINUTE), 'earlier');
  const promptAt = promptPlanned(services, t, days, agendaAt ?? t.startsAt, now);
  const outcomeAt = placeOnSchoolDay(days, new Date(t.endsAt.getTime() + settings.notesDelayMinutes * MINUTE), 'later');
  // Keyed by the meeting's start, not the reminder's due time: a changed setting re-plans the same
  // rows (a sent one is never sent again), while a moved meeting gets reminders of its own.
  const key = `${occurrenceKey(t.seriesId, t.occurrenceId)}${t.startsAt.getTime()}:`;
  const args = { occurrenceId: t.occurrenceId };
  for (const userId of [t.principalId, t.coachId]) {
    const base = { tenantId: t.tenantId, recipientId: userId, message: { text: '', blocks: [] }, compose: args };
    if (promptAt) {
      outbox.plan({ ...base, kind: REMINDER_KINDS.prompt, dedupeKey: `${key}prompt:u${userId}`, dueAt: promptAt, expiresAt: agendaAt ?? t.startsAt }, now);
    }
    if (agendaAt) outbox.plan({ ...base, kind: REMINDER_KINDS.compiled, dedupeKey: `${key}agenda:u${userId}`, dueAt: agendaAt, expiresAt: t.startsAt }, now);
    if (outcomeAt) {
      const expiresAt = new Date(outcomeAt.getTime() + 3 * 86_400_000);
      outbox.plan({ ...base, kind: REMINDER_KINDS.outcome, dedupeKey: `${key}outcome:u${userId}`, dueAt: outcomeAt, expiresAt }, now);
    }
  }
}

/** The two latest meetings that took place or should have (held, missed, skipped), newest first, as of one meeting. */
function lapsedPair(services: Services, tenantId: number, seriesId: number, occurrence: { id: number; startsAt: Date }): boolean {
  const seq = services.agenda
    .pastOccurrences(tenantId, seriesId, occurrence.startsAt, 20)
    .filter((o) => o.status === 'held' || o.status === 'missed' || o.status === 'skipped');
  const lapsed = (s: string): boolean => s === 'missed' || s === 'skipped';
  return seq.length >= 2 && seq[0].id === occurrence.id && lapsed(seq[0].status) && lapsed(seq[1].status);
}

/**
 * Two missed or skipped touch-points in a row → "protect this time", once per run. It speaks of
 * meetings that did not happen, so it comes once the second one's time is over, within school
 * hours of an open day.
 */
function planDrift(services: Services, t: PlanTarget, now: Date): void {
  if (!lapsedPair(services, t.tenantId, t.seriesId, { id: t.occurrenceId, startsAt: t.startsAt })) return;
  const school = services.people.schoolById(t.tenantId, t.schoolId);
  if (!school) return;
  const days = openDaysOf(services, t.tenantId, t.schoolId, t.timeZone, pauseOf(services, t.tenantId, t.seriesId));
  const dueAt = withinSchoolHours(days, t.endsAt > now ? t.endsAt : now, school.dayStart, school.dayEnd);
  for (const userId of [t.principalId, t.coachId]) {
    services.outbox.plan(
      {
        tenantId: t.tenantId,
        recipientId: userId,
        kind: REMINDER_KINDS.drift,
        dedupeKey: `${occurrenceKey(t.seriesId, t.occurrenceId)}drift:u${userId}`,
        message: { text: '', blocks: [] },
        compose: { seriesId: t.seriesId, occurrenceId: t.occurrenceId },
        dueAt,
      },
      now,
    );
  }
}

/** Plans the due-date reminder of an action item: its owner, the morning of the due date. */
export function planActionReminder(
  services: Services,
  tenantId: number,
  view: SeriesView,
  actionId: number,
  ownerId: number,
  dueDate: LocalDate,
  now: Date,
): void {
  planActionDue(services, tenantId, { id: actionId, partnershipId: view.partnership.id, ownerId, dueDate }, now);
}

/** Where an action item's partnership is: its school, time zone and open days. */
function actionPlace(services: Services, tenantId: number, partnershipId: number): { school: School; days: OpenDays } | undefined {
  const partnership = services.series.partnershipById(tenantId, partnershipId);
  const school = partnership && services.people.schoolById(tenantId, partnership.schoolId);
  if (!school) return undefined;
  const pausedUntil = services.series.liveSeriesOfPartnership(tenantId, partnershipId).find((s) => s.pausedUntil !== null)?.pausedUntil ?? null;
  return { school, days: openDaysOf(services, tenantId, school.id, school.timeZone, pausedUntil) };
}

type ActionDue = Pick<ActionItem, 'id' | 'partnershipId' | 'ownerId' | 'dueDate'>;
/** Before owners could change, the key held the item and its due date only. */
const ownerlessKey = (a: ActionDue): string => `action:${a.id}:due:${a.dueDate}`;
const actionDueKey = (a: ActionDue): string => `${ownerlessKey(a)}:u${a.ownerId}`;

/** Withdraws an action item's due-date reminder still to come (it is re-dated, reassigned). */
export function cancelActionDue(services: Services, a: ActionDue): void {
  services.outbox.cancelPendingKey(ownerlessKey(a));
  services.outbox.cancelPendingKey(actionDueKey(a));
}

/**
 * The morning of the due date at the prompt time, or — the school closed that day, a weekend, a
 * pause — the next open day's. Planned again (the same key) whenever the school's calendar changes,
 * and under a new key when its due date or owner changes.
 */
export function planActionDue(services: Services, tenantId: number, a: ActionDue, now: Date): void {
  const place = actionPlace(services, tenantId, a.partnershipId);
  if (!place) return;
  const settings = services.agenda.settings(tenantId, a.partnershipId);
  const key = actionDueKey(a);
  cancelActionDue(services, a);
  const before = services.outbox.byDedupeKey(ownerlessKey(a));
  if (before?.status === 'sent' && before.recipientId === a.ownerId) return; // already reminded under the old key
  const dueAt = placeOnSchoolDay(place.days, localToUtc(a.dueDate, settings.promptTime, place.school.timeZone), 'later');
  if (!dueAt) return;
  const endOfDay = localToUtc(addDays(toLocal(dueAt, place.school.timeZone).date, 1), '00:00', place.school.timeZone);
  services.outbox.plan(
    {
      tenantId,
      recipientId: a.ownerId,
      kind: REMINDER_KINDS.actionDue,
      dedupeKey: key,
      message: { text: '', blocks: [] },
      compose: { actionId: a.id },
      dueAt,
      expiresAt: endOfDay,
    },
    now,
  );
}

function muted(services: Services, row: OutboxRow, partnershipId: number): boolean {
  return services.agenda.mutes(row.tenantId, row.recipientId, partnershipId).some((k) => MUTABLE[k] === row.kind);
}

/** Builds a reminder's message at send time, or null when it is no longer wanted. */
export function composeReminder(services: Services, row: OutboxRow, now: Date, contributions: Contributions): Message | null {
  const { agenda } = services;
  const args = row.compose ?? {};
  const viewer = services.people.userById(row.tenantId, row.recipientId);
  if (!viewer) return null;
  if (row.kind === REMINDER_KINDS.actionDue) {
    const action = agenda.actionById(row.tenantId, Number(args.actionId));
    if (!action || action.status !== 'open' || action.ownerId !== row.recipientId) return null;
    if (muted(services, row, action.partnershipId)) return null;
    const place = actionPlace(services, row.tenantId, action.partnershipId);
    // Never sent on a closed day, a weekend or in a pause, even should it fall due on one.
    if (!place || !isOpenAt(place.days, now)) return null;
    return actionDueMessage(action, toLocal(now, place.school.timeZone).date);
  }
  const occurrence = services.series.occurrenceById(row.tenantId, Number(args.occurrenceId));
  if (!occurrence) return null;
  const series = services.series.seriesById(row.tenantId, occurrence.seriesId);
  if (!series) return null;
  const view = viewOf(services, row.tenantId, series);
  if (muted(services, row, view.partnership.id)) return null;
  if (!isOpenAt(openDaysOf(services, row.tenantId, view.school.id, view.school.timeZone, series.pausedUntil), now)) return null;
  const other = otherPerson(view, viewer);
  const when = describeOccurrence(occurrence, view.school.timeZone);
  switch (row.kind) {
    case REMINDER_KINDS.prompt: {
      if (occurrence.status !== 'scheduled' || series.status !== 'active') return null;
      if (agenda.passes(occurrence.id).includes(viewer.id)) return null;
      const compiled = compileAgenda(services, contributions, { tenantId: row.tenantId, view, occurrence, viewer, now });
      return promptMessage(other.displayName, when, occurrence.id, compiled);
    }
    case REMINDER_KINDS.compiled: {
      if (occurrence.status !== 'scheduled' || series.status !== 'active') return null;
      const earlier = agenda
        .pastOccurrences(row.tenantId, series.id, new Date(occurrence.startsAt.getTime() - 1), 30)
        .filter((o) => o.status === 'held' || o.status === 'scheduled' || o.status === 'missed')
        .map((o) => o.originalDate);
      return compileAgenda(
        services,
        contributions,
        { tenantId: row.tenantId, view, occurrence, viewer, now },
        { withAgreement: isFirstOfQuarter(occurrence.originalDate, earlier) },
      );
    }
    case REMINDER_KINDS.outcome: {
      if (occurrence.status !== 'scheduled' || agenda.outcomeOf(occurrence.id)) return null;
      return outcomeQuestion(view, occurrence.id, when, other.displayName);
    }
    case REMINDER_KINDS.drift: {
      // Only about meetings that did not happen: both still lapsed, the later one's time over.
      if (series.status !== 'active' || occurrence.endsAt > now || !lapsedPair(services, row.tenantId, series.id, occurrence)) return null;
      const next = upcoming(services, row.tenantId, view, now, 1)[0];
      return driftMessage(other.displayName, series, next ? describeOccurrence(next, view.school.timeZone) : undefined);
    }
    default:
      return null;
  }
}
