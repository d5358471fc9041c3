/**
 * Partnerships, series and their occurrences over SQLite.
 * Every method takes the tenant id and filters on it, so a bug elsewhere cannot reach another tenant.
 */
import type { Db } from './db';
import { SERIES_IN_TENANT, iso, toOccurrence, toPartnership, toSeries, type Row } from './rows';
import type { Occurrence, OccurrenceStatus, Partnership, Series, SeriesStatus } from '../core/model';
import type { LocalDate } from '../core/datetime';
import type { SeriesChange, SeriesRepository, Slot } from '../core/ports/series';
import type { Weekday } from '../core/datetime';
import { encodeForPartnership, renderer, schoolEncoder, schoolOfPartnership } from './person-refs';

export class SeriesStore implements SeriesRepository {
  constructor(private readonly db: Db) {}

  // ---- partnerships and series --------------------------------------------------------------

  ensurePartnership(tenantId: number, schoolId: number, principalId: number, coachId: number, now: Date): Partnership {
    if (!this.db.prepare('SELECT 1 FROM schools WHERE tenant_id = ? AND id = ?').get(tenantId, schoolId)) throw new Error('school not in tenant');
    this.db
      .prepare(`INSERT OR IGNORE INTO partnerships (school_id, principal_id, coach_id, created_at) VALUES (?, ?, ?, ?)`)
      .run(schoolId, principalId, coachId, iso(now));
    return toPartnership(
      this.db.prepare('SELECT * FROM partnerships WHERE school_id = ? AND principal_id = ? AND coach_id = ?').get(schoolId, principalId, coachId) as Row,
    );
  }

  partnershipById(tenantId: number, partnershipId: number): Partnership | undefined {
    const r = this.db
      .prepare('SELECT p.* FROM partnerships p JOIN schools s ON s.id = p.school_id WHERE s.tenant_id = ? AND p.id = ?')
      .get(tenantId, partnershipId) as Row | undefined;
    return r && toPartnership(r);
  }

  createSeries(tenantId: number, s: Omit<Series, 'id' | 'status' | 'pausedUntil' | 'createdAt' | 'materialisedThrough'>, now: Date): Series {
    if (!this.partnershipById(tenantId, s.partnershipId)) throw new Error('partnership not in tenant');
    const info = this.db
      .prepare(
        `INSERT INTO series (partnership_id, cadence, weekday, local_time, duration_minutes, start_date, status, proposed_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'proposed', ?, ?)`,
      )
      .run(s.partnershipId, s.cadence, s.weekday, s.time, s.durationMinutes, s.startDate, s.proposedBy, iso(now));
    return this.seriesById(tenantId, Number(info.lastInsertRowid))!;
  }

  seriesById(tenantId: number, seriesId: number): Series | undefined {
    const r = this.db.prepare(`SELECT s.* ${SERIES_IN_TENANT} AND s.id = @seriesId`).get({ tenantId, seriesId }) as Row | undefined;
    return r && toSeries(r);
  }

  /** Proposed and active series in which the user is the principal or the coach. */
  liveSeriesOfUser(tenantId: number, userId: number): Series[] {
    return (
      this.db
        .prepare(
          `SELECT s.* ${SERIES_IN_TENANT} AND s.status IN ('proposed', 'active')
                AND (p.principal_id = @userId OR p.coach_id = @userId) ORDER BY s.id`,
        )
        .all({ tenantId, userId }) as Row[]
    ).map(toSeries);
  }

  liveSeriesOfPartnership(tenantId: number, partnershipId: number): Series[] {
    return (
      this.db
        .prepare(`SELECT s.* ${SERIES_IN_TENANT} AND s.status IN ('proposed', 'active') AND s.partnership_id = @partnershipId ORDER BY s.id`)
        .all({ tenantId, partnershipId }) as Row[]
    ).map(toSeries);
  }

