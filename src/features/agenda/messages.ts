/**
 * The agenda's messages: the agreement, the forms and the answers to commands (the compiled
 * agenda and the reminders are in reminder-messages.ts). User text is escaped in blocks; the
 * fallback text carries the substance.
 */
import type { RequestContext } from '../../core/context';
import type { Occurrence, User } from '../../core/model';
import { internalMention } from '../../core/app';
import { formatLocalDate, type LocalDate } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Choice, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import { noteInputs } from './meeting-notes-messages';
import { SECTIONS, type ActionItem, type AgendaItem, type Priority, type ReminderSettings, type Section } from '../../core/ports';
import { priorityChoices, priorityMarker } from './priorities-messages';
import { describeOccurrence, otherPerson, partnerInput, type SeriesView } from '../booking/service';

export const SECTION_LABELS: Record<Section, string> = {
  wins: 'Wins and bright spots',
  data: 'Student data',
  priorities: 'Priorities check',
  support: 'Teacher support',
  learning: "What we're learning",
  escalations: 'Escalations',
  other: 'Other',
};

export const AGREEMENT_POINTS = [
  'We meet at the fixed time and protect it; skipping is explicit and says why.',
  'We keep at most three shared priorities, at the top of every agenda.',
  'The coach is a thought partner, not an evaluator, and is never asked to report on individual teachers’ coaching.',
  'Hard situations follow the escalation pathway: back to the teacher first, then reflect, then the principal at our touch-point (student safety at once).',
];

export function agreementBlocks(partnershipId: number, withButton: boolean): Block[] {
  return [
    { type: 'text', text: '**Our partnership agreement**' },
    { type: 'list', items: AGREEMENT_POINTS.map(esc) },
    ...(withButton
      ? [{ type: 'actions' as const, buttons: [{ actionId: 'agreement.confirm', label: 'I agree', value: String(partnershipId), style: 'primary' as const }] }]
      : []),
  ];
}

export const agreementConfirmedMessage = (both: boolean): Message =>
  textMessage(both ? 'Thank you. You have both confirmed the agreement.' : 'Thank you. Your confirmation is recorded.');

export const actionDoneMessage = (action: ActionItem): Message => textMessage(`Done: ${action.text}`);

/** The agreement a newly accepted partnership runs on, for one of its two people to confirm. */
export function agreementMessage(view: SeriesView, person: User): Message {
  return {
    text: `Your partnership agreement with ${otherPerson(view, person).displayName}. Please confirm it.`,
    blocks: [{ type: 'header', text: 'How we work together' }, ...agreementBlocks(view.partnership.id, true)],
  };
}

// ---- items and priorities ---------------------------------------------------------------------------

const sectionChoices = SECTIONS.filter((s) => s !== 'escalations').map((s) => ({ value: s, label: SECTION_LABELS[s] }));

/** The optional priority tag of a form (none when no priority is agreed). */
const tagInput = (id: string, choices: Choice[]) =>
  choices.length ? [{ id, label: 'Serves priority', kind: 'choice' as const, required: false, choices, hint: 'Optional' }] : [];

export function addForm(ctx: RequestContext, preset?: User, priorities: Choice[] = []): Message {
  return {
    text: 'Add an agenda item',
    blocks: [
      {
        type: 'form',
        formId: 'touchpoint.add',
        title: 'Add an agenda item',
        submitLabel: 'Add',
        inputs: [
          ...partnerInput(ctx, preset),
          { id: 'section', label: 'Section', kind: 'choice', required: true, initial: 'other', choices: sectionChoices },
          { id: 'text', label: 'Item', kind: 'longtext', required: true, placeholder: 'What do you want to talk about?' },
          ...tagInput('priority', priorities),
        ],
      },
    ],
  };
}

export function itemAddedMessage(item: AgendaItem, when: string): Message {
  const tag = item.prioritySlot ? `,${priorityMarker(item.prioritySlot)}` : '';
  return {
    text: `Added to the agenda for ${when} (${SECTION_LABELS[item.section]}${tag}): ${item.text}`,
    blocks: [
      { type: 'text', text: `Added to the agenda for ${esc(when)} (**${esc(SECTION_LABELS[item.section])}**${tag}): ${esc(item.text)}` },
      {
        type: 'actions',
        buttons: [
          { actionId: 'agenda.item.edit', label: 'Edit', value: String(item.id) },
          { actionId: 'agenda.item.remove', label: 'Remove', value: String(item.id), style: 'danger' },
        ],
      },
    ],
  };
}

