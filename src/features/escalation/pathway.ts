/**
 * The escalation pathway as a declared transition table (DESIGN.md §1 rule 5, §2): every step a
 * coach or a principal can take, from which stages, under which named policy rule, to which stage,
 * and what it writes (escalation fields, audit, outbox). The service enforces it and the lists
 * offer buttons from it; no handler checks a stage itself.
 *
 * Checks run in this order: the step's policy rule first (so nobody learns the stage of an
 * escalation they may not see), then `unraised`, then `from`.
 */
import type { EscalationChange, Stage } from '../../core/ports';
import { STAGES } from '../../core/ports';
import { NO_SUCH_ESCALATION, RAISE_FIRST, alreadyInStage } from './messages';

/** DMs planned by the pathway and composed when sent (reminders.ts), with their dedupe key's segment. */
export const OUTBOX_KINDS = { urgent: 'escalation.urgent', page: 'escalation.page', reflect: 'escalation.reflect', followUp: 'escalation.followup' } as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[keyof typeof OUTBOX_KINDS];
const KEY_SEGMENT: Record<OutboxKind, string> = {
  'escalation.urgent': 'urgent',
  'escalation.page': 'page',
  'escalation.reflect': 'reflect',
  'escalation.followup': 'followup',
};
/** DMs the pathway sends with their message already written. */
export const NOTICE_KINDS = { acknowledged: 'escalation.acknowledged', outcome: 'escalation.outcome' } as const;
export type NoticeKind = (typeof NOTICE_KINDS)[keyof typeof NOTICE_KINDS];

/** The dedupe-key prefix of an escalation's DMs: all of them, or those of one kind. */
export function pendingPrefix(escalationId: number, kind?: OutboxKind): string {
  return kind ? `esc:${escalationId}:${KEY_SEGMENT[kind]}:` : `esc:${escalationId}:`;
}

/** A stage, or `new`: the creation step, before there is an escalation. */
export type PathwayState = 'new' | Stage;
export const PATHWAY_STATES: readonly PathwayState[] = ['new', ...STAGES];

export type PathwayRule = 'escalation.raise' | 'escalation.steer' | 'escalation.acknowledge' | 'escalation.outcome';

export interface Transition {
  /** What fires it: the command, button (action id) or form. */
  trigger: string;
  from: readonly PathwayState[];
  /** Who may fire it: the named rule of core/policy. */
  rule: PathwayRule;
  /** The stage it leaves the escalation in; `unchanged` keeps whichever it was in. */
  to: Stage | 'unchanged';
  /** The escalation fields it writes besides the stage (for `create`: set on the new row). */
  writes: readonly (keyof EscalationChange)[];
  /** The refusal while the escalation has not been raised (the principal's side of the pathway; the rule says it first). */
  unraised?: string;
  audit?: { action: string; detail?: string };
  /** The escalation's pending DMs it cancels: all of them, or those of one kind. */
  cancels?: 'all' | OutboxKind;
  /** DMs it plans, composed when sent. */
  schedules?: readonly OutboxKind[];
  /** A DM it sends to the other side (coach ↔ principals). */
  notifies?: NoticeKind;
}

const OPEN: readonly Stage[] = ['reflecting', 'raised', 'urgent', 'plan'];
/** Every stage a principal may see: what was raised to them, open or closed. */
const RAISED_ONCE: readonly Stage[] = ['raised', 'urgent', 'plan', 'resolved', 'withdrawn'];
/** Where an outcome may still be recorded: raised and not closed. */
const AWAITING_OUTCOME: readonly Stage[] = ['raised', 'urgent', 'plan'];

