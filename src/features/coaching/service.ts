/**
 * Coaching use cases shared by the whole feature: who a request's people are, where a person may
 * ask, a coach's schools and queue, what a teacher and a coach look at (status, queue, home), and
 * office hours. The request's own steps are in requests.ts, erasure in forget.ts, and what leaders
 * get in demand.ts. Confidentiality (DESIGN.md §1 rule 3) is decided by the policy.
 */
import type { RequestContext, Services } from '../../core/context';
import type { School, User } from '../../core/model';
import { Refusal } from '../../core/errors';
import { decide, hasRole } from '../../core/policy';
import { LIVE_STATUSES, type CoachingRequest, type OfficeHour } from '../../core/ports';
import { fits } from './lifecycle';
import { slotLabel } from './labels';

export function schoolOf(ctx: RequestContext, r: CoachingRequest): School {
  return ctx.services.people.schoolById(ctx.actor.tenant.id, r.schoolId)!;
}
export function userOf(ctx: RequestContext, id: number | null): User | undefined {
  return id === null ? undefined : ctx.services.people.userById(ctx.actor.tenant.id, id);
}
export const teacherOf = (ctx: RequestContext, r: CoachingRequest): User =>
  userOf(ctx, r.teacherId) ?? { id: r.teacherId, tenantId: ctx.actor.tenant.id, externalId: '', displayName: 'a teacher', handle: null };

/** The coaches a request goes to: the school's coaches, never the teacher themself (a coach who teaches asks another coach). */
export function coachesFor(services: Services, tenantId: number, school: School, teacherId: number): User[] {
  return services.people.schoolMembers(tenantId, school.id, ['coach']).filter((c) => c.id !== teacherId);
}

/** Who hears about a request now: the coach who took it up, or else every coach of the school. */
export function coachesToTell(services: Services, tenantId: number, school: School, r: CoachingRequest): User[] {
  const taken = r.coachId !== null ? services.people.userById(tenantId, r.coachId) : undefined;
  return taken ? [taken] : coachesFor(services, tenantId, school, r.teacherId);
}

/**
 * The schools a person may ask at: where they teach; with no role in the workspace yet, any of
 * its schools (sending the first request makes them a teacher there — their own act). Anyone
 * holding only other roles is refused: no one asks on a teacher's behalf.
 */
export function requestSchools(ctx: RequestContext): { schools: School[]; joining: boolean } {
  const tenantId = ctx.actor.tenant.id;
  const teaching = [...new Set(ctx.actor.memberships.filter((m) => m.role === 'teacher').map((m) => m.schoolId))]
    .map((id) => ctx.services.people.schoolById(tenantId, id))
    .filter((s): s is School => s !== undefined);
  if (teaching.length > 0) return { schools: teaching, joining: false };
  if (ctx.actor.memberships.length > 0) {
    const m = ctx.actor.memberships[0];
    const where = ctx.services.people.schoolById(tenantId, m.schoolId)?.name ?? 'your school';
    throw new Refusal(
      `Coaching requests come from teachers, for themselves: you are ${m.role === 'assistant_principal' ? 'an assistant principal' : m.role === 'admin' ? 'an admin' : `the ${m.role === 'coach' ? 'coach' : 'principal'}`} at ${where}, and no one can ask on a teacher’s behalf or assign coaching. If you also teach there, you need the teacher role at the school.${hasRole(ctx.actor, m.schoolId, 'coach') ? ' Your queue: /coaching queue.' : ''}`,
    );
  }
  const all = ctx.services.people.schoolsOfTenant(tenantId);
  if (all.length === 0)
    throw new Refusal(
      'No school is set up on Touchpoint in this workspace yet, so there is no coach to ask. Your principal starts one with /touchpoint setup.',
    );
  return { schools: all, joining: true };
}

/** Office-hour slots of the coaches of these schools, as form choices (the label is what is stored). */
export function officeHourChoices(services: Services, tenantId: number, schools: School[], teacherId: number): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = [];
  for (const school of schools) {
    for (const coach of coachesFor(services, tenantId, school, teacherId)) {
      for (const h of services.coaching.officeHours(tenantId, coach.id)) {
        const label = `${coach.displayName}: ${slotLabel(h)}${schools.length > 1 ? ` (${school.name})` : ''}`;
        if (!out.some((c) => c.value === label)) out.push({ value: label, label });
      }
    }
  }
  return out;
}

// ---- coaches ------------------------------------------------------------------------------------------

