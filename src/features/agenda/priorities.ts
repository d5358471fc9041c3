/**
 * Shared priorities both own. Any change — a new priority, new wording, clearing one — is a
 * proposal the other member of the partnership accepts ("Accept") or declines ("Keep mine"), as a
 * booking is; until then the current one stands and the list says who it waits for. A newer
 * proposal on the same slot replaces the open one (its buttons then say so); the proposer may
 * withdraw. Items and action items may be tagged with an agreed priority (its slot).
 */
import { z } from 'zod';
import type { Reply, RequestContext } from '../../core/context';
import type { User } from '../../core/model';
import type { Priority, PriorityProposal } from '../../core/ports';
import { Refusal } from '../../core/errors';
import { authorize } from '../../core/policy';
import type { Choice } from '../../messages/model';
import { otherPerson, viewOf, type SeriesView } from '../booking/service';
import { agendaPartnership } from './service';
import {
  acceptedMessage,
  acceptedNotice,
  alreadyProposedMessage,
  keptMessage,
  keptNotice,
  prioritiesMessage,
  priorityChoices,
  proposalMessage,
  proposedMessage,
  withdrawnMessage,
  withdrawnNotice,
} from './priorities-messages';

export const FEW = 'A partnership keeps at most 3 shared priorities: a shared vision means few priorities.';

export type PrioritiesOp = 'set' | 'add' | 'clear' | 'withdraw' | 'accept' | 'keep';

/** The outbox key of the DM that asks the other person about a proposal. */
const proposalKey = (proposalId: number): string => `priority.proposal:${proposalId}`;

interface Slots {
  current: Priority[];
  open: PriorityProposal[];
}

function slotsOf(ctx: RequestContext, view: SeriesView): Slots {
  const { agenda } = ctx.services;
  return { current: agenda.priorities(ctx.actor.tenant.id, view.partnership.id), open: agenda.openProposals(ctx.actor.tenant.id, view.partnership.id) };
}

function listOf(ctx: RequestContext, view: SeriesView): Reply['messages'][number] {
  const { current, open } = slotsOf(ctx, view);
  return prioritiesMessage(view, ctx.actor.user, current, open);
}

/** `priorities [set|add|clear|withdraw|accept|keep …]`: the list, after the change asked for. */
export function changePriorities(ctx: RequestContext, args: { op?: PrioritiesOp; slot?: number; text?: string; with?: string }): Reply {
  const view = agendaPartnership(ctx, args.with);
  const { current, open } = slotsOf(ctx, view);
  const slot = args.slot!;
  switch (args.op) {
    case undefined:
      return { messages: [listOf(ctx, view)] };
    case 'add': {
      const free = [1, 2, 3].find((n) => !current.some((p) => p.slot === n) && !open.some((p) => p.slot === n));
      if (!free) throw new Refusal(`${FEW} Clear one first: /touchpoint priorities clear <1-3>.`);
      return withList(ctx, view, propose(ctx, view, free, args.text!));
    }
    case 'set':
      return withList(ctx, view, propose(ctx, view, slot, args.text!));
    case 'clear':
      return withList(ctx, view, propose(ctx, view, slot, null));
    case 'withdraw': {
      const mine = open.find((p) => p.slot === slot && p.proposedBy === ctx.actor.user.id);
      if (!mine) throw new Refusal(`You have no open proposal for priority ${slot}.`);
      return withList(ctx, view, withdraw(ctx, view, mine));
    }
    case 'accept':
    case 'keep': {
      const waiting = open.find((p) => p.slot === slot);
      if (!waiting) throw new Refusal(`There is no open proposal for priority ${slot}.`);
      return answer(ctx, String(waiting.id), args.op);
    }
  }
}

const withList = (ctx: RequestContext, view: SeriesView, result: Reply['messages'][number]): Reply => ({ messages: [result, listOf(ctx, view)] });

