/**
 * After a touch-point: whether it happened (held, missed, rescheduled), its notes (each item
 * discussed, carried over or dropped) and its next steps — each an action item with an owner
 * and a due date, whose reminder is planned at once.
 */
import type { Reply, RequestContext } from '../../core/context';
import type { Occurrence } from '../../core/model';
import { Refusal, UsageError } from '../../core/errors';
import type { LocalDate, TypedTime } from '../../core/datetime';
import { schoolTime } from '../booking/when';
import type { Message } from '../../messages/model';
import type { AgendaItem } from '../../core/ports';
import { describeOccurrence, otherPerson, type SeriesView } from '../booking/service';
import { moveOccurrence } from '../booking/commands';
import { agendaPartnership, nextWhen, viewFromOccurrence } from './service';
import { planActionReminder } from './reminders';
import { tagIfAgreed } from './priorities';
import {
  heldMessage,
  lastMissedMessage,
  missedMessage,
  nextStepLine,
  notesAlreadySavedLine,
  notesForm,
  notesNotice,
  notesSummary,
  outcomeNotice,
  withNextStepButton,
  NEXT_STEP_ROWS,
} from './messages';
import { outcomeQuestion } from './reminder-messages';
import { writeNote } from './meeting-notes';
import { NOTE_INPUTS, PRIVATE_SAVED_LINE, sharedNotesLine } from './meeting-notes-messages';

/** A decision or next step as submitted: all three together, or none (the schema checks). */
export interface NextStep {
  decision?: string;
  owner?: string;
  due?: LocalDate;
  /** The shared priority the next step serves (its slot), if tagged. */
  priority?: number;
}

/** Each item's mark in the notes form, by input id (`item_<id>`): discussed, carry or drop; and up to three next steps (`decision`, `decision_2`, …). */
export type NotesArgs = Record<string, string | undefined>;

/** The items a touch-point covered: those still open that were added before it ended. */
function itemsOf(ctx: RequestContext, view: SeriesView, occurrence: Occurrence): AgendaItem[] {
  return ctx.services.agenda.openItems(ctx.actor.tenant.id, view.partnership.id).filter((i) => i.createdAt < occurrence.endsAt);
}

function notesFormOf(ctx: RequestContext, view: SeriesView, occurrence: Occurrence): Message {
  // Every open item, so each can be marked.
  return notesForm(view, occurrence, itemsOf(ctx, view, occurrence), ctx.services.agenda.priorities(ctx.actor.tenant.id, view.partnership.id));
}

/** For a held touch-point: the notes form, or — once its notes are saved — the way to add a next step. */
function notesOrNextStep(ctx: RequestContext, view: SeriesView, occurrence: Occurrence): Message {
  if (!ctx.services.agenda.outcomeOf(occurrence.id)?.notesAt) return notesFormOf(ctx, view, occurrence);
  return withNextStepButton(notesAlreadySavedLine(describeOccurrence(occurrence, view.school.timeZone)), occurrence.id);
}

/** The Held / Missed buttons of "Did it happen?". */
export function recordOutcome(ctx: RequestContext, value: string, outcome: 'held' | 'missed'): Reply {
  const { view, occurrence } = viewFromOccurrence(ctx, value);
  const { agenda } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  if (occurrence.startsAt > ctx.now) throw new Refusal('That touch-point has not started yet.');
  const previous = agenda.outcomeOf(occurrence.id);
  if (previous || occurrence.status !== 'scheduled') {
    const by = previous?.by ? ctx.services.people.userById(tenantId, previous.by)?.displayName : undefined;
    if (occurrence.status === 'held' && outcome === 'held') return { messages: [notesOrNextStep(ctx, view, occurrence)] }; // pressed again
    throw new Refusal(`Already recorded as ${occurrence.status}${by ? ` by ${by}` : ''}.`);
  }
  agenda.recordOutcome(tenantId, occurrence.id, outcome, ctx.actor.user.id, ctx.now);
  ctx.services.series.updateOccurrence(tenantId, occurrence.id, { status: outcome }, ctx.actor.user.id, ctx.now);
  ctx.audit({ schoolId: view.school.id, action: `meeting.${outcome}`, subjectType: 'occurrence', subjectId: occurrence.id });
  const when = describeOccurrence(occurrence, view.school.timeZone);
  const other = otherPerson(view, ctx.actor.user);
  if (outcome === 'missed') {
    for (const item of itemsOf(ctx, view, occurrence)) agenda.carryItem(tenantId, item.id, ctx.now);
    ctx.notify(other, 'meeting.missed', outcomeNotice(ctx.actor.user, when, 'missed'), `outcome:${occurrence.id}`);
    return { messages: [missedMessage(nextWhen(ctx, view))] };
  }
  ctx.notify(other, 'meeting.held', outcomeNotice(ctx.actor.user, when, 'held'), `outcome:${occurrence.id}`);
  return { messages: [heldMessage(), notesFormOf(ctx, { ...view }, { ...occurrence, status: 'held' })] };
}

