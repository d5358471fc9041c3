/**
 * Governed roles (DESIGN.md §1 "Roles and governance"): who holds which role at a school, and
 * changing it. Admins name principals and admins; leaders name APs and propose coaches; a coach
 * role is held only once the person accepts. Every change is audited and told to the person, and
 * teachers with open coaching requests are told when the coaches who can read them change.
 */
import type { RequestContext, Services } from '../../core/context';
import type { OutboxRow } from '../../core/ports';
import { undeliveredTo } from '../../core/reach';
import { isForgotten, type School, type User } from '../../core/model';
import { Refusal } from '../../core/errors';
import { authorize, rolesAt, type GovernedRole, type RoleTarget } from '../../core/policy';
import { LIVE_STATUSES } from '../../core/ports';
import type { Message } from '../../messages/model';
import {
  acceptedReply,
  roleWithArticle,
  invitationNotDelivered,
  answerToInviter,
  coachListMessage,
  declinedReply,
  givenMessage,
  invitationMessage,
  invitedMessage,
  readersChangedDm,
  roleChangedDm,
  rolesListMessage,
  takenMessage,
  withdrawnMessage,
} from './messages';

/** Why a user the platform marked (or an erased person) cannot hold a role. */
function notAPerson(user: User): string | undefined {
  if (user.kind === 'bot') return 'is a bot or an app, not a person';
  if (user.kind === 'deactivated') return 'has a deactivated account';
  return isForgotten(user) ? 'asked Touchpoint to forget them' : undefined;
}

export function roleTarget(ctx: RequestContext, school: School, person: User): RoleTarget {
  const tenantId = ctx.actor.tenant.id;
  const memberships = ctx.services.people.membershipsOf(tenantId, person.id);
  return {
    userId: person.id,
    name: person.displayName,
    rolesHere: rolesAt({ user: person, tenant: ctx.actor.tenant, memberships }, school.id),
    tenantAdmin: ctx.services.people.isTenantAdmin(tenantId, person.id),
    notAPerson: notAPerson(person),
    elsewhereOnly: memberships.length > 0 && !memberships.some((m) => m.schoolId === school.id),
  };
}

export function listRoles(ctx: RequestContext, school: School): Message {
  const { people } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const members = people.schoolMembers(tenantId, school.id, ['principal', 'assistant_principal', 'coach']);
  const of = (role: string): User[] => members.filter((m) => m.role === role);
  const invited = people
    .pendingInvitations(tenantId, school.id)
    .map((i) => people.userById(tenantId, i.userId))
    .filter((u): u is User => u !== undefined);
  const admins = people.tenantAdmins(tenantId);
  return rolesListMessage({
    school,
    admins,
    principals: of('principal'),
    assistantPrincipals: of('assistant_principal'),
    coaches: of('coach'),
    invited,
    unreachable: new Set([...admins, ...members, ...invited].filter((u) => people.unreachable(tenantId, u.id)).map((u) => u.id)),
  });
}

export function listCoaches(ctx: RequestContext, school: School): Message {
  const { people } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const invited = people
    .pendingInvitations(tenantId, school.id)
    .map((i) => people.userById(tenantId, i.userId))
    .filter((u): u is User => u !== undefined);
  return coachListMessage(school, people.schoolMembers(tenantId, school.id, ['coach']), invited);
}

