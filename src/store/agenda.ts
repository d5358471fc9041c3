/**
 * Agenda, priorities, action items, reminder settings, mutes, agreements and meeting outcomes.
 * Every read takes the tenant and joins through partnership → school to check it.
 */
import type { LocalDate, LocalTime } from '../core/datetime';
import {
  DEFAULT_SETTINGS,
  type ActionItem,
  type AgendaItem,
  type AgendaRepository,
  type ItemStatus,
  type PlanTarget,
  type ReminderSettings,
  type Section,
} from '../core/ports/agenda';
import { encodeForPartnership, renderer, type RenderNullable } from './person-refs';
import { actionsWhere, toAction } from './agenda-actions';
import { PriorityStore } from './agenda-priorities';

type Row = Record<string, unknown>;
const iso = (d: Date): string => d.toISOString();

const IN_TENANT = `JOIN partnerships p ON p.id = x.partnership_id JOIN schools sc ON sc.id = p.school_id AND sc.tenant_id = @tenantId`;

function toItem(r: Row, render: RenderNullable): AgendaItem {
  return {
    id: r.id as number,
    partnershipId: r.partnership_id as number,
    section: r.section as Section,
    text: render(r.text as string),
    authorId: (r.author_id as number | null) ?? null,
    status: r.status as ItemStatus,
    carriedCount: r.carried_count as number,
    occurrenceId: (r.occurrence_id as number | null) ?? null,
    createdAt: new Date(r.created_at as string),
    prioritySlot: (r.priority_slot as number | null) ?? null,
  };
}
export class AgendaStore extends PriorityStore implements AgendaRepository {
  private partnershipInTenant(tenantId: number, partnershipId: number): boolean {
    return (
      this.db.prepare('SELECT 1 FROM partnerships p JOIN schools s ON s.id = p.school_id WHERE s.tenant_id = ? AND p.id = ?').get(tenantId, partnershipId) !==
      undefined
    );
  }

  // ---- items ---------------------------------------------------------------------------------

