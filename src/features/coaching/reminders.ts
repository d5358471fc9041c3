/**
 * Coaching reminders: the nudge to a school's coaches when a request has waited 2 school days
 * unanswered (never to a principal), and the "mark it done" prompt after a proposed session.
 * Both are planned through the outbox and composed at send time, so a request answered or
 * withdrawn in the meantime drops them.
 */
import type { Services } from '../../core/context';
import type { Actor, School } from '../../core/model';
import { canAnswerRequest } from '../../core/policy';
import { formatLocalDate, localToUtc, todayIn } from '../../core/datetime';
import { escapeMarkup as esc, type Message } from '../../messages/model';
import type { OutboxRow } from '../../core/ports';
import type { CoachingRequest } from '../../core/ports';
import { ACTIONS, coachButtons } from './messages';
import { TOPIC_LABELS, coachesFor, facts, nudgeDueAt } from './service';

export const COACHING_KINDS = { nudge: 'coaching.nudge', session: 'coaching.session' } as const;

/** True for the outbox kinds `composeCoachingReminder` builds (the dispatcher routes them here). */
export function isCoachingReminder(kind: string): boolean {
  return kind === COACHING_KINDS.nudge || kind === COACHING_KINDS.session;
}

/** Dedupe keys of a request's rows start with this, so withdrawing or erasing it reaches them all. */
export const requestKey = (requestId: number): string => `coaching:r${requestId}:`;

const EMPTY: Message = { text: '', blocks: [] };

/** The nudge for each current coach of the school (idempotent: one row per request and coach). */
export function planNudges(services: Services, tenantId: number, request: CoachingRequest, school: School, now: Date): void {
  if (request.status !== 'open' || request.firstAnsweredAt !== null || request.submittedAt === null) return;
  const dueAt = nudgeDueAt(services, tenantId, school, request.submittedAt);
  for (const coach of coachesFor(services, tenantId, school, request.teacherId)) {
    services.outbox.plan({
      tenantId, recipientId: coach.id, kind: COACHING_KINDS.nudge, dedupeKey: `${requestKey(request.id)}nudge:u${coach.id}`,
      message: EMPTY, compose: { requestId: request.id }, dueAt,
    }, now);
  }
}

/** After an accepted request's session date: ask the coach who took it up to mark it done. */
export function planSessionFollowUp(services: Services, tenantId: number, request: CoachingRequest, school: School, now: Date): void {
  if (request.sessionDate === null || request.coachId === null) return;
  services.outbox.plan({
    tenantId, recipientId: request.coachId, kind: COACHING_KINDS.session, dedupeKey: `${requestKey(request.id)}session:${request.sessionDate}`,
    message: EMPTY, compose: { requestId: request.id }, dueAt: localToUtc(request.sessionDate, school.dayEnd, school.timeZone),
  }, now);
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
  // The recipient reads the request only if the policy still lets them answer it.
  const actor: Actor = { user: recipient, tenant, memberships: services.people.membershipsOf(row.tenantId, recipient.id) };
  if (!canAnswerRequest(actor, school, facts(request)).allowed) return null;
  const teacher = services.people.userById(row.tenantId, request.teacherId);
  if (!teacher) return null;
  const topic = TOPIC_LABELS[request.topic];
  if (row.kind === COACHING_KINDS.nudge) {
    if (request.status !== 'open' || request.firstAnsweredAt !== null) return null;
    return {
      text: `${teacher.displayName}'s coaching request #${request.id} (${topic}) has waited 2 school days for an answer: ${request.details}`,
      blocks: [
        { type: 'header', text: 'A coaching request is waiting' },
        { type: 'text', text: `**${esc(teacher.displayName)}**’s request #${request.id} (${esc(topic)}) has waited 2 school days for an answer.` },
        { type: 'text', text: esc(request.details) },
        { type: 'actions', buttons: coachButtons(request.id) },
        { type: 'context', text: 'Only you and the school’s coaches get this reminder.' },
      ],
    };
  }
  if (row.kind === COACHING_KINDS.session) {
    if (request.status !== 'accepted' || request.coachId !== recipient.id) return null;
    const on = request.sessionDate ? formatLocalDate(request.sessionDate) : formatLocalDate(todayIn(now, school.timeZone));
    return {
      text: `Your coaching session with ${teacher.displayName} (request #${request.id}, ${topic}) was planned for ${on}. Mark it done when it has happened.`,
      blocks: [
        { type: 'text', text: `Your coaching session with **${esc(teacher.displayName)}** (request #${request.id}, ${esc(topic)}) was planned for ${esc(on)}.` },
        { type: 'actions', buttons: [{ actionId: ACTIONS.done, label: 'Mark done', value: String(request.id), style: 'primary' }] },
        { type: 'context', text: 'Marking it done asks the teacher whether it was helpful; only you see the answer.' },
      ],
    };
  }
  return null;
}
