/** Touch-points: booking them, seeing and managing their series, closures, the agenda and partnership health. */
import type { Actor, Partnership, Role, School, Series } from '../model';
import { allow, deny, hasRole, inPartnership, LEADER_ROLES, rolesAt, sameTenant, type Decision } from './shared';

/** A touch-point is always principal (or AP) with coach; either side may propose it. */
/** Whether the person holds a role that books touch-points anywhere (a principal, an AP, a coach): hints to book are for them only. */
export function booksTouchpoints(actor: Actor): boolean {
  return actor.memberships.some((m) => m.role === 'coach' || LEADER_ROLES.includes(m.role));
}

export function canBook(actor: Actor, school: School, otherRoles: Role[]): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  const mine = rolesAt(actor, school.id);
  const iLead = mine.some((r) => LEADER_ROLES.includes(r));
  const iCoach = mine.includes('coach');
  const theyLead = otherRoles.some((r) => LEADER_ROLES.includes(r));
  const theyCoach = otherRoles.includes('coach');
  if ((iLead && theyCoach) || (iCoach && theyLead)) return allow;
  if (!iLead && !iCoach) return deny(`Only principals, assistant principals and coaches of ${school.name} book touch-points.`);
  return deny(
    iLead
      ? 'A touch-point is between a principal and a coach: that person is not a coach at your school.'
      : 'A touch-point is between a coach and a principal: that person is not a principal or assistant principal at your school.',
  );
}

/** The two people of a partnership (and no one else) see its series and occurrences. */
export function canViewPartnership(actor: Actor, school: School, partnership: Partnership): Decision {
  if (!sameTenant(actor, school) || partnership.schoolId !== school.id) return deny('That touch-point is not yours.');
  return inPartnership(actor, partnership) ? allow : deny('Only the principal and the coach of a touch-point can see it.');
}

/** Skip, move, pause, resume, cancel: the two people of the partnership, while still members in their roles. */
export function canManageSeries(actor: Actor, school: School, partnership: Partnership): Decision {
  const view = canViewPartnership(actor, school, partnership);
  if (!view.allowed) return view;
  const stillInRole =
    actor.user.id === partnership.coachId ? hasRole(actor, school.id, 'coach') : hasRole(actor, school.id, 'principal', 'assistant_principal');
  return stillInRole ? allow : deny(`You no longer hold your role at ${school.name}.`);
}

/** Only the invited person answers a proposal; the proposer may withdraw it with cancel. */
export function canAnswerProposal(actor: Actor, school: School, partnership: Partnership, series: Series): Decision {
  const manage = canManageSeries(actor, school, partnership);
  if (!manage.allowed) return manage;
  if (series.status !== 'proposed') return deny('That proposal has already been answered.');
  return series.proposedBy === actor.user.id ? deny('You proposed this touch-point; the other person answers it.') : allow;
}

/** Closures (holidays, testing days) are the school's calendar: leaders and admins set them. */
export function canManageClosures(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'principal', 'assistant_principal', 'admin')
    ? allow
    : deny(`Only a principal, assistant principal or admin of ${school.name} can mark the school closed.`);
}

/** Agenda items, notes, priorities, action items: the partnership's two people only (same as viewing it). */
export const canUseAgenda = canManageSeries;

/** Only the author edits or removes an agenda item, and only until the meeting starts. */
export function canEditItem(actor: Actor, authorId: number | null, meetingStarted: boolean): Decision {
  if (authorId !== actor.user.id) return deny('Only the person who added an item can change it.');
  return meetingStarted ? deny('The meeting has started; the item can be marked at the meeting instead.') : allow;
}

/** Partnership health: the coach sees their own partnership; principals and APs their school's. */
export function canViewHealth(actor: Actor, school: School, partnership: Partnership): Decision {
  if (!sameTenant(actor, school) || partnership.schoolId !== school.id) return deny('That partnership is not in your school.');
  if (inPartnership(actor, partnership)) return allow;
  return hasRole(actor, school.id, 'principal', 'assistant_principal')
    ? allow
    : deny('Only the partnership and the school’s principals see its health report.');
}
