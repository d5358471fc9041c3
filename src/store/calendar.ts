/**
 * Calendar feeds (hashed tokens) and imported school-calendar closures. Every read of school
 * data takes the tenant; the two cross-tenant reads are the token lookup (the token is what
 * names the tenant) and the scheduler's list of schools that import their calendar.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db';
import { iso, toClosure, toSeries, type Row } from './rows';
import type { Closure, Partnership, School } from '../core/model';
import type { LocalDate, LocalTime } from '../core/datetime';
import type { CalendarFeed, CalendarRepository, FeedSeries, ImportRecord, ImportedClosure } from '../core/ports/calendar';
import { encodeForSchool, renderer } from './person-refs';
const dateOrNull = (v: unknown): Date | null => (typeof v === 'string' ? new Date(v) : null);

/** Only this goes to the database: a leaked copy does not reveal any feed's URL. */
export const feedTokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

function toFeed(r: Row): CalendarFeed {
  return {
    tenantId: r.tenant_id as number,
    userId: r.user_id as number,
    version: r.version as number,
    createdAt: new Date(r.created_at as string),
    rotatedAt: dateOrNull(r.rotated_at),
    lastFetchedAt: dateOrNull(r.last_fetched_at),
  };
}

function toFeedSeries(r: Row): FeedSeries {
  return { ...toSeries(r), decidedAt: dateOrNull(r.decided_at), endedAt: dateOrNull(r.ended_at) };
}

export class CalendarStore implements CalendarRepository {
  constructor(private readonly db: Db) {}

  private schoolInTenant(tenantId: number, schoolId: number): boolean {
    return this.db.prepare('SELECT 1 FROM schools WHERE tenant_id = ? AND id = ?').get(tenantId, schoolId) !== undefined;
  }

  private userInTenant(tenantId: number, userId: number): boolean {
    return this.db.prepare('SELECT 1 FROM users WHERE tenant_id = ? AND id = ?').get(tenantId, userId) !== undefined;
  }

  // ---- closures -----------------------------------------------------------------------------