/** Records a next step as an action item of its owner (one of the two) and plans its reminder. */
function recordNextStep(ctx: RequestContext, view: SeriesView, occurrence: Occurrence, args: NextStep): string | undefined {
  if (!args.decision) return undefined;
  const owner = ctx.people.resolve(args.owner!);
  if (owner.id !== view.principal.id && owner.id !== view.coach.id) throw new UsageError('the owner must be one of the two of you', 'owner');
  const action = ctx.services.agenda.addAction(
    ctx.actor.tenant.id,
    {
      partnershipId: view.partnership.id,
      occurrenceId: occurrence.id,
      text: args.decision,
      ownerId: owner.id,
      dueDate: args.due!,
      createdBy: ctx.actor.user.id,
      prioritySlot: tagIfAgreed(ctx, view, args.priority),
    },
    ctx.now,
  );
  planActionReminder(ctx.services, ctx.actor.tenant.id, view, action.id, owner.id, args.due!, ctx.now);
  ctx.audit({ schoolId: view.school.id, action: 'action.add', subjectType: 'action_item', subjectId: action.id });
  return nextStepLine(owner, args.due!, args.decision);
}

/** The notes form: marks each item (unmarked ones carry over), records a next step, tells the other person. */
export function saveNotes(ctx: RequestContext, param: string, args: NotesArgs): Reply {
  const { view, occurrence } = viewFromOccurrence(ctx, param);
  const { agenda } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  if (occurrence.status !== 'held') throw new Refusal('Record first whether the touch-point happened.');
  if (!agenda.markNotes(tenantId, occurrence.id, ctx.now)) {
    throw new Refusal(
      `The notes for ${describeOccurrence(occurrence, view.school.timeZone)} were already saved. Add a next step with the "Add another next step" button, or /touchpoint agenda to see what carries over.`,
    );
  }
  let discussed = 0;
  let carried = 0;
  let dropped = 0;
  for (const item of itemsOf(ctx, view, occurrence)) {
    const mark = args[`item_${item.id}`];
    if (mark === 'discussed') {
      agenda.closeItem(tenantId, item.id, 'discussed', occurrence.id, ctx.now);
      discussed += 1;
    } else if (mark === 'drop') {
      agenda.closeItem(tenantId, item.id, 'dropped', occurrence.id, ctx.now);
      dropped += 1;
    } else {
      agenda.carryItem(tenantId, item.id, ctx.now);
      carried += 1;
    }
  }
  const steps = NEXT_STEP_ROWS.map((r) =>
    recordNextStep(ctx, view, occurrence, {
      decision: args[`decision${r}`],
      owner: args[`owner${r}`],
      due: args[`due${r}`],
      priority: args[`priority${r}`] ? Number(args[`priority${r}`]) : undefined,
    }),
  );
  const written = NOTE_INPUTS.filter((i) => args[i.id]).map((i) => writeNote(ctx, view, occurrence, i.visibility, args[i.id]!));
  ctx.audit({ schoolId: view.school.id, action: 'meeting.notes', subjectType: 'occurrence', subjectId: occurrence.id });
  const summary = notesSummary(describeOccurrence(occurrence, view.school.timeZone), { discussed, carried, dropped }, [
    ...steps.filter((x) => x !== undefined),
    ...written.filter((n) => n.visibility === 'shared').map(sharedNotesLine),
  ]);
  ctx.notify(otherPerson(view, ctx.actor.user), 'meeting.notes', notesNotice(ctx.actor.user, summary), `notes:${occurrence.id}:${ctx.now.getTime()}`);
  const own = written.some((n) => n.visibility === 'private') ? ` ${PRIVATE_SAVED_LINE}` : '';
  return { messages: [withNextStepButton(`${summary}${own}`, occurrence.id)] };
}

/** The next-step form (after the notes were saved): one more action item. */
export function addNextStep(ctx: RequestContext, param: string, args: NextStep): Reply {
  const { view, occurrence } = viewFromOccurrence(ctx, param);
  const step = recordNextStep(ctx, view, occurrence, args)!;
  return { messages: [withNextStepButton(`${step}.`, occurrence.id)] };
}

/** The reschedule form of "Did it happen?": the touch-point moves to the new date and time. */
export function rescheduleMeeting(ctx: RequestContext, param: string, date: LocalDate, typed: TypedTime): Reply {
  const { view, occurrence } = viewFromOccurrence(ctx, param);
  const time = schoolTime(ctx, view.school, typed);
  if (ctx.services.agenda.outcomeOf(occurrence.id) || occurrence.status !== 'scheduled')
    throw new Refusal(`That touch-point is already recorded as ${occurrence.status}.`);
  return { messages: [moveOccurrence(ctx, view, occurrence, date, time, 'rescheduled')] };
}

/** `notes`: for the last touch-point, "Did it happen?", the notes form, or how to add a next step. */
export function notesOfLastMeeting(ctx: RequestContext, withPerson?: string): Reply {
  const view = agendaPartnership(ctx, withPerson);
  const last = ctx.services.agenda
    .pastOccurrences(ctx.actor.tenant.id, view.series.id, ctx.now, 10)
    .find((o) => o.status === 'scheduled' || o.status === 'held' || o.status === 'missed');
  if (!last) throw new Refusal('No touch-point has taken place yet.');
  const occurrence = ctx.services.series.occurrenceById(ctx.actor.tenant.id, last.id)!;
  const when = describeOccurrence(occurrence, view.school.timeZone);
  if (occurrence.status === 'scheduled') return { messages: [outcomeQuestion(view, occurrence.id, when, otherPerson(view, ctx.actor.user).displayName)] };
  if (occurrence.status === 'missed') return { messages: [lastMissedMessage(when)] };
  return { messages: [notesOrNextStep(ctx, view, occurrence)] };
}
