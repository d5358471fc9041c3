/**
 * A three-way conversation (coach, teacher, principal): when the teacher knows the concern will be
 * discussed with the principal, the coach can propose, instead of a report about them, to talk it
 * through with the teacher present (DESIGN.md §1 rule 7). It goes on the next touch-point's agenda
 * with the escalation, as a proposal for the principal to arrange, and is read only by those who
 * may read the escalation, from when they may read it. Touchpoint never messages the teacher.
 *
 * The proposal's own small life, declared here: none | withdrawn ─propose─► proposed (the raising
 * coach); proposed ─arrange─► arranged (a principal or AP); proposed ─withdraw─► withdrawn (the coach).
 */
import type { RequestContext } from '../../core/context';
import type { Actor, School } from '../../core/model';
import { Refusal } from '../../core/errors';
import { authorize, decide } from '../../core/policy';
import type { Escalation, Stage, ThreeWay } from '../../core/ports';
import type { Block, Button, Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import { escapeMarkup as esc } from '../../messages/model';
import { NO_SUCH_ESCALATION, concernedName } from './messages';
import { schoolOf } from './views';

export const THREE_WAY_ACTIONS = {
  propose: 'escalation.three-way',
  arrange: 'escalation.three-way-arranged',
  withdraw: 'escalation.three-way-withdraw',
} as const;
export type ThreeWayStep = keyof typeof THREE_WAY_ACTIONS;

/** The stages a three-way conversation belongs to: raised to the principal, not closed. */
const OPEN_RAISED: readonly Stage[] = ['raised', 'plan'];

interface ThreeWayStepSpec {
  from: readonly (ThreeWay | null)[];
  to: ThreeWay;
  /** Why it does not fit the escalation as it stands (after the rule let the actor in). */
  refusal: (e: Escalation) => string;
}

const STEPS: Record<ThreeWayStep, ThreeWayStepSpec> = {
  propose: {
    from: [null, 'withdrawn'],
    to: 'proposed',
    refusal: (e) => `A three-way conversation about escalation #${e.id} is already ${e.threeWay === 'arranged' ? 'arranged' : 'proposed'}.`,
  },
  arrange: {
    from: ['proposed'],
    to: 'arranged',
    refusal: (e) =>
      e.threeWay === 'arranged' ? 'That three-way conversation is already arranged.' : `No three-way conversation is proposed on escalation #${e.id}.`,
  },
  withdraw: {
    from: ['proposed'],
    to: 'withdrawn',
    refusal: (e) =>
      e.threeWay === 'arranged' ? 'That three-way conversation is already arranged.' : `No three-way conversation is proposed on escalation #${e.id}.`,
  },
};

/** Why the coach may not propose one on this escalation (beyond the proposal's own state), or undefined. */
function notProposable(e: Escalation): string | undefined {
  if (!OPEN_RAISED.includes(e.stage)) return `A three-way conversation is proposed on a raised escalation that is still open; #${e.id} is ${e.stage}.`;
  if (e.concernsUserId === null) return `Escalation #${e.id} is not about a teacher, so there is no three-way conversation to have.`;
  if (e.teacherInformed !== true)
    return `Propose a three-way conversation once the teacher knows the concern will be discussed with the principal (you raised #${e.id} without telling them).`;
  return undefined;
}

/** Whether the actor may take the step (rule, then stage and the proposal's state). */
function decision(actor: Actor, now: Date, step: ThreeWayStep, e: Escalation, school: School): string | undefined {
  const rule = step === 'arrange' ? decide('escalation.arrange', actor, school, e, now) : decide('escalation.steer', actor, school, e);
  if (!rule.allowed) return rule.reason;
  if (step === 'propose') {
    const why = notProposable(e);
    if (why) return why;
  } else if (!OPEN_RAISED.includes(e.stage)) return `Escalation #${e.id} is ${e.stage}: there is nothing to arrange.`;
  return STEPS[step].from.includes(e.threeWay) ? undefined : STEPS[step].refusal(e);
}

/** The buttons the reader is offered for an escalation's three-way conversation. */
export function threeWayButtons(actor: Actor, now: Date, e: Escalation, school: School): Button[] {
  const labels: Record<ThreeWayStep, string> = { propose: 'Propose a three-way conversation', arrange: 'Mark arranged', withdraw: 'Withdraw the proposal' };
  return (['propose', 'arrange', 'withdraw'] as const)
    .filter((step) => decision(actor, now, step, e, school) === undefined)
    .map((step) => ({
      actionId: THREE_WAY_ACTIONS[step],
      label: labels[step],
      value: String(e.id),
      ...(step === 'arrange' ? { style: 'primary' as const } : {}),
    }));
}

/** Takes a step on the proposal; returns the escalation as it now stands and its school. */
export function takeThreeWayStep(ctx: RequestContext, step: ThreeWayStep, value: string): { e: Escalation; school: School; teacherName: string } {
  const tenantId = ctx.actor.tenant.id;
  const e = ctx.services.escalations.byId(tenantId, Number(String(value).split(':')[0]));
  if (!e) throw new Refusal(NO_SUCH_ESCALATION);
  const school = schoolOf(ctx.services, tenantId, e);
  // The rule first, with its own words, so nobody learns of an escalation they may not read.
  if (step === 'arrange') authorize('escalation.arrange', ctx.actor, school, e, ctx.now);
  else authorize('escalation.steer', ctx.actor, school, e);
  const why = decision(ctx.actor, ctx.now, step, e, school);
  if (why) throw new Refusal(why);
  const updated = ctx.services.escalations.update(tenantId, e.id, { threeWay: STEPS[step].to, threeWayAt: ctx.now, threeWayBy: ctx.actor.user.id }, ctx.now);
  ctx.audit({ schoolId: school.id, action: 'escalation.three-way', subjectType: 'escalation', subjectId: e.id, detail: STEPS[step].to });
  return { e: updated, school, teacherName: concernedName(ctx.services, tenantId, e) };
}

/** The offer after "Raise it — they know": a conversation with the teacher present, on the agenda as a proposal. */
export function threeWayOffer(ctx: RequestContext, e: Escalation, principalName: string | undefined): Block[] {
  const school = schoolOf(ctx.services, ctx.actor.tenant.id, e);
  const buttons = threeWayButtons(ctx.actor, ctx.now, e, school).filter((b) => b.actionId === THREE_WAY_ACTIONS.propose);
  if (buttons.length === 0) return [];
  const teacher = concernedName(ctx.services, ctx.actor.tenant.id, e);
  const principal = principalName ?? 'the principal';
  return [
    {
      type: 'text',
      text: esc(
        `Would it help to talk it through together — you, ${teacher} and ${principal} — rather than about ${teacher}? It goes on the agenda as a proposal for ${principal} to arrange.`,
      ),
    },
    { type: 'context', text: esc(`Touchpoint never messages ${teacher} about an escalation: once it is arranged, you invite them yourselves.`) },
    { type: 'actions', buttons: buttons.map((b) => ({ ...b, style: 'primary' as const })) },
  ];
}

/** The proposal's line in the agenda and the escalations list, for a reader who may read the escalation. */
export function threeWayLine(e: Escalation, teacherName: string): string | undefined {
  if (e.threeWay === 'proposed') return `Proposal: arrange a three-way conversation with ${teacherName} about escalation #${e.id}`;
  if (e.threeWay === 'arranged') return `Three-way conversation with ${teacherName} about escalation #${e.id}: arranged`;
  return undefined;
}

/** The proposal's blocks for a reader: its line and the buttons they are offered (in a list, the coach's offer to propose one too). */
export function threeWayBlocks(actor: Actor, now: Date, e: Escalation, school: School, teacherName: string, offerPropose = false): Block[] {
  const line = threeWayLine(e, teacherName);
  const buttons = threeWayButtons(actor, now, e, school).filter((b) => offerPropose || b.actionId !== THREE_WAY_ACTIONS.propose);
  return [...(line ? [{ type: 'text' as const, text: esc(line) }] : []), ...(buttons.length ? [{ type: 'actions' as const, buttons }] : [])];
}

// ---- what it says -------------------------------------------------------------------------------------------

export function threeWayProposed(e: Escalation, teacherName: string, principalName: string | undefined): Message {
  const principal = principalName ?? 'the principal';
  return textMessage(
    `Proposed: a three-way conversation with ${teacherName} about escalation #${e.id} is on the agenda with it, for ${principal} to arrange. ${principal} reads it with the escalation, not before.`,
    { type: 'context', text: esc(`Touchpoint sends ${teacherName} nothing about it: once it is arranged, invite them yourselves.`) },
  );
}
export function threeWayArranged(e: Escalation, teacherName: string, coachName: string | undefined): Message {
  return textMessage(
    `Marked arranged: the three-way conversation with ${teacherName} about escalation #${e.id}.${coachName ? ` ${coachName} has been told.` : ''}`,
    { type: 'context', text: esc(`Touchpoint sends ${teacherName} nothing about it: invite them yourselves.`) },
  );
}
export const threeWayArrangedToCoach = (byName: string, e: Escalation, teacherName: string): Message =>
  textMessage(`${byName} arranged the three-way conversation with ${teacherName} about escalation #${e.id}.`);
export const threeWayWithdrawn = (e: Escalation): Message =>
  textMessage(`The three-way conversation proposed on escalation #${e.id} is withdrawn; it is off the agenda.`);
