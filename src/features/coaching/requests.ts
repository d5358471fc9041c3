/**
 * A coaching request's steps, as use cases: the teacher drafts, reviews and sends it; a coach
 * accepts, asks or declines; the teacher replies; the coach marks it done and the teacher says
 * whether it helped; the teacher may withdraw it. Which step fits which request, and who fires
 * it, is the table in lifecycle.ts. Nothing here is ever sent to a principal.
 */
import type { RequestContext } from '../../core/context';
import type { School, User } from '../../core/model';
import { Refusal, UsageError } from '../../core/errors';
import { authorize, hasRole } from '../../core/policy';
import { formatLocalDate, todayIn, type LocalDate, type TypedTime } from '../../core/datetime';
import { HELPFUL, type CoachingRequest, type Format, type Helpful, type Topic } from '../../core/ports';
import { LIFECYCLE, requestFor } from './lifecycle';
import { HELPFUL_LABELS } from './labels';
import { coachesFor, coachesToTell, officeHourChoices, requestSchools, teacherOf, userOf } from './service';
import {
  acceptedMessage,
  coachRequestMessage,
  declinedMessage,
  helpfulFeedback,
  helpfulQuestion,
  questionMessage,
  receipt,
  replyToCoachMessage,
  withdrawnNotice,
} from './messages';
import type { RequestPrefill } from './forms';
import { planNudges, planSessionFollowUp, requestKey } from './reminders';
import { freezeClosedDemand } from './demand';
import { SESSION_MINUTES, proposeWithAcceptance, sessionStart } from './sessions';
import { describeSession, proposalBlocks } from './session-messages';

const noCoach = (school: School): string =>
  `${school.name} has no instructional coach on Touchpoint yet, so there is no one to send a request to. Nothing was saved.`;

// ---- the teacher's draft ------------------------------------------------------------------------------

/** What the request form offers: the schools the actor may ask at, and their coaches' office hours. */
export function requestFormChoices(ctx: RequestContext): { schools: School[]; slots: { value: string; label: string }[] } {
  const { schools } = requestSchools(ctx);
  if (schools.length === 1 && coachesFor(ctx.services, ctx.actor.tenant.id, schools[0], ctx.actor.user.id).length === 0) throw new Refusal(noCoach(schools[0]));
  return { schools, slots: officeHourChoices(ctx.services, ctx.actor.tenant.id, schools, ctx.actor.user.id) };
}

/** The school a new request is for: the actor's only one, or the one picked; undefined while there are several to pick from. */
export function chosenSchool(ctx: RequestContext, schoolId: number | undefined): School | undefined {
  const { schools } = requestSchools(ctx);
  if (schoolId === undefined) return schools.length === 1 ? schools[0] : undefined;
  const school = schools.find((s) => s.id === schoolId);
  if (!school) throw new UsageError('pick your school from the list', 'school');
  return school;
}

export interface DraftInput {
  topic: Topic;
  details: string;
  format?: Format;
  slot?: string;
  times?: string;
  share: boolean;
}

/** What the teacher reviews before sending: the draft, the coaches who will see it, and whether sending makes them a teacher of the school. */
export interface Review {
  draft: CoachingRequest;
  school: School;
  coaches: User[];
  joining: boolean;
}

function reviewOf(ctx: RequestContext, draft: CoachingRequest, school: School, coaches: User[]): Review {
  return { draft, school, coaches, joining: !hasRole(ctx.actor, school.id, 'teacher') };
}

