/**
 * `/touchpoint add`, `agenda`, `priorities`, `notes`, `report`, `settings`, and the buttons and
 * forms of the weekly rhythm: the agenda prompt, "Did it happen?", meeting notes, the agreement.
 * Parsing and forms only: the use cases are in service.ts, notes.ts and settings.ts.
 */
import { z } from 'zod';
import type { CommandRegistry, CommandSpec, FormSpec } from '../../core/registry';
import type { LocalDate, TypedTime } from '../../core/datetime';
import { noArguments, noExtra, takeWith, word, zDate, zListNumber, zTypedTime } from '../../core/args';
import { SECTIONS, type Section } from '../../core/ports';
import { otherPerson } from '../booking/service';
import {
  addItem,
  confirmAgreement,
  editItem,
  editableItem,
  homeAgenda,
  passOnPrompt,
  removeItem,
  sendAgreement,
  showAgenda,
  viewFromOccurrence,
} from './service';
import { addNextStep, recordOutcome, rescheduleMeeting, saveNotes, type NextStep, type NotesArgs } from './notes';
import { notesCommand as notes, registerMeetingNotes } from './meeting-notes-commands';
import { history, registerHistory } from './history';
import { NOTE_INPUT_IDS, NOTE_MAX } from './meeting-notes-messages';
import { actionDone, reassignAction, redateAction, redateAsk } from './actions';
import { actionsCommand as actions } from './actions-command';
import { SETTING_KEYS, changeSettings, type SettingKey } from './settings';
import { NEXT_STEP_ROWS, addForm, editItemForm, nextStepForm, rescheduleForm } from './messages';
import { REMINDER_KINDS, composeReminder, planReminders } from './reminders';
import { FEW, TAG_WORD, answer, changePriorities, tagChoices, withdrawByButton, zPriorityTag, type PrioritiesOp } from './priorities';
import { partnershipHealth } from './report';

const ITEM_MAX = 500;

/** Words people type for a section in `add [section] <text>`. */
const SECTION_WORDS: Record<string, Section> = {
  wins: 'wins',
  win: 'wins',
  bright: 'wins',
  'bright-spots': 'wins',
  data: 'data',
  'student-data': 'data',
  priorities: 'priorities',
  priority: 'priorities',
  check: 'priorities',
  support: 'support',
  'teacher-support': 'support',
  learning: 'learning',
  learn: 'learning',
  escalations: 'escalations',
  escalation: 'escalations',
  other: 'other',
};

// ---- add --------------------------------------------------------------------------------------------

interface AddArgs {
  section: Section;
  text: string;
  priority?: number;
  with?: string;
}

const add: CommandSpec<AddArgs> = {
  root: 'touchpoint',
  name: 'add',
  usage: 'add [section] [priority:<1-3>] <text>',
  describe: 'add an item to the next agenda (sections: wins, data, priorities, support, learning, other)',
  example: 'add wins Grade 3 reading scores up 8 points',
  schema: () =>
    z.object({
      section: z
        .enum(SECTIONS, { error: (iss) => `"${String(iss.input)}" is not a section (wins, data, priorities, support, learning, other)` })
        .optional()
        .default('other'),
      text: word('say what the item is, like: add wins Grade 3 reading scores up').pipe(
        z.string().max(ITEM_MAX, { error: `an item must be at most ${ITEM_MAX} characters` }),
      ),
      priority: zPriorityTag(),
      with: z.string().optional(),
    }),
  fromWords(words) {
    if (words.length === 0) return null;
    const { rest: all, withPerson } = takeWith(words);
    // The section and the tag lead, in either order: `add data p2 …`, `add priorities:1 wins …`.
    let rest = all;
    let section: Section | undefined;
    let priority: string | undefined;
    for (let i = 0; i < 2 && rest.length > 0; i += 1) {
      const tag = TAG_WORD.exec(rest[0]);
      const asSection = SECTION_WORDS[rest[0].toLowerCase()];
      if (tag && priority === undefined) priority = tag[1] ?? tag[2];
      else if (asSection && section === undefined) section = asSection;
      else break;
      rest = rest.slice(1);
    }
    return { section, priority, text: rest.join(' ') || undefined, with: withPerson };
  },
  form: (ctx) => addForm(ctx, undefined, tagChoices(ctx)),
  handle: addItem,
};