  addItem(
    tenantId: number,
    i: { partnershipId: number; section: Section; text: string; authorId: number; prioritySlot?: number | null },
    now: Date,
  ): AgendaItem {
    if (!this.partnershipInTenant(tenantId, i.partnershipId)) throw new Error('partnership not in tenant');
    const text = encodeForPartnership(this.db, tenantId, i.partnershipId, i.text);
    const info = this.db
      .prepare(`INSERT INTO agenda_items (partnership_id, section, text, author_id, priority_slot, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(i.partnershipId, i.section, text, i.authorId, i.prioritySlot ?? null, iso(now), iso(now));
    return this.itemById(tenantId, Number(info.lastInsertRowid))!;
  }

  itemById(tenantId: number, itemId: number): AgendaItem | undefined {
    const r = this.db.prepare(`SELECT x.* FROM agenda_items x ${IN_TENANT} WHERE x.id = @itemId`).get({ tenantId, itemId }) as Row | undefined;
    return r && toItem(r, renderer(this.db, tenantId));
  }

  /** Open items of a partnership: carried-over first (most carried first), then by creation. */
  openItems(tenantId: number, partnershipId: number): AgendaItem[] {
    const render = renderer(this.db, tenantId);
    return (
      this.db
        .prepare(
          `SELECT x.* FROM agenda_items x ${IN_TENANT} WHERE x.partnership_id = @partnershipId AND x.status = 'open'
                ORDER BY x.carried_count DESC, x.id`,
        )
        .all({ tenantId, partnershipId }) as Row[]
    ).map((r) => toItem(r, render));
  }

  itemsOfOccurrence(tenantId: number, occurrenceId: number): AgendaItem[] {
    const render = renderer(this.db, tenantId);
    return (
      this.db
        .prepare(`SELECT x.* FROM agenda_items x ${IN_TENANT} WHERE x.occurrence_id = @occurrenceId ORDER BY x.id`)
        .all({ tenantId, occurrenceId }) as Row[]
    ).map((r) => toItem(r, render));
  }

  editItem(tenantId: number, itemId: number, text: string, now: Date): void {
    const item = this.itemById(tenantId, itemId);
    if (!item) throw new Error('item not in tenant');
    this.db
      .prepare('UPDATE agenda_items SET text = ?, updated_at = ? WHERE id = ?')
      .run(encodeForPartnership(this.db, tenantId, item.partnershipId, text), iso(now), itemId);
  }

  removeItem(tenantId: number, itemId: number): void {
    if (!this.itemById(tenantId, itemId)) throw new Error('item not in tenant');
    this.db.prepare('DELETE FROM agenda_items WHERE id = ?').run(itemId);
  }

  /** Closes an item at a meeting (discussed or dropped). */
  closeItem(tenantId: number, itemId: number, status: 'discussed' | 'dropped', occurrenceId: number, now: Date): void {
    if (!this.itemById(tenantId, itemId)) throw new Error('item not in tenant');
    this.db.prepare('UPDATE agenda_items SET status = ?, occurrence_id = ?, updated_at = ? WHERE id = ?').run(status, occurrenceId, iso(now), itemId);
  }

  carryItem(tenantId: number, itemId: number, now: Date): void {
    if (!this.itemById(tenantId, itemId)) throw new Error('item not in tenant');
    this.db.prepare('UPDATE agenda_items SET carried_count = carried_count + 1, updated_at = ? WHERE id = ?').run(iso(now), itemId);
  }

  /** Items discussed at held meetings of the partnership since a moment (for the health report). */
  countDiscussedSince(tenantId: number, partnershipId: number, since: Date): number {
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM agenda_items x ${IN_TENANT} JOIN occurrences o ON o.id = x.occurrence_id
                WHERE x.partnership_id = @partnershipId AND x.status = 'discussed' AND o.starts_at >= @since`,
      )
      .get({ tenantId, partnershipId, since: iso(since) }) as Row;
    return r.n as number;
  }

  // ---- priorities ----------------------------------------------------------------------------

  // Priorities, their proposals and what served each: PriorityStore (agenda-priorities.ts).

  // ---- action items ---------------------------------------------------------------------------

