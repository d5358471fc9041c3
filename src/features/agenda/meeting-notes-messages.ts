/**
 * Messages of meeting notes: the notes of one meeting as the viewer may read them, the add and
 * edit forms, and the answers. A private note's words stay out of the fallback text (which
 * platforms show in notifications), as every confidential text does; the body carries them.
 */
import type { Occurrence, User } from '../../core/model';
import type { MeetingNote, NoteVisibility } from '../../core/ports';
import { escapeMarkup as esc, type Block, type Button, type FormInput, type Message } from '../../messages/model';

/** The longest note accepted. */
export const NOTE_MAX = 2000;

/** Whether notes of a meeting can still be written, and if not, why. */
export interface NotesWindow {
  open: boolean;
  /** Why not (a full sentence), when closed. */
  why?: string;
  /** When the next meeting is, which closes them. */
  nextWhen?: string;
}

export const VISIBILITY_LABELS: Record<NoteVisibility, string> = {
  shared: 'Shared (both of you see it)',
  private: 'Private (only you ever see it)',
};

/** How a note is labelled for its reader: shared notes by author, private ones as the reader's alone. */
export const noteLabel = (note: MeetingNote, authorName: string): string => (note.visibility === 'private' ? 'Private — only you' : `Shared — ${authorName}`);

export function meetingNotesMessage(
  viewer: User,
  occurrence: Occurrence,
  when: string,
  notes: MeetingNote[],
  window: NotesWindow,
  nameOf: (userId: number) => string,
  lead?: string,
): Message {
  const blocks: Block[] = [{ type: 'header', text: `Notes — ${when}` }];
  if (lead) blocks.push({ type: 'text', text: esc(lead) });
  if (notes.length === 0) blocks.push({ type: 'context', text: 'No notes yet.' });
  for (const note of notes) {
    blocks.push({ type: 'text', text: `**#${note.id} ${esc(noteLabel(note, nameOf(note.authorId)))}**\n${esc(note.text)}` });
    if (window.open && note.authorId === viewer.id) {
      blocks.push({
        type: 'actions',
        buttons: [
          { actionId: 'meeting.note.edit', label: 'Edit', value: String(note.id) },
          { actionId: 'meeting.note.remove', label: 'Remove', value: String(note.id), style: 'danger' },
        ],
      });
    }
  }
  if (window.open) {
    blocks.push({
      type: 'context',
      text: esc(
        `You can add and change your notes until ${window.nextWhen ? `the next touch-point begins (${window.nextWhen})` : 'the next touch-point begins'}. Type: /touchpoint notes add shared|private <text>`,
      ),
    });
    blocks.push({ type: 'actions', buttons: [{ actionId: 'meeting.note.add', label: 'Add a note', value: String(occurrence.id), style: 'primary' }] });
  } else if (window.why) blocks.push({ type: 'context', text: esc(window.why) });
  const shared = notes.filter((n) => n.visibility === 'shared');
  const privateCount = notes.length - shared.length;
  const text = [
    `Notes for ${when}:`,
    ...shared.map((n) => `#${n.id} ${noteLabel(n, nameOf(n.authorId))}: ${n.text}`),
    ...(privateCount ? [`${privateCount} private note${privateCount === 1 ? '' : 's'} of yours (shown in the message).`] : []),
    ...(notes.length === 0 ? ['No notes yet.'] : []),
  ].join('\n');
  return { text, blocks };
}

export function noteSavedMessage(note: MeetingNote, when: string, how: 'added' | 'changed'): Message {
  const where = note.visibility === 'private' ? 'your private notes (only you ever see them)' : 'the shared notes (both of you see them)';
  const head = `Note #${note.id} ${how} in ${where} for ${when}.`;
  const buttons: Button[] = [
    { actionId: 'meeting.note.edit', label: 'Edit', value: String(note.id) },
    { actionId: 'meeting.note.remove', label: 'Remove', value: String(note.id), style: 'danger' },
    { actionId: 'meeting.notes.show', label: 'All notes of this meeting', value: String(note.occurrenceId) },
  ];
  return {
    text: note.visibility === 'private' ? head : `${head} ${note.text}`,
    blocks: [
      { type: 'text', text: esc(head) },
      { type: 'context', text: esc(note.text) },
      { type: 'actions', buttons },
    ],
  };
}

export function noteRemovedMessage(note: MeetingNote, occurrenceId: number, when: string): Message {
  const text = `Note #${note.id} removed from the notes of ${when}.`;
  return {
    text,
    blocks: [
      { type: 'text', text: esc(text) },
      { type: 'actions', buttons: [{ actionId: 'meeting.notes.show', label: 'All notes of this meeting', value: String(occurrenceId) }] },
    ],
  };
}

const visibilityChoices = (['private', 'shared'] as const).map((v) => ({ value: v, label: VISIBILITY_LABELS[v] }));

export function noteAddForm(occurrenceId: number, when: string): Message {
  return {
    text: `Add a note for ${when}`,
    blocks: [
      {
        type: 'form',
        formId: `meeting-notes.add:${occurrenceId}`,
        title: 'Add a note',
        submitLabel: 'Save',
        inputs: [
          { id: 'visibility', label: 'Who sees it', kind: 'choice', required: true, initial: 'private', choices: visibilityChoices },
          { id: 'text', label: 'Note', kind: 'longtext', required: true, maxLength: NOTE_MAX },
        ],
      },
    ],
  };
}

export function noteEditForm(note: MeetingNote): Message {
  return {
    text: `Edit note #${note.id}`,
    blocks: [
      {
        type: 'form',
        formId: `meeting-notes.edit:${note.id}`,
        title: note.visibility === 'private' ? 'Edit your private note' : 'Edit your shared note',
        submitLabel: 'Save',
        inputs: [{ id: 'text', label: 'Note', kind: 'longtext', required: true, initial: note.text, maxLength: NOTE_MAX }],
      },
    ],
  };
}

/** The two note inputs of the Held notes form, by input id. */
export const NOTE_INPUTS = [
  { id: 'shared_notes', visibility: 'shared', label: 'Shared notes', hint: 'Both of you see these.' },
  { id: 'private_notes', visibility: 'private', label: 'Private notes', hint: 'Only you ever see these: not the other person, not admins, not exports.' },
] as const satisfies readonly { id: string; visibility: NoteVisibility; label: string; hint: string }[];

export const NOTE_INPUT_IDS: readonly string[] = NOTE_INPUTS.map((i) => i.id);

export const noteInputs = (): FormInput[] =>
  NOTE_INPUTS.map((i) => ({ id: i.id, label: i.label, kind: 'longtext' as const, required: false as const, hint: i.hint, maxLength: NOTE_MAX }));

/** How the notes saved with the Held form read in its summary: shared ones in full (the other person gets the summary), private ones never. */
export const sharedNotesLine = (note: MeetingNote): string => `Shared notes: ${note.text}`;
export const PRIVATE_SAVED_LINE = 'Your private notes are saved: only you will ever see them (/touchpoint history).';