export function giveRole(ctx: RequestContext, school: School, role: GovernedRole, person: User): Message {
  const { people } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const target = roleTarget(ctx, school, person);
  authorize('role.give', ctx.actor, school, role, target);
  if (role === 'admin') {
    if (!people.addTenantAdmin(tenantId, person.id, ctx.actor.user.id, ctx.now)) throw new Refusal(`${person.displayName} is already a Touchpoint admin.`);
    ctx.audit({ schoolId: null, action: 'role.add', subjectType: 'user', subjectId: person.id, detail: 'admin' });
    tellPerson(ctx, person, role, school, true);
    return givenMessage(person, role, school);
  }
  if (target.rolesHere.includes(role)) throw new Refusal(`${person.displayName} is already ${roleWithArticle(role)} at ${school.name}.`);
  if (role === 'coach') {
    const invitation = people.inviteToRole(tenantId, { schoolId: school.id, userId: person.id, role: 'coach', invitedBy: ctx.actor.user.id }, ctx.now);
    ctx.audit({ schoolId: school.id, action: 'role.invite', subjectType: 'user', subjectId: person.id, detail: 'coach' });
    ctx.notify(person, 'roles.invitation', invitationMessage(invitation.id, ctx.actor.user, school), `roles:invite:${invitation.id}`);
    return invitedMessage(person, school);
  }
  people.addMembership(tenantId, school.id, person.id, role, ctx.now);
  ctx.audit({ schoolId: school.id, action: 'role.add', subjectType: 'user', subjectId: person.id, detail: role });
  tellPerson(ctx, person, role, school, true);
  return givenMessage(person, role, school);
}

export function takeRole(ctx: RequestContext, school: School, role: GovernedRole, person: User): Message {
  const { people } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const target = roleTarget(ctx, school, person);
  authorize('role.take', ctx.actor, school, role, target, people.tenantAdmins(tenantId).length);
  if (role === 'admin') {
    if (!people.removeTenantAdmin(tenantId, person.id)) throw new Refusal(`${person.displayName} is not a Touchpoint admin.`);
    ctx.audit({ schoolId: null, action: 'role.remove', subjectType: 'user', subjectId: person.id, detail: 'admin' });
    tellPerson(ctx, person, role, school, false);
    return takenMessage(person, role, school);
  }
  if (!target.rolesHere.includes(role)) {
    const pending = role === 'coach' ? people.pendingInvitations(tenantId, school.id).find((i) => i.userId === person.id) : undefined;
    if (pending && people.answerInvitation(tenantId, pending.id, 'withdrawn', ctx.now)) {
      ctx.services.outbox.cancelPendingKey(`roles:invite:${pending.id}`); // not sent later if still waiting
      ctx.audit({ schoolId: school.id, action: 'role.invite.withdraw', subjectType: 'user', subjectId: person.id, detail: 'coach' });
      return withdrawnMessage(person, school);
    }
    throw new Refusal(`${person.displayName} is not ${roleWithArticle(role)} at ${school.name}.`);
  }
  const live = ctx.services.series.liveSeriesOfUser(tenantId, person.id).filter((s) => {
    const p = ctx.services.series.partnershipById(tenantId, s.partnershipId);
    return p?.schoolId === school.id && (role === 'coach' ? p.coachId === person.id : p.principalId === person.id);
  });
  if (live.length > 0) {
    throw new Refusal(
      `${person.displayName} still has touch-points at ${school.name} as ${role === 'coach' ? 'coach' : 'leader'}; cancel them first with /touchpoint cancel.`,
    );
  }
  people.removeMembership(tenantId, school.id, person.id, role);
  ctx.audit({ schoolId: school.id, action: 'role.remove', subjectType: 'user', subjectId: person.id, detail: role });
  tellPerson(ctx, person, role, school, false);
  if (role === 'coach') tellTeachersReadersChanged(ctx, school, person, false);
  return takenMessage(person, role, school);
}

