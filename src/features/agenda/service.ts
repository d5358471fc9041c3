/**
 * The agenda's use cases: items, the agreement, home and the compiled agenda (shared priorities:
 * priorities.ts; partnership health: report.ts). Each applies the policy, goes to the repositories
 * through the ports and answers with a message from messages.ts (the compiled agenda: reminder-messages.ts).
 */
import type { Reply, RequestContext, Services } from '../../core/context';
import type { Contributions } from '../../core/registry';
import type { Occurrence, User } from '../../core/model';
import { Refusal } from '../../core/errors';
import { authorize, booksTouchpoints } from '../../core/policy';
import type { LocalDate } from '../../core/datetime';
import type { Block, Message } from '../../messages/model';
import type { AgendaItem, Section } from '../../core/ports';
import { describeOccurrence, pickSeries, upcoming, viewOf, type SeriesView } from '../booking/service';
import { bookingHint } from '../booking/messages';
import { agreementConfirmedMessage, agreementMessage, itemAddedMessage, itemEditedMessage, itemRemovedMessage, passedMessage } from './messages';
import { checkTag } from './priorities';
import { overdueActions } from './overdue';
import { agendaMessage, homeAgendaBlocks, type AgendaOptions } from './reminder-messages';

// The calendar feed reads the section labels from here.
export { SECTION_LABELS } from './messages';

/** The partnership a command is about (its active series), checked against the policy. */
export function agendaPartnership(ctx: RequestContext, withPerson?: string): SeriesView {
  const person = withPerson ? ctx.people.resolve(withPerson) : undefined;
  const view = pickSeries(ctx, {
    withPerson: person,
    statuses: ['active'],
    none: `You have no active touch-point, so there is no agenda. ${bookingHint(booksTouchpoints(ctx.actor))}`,
  });
  authorize('agenda.use', ctx.actor, view.school, view.partnership);
  return view;
}

/** The touch-point a button or form names (its value is the occurrence id), checked against the policy. */
export function viewFromOccurrence(ctx: RequestContext, value: string): { view: SeriesView; occurrence: Occurrence } {
  const occurrence = ctx.services.series.occurrenceById(ctx.actor.tenant.id, Number(value));
  const series = occurrence && ctx.services.series.seriesById(ctx.actor.tenant.id, occurrence.seriesId);
  if (!occurrence || !series) throw new Refusal('That touch-point no longer exists.');
  const view = viewOf(ctx.services, ctx.actor.tenant.id, series);
  authorize('agenda.use', ctx.actor, view.school, view.partnership);
  return { view, occurrence };
}

/** When the partnership next meets, for "added to the agenda for …". */
export function nextWhen(ctx: RequestContext, view: SeriesView): string {
  const next = upcoming(ctx.services, ctx.actor.tenant.id, view, ctx.now, 1)[0];
  return next ? describeOccurrence(next, view.school.timeZone) : 'your next touch-point';
}

// ---- items ------------------------------------------------------------------------------------------

/** Whether the meeting an item was added for has started (its author can no longer change it). */
function meetingStarted(ctx: RequestContext, view: SeriesView, createdAt: Date): boolean {
  const first = ctx.services.series
    .occurrencesOfSeries(ctx.actor.tenant.id, view.series.id, createdAt, 50)
    .find((o) => o.startsAt >= createdAt && (o.status === 'scheduled' || o.status === 'held' || o.status === 'missed'));
  return first !== undefined && first.startsAt <= ctx.now;
}