  activeSeriesOfSchool(tenantId: number, schoolId: number): Series[] {
    return (
      this.db.prepare(`SELECT s.* ${SERIES_IN_TENANT} AND s.status = 'active' AND p.school_id = @schoolId ORDER BY s.id`).all({ tenantId, schoolId }) as Row[]
    ).map(toSeries);
  }

  /**
   * Active series (of every tenant) whose occurrences are materialised less far ahead than
   * `through`: the scheduler's planning input. Series already far enough ahead are not visited.
   */
  activeSeriesToMaterialise(through: LocalDate, limit = 2000): { tenantId: number; series: Series }[] {
    return (
      this.db
        .prepare(
          `SELECT s.*, sc.tenant_id AS tenant_ref FROM series s JOIN partnerships p ON p.id = s.partnership_id
                JOIN schools sc ON sc.id = p.school_id
                WHERE s.status = 'active' AND (s.materialised_through IS NULL OR s.materialised_through < @through)
                ORDER BY s.id LIMIT @limit`,
        )
        .all({ through, limit }) as Row[]
    ).map((r) => ({ tenantId: r.tenant_ref as number, series: toSeries(r) }));
  }

  markMaterialised(seriesId: number, through: LocalDate): void {
    // Never backwards: a caller holding an older view of the series must not shorten the mark.
    this.db.prepare('UPDATE series SET materialised_through = MAX(COALESCE(materialised_through, ?), ?) WHERE id = ?').run(through, through, seriesId);
  }

  setSeriesStatus(tenantId: number, seriesId: number, status: SeriesStatus, now: Date): void {
    if (!this.seriesById(tenantId, seriesId)) throw new Error('series not in tenant');
    const ended = status === 'cancelled' || status === 'declined' ? iso(now) : null;
    this.db
      .prepare(`UPDATE series SET status = ?, decided_at = COALESCE(decided_at, ?), ended_at = COALESCE(?, ended_at) WHERE id = ?`)
      .run(status, iso(now), ended, seriesId);
  }

  setPausedUntil(tenantId: number, seriesId: number, until: LocalDate | null, today: LocalDate): void {
    if (!this.seriesById(tenantId, seriesId)) throw new Error('series not in tenant');
    this.db.prepare('UPDATE series SET paused_until = ? WHERE id = ?').run(until, seriesId);
    // The pause under way (if any) ends today; a new one runs from today to its resume date.
    this.db.prepare('UPDATE series_pauses SET until_date = ? WHERE series_id = ? AND until_date > ?').run(today, seriesId, today);
    this.db.prepare('DELETE FROM series_pauses WHERE series_id = ? AND from_date >= until_date').run(seriesId);
    if (until !== null && until > today) {
      this.db.prepare('INSERT INTO series_pauses (series_id, from_date, until_date) VALUES (?, ?, ?)').run(seriesId, today, until);
    }
  }

