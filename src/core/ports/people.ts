/** The people aggregate: tenants, users, schools and who holds which role where. */
import type { Actor, Identity, Membership, Platform, Role, School, Tenant, User, UserKind } from '../model';
import type { LocalTime } from '../datetime';

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'withdrawn';

/** A proposed coach role: it becomes a membership only when the person accepts. */
export interface RoleInvitation {
  id: number;
  schoolId: number;
  userId: number;
  role: 'coach';
  invitedBy: number | null;
  status: InvitationStatus;
  createdAt: Date;
  answeredAt: Date | null;
}

export interface PeopleRepository {
  ensureTenant(platform: Platform, externalId: string, now: Date, name?: string): Tenant;
  tenantById(tenantId: number): Tenant | undefined;
  /** Finds or creates the user; a newly learned display name or handle replaces the old one. */
  ensureUser(tenantId: number, externalId: string, now: Date, displayName?: string, handle?: string, kind?: UserKind): User;
  userByExternalId(tenantId: number, externalId: string): User | undefined;
  userById(tenantId: number, userId: number): User | undefined;
  /** Users of the tenant whose handle or display name (or its first word) matches, case-insensitively. */
  usersByName(tenantId: number, name: string): User[];
  resolveActor(identity: Identity, now: Date): Actor;
  createSchool(tenantId: number, s: { name: string; timeZone: string; dayStart: LocalTime; dayEnd: LocalTime; createdBy: number }, now: Date): School;
  schoolById(tenantId: number, schoolId: number): School | undefined;
  schoolByName(tenantId: number, name: string): School | undefined;
  schoolsOfTenant(tenantId: number): School[];
  membershipsOf(tenantId: number, userId: number): Membership[];
  addMembership(tenantId: number, schoolId: number, userId: number, role: Role, now: Date): boolean;
  removeMembership(tenantId: number, schoolId: number, userId: number, role: Role): boolean;
  /** Members of a school holding one of the roles, by name. */
  schoolMembers(tenantId: number, schoolId: number, roles: readonly Role[]): (User & { role: Role })[];

  // ---- reach: people the platform cannot deliver to ----
  /** Marks the person unreachable (a permanent delivery failure) with the platform's reason. */
  markUnreachable(tenantId: number, userId: number, reason: string, now: Date): void;
  /** Clears the mark (a delivery went through, or they spoke to the bot); true when there was one. */
  markReachable(tenantId: number, userId: number): boolean;
  unreachable(tenantId: number, userId: number): { at: Date; reason: string } | undefined;

  // ---- governance: tenant admins and role invitations ----
  isTenantAdmin(tenantId: number, userId: number): boolean;
  tenantAdmins(tenantId: number): User[];
  /** True when the person was not an admin before. */
  addTenantAdmin(tenantId: number, userId: number, addedBy: number | null, now: Date): boolean;
  removeTenantAdmin(tenantId: number, userId: number): boolean;
  /** A pending invitation for the same school, person and role is returned as it is (not a second one). */
  inviteToRole(tenantId: number, i: { schoolId: number; userId: number; role: 'coach'; invitedBy: number }, now: Date): RoleInvitation;
  invitationById(tenantId: number, invitationId: number): RoleInvitation | undefined;
  pendingInvitations(tenantId: number, schoolId: number): RoleInvitation[];
  /** Moves a pending invitation to its answer; false when it was no longer pending. */
  answerInvitation(tenantId: number, invitationId: number, status: Exclude<InvitationStatus, 'pending'>, now: Date): boolean;
}
