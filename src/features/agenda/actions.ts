/**
 * Action items outside the meeting: `actions` lists the actor's (mine, and the other person's in
 * each of their partnerships), and its buttons mark one done, re-date it or hand it to the other
 * member. Each change is audited, re-plans the due-date reminder and tells the owner (or former
 * owner) when it was someone else who changed it; a second press changes nothing.
 */
import type { Reply, RequestContext } from '../../core/context';
import type { Partnership, School, User } from '../../core/model';
import { Refusal } from '../../core/errors';
import { authorize, booksTouchpoints, decide } from '../../core/policy';
import { bookingHint } from '../booking/messages';
import type { LocalDate } from '../../core/datetime';
import type { ActionItem } from '../../core/ports';
import { actionDoneMessage } from './messages';
import { actionChangedNotice, actionsMessage, reassignedMessage, redateForm, redatedMessage, type ListedAction } from './action-messages';
import { overdueActions } from './overdue';
import { cancelActionDue, planActionDue } from './reminders';

/** How far back `actions` shows items done (or dropped). */
export const RECENT_DAYS = 14;

interface Place {
  partnership: Partnership;
  school: School;
  principal: User;
  coach: User;
}

function placeOf(ctx: RequestContext, partnershipId: number): Place | undefined {
  const tenantId = ctx.actor.tenant.id;
  const partnership = ctx.services.series.partnershipById(tenantId, partnershipId);
  const school = partnership && ctx.services.people.schoolById(tenantId, partnership.schoolId);
  const principal = partnership && ctx.services.people.userById(tenantId, partnership.principalId);
  const coach = partnership && ctx.services.people.userById(tenantId, partnership.coachId);
  return partnership && school && principal && coach ? { partnership, school, principal, coach } : undefined;
}

const otherOf = (place: Place, user: { id: number }): User => (place.principal.id === user.id ? place.coach : place.principal);

/** The action item a button or form names, in a partnership the actor belongs to (the policy decides). */
function actionInReach(ctx: RequestContext, value: string): { action: ActionItem; place: Place } {
  const action = ctx.services.agenda.actionById(ctx.actor.tenant.id, Number(value));
  const place = action && placeOf(ctx, action.partnershipId);
  if (!action || !place) throw new Refusal('That action item no longer exists.');
  authorize('agenda.use', ctx.actor, place.school, place.partnership);
  if (action.status !== 'open') throw new Refusal(`That action item is already ${action.status}.`);
  return { action, place };
}

interface ActionLists {
  /** Open, mine then ours, each by due date (the overdue on top): numbered 1… in this order. */
  numbered: ListedAction[];
  mine: ListedAction[];
  ours: ListedAction[];
  done: ListedAction[];
}

/** Mine and ours, open first by due date (so the overdue on top), then those closed lately. */
function actionLists(ctx: RequestContext): ActionLists {
  const tenantId = ctx.actor.tenant.id;
  const me = ctx.actor.user;
  const places = new Map<number, Place>();
  for (const s of ctx.services.series.liveSeriesOfUser(tenantId, me.id)) {
    const place = places.has(s.partnershipId) ? undefined : placeOf(ctx, s.partnershipId);
    if (place && decide('agenda.use', ctx.actor, place.school, place.partnership).allowed) places.set(s.partnershipId, place);
  }
  if (places.size === 0) throw new Refusal(`You have no touch-point partnership, so no action items. ${bookingHint(booksTouchpoints(ctx.actor))}`);
  const since = new Date(ctx.now.getTime() - RECENT_DAYS * 86_400_000);
  const all = ctx.services.agenda.actionsOfPartnerships(tenantId, [...places.keys()], since);
  const overdue = new Map<number, string>();
  for (const [pid, place] of places) {
    const ofPlace = all.filter((a) => a.partnershipId === pid);
    for (const [id, label] of overdueActions(ctx.services, tenantId, place.school, ofPlace, ctx.now)) overdue.set(id, label);
  }
  const listed = all.map((action): ListedAction => {
    const place = places.get(action.partnershipId)!;
    const owner = place.principal.id === action.ownerId ? place.principal : place.coach;
    return { action, owner, other: otherOf(place, owner), overdue: overdue.get(action.id) };
  });
  const open = listed.filter((l) => l.action.status === 'open');
  const mine = open.filter((l) => l.owner.id === me.id);
  const ours = open.filter((l) => l.owner.id !== me.id);
  return { numbered: [...mine, ...ours], mine, ours, done: listed.filter((l) => l.action.status !== 'open') };
}

