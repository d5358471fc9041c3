/**
 * `/touchpoint add`, `agenda`, `priorities`, `notes`, `report`, `settings`, and the buttons and
 * forms of the weekly rhythm: the agenda prompt, "Did it happen?", meeting notes, the agreement.
 */
import { z } from 'zod';
import type { CommandRegistry, CommandSpec, FormSpec } from '../../core/registry';
import type { Reply, RequestContext } from '../../core/context';
import type { Occurrence, User } from '../../core/model';
import { Refusal, UsageError } from '../../core/errors';
import { internalMention } from '../../core/app';
import { authorize, canEditItem, canUseAgenda, canViewHealth, LEADER_ROLES } from '../../core/policy';
import { formatLocalDate, isLocalTime, type LocalDate } from '../../core/datetime';
import { noExtra, takeWith, word, zDate, zMinutes, zTime } from '../../core/args';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import { SECTIONS, type Section } from '../../core/ports';
import {
  describeOccurrence, describeRule, otherPerson, partnerInput, pickSeries, upcoming, viewOf, type SeriesView,
} from '../booking/service';
import { moveOccurrence } from '../booking/commands';
import { SECTION_LABELS, SECTION_WORDS, agreementBlocks, compileAgenda } from './service';
import { coachingDemandMessage } from '../coaching';
import { MUTABLE, REMINDER_KINDS, composeReminder, outcomeQuestion, planActionReminder, planReminders } from './reminders';

const ok = textMessage;
const ITEM_MAX = 500;

function audit(ctx: RequestContext, view: SeriesView, action: string, subjectType: string, subjectId: number, detail?: string): void {
  ctx.services.audit.audit({ tenantId: ctx.actor.tenant.id, schoolId: view.school.id, actorId: ctx.actor.user.id, action, subjectType, subjectId, detail }, ctx.now);
}

/** The partnership a command is about (its active series), checked against the policy. */
function partnership(ctx: RequestContext, withPerson?: string): SeriesView {
  const person = withPerson ? ctx.people.resolve(withPerson) : undefined;
  const view = pickSeries(ctx, {
    withPerson: person, statuses: ['active'],
    none: 'You have no active touch-point, so there is no agenda. Book one with /touchpoint book @name weekly tue 14:00.',
  });
  const decision = canUseAgenda(ctx.actor, view.school, view.partnership);
  if (!decision.allowed) throw new Refusal(decision.reason);
  return view;
}

function viewFromOccurrence(ctx: RequestContext, value: string): { view: SeriesView; occurrence: Occurrence } {
  const occurrence = ctx.services.series.occurrenceById(ctx.actor.tenant.id, Number(value));
  const series = occurrence && ctx.services.series.seriesById(ctx.actor.tenant.id, occurrence.seriesId);
  if (!occurrence || !series) throw new Refusal('That touch-point no longer exists.');
  const view = viewOf(ctx.services, ctx.actor.tenant.id, series);
  const decision = canUseAgenda(ctx.actor, view.school, view.partnership);
  if (!decision.allowed) throw new Refusal(decision.reason);
  return { view, occurrence };
}

/** Whether the meeting an item was added for has started (its author can no longer change it). */
function meetingStarted(ctx: RequestContext, view: SeriesView, createdAt: Date): boolean {
  const first = ctx.services.series.occurrencesOfSeries(ctx.actor.tenant.id, view.series.id, createdAt, 50)
    .find((o) => o.startsAt >= createdAt && (o.status === 'scheduled' || o.status === 'held' || o.status === 'missed'));
  return first !== undefined && first.startsAt <= ctx.now;
}

function nextWhen(ctx: RequestContext, view: SeriesView): string {
  const next = upcoming(ctx.services, ctx.actor.tenant.id, view, ctx.now, 1)[0];
  return next ? describeOccurrence(next, view.school.timeZone) : 'your next touch-point';
}

// ---- add --------------------------------------------------------------------------------------------

interface AddArgs { section: Section; text: string; with?: string }
const sectionChoices = SECTIONS.filter((s) => s !== 'escalations').map((s) => ({ value: s, label: SECTION_LABELS[s] }));

function addForm(ctx: RequestContext, preset?: User): Message {
  return {
    text: 'Add an agenda item',
    blocks: [{ type: 'form', formId: 'touchpoint.add', title: 'Add an agenda item', submitLabel: 'Add', inputs: [
      ...partnerInput(ctx, preset),
      { id: 'section', label: 'Section', kind: 'choice', required: true, initial: 'other', choices: sectionChoices },
      { id: 'text', label: 'Item', kind: 'longtext', required: true, placeholder: 'What do you want to talk about?' },
    ] }],
  };
}