/** The schools where the actor coaches (none is not a refusal here: the home view just shows nothing). */
function schoolsCoachedBy(ctx: RequestContext): School[] {
  return [...new Set(ctx.actor.memberships.filter((m) => m.role === 'coach').map((m) => m.schoolId))]
    .map((id) => ctx.services.people.schoolById(ctx.actor.tenant.id, id))
    .filter((s): s is School => s !== undefined && decide('coaching.coach', ctx.actor, s).allowed);
}

/** Schools where the actor coaches; none → the one clear refusal. */
export function coachSchools(ctx: RequestContext): School[] {
  const schools = schoolsCoachedBy(ctx);
  if (schools.length === 0) throw new Refusal('Only coaches have a coaching queue and office hours. Your own requests: /coaching status.');
  return schools;
}

/** A request in a coach's queue, and what they may do with it now: answer it, mark it done, or only read it. */
export interface QueueEntry {
  request: CoachingRequest;
  teacher: User;
  next: 'answer' | 'done' | null;
}
export interface SchoolQueue {
  school: School;
  entries: QueueEntry[];
}

/** The live requests of a school the actor may see as its coach, oldest first, without their own. */
function queueOf(ctx: RequestContext, school: School): QueueEntry[] {
  return ctx.services.coaching
    .liveOfSchool(ctx.actor.tenant.id, school.id)
    .filter((r) => r.teacherId !== ctx.actor.user.id && decide('coaching.see', ctx.actor, school, r).allowed)
    .map((r) => {
      const answers = decide('coaching.answer', ctx.actor, school, r).allowed;
      return { request: r, teacher: teacherOf(ctx, r), next: !answers ? null : fits(ctx, 'done', r) ? 'done' : 'answer' };
    });
}

/** `/coaching queue`: each school the actor coaches, with its queue. */
export function coachQueues(ctx: RequestContext): SchoolQueue[] {
  return coachSchools(ctx).map((school) => ({ school, entries: queueOf(ctx, school) }));
}

// ---- teachers -----------------------------------------------------------------------------------------

/** One of the actor's own requests, and which of the teacher's steps fit it now. */
export interface OwnRequest {
  request: CoachingRequest;
  school: School;
  canReply: boolean;
  canWithdraw: boolean;
}

/** `/coaching status`: the actor's requests they may see, newest first. */
export function ownRequests(ctx: RequestContext): OwnRequest[] {
  return ctx.services.coaching
    .ofTeacher(ctx.actor.tenant.id, ctx.actor.user.id)
    .filter((r) => decide('coaching.see', ctx.actor, schoolOf(ctx, r), r).allowed)
    .map((r) => ({ request: r, school: schoolOf(ctx, r), canReply: fits(ctx, 'reply', r), canWithdraw: fits(ctx, 'withdraw', r) }));
}

/** The home view's coaching part: a teacher's open requests (shown to anyone who teaches) and a coach's queues. */
export interface CoachingHome {
  own?: { request: CoachingRequest; school: School }[];
  queues: SchoolQueue[];
}

/** Home: a teacher's open requests and a coach's open queue, oldest first. Nothing for a principal as such. */
export function coachingHomeOf(ctx: RequestContext): CoachingHome {
  const own = ctx.services.coaching
    .ofTeacher(ctx.actor.tenant.id, ctx.actor.user.id)
    .filter((r) => LIVE_STATUSES.includes(r.status) && decide('coaching.see', ctx.actor, schoolOf(ctx, r), r).allowed)
    .map((r) => ({ request: r, school: schoolOf(ctx, r) }));
  const teaches = own.length > 0 || ctx.actor.memberships.some((m) => m.role === 'teacher');
  return { ...(teaches ? { own } : {}), queues: schoolsCoachedBy(ctx).map((school) => ({ school, entries: queueOf(ctx, school) })) };
}

// ---- office hours -------------------------------------------------------------------------------------

export type HoursChange = { op: 'show' } | { op: 'clear' } | { op: 'set'; slots: OfficeHour[] };

/** `/coaching hours`: shows, clears or replaces the coach's slots; returns them as they now stand, with the schools' time zones. */
export function officeHours(ctx: RequestContext, change: HoursChange): { slots: OfficeHour[]; zones: string } {
  const schools = coachSchools(ctx);
  const tenantId = ctx.actor.tenant.id;
  if (change.op === 'set') ctx.services.coaching.setOfficeHours(tenantId, ctx.actor.user.id, change.slots);
  if (change.op === 'clear') ctx.services.coaching.setOfficeHours(tenantId, ctx.actor.user.id, []);
  return {
    slots: ctx.services.coaching.officeHours(tenantId, ctx.actor.user.id),
    zones: [...new Set(schools.map((s) => s.timeZone))].join(', '),
  };
}
