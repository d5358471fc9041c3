/**
 * Tenants, users, schools and memberships over SQLite.
 * Every method takes the tenant id and filters on it, so a bug elsewhere cannot reach another tenant.
 */
import type { Db } from './db';
import { iso, toSchool, toTenant, toUser, type Row } from './rows';
import type { Actor, Identity, Membership, Platform, Role, School, Tenant, User, UserKind } from '../core/model';
import type { InvitationStatus, RoleInvitation } from '../core/ports/people';
import type { LocalTime } from '../core/datetime';
import type { PeopleRepository } from '../core/ports/people';

export class PeopleStore implements PeopleRepository {
  constructor(private readonly db: Db) {}

  // ---- tenants and users -------------------------------------------------------------

  ensureTenant(platform: Platform, externalId: string, now: Date, name?: string): Tenant {
    this.db
      .prepare(
        `INSERT INTO tenants (platform, external_id, name, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (platform, external_id) DO NOTHING`,
      )
      .run(platform, externalId, name ?? null, iso(now));
    return toTenant(this.db.prepare('SELECT * FROM tenants WHERE platform = ? AND external_id = ?').get(platform, externalId) as Row);
  }

  tenantById(tenantId: number): Tenant | undefined {
    const r = this.db.prepare('SELECT * FROM tenants WHERE id = ?').get(tenantId) as Row | undefined;
    return r && toTenant(r);
  }

  /** Finds or creates the user; a newly learned display name or handle replaces the old one. */
  ensureUser(tenantId: number, externalId: string, now: Date, displayName?: string, handle?: string, kind?: UserKind): User {
    this.db
      .prepare(
        `INSERT INTO users (tenant_id, external_id, display_name, handle, kind, created_at)
                VALUES (@tenantId, @externalId, @displayName, @handle, COALESCE(@kind, 'person'), @now)
                ON CONFLICT (tenant_id, external_id) DO UPDATE SET
                  display_name = COALESCE(@newName, display_name), handle = COALESCE(@handle, handle), kind = COALESCE(@kind, kind)`,
      )
      .run({
        tenantId,
        externalId,
        displayName: displayName ?? externalId,
        newName: displayName ?? null,
        handle: handle ?? null,
        kind: kind ?? null,
        now: iso(now),
      });
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
    return (
      this.db
        .prepare(
          `SELECT * FROM users WHERE tenant_id = @tenantId AND (
                  lower(handle) = @n OR lower(display_name) = @n OR lower(display_name) LIKE @first ESCAPE '\\')
                ORDER BY display_name`,
        )
        .all({ tenantId, n, first: `${n.replace(/[\\%_]/g, (c) => `\\${c}`)} %` }) as Row[]
    ).map(toUser);
  }

  resolveActor(identity: Identity, now: Date): Actor {
    const tenant = this.ensureTenant(identity.platform, identity.tenantExternalId, now);
    const user = this.ensureUser(tenant.id, identity.userExternalId, now, identity.displayName, identity.handle);
    const memberships = this.membershipsOf(tenant.id, user.id);
    const tenantAdmin = this.isTenantAdmin(tenant.id, user.id);
    // A tenant admin is an admin of every school of the tenant (the audit log, escalation counts).
    if (tenantAdmin) {
      for (const school of this.schoolsOfTenant(tenant.id)) {
        if (!memberships.some((m) => m.schoolId === school.id && m.role === 'admin')) memberships.push({ schoolId: school.id, userId: user.id, role: 'admin' });
      }
    }
    return { tenant, user, memberships, tenantAdmin };
  }

  // ---- schools and memberships ---------------------------------------------------------