const editForm: FormSpec<{ text: string }> = {
  formId: 'agenda.edit',
  schema: () =>
    z.object({ text: word('the item cannot be empty').pipe(z.string().max(ITEM_MAX, { error: `an item must be at most ${ITEM_MAX} characters` })) }),
  handle: (ctx, args, param) => editItem(ctx, Number(param), args.text),
};

// ---- agenda -------------------------------------------------------------------------------------------

interface AgendaArgs {
  op?: 'edit' | 'remove';
  id?: number;
  text?: string;
  with?: string;
}
const agendaCommand: CommandSpec<AgendaArgs> = {
  root: 'touchpoint',
  name: 'agenda',
  usage: 'agenda [edit #<n> <text> | remove #<n>]',
  describe: 'the agenda of your next touch-point; edit or remove your own items',
  example: 'agenda',
  schema: () =>
    z
      .object({
        op: z.enum(['edit', 'remove'], { error: (iss) => `"${String(iss.input)}" is not edit or remove` }).optional(),
        id: zListNumber('an item number', 'like #12'),
        text: z
          .string()
          .max(ITEM_MAX, { error: `an item must be at most ${ITEM_MAX} characters` })
          .optional(),
        with: z.string().optional(),
      })
      .refine((a) => !a.op || a.id !== undefined, { error: 'say which item, like #12', path: ['id'] })
      .refine((a) => a.op !== 'edit' || a.text, { error: 'say the new text, like: agenda edit #12 New wording', path: ['text'] }),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { op: rest[0]?.toLowerCase(), id: rest[1], text: rest.slice(2).join(' ') || undefined, with: withPerson };
  },
  handle(ctx, args) {
    if (args.op === 'edit') return editItem(ctx, args.id!, args.text!);
    if (args.op === 'remove') return removeItem(ctx, args.id!);
    return showAgenda(ctx, args.with);
  },
};

// ---- priorities ----------------------------------------------------------------------------------------

