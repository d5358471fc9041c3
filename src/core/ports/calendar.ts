/** The calendar aggregate: closures, calendar feeds, the district calendar import. */
import type { Closure, Partnership, School, Series } from '../model';
import type { LocalDate } from '../datetime';

export interface CalendarFeed {
  tenantId: number;
  userId: number;
  version: number;
  createdAt: Date;
  rotatedAt: Date | null;
  lastFetchedAt: Date | null;
}

/** A series as the feed needs it: the model plus when it was accepted and when it ended. */
export interface FeedSeries extends Series {
  decidedAt: Date | null;
  endedAt: Date | null;
}

export interface ImportedClosure {
  uid: string;
  closureId: number;
  startDate: LocalDate;
  endDate: LocalDate;
  label: string;
}

export interface ImportRecord {
  schoolId: number;
  lastImportedAt: Date;
  added: number;
  updated: number;
  removed: number;
}

/** Calendar feeds and the district calendar import. */
export interface CalendarRepository {
  /** Removes the person's feed, if any: its link stops working at once. */
  deleteFeed(tenantId: number, userId: number): boolean;
  addClosure(tenantId: number, c: Omit<Closure, 'id'> & { createdBy: number }, now: Date): Closure;
  closuresOfSchool(tenantId: number, schoolId: number): Closure[];
  closureById(tenantId: number, closureId: number): Closure | undefined;
  removeClosure(tenantId: number, closureId: number): Closure | undefined;
  feedOf(tenantId: number, userId: number): CalendarFeed | undefined;
  /** Creates the person's feed with this token; false when they already have one. */
  createFeed(tenantId: number, userId: number, token: string, now: Date): boolean;
  /** Replaces the token when the feed is still at `expectedVersion`; the old token stops working at once. */
  rotateFeed(tenantId: number, userId: number, token: string, expectedVersion: number, now: Date): boolean;
  /** The feed a token opens (the token names the tenant, so this lookup is by hash alone). */
  feedByToken(token: string): CalendarFeed | undefined;
  markFetched(tenantId: number, userId: number, now: Date): void;
  /** Partnerships the user is in (as principal/AP or coach), with their school. */
  partnershipsOfUser(
    tenantId: number,
    userId: number,
  ): {
    partnership: Partnership;
    school: School;
  }[];
  /** Active and cancelled series of the partnerships the user is in (proposed and declined ones never met). */
  feedSeriesOfUser(tenantId: number, userId: number): FeedSeries[];
  importedClosures(tenantId: number, schoolId: number): ImportedClosure[];
  /** Adds a closure from the school's calendar; `createdBy` is null when the scheduler imported it. */
  addImportedClosure(
    tenantId: number,
    schoolId: number,
    uid: string,
    c: {
      startDate: LocalDate;
      endDate: LocalDate;
      label: string;
    },
    createdBy: number | null,
    now: Date,
  ): number;
  updateImportedClosure(
    tenantId: number,
    schoolId: number,
    uid: string,
    c: {
      startDate: LocalDate;
      endDate: LocalDate;
      label: string;
    },
    now: Date,
  ): boolean;
  /** Removes an imported closure (its mapping row goes with it, by cascade). */
  removeImportedClosure(tenantId: number, schoolId: number, uid: string): boolean;
  recordImport(
    tenantId: number,
    schoolId: number,
    by: number | null,
    counts: {
      added: number;
      updated: number;
      removed: number;
    },
    now: Date,
  ): void;
  lastImport(tenantId: number, schoolId: number): ImportRecord | undefined;
  /** Every school (of every tenant) that imported its calendar: the daily re-import's input. */
  importingSchools(): {
    tenantId: number;
    schoolId: number;
  }[];
}