const add: CommandSpec<AddArgs> = {
  root: 'touchpoint', name: 'add',
  usage: 'add [section] <text>',
  describe: 'add an item to the next agenda (sections: wins, data, priorities, support, learning, other)',
  example: 'add wins Grade 3 reading scores up 8 points',
  schema: () => z.object({
    section: z.enum(SECTIONS, { error: (iss) => `"${String(iss.input)}" is not a section (wins, data, priorities, support, learning, other)` }).optional().default('other'),
    text: word('say what the item is, like: add wins Grade 3 reading scores up').pipe(z.string().max(ITEM_MAX, { error: `an item must be at most ${ITEM_MAX} characters` })),
    with: z.string().optional(),
  }),
  fromWords(words) {
    if (words.length === 0) return null;
    const { rest, withPerson } = takeWith(words);
    const section = SECTION_WORDS[rest[0]?.toLowerCase() ?? ''];
    return { section, text: (section ? rest.slice(1) : rest).join(' ') || undefined, with: withPerson };
  },
  form: (ctx) => addForm(ctx),
  handle(ctx, args) {
    if (args.section === 'escalations') throw new Refusal('Escalations go through the pathway: /touchpoint escalate.');
    const view = partnership(ctx, args.with);
    const item = ctx.services.agenda.addItem(ctx.actor.tenant.id, { partnershipId: view.partnership.id, section: args.section, text: args.text, authorId: ctx.actor.user.id }, ctx.now);
    audit(ctx, view, 'agenda.add', 'agenda_item', item.id);
    return { messages: [{
      text: `Added to the agenda for ${nextWhen(ctx, view)} (${SECTION_LABELS[args.section]}): ${args.text}`,
      blocks: [
        { type: 'text', text: `Added to the agenda for ${esc(nextWhen(ctx, view))} (**${esc(SECTION_LABELS[args.section])}**): ${esc(args.text)}` },
        { type: 'actions', buttons: [
          { actionId: 'agenda.item.edit', label: 'Edit', value: String(item.id) },
          { actionId: 'agenda.item.remove', label: 'Remove', value: String(item.id), style: 'danger' },
        ] },
      ],
    }] };
  },
};

function editableItem(ctx: RequestContext, itemId: number) {
  const { agenda } = ctx.services;
  const item = agenda.itemById(ctx.actor.tenant.id, itemId);
  if (!item || item.status !== 'open') throw new Refusal(`There is no open agenda item #${itemId}.`);
  const series = ctx.services.series.liveSeriesOfPartnership(ctx.actor.tenant.id, item.partnershipId).find((s) => s.status === 'active');
  if (!series) throw new Refusal('That partnership has no active touch-point.');
  const view = viewOf(ctx.services, ctx.actor.tenant.id, series);
  const access = canUseAgenda(ctx.actor, view.school, view.partnership);
  if (!access.allowed) throw new Refusal(access.reason);
  const decision = canEditItem(ctx.actor, item.authorId, meetingStarted(ctx, view, item.createdAt));
  if (!decision.allowed) throw new Refusal(decision.reason);
  return { item, view };
}

function editItem(ctx: RequestContext, itemId: number, text: string): Reply {
  const { item, view } = editableItem(ctx, itemId);
  ctx.services.agenda.editItem(ctx.actor.tenant.id, item.id, text, ctx.now);
  audit(ctx, view, 'agenda.edit', 'agenda_item', item.id);
  return { messages: [ok(`Item #${item.id} now reads: ${text}`)] };
}

function removeItem(ctx: RequestContext, itemId: number): Reply {
  const { item, view } = editableItem(ctx, itemId);
  ctx.services.agenda.removeItem(ctx.actor.tenant.id, item.id);
  audit(ctx, view, 'agenda.remove', 'agenda_item', item.id);
  return { messages: [ok(`Removed item #${item.id} (${item.text}).`)] };
}

const editForm: FormSpec<{ text: string }> = {
  formId: 'agenda.edit',
  schema: () => z.object({ text: word('the item cannot be empty').pipe(z.string().max(ITEM_MAX, { error: `an item must be at most ${ITEM_MAX} characters` })) }),
  handle: (ctx, args, param) => editItem(ctx, Number(param), args.text),
};

// ---- agenda -------------------------------------------------------------------------------------------

