/**
 * Repositories over SQLite: the only place SQL lives. Every method that reads or writes school
 * data takes the tenant id and filters on it, so a bug elsewhere cannot reach another tenant.
 * Repositories are synchronous (better-sqlite3 is), which keeps transactions simple.
 */
import type { Db } from './db';
import type {
  Actor, Cadence, Closure, Identity, Membership, Occurrence, OccurrenceStatus, Partnership, Platform, Role,
  School, Series, SeriesStatus, Tenant, User,
} from '../core/model';
import type { LocalDate, LocalTime, Weekday } from '../core/datetime';

type Row = Record<string, unknown>;
const iso = (d: Date): string => d.toISOString();

function toTenant(r: Row): Tenant {
  return { id: r.id as number, platform: r.platform as Platform, externalId: r.external_id as string, name: (r.name as string | null) ?? null };
}
function toUser(r: Row): User {
  return {
    id: r.id as number, tenantId: r.tenant_id as number, externalId: r.external_id as string,
    displayName: r.display_name as string, handle: (r.handle as string | null) ?? null,
  };
}
function toSchool(r: Row): School {
  return {
    id: r.id as number, tenantId: r.tenant_id as number, name: r.name as string, timeZone: r.time_zone as string,
    dayStart: r.day_start as LocalTime, dayEnd: r.day_end as LocalTime,
  };
}
function toPartnership(r: Row): Partnership {
  return { id: r.id as number, schoolId: r.school_id as number, principalId: r.principal_id as number, coachId: r.coach_id as number };
}
/** A `series` row as the model's Series (other repositories extend it). */
export function toSeries(r: Row): Series {
  return {
    id: r.id as number, partnershipId: r.partnership_id as number, cadence: r.cadence as Cadence,
    weekday: r.weekday as Weekday, time: r.local_time as LocalTime, durationMinutes: r.duration_minutes as number,
    startDate: r.start_date as LocalDate, status: r.status as SeriesStatus,
    pausedUntil: (r.paused_until as LocalDate | null) ?? null, proposedBy: r.proposed_by as number,
    createdAt: new Date(r.created_at as string), materialisedThrough: (r.materialised_through as LocalDate | null) ?? null,
  };
}
function toOccurrence(r: Row): Occurrence {
  return {
    id: r.id as number, seriesId: r.series_id as number, originalDate: r.original_date as LocalDate,
    startsAt: new Date(r.starts_at as string), endsAt: new Date(r.ends_at as string),
    status: r.status as OccurrenceStatus, moved: r.moved === 1, reason: (r.reason as string | null) ?? null,
  };
}
function toClosure(r: Row): Closure {
  return {
    id: r.id as number, schoolId: r.school_id as number, startDate: r.start_date as LocalDate,
    endDate: r.end_date as LocalDate, label: r.label as string,
  };
}

/** Series columns joined to their partnership and school, scoped to one tenant. */
const SERIES_IN_TENANT = `
  FROM series s JOIN partnerships p ON p.id = s.partnership_id JOIN schools sc ON sc.id = p.school_id
  WHERE sc.tenant_id = @tenantId`;

export class Store {
  constructor(readonly db: Db) {}

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- tenants and users -------------------------------------------------------------

  ensureTenant(platform: Platform, externalId: string, now: Date, name?: string): Tenant {
    this.db
      .prepare(`INSERT INTO tenants (platform, external_id, name, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (platform, external_id) DO NOTHING`)
      .run(platform, externalId, name ?? null, iso(now));
    return toTenant(this.db.prepare('SELECT * FROM tenants WHERE platform = ? AND external_id = ?').get(platform, externalId) as Row);
  }

  tenantById(tenantId: number): Tenant | undefined {
    const r = this.db.prepare('SELECT * FROM tenants WHERE id = ?').get(tenantId) as Row | undefined;
    return r && toTenant(r);
  }

  /** Finds or creates the user; a newly learned display name or handle replaces the old one. */
  ensureUser(tenantId: number, externalId: string, now: Date, displayName?: string, handle?: string): User {
    this.db
      .prepare(`INSERT INTO users (tenant_id, external_id, display_name, handle, created_at)
                VALUES (@tenantId, @externalId, @displayName, @handle, @now)
                ON CONFLICT (tenant_id, external_id) DO UPDATE SET
                  display_name = COALESCE(@newName, display_name), handle = COALESCE(@handle, handle)`)
      .run({ tenantId, externalId, displayName: displayName ?? externalId, newName: displayName ?? null, handle: handle ?? null, now: iso(now) });
    return this.userByExternalId(tenantId, externalId)!;
  }

