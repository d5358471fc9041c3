/**
 * Meeting notes of a touch-point: shared notes (both members read them) and private notes (only
 * the author ever reads them), for a past meeting or today's. Each person writes and edits their
 * own notes until the partnership's next meeting begins; from then on the notes are read-only, so
 * the record the next meeting builds on stays put. Every read goes through `readableNotes`, which
 * asks the policy (`maySeeMeetingNote`) about each note.
 */
import type { Reply, RequestContext, Services } from '../../core/context';
import type { Actor, Occurrence } from '../../core/model';
import type { MeetingNote, NoteVisibility } from '../../core/ports';
import { Refusal } from '../../core/errors';
import { addDays, localToUtc, todayIn } from '../../core/datetime';
import { authorize, decide } from '../../core/policy';
import { describeOccurrence, viewOf, type SeriesView } from '../booking/service';
import { agendaPartnership, viewFromOccurrence } from './service';
import { meetingNotesMessage, noteEditForm, noteAddForm, noteRemovedMessage, noteSavedMessage, type NotesWindow } from './meeting-notes-messages';

/** Statuses of a meeting that took place or was due to: notes can be written for these. */
const NOTABLE = new Set(['scheduled', 'held', 'missed']);

/** The notes of these meetings that the viewer may read, oldest first. The one place notes are read. */
export function readableNotes(services: Services, viewer: Actor, view: SeriesView, occurrenceIds: number[]): MeetingNote[] {
  return services.meetingNotes
    .notesOfOccurrences(viewer.tenant.id, occurrenceIds)
    .filter((n) => decide('meeting-note.see', viewer, view.school, view.partnership, n).allowed);
}

/** Whether notes of the meeting can still be written: it is past or today, and the next meeting has not begun. */
export function notesWindow(services: Services, tenantId: number, view: SeriesView, occurrence: Occurrence, now: Date): NotesWindow {
  const tz = view.school.timeZone;
  const next = services.meetingNotes.nextMeetingAfter(tenantId, view.partnership.id, occurrence.startsAt);
  const nextWhen = next ? describeOccurrence(next, tz) : undefined;
  if (todayIn(occurrence.startsAt, tz) > todayIn(now, tz))
    return { open: false, why: 'That touch-point has not come yet: notes are for a past meeting or today’s.' };
  if (!NOTABLE.has(occurrence.status)) return { open: false, why: `That touch-point was ${occurrence.status}: there is no meeting to take notes of.` };
  if (next && next.startsAt <= now) {
    return { open: false, why: `These notes are read-only: the next touch-point (${nextWhen!}) has begun. Add notes to that one instead.` };
  }
  return { open: true, nextWhen };
}

/** The meeting `notes add` and `notes show` are about: the latest one of today or before that took place or was due to. */
export function lastNotableMeeting(ctx: RequestContext, view: SeriesView): Occurrence {
  const tz = view.school.timeZone;
  const endOfToday = localToUtc(addDays(todayIn(ctx.now, tz), 1), '00:00', tz);
  const last = ctx.services.meetingNotes.meetingsBefore(ctx.actor.tenant.id, view.partnership.id, endOfToday, 20).find((o) => NOTABLE.has(o.status));
  if (!last) throw new Refusal('No touch-point has taken place yet, so there is nothing to take notes of.');
  return last;
}

function openWindow(ctx: RequestContext, view: SeriesView, occurrence: Occurrence): NotesWindow {
  const window = notesWindow(ctx.services, ctx.actor.tenant.id, view, occurrence, ctx.now);
  if (!window.open) throw new Refusal(window.why ?? 'These notes can no longer be changed.');
  return window;
}

/** Records a note of the actor's on a meeting (from the command, the add form or the Held notes form). */
export function writeNote(ctx: RequestContext, view: SeriesView, occurrence: Occurrence, visibility: NoteVisibility, text: string): MeetingNote {
  openWindow(ctx, view, occurrence);
  const note = ctx.services.meetingNotes.add(
    ctx.actor.tenant.id,
    { occurrenceId: occurrence.id, partnershipId: view.partnership.id, authorId: ctx.actor.user.id, visibility, text },
    ctx.now,
  );
  // The audit says a note was written, never what it says or (for a private one) anything the other member could learn from.
  ctx.audit({ schoolId: view.school.id, action: `meeting.note.${visibility}`, subjectType: 'meeting_note', subjectId: note.id });
  return note;
}

