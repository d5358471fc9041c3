/**
 * `/coaching forget-me`: a person erases what Touchpoint holds about them. A teacher is forgotten
 * whole; someone who also holds a staff role (coach, principal, …) has their teacher data erased
 * and is told what stays — the role, and the records it keeps under their name — never refused
 * for a role someone else gave them. Coaches working on one of their live requests are told it was
 * withdrawn, nothing more. The store erases the requests in this transaction and finishes the rest
 * in short slices after it commits (`ctx.wake('erasures')`); authors whose text lost the name are
 * told when it is done (`redactionNotices`).
 */
import type { RequestContext, Services } from '../../core/context';
import { Refusal } from '../../core/errors';
import { LIVE_STATUSES, type ErasureCompleted } from '../../core/ports';
import { coachesToTell, schoolOf } from './service';
import { redactedNotice, withdrawnNotice } from './messages';
import { freezeDemandOfPerson } from './demand';

/** What forget-me would erase for this person, and what would stay. */
export interface ForgetPlan {
  requests: number;
  /** Schools where they are a teacher. */
  teacherAt: number;
  /** Staff roles that stay, as "coach at Demo Elementary": their records need the person's name. */
  staysAs: string[];
}

export type ForgetOutcome = Omit<ForgetPlan, 'teacherAt'>;

/** Roles whose records (touch-points, agendas, escalations raised) need the person's name. */
function staffRoles(ctx: RequestContext): string[] {
  return ctx.actor.memberships
    .filter((m) => m.role !== 'teacher')
    .map((m) => `${m.role.replace('_', ' ')} at ${ctx.services.people.schoolById(ctx.actor.tenant.id, m.schoolId)?.name ?? 'a school'}`);
}

/** Before asking for confirmation: how many requests would go, and which roles stay. */
export function planForget(ctx: RequestContext): ForgetPlan {
  return {
    requests: ctx.services.coaching.ofTeacher(ctx.actor.tenant.id, ctx.actor.user.id).length,
    teacherAt: ctx.actor.memberships.filter((m) => m.role === 'teacher').length,
    staysAs: staffRoles(ctx),
  };
}

/** The confirmation button (its value is the person's own id): erases them, or their teacher data when they hold a staff role. */
export function forgetMe(ctx: RequestContext, value: string): ForgetOutcome {
  if (Number(value) !== ctx.actor.user.id) throw new Refusal('That button is not yours.');
  const tenantId = ctx.actor.tenant.id;
  const userId = ctx.actor.user.id;
  const staysAs = staffRoles(ctx);
  for (const r of ctx.services.coaching.ofTeacher(tenantId, userId).filter((x) => LIVE_STATUSES.includes(x.status))) {
    for (const coach of coachesToTell(ctx.services, tenantId, schoolOf(ctx, r), r)) {
      // Not under the request's key prefix: the erasure removes those rows, and this one says nothing about the teacher.
      ctx.notify(coach, 'coaching.withdrawn', withdrawnNotice(r), `coaching:gone:r${r.id}:u${coach.id}`);
    }
  }
  // Published months stay as they were: frozen before the requests go.
  freezeDemandOfPerson(ctx.services, tenantId, userId, ctx.now);
  const started = ctx.services.erasure.begin(tenantId, userId, staysAs.length > 0 ? 'teacher_data' : 'everything', ctx.now);
  // Other features drop what they hold about a person forgotten whole, in this same transaction.
  if (staysAs.length === 0) ctx.emit('user.forgotten', { userId });
  ctx.wake('erasures');
  // What happened is kept, not who it was: not `ctx.audit`, which records the actor.
  ctx.services.audit.audit(
    { tenantId, schoolId: null, actorId: null, action: staysAs.length > 0 ? 'user.forget.teacher_data' : 'user.forget', subjectType: 'user', subjectId: null },
    ctx.now,
  );
  return { requests: started.requests, staysAs };
}

/**
 * When an erasure has finished: each person whose text (agenda items, escalations, skip reasons,
 * closure labels) had the name taken out is told, once, how many of their texts changed — not
 * whose name it was.
 */
export function redactionNotices(services: Services, completed: readonly ErasureCompleted[], now: Date): number {
  let told = 0;
  for (const erasure of completed) {
    for (const { authorId, texts } of erasure.redactedFor) {
      const author = services.people.userById(erasure.tenantId, authorId);
      if (!author) continue;
      const queued = services.outbox.enqueue(
        {
          tenantId: erasure.tenantId,
          recipientId: author.id,
          kind: 'erasure.redacted',
          dedupeKey: `erasure:redacted:e${erasure.userId}:u${author.id}`,
          message: redactedNotice(texts),
          dueAt: now,
        },
        now,
      );
      if (queued) told += 1;
    }
  }
  return told;
}