  userByExternalId(tenantId: number, externalId: string): User | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE tenant_id = ? AND external_id = ?').get(tenantId, externalId) as Row | undefined;
    return r && toUser(r);
  }

  userById(tenantId: number, userId: number): User | undefined {
    const r = this.db.prepare('SELECT * FROM users WHERE tenant_id = ? AND id = ?').get(tenantId, userId) as Row | undefined;
    return r && toUser(r);
  }

  /** Users of the tenant whose handle or display name (or its first word) matches, case-insensitively. */
  usersByName(tenantId: number, name: string): User[] {
    const n = name.trim().toLowerCase();
    return (this.db
      .prepare(`SELECT * FROM users WHERE tenant_id = @tenantId AND (
                  lower(handle) = @n OR lower(display_name) = @n OR lower(display_name) LIKE @first ESCAPE '\\')
                ORDER BY display_name`)
      .all({ tenantId, n, first: `${n.replace(/[\\%_]/g, (c) => `\\${c}`)} %` }) as Row[]).map(toUser);
  }

  resolveActor(identity: Identity, now: Date): Actor {
    const tenant = this.ensureTenant(identity.platform, identity.tenantExternalId, now);
    const user = this.ensureUser(tenant.id, identity.userExternalId, now, identity.displayName, identity.handle);
    return { tenant, user, memberships: this.membershipsOf(tenant.id, user.id) };
  }

  // ---- schools and memberships ---------------------------------------------------------

  createSchool(tenantId: number, s: { name: string; timeZone: string; dayStart: LocalTime; dayEnd: LocalTime; createdBy: number }, now: Date): School {
    const info = this.db
      .prepare(`INSERT INTO schools (tenant_id, name, time_zone, day_start, day_end, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(tenantId, s.name, s.timeZone, s.dayStart, s.dayEnd, s.createdBy, iso(now));
    return this.schoolById(tenantId, Number(info.lastInsertRowid))!;
  }

  schoolById(tenantId: number, schoolId: number): School | undefined {
    const r = this.db.prepare('SELECT * FROM schools WHERE tenant_id = ? AND id = ?').get(tenantId, schoolId) as Row | undefined;
    return r && toSchool(r);
  }

  schoolByName(tenantId: number, name: string): School | undefined {
    const r = this.db.prepare('SELECT * FROM schools WHERE tenant_id = ? AND lower(name) = lower(?)').get(tenantId, name) as Row | undefined;
    return r && toSchool(r);
  }

  schoolsOfTenant(tenantId: number): School[] {
    return (this.db.prepare('SELECT * FROM schools WHERE tenant_id = ? ORDER BY name').all(tenantId) as Row[]).map(toSchool);
  }

  membershipsOf(tenantId: number, userId: number): Membership[] {
    return (this.db
      .prepare(`SELECT m.school_id, m.user_id, m.role FROM memberships m JOIN schools s ON s.id = m.school_id
                WHERE s.tenant_id = ? AND m.user_id = ? ORDER BY m.school_id, m.role`)
      .all(tenantId, userId) as Row[]).map((r) => ({ schoolId: r.school_id as number, userId: r.user_id as number, role: r.role as Role }));
  }

  addMembership(tenantId: number, schoolId: number, userId: number, role: Role, now: Date): boolean {
    if (!this.schoolById(tenantId, schoolId) || !this.userById(tenantId, userId)) return false;
    const info = this.db
      .prepare('INSERT OR IGNORE INTO memberships (school_id, user_id, role, created_at) VALUES (?, ?, ?, ?)')
      .run(schoolId, userId, role, iso(now));
    return info.changes === 1;
  }

  removeMembership(tenantId: number, schoolId: number, userId: number, role: Role): boolean {
    if (!this.schoolById(tenantId, schoolId)) return false;
    return this.db.prepare('DELETE FROM memberships WHERE school_id = ? AND user_id = ? AND role = ?').run(schoolId, userId, role).changes === 1;
  }

  /** Members of a school holding one of the roles, by name. */
  schoolMembers(tenantId: number, schoolId: number, roles: readonly Role[]): (User & { role: Role })[] {
    if (!this.schoolById(tenantId, schoolId)) return [];
    const marks = roles.map(() => '?').join(', ');
    return (this.db
      .prepare(`SELECT u.*, m.role AS role FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.school_id = ? AND u.tenant_id = ? AND m.role IN (${marks}) ORDER BY u.display_name, m.role`)
      .all(schoolId, tenantId, ...roles) as Row[]).map((r) => ({ ...toUser(r), role: r.role as Role }));
  }

  // ---- partnerships and series --------------------------------------------------------------

  ensurePartnership(tenantId: number, schoolId: number, principalId: number, coachId: number, now: Date): Partnership {
    if (!this.schoolById(tenantId, schoolId)) throw new Error('school not in tenant');
    this.db
      .prepare(`INSERT OR IGNORE INTO partnerships (school_id, principal_id, coach_id, created_at) VALUES (?, ?, ?, ?)`)
      .run(schoolId, principalId, coachId, iso(now));
    return toPartnership(this.db
      .prepare('SELECT * FROM partnerships WHERE school_id = ? AND principal_id = ? AND coach_id = ?')
      .get(schoolId, principalId, coachId) as Row);
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
      .prepare(`INSERT INTO series (partnership_id, cadence, weekday, local_time, duration_minutes, start_date, status, proposed_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'proposed', ?, ?)`)
      .run(s.partnershipId, s.cadence, s.weekday, s.time, s.durationMinutes, s.startDate, s.proposedBy, iso(now));
    return this.seriesById(tenantId, Number(info.lastInsertRowid))!;
  }

  seriesById(tenantId: number, seriesId: number): Series | undefined {
    const r = this.db.prepare(`SELECT s.* ${SERIES_IN_TENANT} AND s.id = @seriesId`).get({ tenantId, seriesId }) as Row | undefined;
    return r && toSeries(r);
  }

  /** Proposed and active series in which the user is the principal or the coach. */
  liveSeriesOfUser(tenantId: number, userId: number): Series[] {
    return (this.db
      .prepare(`SELECT s.* ${SERIES_IN_TENANT} AND s.status IN ('proposed', 'active')
                AND (p.principal_id = @userId OR p.coach_id = @userId) ORDER BY s.id`)
      .all({ tenantId, userId }) as Row[]).map(toSeries);
  }

  liveSeriesOfPartnership(tenantId: number, partnershipId: number): Series[] {
    return (this.db
      .prepare(`SELECT s.* ${SERIES_IN_TENANT} AND s.status IN ('proposed', 'active') AND s.partnership_id = @partnershipId ORDER BY s.id`)
      .all({ tenantId, partnershipId }) as Row[]).map(toSeries);
  }

  activeSeriesOfSchool(tenantId: number, schoolId: number): Series[] {
    return (this.db
      .prepare(`SELECT s.* ${SERIES_IN_TENANT} AND s.status = 'active' AND p.school_id = @schoolId ORDER BY s.id`)
      .all({ tenantId, schoolId }) as Row[]).map(toSeries);
  }

  /**
   * Active series (of every tenant) whose occurrences are materialised less far ahead than
   * `through`: the scheduler's planning input. Series already far enough ahead are not visited.
   */
  activeSeriesToMaterialise(through: LocalDate, limit = 2000): { tenantId: number; series: Series }[] {
    return (this.db
      .prepare(`SELECT s.*, sc.tenant_id AS tenant_ref FROM series s JOIN partnerships p ON p.id = s.partnership_id
                JOIN schools sc ON sc.id = p.school_id
                WHERE s.status = 'active' AND (s.materialised_through IS NULL OR s.materialised_through < @through)
                ORDER BY s.id LIMIT @limit`)
      .all({ through, limit }) as Row[]).map((r) => ({ tenantId: r.tenant_ref as number, series: toSeries(r) }));
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

  setPausedUntil(tenantId: number, seriesId: number, until: LocalDate | null): void {
    if (!this.seriesById(tenantId, seriesId)) throw new Error('series not in tenant');
    this.db.prepare('UPDATE series SET paused_until = ? WHERE id = ?').run(until, seriesId);
  }

  // ---- occurrences -------------------------------------------------------------------------

  /** Inserts the occurrence if its slot is not materialised yet; returns the stored row. */
  /**
   * Inserts the occurrences not stored yet (existing rows keep their status and overrides) and
   * returns how many were new.
   */
  ensureOccurrences(tenantId: number, seriesId: number, rows: { originalDate: LocalDate; startsAt: Date; endsAt: Date; status: OccurrenceStatus; reason: string | null }[], now: Date): number {
    if (!this.seriesById(tenantId, seriesId)) throw new Error('series not in tenant');
    const insert = this.db.prepare(`INSERT OR IGNORE INTO occurrences (series_id, original_date, starts_at, ends_at, status, reason, updated_at)
                                    VALUES (?, ?, ?, ?, ?, ?, ?)`);
    let added = 0;
    for (const o of rows) added += insert.run(seriesId, o.originalDate, iso(o.startsAt), iso(o.endsAt), o.status, o.reason, iso(now)).changes;
    return added;
  }

  occurrenceById(tenantId: number, occurrenceId: number): Occurrence | undefined {
    const r = this.db
      .prepare(`SELECT o.* FROM occurrences o JOIN series s ON s.id = o.series_id JOIN partnerships p ON p.id = s.partnership_id
                JOIN schools sc ON sc.id = p.school_id WHERE sc.tenant_id = ? AND o.id = ?`)
      .get(tenantId, occurrenceId) as Row | undefined;
    return r && toOccurrence(r);
  }

  /** Occurrences of a series that end after `after`, in start order. */
  occurrencesOfSeries(tenantId: number, seriesId: number, after: Date, limit = 100): Occurrence[] {
    if (!this.seriesById(tenantId, seriesId)) return [];
    return (this.db
      .prepare('SELECT * FROM occurrences WHERE series_id = ? AND ends_at > ? ORDER BY starts_at LIMIT ?')
      .all(seriesId, iso(after), limit) as Row[]).map(toOccurrence);
  }

  /** Occurrences of a series whose original date lies in [from, to]. */
  occurrencesInDates(tenantId: number, seriesId: number, from: LocalDate, to: LocalDate): Occurrence[] {
    if (!this.seriesById(tenantId, seriesId)) return [];
    return (this.db
      .prepare('SELECT * FROM occurrences WHERE series_id = ? AND original_date BETWEEN ? AND ? ORDER BY original_date')
      .all(seriesId, from, to) as Row[]).map(toOccurrence);
  }

  updateOccurrence(tenantId: number, occurrenceId: number, change: { status?: OccurrenceStatus; reason?: string | null; startsAt?: Date; endsAt?: Date; moved?: boolean }, by: number | null, now: Date): Occurrence {
    const current = this.occurrenceById(tenantId, occurrenceId);
    if (!current) throw new Error('occurrence not in tenant');
    this.db
      // planned_at = NULL: the planner revisits a changed occurrence (reminders move, cancel or revive with it).
      .prepare(`UPDATE occurrences SET status = ?, reason = ?, starts_at = ?, ends_at = ?, moved = ?, updated_by = ?, updated_at = ?, planned_at = NULL WHERE id = ?`)
      .run(
        change.status ?? current.status,
        change.reason === undefined ? current.reason : change.reason,
        iso(change.startsAt ?? current.startsAt),
        iso(change.endsAt ?? current.endsAt),
        (change.moved ?? current.moved) ? 1 : 0,
        by, iso(now), occurrenceId,
      );
    return this.occurrenceById(tenantId, occurrenceId)!;
  }

  // ---- closures -----------------------------------------------------------------------------

  addClosure(tenantId: number, c: Omit<Closure, 'id'> & { createdBy: number }, now: Date): Closure {
    if (!this.schoolById(tenantId, c.schoolId)) throw new Error('school not in tenant');
    const info = this.db
      .prepare('INSERT INTO closures (school_id, start_date, end_date, label, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(c.schoolId, c.startDate, c.endDate, c.label, c.createdBy, iso(now));
    return toClosure(this.db.prepare('SELECT * FROM closures WHERE id = ?').get(info.lastInsertRowid) as Row);
  }

  closuresOfSchool(tenantId: number, schoolId: number): Closure[] {
    if (!this.schoolById(tenantId, schoolId)) return [];
    return (this.db.prepare('SELECT * FROM closures WHERE school_id = ? ORDER BY start_date, id').all(schoolId) as Row[]).map(toClosure);
  }

  closureById(tenantId: number, closureId: number): Closure | undefined {
    const r = this.db
      .prepare('SELECT c.* FROM closures c JOIN schools s ON s.id = c.school_id WHERE s.tenant_id = ? AND c.id = ?')
      .get(tenantId, closureId) as Row | undefined;
    return r && toClosure(r);
  }

  removeClosure(tenantId: number, closureId: number): Closure | undefined {
    const found = this.closureById(tenantId, closureId);
    if (found) this.db.prepare('DELETE FROM closures WHERE id = ?').run(closureId);
    return found;
  }

  // ---- audit ----------------------------------------------------------------------------------

  audit(entry: { tenantId: number; schoolId: number | null; actorId: number | null; action: string; subjectType: string; subjectId: number | null; detail?: string }, now: Date): void {
    this.db
      .prepare(`INSERT INTO audit_log (tenant_id, school_id, actor_id, action, subject_type, subject_id, detail, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(entry.tenantId, entry.schoolId, entry.actorId, entry.action, entry.subjectType, entry.subjectId, entry.detail ?? null, iso(now));
  }

  auditOfSchool(tenantId: number, schoolId: number): { action: string; actorId: number | null; subjectType: string; subjectId: number | null; detail: string | null; at: Date }[] {
    return (this.db
      .prepare('SELECT * FROM audit_log WHERE tenant_id = ? AND school_id = ? ORDER BY id')
      .all(tenantId, schoolId) as Row[]).map((r) => ({
      action: r.action as string, actorId: (r.actor_id as number | null) ?? null, subjectType: r.subject_type as string,
      subjectId: (r.subject_id as number | null) ?? null, detail: (r.detail as string | null) ?? null, at: new Date(r.at as string),
    }));
  }
}