/** Proposes `text` for the slot (null: clearing it) to the other person, replacing an open proposal on it. */
function propose(ctx: RequestContext, view: SeriesView, slot: number, text: string | null): Reply['messages'][number] {
  const tenantId = ctx.actor.tenant.id;
  const me = ctx.actor.user;
  const other = otherPerson(view, me);
  const { current, open } = slotsOf(ctx, view);
  const now = current.find((p) => p.slot === slot);
  const waiting = open.find((p) => p.slot === slot);
  if (text === null && !now) {
    // Clearing your own proposal for an empty slot takes it back.
    if (waiting?.proposedBy === me.id) return withdraw(ctx, view, waiting);
    if (waiting) throw new Refusal(`Priority ${slot} is not set yet; ${other.displayName}’s proposal for it waits for your answer.`);
    throw new Refusal(`Priority ${slot} is not set.`);
  }
  if (text !== null && now?.text === text) throw new Refusal(`Priority ${slot} already reads “${text}”.`);
  if (waiting?.proposedBy === me.id && waiting.text === text) return alreadyProposedMessage(other, slot);
  const { proposal, replaced } = ctx.services.agenda.proposePriority(tenantId, { partnershipId: view.partnership.id, slot, text, proposedBy: me.id }, ctx.now);
  // A replaced proposal's question is not sent later if it is still waiting in the outbox.
  if (replaced) ctx.services.outbox.cancelPendingKey(proposalKey(replaced.id));
  ctx.audit({ schoolId: view.school.id, action: 'priority.propose', subjectType: 'partnership', subjectId: view.partnership.id, detail: String(slot) });
  const replacedOwn = replaced && replaced.proposedBy === other.id ? replaced : undefined;
  ctx.notify(other, 'agenda.priority', proposalMessage(me, proposal, now, replacedOwn), proposalKey(proposal.id));
  return proposedMessage(other, proposal, now);
}

function withdraw(ctx: RequestContext, view: SeriesView, proposal: PriorityProposal): Reply['messages'][number] {
  ctx.services.agenda.closeProposal(ctx.actor.tenant.id, proposal.id, 'withdrawn', ctx.now);
  ctx.audit({
    schoolId: view.school.id,
    action: 'priority.withdraw',
    subjectType: 'partnership',
    subjectId: view.partnership.id,
    detail: String(proposal.slot),
  });
  // Told only if the question already reached them; otherwise it is simply not sent.
  if (!ctx.services.outbox.cancelPendingKey(proposalKey(proposal.id))) {
    ctx.notify(otherPerson(view, ctx.actor.user), 'agenda.priority', withdrawnNotice(ctx.actor.user, proposal), `priority.withdrawn:${proposal.id}`);
  }
  const current = slotsOf(ctx, view).current.find((p) => p.slot === proposal.slot);
  return withdrawnMessage(proposal, current);
}

/** The proposal a button names, with its partnership, checked against the policy. */
function proposalOf(ctx: RequestContext, value: string): { proposal: PriorityProposal; view: SeriesView; proposer: User } {
  const tenantId = ctx.actor.tenant.id;
  const proposal = ctx.services.agenda.proposalById(tenantId, Number(value));
  const partnership = proposal && ctx.services.series.partnershipById(tenantId, proposal.partnershipId);
  const series = partnership && ctx.services.series.liveSeriesOfPartnership(tenantId, partnership.id)[0];
  if (!proposal || !series) throw new Refusal('That proposal no longer exists.');
  const view = viewOf(ctx.services, tenantId, series);
  authorize('agenda.use', ctx.actor, view.school, view.partnership);
  const proposer = [view.principal, view.coach].find((u) => u.id === proposal.proposedBy);
  if (!proposer) throw new Refusal('That proposal no longer exists.');
  if (proposal.status === 'replaced') throw new Refusal('That proposal was replaced by a newer one; see /touchpoint priorities.');
  if (proposal.status === 'withdrawn') throw new Refusal(`${proposer.displayName} withdrew that proposal.`);
  if (proposal.status !== 'open') throw new Refusal('That proposal has already been answered.');
  return { proposal, view, proposer };
}

