/** Row mappers shared by the repositories: SQLite rows to the model's types. */
import type {
  Cadence,
  Closure,
  Occurrence,
  OccurrenceStatus,
  Partnership,
  Platform,
  UserKind,
  School,
  Series,
  SeriesStatus,
  Tenant,
  User,
} from '../core/model';
import type { LocalDate, LocalTime, Weekday } from '../core/datetime';

export type Row = Record<string, unknown>;
export const iso = (d: Date): string => d.toISOString();

export function toTenant(r: Row): Tenant {
  return { id: r.id as number, platform: r.platform as Platform, externalId: r.external_id as string, name: (r.name as string | null) ?? null };
}
export function toUser(r: Row): User {
  return {
    id: r.id as number,
    tenantId: r.tenant_id as number,
    externalId: r.external_id as string,
    displayName: r.display_name as string,
    handle: (r.handle as string | null) ?? null,
    kind: (r.kind as UserKind | undefined) ?? 'person',
  };
}
export function toSchool(r: Row): School {
  return {
    id: r.id as number,
    tenantId: r.tenant_id as number,
    name: r.name as string,
    timeZone: r.time_zone as string,
    dayStart: r.day_start as LocalTime,
    dayEnd: r.day_end as LocalTime,
  };
}
export function toPartnership(r: Row): Partnership {
  return { id: r.id as number, schoolId: r.school_id as number, principalId: r.principal_id as number, coachId: r.coach_id as number };
}
/** A `series` row as the model's Series (other repositories extend it). */
export function toSeries(r: Row): Series {
  return {
    id: r.id as number,
    partnershipId: r.partnership_id as number,
    cadence: r.cadence as Cadence,
    weekday: r.weekday as Weekday,
    time: r.local_time as LocalTime,
    durationMinutes: r.duration_minutes as number,
    startDate: r.start_date as LocalDate,
    status: r.status as SeriesStatus,
    pausedUntil: (r.paused_until as LocalDate | null) ?? null,
    proposedBy: r.proposed_by as number,
    createdAt: new Date(r.created_at as string),
    materialisedThrough: (r.materialised_through as LocalDate | null) ?? null,
  };
}
/** Stored free text as shown (see ./person-refs.ts); identity where a caller needs the stored form. */
type Render = <T extends string | null>(text: T) => T;
const asStored: Render = (text) => text;

export function toOccurrence(r: Row, render: Render = asStored): Occurrence {
  return {
    id: r.id as number,
    seriesId: r.series_id as number,
    originalDate: r.original_date as LocalDate,
    startsAt: new Date(r.starts_at as string),
    endsAt: new Date(r.ends_at as string),
    status: r.status as OccurrenceStatus,
    moved: r.moved === 1,
    reason: render((r.reason as string | null) ?? null),
  };
}
export function toClosure(r: Row, render: Render = asStored): Closure {
  return {
    id: r.id as number,
    schoolId: r.school_id as number,
    startDate: r.start_date as LocalDate,
    endDate: r.end_date as LocalDate,
    label: render(r.label as string),
  };
}

/** Series columns joined to their partnership and school, scoped to one tenant. */
export const SERIES_IN_TENANT = `
  FROM series s JOIN partnerships p ON p.id = s.partnership_id JOIN schools sc ON sc.id = p.school_id
  WHERE sc.tenant_id = @tenantId`;