export const PATHWAY = {
  // ---- the coach's side: before the principal -------------------------------------------------------
  create: {
    trigger: 'command escalate (form), "can wait"',
    from: ['new'],
    rule: 'escalation.raise',
    to: 'reflecting',
    writes: ['partnershipId'],
    audit: { action: 'escalation.create', detail: 'pathway' },
  },
  'create.urgent': {
    trigger: 'command escalate (form), "urgent"',
    from: ['new'],
    rule: 'escalation.raise',
    to: 'urgent',
    writes: ['partnershipId', 'raisedAt', 'visibleFrom'],
    audit: { action: 'escalation.create', detail: 'urgent' },
    schedules: [OUTBOX_KINDS.urgent, OUTBOX_KINDS.page],
  },
  'shared.yes': {
    trigger: 'button escalation.shared "Yes, we talked"',
    from: ['reflecting'],
    rule: 'escalation.steer',
    to: 'reflecting',
    writes: ['sharedFirst'],
  },
  'shared.no': {
    trigger: 'button escalation.shared "Not yet"',
    from: ['reflecting'],
    rule: 'escalation.steer',
    to: 'reflecting',
    writes: ['sharedFirst', 'reflectUntil'],
    schedules: [OUTBOX_KINDS.reflect],
  },
  'raise.ask': {
    trigger: 'button escalation.raise-ask "Raise it"',
    from: ['reflecting'],
    rule: 'escalation.steer',
    to: 'reflecting',
    writes: [],
  },
  reflect: {
    trigger: 'button escalation.reflect "Reflect first"',
    from: ['reflecting'],
    rule: 'escalation.steer',
    to: 'reflecting',
    writes: ['reflectUntil'],
    schedules: [OUTBOX_KINDS.reflect],
  },
  'not-yet': {
    trigger: 'button escalation.not-yet "Not yet (2 more days)"',
    from: ['reflecting'],
    rule: 'escalation.steer',
    to: 'reflecting',
    writes: ['reflectUntil', 'notYetCount'],
    schedules: [OUTBOX_KINDS.reflect],
  },
  raise: {
    trigger: 'button escalation.raise "Raise it — they know" / "Raise it — not told"',
    from: ['reflecting'],
    rule: 'escalation.steer',
    to: 'raised',
    writes: ['raisedAt', 'teacherInformed', 'reflectUntil', 'partnershipId', 'visibleFrom'],
    audit: { action: 'escalation.raise' },
    cancels: OUTBOX_KINDS.reflect,
  },
  'worked-out': {
    trigger: 'button escalation.worked-out "We worked it out"',
    from: ['reflecting'],
    rule: 'escalation.steer',
    to: 'resolved',
    writes: ['closedAt', 'reflectUntil'],
    audit: { action: 'escalation.resolve', detail: 'worked out' },
    cancels: 'all',
  },
  withdraw: {
    trigger: 'button escalation.withdraw "Withdraw"',
    from: OPEN,
    rule: 'escalation.steer',
    to: 'withdrawn',
    writes: ['closedAt'],
    audit: { action: 'escalation.withdraw' },
    cancels: 'all',
  },
  // ---- the principal's side: once raised ---------------------------------------------------------------
  acknowledge: {
    // Only records who saw it and when (a second press answers "Already acknowledged"), so a closed one may be acknowledged too.
    trigger: 'button escalation.ack "Acknowledge"',
    from: RAISED_ONCE,
    rule: 'escalation.acknowledge',
    to: 'unchanged',
    writes: ['acknowledgedAt', 'acknowledgedBy'],
    unraised: NO_SUCH_ESCALATION,
    audit: { action: 'escalation.acknowledge' },
    cancels: OUTBOX_KINDS.page,
    notifies: NOTICE_KINDS.acknowledged,
  },
  'outcome.open': {
    // Opens the outcome form only; saving it is checked again (outcome.plan / resolved / withdrawn).
    trigger: 'button escalation.outcome "Record outcome"',
    from: RAISED_ONCE,
    rule: 'escalation.outcome',
    to: 'unchanged',
    writes: [],
    unraised: RAISE_FIRST,
  },
  'outcome.plan': {
    trigger: 'form escalation.outcome "Plan agreed"',
    from: AWAITING_OUTCOME,
    rule: 'escalation.outcome',
    to: 'plan',
    writes: ['planText', 'planOwnerId', 'followUpDate'],
    unraised: RAISE_FIRST,
    audit: { action: 'escalation.outcome', detail: 'plan' },
    cancels: OUTBOX_KINDS.followUp,
    schedules: [OUTBOX_KINDS.followUp],
    notifies: NOTICE_KINDS.outcome,
  },
  'outcome.resolved': {
    trigger: 'form escalation.outcome "Resolved"',
    from: AWAITING_OUTCOME,
    rule: 'escalation.outcome',
    to: 'resolved',
    writes: ['closedAt', 'planText'],
    unraised: RAISE_FIRST,
    audit: { action: 'escalation.outcome', detail: 'resolved' },
    cancels: 'all',
    notifies: NOTICE_KINDS.outcome,
  },
  'outcome.withdrawn': {
    trigger: 'form escalation.outcome "Withdrawn"',
    from: AWAITING_OUTCOME,
    rule: 'escalation.outcome',
    to: 'withdrawn',
    writes: ['closedAt', 'planText'],
    unraised: RAISE_FIRST,
    audit: { action: 'escalation.outcome', detail: 'withdrawn' },
    cancels: 'all',
    notifies: NOTICE_KINDS.outcome,
  },
} as const satisfies Record<string, Transition>;

export type PathwayEvent = keyof typeof PATHWAY;
export const PATHWAY_EVENTS = Object.keys(PATHWAY) as PathwayEvent[];
/** The steps taken on an escalation that exists (all but creation). */
export type StepEvent = Exclude<PathwayEvent, 'create' | 'create.urgent'>;

export function transition(event: PathwayEvent): Transition {
  return PATHWAY[event];
}

/**
 * Why the table refuses `event` for this escalation (`undefined`: there is none yet), or
 * `undefined` when it allows it. The step's policy rule is applied before this, by the service.
 */
export function refusalOf(event: PathwayEvent, e: { stage: Stage; raisedAt: Date | null } | undefined): string | undefined {
  const step = transition(event);
  if (!e) return step.from.includes('new') ? undefined : NO_SUCH_ESCALATION;
  if (step.unraised && e.raisedAt === null) return step.unraised;
  return step.from.includes(e.stage) ? undefined : alreadyInStage(e.stage);
}

/** The stage an allowed `event` leaves the escalation in. */
export function targetOf(event: PathwayEvent, from: Stage): Stage {
  const to = transition(event).to;
  return to === 'unchanged' ? from : to;
}

/**
 * While which stages a planned DM is still worth sending (checked when it is composed): the
 * repeated page only while still urgent, the reflection question while reflecting, the
 * follow-up while a plan stands. The first urgent DM is due at once.
 */
export const SENT_WHILE: Record<OutboxKind, readonly Stage[]> = {
  'escalation.urgent': STAGES,
  'escalation.page': ['urgent'],
  'escalation.reflect': ['reflecting'],
  'escalation.followup': ['plan'],
};