export function editItemForm(item: AgendaItem): Message {
  return {
    text: 'Edit the agenda item',
    blocks: [
      {
        type: 'form',
        formId: `agenda.edit:${item.id}`,
        title: 'Edit the agenda item',
        submitLabel: 'Save',
        inputs: [{ id: 'text', label: 'Item', kind: 'longtext', required: true, initial: item.text }],
      },
    ],
  };
}

export const itemEditedMessage = (itemId: number, text: string): Message => textMessage(`Item #${itemId} now reads: ${text}`);

export const itemRemovedMessage = (item: AgendaItem): Message => textMessage(`Removed item #${item.id} (${item.text}).`);

export const passedMessage = (when: string): Message => textMessage(`Noted: nothing from you for ${when}. You can still add an item until then.`);

// ---- meeting outcome and notes ------------------------------------------------------------------------

/** To the other person, when one of them answered "Did it happen?". */
export function outcomeNotice(by: User, when: string, outcome: 'held' | 'missed'): Message {
  return textMessage(
    outcome === 'missed'
      ? `${by.displayName} recorded the touch-point of ${when} as missed. Its items carry over to the next one.`
      : `${by.displayName} recorded the touch-point of ${when} as held and is taking notes.`,
  );
}

export const missedMessage = (nextWhen: string): Message => textMessage(`Recorded as missed. The agenda items carry over to ${nextWhen}.`);

export const heldMessage = (): Message => textMessage(`Recorded as held. Mark each item and record next steps:`);

export const lastMissedMessage = (when: string): Message => textMessage(`Your last touch-point (${when}) was recorded as missed.`);

/** A next step as one line (the notes summary and the answer to the next-step form). */
export const nextStepLine = (owner: User, due: LocalDate, decision: string): string =>
  `Next step for ${owner.displayName}, due ${formatLocalDate(due)}: ${decision}`;

export function notesSummary(when: string, counts: { discussed: number; carried: number; dropped: number }, steps: string[]): string {
  return `Notes saved for ${when}: ${counts.discussed} discussed, ${counts.carried} carried over, ${counts.dropped} dropped.${steps.map((s) => ` ${s}.`).join('')}`;
}

/** To the other person, when the notes are saved. */
export const notesNotice = (by: User, summary: string): Message => textMessage(`${by.displayName} saved the notes. ${summary}`);

export const notesAlreadySavedLine = (when: string): string =>
  `The notes for ${when} are already saved. Add a next step here, or /touchpoint agenda to see what carries over.`;

/** The two people of the partnership as owner choices. */
function ownerChoices(view: SeriesView): { value: string; label: string }[] {
  return [view.principal, view.coach].map((u) => ({ value: internalMention(u), label: u.displayName }));
}

/** The input-id suffixes of the notes form's next-step rows: `decision`, `decision_2`, `decision_3`, and the same for owner and due. */
export const NEXT_STEP_ROWS = ['', '_2', '_3'] as const;

/** The notes form of a held touch-point: each item it covered, then up to three decisions or next steps. */
export function notesForm(view: SeriesView, occurrence: Occurrence, items: AgendaItem[], priorities: Priority[] = []): Message {
  return {
    text: `Notes for ${describeOccurrence(occurrence, view.school.timeZone)}`,
    blocks: [
      {
        type: 'form',
        formId: `agenda.notes:${occurrence.id}`,
        title: 'Meeting notes',
        submitLabel: 'Save notes',
        inputs: [
          ...items.map((i) => ({
            id: `item_${i.id}`,
            label: i.text.length > 70 ? `${i.text.slice(0, 69)}…` : i.text,
            kind: 'choice' as const,
            required: false,
            choices: [
              { value: 'discussed', label: 'Discussed' },
              { value: 'carry', label: 'Carry over' },
              { value: 'drop', label: 'Drop' },
            ],
            hint: 'Not marked: carried over',
          })),
          ...NEXT_STEP_ROWS.flatMap((suffix, n) => [
            { id: `decision${suffix}`, label: n === 0 ? 'Decision or next step' : `Next step ${n + 1}`, kind: 'longtext' as const, required: false },
            { id: `owner${suffix}`, label: 'Owner', kind: 'person' as const, required: false, choices: ownerChoices(view) },
            { id: `due${suffix}`, label: 'Due', kind: 'date' as const, required: false },
            ...tagInput(`priority${suffix}`, priorityChoices(priorities)),
          ]),
          ...noteInputs(),
        ],
      },
    ],
  };
}