interface AgendaArgs { op?: 'edit' | 'remove'; id?: number; text?: string; with?: string }
const agendaCommand: CommandSpec<AgendaArgs> = {
  root: 'touchpoint', name: 'agenda',
  usage: 'agenda [edit #<n> <text> | remove #<n>]',
  describe: 'the agenda of your next touch-point; edit or remove your own items',
  example: 'agenda',
  schema: () => z.object({
    op: z.enum(['edit', 'remove'], { error: (iss) => `"${String(iss.input)}" is not edit or remove` }).optional(),
    id: z.string().optional().transform((s, c) => {
      if (s === undefined) return undefined;
      const n = Number(s.replace(/^#/, ''));
      if (!Number.isInteger(n) || n < 1) {
        c.addIssue({ code: 'custom', message: `"${s}" is not an item number (like #12)` });
        return z.NEVER;
      }
      return n;
    }),
    text: z.string().max(ITEM_MAX, { error: `an item must be at most ${ITEM_MAX} characters` }).optional(),
    with: z.string().optional(),
  }).refine((a) => !a.op || a.id !== undefined, { error: 'say which item, like #12', path: ['id'] })
    .refine((a) => a.op !== 'edit' || a.text, { error: 'say the new text, like: agenda edit #12 New wording', path: ['text'] }),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { op: rest[0]?.toLowerCase(), id: rest[1], text: rest.slice(2).join(' ') || undefined, with: withPerson };
  },
  handle(ctx, args) {
    if (args.op === 'edit') return editItem(ctx, args.id!, args.text!);
    if (args.op === 'remove') return removeItem(ctx, args.id!);
    const view = partnership(ctx, args.with);
    const occ = upcoming(ctx.services, ctx.actor.tenant.id, view, ctx.now, 1)[0];
    const compiled = compileAgenda(ctx.services, ctx.actor.tenant.id, view, occ, ctx.actor.user, ctx.now, { showIds: true });
    compiled.blocks.push({ type: 'context', text: 'Change your own items until the meeting starts: /touchpoint agenda edit #<n> <text>, /touchpoint agenda remove #<n>' });
    return { messages: [compiled] };
  },
};

// ---- priorities ----------------------------------------------------------------------------------------

interface PrioritiesArgs { op?: 'set' | 'clear' | 'add'; slot?: number; text?: string; with?: string }
const FEW = 'A partnership keeps at most 3 shared priorities: a shared vision means few priorities.';
const priorities: CommandSpec<PrioritiesArgs> = {
  root: 'touchpoint', name: 'priorities',
  usage: 'priorities [set <1-3> <text> | clear <1-3> | add <text>]',
  describe: 'the shared top priorities (at most 3), shown at the top of every agenda',
  example: 'priorities set 1 Guided reading in every K-2 room',
  schema: () => z.object({
    op: z.enum(['set', 'clear', 'add'], { error: (iss) => `"${String(iss.input)}" is not set, clear or add` }).optional(),
    slot: z.string().optional().transform((s, c) => {
      if (s === undefined) return undefined;
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1 || n > 3) {
        c.addIssue({ code: 'custom', message: Number.isInteger(n) && n > 3 ? `${FEW} Clear one first.` : `"${s}" is not a priority number (1, 2 or 3)` });
        return z.NEVER;
      }
      return n;
    }),
    text: z.string().max(200, { error: 'a priority must be at most 200 characters' }).optional(),
    with: z.string().optional(),
  }).refine((a) => a.op === 'add' || !a.op || a.slot !== undefined, { error: 'say which priority: 1, 2 or 3', path: ['slot'] })
    .refine((a) => (a.op !== 'set' && a.op !== 'add') || a.text, { error: 'say the priority, like: priorities set 1 Guided reading in every K-2 room', path: ['text'] }),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    const op = rest[0]?.toLowerCase();
    if (op === 'add') return { op, text: rest.slice(1).join(' ') || undefined, with: withPerson };
    return { op, slot: rest[1], text: rest.slice(2).join(' ') || undefined, with: withPerson };
  },
  handle(ctx, args) {
    const { agenda } = ctx.services;
    const tenantId = ctx.actor.tenant.id;
    const view = partnership(ctx, args.with);
    const pid = view.partnership.id;
    const current = agenda.priorities(tenantId, pid);
    if (args.op === 'add') {
      const free = [1, 2, 3].find((n) => !current.some((p) => p.slot === n));
      if (!free) throw new Refusal(`${FEW} Clear one first: /touchpoint priorities clear <1-3>.`);
      args = { ...args, op: 'set', slot: free };
    }
    if (args.op === 'set') {
      agenda.setPriority(tenantId, pid, args.slot!, args.text!, ctx.actor.user.id, ctx.now);
      audit(ctx, view, 'priority.set', 'partnership', pid, String(args.slot));
      ctx.notify(otherPerson(view, ctx.actor.user), 'agenda.priority', ok(`${ctx.actor.user.displayName} set shared priority ${args.slot}: ${args.text}`), `priority:${pid}:${args.slot}:${ctx.now.getTime()}`);
    } else if (args.op === 'clear') {
      if (!agenda.clearPriority(tenantId, pid, args.slot!)) throw new Refusal(`Priority ${args.slot} is not set.`);
      audit(ctx, view, 'priority.clear', 'partnership', pid, String(args.slot));
    }
    const list = agenda.priorities(tenantId, pid);
    return { messages: [{
      text: list.length ? `Shared priorities with ${otherPerson(view, ctx.actor.user).displayName}:\n${list.map((p) => `${p.slot}. ${p.text}`).join('\n')}` : 'No shared priorities yet.',
      blocks: [
        { type: 'header', text: 'Shared priorities' },
        list.length ? { type: 'list', items: list.map((p) => `${p.slot}. ${esc(p.text)}`) } : { type: 'context', text: 'None yet.' },
        { type: 'context', text: esc(`At most three, shown at the top of every agenda. /touchpoint priorities set <1-3> <text> · clear <1-3>`) },
      ],
    }] };
  },
};

// ---- meeting outcome and notes ---------------------------------------------------------------------------

function partnerNames(view: SeriesView): Map<number, User> {
  return new Map([[view.principal.id, view.principal], [view.coach.id, view.coach]]);
}

function notesForm(ctx: RequestContext, view: SeriesView, occurrence: Occurrence): Message {
  const items = ctx.services.agenda.openItems(ctx.actor.tenant.id, view.partnership.id).filter((i) => i.createdAt < occurrence.endsAt).slice(0, 20);
  const owners = [...partnerNames(view).values()].map((u) => ({ value: internalMention(u), label: u.displayName }));
  return {
    text: `Notes for ${describeOccurrence(occurrence, view.school.timeZone)}`,
    blocks: [{
      type: 'form', formId: `agenda.notes:${occurrence.id}`, title: 'Meeting notes', submitLabel: 'Save notes',
      inputs: [
        ...items.map((i) => ({
          id: `item_${i.id}`, label: i.text.length > 70 ? `${i.text.slice(0, 69)}…` : i.text, kind: 'choice' as const, required: false,
          choices: [{ value: 'discussed', label: 'Discussed' }, { value: 'carry', label: 'Carry over' }, { value: 'drop', label: 'Drop' }],
          hint: 'Not marked: carried over',
        })),
        { id: 'decision', label: 'Decision or next step', kind: 'longtext' as const, required: false },
        { id: 'owner', label: 'Owner', kind: 'person' as const, required: false, choices: owners },
        { id: 'due', label: 'Due', kind: 'date' as const, required: false },
      ],
    }],
  };
}