/** Saves what the teacher asked as a draft, to review before anything is sent. */
export function draftRequest(ctx: RequestContext, school: School, input: DraftInput): Review {
  const tenantId = ctx.actor.tenant.id;
  authorize('coaching.request', ctx.actor, school);
  const coaches = coachesFor(ctx.services, tenantId, school, ctx.actor.user.id);
  if (coaches.length === 0) throw new Refusal(noCoach(school));
  if (input.slot && !officeHourChoices(ctx.services, tenantId, [school], ctx.actor.user.id).some((c) => c.value === input.slot)) {
    throw new UsageError('that office-hour slot is no longer offered: pick another or type a time', 'slot');
  }
  const preferredTimes = [input.slot, input.times].filter((t): t is string => Boolean(t)).join('; ') || null;
  const draft = ctx.services.coaching.createDraft(
    tenantId,
    {
      schoolId: school.id,
      teacherId: ctx.actor.user.id,
      topic: input.topic,
      details: input.details,
      format: input.format ?? null,
      preferredTimes,
      shared: input.share,
    },
    ctx.now,
  );
  return reviewOf(ctx, draft, school, coaches);
}

/** Sends the draft to the school's coaches, with a receipt to the teacher and the nudge planned. */
export function sendDraft(ctx: RequestContext, value: string): { sent: CoachingRequest; school: School; joined: boolean } {
  const tenantId = ctx.actor.tenant.id;
  const { request: draft, school } = requestFor(ctx, 'send', value);
  // Re-checked at sending: roles may have changed since the form was opened.
  const { schools } = requestSchools(ctx);
  if (!schools.some((s) => s.id === school.id)) throw new Refusal('You can no longer ask at that school. Start again with /coaching request.');
  authorize('coaching.request', ctx.actor, school);
  const coaches = coachesFor(ctx.services, tenantId, school, ctx.actor.user.id);
  if (coaches.length === 0) throw new Refusal(noCoach(school));
  // Joining is the teacher's own act: asking for coaching is what makes them a teacher of the school.
  const joined = !hasRole(ctx.actor, school.id, 'teacher') && ctx.services.people.addMembership(tenantId, school.id, ctx.actor.user.id, 'teacher', ctx.now);
  const sent = ctx.services.coaching.submit(tenantId, draft.id, ctx.now);
  const teacher = ctx.actor.user;
  for (const coach of coaches) {
    ctx.notify(coach, 'coaching.request', coachRequestMessage(sent, teacher, school), `${requestKey(sent.id)}new:u${coach.id}`);
  }
  ctx.notify(teacher, 'coaching.receipt', receipt(sent, teacher, school, coaches, ctx.now), `${requestKey(sent.id)}receipt`);
  planNudges(ctx.services, tenantId, sent, school, ctx.now);
  return { sent, school, joined };
}

/** The share button on the review: `<id>:on` or `<id>:off`. */
export function setDraftShared(ctx: RequestContext, value: string): Review {
  const [id, to] = value.split(':');
  if (to !== 'on' && to !== 'off') throw new Refusal('That button is out of date. Type the command again.');
  const { request: draft, school } = requestFor(ctx, 'share', id);
  // Closed months are frozen before anything about a request changes (demand.ts).
  freezeClosedDemand(ctx.services, school, ctx.now);
  ctx.services.coaching.setShared(ctx.actor.tenant.id, draft.id, to === 'on', ctx.now);
  const updated = ctx.services.coaching.byId(ctx.actor.tenant.id, draft.id)!;
  return reviewOf(ctx, updated, school, coachesFor(ctx.services, ctx.actor.tenant.id, school, ctx.actor.user.id));
}

/** The draft as the form's prefill, to edit it. */
export function draftToEdit(ctx: RequestContext, value: string): RequestPrefill {
  const { request: draft } = requestFor(ctx, 'edit', value);
  return {
    topic: draft.topic,
    details: draft.details,
    format: draft.format ?? undefined,
    times: draft.preferredTimes ?? undefined,
    share: draft.shared,
    school: draft.schoolId,
  };
}

export function discardDraft(ctx: RequestContext, value: string): void {
  const { request: draft } = requestFor(ctx, 'discard', value);
  ctx.services.coaching.deleteDraft(ctx.actor.tenant.id, draft.id);
}

// ---- the coach's answers ------------------------------------------------------------------------------

/** A request the actor may answer now with this step, and its teacher. */
export function answerable(
  ctx: RequestContext,
  step: 'accept' | 'ask' | 'decline',
  value: string,
): { request: CoachingRequest; school: School; teacher: User } {
  const { request, school } = requestFor(ctx, step, value);
  return { request, school, teacher: teacherOf(ctx, request) };
}

