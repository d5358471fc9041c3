/**
 * Coaching reminders: the nudge to a school's coaches when a request has waited 2 school days
 * unanswered (never to a principal), and the "mark it done" prompt after a proposed session.
 * Both are planned through the outbox and composed at send time, so a request answered or
 * withdrawn in the meantime drops them.
 */
import type { Services } from '../../core/context';
import type { Actor, School } from '../../core/model';
import { decide } from '../../core/policy';
import { formatLocalDate, localToUtc, minutesOfDay, timeFromMinutes, toLocal, todayIn, type LocalDate } from '../../core/datetime';
import type { Message } from '../../messages/model';
import { closureOn, isOpenAt, openDays, placeOnSchoolDay, schoolDaysAfter, type OpenDays } from '../../core/school-calendar';
import type { CoachingRequest, OutboxRow } from '../../core/ports';
import { nudgeMessage, sessionDoneMessage } from './messages';
import { facts } from './lifecycle';
import { coachesFor } from './service';

export const COACHING_KINDS = { nudge: 'coaching.nudge', session: 'coaching.session' } as const;

/** True for the outbox kinds `composeCoachingReminder` builds (the dispatcher routes them here). */
export function isCoachingReminder(kind: string): boolean {
  return kind === COACHING_KINDS.nudge || kind === COACHING_KINDS.session;
}

/** Dedupe keys of a request's rows start with this, so withdrawing or erasing it reaches them all. */
export const requestKey = (requestId: number): string => `coaching:r${requestId}:`;

const EMPTY: Message = { text: '', blocks: [] };

/**
 * When an unanswered request's nudge is due: on the second school day (weekday, not a closure)
 * after it was sent, at the time it was sent, kept within the school day.
 */
export function nudgeDueAt(services: Services, tenantId: number, school: School, submittedAt: Date): Date {
  const closures = services.calendar.closuresOfSchool(tenantId, school.id);
  const sent = toLocal(submittedAt, school.timeZone);
  const date: LocalDate = schoolDaysAfter(sent.date, 2, (d) => closureOn(closures, d) !== undefined);
  const minutes = Math.min(Math.max(minutesOfDay(sent.time), minutesOfDay(school.dayStart)), minutesOfDay(school.dayEnd));
  return localToUtc(date, timeFromMinutes(minutes), school.timeZone);
}

/** The nudge for each current coach of the school (idempotent: one row per request and coach). */
export function planNudges(services: Services, tenantId: number, request: CoachingRequest, school: School, now: Date): void {
  if (request.status !== 'open' || request.firstAnsweredAt !== null || request.submittedAt === null) return;
  const dueAt = nudgeDueAt(services, tenantId, school, request.submittedAt);
  for (const coach of coachesFor(services, tenantId, school, request.teacherId)) {
    services.outbox.plan(
      {
        tenantId,
        recipientId: coach.id,
        kind: COACHING_KINDS.nudge,
        dedupeKey: `${requestKey(request.id)}nudge:u${coach.id}`,
        message: EMPTY,
        compose: { requestId: request.id },
        dueAt,
      },
      now,
    );
  }
}

const openDaysOfSchool = (services: Services, tenantId: number, school: School): OpenDays =>
  openDays(school.timeZone, services.calendar.closuresOfSchool(tenantId, school.id));

/** A school's calendar changed: the nudges of its waiting requests, and its session follow-ups still to come, are planned again on its open days. */
export function replanCoachingOfSchool(services: Services, tenantId: number, schoolId: number, now: Date): void {
  const school = services.people.schoolById(tenantId, schoolId);
  if (!school) return;
  for (const waiting of services.coaching.allAwaitingFirstAnswer()) {
    if (waiting.tenantId !== tenantId || waiting.request.schoolId !== schoolId) continue;
    services.outbox.cancelPending(`${requestKey(waiting.request.id)}nudge:`);
    planNudges(services, tenantId, waiting.request, school, now);
  }
  // A session follow-up still to be sent goes to the open day its session date now falls on or after.
  for (const request of services.coaching.liveOfSchool(tenantId, schoolId)) {
    if (request.sessionDate === null) continue;
    const key = `${requestKey(request.id)}session:${request.sessionDate}`;
    if (services.outbox.byDedupeKey(key)?.status !== 'pending') continue;
    services.outbox.cancelPendingKey(key);
    planSessionFollowUp(services, tenantId, request, school, now);
  }
}

/** After an accepted request's session date (the next open day when it is not one): ask the coach who took it up to mark it done. */
export function planSessionFollowUp(services: Services, tenantId: number, request: CoachingRequest, school: School, now: Date): void {
  if (request.sessionDate === null || request.coachId === null) return;
  const dueAt = placeOnSchoolDay(openDaysOfSchool(services, tenantId, school), localToUtc(request.sessionDate, school.dayEnd, school.timeZone), 'later');
  if (!dueAt) return;
  services.outbox.plan(
    {
      tenantId,
      recipientId: request.coachId,
      kind: COACHING_KINDS.session,
      dedupeKey: `${requestKey(request.id)}session:${request.sessionDate}`,
      message: EMPTY,
      compose: { requestId: request.id },
      dueAt,
    },
    now,
  );
}

const DRAFT_KEPT_MS = 86_400_000;

/** Scheduler planner: nudges for requests still waiting (covers coaches added after the request was sent); old drafts go. */
export function planCoachingReminders(services: Services, now: Date): void {
  services.coaching.deleteDraftsBefore(new Date(now.getTime() - DRAFT_KEPT_MS));
  for (const { tenantId, request } of services.coaching.allAwaitingFirstAnswer()) {
    const school = services.people.schoolById(tenantId, request.schoolId);
    if (school) planNudges(services, tenantId, request, school, now);
  }
}

/** Builds a coaching reminder at send time, or null when it is no longer wanted (answered, withdrawn, erased, no longer a coach). */
export function composeCoachingReminder(services: Services, row: OutboxRow, now: Date): Message | null {
  const request = services.coaching.byId(row.tenantId, Number(row.compose?.requestId));
  const school = request && services.people.schoolById(row.tenantId, request.schoolId);
  const recipient = services.people.userById(row.tenantId, row.recipientId);
  const tenant = services.people.tenantById(row.tenantId);
  if (!request || !school || !recipient || !tenant) return null;
  // Never sent on a closed day or a weekend, even should it fall due on one.
  if (!isOpenAt(openDaysOfSchool(services, row.tenantId, school), now)) return null;
  // The recipient reads the request only if the policy still lets them answer it.
  const actor: Actor = { user: recipient, tenant, memberships: services.people.membershipsOf(row.tenantId, recipient.id) };
  if (!decide('coaching.answer', actor, school, facts(request)).allowed) return null;
  const teacher = services.people.userById(row.tenantId, request.teacherId);
  if (!teacher) return null;
  if (row.kind === COACHING_KINDS.nudge) {
    if (request.status !== 'open' || request.firstAnsweredAt !== null) return null;
    return nudgeMessage(request, teacher);
  }
  if (row.kind === COACHING_KINDS.session) {
    if (request.status !== 'accepted' || request.coachId !== recipient.id) return null;
    const on = request.sessionDate ? formatLocalDate(request.sessionDate) : formatLocalDate(todayIn(now, school.timeZone));
    return sessionDoneMessage(request, teacher, on);
  }
  return null;
}
