/**
 * `/coaching forget-me`: a teacher erases everything Touchpoint holds about them. Coaches working
 * on one of their live requests are told it was withdrawn, nothing more; other features drop what
 * they hold about the person through the `user.forgotten` event, in the same transaction.
 */
import type { RequestContext } from '../../core/context';
import { Refusal } from '../../core/errors';
import { LIVE_STATUSES, type ForgetReport } from '../../core/ports';
import { coachesToTell, schoolOf } from './service';
import { withdrawnNotice } from './messages';
import { freezeDemandOfPerson } from './demand';

/** The placeholder an erased teacher's user row keeps. */
export const FORGOTTEN_NAME = 'Former teacher';

/** A role whose records (touch-points, agendas, escalations raised) need the person's name, as "coach at Demo Elementary". */
function staffRole(ctx: RequestContext): string | undefined {
  const m = ctx.actor.memberships.find((x) => x.role !== 'teacher');
  if (!m) return undefined;
  const school = ctx.services.people.schoolById(ctx.actor.tenant.id, m.schoolId);
  return `${m.role.replace('_', ' ')} at ${school?.name ?? 'a school'}`;
}

/** Before asking for confirmation: how many requests would go (refused while the person holds a staff role). */
export function requestsToForget(ctx: RequestContext): number {
  const role = staffRole(ctx);
  if (role)
    throw new Refusal(
      `You are also ${role}: touch-points and agendas need that role’s name. Ask your principal or admin to remove the role first, then run /coaching forget-me again.`,
    );
  return ctx.services.coaching.ofTeacher(ctx.actor.tenant.id, ctx.actor.user.id).length;
}

/** The confirmation button (its value is the person's own id): erases them. */
export function forgetMe(ctx: RequestContext, value: string): ForgetReport {
  if (Number(value) !== ctx.actor.user.id) throw new Refusal('That button is not yours.');
  const role = staffRole(ctx);
  if (role) throw new Refusal(`You are also ${role}: ask your principal or admin to remove the role first.`);
  const tenantId = ctx.actor.tenant.id;
  const userId = ctx.actor.user.id;
  for (const r of ctx.services.coaching.ofTeacher(tenantId, userId).filter((x) => LIVE_STATUSES.includes(x.status))) {
    for (const coach of coachesToTell(ctx.services, tenantId, schoolOf(ctx, r), r)) {
      // Not under the request's key prefix: the erasure removes those rows, and this one says nothing about the teacher.
      ctx.notify(coach, 'coaching.withdrawn', withdrawnNotice(r), `coaching:gone:r${r.id}:u${coach.id}`);
    }
  }
  freezeDemandOfPerson(ctx.services, tenantId, userId, ctx.now);
  const report = ctx.services.coaching.forgetUser(tenantId, userId, FORGOTTEN_NAME);
  // Other features drop what they hold about the person in this same transaction.
  ctx.emit('user.forgotten', { userId });
  // The erased text is overwritten in the database file (secure_delete); the log is emptied after commit.
  ctx.afterCommit(() => ctx.services.flushErased());
  // What happened is kept, not who it was: not `ctx.audit`, which records the actor.
  ctx.services.audit.audit({ tenantId, schoolId: null, actorId: null, action: 'user.forget', subjectType: 'user', subjectId: null }, ctx.now);
  return report;
}
