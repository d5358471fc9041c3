/** Ids and model types of the shared kernel. Instants are `Date`s (UTC); local values are strings. */
import type { LocalDate, LocalTime, Weekday } from './datetime';

/** The platforms Touchpoint serves (migrations/0001_init.sql's CHECK on tenants.platform lists the same). */
export type Platform = 'slack' | 'teams' | 'console';
export const ROLES = ['principal', 'assistant_principal', 'coach', 'teacher', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role, string> = {
  principal: 'principal',
  assistant_principal: 'assistant principal',
  coach: 'instructional coach',
  teacher: 'teacher',
  admin: 'school admin',
};

/** Who is talking to the bot, as the platform names them. */
/** What the platform says a user is; only a person is ever given a role. */
export type UserKind = 'person' | 'bot' | 'deactivated';

export interface Identity {
  platform: Platform;
  tenantExternalId: string;
  userExternalId: string;
  displayName?: string;
  handle?: string;
  /** When the platform's directory said (a bot, a deactivated account); a person otherwise. */
  kind?: UserKind;
}

export interface Tenant {
  id: number;
  platform: Platform;
  externalId: string;
  name: string | null;
}

export interface User {
  id: number;
  tenantId: number;
  externalId: string;
  displayName: string;
  handle: string | null;
  /** 'person' unless the platform's directory said otherwise. */
  kind?: UserKind;
}

/** The platform id an erased person's user row keeps (src/store/erasure.ts writes it), so a returning person starts afresh. */
export const FORGOTTEN_EXTERNAL_ID_PREFIX = 'forgotten:';

/** The name an erased person's user row keeps: only ids point at it. */
export const FORGOTTEN_DISPLAY_NAME = 'Former teacher';

/** Whether the user row is what is left of a person who asked Touchpoint to forget them. */
export function isForgotten(user: Pick<User, 'externalId'>): boolean {
  return user.externalId.startsWith(FORGOTTEN_EXTERNAL_ID_PREFIX);
}

export interface School {
  id: number;
  tenantId: number;
  name: string;
  timeZone: string;
  dayStart: LocalTime;
  dayEnd: LocalTime;
}

export interface Membership {
  schoolId: number;
  userId: number;
  role: Role;
}

/** The person acting, with every role they hold (the policy grants the union of them). */
export interface Actor {
  user: User;
  tenant: Tenant;
  memberships: Membership[];
  /** A tenant admin: installed the app or was added by an admin; creates schools and names principals. */
  tenantAdmin?: boolean;
}

export interface Partnership {
  id: number;
  schoolId: number;
  principalId: number;
  coachId: number;
}

export type Cadence = 'weekly' | 'biweekly';
export type SeriesStatus = 'proposed' | 'active' | 'declined' | 'cancelled';

export interface Series {
  id: number;
  partnershipId: number;
  cadence: Cadence;
  weekday: Weekday;
  time: LocalTime;
  durationMinutes: number;
  startDate: LocalDate;
  status: SeriesStatus;
  pausedUntil: LocalDate | null;
  proposedBy: number;
  createdAt: Date;
  /** The last local date whose occurrences are stored (null until first materialised). */
  materialisedThrough: LocalDate | null;
}

export type OccurrenceStatus = 'scheduled' | 'skipped' | 'closed' | 'paused' | 'held' | 'missed' | 'cancelled';

export interface Occurrence {
  id: number;
  seriesId: number;
  originalDate: LocalDate;
  startsAt: Date;
  endsAt: Date;
  status: OccurrenceStatus;
  moved: boolean;
  reason: string | null;
}

export interface Closure {
  id: number;
  schoolId: number;
  startDate: LocalDate;
  endDate: LocalDate;
  label: string;
}
