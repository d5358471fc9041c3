/**
 * The one place that decides who may see or do what (DESIGN.md §1, "Who sees what").
 * Every function is pure over the actor's memberships and the subject's facts, so the rules
 * can be read, and tested, in one file. A person with several roles gets the union of what
 * each role allows; every grant is limited to the actor's own tenant and school.
 */
import type { Actor, Partnership, Role, School, Series } from './model';
import { Refusal } from './errors';

export type Decision = { allowed: true } | { allowed: false; reason: string };

const allow: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

export const LEADER_ROLES: readonly Role[] = ['principal', 'assistant_principal'];

export function rolesAt(actor: Actor, schoolId: number): Role[] {
  return actor.memberships.filter((m) => m.schoolId === schoolId).map((m) => m.role);
}

export function hasRole(actor: Actor, schoolId: number, ...roles: Role[]): boolean {
  return actor.memberships.some((m) => m.schoolId === schoolId && roles.includes(m.role));
}

function sameTenant(actor: Actor, school: School): boolean {
  return school.tenantId === actor.tenant.id;
}

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

/** A touch-point is always principal (or AP) with coach; either side may propose it. */
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

function inPartnership(actor: Actor, partnership: Partnership): boolean {
  return actor.user.id === partnership.principalId || actor.user.id === partnership.coachId;
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

// ---- escalations (DESIGN.md §1 rule 5; the "escalation" row of the table) -----------------------

/** The minimum the stages a principal may see: only what was raised to them (urgent is raised at once). */
const RAISED_STAGES = new Set(['raised', 'urgent', 'plan', 'resolved', 'withdrawn']);

export interface EscalationFacts {
  schoolId: number;
  coachId: number | null;
  stage: string;
  raisedAt: Date | null;
  /** From when the principals may read it: the next touch-point's agenda prompt (urgent: at once). */
  visibleFrom: Date | null;
}

/** Only coaches of the school raise escalations. */
export function canRaiseEscalation(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'coach') ? allow : deny('Only coaches raise escalations; a principal can add a concern to the agenda with /touchpoint add.');
}

/**
 * Who reads an escalation's details: the raising coach (everything), and the school's principal
 * and assistant principals once it has been raised to them — never before (no beeline), never
 * teachers (not even the one it concerns), never other coaches, never another tenant.
 */
export function canViewEscalation(actor: Actor, school: School, e: EscalationFacts, now: Date): Decision {
  const none = deny('There is no such escalation you can see.');
  if (!sameTenant(actor, school) || e.schoolId !== school.id) return none;
  if (e.coachId === actor.user.id && hasRole(actor, school.id, 'coach')) return allow;
  const reachedThem = e.raisedAt !== null && e.visibleFrom !== null && e.visibleFrom <= now;
  if (hasRole(actor, school.id, 'principal', 'assistant_principal') && reachedThem && RAISED_STAGES.has(e.stage)) return allow;
  return none;
}

/** The pathway steps before the principal (raise, worked it out, not yet, withdraw): the raising coach. */
export function canSteerEscalation(actor: Actor, school: School, e: EscalationFacts): Decision {
  if (!sameTenant(actor, school) || e.schoolId !== school.id || e.coachId !== actor.user.id || !hasRole(actor, school.id, 'coach')) {
    return deny('There is no such escalation you can see.');
  }
  return allow;
}

/** Acknowledging an urgent escalation: the school's principal or assistant principals. */
export function canAcknowledgeEscalation(actor: Actor, school: School, e: EscalationFacts, now: Date): Decision {
  const view = canViewEscalation(actor, school, e, now);
  if (!view.allowed) return view;
  return hasRole(actor, school.id, 'principal', 'assistant_principal')
    ? allow
    : deny('Only the principal or an assistant principal acknowledges an urgent escalation.');
}

/** Recording the outcome after it was raised: the principal, the APs, or the raising coach. */
export function canRecordEscalationOutcome(actor: Actor, school: School, e: EscalationFacts, now: Date): Decision {
  const view = canViewEscalation(actor, school, e, now);
  if (!view.allowed) return view;
  return e.raisedAt !== null ? allow : deny('Raise it first; the outcome is recorded at or after the touch-point.');
}

/**
 * Admins see escalations only as counts by category and stage. Principals do not get counts:
 * a count of concerns still "reflecting" would tell them of a concern before it was raised.
 */
export function canCountEscalations(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'admin') ? allow : deny('Only the school’s admins see escalation counts.');
}

/** The audit log: the school's admins only. */
export function canReadAuditLog(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'admin') ? allow : deny('Only the school’s admins read its audit log.');
}

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

/** Aggregate demand (counts by topic and month, and what teachers chose to share): principals, APs, and admins (the table: "same as principal"). */
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

/** A school's export: its admins and principals (the export itself holds only what an admin may see). */
export function canExportSchool(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'admin', 'principal') ? allow : deny(`Only an admin or the principal of ${school.name} exports its data.`);
}

