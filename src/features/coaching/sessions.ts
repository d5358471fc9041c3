/**
 * The coaching-session loop: when a coach accepts a request with a date and a time, the teacher
 * gets Confirm / Suggest another time; a suggestion goes back to the other side with the same two
 * buttons, until one of them confirms. A confirmed session is in both people's `next`, the
 * teacher's `/coaching status`, Home and both calendar feeds — always titled "Coaching session",
 * never the topic — with a reminder before it. Who may see or answer one is core/policy/coaching.ts;
 * a principal never learns of a session in any form.
 */
import type { RequestContext, Services } from '../../core/context';
import type { Actor, School, User } from '../../core/model';
import { Refusal, UsageError } from '../../core/errors';
import { authorize, decide, type CoachingSessionFacts } from '../../core/policy';
import { localToUtc, toLocal, todayIn, type LocalDate, type TypedTime } from '../../core/datetime';
import type { CoachingRequest, CoachingSession, OutboxRow } from '../../core/ports';
import type { Message } from '../../messages/model';
import { schoolTime } from '../booking/when';
import { planSessionFollowUp, requestKey } from './reminders';
import { SESSION_TITLE, confirmedReply, confirmedToOther, describeSession, sessionReminder, suggestedReply, suggestedToOther } from './session-messages';

/** How long a session is (the proposal names a start; the calendar needs an end). */
export const SESSION_MINUTES = 30;
export const SESSION_REMINDER_KIND = 'coaching.session.reminder';
/** How long before a confirmed session its reminder goes to both. */
const REMINDER_LEAD_MS = 60 * 60_000;

/** A session's dedupe keys sit under its request's, so withdrawing or erasing the request reaches them. */
const sessionKey = (requestId: number, sessionId: number): string => `${requestKey(requestId)}s${sessionId}:`;

export const sessionFacts = (r: CoachingRequest, s: CoachingSession): CoachingSessionFacts => ({
  schoolId: r.schoolId,
  teacherId: r.teacherId,
  coachId: r.coachId,
  proposedBy: s.proposedBy,
});

/** The instant a typed date and time name in the school's day; refused when it has passed. */
export function sessionStart(ctx: RequestContext, school: School, date: LocalDate, time: TypedTime): Date {
  const startsAt = localToUtc(date, schoolTime(ctx, school, time), school.timeZone);
  if (startsAt <= ctx.now) throw new UsageError('that time has already passed', date < todayIn(ctx.now, school.timeZone) ? 'date' : 'time');
  return startsAt;
}

/** The coach's proposal made with the acceptance: the session the teacher is asked to confirm. */
export function proposeWithAcceptance(ctx: RequestContext, r: CoachingRequest, startsAt: Date): CoachingSession {
  return ctx.services.coaching.proposeSession(
    ctx.actor.tenant.id,
    { requestId: r.id, startsAt, minutes: SESSION_MINUTES, proposedBy: ctx.actor.user.id },
    ctx.now,
  );
}

interface Loaded {
  session: CoachingSession;
  request: CoachingRequest;
  school: School;
  other: User;
}

/** The session a button names, once the rule lets the actor at it; the same line whatever the reason it cannot be seen. */
function load(ctx: RequestContext, value: string, rule: 'coaching.session.see' | 'coaching.session.answer'): Loaded {
  const tenantId = ctx.actor.tenant.id;
  const id = Number(value);
  const session = Number.isInteger(id) && id > 0 ? ctx.services.coaching.sessionById(tenantId, id) : undefined;
  const request = session && ctx.services.coaching.byId(tenantId, session.requestId);
  const school = request && ctx.services.people.schoolById(tenantId, request.schoolId);
  if (!session || !request || !school) throw new Refusal('There is no such coaching session you can see.');
  authorize(rule, ctx.actor, school, sessionFacts(request, session));
  const otherId = ctx.actor.user.id === request.teacherId ? request.coachId : request.teacherId;
  const other = otherId !== null ? ctx.services.people.userById(tenantId, otherId) : undefined;
  if (!other) throw new Refusal('There is no such coaching session you can see.');
  return { session, request, school, other };
}

