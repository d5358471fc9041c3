/** What every rule shares: the decision it returns, and the facts about an actor it reads. */
import type { Actor, Partnership, Role, School } from '../model';

export type Decision = { allowed: true } | { allowed: false; reason: string };

export const allow: Decision = { allowed: true };
export const deny = (reason: string): Decision => ({ allowed: false, reason });

export const LEADER_ROLES: readonly Role[] = ['principal', 'assistant_principal'];

export function rolesAt(actor: Actor, schoolId: number): Role[] {
  return actor.memberships.filter((m) => m.schoolId === schoolId).map((m) => m.role);
}

export function hasRole(actor: Actor, schoolId: number, ...roles: Role[]): boolean {
  return actor.memberships.some((m) => m.schoolId === schoolId && roles.includes(m.role));
}

export function sameTenant(actor: Actor, school: School): boolean {
  return school.tenantId === actor.tenant.id;
}

export function inPartnership(actor: Actor, partnership: Partnership): boolean {
  return actor.user.id === partnership.principalId || actor.user.id === partnership.coachId;
}