const nextStepSchema = (today: LocalDate) => ({
  decision: z.string().max(ITEM_MAX, { error: `a next step must be at most ${ITEM_MAX} characters` }).optional(),
  owner: z.string().optional(),
  due: zDate(today, 'missing the due date').optional(),
});
const nextStepRefine = <T extends { decision?: string; owner?: string; due?: string }>(s: z.ZodType<T>, today: LocalDate) => s
  .refine((a) => !a.decision || a.owner, { error: 'a next step needs an owner', path: ['owner'] })
  .refine((a) => !a.decision || a.due, { error: 'a next step needs a due date', path: ['due'] })
  .refine((a) => !a.due || a.due >= today, { error: 'the due date is in the past', path: ['due'] });

function recordNextStep(ctx: RequestContext, view: SeriesView, occurrence: Occurrence, args: { decision?: string; owner?: string; due?: LocalDate }): string | undefined {
  if (!args.decision) return undefined;
  const owner = ctx.people.resolve(args.owner!);
  if (owner.id !== view.principal.id && owner.id !== view.coach.id) throw new UsageError('the owner must be one of the two of you', 'owner');
  const action = ctx.services.agenda.addAction(ctx.actor.tenant.id, {
    partnershipId: view.partnership.id, occurrenceId: occurrence.id, text: args.decision, ownerId: owner.id, dueDate: args.due!, createdBy: ctx.actor.user.id,
  }, ctx.now);
  planActionReminder(ctx.services, ctx.actor.tenant.id, view, action.id, owner.id, args.due!, ctx.now);
  audit(ctx, view, 'action.add', 'action_item', action.id);
  return `Next step for ${owner.displayName}, due ${formatLocalDate(args.due!)}: ${args.decision}`;
}

type NotesArgs = { decision?: string; owner?: string; due?: LocalDate } & Record<string, string | undefined>;
const notesFormSpec: FormSpec<NotesArgs> = {
  formId: 'agenda.notes',
  schema: (pctx) => nextStepRefine(z.object(nextStepSchema(pctx.today)).catchall(
    z.enum(['discussed', 'carry', 'drop'], { error: 'pick discussed, carry over or drop' }).optional(),
  ), pctx.today) as unknown as z.ZodType<NotesArgs>,
  handle(ctx, args, param) {
    const { view, occurrence } = viewFromOccurrence(ctx, param);
    const { agenda } = ctx.services;
    const tenantId = ctx.actor.tenant.id;
    if (occurrence.status !== 'held') throw new Refusal('Record first whether the touch-point happened.');
    if (!agenda.markNotes(tenantId, occurrence.id, ctx.now)) {
      throw new Refusal(`The notes for ${describeOccurrence(occurrence, view.school.timeZone)} were already saved. Add a next step with the "Add another next step" button, or /touchpoint agenda to see what carries over.`);
    }
    let discussed = 0;
    let carried = 0;
    let dropped = 0;
    for (const item of agenda.openItems(tenantId, view.partnership.id).filter((i) => i.createdAt < occurrence.endsAt)) {
      const mark = args[`item_${item.id}`];
      if (mark === 'discussed') { agenda.closeItem(tenantId, item.id, 'discussed', occurrence.id, ctx.now); discussed += 1; }
      else if (mark === 'drop') { agenda.closeItem(tenantId, item.id, 'dropped', occurrence.id, ctx.now); dropped += 1; }
      else { agenda.carryItem(tenantId, item.id, ctx.now); carried += 1; }
    }
    const step = recordNextStep(ctx, view, occurrence, args);
    audit(ctx, view, 'meeting.notes', 'occurrence', occurrence.id);
    const summary = `Notes saved for ${describeOccurrence(occurrence, view.school.timeZone)}: ${discussed} discussed, ${carried} carried over, ${dropped} dropped.${step ? ` ${step}.` : ''}`;
    ctx.notify(otherPerson(view, ctx.actor.user), 'meeting.notes', ok(`${ctx.actor.user.displayName} saved the notes. ${summary}`), `notes:${occurrence.id}:${ctx.now.getTime()}`);
    return { messages: [withNextStepButton(summary, occurrence.id)] };
  },
};

const nextStepFormSpec: FormSpec<{ decision?: string; owner?: string; due?: LocalDate }> = {
  formId: 'agenda.next-step',
  schema: (pctx) => nextStepRefine(z.object({ ...nextStepSchema(pctx.today), decision: word('say what was decided or what comes next') }), pctx.today),
  handle(ctx, args, param) {
    const { view, occurrence } = viewFromOccurrence(ctx, param);
    const step = recordNextStep(ctx, view, occurrence, args)!;
    return { messages: [withNextStepButton(`${step}.`, occurrence.id)] };
  },
};

/** A message with the "Add another next step" button for a touch-point whose notes are saved. */
function withNextStepButton(text: string, occurrenceId: number): Message {
  return { text, blocks: [
    { type: 'text', text: esc(text) },
    { type: 'actions', buttons: [{ actionId: 'meeting.next-step', label: 'Add another next step', value: String(occurrenceId) }] },
  ] };
}