/** Why the session cannot be answered as it stands, or undefined. */
function notAnswerable(ctx: RequestContext, { session, request, school }: Loaded, confirming: boolean): string | undefined {
  if (request.status !== 'accepted') return `Request #${request.id} is no longer accepted: there is no session to arrange.`;
  if (session.status === 'superseded') return 'Another time was suggested since: answer that one.';
  if (session.status === 'cancelled') return 'That session was cancelled.';
  if (confirming && session.status === 'confirmed') return `Already confirmed: ${describeSession(session, school.timeZone)}.`;
  if (confirming && session.startsAt <= ctx.now) return 'That time has passed: suggest another time.';
  return undefined;
}

/** Confirm: the session is on; the other side is told, the reminders planned, the coach asked to mark it done after it. */
export function confirmSession(ctx: RequestContext, value: string): Message {
  const loaded = load(ctx, value, 'coaching.session.answer');
  const why = notAnswerable(ctx, loaded, true);
  if (why) throw new Refusal(why);
  const { session, request, school, other } = loaded;
  const tenantId = ctx.actor.tenant.id;
  const confirmed = ctx.services.coaching.setSessionStatus(tenantId, session.id, 'confirmed', ctx.now);
  // The "mark it done" prompt follows the session's date.
  const dated = ctx.services.coaching.setSessionDate(tenantId, request.id, toLocal(session.startsAt, school.timeZone).date, ctx.now);
  ctx.services.outbox.cancelPending(`${requestKey(request.id)}session:`);
  planSessionFollowUp(ctx.services, tenantId, dated, school, ctx.now);
  const when = describeSession(confirmed, school.timeZone);
  ctx.notify(other, 'coaching.session.confirmed', confirmedToOther(ctx.actor.user, when), `${sessionKey(request.id, session.id)}confirmed`);
  const remindAt = new Date(session.startsAt.getTime() - REMINDER_LEAD_MS);
  if (remindAt > ctx.now) {
    for (const person of [ctx.actor.user, other]) {
      ctx.schedule(person, SESSION_REMINDER_KIND, { sessionId: session.id }, `${sessionKey(request.id, session.id)}remind:u${person.id}`, remindAt);
    }
  }
  ctx.audit({ schoolId: school.id, action: 'coaching.session.confirm', subjectType: 'coaching_session', subjectId: session.id });
  return confirmedReply(when, other);
}

/** "Suggest another time" opens the form: the session as it stands and the other person. */
export function sessionToAnswer(ctx: RequestContext, value: string): Loaded & { when: string } {
  const loaded = load(ctx, value, 'coaching.session.see');
  // Waiting on the actor: the other side proposed it. Confirmed: either of the two may move it.
  if (loaded.session.status === 'proposed') authorize('coaching.session.answer', ctx.actor, loaded.school, sessionFacts(loaded.request, loaded.session));
  const why = notAnswerable(ctx, loaded, false);
  if (why) throw new Refusal(why);
  return { ...loaded, when: describeSession(loaded.session, loaded.school.timeZone) };
}

/** Another time: it replaces the one answered; the other side gets Confirm / Suggest another time. */
export function suggestTime(ctx: RequestContext, value: string, date: LocalDate, time: TypedTime): Message {
  const { session, request, school, other } = sessionToAnswer(ctx, value);
  const tenantId = ctx.actor.tenant.id;
  const startsAt = sessionStart(ctx, school, date, time);
  if (session.status === 'confirmed') {
    ctx.services.coaching.setSessionStatus(tenantId, session.id, 'superseded', ctx.now);
    ctx.services.outbox.cancelPending(sessionKey(request.id, session.id));
  }
  const next = ctx.services.coaching.proposeSession(
    tenantId,
    { requestId: request.id, startsAt, minutes: session.minutes, proposedBy: ctx.actor.user.id },
    ctx.now,
  );
  const when = describeSession(next, school.timeZone);
  ctx.notify(other, 'coaching.session.suggested', suggestedToOther(next, ctx.actor.user, when, request.id), `${sessionKey(request.id, next.id)}suggested`);
  return suggestedReply(when, other);
}

