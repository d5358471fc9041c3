/**
 * The table in pathway.ts, applied: a step's rule and the stages it is allowed from decide whether
 * it may be taken (`guard` refuses it, `permits` says whether to offer it), and `enact` writes,
 * cancels, plans, audits and notifies what the table declares for it, and nothing else.
 */
import type { RequestContext } from '../../core/context';
import type { Actor, School, User } from '../../core/model';
import { Refusal } from '../../core/errors';
import { authorize, decide, type Decision } from '../../core/policy';
import type { Message } from '../../messages/model';
import type { Escalation, EscalationChange } from '../../core/ports';
import { pendingPrefix, refusalOf, targetOf, transition, type OutboxKind, type StepEvent } from './pathway';

/** The step's named rule for this actor and escalation. */
function ruleDecision(event: StepEvent, actor: Actor, school: School, e: Escalation, now: Date): Decision {
  const rule = transition(event).rule;
  switch (rule) {
    case 'escalation.steer':
      return decide(rule, actor, school, e);
    case 'escalation.acknowledge':
      return decide(rule, actor, school, e, now);
    case 'escalation.outcome':
      return decide(rule, actor, school, e, now);
    case 'escalation.raise':
      return decide(rule, actor, school);
  }
}

/** Refuses the step unless its rule lets the actor take it and the table allows it from the escalation's stage. */
export function guard(ctx: RequestContext, event: StepEvent, e: Escalation, school: School): void {
  const rule = transition(event).rule;
  switch (rule) {
    case 'escalation.steer':
      authorize(rule, ctx.actor, school, e);
      break;
    case 'escalation.acknowledge':
      authorize(rule, ctx.actor, school, e, ctx.now);
      break;
    case 'escalation.outcome':
      authorize(rule, ctx.actor, school, e, ctx.now);
      break;
    case 'escalation.raise':
      authorize(rule, ctx.actor, school);
      break;
  }
  const refusal = refusalOf(event, e);
  if (refusal) throw new Refusal(refusal);
}

/** Whether the actor may take the step now (the buttons a list offers). */
export function permits(actor: Actor, now: Date, event: StepEvent, e: Escalation, school: School): boolean {
  return ruleDecision(event, actor, school, e, now).allowed && refusalOf(event, e) === undefined;
}

export interface Planned {
  recipient: User;
  kind: OutboxKind;
  compose: Record<string, string | number>;
  dedupeKey: string;
  dueAt?: Date;
}
export interface Told {
  recipient: User;
  message: Message;
  dedupeKey: string;
}
export interface Effects {
  change?: Omit<EscalationChange, 'stage'>;
  planned?: Planned[];
  told?: Told[];
}

/** A step's effects, as the table declares them: writes (and the target stage), cancels, plans, audit, notices. */
export function enact(ctx: RequestContext, event: StepEvent, e: Escalation, school: School, effects: Effects = {}): Escalation {
  const step = transition(event);
  // The table is the contract: a step that writes or sends what it does not declare is a bug.
  const undeclared = [
    ...Object.keys(effects.change ?? {}).filter((k) => !step.writes.includes(k as keyof EscalationChange)),
    ...(effects.planned ?? []).map((p) => p.kind).filter((k) => !step.schedules?.includes(k)),
    ...(effects.told?.length && !step.notifies ? ['a notice'] : []),
  ];
  if (undeclared.length) throw new Error(`escalation step ${event} does not declare ${undeclared.join(', ')}`);
  const tenantId = ctx.actor.tenant.id;
  const to = targetOf(event, e.stage);
  const change: EscalationChange = { ...effects.change, ...(to !== e.stage ? { stage: to } : {}) };
  const updated = Object.keys(change).length ? ctx.services.escalations.update(tenantId, e.id, change, ctx.now) : e;
  if (step.cancels) ctx.services.outbox.cancelPending(pendingPrefix(e.id, step.cancels === 'all' ? undefined : step.cancels));
  for (const p of effects.planned ?? []) ctx.schedule(p.recipient, p.kind, p.compose, p.dedupeKey, p.dueAt);
  if (step.audit) ctx.audit({ schoolId: school.id, action: step.audit.action, subjectType: 'escalation', subjectId: e.id, detail: step.audit.detail });
  for (const t of effects.told ?? []) ctx.notify(t.recipient, step.notifies!, t.message, t.dedupeKey);
  return updated;
}