  pausesOfSeries(tenantId: number, seriesIds: number[]): { from: LocalDate; until: LocalDate }[] {
    if (seriesIds.length === 0) return [];
    // Only the tenant's own series (a series knows its tenant through its partnership).
    const ids = seriesIds.filter((id) => this.seriesById(tenantId, id) !== undefined);
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT from_date, until_date FROM series_pauses WHERE series_id IN (${ids.map(() => '?').join(', ')}) ORDER BY from_date, id`)
      .all(...ids) as { from_date: LocalDate; until_date: LocalDate }[];
    return rows.map((r) => ({ from: r.from_date, until: r.until_date }));
  }

  // ---- occurrences -------------------------------------------------------------------------

  /** Inserts the occurrence if its slot is not materialised yet; returns the stored row. */
  /**
   * Inserts the occurrences not stored yet (existing rows keep their status and overrides) and
   * returns how many were new.
   */
  ensureOccurrences(
    tenantId: number,
    seriesId: number,
    rows: { originalDate: LocalDate; startsAt: Date; endsAt: Date; status: OccurrenceStatus; reason: string | null }[],
    now: Date,
  ): number {
    const series = this.seriesById(tenantId, seriesId);
    if (!series) throw new Error('series not in tenant');
    const toStored = schoolEncoder(this.db, tenantId, schoolOfPartnership(this.db, tenantId, series.partnershipId)!);
    const encode = (reason: string | null): string | null => (reason === null ? null : toStored(reason));
    const insert = this.db.prepare(`INSERT OR IGNORE INTO occurrences (series_id, original_date, starts_at, ends_at, status, reason, updated_at)
                                    VALUES (?, ?, ?, ?, ?, ?, ?)`);
    let added = 0;
    for (const o of rows) added += insert.run(seriesId, o.originalDate, iso(o.startsAt), iso(o.endsAt), o.status, encode(o.reason), iso(now)).changes;
    return added;
  }

  occurrenceById(tenantId: number, occurrenceId: number): Occurrence | undefined {
    const r = this.db
      .prepare(
        `SELECT o.* FROM occurrences o JOIN series s ON s.id = o.series_id JOIN partnerships p ON p.id = s.partnership_id
                JOIN schools sc ON sc.id = p.school_id WHERE sc.tenant_id = ? AND o.id = ?`,
      )
      .get(tenantId, occurrenceId) as Row | undefined;
    return r && toOccurrence(r, renderer(this.db, tenantId));
  }

  /** Occurrences of a series that end after `after`, in start order. */
  occurrencesOfSeries(tenantId: number, seriesId: number, after: Date, limit = 100): Occurrence[] {
    if (!this.seriesById(tenantId, seriesId)) return [];
    const render = renderer(this.db, tenantId);
    return (
      this.db.prepare('SELECT * FROM occurrences WHERE series_id = ? AND ends_at > ? ORDER BY starts_at LIMIT ?').all(seriesId, iso(after), limit) as Row[]
    ).map((r) => toOccurrence(r, render));
  }

  /** Occurrences of a series whose original date lies in [from, to]. */
  occurrencesInDates(tenantId: number, seriesId: number, from: LocalDate, to: LocalDate): Occurrence[] {
    if (!this.seriesById(tenantId, seriesId)) return [];
    const render = renderer(this.db, tenantId);
    return (
      this.db.prepare('SELECT * FROM occurrences WHERE series_id = ? AND original_date BETWEEN ? AND ? ORDER BY original_date').all(seriesId, from, to) as Row[]
    ).map((r) => toOccurrence(r, render));
  }

  updateOccurrence(
    tenantId: number,
    occurrenceId: number,
    change: { status?: OccurrenceStatus; reason?: string | null; startsAt?: Date; endsAt?: Date; moved?: boolean },
    by: number | null,
    now: Date,
  ): Occurrence {
    const current = this.occurrenceById(tenantId, occurrenceId);
    if (!current) throw new Error('occurrence not in tenant');
    // An unchanged reason is written back as stored (its references kept); a new one is encoded.
    const stored = this.db
      .prepare('SELECT o.reason, s.partnership_id FROM occurrences o JOIN series s ON s.id = o.series_id WHERE o.id = ?')
      .get(occurrenceId) as Row;
    const reason =
      change.reason === undefined
        ? (stored.reason as string | null)
        : change.reason === null
          ? null
          : encodeForPartnership(this.db, tenantId, stored.partnership_id as number, change.reason);
    this.db
      // planned_at = NULL: the planner revisits a changed occurrence (reminders move, cancel or revive with it).
      .prepare(
        `UPDATE occurrences SET status = ?, reason = ?, starts_at = ?, ends_at = ?, moved = ?, updated_by = ?, updated_at = ?, planned_at = NULL WHERE id = ?`,
      )
      .run(
        change.status ?? current.status,
        reason,
        iso(change.startsAt ?? current.startsAt),
        iso(change.endsAt ?? current.endsAt),
        (change.moved ?? current.moved) ? 1 : 0,
        by,
        iso(now),
        occurrenceId,
      );
    return this.occurrenceById(tenantId, occurrenceId)!;
  }

  // ---- slot changes --------------------------------------------------------------------------

  proposeChange(tenantId: number, seriesId: number, c: Slot & { effectiveFrom: LocalDate; proposedBy: number }, now: Date): SeriesChange {
    if (!this.seriesById(tenantId, seriesId)) throw new Error('series not in tenant');
    this.db.prepare(`UPDATE series_changes SET status = 'withdrawn', decided_at = ? WHERE series_id = ? AND status = 'proposed'`).run(iso(now), seriesId);
    const info = this.db
      .prepare(
        `INSERT INTO series_changes (series_id, cadence, weekday, local_time, duration_minutes, effective_from, proposed_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(seriesId, c.cadence, c.weekday, c.time, c.durationMinutes, c.effectiveFrom, c.proposedBy, iso(now));
    return this.changeById(tenantId, Number(info.lastInsertRowid))!;
  }

  changeById(tenantId: number, changeId: number): SeriesChange | undefined {
    const r = this.db
      .prepare(
        `SELECT c.* FROM series_changes c JOIN series s ON s.id = c.series_id JOIN partnerships p ON p.id = s.partnership_id
                JOIN schools sc ON sc.id = p.school_id WHERE sc.tenant_id = ? AND c.id = ?`,
      )
      .get(tenantId, changeId) as Row | undefined;
    return (
      r && {
        id: r.id as number,
        seriesId: r.series_id as number,
        cadence: r.cadence as SeriesChange['cadence'],
        weekday: r.weekday as Weekday,
        time: r.local_time as string,
        durationMinutes: r.duration_minutes as number,
        effectiveFrom: r.effective_from as LocalDate,
        proposedBy: r.proposed_by as number,
        status: r.status as SeriesChange['status'],
      }
    );
  }

  openChange(tenantId: number, seriesId: number): SeriesChange | undefined {
    if (!this.seriesById(tenantId, seriesId)) return undefined;
    const r = this.db.prepare(`SELECT id FROM series_changes WHERE series_id = ? AND status = 'proposed' ORDER BY id DESC LIMIT 1`).get(seriesId) as
      Row | undefined;
    return r && this.changeById(tenantId, r.id as number);
  }

  decideChange(tenantId: number, changeId: number, status: 'accepted' | 'declined', now: Date): boolean {
    if (!this.changeById(tenantId, changeId)) return false;
    return (
      this.db.prepare(`UPDATE series_changes SET status = ?, decided_at = ? WHERE id = ? AND status = 'proposed'`).run(status, iso(now), changeId).changes === 1
    );
  }

  changeSlot(tenantId: number, seriesId: number, slot: Slot, from: LocalDate, now: Date): number[] {
    if (!this.seriesById(tenantId, seriesId)) throw new Error('series not in tenant');
    const gone = (
      this.db
        .prepare(
          `SELECT id FROM occurrences WHERE series_id = ? AND original_date >= ? AND starts_at > ? AND moved = 0
                AND status IN ('scheduled', 'paused', 'closed')`,
        )
        .all(seriesId, from, iso(now)) as Row[]
    ).map((r) => r.id as number);
    const remove = this.db.prepare('DELETE FROM occurrences WHERE id = ?');
    for (const id of gone) remove.run(id);
    // start_date moves to the change's date, so the new slot has no dates before it; materialising starts again.
    this.db
      .prepare(`UPDATE series SET cadence = ?, weekday = ?, local_time = ?, duration_minutes = ?, start_date = ?, materialised_through = NULL WHERE id = ?`)
      .run(slot.cadence, slot.weekday, slot.time, slot.durationMinutes, from, seriesId);
    return gone;
  }
}