// ---- calendar feeds and the school calendar (issue 8) ----------------------------------------------

/**
 * What a calendar feed may show: a series of a partnership its owner is in, in the owner's tenant
 * and school, while the owner still holds that side's role there (a principal who left the school
 * stops seeing its touch-points). Nothing else ever goes into a feed: feeds are synced to other services.
 */
export function canSeeInCalendarFeed(owner: Actor, school: School, partnership: Partnership): Decision {
  if (!sameTenant(owner, school) || partnership.schoolId !== school.id || !inPartnership(owner, partnership)) {
    return deny('Only the principal and the coach of a touch-point see it in their calendar.');
  }
  const stillInRole =
    owner.user.id === partnership.coachId ? hasRole(owner, school.id, 'coach') : hasRole(owner, school.id, 'principal', 'assistant_principal');
  return stillInRole ? allow : deny(`You no longer hold your role at ${school.name}.`);
}

/** A calendar feed: principals, assistant principals and coaches who are in a partnership (teachers never). */
export function canHaveCalendarFeed(actor: Actor, partnerships: { school: School; partnership: Partnership }[]): Decision {
  if (partnerships.some(({ school, partnership }) => canSeeInCalendarFeed(actor, school, partnership).allowed)) return allow;
  const booker = actor.memberships.some((m) => m.role === 'coach' || LEADER_ROLES.includes(m.role));
  return deny(
    booker
      ? 'Your calendar feed holds your touch-points, and you have none yet. Book one with /touchpoint book @name weekly tue 14:00.'
      : 'Calendar feeds are for principals, assistant principals and coaches, for their touch-points; teachers have none.',
  );
}

/** The school-wide escalation pathway settings (reflection days, urgent acknowledgement window): its principals and APs. */
export function canChangeEscalationSettings(actor: Actor, school: School, setting: string): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'principal', 'assistant_principal')
    ? allow
    : deny(`Only a principal or assistant principal of ${school.name} changes ${setting}.`);
}

/** Importing the school's calendar (holidays, breaks, testing days) into closures: whoever may set closures. */
export function canImportSchoolCalendar(actor: Actor, school: School): Decision {
  return canManageClosures(actor, school);
}

// ---- rules by name ------------------------------------------------------------------------------

/**
 * Every rule by name. A command spec names the actor-only rule that guards it (`policy: 'school.create'`)
 * and the registry applies it; services apply the rules that need a subject with `authorize`.
 */
export const RULES = {
  'school.create': canCreateSchool,
  'school.coaches.manage': canManageCoaches,
  'role.give': canGiveRole,
  'role.take': canTakeRole,
  'role.answer': canAnswerInvitation,
  'school.export': canExportSchool,
  'series.book': canBook,
  'series.view': canViewPartnership,
  'series.manage': canManageSeries,
  'series.answer': canAnswerProposal,
  'closures.manage': canManageClosures,
  'agenda.use': canUseAgenda,
  'agenda.item.edit': canEditItem,
  'health.view': canViewHealth,
  'escalation.raise': canRaiseEscalation,
  'escalation.view': canViewEscalation,
  'escalation.steer': canSteerEscalation,
  'escalation.acknowledge': canAcknowledgeEscalation,
  'escalation.outcome': canRecordEscalationOutcome,
  'escalation.count': canCountEscalations,
  'escalation.settings': canChangeEscalationSettings,
  'audit.read': canReadAuditLog,
  'coaching.request': canRequestCoaching,
  'coaching.see': canSeeRequest,
  'coaching.answer': canAnswerRequest,
  'coaching.requester': canActAsRequester,
  'coaching.helpful': canSeeHelpfulAnswer,
  'coaching.demand': canSeeCoachingDemand,
  'coaching.coach': canCoach,
  'calendar.feed.see': canSeeInCalendarFeed,
  'calendar.feed.have': canHaveCalendarFeed,
  'calendar.import': canImportSchoolCalendar,
} as const;

export type RuleName = keyof typeof RULES;
type RuleArgs<K extends RuleName> = Parameters<(typeof RULES)[K]>;

/** The rules that need nothing but the actor: the ones a command spec can declare as its guard. */
export type ActorRule = { [K in RuleName]: RuleArgs<K> extends [Actor] ? K : never }[RuleName];

/** The named rule's decision. */
export function decide<K extends RuleName>(rule: K, ...args: RuleArgs<K>): Decision {
  return (RULES[rule] as (...a: RuleArgs<K>) => Decision)(...args);
}

/** Applies the named rule: a refusal is thrown with its reason, which the person is shown. */
export function authorize<K extends RuleName>(rule: K, ...args: RuleArgs<K>): void {
  const decision = decide(rule, ...args);
  if (!decision.allowed) throw new Refusal(decision.reason);
}