/** A person's confirmed sessions still to come (or running), as `next`, status and Home list them. */
export function upcomingSessions(services: Services, actor: Actor, now: Date): { when: string; withName: string; startsAt: Date; asTeacher: boolean }[] {
  const tenantId = actor.tenant.id;
  return services.coaching.confirmedSessionsOfUser(tenantId, actor.user.id, now).flatMap(({ session, request }) => {
    const school = services.people.schoolById(tenantId, request.schoolId);
    if (!school || !decide('coaching.session.see', actor, school, sessionFacts(request, session)).allowed) return [];
    const otherId = actor.user.id === request.teacherId ? request.coachId : request.teacherId;
    const other = otherId !== null ? services.people.userById(tenantId, otherId) : undefined;
    const asTeacher = actor.user.id === request.teacherId;
    return [
      {
        when: describeSession(session, school.timeZone),
        withName: other?.displayName ?? (asTeacher ? 'your coach' : 'a teacher'),
        startsAt: session.startsAt,
        asTeacher,
      },
    ];
  });
}

/** Times the coach proposed on the teacher's accepted requests that wait for the teacher's answer (status shows them again, with the buttons). */
export function awaitingTeacher(services: Services, actor: Actor): { session: CoachingSession; when: string; coachName: string }[] {
  const tenantId = actor.tenant.id;
  return services.coaching
    .ofTeacher(tenantId, actor.user.id)
    .filter((r) => r.status === 'accepted')
    .flatMap((request) => {
      const session = services.coaching.sessionsOfRequest(tenantId, request.id).find((s) => s.status === 'proposed');
      const school = services.people.schoolById(tenantId, request.schoolId);
      if (!session || !school || !decide('coaching.session.answer', actor, school, sessionFacts(request, session)).allowed) return [];
      const coach = request.coachId !== null ? services.people.userById(tenantId, request.coachId) : undefined;
      return [{ session, when: describeSession(session, school.timeZone), coachName: coach?.displayName ?? 'your coach' }];
    });
}

/** The reminder before a confirmed session, composed when sent: dropped when it moved, was cancelled or is no longer theirs. */
export function composeSessionReminder(services: Services, row: OutboxRow): Message | null {
  const session = services.coaching.sessionById(row.tenantId, Number(row.compose?.sessionId));
  const request = session && services.coaching.byId(row.tenantId, session.requestId);
  const school = request && services.people.schoolById(row.tenantId, request.schoolId);
  const reader = services.people.userById(row.tenantId, row.recipientId);
  const tenant = services.people.tenantById(row.tenantId);
  if (!session || !request || !school || !reader || !tenant || session.status !== 'confirmed' || request.status !== 'accepted') return null;
  const actor: Actor = { user: reader, tenant, memberships: services.people.membershipsOf(row.tenantId, reader.id) };
  if (!decide('coaching.session.see', actor, school, sessionFacts(request, session)).allowed) return null;
  const otherId = reader.id === request.teacherId ? request.coachId : request.teacherId;
  const other = otherId !== null ? services.people.userById(row.tenantId, otherId) : undefined;
  return other ? sessionReminder(other, describeSession(session, school.timeZone)) : null;
}

/** How far back a feed keeps confirmed sessions. */
const FEED_LOOK_BACK_MS = 30 * 86_400_000;

/**
 * A person's confirmed sessions as calendar events: titled only "Coaching session", with no
 * description — a feed is synced to other services, and a principal may see a coach's calendar.
 */
export function sessionFeedEvents(
  services: Services,
  owner: Actor,
  now: Date,
): { uid: string; summary: string; startsAt: Date; endsAt: Date; timeZone: string }[] {
  const tenantId = owner.tenant.id;
  return services.coaching.confirmedSessionsOfUser(tenantId, owner.user.id, new Date(now.getTime() - FEED_LOOK_BACK_MS)).flatMap(({ session, request }) => {
    const school = services.people.schoolById(tenantId, request.schoolId);
    if (!school || !decide('coaching.session.see', owner, school, sessionFacts(request, session)).allowed) return [];
    return [
      {
        uid: `touchpoint-${tenantId}-coaching-session-${session.id}@touchpoint`,
        summary: SESSION_TITLE,
        startsAt: session.startsAt,
        endsAt: new Date(session.startsAt.getTime() + session.minutes * 60_000),
        timeZone: school.timeZone,
      },
    ];
  });
}