/** `actions`: mine and ours, numbered for the typed commands, then those closed lately. */
export function listActions(ctx: RequestContext): Reply {
  const { mine, ours, done } = actionLists(ctx);
  return { messages: [actionsMessage(mine, ours, done, RECENT_DAYS)] };
}

/** The open item numbered `n` in `actions` (the same order), or one clear line. */
function numberedAction(ctx: RequestContext, n: number): ListedAction {
  const { numbered } = actionLists(ctx);
  if (numbered.length === 0) throw new Refusal('You have no open action items.');
  const listed = numbered[n - 1];
  if (!listed)
    throw new Refusal(`There is no open action item ${n}: /touchpoint actions numbers them ${numbered.length === 1 ? '1 only' : `1 to ${numbered.length}`}.`);
  return listed;
}

/** Typed `actions done|redate|reassign <n> [date]`: the same as the item's buttons. */
export function typedAction(ctx: RequestContext, verb: 'done' | 'redate' | 'reassign', n: number, due?: LocalDate): Reply {
  const { action, other } = numberedAction(ctx, n);
  if (verb === 'done') return actionDone(ctx, String(action.id));
  if (verb === 'redate') return redateAction(ctx, String(action.id), due ?? action.dueDate);
  // Reassign hands it to the member who does not hold it, as its button does.
  return reassignAction(ctx, `${action.id}:${other.id}`);
}

/** Tells the other member of the partnership, when the item is (or was) theirs. */
function tellOwner(ctx: RequestContext, place: Place, owners: number[], message: ReturnType<typeof actionChangedNotice>, key: string): void {
  const other = otherOf(place, ctx.actor.user);
  if (owners.includes(other.id)) ctx.notify(other, 'action.changed', message, key);
}

/** Done (from `actions` or the due-day reminder). */
export function actionDone(ctx: RequestContext, value: string): Reply {
  const { action, place } = actionInReach(ctx, value);
  ctx.services.agenda.closeAction(ctx.actor.tenant.id, action.id, 'done', ctx.now);
  ctx.audit({ schoolId: place.school.id, action: 'action.done', subjectType: 'action_item', subjectId: action.id });
  tellOwner(ctx, place, [action.ownerId], actionChangedNotice(ctx.actor.user, action, { done: true }), `action:${action.id}:done`);
  return { messages: [actionDoneMessage(action)] };
}

/** Re-date: the form with the current due date. */
export function redateAsk(ctx: RequestContext, value: string): Reply {
  return { messages: [redateForm(actionInReach(ctx, value).action)] };
}

/** The re-date form: a new due date, and the due-date reminder planned again for it. */
export function redateAction(ctx: RequestContext, param: string, due: LocalDate): Reply {
  const { action, place } = actionInReach(ctx, param);
  if (due === action.dueDate) return { messages: [redatedMessage(action, due)] };
  if (!ctx.services.agenda.redateAction(ctx.actor.tenant.id, action.id, due)) throw new Refusal('That action item is no longer open.');
  cancelActionDue(ctx.services, action);
  planActionDue(ctx.services, ctx.actor.tenant.id, { ...action, dueDate: due }, ctx.now);
  ctx.audit({ schoolId: place.school.id, action: 'action.redate', subjectType: 'action_item', subjectId: action.id, detail: due });
  const notice = actionChangedNotice(ctx.actor.user, action, { due });
  tellOwner(ctx, place, [action.ownerId], notice, `action:${action.id}:redate:${due}:${ctx.now.getTime()}`);
  return { messages: [redatedMessage(action, due)] };
}

/** Reassign: the item goes to the member the button names (the other one); pressed again, nothing changes. */
export function reassignAction(ctx: RequestContext, value: string): Reply {
  const [id, target] = value.split(':');
  const { action, place } = actionInReach(ctx, id);
  const to = [place.principal, place.coach].find((u) => u.id === Number(target));
  if (!to) throw new Refusal('An action item can only go to one of the two of you.');
  if (action.ownerId === to.id || !ctx.services.agenda.reassignAction(ctx.actor.tenant.id, action.id, to.id)) {
    throw new Refusal(`That action item is already ${to.displayName}’s.`);
  }
  cancelActionDue(ctx.services, action);
  planActionDue(ctx.services, ctx.actor.tenant.id, { ...action, ownerId: to.id }, ctx.now);
  ctx.audit({ schoolId: place.school.id, action: 'action.reassign', subjectType: 'action_item', subjectId: action.id, detail: String(to.id) });
  const notice = actionChangedNotice(ctx.actor.user, action, { to });
  tellOwner(ctx, place, [action.ownerId, to.id], notice, `action:${action.id}:owner:${to.id}:${ctx.now.getTime()}`);
  return { messages: [reassignedMessage(action, to)] };
}
