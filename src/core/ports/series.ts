/** The series aggregate: partnerships, their recurring series and each series' occurrences. */
import type { Occurrence, OccurrenceStatus, Partnership, Series, SeriesStatus } from '../model';
import type { LocalDate } from '../datetime';

export interface OccurrenceChange {
  status?: OccurrenceStatus;
  reason?: string | null;
  startsAt?: Date;
  endsAt?: Date;
  moved?: boolean;
}

export interface SeriesRepository {
  ensurePartnership(tenantId: number, schoolId: number, principalId: number, coachId: number, now: Date): Partnership;
  partnershipById(tenantId: number, partnershipId: number): Partnership | undefined;
  createSeries(tenantId: number, s: Omit<Series, 'id' | 'status' | 'pausedUntil' | 'createdAt' | 'materialisedThrough'>, now: Date): Series;
  seriesById(tenantId: number, seriesId: number): Series | undefined;
  /** Proposed and active series in which the user is the principal or the coach. */
  liveSeriesOfUser(tenantId: number, userId: number): Series[];
  liveSeriesOfPartnership(tenantId: number, partnershipId: number): Series[];
  activeSeriesOfSchool(tenantId: number, schoolId: number): Series[];
  /**
   * Active series (of every tenant) whose occurrences are materialised less far ahead than
   * `through`: the scheduler's planning input. Series already far enough ahead are not visited.
   */
  activeSeriesToMaterialise(through: LocalDate, limit?: number): { tenantId: number; series: Series }[];
  markMaterialised(seriesId: number, through: LocalDate): void;
  setSeriesStatus(tenantId: number, seriesId: number, status: SeriesStatus, now: Date): void;
  setPausedUntil(tenantId: number, seriesId: number, until: LocalDate | null): void;
  /** Inserts the occurrences not stored yet (existing rows keep their status and overrides); returns how many were new. */
  ensureOccurrences(
    tenantId: number,
    seriesId: number,
    rows: { originalDate: LocalDate; startsAt: Date; endsAt: Date; status: OccurrenceStatus; reason: string | null }[],
    now: Date,
  ): number;
  occurrenceById(tenantId: number, occurrenceId: number): Occurrence | undefined;
  /** Occurrences of a series that end after `after`, in start order. */
  occurrencesOfSeries(tenantId: number, seriesId: number, after: Date, limit?: number): Occurrence[];
  /** Occurrences of a series whose original date lies in [from, to]. */
  occurrencesInDates(tenantId: number, seriesId: number, from: LocalDate, to: LocalDate): Occurrence[];
  updateOccurrence(tenantId: number, occurrenceId: number, change: OccurrenceChange, by: number | null, now: Date): Occurrence;
}
