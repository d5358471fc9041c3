/** The series aggregate: partnerships, their recurring series and each series' occurrences. */
import type { Occurrence, OccurrenceStatus, Partnership, Series, SeriesStatus } from '../model';
import type { LocalDate, LocalTime, Weekday } from '../datetime';

/** A series' weekly slot: what `reschedule` changes. */
export interface Slot {
  cadence: Series['cadence'];
  weekday: Weekday;
  time: LocalTime;
  durationMinutes: number;
}

/** A proposed change of slot from `effectiveFrom` on; the other person accepts or declines it. */
export interface SeriesChange extends Slot {
  id: number;
  seriesId: number;
  effectiveFrom: LocalDate;
  proposedBy: number;
  status: 'proposed' | 'accepted' | 'declined' | 'withdrawn';
}

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
  /**
   * Pauses the series until a date (or ends its pause: null), `today` being the school's day; the
   * span is kept (`pausesOfSeries`), a pause replaced or ended early is cut short at `today`.
   */
  setPausedUntil(tenantId: number, seriesId: number, until: LocalDate | null, today: LocalDate): void;
  /** The series' pauses, past and present, oldest first: from the day set to the first day not paused. */
  pausesOfSeries(tenantId: number, seriesIds: number[]): { from: LocalDate; until: LocalDate }[];
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
  /** Records a proposed slot change; an earlier open one for the series is withdrawn. */
  proposeChange(tenantId: number, seriesId: number, change: Slot & { effectiveFrom: LocalDate; proposedBy: number }, now: Date): SeriesChange;
  changeById(tenantId: number, changeId: number): SeriesChange | undefined;
  /** The series' change still waiting for an answer, if any. */
  openChange(tenantId: number, seriesId: number): SeriesChange | undefined;
  /** Answers an open change; false when it was no longer open (answered, withdrawn). */
  decideChange(tenantId: number, changeId: number, status: 'accepted' | 'declined', now: Date): boolean;
  /**
   * The series takes `slot` from `from` on: its future occurrences from that date that nobody
   * changed (scheduled, paused or closed by the rule, not moved) are removed, to be materialised
   * again from the new slot; past ones, moved and skipped ones stay. Returns the removed ids.
   */
  changeSlot(tenantId: number, seriesId: number, slot: Slot, from: LocalDate, now: Date): number[];
}