export function answerInvitation(ctx: RequestContext, invitationId: number, accept: boolean): Message {
  const { people } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const invitation = people.invitationById(tenantId, invitationId);
  if (!invitation) throw new Refusal('That invitation is out of date.');
  authorize('role.answer', ctx.actor, invitation);
  const school = people.schoolById(tenantId, invitation.schoolId);
  if (!school) throw new Refusal('That invitation is out of date.');
  if (invitation.status !== 'pending') {
    throw new Refusal(invitation.status === 'withdrawn' ? 'That invitation was withdrawn.' : 'You already answered that invitation.');
  }
  if (accept) {
    // Roles may have changed since the invitation: separation of duties is checked again now.
    const leads = rolesAt(ctx.actor, school.id).find((r) => r === 'principal' || r === 'assistant_principal');
    if (leads)
      throw new Refusal(
        `You are ${leads === 'principal' ? 'principal' : 'assistant principal'} at ${school.name}: a school's leader never holds its coach role.`,
      );
  }
  people.answerInvitation(tenantId, invitation.id, accept ? 'accepted' : 'declined', ctx.now);
  if (accept) people.addMembership(tenantId, school.id, ctx.actor.user.id, 'coach', ctx.now);
  ctx.audit({
    schoolId: school.id,
    action: accept ? 'role.invite.accept' : 'role.invite.decline',
    subjectType: 'user',
    subjectId: ctx.actor.user.id,
    detail: 'coach',
  });
  const inviter = invitation.invitedBy !== null ? people.userById(tenantId, invitation.invitedBy) : undefined;
  if (inviter && inviter.id !== ctx.actor.user.id) {
    ctx.notify(inviter, 'roles.invitation.answer', answerToInviter(ctx.actor.user, school, accept), `roles:invite:${invitation.id}:answer`);
  }
  if (accept) tellTeachersReadersChanged(ctx, school, ctx.actor.user, true);
  return accept ? acceptedReply(school) : declinedReply(school);
}

function tellPerson(ctx: RequestContext, person: User, role: GovernedRole, school: School, added: boolean): void {
  if (person.id === ctx.actor.user.id) return;
  ctx.notify(
    person,
    'roles.changed',
    roleChangedDm(ctx.actor.user, role, school, added),
    `roles:${added ? 'add' : 'remove'}:${school.id}:${role}:${person.id}:${ctx.now.getTime()}`,
  );
}

/** The coaches of a school read its teachers' open requests: when they change, each such teacher is told. */
function tellTeachersReadersChanged(ctx: RequestContext, school: School, coach: User, added: boolean): void {
  const tenantId = ctx.actor.tenant.id;
  const byTeacher = new Map<number, number[]>();
  for (const r of ctx.services.coaching.liveOfSchool(tenantId, school.id)) {
    if (!LIVE_STATUSES.includes(r.status) || r.teacherId === coach.id) continue;
    byTeacher.set(r.teacherId, [...(byTeacher.get(r.teacherId) ?? []), r.id]);
  }
  for (const [teacherId, requestIds] of byTeacher) {
    const teacher = ctx.services.people.userById(tenantId, teacherId);
    if (!teacher) continue;
    ctx.notify(
      teacher,
      'roles.readers',
      readersChangedDm(coach, school, added, requestIds),
      `roles:readers:${school.id}:${coach.id}:${teacherId}:${ctx.now.getTime()}`,
    );
  }
}

/** The invited person cannot be reached: the invitation is withdrawn and whoever sent it told what to do. */
export function invitationUndeliverable(services: Services, row: OutboxRow, reason: string, now: Date): void {
  const invitation = services.people.invitationById(row.tenantId, Number(row.dedupeKey.slice('roles:invite:'.length)));
  const undelivered = undeliveredTo(services, row, reason);
  if (!invitation || invitation.status !== 'pending' || !undelivered) return;
  services.people.answerInvitation(row.tenantId, invitation.id, 'withdrawn', now);
  const school = services.people.schoolById(row.tenantId, invitation.schoolId);
  const inviter = invitation.invitedBy !== null ? services.people.userById(row.tenantId, invitation.invitedBy) : undefined;
  if (!school || !inviter) return;
  services.outbox.enqueue(
    {
      tenantId: row.tenantId,
      recipientId: inviter.id,
      kind: 'roles.undeliverable',
      dedupeKey: `roles:invite:${invitation.id}:undeliverable`,
      message: invitationNotDelivered(undelivered.person, school, undelivered.advice),
      dueAt: now,
    },
    now,
  );
}
