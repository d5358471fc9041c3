/**
 * `/touchpoint notes` with its meeting-notes words (add, edit, remove, show), the add and edit
 * forms and buttons, and the retention of notes. Parsing only: the use cases are in
 * meeting-notes.ts, and `notes` alone is still the Held notes flow of notes.ts.
 */
import { z } from 'zod';
import type { CommandRegistry, CommandSpec, FormSpec } from '../../core/registry';
import { takeWith, word, zListNumber } from '../../core/args';
import { NOTE_VISIBILITIES, type NoteVisibility } from '../../core/ports';
import { notesOfLastMeeting } from './notes';
import { addNoteAsk, addNoteCommand, addNoteFromForm, editNote, editNoteAsk, removeNote, showNotes, showNotesOfMeeting } from './meeting-notes';
import { NOTE_MAX } from './meeting-notes-messages';

const OPS = ['add', 'edit', 'remove', 'show'] as const;
type NotesOp = (typeof OPS)[number];

export interface NotesCommandArgs {
  op?: NotesOp;
  visibility: NoteVisibility;
  id?: number;
  text?: string;
  with?: string;
}

const noteText = (missing: string) => word(missing).pipe(z.string().max(NOTE_MAX, { error: `a note must be at most ${NOTE_MAX} characters` }));

export const notesCommand: CommandSpec<NotesCommandArgs> = {
  root: 'touchpoint',
  name: 'notes',
  usage: 'notes [add [shared|private] <text> | edit #<n> <text> | remove #<n> | show]',
  describe: 'record your last touch-point: items, next steps, shared and private notes (yours to change until the next one)',
  example: 'notes add shared Agreed to visit every K-2 room before the data meeting',
  schema: () =>
    z
      .object({
        op: z.enum(OPS, { error: (iss) => `"${String(iss.input)}" is not add, edit, remove or show` }).optional(),
        // Private unless said otherwise: a thought kept to oneself by mistake is easier to undo than one shared.
        visibility: z.enum(NOTE_VISIBILITIES).optional().default('private'),
        id: zListNumber('a note number', 'like #3'),
        text: z
          .string()
          .max(NOTE_MAX, { error: `a note must be at most ${NOTE_MAX} characters` })
          .optional(),
        with: z.string().optional(),
        extra: z.undefined({ error: (iss) => `unexpected "${String(iss.input)}"` }).optional(),
      })
      .refine((a) => (a.op !== 'edit' && a.op !== 'remove') || a.id !== undefined, { error: 'say which note, like #3', path: ['id'] })
      .refine((a) => (a.op !== 'add' && a.op !== 'edit') || (a.text && a.text.trim()), {
        error: 'say what the note is, like: notes add shared Agreed to visit every K-2 room',
        path: ['text'],
      })
      .transform(({ extra: _extra, ...rest }) => rest),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    const op = rest[0]?.toLowerCase();
    if (op === 'add') {
      const said = rest[1]?.toLowerCase();
      const visibility = said === 'shared' || said === 'private' ? said : undefined;
      return { op, visibility, text: rest.slice(visibility ? 2 : 1).join(' ') || undefined, with: withPerson };
    }
    if (op === 'edit') return { op, id: rest[1], text: rest.slice(2).join(' ') || undefined, with: withPerson };
    if (op === 'remove') return { op, id: rest[1], extra: rest[2], with: withPerson };
    return { op, extra: rest[1], with: withPerson };
  },
  handle(ctx, args) {
    if (args.op === 'add') return addNoteCommand(ctx, args.visibility, args.text!.trim(), args.with);
    if (args.op === 'edit') return editNote(ctx, args.id!, args.text!.trim());
    if (args.op === 'remove') return removeNote(ctx, args.id!);
    if (args.op === 'show') return showNotes(ctx, args.with);
    return notesOfLastMeeting(ctx, args.with);
  },
};

const addNoteForm: FormSpec<{ visibility: NoteVisibility; text: string }> = {
  formId: 'meeting-notes.add',
  schema: () =>
    z.object({
      visibility: z.enum(NOTE_VISIBILITIES, { error: 'pick shared or private' }),
      text: noteText('say what the note is'),
    }),
  handle: (ctx, args, param) => addNoteFromForm(ctx, param, args.visibility, args.text),
};

const editNoteForm: FormSpec<{ text: string }> = {
  formId: 'meeting-notes.edit',
  schema: () => z.object({ text: noteText('the note cannot be empty: remove it instead') }),
  handle: (ctx, args, param) => editNote(ctx, Number(param), args.text),
};

export function registerMeetingNotes(registry: CommandRegistry): void {
  for (const form of [addNoteForm, editNoteForm] as FormSpec<never>[]) registry.form(form);
  registry.action({ actionId: 'meeting.notes.show', handle: showNotesOfMeeting });
  registry.action({ actionId: 'meeting.note.add', handle: addNoteAsk });
  registry.action({ actionId: 'meeting.note.edit', handle: editNoteAsk });
  registry.action({ actionId: 'meeting.note.remove', handle: (ctx, v) => removeNote(ctx, Number(v)) });
  // Notes go with the retention window, counted from their meeting.
  registry.retentionStep((services, before) => services.meetingNotes.deleteOfMeetingsBefore(before));
}
