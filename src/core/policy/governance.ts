/** Who creates schools, gives whom which role, manages its coaches, exports its data and reviews failed deliveries. */
import type { Actor, Membership, Role, School } from '../model';
import { allow, deny, hasRole, sameTenant, type Decision } from './shared';

/** Only a workspace's Touchpoint admins create schools (the creator becomes its principal). */
export function canCreateSchool(actor: Actor): Decision {
  return actor.tenantAdmin === true
    ? allow
    : deny(
        'Only a Touchpoint admin of this workspace creates schools: ask whoever installed Touchpoint to add you as an admin, or to create the school and name you its principal.',
      );
}

// ---- governance: who may give whom which role (DESIGN.md §1 "Roles and governance") -------------

/** The roles `/touchpoint roles` governs; `admin` is a tenant admin (teachers join by asking for help, never by assignment). */
export const GOVERNED_ROLES = ['principal', 'assistant_principal', 'coach', 'admin'] as const;
export type GovernedRole = (typeof GOVERNED_ROLES)[number];

export const GOVERNED_ROLE_LABELS: Record<GovernedRole, string> = {
  principal: 'principal',
  assistant_principal: 'assistant principal',
  coach: 'coach',
  admin: 'admin',
};

/** What the rules need to know about the person whose role would change. */
export interface RoleTarget {
  userId: number;
  name: string;
  /** Their roles at the school in question. */
  rolesHere: readonly Role[];
  tenantAdmin: boolean;
  /** A bot or app user, or a deactivated account: never given a role. */
  notAPerson?: string;
  /** They hold roles at other schools and none here: only an admin brings them in. */
  elsewhereOnly?: boolean;
}

const isLeaderRole = (r: Role | GovernedRole): boolean => r === 'principal' || r === 'assistant_principal';

/**
 * Adding a role: admins name principals and admins; principals and APs (and admins) name APs
 * and propose coaches. A school's principals and APs never hold its coach role, nor its coaches
 * a leader role (separation of duties: the confidentiality of coaching depends on it).
 */
export function canGiveRole(actor: Actor, school: School, role: GovernedRole, target: RoleTarget): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  if (target.notAPerson) return deny(`${target.name} ${target.notAPerson}, so they cannot hold a role.`);
  const admin = actor.tenantAdmin === true;
  const leads = hasRole(actor, school.id, 'principal', 'assistant_principal');
  if ((role === 'principal' || role === 'admin') && !admin) {
    return deny(`Only a Touchpoint admin names ${role === 'admin' ? 'admins' : 'principals'}.`);
  }
  if ((role === 'assistant_principal' || role === 'coach') && !admin && !leads) {
    return deny(
      `Only a principal or assistant principal of ${school.name}, or an admin, ${role === 'coach' ? 'proposes coaches' : 'names assistant principals'} there.`,
    );
  }
  if (!admin && target.elsewhereOnly && target.userId !== actor.user.id) {
    return deny(`${target.name} belongs to another school: ask a Touchpoint admin to give them a role at ${school.name}.`);
  }
  if (role === 'coach' && target.rolesHere.some(isLeaderRole)) {
    const theirs = target.rolesHere.find(isLeaderRole)!;
    const who = target.userId === actor.user.id ? 'You are' : `${target.name} is`;
    return deny(
      `${who} ${GOVERNED_ROLE_LABELS[theirs as GovernedRole]} at ${school.name}: a school's principal or assistant principal never holds its coach role (coaching requests are confidential from leaders).`,
    );
  }
  if (isLeaderRole(role) && target.rolesHere.includes('coach')) {
    const who = target.userId === actor.user.id ? 'You are' : `${target.name} is`;
    return deny(
      `${who} coach at ${school.name}: a coach cannot also be its ${GOVERNED_ROLE_LABELS[role]} (coaching requests are confidential from leaders). Remove the coach role first.`,
    );
  }
  return allow;
}

/** Removing a role: the same people who may give it; the last admin of a workspace stays. */
export function canTakeRole(actor: Actor, school: School, role: GovernedRole, target: RoleTarget, adminCount: number): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  const admin = actor.tenantAdmin === true;
  const leads = hasRole(actor, school.id, 'principal', 'assistant_principal');
  // Anyone may step down from a role (nobody is kept in one: it would block their own erasure).
  if (target.userId === actor.user.id && role !== 'admin') return allow;
  if ((role === 'principal' || role === 'admin') && !admin) return deny(`Only a Touchpoint admin removes ${role === 'admin' ? 'admins' : 'principals'}.`);
  if ((role === 'assistant_principal' || role === 'coach') && !admin && !leads) {
    return deny(`Only a principal or assistant principal of ${school.name}, or an admin, changes its ${GOVERNED_ROLE_LABELS[role]}s.`);
  }
  if (role === 'admin' && target.tenantAdmin && adminCount <= 1) return deny('That is the last Touchpoint admin of this workspace: add another admin first.');
  return allow;
}