export function nextStepForm(view: SeriesView, occurrenceId: number, priorities: Priority[] = []): Message {
  return {
    text: 'Add a next step',
    blocks: [
      {
        type: 'form',
        formId: `agenda.next-step:${occurrenceId}`,
        title: 'Add a next step',
        submitLabel: 'Save',
        inputs: [
          { id: 'decision', label: 'Decision or next step', kind: 'longtext', required: true },
          { id: 'owner', label: 'Owner', kind: 'person', required: true, choices: ownerChoices(view) },
          { id: 'due', label: 'Due', kind: 'date', required: true },
          ...tagInput('priority', priorityChoices(priorities)),
        ],
      },
    ],
  };
}

/** A message with the "Add another next step" button for a touch-point whose notes are saved. */
export function withNextStepButton(text: string, occurrenceId: number): Message {
  return {
    text,
    blocks: [
      { type: 'text', text: esc(text) },
      {
        type: 'actions',
        buttons: [
          { actionId: 'meeting.next-step', label: 'Add another next step', value: String(occurrenceId) },
          { actionId: 'meeting.notes.show', label: 'Edit notes', value: String(occurrenceId) },
        ],
      },
    ],
  };
}

export function rescheduleForm(occurrenceId: number): Message {
  return {
    text: 'When does it take place instead?',
    blocks: [
      {
        type: 'form',
        formId: `agenda.reschedule:${occurrenceId}`,
        title: 'Rescheduled to',
        submitLabel: 'Save',
        inputs: [
          { id: 'date', label: 'New date', kind: 'date', required: true },
          { id: 'time', label: 'New time', kind: 'time', required: true },
        ],
      },
    ],
  };
}

// ---- settings ------------------------------------------------------------------------------

/** What the settings answer shows: the partnership's timings, the viewer's mutes, the school's escalation settings. */
export interface SettingsOverview {
  settings: ReminderSettings;
  mutes: string[];
  school: { reflectDays: number; urgentAckMinutes: number };
  /** The kinds a person may mute. */
  mutable: string[];
}

export function settingsMessage(view: SeriesView, viewer: User, changed: string | undefined, o: SettingsOverview): Message {
  const s = o.settings;
  const fields = [
    { label: 'Agenda prompt', value: `${s.promptLeadDays} school days before, at ${s.promptTime} (prompt-days, prompt-time)` },
    { label: 'Compiled agenda', value: `${s.agendaLeadMinutes} minutes before (agenda-lead)` },
    { label: '"Did it happen?"', value: `${s.notesDelayMinutes} minutes after the end (notes-delay)` },
    { label: 'Muted for you', value: o.mutes.length ? o.mutes.join(', ') : 'nothing' },
    {
      label: `Escalations at ${view.school.name}`,
      value: `reflect ${o.school.reflectDays} school days (reflect-days); urgent acknowledged within ${o.school.urgentAckMinutes} minutes (urgent-ack)`,
    },
  ];
  return {
    text: `${changed ? `${changed}\n` : ''}Settings with ${otherPerson(view, viewer).displayName}: ${fields.map((f) => `${f.label}: ${f.value}`).join('; ')}`,
    blocks: [
      ...(changed ? [{ type: 'text' as const, text: esc(changed) }] : []),
      { type: 'header', text: 'Reminder settings' },
      { type: 'fields', fields: fields.map((f) => ({ label: esc(f.label), value: esc(f.value) })) },
      { type: 'context', text: esc(`Change: /touchpoint settings prompt-days 3 · mute one of: ${o.mutable.join(', ')}`) },
    ],
  };
}