interface PrioritiesArgs {
  op?: PrioritiesOp;
  slot?: number;
  text?: string;
  with?: string;
}
const priorities: CommandSpec<PrioritiesArgs> = {
  root: 'touchpoint',
  name: 'priorities',
  usage: 'priorities [set <1-3> <text> | add <text> | clear <1-3> | withdraw <1-3> | accept <1-3> | keep <1-3>]',
  describe: 'the shared top priorities (at most 3); each change is proposed and the other person accepts or keeps the current one',
  example: 'priorities set 1 Guided reading in every K-2 room',
  schema: () =>
    z
      .object({
        op: z
          .enum(['set', 'add', 'clear', 'withdraw', 'accept', 'keep'], {
            error: (iss) => `"${String(iss.input)}" is not set, add, clear, withdraw, accept or keep`,
          })
          .optional(),
        slot: z
          .string()
          .optional()
          .transform((s, c) => {
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
      })
      .refine((a) => a.op === 'add' || !a.op || a.slot !== undefined, { error: 'say which priority: 1, 2 or 3', path: ['slot'] })
      .refine((a) => (a.op !== 'set' && a.op !== 'add') || a.text, {
        error: 'say the priority, like: priorities set 1 Guided reading in every K-2 room',
        path: ['text'],
      }),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    const op = rest[0]?.toLowerCase();
    if (op === 'add') return { op, text: rest.slice(1).join(' ') || undefined, with: withPerson };
    return { op, slot: rest[1], text: rest.slice(2).join(' ') || undefined, with: withPerson };
  },
  handle: changePriorities,
};

// ---- meeting outcome and notes ---------------------------------------------------------------------------

const nextStepSchema = (today: LocalDate) => ({
  decision: z
    .string()
    .max(ITEM_MAX, { error: `a next step must be at most ${ITEM_MAX} characters` })
    .optional(),
  owner: z.string().optional(),
  due: zDate(today, 'missing the due date').optional(),
  priority: zPriorityTag(),
});
const nextStepRefine = <T extends { decision?: string; owner?: string; due?: string; priority?: number }>(s: z.ZodType<T>, today: LocalDate) =>
  s
    .refine((a) => !a.decision || a.owner, { error: 'a next step needs an owner', path: ['owner'] })
    .refine((a) => !a.decision || a.due, { error: 'a next step needs a due date', path: ['due'] })
    .refine((a) => !a.due || a.due >= today, { error: 'the due date is in the past', path: ['due'] });

/** A next-step row of the notes form (`decision_2`, `owner_2`, `due_2`) read as a next step, checked like the first. */
const nextStepRow = (today: LocalDate, r: string) =>
  nextStepRefine(z.object(nextStepSchema(today)), today).transform((step) => ({
    [`decision${r}`]: step.decision,
    [`owner${r}`]: step.owner,
    [`due${r}`]: step.due,
    [`priority${r}`]: step.priority === undefined ? undefined : String(step.priority),
  }));

const notesFormSpec: FormSpec<NotesArgs> = {
  formId: 'agenda.notes',
  // Each row checked on its own (errors point at its inputs); each item's mark in the rest.
  schema: (pctx) =>
    z.record(z.string(), z.string().optional()).transform((raw, c): NotesArgs => {
      const out: NotesArgs = {};
      const mark = z.enum(['discussed', 'carry', 'drop'], { error: 'pick discussed, carry over or drop' }).optional();
      const rowIds = NEXT_STEP_ROWS.flatMap((r) => [`decision${r}`, `owner${r}`, `due${r}`, `priority${r}`]);
      for (const r of NEXT_STEP_ROWS) {
        const row = nextStepRow(pctx.today, r).safeParse({
          decision: raw[`decision${r}`],
          owner: raw[`owner${r}`],
          due: raw[`due${r}`],
          priority: raw[`priority${r}`],
        });
        if (!row.success) {
          for (const issue of row.error.issues) c.addIssue({ code: 'custom', message: issue.message, path: [`${String(issue.path[0] ?? 'decision')}${r}`] });
        } else Object.assign(out, row.data);
      }
      for (const [key, value] of Object.entries(raw)) {
        if (rowIds.includes(key)) continue;
        if (NOTE_INPUT_IDS.includes(key)) {
          if ((value?.length ?? 0) > NOTE_MAX) c.addIssue({ code: 'custom', message: `notes must be at most ${NOTE_MAX} characters`, path: [key] });
          else out[key] = value?.trim() || undefined;
          continue;
        }
        const m = mark.safeParse(value);
        if (m.success) out[key] = m.data;
        else c.addIssue({ code: 'custom', message: 'pick discussed, carry over or drop', path: [key] });
      }
      return out;
    }),
  handle: (ctx, args, param) => saveNotes(ctx, param, args),
};

const nextStepFormSpec: FormSpec<NextStep> = {
  formId: 'agenda.next-step',
  schema: (pctx) => nextStepRefine(z.object({ ...nextStepSchema(pctx.today), decision: word('say what was decided or what comes next') }), pctx.today),
  handle: (ctx, args, param) => addNextStep(ctx, param, args),
};

const rescheduleFormSpec: FormSpec<{ date: LocalDate; time: TypedTime }> = {
  formId: 'agenda.reschedule',
  // A time without am/pm is read inside the school day, as everywhere a meeting's time is typed.
  schema: (pctx) => z.object({ date: zDate(pctx.today), time: zTypedTime() }),
  handle: (ctx, args, param) => rescheduleMeeting(ctx, param, args.date, args.time),
};

// ---- action items ---------------------------------------------------------------------------------------------

const redateFormSpec: FormSpec<{ due: LocalDate }> = {
  formId: 'action.redate',
  schema: (pctx) =>
    z.object({ due: zDate(pctx.today, 'missing the due date') }).refine((a) => a.due >= pctx.today, { error: 'the due date is in the past', path: ['due'] }),
  handle: (ctx, args, param) => redateAction(ctx, param, args.due),
};

// ---- report and settings ------------------------------------------------------------------------------------

const report: CommandSpec<Record<string, never>> = {
  root: 'touchpoint',
  name: 'report',
  usage: 'report',
  describe: 'partnership health over the last 8 weeks (yours; principals: your school’s)',
  example: 'report',
  ...noArguments,
  handle: (ctx) => partnershipHealth(ctx),
};

interface SettingsArgs {
  key?: SettingKey;
  value?: string;
  with?: string;
}
const settings: CommandSpec<SettingsArgs> = {
  root: 'touchpoint',
  name: 'settings',
  usage:
    'settings [prompt-days <1-5> | prompt-time <HH:MM> | agenda-lead <minutes> | notes-delay <minutes> | mute <kind> | unmute <kind> | reflect-days <1-10> | urgent-ack <minutes>]',
  describe: 'reminder timings for your partnership, and which reminders you get',
  example: 'settings prompt-days 3',
  schema: () =>
    z
      .object({
        key: z.enum(SETTING_KEYS, { error: (iss) => `"${String(iss.input)}" is not a setting (${SETTING_KEYS.join(', ')})` }).optional(),
        value: z.string().optional(),
        with: z.string().optional(),
        extra: noExtra,
      })
      .refine((a) => !a.key || a.value, { error: 'say the new value', path: ['value'] })
      .transform(({ key, value, with: w }) => ({ key, value, with: w })),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { key: rest[0]?.toLowerCase(), value: rest[1], extra: rest[2], with: withPerson };
  },
  handle: changeSettings,
};