/** The meeting's notes as the actor may read them, with Edit / Remove on their own while they can still change. */
function notesOf(ctx: RequestContext, view: SeriesView, occurrence: Occurrence, lead?: string): Reply {
  const notes = readableNotes(ctx.services, ctx.actor, view, [occurrence.id]);
  const window = notesWindow(ctx.services, ctx.actor.tenant.id, view, occurrence, ctx.now);
  const names = (id: number): string => ctx.services.people.userById(ctx.actor.tenant.id, id)?.displayName ?? 'a former member';
  return {
    messages: [meetingNotesMessage(ctx.actor.user, occurrence, describeOccurrence(occurrence, view.school.timeZone), notes, window, names, lead)],
  };
}

/** `notes add [shared|private] <text>`: a note on the last meeting. */
export function addNoteCommand(ctx: RequestContext, visibility: NoteVisibility, text: string, withPerson?: string): Reply {
  const view = agendaPartnership(ctx, withPerson);
  const occurrence = lastNotableMeeting(ctx, view);
  const note = writeNote(ctx, view, occurrence, visibility, text);
  return { messages: [noteSavedMessage(note, describeOccurrence(occurrence, view.school.timeZone), 'added')] };
}

/** The add-a-note form (from the notes listing): a note on that meeting. */
export function addNoteFromForm(ctx: RequestContext, param: string, visibility: NoteVisibility, text: string): Reply {
  const { view, occurrence } = viewFromOccurrence(ctx, param);
  const note = writeNote(ctx, view, occurrence, visibility, text);
  return { messages: [noteSavedMessage(note, describeOccurrence(occurrence, view.school.timeZone), 'added')] };
}

/** `notes show`, and the "Edit notes" button: the meeting's notes. */
export function showNotes(ctx: RequestContext, withPerson?: string): Reply {
  const view = agendaPartnership(ctx, withPerson);
  return notesOf(ctx, view, lastNotableMeeting(ctx, view));
}

export function showNotesOfMeeting(ctx: RequestContext, param: string): Reply {
  const { view, occurrence } = viewFromOccurrence(ctx, param);
  return notesOf(ctx, view, occurrence);
}

/** A note the actor may change: their own, on a meeting whose notes are still open. */
function ownOpenNote(ctx: RequestContext, noteId: number): { note: MeetingNote; view: SeriesView; occurrence: Occurrence } {
  const tenantId = ctx.actor.tenant.id;
  const none = new Refusal(`There is no note #${noteId} of yours.`);
  const note = ctx.services.meetingNotes.noteById(tenantId, noteId);
  const occurrence = note && ctx.services.series.occurrenceById(tenantId, note.occurrenceId);
  const series = occurrence && ctx.services.series.seriesById(tenantId, occurrence.seriesId);
  if (!note || !occurrence || !series) throw none;
  const view = viewOf(ctx.services, tenantId, series);
  // Someone else's note reads exactly like one that does not exist.
  if (!decide('meeting-note.see', ctx.actor, view.school, view.partnership, note).allowed || note.authorId !== ctx.actor.user.id) throw none;
  authorize('agenda.use', ctx.actor, view.school, view.partnership);
  openWindow(ctx, view, occurrence);
  return { note, view, occurrence };
}

export function editNote(ctx: RequestContext, noteId: number, text: string): Reply {
  const { note, view, occurrence } = ownOpenNote(ctx, noteId);
  ctx.services.meetingNotes.edit(ctx.actor.tenant.id, note.id, text, ctx.now);
  ctx.audit({ schoolId: view.school.id, action: 'meeting.note.edit', subjectType: 'meeting_note', subjectId: note.id });
  const saved = ctx.services.meetingNotes.noteById(ctx.actor.tenant.id, note.id)!;
  return { messages: [noteSavedMessage(saved, describeOccurrence(occurrence, view.school.timeZone), 'changed')] };
}

export function removeNote(ctx: RequestContext, noteId: number): Reply {
  const { note, view, occurrence } = ownOpenNote(ctx, noteId);
  ctx.services.meetingNotes.remove(ctx.actor.tenant.id, note.id);
  ctx.audit({ schoolId: view.school.id, action: 'meeting.note.remove', subjectType: 'meeting_note', subjectId: note.id });
  return { messages: [noteRemovedMessage(note, occurrence.id, describeOccurrence(occurrence, view.school.timeZone))] };
}

/** The Edit button: the note's text in a form. */
export function editNoteAsk(ctx: RequestContext, value: string): Reply {
  return { messages: [noteEditForm(ownOpenNote(ctx, Number(value)).note)] };
}

/** The "Add a note" button. */
export function addNoteAsk(ctx: RequestContext, value: string): Reply {
  const { view, occurrence } = viewFromOccurrence(ctx, value);
  openWindow(ctx, view, occurrence);
  return { messages: [noteAddForm(occurrence.id, describeOccurrence(occurrence, view.school.timeZone))] };
}