/** Only the invited person answers a role invitation. */
export function canAnswerInvitation(actor: Actor, invitation: { userId: number }): Decision {
  return invitation.userId === actor.user.id ? allow : deny('That invitation is not yours.');
}

/** Principals, assistant principals and school admins manage who coaches at the school. */
export function canManageCoaches(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'principal', 'assistant_principal', 'admin')
    ? allow
    : deny(`Only a principal, assistant principal or admin of ${school.name} can change its coaches.`);
}

/** A school's export: its admins and principals (the export itself holds only what an admin may see). */
export function canExportSchool(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'admin', 'principal') ? allow : deny(`Only an admin or the principal of ${school.name} exports its data.`);
}

// ---- failed deliveries (operational state: DESIGN.md §1, "workspace admin") ----------------------

/** `/touchpoint deliveries`, its Retry buttons and the daily failure digest: workspace admins and school admins. */
export function canReviewDeliveries(actor: Actor): Decision {
  if (actor.tenantAdmin === true || actor.memberships.some((m) => m.role === 'admin')) return allow;
  return deny('Only a Touchpoint admin or a school admin reviews failed deliveries.');
}

/**
 * Whose failed deliveries an admin sees: a workspace admin, the whole workspace's; a school
 * admin, those to people who hold a role at a school they administer.
 */
export function deliveryInReach(actor: Actor, recipientMemberships: readonly Membership[]): boolean {
  if (actor.tenantAdmin === true) return true;
  const administered = new Set(actor.memberships.filter((m) => m.role === 'admin').map((m) => m.schoolId));
  return recipientMemberships.some((m) => administered.has(m.schoolId));
}

/**
 * Outbox kinds whose existence an admin may know, with a human label. That a reminder about a
 * touch-point did not arrive tells an admin nothing confidential; that a teacher or coach was sent
 * a coaching message, an escalation step or an erasure notice would (coaching requests are
 * visible to the teacher and coaches only; escalations to admins as counts). Every kind not listed
 * here — those, and any added later — is shown as a private message with its recipient withheld.
 */
const OPEN_DELIVERY_KINDS: Record<string, string> = {
  'agenda.prompt': 'agenda prompt',
  'agenda.compiled': 'compiled agenda',
  'meeting.outcome': 'after-meeting check-in',
  'agenda.drift': '"protect this time" nudge',
  'action.due': 'action item reminder',
  'action.changed': 'action item change',
  'booking.proposal': 'touch-point proposal',
  'booking.accepted': 'touch-point booking answer',
  'booking.declined': 'touch-point booking answer',
  'booking.change': 'touch-point change',
  'booking.change.answer': 'touch-point change answer',
  'booking.cancelled': 'touch-point cancelled notice',
  'booking.skipped': 'touch-point skipped notice',
  'booking.unskipped': 'touch-point back-on notice',
  'booking.moved': 'touch-point moved notice',
  'booking.rescheduled': 'touch-point moved notice',
  'booking.closed': 'school closure notice',
  'booking.reopened': 'school reopening notice',
  'booking.undeliverable': 'undelivered proposal notice',
  'meeting.held': 'touch-point update',
  'meeting.missed': 'touch-point update',
  'meeting.notes': 'meeting notes notice',
  agreement: 'partnership agreement',
  'roles.invitation': 'role invitation',
  'roles.invitation.answer': 'role invitation answer',
  'roles.undeliverable': 'undelivered invitation notice',
  'calendar.import': 'calendar import report',
  'operations.digest': 'failed-delivery digest',
};

export const PRIVATE_DELIVERY_LABEL = 'private message';
export const WITHHELD_RECIPIENT = 'withheld (private)';

/** What an admin is shown of a failed delivery's kind and recipient: never a confidential fact. */
export function deliveryForAdmin(kind: string, recipientName: string): { label: string; recipient: string; private: boolean } {
  const label = OPEN_DELIVERY_KINDS[kind];
  return label ? { label, recipient: recipientName, private: false } : { label: PRIVATE_DELIVERY_LABEL, recipient: WITHHELD_RECIPIENT, private: true };
}