/** An open item the actor may still change: their own, before its meeting starts. */
export function editableItem(ctx: RequestContext, itemId: number): { item: AgendaItem; view: SeriesView } {
  const { agenda } = ctx.services;
  const item = agenda.itemById(ctx.actor.tenant.id, itemId);
  if (!item || item.status !== 'open') throw new Refusal(`There is no open agenda item #${itemId}.`);
  const series = ctx.services.series.liveSeriesOfPartnership(ctx.actor.tenant.id, item.partnershipId).find((s) => s.status === 'active');
  if (!series) throw new Refusal('That partnership has no active touch-point.');
  const view = viewOf(ctx.services, ctx.actor.tenant.id, series);
  authorize('agenda.use', ctx.actor, view.school, view.partnership);
  authorize('agenda.item.edit', ctx.actor, item.authorId, meetingStarted(ctx, view, item.createdAt));
  return { item, view };
}

export function addItem(ctx: RequestContext, args: { section: Section; text: string; priority?: number; with?: string }): Reply {
  if (args.section === 'escalations') throw new Refusal('Escalations go through the pathway: /touchpoint escalate.');
  const view = agendaPartnership(ctx, args.with);
  const prioritySlot = checkTag(ctx, view, args.priority);
  const item = ctx.services.agenda.addItem(
    ctx.actor.tenant.id,
    { partnershipId: view.partnership.id, section: args.section, text: args.text, authorId: ctx.actor.user.id, prioritySlot },
    ctx.now,
  );
  ctx.audit({ schoolId: view.school.id, action: 'agenda.add', subjectType: 'agenda_item', subjectId: item.id });
  return { messages: [itemAddedMessage(item, nextWhen(ctx, view))] };
}

export function editItem(ctx: RequestContext, itemId: number, text: string): Reply {
  const { item, view } = editableItem(ctx, itemId);
  ctx.services.agenda.editItem(ctx.actor.tenant.id, item.id, text, ctx.now);
  ctx.audit({ schoolId: view.school.id, action: 'agenda.edit', subjectType: 'agenda_item', subjectId: item.id });
  return { messages: [itemEditedMessage(item.id, text)] };
}

export function removeItem(ctx: RequestContext, itemId: number): Reply {
  const { item, view } = editableItem(ctx, itemId);
  ctx.services.agenda.removeItem(ctx.actor.tenant.id, item.id);
  ctx.audit({ schoolId: view.school.id, action: 'agenda.remove', subjectType: 'agenda_item', subjectId: item.id });
  return { messages: [itemRemovedMessage(item)] };
}

/** `agenda`: the compiled agenda of the next touch-point, with item numbers to edit by. */
export function showAgenda(ctx: RequestContext, withPerson?: string): Reply {
  const view = agendaPartnership(ctx, withPerson);
  const occ = upcoming(ctx.services, ctx.actor.tenant.id, view, ctx.now, 1)[0];
  const compiled = compileAgenda(
    ctx.services,
    ctx.contributions,
    { tenantId: ctx.actor.tenant.id, view, occurrence: occ, viewer: ctx.actor.user, now: ctx.now },
    { showIds: true },
  );
  compiled.blocks.push({
    type: 'context',
    text: 'Change your own items until the meeting starts: /touchpoint agenda edit #<n> <text>, /touchpoint agenda remove #<n>',
  });
  return { messages: [compiled] };
}

/** The "Nothing from me this week" button of a prompt. */
export function passOnPrompt(ctx: RequestContext, value: string): Reply {
  const { view, occurrence } = viewFromOccurrence(ctx, value);
  ctx.services.agenda.pass(ctx.actor.tenant.id, occurrence.id, ctx.actor.user.id, ctx.now);
  return { messages: [passedMessage(describeOccurrence(occurrence, view.school.timeZone))] };
}

// ---- the agreement and action items -----------------------------------------------------------------

/** On a newly accepted series, both people get the agreement the partnership runs on. */
export function sendAgreement(ctx: RequestContext, payload: { seriesId: number }): void {
  const series = ctx.services.series.seriesById(ctx.actor.tenant.id, payload.seriesId);
  if (!series) return;
  const view = viewOf(ctx.services, ctx.actor.tenant.id, series);
  if (ctx.services.agenda.agreementConfirmedBy(ctx.actor.tenant.id, view.partnership.id).length === 2) return;
  for (const person of [view.principal, view.coach]) {
    ctx.notify(person, 'agreement', agreementMessage(view, person), `agreement:${view.partnership.id}:u${person.id}`);
  }
}

