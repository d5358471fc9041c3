/** Meeting notes: shared (both members) or private (the author only) notes of one touch-point. */
import type { Occurrence } from '../model';

export const NOTE_VISIBILITIES = ['shared', 'private'] as const;
export type NoteVisibility = (typeof NOTE_VISIBILITIES)[number];

export interface MeetingNote {
  id: number;
  occurrenceId: number;
  partnershipId: number;
  authorId: number;
  visibility: NoteVisibility;
  text: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The store returns every note of the occurrences asked for; who may read which is the policy's
 * (`maySeeMeetingNote`), applied by the one feature function that reads them.
 */
export interface MeetingNotesRepository {
  add(tenantId: number, n: { occurrenceId: number; partnershipId: number; authorId: number; visibility: NoteVisibility; text: string }, now: Date): MeetingNote;
  noteById(tenantId: number, noteId: number): MeetingNote | undefined;
  edit(tenantId: number, noteId: number, text: string, now: Date): void;
  remove(tenantId: number, noteId: number): void;
  /** All notes of these occurrences (any author, any visibility), oldest first. */
  notesOfOccurrences(tenantId: number, occurrenceIds: number[]): MeetingNote[];
  /** The partnership's meetings (any of its series) that start before `before`, newest first. */
  meetingsBefore(tenantId: number, partnershipId: number, before: Date, limit: number): Occurrence[];
  /** The first meeting of the partnership (scheduled, held or missed) that starts after `after`. */
  nextMeetingAfter(tenantId: number, partnershipId: number, after: Date): Occurrence | undefined;
  /** Retention: notes of meetings that started before `before`, across tenants; how many went. */
  deleteOfMeetingsBefore(before: Date): number;
}