  addClosure(tenantId: number, c: Omit<Closure, 'id'> & { createdBy: number }, now: Date): Closure {
    if (!this.schoolInTenant(tenantId, c.schoolId)) throw new Error('school not in tenant');
    const info = this.db
      .prepare('INSERT INTO closures (school_id, start_date, end_date, label, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(c.schoolId, c.startDate, c.endDate, encodeForSchool(this.db, tenantId, c.schoolId, c.label), c.createdBy, iso(now));
    return toClosure(this.db.prepare('SELECT * FROM closures WHERE id = ?').get(info.lastInsertRowid) as Row, renderer(this.db, tenantId));
  }

  closuresOfSchool(tenantId: number, schoolId: number): Closure[] {
    if (!this.schoolInTenant(tenantId, schoolId)) return [];
    const render = renderer(this.db, tenantId);
    return (this.db.prepare('SELECT * FROM closures WHERE school_id = ? ORDER BY start_date, id').all(schoolId) as Row[]).map((r) => toClosure(r, render));
  }

  closureById(tenantId: number, closureId: number): Closure | undefined {
    const r = this.db.prepare('SELECT c.* FROM closures c JOIN schools s ON s.id = c.school_id WHERE s.tenant_id = ? AND c.id = ?').get(tenantId, closureId) as
      Row | undefined;
    return r && toClosure(r, renderer(this.db, tenantId));
  }

  removeClosure(tenantId: number, closureId: number): Closure | undefined {
    const found = this.closureById(tenantId, closureId);
    if (found) this.db.prepare('DELETE FROM closures WHERE id = ?').run(closureId);
    return found;
  }

  // ---- feeds ------------------------------------------------------------------------------------

  deleteFeed(tenantId: number, userId: number): boolean {
    return this.db.prepare('DELETE FROM calendar_feeds WHERE tenant_id = ? AND user_id = ?').run(tenantId, userId).changes > 0;
  }

  feedOf(tenantId: number, userId: number): CalendarFeed | undefined {
    const r = this.db.prepare('SELECT * FROM calendar_feeds WHERE tenant_id = ? AND user_id = ?').get(tenantId, userId) as Row | undefined;
    return r && toFeed(r);
  }

  /** Creates the person's feed with this token; false when they already have one. */
  createFeed(tenantId: number, userId: number, token: string, now: Date): boolean {
    if (!this.userInTenant(tenantId, userId)) throw new Error('user not in tenant');
    return (
      this.db
        .prepare(
          `INSERT INTO calendar_feeds (tenant_id, user_id, token_hash, version, created_at) VALUES (?, ?, ?, 1, ?)
                ON CONFLICT (tenant_id, user_id) DO NOTHING`,
        )
        .run(tenantId, userId, feedTokenHash(token), iso(now)).changes === 1
    );
  }

  /** Replaces the token when the feed is still at `expectedVersion`; the old token stops working at once. */
  rotateFeed(tenantId: number, userId: number, token: string, expectedVersion: number, now: Date): boolean {
    return (
      this.db
        .prepare(
          `UPDATE calendar_feeds SET token_hash = ?, version = version + 1, rotated_at = ?
                WHERE tenant_id = ? AND user_id = ? AND version = ?`,
        )
        .run(feedTokenHash(token), iso(now), tenantId, userId, expectedVersion).changes === 1
    );
  }

  /** The feed a token opens (the token names the tenant, so this lookup is by hash alone). */
  feedByToken(token: string): CalendarFeed | undefined {
    const r = this.db.prepare('SELECT * FROM calendar_feeds WHERE token_hash = ?').get(feedTokenHash(token)) as Row | undefined;
    return r && toFeed(r);
  }

  markFetched(tenantId: number, userId: number, now: Date): void {
    this.db.prepare('UPDATE calendar_feeds SET last_fetched_at = ? WHERE tenant_id = ? AND user_id = ?').run(iso(now), tenantId, userId);
  }

  // ---- what a feed shows -----------------------------------------------------------------------------

  /** Partnerships the user is in (as principal/AP or coach), with their school. */
  partnershipsOfUser(tenantId: number, userId: number): { partnership: Partnership; school: School }[] {
    return (
      this.db
        .prepare(
          `SELECT p.id AS p_id, p.school_id, p.principal_id, p.coach_id, s.* FROM partnerships p JOIN schools s ON s.id = p.school_id
                WHERE s.tenant_id = ? AND (p.principal_id = ? OR p.coach_id = ?) ORDER BY p.id`,
        )
        .all(tenantId, userId, userId) as Row[]
    ).map((r) => ({
      partnership: { id: r.p_id as number, schoolId: r.school_id as number, principalId: r.principal_id as number, coachId: r.coach_id as number },
      school: {
        id: r.id as number,
        tenantId: r.tenant_id as number,
        name: r.name as string,
        timeZone: r.time_zone as string,
        dayStart: r.day_start as LocalTime,
        dayEnd: r.day_end as LocalTime,
      },
    }));
  }

  /** Active and cancelled series of the partnerships the user is in (proposed and declined ones never met). */
  feedSeriesOfUser(tenantId: number, userId: number): FeedSeries[] {
    return (
      this.db
        .prepare(
          `SELECT s.* FROM series s JOIN partnerships p ON p.id = s.partnership_id JOIN schools sc ON sc.id = p.school_id
                WHERE sc.tenant_id = ? AND s.status IN ('active', 'cancelled') AND (p.principal_id = ? OR p.coach_id = ?)
                ORDER BY s.id`,
        )
        .all(tenantId, userId, userId) as Row[]
    ).map(toFeedSeries);
  }

  // ---- imported closures ----------------------------------------------------------------------------

  importedClosures(tenantId: number, schoolId: number): ImportedClosure[] {
    if (!this.schoolInTenant(tenantId, schoolId)) return [];
    const render = renderer(this.db, tenantId);
    return (
      this.db
        .prepare(
          `SELECT i.uid, c.id, c.start_date, c.end_date, c.label FROM closure_imports i JOIN closures c ON c.id = i.closure_id
                WHERE i.school_id = ? AND c.school_id = ? ORDER BY c.start_date, i.uid`,
        )
        .all(schoolId, schoolId) as Row[]
    ).map((r) => ({
      uid: r.uid as string,
      closureId: r.id as number,
      startDate: r.start_date as LocalDate,
      endDate: r.end_date as LocalDate,
      label: render(r.label as string),
    }));
  }

  /** Adds a closure from the school's calendar; `createdBy` is null when the scheduler imported it. */
  addImportedClosure(
    tenantId: number,
    schoolId: number,
    uid: string,
    c: { startDate: LocalDate; endDate: LocalDate; label: string },
    createdBy: number | null,
    now: Date,
  ): number {
    if (!this.schoolInTenant(tenantId, schoolId)) throw new Error('school not in tenant');
    const info = this.db
      .prepare('INSERT INTO closures (school_id, start_date, end_date, label, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(schoolId, c.startDate, c.endDate, encodeForSchool(this.db, tenantId, schoolId, c.label), createdBy, iso(now));
    const closureId = Number(info.lastInsertRowid);
    this.db
      .prepare('INSERT INTO closure_imports (school_id, uid, closure_id, imported_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(schoolId, uid, closureId, iso(now), iso(now));
    return closureId;
  }

  updateImportedClosure(tenantId: number, schoolId: number, uid: string, c: { startDate: LocalDate; endDate: LocalDate; label: string }, now: Date): boolean {
    if (!this.schoolInTenant(tenantId, schoolId)) return false;
    const link = this.db.prepare('SELECT closure_id FROM closure_imports WHERE school_id = ? AND uid = ?').get(schoolId, uid) as Row | undefined;
    if (!link) return false;
    this.db
      .prepare('UPDATE closures SET start_date = ?, end_date = ?, label = ? WHERE id = ? AND school_id = ?')
      .run(c.startDate, c.endDate, encodeForSchool(this.db, tenantId, schoolId, c.label), link.closure_id, schoolId);
    this.db.prepare('UPDATE closure_imports SET updated_at = ? WHERE school_id = ? AND uid = ?').run(iso(now), schoolId, uid);
    return true;
  }

  /** Removes an imported closure (its mapping row goes with it, by cascade). */
  removeImportedClosure(tenantId: number, schoolId: number, uid: string): boolean {
    if (!this.schoolInTenant(tenantId, schoolId)) return false;
    const link = this.db.prepare('SELECT closure_id FROM closure_imports WHERE school_id = ? AND uid = ?').get(schoolId, uid) as Row | undefined;
    if (!link) return false;
    this.db.prepare('DELETE FROM closures WHERE id = ? AND school_id = ?').run(link.closure_id, schoolId);
    return true;
  }

  recordImport(tenantId: number, schoolId: number, by: number | null, counts: { added: number; updated: number; removed: number }, now: Date): void {
    if (!this.schoolInTenant(tenantId, schoolId)) throw new Error('school not in tenant');
    this.db
      .prepare(
        `INSERT INTO school_calendar_imports (school_id, first_imported_by, last_imported_at, added, updated, removed)
                VALUES (@schoolId, @by, @now, @added, @updated, @removed)
                ON CONFLICT (school_id) DO UPDATE SET last_imported_at = @now, added = @added, updated = @updated, removed = @removed`,
      )
      .run({ schoolId, by, now: iso(now), ...counts });
  }

  lastImport(tenantId: number, schoolId: number): ImportRecord | undefined {
    if (!this.schoolInTenant(tenantId, schoolId)) return undefined;
    const r = this.db.prepare('SELECT * FROM school_calendar_imports WHERE school_id = ?').get(schoolId) as Row | undefined;
    return (
      r && {
        schoolId,
        lastImportedAt: new Date(r.last_imported_at as string),
        added: r.added as number,
        updated: r.updated as number,
        removed: r.removed as number,
      }
    );
  }

  /** Every school (of every tenant) that imported its calendar: the daily re-import's input. */
  importingSchools(): { tenantId: number; schoolId: number }[] {
    return (this.db.prepare('SELECT s.tenant_id, s.id FROM school_calendar_imports i JOIN schools s ON s.id = i.school_id ORDER BY s.id').all() as Row[]).map(
      (r) => ({ tenantId: r.tenant_id as number, schoolId: r.id as number }),
    );
  }
}