function nextStepForm(view: SeriesView, occurrenceId: number): Message {
  return {
    text: 'Add a next step',
    blocks: [{ type: 'form', formId: `agenda.next-step:${occurrenceId}`, title: 'Add a next step', submitLabel: 'Save', inputs: [
      { id: 'decision', label: 'Decision or next step', kind: 'longtext', required: true },
      { id: 'owner', label: 'Owner', kind: 'person', required: true, choices: [view.principal, view.coach].map((u) => ({ value: internalMention(u), label: u.displayName })) },
      { id: 'due', label: 'Due', kind: 'date', required: true },
    ] }],
  };
}

function recordOutcome(ctx: RequestContext, value: string, outcome: 'held' | 'missed'): Reply {
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
  audit(ctx, view, `meeting.${outcome}`, 'occurrence', occurrence.id);
  const when = describeOccurrence(occurrence, view.school.timeZone);
  const other = otherPerson(view, ctx.actor.user);
  if (outcome === 'missed') {
    for (const item of agenda.openItems(tenantId, view.partnership.id).filter((i) => i.createdAt < occurrence.endsAt)) agenda.carryItem(tenantId, item.id, ctx.now);
    ctx.notify(other, 'meeting.missed', ok(`${ctx.actor.user.displayName} recorded the touch-point of ${when} as missed. Its items carry over to the next one.`), `outcome:${occurrence.id}`);
    return { messages: [ok(`Recorded as missed. The agenda items carry over to ${nextWhen(ctx, view)}.`)] };
  }
  ctx.notify(other, 'meeting.held', ok(`${ctx.actor.user.displayName} recorded the touch-point of ${when} as held and is taking notes.`), `outcome:${occurrence.id}`);
  return { messages: [ok(`Recorded as held. Mark each item and record next steps:`), notesForm(ctx, { ...view }, { ...occurrence, status: 'held' })] };
}

const rescheduleForm: FormSpec<{ date: LocalDate; time: string }> = {
  formId: 'agenda.reschedule',
  schema: (pctx) => z.object({ date: zDate(pctx.today), time: zTime() }),
  handle(ctx, args, param) {
    const { view, occurrence } = viewFromOccurrence(ctx, param);
    if (ctx.services.agenda.outcomeOf(occurrence.id) || occurrence.status !== 'scheduled') throw new Refusal(`That touch-point is already recorded as ${occurrence.status}.`);
    return { messages: [moveOccurrence(ctx, view, occurrence, args.date, args.time, 'rescheduled')] };
  },
};

const notes: CommandSpec<{ with?: string }> = {
  root: 'touchpoint', name: 'notes',
  usage: 'notes',
  describe: 'record what happened at your last touch-point: items, decisions, next steps',
  example: 'notes',
  schema: () => z.object({ with: z.string().optional(), extra: noExtra }).transform(({ with: w }) => ({ with: w })),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { extra: rest[0], with: withPerson };
  },
  handle(ctx, args) {
    const view = partnership(ctx, args.with);
    const last = ctx.services.agenda.pastOccurrences(ctx.actor.tenant.id, view.series.id, ctx.now, 10)
      .find((o) => o.status === 'scheduled' || o.status === 'held' || o.status === 'missed');
    if (!last) throw new Refusal('No touch-point has taken place yet.');
    const occurrence = ctx.services.series.occurrenceById(ctx.actor.tenant.id, last.id)!;
    const when = describeOccurrence(occurrence, view.school.timeZone);
    if (occurrence.status === 'scheduled') return { messages: [outcomeQuestion(view, occurrence.id, when, otherPerson(view, ctx.actor.user).displayName)] };
    if (occurrence.status === 'missed') return { messages: [ok(`Your last touch-point (${when}) was recorded as missed.`)] };
    return { messages: [notesOrNextStep(ctx, view, occurrence)] };
  },
};

/** For a held touch-point: the notes form, or — once its notes are saved — the way to add a next step. */
function notesOrNextStep(ctx: RequestContext, view: SeriesView, occurrence: Occurrence): Message {
  if (!ctx.services.agenda.outcomeOf(occurrence.id)?.notesAt) return notesForm(ctx, view, occurrence);
  const saved = `The notes for ${describeOccurrence(occurrence, view.school.timeZone)} are already saved. Add a next step here, or /touchpoint agenda to see what carries over.`;
  return withNextStepButton(saved, occurrence.id);
}

// ---- report -----------------------------------------------------------------------------------------------

