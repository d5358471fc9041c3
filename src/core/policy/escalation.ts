import { isForgotten, type Actor, type Membership, type School, type User } from '../model';
import { allow, deny, hasRole, sameTenant, type Decision } from './shared';

// ---- escalations (DESIGN.md §1 rule 5; the "escalation" row of the table) -----------------------

/** The minimum the stages a principal may see: only what was raised to them (urgent is raised at once). */
const RAISED_STAGES = new Set(['raised', 'urgent', 'plan', 'resolved', 'withdrawn']);

export interface EscalationFacts {
  schoolId: number;
  coachId: number | null;
  stage: string;
  raisedAt: Date | null;
  /** From when the principals may read it: the next touch-point's compiled agenda (urgent, or no touch-point booked: at once). */
  visibleFrom: Date | null;
}

/**
 * Whether an escalation may still name the person it is about: only while they are a current member
 * of its school with a live account. Erased, gone from the school, deactivated or never linked all
 * read "a teacher" alike, so the change from a name gives none of those reasons away (erasure in
 * particular): a reader learns only that the name is gone.
 */
export function mayNameConcernedPerson(person: User | undefined, memberships: readonly Membership[], schoolId: number): person is User {
  if (!person || isForgotten(person) || person.kind === 'deactivated') return false;
  return memberships.some((m) => m.userId === person.id && m.schoolId === schoolId);
}

/** Only coaches of the school raise escalations. */
export function canRaiseEscalation(actor: Actor, school: School): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'coach') ? allow : deny('Only coaches raise escalations; a principal can add a concern to the agenda with /touchpoint add.');
}

/**
 * How far an escalation reaches a reader: `details` (its text, who it concerns, its outcome),
 * `summary` (that one is waiting, and its category) or `none`. The raising coach reads everything;
 * the school's principal and assistant principals read the details once it has been raised to
 * them — from the compiled agenda of the touch-point it was raised for (urgent: at once) — and
 * until then only a raised one's category, counted. Never teachers (not even the one it
 * concerns), never other coaches, never another tenant. Every view of an escalation asks this.
 */
export type EscalationReach = 'details' | 'summary' | 'none';

export function escalationReach(actor: Actor, school: School, e: EscalationFacts, now: Date): EscalationReach {
  if (!sameTenant(actor, school) || e.schoolId !== school.id) return 'none';
  if (e.coachId === actor.user.id && hasRole(actor, school.id, 'coach')) return 'details';
  if (!hasRole(actor, school.id, 'principal', 'assistant_principal') || e.raisedAt === null || e.visibleFrom === null || !RAISED_STAGES.has(e.stage))
    return 'none';
  if (e.visibleFrom <= now) return 'details';
  return e.stage === 'raised' ? 'summary' : 'none';
}

/** Who reads an escalation's details (escalationReach): the raising coach, and its principals from the compiled agenda on. */
export function canViewEscalation(actor: Actor, school: School, e: EscalationFacts, now: Date): Decision {
  return escalationReach(actor, school, e, now) === 'details' ? allow : deny('There is no such escalation you can see.');
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
  return leaderWhoMayView(actor, school, e, now, 'Only the principal or an assistant principal acknowledges an urgent escalation.');
}

/** The school's principal or an assistant principal, once they may read the escalation; `refusal` otherwise. */
function leaderWhoMayView(actor: Actor, school: School, e: EscalationFacts, now: Date, refusal: string): Decision {
  const view = canViewEscalation(actor, school, e, now);
  if (!view.allowed) return view;
  return hasRole(actor, school.id, 'principal', 'assistant_principal') ? allow : deny(refusal);
}

/**
 * Marking a proposed three-way conversation (coach, teacher, principal) arranged: the school's
 * principal or assistant principals, once they may read the escalation (with the compiled agenda).
 */
export function canArrangeThreeWay(actor: Actor, school: School, e: EscalationFacts, now: Date): Decision {
  return leaderWhoMayView(actor, school, e, now, 'Only the principal or an assistant principal arranges the three-way conversation.');
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

/** The school-wide escalation pathway settings (reflection days, urgent acknowledgement window): its principals and APs. */
export function canChangeEscalationSettings(actor: Actor, school: School, setting: string): Decision {
  if (!sameTenant(actor, school)) return deny('That school is not in your workspace.');
  return hasRole(actor, school.id, 'principal', 'assistant_principal')
    ? allow
    : deny(`Only a principal or assistant principal of ${school.name} changes ${setting}.`);
}