export interface Acceptance {
  /** The time in the coach's words (with a place, say); optional when a date and a time are given. */
  when?: string;
  date?: LocalDate;
  /** With the date: a session the teacher confirms or answers with another time (sessions.ts). */
  time?: TypedTime;
  note?: string;
}

/** The coach accepts and proposes a time; with a session date, they are asked to mark it done after it. */
export function acceptRequest(ctx: RequestContext, value: string, a: Acceptance): { request: CoachingRequest; teacher: User; when: string } {
  const { request: r, school, teacher } = answerable(ctx, 'accept', value);
  if (a.date && a.date < todayIn(ctx.now, school.timeZone)) throw new UsageError('the session date is in the past', 'date');
  if (a.time && !a.date) throw new UsageError('give the session date with the time', 'date');
  const startsAt = a.date && a.time ? sessionStart(ctx, school, a.date, a.time) : undefined;
  const when = a.when ?? (startsAt ? describeSession({ startsAt, minutes: SESSION_MINUTES }, school.timeZone) : undefined);
  if (!when) throw new UsageError('say the time you propose', 'when');
  const tenantId = ctx.actor.tenant.id;
  const updated = ctx.services.coaching.answer(
    tenantId,
    r.id,
    { status: LIFECYCLE.accept.to, coachId: ctx.actor.user.id, proposedTime: when, sessionDate: a.date ?? null },
    ctx.now,
  );
  const msg = ctx.services.coaching.addMessage(
    tenantId,
    { requestId: r.id, authorId: ctx.actor.user.id, kind: 'accept', text: [when, a.note].filter(Boolean).join('\n') },
    ctx.now,
  );
  const accepted = acceptedMessage(updated, ctx.actor.user, when, startsAt ? null : (a.date ?? null), a.note ?? null);
  // A date and a time: a session the teacher confirms, or answers with another time.
  const session = startsAt ? proposeWithAcceptance(ctx, updated, startsAt) : undefined;
  const message = session ? { ...accepted, blocks: [...accepted.blocks, ...proposalBlocks(session, describeSession(session, school.timeZone))] } : accepted;
  ctx.notify(teacher, 'coaching.accepted', message, `${requestKey(r.id)}m${msg.id}`);
  planSessionFollowUp(ctx.services, tenantId, updated, school, ctx.now);
  return { request: r, teacher, when };
}

/** The coach asks the teacher a question; the request is then in conversation with them. */
export function askTeacher(ctx: RequestContext, value: string, question: string): { request: CoachingRequest; teacher: User } {
  const { request: r, teacher } = answerable(ctx, 'ask', value);
  const tenantId = ctx.actor.tenant.id;
  const updated = ctx.services.coaching.answer(tenantId, r.id, { status: LIFECYCLE.ask.to, coachId: ctx.actor.user.id }, ctx.now);
  const msg = ctx.services.coaching.addMessage(tenantId, { requestId: r.id, authorId: ctx.actor.user.id, kind: 'question', text: question }, ctx.now);
  ctx.notify(teacher, 'coaching.question', questionMessage(updated, ctx.actor.user, question), `${requestKey(r.id)}m${msg.id}`);
  return { request: r, teacher };
}

/** The coach declines, kindly; the nudge is no longer wanted. */
export function declineRequest(ctx: RequestContext, value: string, note: string | undefined): { request: CoachingRequest; teacher: User } {
  const { request: r, teacher } = answerable(ctx, 'decline', value);
  const tenantId = ctx.actor.tenant.id;
  const updated = ctx.services.coaching.answer(tenantId, r.id, { status: LIFECYCLE.decline.to, coachId: ctx.actor.user.id }, ctx.now);
  const msg = ctx.services.coaching.addMessage(tenantId, { requestId: r.id, authorId: ctx.actor.user.id, kind: 'decline', text: note ?? '' }, ctx.now);
  ctx.notify(teacher, 'coaching.declined', declinedMessage(updated, ctx.actor.user, note ?? null), `${requestKey(r.id)}m${msg.id}`);
  ctx.services.outbox.cancelPending(`${requestKey(r.id)}nudge:`);
  return { request: r, teacher };
}