const WEEKS = 8;
const report: CommandSpec<Record<string, never>> = {
  root: 'touchpoint', name: 'report',
  usage: 'report',
  describe: 'partnership health over the last 8 weeks (yours; principals: your school’s)',
  example: 'report',
  schema: () => z.object({ extra: noExtra }).transform(() => ({})),
  fromWords: (words) => ({ extra: words[0] }),
  handle(ctx) {
    const { agenda } = ctx.services;
    const tenantId = ctx.actor.tenant.id;
    const leadSchools = ctx.actor.memberships.filter((m) => LEADER_ROLES.includes(m.role)).map((m) => m.schoolId);
    const seriesList = [
      ...ctx.services.series.liveSeriesOfUser(tenantId, ctx.actor.user.id),
      ...leadSchools.flatMap((id) => ctx.services.series.activeSeriesOfSchool(tenantId, id)),
    ].filter((s, i, all) => s.status === 'active' && all.findIndex((x) => x.id === s.id) === i);
    const views = seriesList.map((s) => viewOf(ctx.services, tenantId, s)).filter((v) => canViewHealth(ctx.actor, v.school, v.partnership).allowed);
    // Coaching demand, for principals and APs only, in aggregate (the coaching feature applies the policy).
    const demand = coachingDemandMessage(ctx);
    if (views.length === 0 && !demand) throw new Refusal('There is no partnership to report on yet.');
    const since = new Date(ctx.now.getTime() - WEEKS * 7 * 86_400_000);
    const messages = views.map((view): Message => {
      const past = agenda.pastOccurrences(tenantId, view.series.id, ctx.now, 100).filter((o) => o.startsAt >= since);
      const counted = past.filter((o) => ['held', 'missed', 'skipped', 'scheduled'].includes(o.status));
      const held = counted.filter((o) => o.status === 'held').length;
      let streak = 0;
      for (const o of agenda.pastOccurrences(tenantId, view.series.id, ctx.now, 200)) {
        if (o.status === 'held') streak += 1;
        else if (o.status === 'missed' || o.status === 'skipped') break;
      }
      const discussed = agenda.countDiscussedSince(tenantId, view.partnership.id, since);
      const carried = agenda.openItems(tenantId, view.partnership.id).filter((i) => i.carriedCount > 0).length;
      const openActions = agenda.openActions(tenantId, view.partnership.id).length;
      const title = `${view.principal.displayName} & ${view.coach.displayName}`;
      const fields = [
        { label: `Held / planned (${WEEKS} weeks)`, value: `${held} / ${counted.length}` },
        { label: 'Current streak', value: `${streak} held in a row` },
        { label: 'Items per meeting', value: held ? (discussed / held).toFixed(1) : '—' },
        { label: 'Items carried over', value: String(carried) },
        { label: 'Open action items', value: String(openActions) },
      ];
      return {
        text: `${title}: ${fields.map((f) => `${f.label}: ${f.value}`).join('; ')}`,
        blocks: [{ type: 'header', text: `Partnership health — ${title}` }, { type: 'fields', fields: fields.map((f) => ({ label: esc(f.label), value: esc(f.value) })) }, { type: 'context', text: esc(`${describeRule(view.series)} · ${view.school.name}`) }],
      };
    });
    return { messages: demand ? [...messages, demand] : messages };
  },
};

// ---- settings ------------------------------------------------------------------------------------------------