  createSchool(tenantId: number, s: { name: string; timeZone: string; dayStart: LocalTime; dayEnd: LocalTime; createdBy: number }, now: Date): School {
    const info = this.db
      .prepare(
        `INSERT INTO schools (tenant_id, name, time_zone, day_start, day_end, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
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
    return (
      this.db
        .prepare(
          `SELECT m.school_id, m.user_id, m.role FROM memberships m JOIN schools s ON s.id = m.school_id
                WHERE s.tenant_id = ? AND m.user_id = ? ORDER BY m.school_id, m.role`,
        )
        .all(tenantId, userId) as Row[]
    ).map((r) => ({ schoolId: r.school_id as number, userId: r.user_id as number, role: r.role as Role }));
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
    return (
      this.db
        .prepare(
          `SELECT u.*, m.role AS role FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.school_id = ? AND u.tenant_id = ? AND m.role IN (${marks}) ORDER BY u.display_name, m.role`,
        )
        .all(schoolId, tenantId, ...roles) as Row[]
    ).map((r) => ({ ...toUser(r), role: r.role as Role }));
  }

  // ---- reach -------------------------------------------------------------------------------

  markUnreachable(tenantId: number, userId: number, reason: string, now: Date): void {
    this.db
      .prepare('UPDATE users SET unreachable_at = ?, unreachable_reason = ? WHERE tenant_id = ? AND id = ?')
      .run(iso(now), reason.slice(0, 300), tenantId, userId);
  }

  markReachable(tenantId: number, userId: number): boolean {
    return (
      this.db
        .prepare('UPDATE users SET unreachable_at = NULL, unreachable_reason = NULL WHERE tenant_id = ? AND id = ? AND unreachable_at IS NOT NULL')
        .run(tenantId, userId).changes > 0
    );
  }

  unreachable(tenantId: number, userId: number): { at: Date; reason: string } | undefined {
    const r = this.db.prepare('SELECT unreachable_at, unreachable_reason FROM users WHERE tenant_id = ? AND id = ?').get(tenantId, userId) as Row | undefined;
    return r?.unreachable_at ? { at: new Date(r.unreachable_at as string), reason: (r.unreachable_reason as string | null) ?? '' } : undefined;
  }

  // ---- governance: tenant admins and role invitations -----------------------------------

  isTenantAdmin(tenantId: number, userId: number): boolean {
    return this.db.prepare('SELECT 1 FROM tenant_admins WHERE tenant_id = ? AND user_id = ?').get(tenantId, userId) !== undefined;
  }

  tenantAdmins(tenantId: number): User[] {
    return (
      this.db
        .prepare('SELECT u.* FROM tenant_admins a JOIN users u ON u.id = a.user_id WHERE a.tenant_id = ? ORDER BY u.display_name, u.id')
        .all(tenantId) as Row[]
    ).map(toUser);
  }

  addTenantAdmin(tenantId: number, userId: number, addedBy: number | null, now: Date): boolean {
    if (!this.userById(tenantId, userId)) throw new Error('user not in tenant');
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO tenant_admins (tenant_id, user_id, added_by, created_at) VALUES (?, ?, ?, ?)')
        .run(tenantId, userId, addedBy, iso(now)).changes > 0
    );
  }

  removeTenantAdmin(tenantId: number, userId: number): boolean {
    return this.db.prepare('DELETE FROM tenant_admins WHERE tenant_id = ? AND user_id = ?').run(tenantId, userId).changes > 0;
  }

  inviteToRole(tenantId: number, i: { schoolId: number; userId: number; role: 'coach'; invitedBy: number }, now: Date): RoleInvitation {
    if (!this.schoolById(tenantId, i.schoolId) || !this.userById(tenantId, i.userId)) throw new Error('school or user not in tenant');
    this.db
      .prepare(`INSERT OR IGNORE INTO role_invitations (school_id, user_id, role, invited_by, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)`)
      .run(i.schoolId, i.userId, i.role, i.invitedBy, iso(now));
    return toInvitation(
      this.db
        .prepare(`SELECT * FROM role_invitations WHERE school_id = ? AND user_id = ? AND role = ? AND status = 'pending'`)
        .get(i.schoolId, i.userId, i.role) as Row,
    );
  }

  invitationById(tenantId: number, invitationId: number): RoleInvitation | undefined {
    const r = this.db
      .prepare('SELECT i.* FROM role_invitations i JOIN schools s ON s.id = i.school_id WHERE s.tenant_id = ? AND i.id = ?')
      .get(tenantId, invitationId) as Row | undefined;
    return r && toInvitation(r);
  }

  pendingInvitations(tenantId: number, schoolId: number): RoleInvitation[] {
    if (!this.schoolById(tenantId, schoolId)) return [];
    return (this.db.prepare(`SELECT * FROM role_invitations WHERE school_id = ? AND status = 'pending' ORDER BY id`).all(schoolId) as Row[]).map(toInvitation);
  }

  answerInvitation(tenantId: number, invitationId: number, status: Exclude<InvitationStatus, 'pending'>, now: Date): boolean {
    if (!this.invitationById(tenantId, invitationId)) return false;
    return (
      this.db.prepare(`UPDATE role_invitations SET status = ?, answered_at = ? WHERE id = ? AND status = 'pending'`).run(status, iso(now), invitationId)
        .changes > 0
    );
  }
}

function toInvitation(r: Row): RoleInvitation {
  return {
    id: r.id as number,
    schoolId: r.school_id as number,
    userId: r.user_id as number,
    role: r.role as 'coach',
    invitedBy: (r.invited_by as number | null) ?? null,
    status: r.status as InvitationStatus,
    createdAt: new Date(r.created_at as string),
    answeredAt: r.answered_at ? new Date(r.answered_at as string) : null,
  };
}
