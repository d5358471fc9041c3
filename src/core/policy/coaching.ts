import type { Actor, School } from '../model';
import { allow, deny, hasRole, sameTenant, type Decision } from './shared';

// ---- coaching requests (DESIGN.md §1 rules 3 and 4) -------------------------------------------

/** Monthly counts by topic under this are shown as "fewer than 3", so a small count never points at a person. */
export const AGGREGATE_MIN = 3;
export const FEWER_THAN_MIN = `fewer than ${AGGREGATE_MIN}`;

/** What the policy needs to know about a coaching request (the store's row satisfies it). */
export interface CoachingRequestFacts {
  schoolId: number;
  teacherId: number;
  shared: boolean;
  status: string;
  coachId: number | null;
}

/** The one refusal for a request someone may not see: the same whether it exists or not. */
const NO_SUCH_REQUEST = 'There is no such coaching request you can see.';

/**
 * Consent: only a teacher starts a request, for themselves. A person with no role in the
 * workspace yet may (their first request makes them a teacher of the school: their own act);
 * principals, APs, coaches and admins may not, unless they also teach at that school.
 */
export function canRequestCoaching(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  if (hasRole(actor, school.id, 'teacher')) return allow;
  if (actor.memberships.length === 0) return allow;
  return deny('Coaching requests come from teachers, for themselves: no one can ask on a teacher’s behalf or assign coaching.');
}

/** The teacher (everything, their own) and the school's coaches (everything); no one else, not even leaders. */
export function canSeeRequest(actor: Actor, school: School, request: CoachingRequestFacts): Decision {
  if (!sameTenant(actor, school) || request.schoolId !== school.id) return deny(NO_SUCH_REQUEST);
  if (request.teacherId === actor.user.id) return allow;
  // A draft is not sent yet: it is the teacher's alone.
  if (request.status === 'draft') return deny(NO_SUCH_REQUEST);
  return hasRole(actor, school.id, 'coach') ? allow : deny(NO_SUCH_REQUEST);
}

/** Answering (accept, ask, decline, mark done): a coach of the school other than the teacher, once another coach has not taken it up. */
export function canAnswerRequest(actor: Actor, school: School, request: CoachingRequestFacts): Decision {
  const see = canSeeRequest(actor, school, request);
  if (!see.allowed) return see;
  if (!hasRole(actor, school.id, 'coach') || request.status === 'draft') return deny(NO_SUCH_REQUEST);
  if (request.teacherId === actor.user.id) return deny('This is your own request: another coach answers it.');
  if (request.coachId !== null && request.coachId !== actor.user.id) return deny('Another coach is already working on this request.');
  return allow;
}

/** Withdrawing, replying, sharing, answering "was it helpful?": the teacher it belongs to. */
export function canActAsRequester(actor: Actor, school: School, request: CoachingRequestFacts): Decision {
  if (!sameTenant(actor, school) || request.schoolId !== school.id || request.teacherId !== actor.user.id) return deny(NO_SUCH_REQUEST);
  return allow;
}

/** "Was it helpful?" answers: the teacher's own, and the school's coaches; never leaders or admins. */
export function canSeeHelpfulAnswer(actor: Actor, school: School, request: CoachingRequestFacts): Decision {
  return canSeeRequest(actor, school, request);
}

/** Aggregate demand (counts by topic for closed months, and what teachers chose to share): principals, APs, and admins (the table: "same as principal"). */
export function canSeeCoachingDemand(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'principal', 'assistant_principal', 'admin')
    ? allow
    : deny('Only the school’s principal, assistant principals and admins see coaching demand, and only in aggregate.');
}

/** A coaching queue and office hours: coaches. */
export function canCoach(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'coach') ? allow : deny('Only coaches have a coaching queue and office hours.');
}

// ---- coaching sessions -------------------------------------------------------------------------

/** What the policy needs to know about a session: its request's school, teacher and coach, and who proposed the time. */
export interface CoachingSessionFacts {
  schoolId: number;
  teacherId: number;
  coachId: number | null;
  proposedBy: number | null;
}

const NO_SUCH_SESSION = 'There is no such coaching session you can see.';

/**
 * A session (its time, with whom): the teacher and the coach who took the request up, while still a
 * coach of the school; never leaders, admins, or other coaches. A principal must not learn that a
 * teacher has a coaching session, so nothing about one reaches anyone else, in any form.
 */
export function canSeeCoachingSession(actor: Actor, school: School, s: CoachingSessionFacts): Decision {
  if (!sameTenant(actor, school) || s.schoolId !== school.id) return deny(NO_SUCH_SESSION);
  if (s.teacherId === actor.user.id) return allow;
  return s.coachId === actor.user.id && hasRole(actor, school.id, 'coach') ? allow : deny(NO_SUCH_SESSION);
}

/** Confirming a proposed time (or answering it with another): the one of the two who did not propose it. */
export function canAnswerCoachingSession(actor: Actor, school: School, s: CoachingSessionFacts): Decision {
  const see = canSeeCoachingSession(actor, school, s);
  if (!see.allowed) return see;
  return s.proposedBy === actor.user.id ? deny('You proposed this time: the other person confirms it or suggests another.') : allow;
}

/** What a leader may see of one request: nothing unless the teacher shared it; then topic, teacher, status and dates only. */
export interface LeaderRequestFields {
  topic: string;
  teacherName: string;
  status: string;
  submittedAt: Date;
  updatedAt: Date;
}

export function requestFieldsForLeader(
  request: CoachingRequestFacts & { topic: string; submittedAt: Date | null; updatedAt: Date },
  teacherName: string,
): LeaderRequestFields | null {
  if (!request.shared || request.status === 'draft' || request.submittedAt === null) return null;
  return { topic: request.topic, teacherName, status: request.status, submittedAt: request.submittedAt, updatedAt: request.updatedAt };
}

/** A count as a leader may see it: under AGGREGATE_MIN it is "fewer than 3" (0 included, so absence is not revealed either). */
export function aggregateCount(n: number): string {
  return n < AGGREGATE_MIN ? FEWER_THAN_MIN : String(n);
}