/** Accept or Keep mine (the buttons, or `priorities accept|keep <n>`): only the other person answers. */
export function answer(ctx: RequestContext, value: string, choice: 'accept' | 'keep'): Reply {
  const tenantId = ctx.actor.tenant.id;
  const { proposal, view, proposer } = proposalOf(ctx, value);
  if (proposer.id === ctx.actor.user.id) throw new Refusal(`You proposed this change; ${otherPerson(view, proposer).displayName} answers it.`);
  const pid = view.partnership.id;
  const current = ctx.services.agenda.priorities(tenantId, pid).find((p) => p.slot === proposal.slot);
  ctx.services.agenda.closeProposal(tenantId, proposal.id, choice === 'accept' ? 'accepted' : 'kept', ctx.now);
  ctx.services.outbox.cancelPendingKey(proposalKey(proposal.id));
  const key = `priority.answer:${proposal.id}`;
  if (choice === 'keep') {
    ctx.audit({ schoolId: view.school.id, action: 'priority.keep', subjectType: 'partnership', subjectId: pid, detail: String(proposal.slot) });
    ctx.notify(proposer, 'agenda.priority', keptNotice(ctx.actor.user, proposal, current), key);
    return { messages: [keptMessage(proposer, proposal, current)] };
  }
  if (proposal.text === null) ctx.services.agenda.clearPriority(tenantId, pid, proposal.slot);
  else ctx.services.agenda.setPriority(tenantId, pid, proposal.slot, proposal.text, proposer.id, ctx.now);
  const action = proposal.text === null ? 'priority.clear' : 'priority.set';
  ctx.audit({ schoolId: view.school.id, action, subjectType: 'partnership', subjectId: pid, detail: String(proposal.slot) });
  ctx.notify(proposer, 'agenda.priority', acceptedNotice(ctx.actor.user, proposal), key);
  return { messages: [acceptedMessage(proposer, proposal)] };
}

/** The Withdraw button of the proposer's confirmation. */
export function withdrawByButton(ctx: RequestContext, value: string): Reply {
  const { proposal, view } = proposalOf(ctx, value);
  if (proposal.proposedBy !== ctx.actor.user.id) throw new Refusal('Only the person who proposed it can withdraw it.');
  return { messages: [withdraw(ctx, view, proposal)] };
}

// ---- tags ------------------------------------------------------------------------------------------

/** A priority tag as typed (`priority:2`, `priorities:2`, `p2`) or chosen in a form ("2"; empty: none). */
export const TAG_WORD = /^(?:p(\d+)|priorit(?:y|ies):(\S*))$/i;
export const zPriorityTag = () =>
  z
    .string()
    .optional()
    .transform((s, c) => {
      if (s === undefined || s === '') return undefined;
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1 || n > 3) {
        c.addIssue({ code: 'custom', message: `"priority ${s}" is not a shared priority: they are numbered 1, 2 and 3`, path: ['priority'] });
        return z.NEVER;
      }
      return n;
    });

/** Refuses a tag to a slot without an agreed priority, saying what stands in it instead. */
export function checkTag(ctx: RequestContext, view: SeriesView, slot: number | undefined): number | null {
  if (slot === undefined) return null;
  const { current, open } = slotsOf(ctx, view);
  if (current.some((p) => p.slot === slot)) return slot;
  const waiting = open.find((p) => p.slot === slot);
  const other = otherPerson(view, ctx.actor.user).displayName;
  const why = !waiting ? '' : waiting.proposedBy === ctx.actor.user.id ? ` (it waits for ${other}’s answer)` : ' (it waits for your answer)';
  throw new Refusal(`There is no shared priority ${slot} yet${why}. See /touchpoint priorities.`);
}

/** A tag for a next step: the slot if its priority is still agreed, else none (a form opened before it was cleared). */
export const tagIfAgreed = (ctx: RequestContext, view: SeriesView, slot: number | undefined): number | null =>
  slot !== undefined && slotsOf(ctx, view).current.some((p) => p.slot === slot) ? slot : null;

/**
 * The priority choices of the add form: the agreed priorities of the partnership it is for (with
 * `preset`, or the actor's only one); with several, the slots agreed in any of them (the add checks the one chosen).
 */
export function tagChoices(ctx: RequestContext, preset?: User): Choice[] {
  const tenantId = ctx.actor.tenant.id;
  const active = ctx.services.series.liveSeriesOfUser(tenantId, ctx.actor.user.id).filter((s) => s.status === 'active');
  const views = active.map((s) => viewOf(ctx.services, tenantId, s)).filter((v) => !preset || v.principal.id === preset.id || v.coach.id === preset.id);
  if (views.length === 1) return priorityChoices(ctx.services.agenda.priorities(tenantId, views[0].partnership.id));
  const agreed = new Set(views.flatMap((v) => ctx.services.agenda.priorities(tenantId, v.partnership.id).map((p) => p.slot)));
  return [...agreed].sort().map((n) => ({ value: String(n), label: `Priority ${n}` }));
}
