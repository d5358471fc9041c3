/**
 * Meeting notes, shared and private. Every read takes the tenant and joins through partnership →
 * school to check it; text is stored with person references and rendered to current names.
 */
import type { Db } from './db';
import type { Occurrence } from '../core/model';
import type { MeetingNote, MeetingNotesRepository, NoteVisibility } from '../core/ports/meeting-notes';
import { encodeForPartnership, renderer, type RenderNullable } from './person-refs';
import { toOccurrence } from './rows';

type Row = Record<string, unknown>;
const iso = (d: Date): string => d.toISOString();

const IN_TENANT = `JOIN partnerships p ON p.id = n.partnership_id JOIN schools sc ON sc.id = p.school_id AND sc.tenant_id = @tenantId`;
const OCCURRENCES_OF_PARTNERSHIP = `FROM occurrences o JOIN series s ON s.id = o.series_id JOIN partnerships p ON p.id = s.partnership_id
  JOIN schools sc ON sc.id = p.school_id WHERE sc.tenant_id = @tenantId AND p.id = @partnershipId`;

function toNote(r: Row, render: RenderNullable): MeetingNote {
  return {
    id: r.id as number,
    occurrenceId: r.occurrence_id as number,
    partnershipId: r.partnership_id as number,
    authorId: r.author_id as number,
    visibility: r.visibility as NoteVisibility,
    text: render(r.text as string),
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

export class MeetingNotesStore implements MeetingNotesRepository {
  constructor(private readonly db: Db) {}

  add(
    tenantId: number,
    n: { occurrenceId: number; partnershipId: number; authorId: number; visibility: NoteVisibility; text: string },
    now: Date,
  ): MeetingNote {
    // The occurrence must be one of the partnership's, in the tenant.
    const own = this.db
      .prepare(`SELECT 1 ${OCCURRENCES_OF_PARTNERSHIP} AND o.id = @occurrenceId`)
      .get({ tenantId, partnershipId: n.partnershipId, occurrenceId: n.occurrenceId });
    if (!own) throw new Error('occurrence not in partnership');
    const info = this.db
      .prepare(`INSERT INTO meeting_notes (occurrence_id, partnership_id, author_id, visibility, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(n.occurrenceId, n.partnershipId, n.authorId, n.visibility, encodeForPartnership(this.db, tenantId, n.partnershipId, n.text), iso(now), iso(now));
    return this.noteById(tenantId, Number(info.lastInsertRowid))!;
  }

  noteById(tenantId: number, noteId: number): MeetingNote | undefined {
    const r = this.db.prepare(`SELECT n.* FROM meeting_notes n ${IN_TENANT} WHERE n.id = @noteId`).get({ tenantId, noteId }) as Row | undefined;
    return r && toNote(r, renderer(this.db, tenantId));
  }

  edit(tenantId: number, noteId: number, text: string, now: Date): void {
    const note = this.noteById(tenantId, noteId);
    if (!note) throw new Error('note not in tenant');
    this.db
      .prepare('UPDATE meeting_notes SET text = ?, updated_at = ? WHERE id = ?')
      .run(encodeForPartnership(this.db, tenantId, note.partnershipId, text), iso(now), noteId);
  }

  remove(tenantId: number, noteId: number): void {
    if (!this.noteById(tenantId, noteId)) throw new Error('note not in tenant');
    this.db.prepare('DELETE FROM meeting_notes WHERE id = ?').run(noteId);
  }

  notesOfOccurrences(tenantId: number, occurrenceIds: number[]): MeetingNote[] {
    if (occurrenceIds.length === 0) return [];
    const render = renderer(this.db, tenantId);
    const ids = occurrenceIds.map((id) => Number(id)).filter(Number.isInteger);
    return (
      this.db.prepare(`SELECT n.* FROM meeting_notes n ${IN_TENANT} WHERE n.occurrence_id IN (${ids.join(',')}) ORDER BY n.id`).all({ tenantId }) as Row[]
    ).map((r) => toNote(r, render));
  }

  meetingsBefore(tenantId: number, partnershipId: number, before: Date, limit: number): Occurrence[] {
    const render = renderer(this.db, tenantId);
    return (
      this.db
        .prepare(`SELECT o.* ${OCCURRENCES_OF_PARTNERSHIP} AND o.starts_at < @before ORDER BY o.starts_at DESC LIMIT @limit`)
        .all({ tenantId, partnershipId, before: iso(before), limit }) as Row[]
    ).map((r) => toOccurrence(r, render));
  }

  nextMeetingAfter(tenantId: number, partnershipId: number, after: Date): Occurrence | undefined {
    const r = this.db
      .prepare(`SELECT o.* ${OCCURRENCES_OF_PARTNERSHIP} AND o.starts_at > @after AND o.status IN ('scheduled', 'held', 'missed') ORDER BY o.starts_at LIMIT 1`)
      .get({ tenantId, partnershipId, after: iso(after) }) as Row | undefined;
    return r && toOccurrence(r, renderer(this.db, tenantId));
  }

  deleteOfMeetingsBefore(before: Date): number {
    return this.db.prepare(`DELETE FROM meeting_notes WHERE occurrence_id IN (SELECT id FROM occurrences WHERE starts_at < ?)`).run(iso(before)).changes;
  }
}