/** A request of the actor's on which the coach's last word is a question, and that coach. */
export function awaitingReply(ctx: RequestContext, value: string): { request: CoachingRequest; coach: User } {
  const { request: r } = requestFor(ctx, 'reply', value);
  const coach = userOf(ctx, r.coachId);
  if (!coach) throw new Refusal(LIFECYCLE.reply.refusal(r));
  return { request: r, coach };
}

/** The teacher answers the coach's question. */
export function replyToCoach(ctx: RequestContext, value: string, text: string): { coach: User } {
  const { request: r, coach } = awaitingReply(ctx, value);
  const msg = ctx.services.coaching.addMessage(ctx.actor.tenant.id, { requestId: r.id, authorId: ctx.actor.user.id, kind: 'reply', text }, ctx.now);
  ctx.notify(coach, 'coaching.reply', replyToCoachMessage(r, ctx.actor.user, text), `${requestKey(r.id)}m${msg.id}`);
  return { coach };
}

/** The coach who accepted marks the session done, once its date has come; the teacher is asked whether it helped. */
export function markDone(ctx: RequestContext, value: string): { request: CoachingRequest; teacher: User } {
  const { request: r, school } = requestFor(ctx, 'done', value);
  if (r.sessionDate && todayIn(ctx.now, school.timeZone) < r.sessionDate)
    throw new Refusal(`The session is planned for ${formatLocalDate(r.sessionDate)}: mark it done after it.`);
  const done = ctx.services.coaching.setStatus(ctx.actor.tenant.id, r.id, LIFECYCLE.done.to, ctx.now);
  const teacher = teacherOf(ctx, r);
  ctx.notify(teacher, 'coaching.helpful', helpfulQuestion(done, ctx.actor.user), `${requestKey(r.id)}helpful?`);
  ctx.services.outbox.cancelPending(`${requestKey(r.id)}session:`);
  return { request: r, teacher };
}

/** The teacher's "was it helpful?" (`<id>:<answer>`), once; only the coach hears it. */
export function answerHelpful(ctx: RequestContext, value: string): { helpful: Helpful; coach: User | undefined } {
  const [id, answer] = value.split(':');
  if (!(HELPFUL as readonly string[]).includes(answer)) throw new Refusal('That button is out of date.');
  const { request: r } = requestFor(ctx, 'helpful', id);
  if (r.helpful) throw new Refusal(`You already answered: ${HELPFUL_LABELS[r.helpful]}.`);
  const helpful = answer as Helpful;
  ctx.services.coaching.setHelpful(ctx.actor.tenant.id, r.id, helpful, ctx.now);
  const coach = userOf(ctx, r.coachId);
  if (coach) ctx.notify(coach, 'coaching.feedback', helpfulFeedback(r, ctx.actor.user, helpful), `${requestKey(r.id)}helpful:u${coach.id}`);
  return { helpful, coach };
}

/** The teacher withdraws a live request; the coach is told it was withdrawn, and nothing more. */
export function withdraw(ctx: RequestContext, value: string): CoachingRequest {
  const { request: r, school } = requestFor(ctx, 'withdraw', value);
  const tenantId = ctx.actor.tenant.id;
  const tell = coachesToTell(ctx.services, tenantId, school, r);
  // Closed months are frozen before anything about a request changes (demand.ts).
  freezeClosedDemand(ctx.services, school, ctx.now);
  ctx.services.coaching.setStatus(tenantId, r.id, LIFECYCLE.withdraw.to, ctx.now);
  ctx.services.outbox.cancelPending(requestKey(r.id));
  for (const coach of tell) ctx.notify(coach, 'coaching.withdrawn', withdrawnNotice(r), `${requestKey(r.id)}withdrawn:u${coach.id}`);
  return r;
}