  addAction(
    tenantId: number,
    a: {
      partnershipId: number;
      occurrenceId: number | null;
      text: string;
      ownerId: number;
      dueDate: LocalDate;
      createdBy: number;
      prioritySlot?: number | null;
    },
    now: Date,
  ): ActionItem {
    if (!this.partnershipInTenant(tenantId, a.partnershipId)) throw new Error('partnership not in tenant');
    const text = encodeForPartnership(this.db, tenantId, a.partnershipId, a.text);
    const info = this.db
      .prepare(
        `INSERT INTO action_items (partnership_id, occurrence_id, text, owner_id, due_date, created_by, priority_slot, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(a.partnershipId, a.occurrenceId, text, a.ownerId, a.dueDate, a.createdBy, a.prioritySlot ?? null, iso(now));
    return this.actionById(tenantId, Number(info.lastInsertRowid))!;
  }

  actionById(tenantId: number, actionId: number): ActionItem | undefined {
    const r = this.db.prepare(`SELECT x.* FROM action_items x ${IN_TENANT} WHERE x.id = @actionId`).get({ tenantId, actionId }) as Row | undefined;
    return r && toAction(r, renderer(this.db, tenantId));
  }

  private actionsWhere(tenantId: number, where: string, params: Record<string, unknown>, order?: string): ActionItem[] {
    return actionsWhere(this.db, tenantId, `${IN_TENANT} WHERE ${where}`, params, order);
  }

  openActions(tenantId: number, partnershipId: number): ActionItem[] {
    return this.actionsWhere(tenantId, `x.partnership_id = @partnershipId AND x.status = 'open'`, { partnershipId });
  }

  openActionsOfOwner(tenantId: number, ownerId: number): ActionItem[] {
    return this.actionsWhere(tenantId, `x.owner_id = @ownerId AND x.status = 'open'`, { ownerId });
  }

  closeAction(tenantId: number, actionId: number, status: 'done' | 'dropped', now: Date): void {
    if (!this.actionById(tenantId, actionId)) throw new Error('action not in tenant');
    this.db.prepare('UPDATE action_items SET status = ?, closed_at = ? WHERE id = ?').run(status, iso(now), actionId);
  }

  actionsOfPartnerships(tenantId: number, partnershipIds: number[], closedSince: Date): ActionItem[] {
    if (partnershipIds.length === 0) return [];
    const where = `x.partnership_id IN (${partnershipIds.map(Number).join(', ')}) AND (x.status = 'open' OR x.closed_at >= @since)`;
    return this.actionsWhere(
      tenantId,
      where,
      { since: iso(closedSince) },
      `x.status <> 'open', CASE WHEN x.status = 'open' THEN x.due_date END, x.closed_at DESC, x.id`,
    );
  }

  redateAction(tenantId: number, actionId: number, dueDate: LocalDate): boolean {
    return (
      !!this.actionById(tenantId, actionId) &&
      this.db.prepare(`UPDATE action_items SET due_date = ? WHERE id = ? AND status = 'open'`).run(dueDate, actionId).changes === 1
    );
  }

  reassignAction(tenantId: number, actionId: number, ownerId: number): boolean {
    const sql = `UPDATE action_items SET owner_id = @ownerId WHERE id = @actionId AND status = 'open' AND owner_id <> @ownerId`;
    return !!this.actionById(tenantId, actionId) && this.db.prepare(sql).run({ ownerId, actionId }).changes === 1;
  }

  // ---- settings, mutes, agreements, passes -------------------------------------------------------

  settings(tenantId: number, partnershipId: number): ReminderSettings {
    const r = this.db
      .prepare(`SELECT x.* FROM partnership_settings x ${IN_TENANT} WHERE x.partnership_id = @partnershipId`)
      .get({ tenantId, partnershipId }) as Row | undefined;
    if (!r) return { ...DEFAULT_SETTINGS };
    return {
      promptLeadDays: r.prompt_lead_days as number,
      promptTime: r.prompt_time as LocalTime,
      agendaLeadMinutes: r.agenda_lead_minutes as number,
      notesDelayMinutes: r.notes_delay_minutes as number,
    };
  }

  saveSettings(tenantId: number, partnershipId: number, s: ReminderSettings, now: Date): void {
    if (!this.partnershipInTenant(tenantId, partnershipId)) throw new Error('partnership not in tenant');
    this.db
      .prepare(
        `INSERT INTO partnership_settings (partnership_id, prompt_lead_days, prompt_time, agenda_lead_minutes, notes_delay_minutes, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (partnership_id) DO UPDATE SET prompt_lead_days = excluded.prompt_lead_days, prompt_time = excluded.prompt_time,
                  agenda_lead_minutes = excluded.agenda_lead_minutes, notes_delay_minutes = excluded.notes_delay_minutes, updated_at = excluded.updated_at`,
      )
      .run(partnershipId, s.promptLeadDays, s.promptTime, s.agendaLeadMinutes, s.notesDelayMinutes, iso(now));
  }

  mutes(tenantId: number, userId: number, partnershipId: number): string[] {
    return (
      this.db
        .prepare(`SELECT x.kind FROM reminder_mutes x ${IN_TENANT} WHERE x.user_id = @userId AND x.partnership_id = @partnershipId ORDER BY x.kind`)
        .all({ tenantId, userId, partnershipId }) as Row[]
    ).map((r) => r.kind as string);
  }

  setMute(tenantId: number, userId: number, partnershipId: number, kind: string, muted: boolean): boolean {
    if (!this.partnershipInTenant(tenantId, partnershipId)) return false;
    const stmt = muted
      ? this.db.prepare('INSERT OR IGNORE INTO reminder_mutes (user_id, partnership_id, kind) VALUES (?, ?, ?)')
      : this.db.prepare('DELETE FROM reminder_mutes WHERE user_id = ? AND partnership_id = ? AND kind = ?');
    return stmt.run(userId, partnershipId, kind).changes === 1;
  }

  confirmAgreement(tenantId: number, partnershipId: number, userId: number, now: Date): boolean {
    if (!this.partnershipInTenant(tenantId, partnershipId)) return false;
    return (
      this.db.prepare('INSERT OR IGNORE INTO agreements (partnership_id, user_id, confirmed_at) VALUES (?, ?, ?)').run(partnershipId, userId, iso(now))
        .changes === 1
    );
  }

  agreementConfirmedBy(tenantId: number, partnershipId: number): number[] {
    return (
      this.db.prepare(`SELECT x.user_id FROM agreements x ${IN_TENANT} WHERE x.partnership_id = @partnershipId`).all({ tenantId, partnershipId }) as Row[]
    ).map((r) => r.user_id as number);
  }

  pass(tenantId: number, occurrenceId: number, userId: number, now: Date): boolean {
    return (
      this.db.prepare('INSERT OR IGNORE INTO agenda_passes (occurrence_id, user_id, at) VALUES (?, ?, ?)').run(occurrenceId, userId, iso(now)).changes === 1
    );
  }

  passes(occurrenceId: number): number[] {
    return (this.db.prepare('SELECT user_id FROM agenda_passes WHERE occurrence_id = ?').all(occurrenceId) as Row[]).map((r) => r.user_id as number);
  }

  // ---- meeting outcomes and planning ------------------------------------------------------------

  recordOutcome(tenantId: number, occurrenceId: number, status: 'held' | 'missed', by: number, now: Date): boolean {
    const inTenant = this.db
      .prepare(
        `SELECT 1 FROM occurrences o JOIN series s ON s.id = o.series_id JOIN partnerships p ON p.id = s.partnership_id
                JOIN schools sc ON sc.id = p.school_id WHERE sc.tenant_id = ? AND o.id = ?`,
      )
      .get(tenantId, occurrenceId);
    if (!inTenant) return false;
    return (
      this.db
        .prepare(`UPDATE occurrences SET status = ?, outcome_at = ?, outcome_by = ?, updated_at = ? WHERE id = ? AND outcome_at IS NULL`)
        .run(status, iso(now), by, iso(now), occurrenceId).changes === 1
    );
  }

  /** Marks a meeting's notes as saved; false when they already were (the second save is refused). */
  markNotes(tenantId: number, occurrenceId: number, now: Date): boolean {
    return (
      this.db
        .prepare(
          `UPDATE occurrences SET notes_at = ? WHERE id = ? AND notes_at IS NULL AND series_id IN (
                  SELECT s.id FROM series s JOIN partnerships p ON p.id = s.partnership_id JOIN schools sc ON sc.id = p.school_id WHERE sc.tenant_id = ?)`,
        )
        .run(iso(now), occurrenceId, tenantId).changes === 1
    );
  }

  /** Whether and when the touch-point was recorded as held or missed, and when its notes were saved. */
  outcomeOf(occurrenceId: number): { at: Date; by: number | null; notesAt: Date | null } | undefined {
    const r = this.db.prepare('SELECT outcome_at, outcome_by, notes_at FROM occurrences WHERE id = ?').get(occurrenceId) as Row | undefined;
    return r && typeof r.outcome_at === 'string'
      ? { at: new Date(r.outcome_at), by: (r.outcome_by as number | null) ?? null, notesAt: typeof r.notes_at === 'string' ? new Date(r.notes_at) : null }
      : undefined;
  }

  /** Occurrences not yet planned that start before `until` (and end after `from`), across tenants. */
  toPlan(from: Date, until: Date, limit: number, tenantId?: number): PlanTarget[] {
    return (
      this.db
        .prepare(
          `SELECT o.id AS occurrence_id, o.series_id, o.original_date, o.starts_at, o.ends_at, o.status,
                  p.id AS partnership_id, p.principal_id, p.coach_id, sc.id AS school_id, sc.tenant_id, sc.time_zone
                FROM occurrences o JOIN series s ON s.id = o.series_id JOIN partnerships p ON p.id = s.partnership_id
                JOIN schools sc ON sc.id = p.school_id
                WHERE o.planned_at IS NULL AND o.starts_at < @until AND o.ends_at > @from AND (@tenantId IS NULL OR sc.tenant_id = @tenantId)
                ORDER BY o.starts_at LIMIT @limit`,
        )
        .all({ from: iso(from), until: iso(until), limit, tenantId: tenantId ?? null }) as Row[]
    ).map((r) => ({
      tenantId: r.tenant_id as number,
      occurrenceId: r.occurrence_id as number,
      seriesId: r.series_id as number,
      partnershipId: r.partnership_id as number,
      schoolId: r.school_id as number,
      timeZone: r.time_zone as string,
      principalId: r.principal_id as number,
      coachId: r.coach_id as number,
      originalDate: r.original_date as LocalDate,
      startsAt: new Date(r.starts_at as string),
      endsAt: new Date(r.ends_at as string),
      status: r.status as string,
    }));
  }

  markPlanned(occurrenceId: number, now: Date): void {
    this.db.prepare('UPDATE occurrences SET planned_at = ? WHERE id = ?').run(iso(now), occurrenceId);
  }

  replansWaiting(limit: number, tenantId?: number): { tenantId: number; schoolId: number }[] {
    return (
      this.db
        .prepare(
          'SELECT sc.tenant_id, sc.id AS school_id FROM reminder_replans r JOIN schools sc ON sc.id = r.school_id WHERE (? IS NULL OR sc.tenant_id = ?) LIMIT ?',
        )
        .all(tenantId ?? null, tenantId ?? null, limit) as Row[]
    ).map((r) => ({ tenantId: r.tenant_id as number, schoolId: r.school_id as number }));
  }

  replanDone(schoolId: number): void {
    this.db.prepare('DELETE FROM reminder_replans WHERE school_id = ?').run(schoolId);
  }

  /** Forget planning for a partnership's future occurrences (settings changed). */
  resetPlanning(tenantId: number, partnershipId: number, after: Date): void {
    if (!this.partnershipInTenant(tenantId, partnershipId)) return;
    this.db
      .prepare(`UPDATE occurrences SET planned_at = NULL WHERE starts_at > ? AND series_id IN (SELECT id FROM series WHERE partnership_id = ?)`)
      .run(iso(after), partnershipId);
  }

  /** Past occurrences of a series, newest first (for drift, streaks and the report). */
  pastOccurrences(
    tenantId: number,
    seriesId: number,
    before: Date,
    limit: number,
  ): { id: number; status: string; startsAt: Date; originalDate: LocalDate; outcomeAt: Date | null }[] {
    return (
      this.db
        .prepare(
          `SELECT o.* FROM occurrences o JOIN series s ON s.id = o.series_id JOIN partnerships p ON p.id = s.partnership_id
                JOIN schools sc ON sc.id = p.school_id WHERE sc.tenant_id = ? AND o.series_id = ? AND o.starts_at <= ?
                ORDER BY o.starts_at DESC LIMIT ?`,
        )
        .all(tenantId, seriesId, iso(before), limit) as Row[]
    ).map((r) => ({
      id: r.id as number,
      status: r.status as string,
      startsAt: new Date(r.starts_at as string),
      originalDate: r.original_date as LocalDate,
      outcomeAt: typeof r.outcome_at === 'string' ? new Date(r.outcome_at) : null,
    }));
  }
}