export function confirmAgreement(ctx: RequestContext, value: string): Reply {
  const { agenda } = ctx.services;
  const p = ctx.services.series.partnershipById(ctx.actor.tenant.id, Number(value));
  const school = p && ctx.services.people.schoolById(ctx.actor.tenant.id, p.schoolId);
  if (!p || !school) throw new Refusal('That partnership no longer exists.');
  authorize('agenda.use', ctx.actor, school, p);
  agenda.confirmAgreement(ctx.actor.tenant.id, p.id, ctx.actor.user.id, ctx.now);
  ctx.audit({ schoolId: school.id, action: 'agreement.confirm', subjectType: 'partnership', subjectId: p.id });
  const both = agenda.agreementConfirmedBy(ctx.actor.tenant.id, p.id).length === 2;
  return { messages: [agreementConfirmedMessage(both)] };
}

/** Home: the agenda so far of each partnership, and your open action items (overdue ones marked). */
export function homeAgenda(ctx: RequestContext): Block[] {
  const { agenda } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const partnerships = ctx.services.series
    .liveSeriesOfUser(tenantId, ctx.actor.user.id)
    .filter((s) => s.status === 'active')
    .map((series) => {
      const view = viewOf(ctx.services, tenantId, series);
      return { view, items: agenda.openItems(tenantId, view.partnership.id), proposals: agenda.openProposals(tenantId, view.partnership.id) };
    });
  const mine = agenda.openActionsOfOwner(tenantId, ctx.actor.user.id);
  const overdue = new Map<number, string>();
  for (const { view } of partnerships) {
    const ofPartnership = mine.filter((a) => a.partnershipId === view.partnership.id);
    for (const [id, label] of overdueActions(ctx.services, tenantId, view.school, ofPartnership, ctx.now)) overdue.set(id, label);
  }
  return homeAgendaBlocks(ctx.actor.user, partnerships, mine, overdue);
}

// ---- the compiled agenda ----------------------------------------------------------------------------

/** Whose agenda, for which touch-point (none when nothing is scheduled), seen by whom, when. */
export interface AgendaFor {
  tenantId: number;
  view: SeriesView;
  occurrence: Occurrence | undefined;
  viewer: User;
  now: Date;
}

/**
 * The compiled agenda as it stands: priorities, open items and action items from the repository,
 * and the sections other features registered (escalations, which apply their own policy).
 */
export function compileAgenda(services: Services, contributions: Contributions, at: AgendaFor, opts: AgendaOptions = {}): Message {
  const { agenda } = services;
  const { tenantId, view, occurrence, viewer, now } = at;
  const pid = view.partnership.id;
  const priorities = agenda.priorities(tenantId, pid);
  const proposals = agenda.openProposals(tenantId, pid);
  const items = agenda.openItems(tenantId, pid);
  const input = { tenantId, partnership: view.partnership, school: view.school, occurrence, viewer, now };
  const sections = contributions.agendaSections.flatMap((section) => section(services, input));
  const actions = agenda.openActions(tenantId, pid);
  const overdue = overdueActions(services, tenantId, view.school, actions, now);
  return agendaMessage(view, occurrence, viewer, { priorities, proposals, items, sections, actions, overdue }, opts);
}

/** True when no other occurrence of the series falls earlier in the same quarter. */
export function isFirstOfQuarter(occurrenceDate: LocalDate, earlierDates: LocalDate[]): boolean {
  const quarter = (d: LocalDate): string => `${d.slice(0, 4)}Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3)}`;
  return !earlierDates.some((d) => d < occurrenceDate && quarter(d) === quarter(occurrenceDate));
}