interface SettingsArgs { key?: string; value?: string; with?: string }
const SETTING_KEYS = ['prompt-days', 'prompt-time', 'agenda-lead', 'notes-delay', 'mute', 'unmute', 'reflect-days', 'urgent-ack'] as const;
const settings: CommandSpec<SettingsArgs> = {
  root: 'touchpoint', name: 'settings',
  usage: 'settings [prompt-days <1-5> | prompt-time <HH:MM> | agenda-lead <minutes> | notes-delay <minutes> | mute <kind> | unmute <kind> | reflect-days <1-10> | urgent-ack <minutes>]',
  describe: 'reminder timings for your partnership, and which reminders you get',
  example: 'settings prompt-days 3',
  schema: () => z.object({
    key: z.enum(SETTING_KEYS, { error: (iss) => `"${String(iss.input)}" is not a setting (${SETTING_KEYS.join(', ')})` }).optional(),
    value: z.string().optional(),
    with: z.string().optional(),
    extra: noExtra,
  }).refine((a) => !a.key || a.value, { error: 'say the new value', path: ['value'] }).transform(({ key, value, with: w }) => ({ key, value, with: w })),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { key: rest[0]?.toLowerCase(), value: rest[1], extra: rest[2], with: withPerson };
  },
  handle(ctx, args) {
    const { agenda, outbox } = ctx.services;
    const tenantId = ctx.actor.tenant.id;
    const view = partnership(ctx, args.with);
    const pid = view.partnership.id;
    const current = agenda.settings(tenantId, pid);
    let changed: string | undefined;
    if (args.key === 'mute' || args.key === 'unmute') {
      const kind = args.value!.toLowerCase();
      if (!MUTABLE[kind]) throw new UsageError(`"${args.value}" cannot be muted (you can mute: ${Object.keys(MUTABLE).join(', ')}; the compiled agenda and urgent escalations always arrive)`);
      agenda.setMute(tenantId, ctx.actor.user.id, pid, kind, args.key === 'mute');
      changed = args.key === 'mute' ? `Muted ${kind} reminders for you.` : `You will get ${kind} reminders again.`;
    } else if (args.key === 'reflect-days' || args.key === 'urgent-ack') {
      // School-wide escalation pathway settings: the school's principals and APs decide them.
      authorize('escalation.settings', ctx.actor, view.school, args.key);
      const school = ctx.services.escalations.schoolSettings(tenantId, view.school.id);
      const n = Number(args.value);
      if (args.key === 'reflect-days') {
        if (!Number.isInteger(n) || n < 1 || n > 10) throw new UsageError(`reflect-days must be 1 to 10 school days (got "${args.value}")`);
        school.reflectDays = n;
      } else {
        const parsed = zMinutes(15, 1440, 'urgent-ack').safeParse(args.value);
        if (!parsed.success) throw new UsageError(parsed.error.issues[0].message);
        school.urgentAckMinutes = parsed.data;
      }
      ctx.services.escalations.saveSchoolSettings(tenantId, view.school.id, school);
      audit(ctx, view, 'settings.change', 'school', view.school.id, args.key);
      changed = `Saved for ${view.school.name}.`;
    } else if (args.key) {
      const next = { ...current };
      const v = args.value!;
      const int = (min: number, max: number, what: string): number => {
        const parsed = zMinutes(min, max, what).safeParse(v);
        if (!parsed.success) throw new UsageError(parsed.error.issues[0].message);
        return parsed.data;
      };
      if (args.key === 'prompt-days') {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 5) throw new UsageError(`prompt-days must be 1 to 5 school days (got "${v}")`);
        next.promptLeadDays = n;
      } else if (args.key === 'prompt-time') {
        const t = zTime().safeParse(v);
        if (!t.success || !isLocalTime(t.data)) throw new UsageError(`"${v}" is not a time (use 08:00 or 7:30am)`);
        next.promptTime = t.data;
      } else if (args.key === 'agenda-lead') next.agendaLeadMinutes = int(10, 1440, 'agenda-lead');
      else next.notesDelayMinutes = int(0, 240, 'notes-delay');
      agenda.saveSettings(tenantId, pid, next, ctx.now);
      // Replan: pending reminders of this partnership's meetings are withdrawn and planned again with the new timings.
      outbox.cancelPending(`s${view.series.id}:`);
      agenda.resetPlanning(tenantId, pid, ctx.now);
      audit(ctx, view, 'settings.change', 'partnership', pid, args.key);
      changed = `Saved. Reminders are planned again with the new timing.`;
    }
    const s = agenda.settings(tenantId, pid);
    const mutes = agenda.mutes(tenantId, ctx.actor.user.id, pid);
    const fields = [
      { label: 'Agenda prompt', value: `${s.promptLeadDays} school days before, at ${s.promptTime} (prompt-days, prompt-time)` },
      { label: 'Compiled agenda', value: `${s.agendaLeadMinutes} minutes before (agenda-lead)` },
      { label: '"Did it happen?"', value: `${s.notesDelayMinutes} minutes after the end (notes-delay)` },
      { label: 'Muted for you', value: mutes.length ? mutes.join(', ') : 'nothing' },
      { label: `Escalations at ${view.school.name}`, value: `reflect ${ctx.services.escalations.schoolSettings(tenantId, view.school.id).reflectDays} school days (reflect-days); urgent acknowledged within ${ctx.services.escalations.schoolSettings(tenantId, view.school.id).urgentAckMinutes} minutes (urgent-ack)` },
    ];
    return { messages: [{
      text: `${changed ? `${changed}\n` : ''}Settings with ${otherPerson(view, ctx.actor.user).displayName}: ${fields.map((f) => `${f.label}: ${f.value}`).join('; ')}`,
      blocks: [
        ...(changed ? [{ type: 'text' as const, text: esc(changed) }] : []),
        { type: 'header', text: 'Reminder settings' },
        { type: 'fields', fields: fields.map((f) => ({ label: esc(f.label), value: esc(f.value) })) },
        { type: 'context', text: esc(`Change: /touchpoint settings prompt-days 3 · mute one of: ${Object.keys(MUTABLE).join(', ')}`) },
      ],
    }] };
  },
};

// ---- buttons -------------------------------------------------------------------------------------------------

function pass(ctx: RequestContext, value: string): Reply {
  const { view, occurrence } = viewFromOccurrence(ctx, value);
  ctx.services.agenda.pass(ctx.actor.tenant.id, occurrence.id, ctx.actor.user.id, ctx.now);
  return { messages: [ok(`Noted: nothing from you for ${describeOccurrence(occurrence, view.school.timeZone)}. You can still add an item until then.`)] };
}

function confirmAgreement(ctx: RequestContext, value: string): Reply {
  const { agenda } = ctx.services;
  const p = ctx.services.series.partnershipById(ctx.actor.tenant.id, Number(value));
  const school = p && ctx.services.people.schoolById(ctx.actor.tenant.id, p.schoolId);
  if (!p || !school) throw new Refusal('That partnership no longer exists.');
  const decision = canUseAgenda(ctx.actor, school, p);
  if (!decision.allowed) throw new Refusal(decision.reason);
  agenda.confirmAgreement(ctx.actor.tenant.id, p.id, ctx.actor.user.id, ctx.now);
  ctx.services.audit.audit({ tenantId: ctx.actor.tenant.id, schoolId: school.id, actorId: ctx.actor.user.id, action: 'agreement.confirm', subjectType: 'partnership', subjectId: p.id }, ctx.now);
  const both = agenda.agreementConfirmedBy(ctx.actor.tenant.id, p.id).length === 2;
  return { messages: [ok(both ? 'Thank you. You have both confirmed the agreement.' : 'Thank you. Your confirmation is recorded.')] };
}

function actionDone(ctx: RequestContext, value: string): Reply {
  const { agenda } = ctx.services;
  const action = agenda.actionById(ctx.actor.tenant.id, Number(value));
  if (!action) throw new Refusal('That action item no longer exists.');
  const p = ctx.services.series.partnershipById(ctx.actor.tenant.id, action.partnershipId)!;
  const school = ctx.services.people.schoolById(ctx.actor.tenant.id, p.schoolId)!;
  const decision = canUseAgenda(ctx.actor, school, p);
  if (!decision.allowed) throw new Refusal(decision.reason);
  if (action.status !== 'open') throw new Refusal(`That action item is already ${action.status}.`);
  agenda.closeAction(ctx.actor.tenant.id, action.id, 'done', ctx.now);
  ctx.services.audit.audit({ tenantId: ctx.actor.tenant.id, schoolId: school.id, actorId: ctx.actor.user.id, action: 'action.done', subjectType: 'action_item', subjectId: action.id }, ctx.now);
  return { messages: [ok(`Done: ${action.text}`)] };
}

