import type { Actor } from '../model';
import { Refusal } from '../errors';
import type { Decision } from './shared';
import { canAnswerInvitation, canCreateSchool, canExportSchool, canGiveRole, canManageCoaches, canTakeRole } from './governance';
import { canAnswerProposal, canBook, canEditItem, canManageClosures, canManageSeries, canUseAgenda, canViewHealth, canViewPartnership } from './series';
import {
  canAcknowledgeEscalation,
  canArrangeThreeWay,
  canChangeEscalationSettings,
  canCountEscalations,
  canRaiseEscalation,
  canReadAuditLog,
  canRecordEscalationOutcome,
  canSteerEscalation,
  canViewEscalation,
} from './escalation';
import {
  canActAsRequester,
  canAnswerCoachingSession,
  canAnswerRequest,
  canCoach,
  canRequestCoaching,
  canSeeCoachingDemand,
  canSeeCoachingSession,
  canSeeHelpfulAnswer,
  canSeeRequest,
} from './coaching';
import { canHaveCalendarFeed, canImportSchoolCalendar, canSeeInCalendarFeed } from './calendar';
import { maySeeMeetingNote } from './meeting-notes';

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
  'meeting-note.see': maySeeMeetingNote,
  'health.view': canViewHealth,
  'escalation.raise': canRaiseEscalation,
  'escalation.view': canViewEscalation,
  'escalation.steer': canSteerEscalation,
  'escalation.acknowledge': canAcknowledgeEscalation,
  'escalation.outcome': canRecordEscalationOutcome,
  'escalation.arrange': canArrangeThreeWay,
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
  'coaching.session.see': canSeeCoachingSession,
  'coaching.session.answer': canAnswerCoachingSession,
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