// ---- registration -------------------------------------------------------------------------------------------

export function registerAgenda(registry: CommandRegistry): void {
  for (const spec of [add, agendaCommand, priorities, notes, history, actions, report, settings] as CommandSpec<never>[]) registry.command(spec);
  for (const form of [editForm, notesFormSpec, nextStepFormSpec, rescheduleFormSpec, redateFormSpec] as FormSpec<never>[]) registry.form(form);
  // From a prompt: the form is for that prompt's partnership.
  registry.action({
    actionId: 'agenda.add',
    handle: (ctx, v) => {
      const { view } = viewFromOccurrence(ctx, v);
      const other = otherPerson(view, ctx.actor.user);
      return { messages: [addForm(ctx, other, tagChoices(ctx, other))] };
    },
  });
  registry.action({ actionId: 'agenda.pass', settles: 'Nothing to add — noted', handle: passOnPrompt });
  registry.action({ actionId: 'agenda.item.edit', handle: (ctx, v) => ({ messages: [editItemForm(editableItem(ctx, Number(v)).item)] }) });
  registry.action({ actionId: 'agenda.item.remove', handle: (ctx, v) => removeItem(ctx, Number(v)) });
  registry.action({ actionId: 'meeting.held', settles: 'Marked held', handle: (ctx, v) => recordOutcome(ctx, v, 'held') });
  registry.action({ actionId: 'meeting.missed', settles: 'Marked missed', handle: (ctx, v) => recordOutcome(ctx, v, 'missed') });
  registry.action({ actionId: 'meeting.rescheduled', handle: (ctx, v) => ({ messages: [rescheduleForm(viewFromOccurrence(ctx, v).occurrence.id)] }) });
  registry.action({
    actionId: 'meeting.next-step',
    handle: (ctx, v) => {
      const { view, occurrence } = viewFromOccurrence(ctx, v);
      return { messages: [nextStepForm(view, occurrence.id, ctx.services.agenda.priorities(ctx.actor.tenant.id, view.partnership.id))] };
    },
  });
  registry.action({ actionId: 'agreement.confirm', settles: 'Confirmed', handle: confirmAgreement });
  registry.action({ actionId: 'priority.accept', settles: 'Accepted', handle: (ctx, v) => answer(ctx, v, 'accept') });
  registry.action({ actionId: 'priority.keep', settles: 'Kept as it was', handle: (ctx, v) => answer(ctx, v, 'keep') });
  registry.action({ actionId: 'priority.withdraw', settles: 'Withdrawn', handle: withdrawByButton });
  registry.action({ actionId: 'action.done', handle: actionDone });
  registry.action({ actionId: 'action.redate', handle: redateAsk });
  registry.action({ actionId: 'action.reassign', handle: reassignAction });
  registry.listen('series.accepted', sendAgreement);
  registry.homeSection(homeAgenda);
  registerMeetingNotes(registry);
  registerHistory(registry);
  registry.planner((services, now) => void planReminders(services, now));
  for (const kind of Object.values(REMINDER_KINDS)) registry.composer(kind, composeReminder);
}