/** On a newly accepted series, both people get the agreement the partnership runs on. */
function sendAgreement(ctx: RequestContext, payload: Record<string, number>): void {
  const series = ctx.services.series.seriesById(ctx.actor.tenant.id, payload.seriesId);
  if (!series) return;
  const view = viewOf(ctx.services, ctx.actor.tenant.id, series);
  if (ctx.services.agenda.agreementConfirmedBy(ctx.actor.tenant.id, view.partnership.id).length === 2) return;
  for (const person of [view.principal, view.coach]) {
    ctx.notify(person, 'agreement', {
      text: `Your partnership agreement with ${otherPerson(view, person).displayName}. Please confirm it.`,
      blocks: [{ type: 'header', text: 'How we work together' }, ...agreementBlocks(view.partnership.id, true)],
    }, `agreement:${view.partnership.id}:u${person.id}`);
  }
}

/** Home: the agenda so far of each partnership, and your open action items. */
function agendaSection(ctx: RequestContext): Block[] {
  const { agenda } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const blocks: Block[] = [];
  for (const series of ctx.services.series.liveSeriesOfUser(tenantId, ctx.actor.user.id).filter((s) => s.status === 'active')) {
    const view = viewOf(ctx.services, tenantId, series);
    const items = agenda.openItems(tenantId, view.partnership.id);
    blocks.push({ type: 'text', text: `**Agenda so far with ${esc(otherPerson(view, ctx.actor.user).displayName)}**` });
    blocks.push(items.length ? { type: 'list', items: items.slice(0, 10).map((i) => `${esc(i.text)} — _${esc(SECTION_LABELS[i.section])}_`) } : { type: 'context', text: 'Nothing yet: /touchpoint add <text>' });
  }
  const mine = agenda.openActionsOfOwner(tenantId, ctx.actor.user.id);
  if (mine.length) {
    blocks.push({ type: 'text', text: '**Your open action items**' });
    blocks.push({ type: 'list', items: mine.slice(0, 10).map((a) => `${esc(a.text)} — _due ${esc(formatLocalDate(a.dueDate))}_`) });
  }
  return blocks;
}

export function registerAgenda(registry: CommandRegistry): void {
  for (const spec of [add, agendaCommand, priorities, notes, report, settings] as CommandSpec<never>[]) registry.command(spec as CommandSpec<unknown>);
  for (const form of [editForm, notesFormSpec, nextStepFormSpec, rescheduleForm] as FormSpec<never>[]) registry.form(form as FormSpec<unknown>);
  // From a prompt: the form is for that prompt's partnership.
  registry.action({ actionId: 'agenda.add', handle: (ctx, v) => { const { view } = viewFromOccurrence(ctx, v); return { messages: [addForm(ctx, otherPerson(view, ctx.actor.user))] }; } });
  registry.action({ actionId: 'agenda.pass', handle: pass });
  registry.action({
    actionId: 'agenda.item.edit',
    handle(ctx, v) {
      const { item } = editableItem(ctx, Number(v));
      return { messages: [{ text: 'Edit the agenda item', blocks: [{ type: 'form', formId: `agenda.edit:${item.id}`, title: 'Edit the agenda item', submitLabel: 'Save', inputs: [
        { id: 'text', label: 'Item', kind: 'longtext', required: true, initial: item.text },
      ] }] }] };
    },
  });
  registry.action({ actionId: 'agenda.item.remove', handle: (ctx, v) => removeItem(ctx, Number(v)) });
  registry.action({ actionId: 'meeting.held', handle: (ctx, v) => recordOutcome(ctx, v, 'held') });
  registry.action({ actionId: 'meeting.missed', handle: (ctx, v) => recordOutcome(ctx, v, 'missed') });
  registry.action({
    actionId: 'meeting.rescheduled',
    handle(ctx, v) {
      const { occurrence } = viewFromOccurrence(ctx, v);
      return { messages: [{ text: 'When does it take place instead?', blocks: [{ type: 'form', formId: `agenda.reschedule:${occurrence.id}`, title: 'Rescheduled to', submitLabel: 'Save', inputs: [
        { id: 'date', label: 'New date', kind: 'date', required: true },
        { id: 'time', label: 'New time', kind: 'time', required: true },
      ] }] }] };
    },
  });
  registry.action({ actionId: 'meeting.next-step', handle: (ctx, v) => { const { view, occurrence } = viewFromOccurrence(ctx, v); return { messages: [nextStepForm(view, occurrence.id)] }; } });
  registry.action({ actionId: 'agreement.confirm', handle: confirmAgreement });
  registry.action({ actionId: 'action.done', handle: actionDone });
  registry.listen('series.accepted', sendAgreement);
  registry.homeSection(agendaSection);
  registry.planner((services, now) => void planReminders(services, now));
  for (const kind of Object.values(REMINDER_KINDS)) registry.composer(kind, composeReminder);
}

