/** The agenda aggregate: items, priorities, action items and meeting outcomes of a partnership. */
import type { LocalDate, LocalTime } from '../datetime';

export const SECTIONS = ['wins', 'data', 'priorities', 'support', 'learning', 'escalations', 'other'] as const;
export type Section = (typeof SECTIONS)[number];
export type ItemStatus = 'open' | 'discussed' | 'dropped';

export interface AgendaItem {
  id: number;
  partnershipId: number;
  section: Section;
  text: string;
  authorId: number | null;
  status: ItemStatus;
  carriedCount: number;
  occurrenceId: number | null;
  createdAt: Date;
}

export interface Priority {
  slot: number;
  text: string;
  setBy: number | null;
}

export interface ActionItem {
  id: number;
  partnershipId: number;
  occurrenceId: number | null;
  text: string;
  ownerId: number;
  dueDate: LocalDate;
  status: 'open' | 'done' | 'dropped';
  createdAt: Date;
  closedAt: Date | null;
}

export interface ReminderSettings {
  promptLeadDays: number;
  promptTime: LocalTime;
  agendaLeadMinutes: number;
  notesDelayMinutes: number;
}

export const DEFAULT_SETTINGS: ReminderSettings = { promptLeadDays: 2, promptTime: '08:00', agendaLeadMinutes: 60, notesDelayMinutes: 15 };

/** Occurrences due for planning, with everything the planner needs to compute reminder times. */
export interface PlanTarget {
  tenantId: number;
  occurrenceId: number;
  seriesId: number;
  partnershipId: number;
  schoolId: number;
  timeZone: string;
  principalId: number;
  coachId: number;
  originalDate: LocalDate;
  startsAt: Date;
  endsAt: Date;
  status: string;
}

/** Agenda items, priorities, action items, reminder settings, outcomes. */
export interface AgendaRepository {
  addItem(
    tenantId: number,
    i: {
      partnershipId: number;
      section: Section;
      text: string;
      authorId: number;
    },
    now: Date,
  ): AgendaItem;
  itemById(tenantId: number, itemId: number): AgendaItem | undefined;
  /** Open items of a partnership: carried-over first (most carried first), then by creation. */
  openItems(tenantId: number, partnershipId: number): AgendaItem[];
  itemsOfOccurrence(tenantId: number, occurrenceId: number): AgendaItem[];
  editItem(tenantId: number, itemId: number, text: string, now: Date): void;
  removeItem(tenantId: number, itemId: number): void;
  /** Closes an item at a meeting (discussed or dropped). */
  closeItem(tenantId: number, itemId: number, status: 'discussed' | 'dropped', occurrenceId: number, now: Date): void;
  carryItem(tenantId: number, itemId: number, now: Date): void;
  /** Items discussed at held meetings of the partnership since a moment (for the health report). */
  countDiscussedSince(tenantId: number, partnershipId: number, since: Date): number;
  priorities(tenantId: number, partnershipId: number): Priority[];
  setPriority(tenantId: number, partnershipId: number, slot: number, text: string, by: number, now: Date): void;
  clearPriority(tenantId: number, partnershipId: number, slot: number): boolean;
  addAction(
    tenantId: number,
    a: {
      partnershipId: number;
      occurrenceId: number | null;
      text: string;
      ownerId: number;
      dueDate: LocalDate;
      createdBy: number;
    },
    now: Date,
  ): ActionItem;
  actionById(tenantId: number, actionId: number): ActionItem | undefined;
  openActions(tenantId: number, partnershipId: number): ActionItem[];
  openActionsOfOwner(tenantId: number, ownerId: number): ActionItem[];
  closeAction(tenantId: number, actionId: number, status: 'done' | 'dropped', now: Date): void;
  /** Action items of these partnerships: the open ones (by due date), then those closed since `closedSince` (newest first). */
  actionsOfPartnerships(tenantId: number, partnershipIds: number[], closedSince: Date): ActionItem[];
  /** A new due date for an open item; false when it was not open. */
  redateAction(tenantId: number, actionId: number, dueDate: LocalDate): boolean;
  /** A new owner for an open item; false when it was not open or already theirs. */
  reassignAction(tenantId: number, actionId: number, ownerId: number): boolean;
  settings(tenantId: number, partnershipId: number): ReminderSettings;
  saveSettings(tenantId: number, partnershipId: number, s: ReminderSettings, now: Date): void;
  mutes(tenantId: number, userId: number, partnershipId: number): string[];
  setMute(tenantId: number, userId: number, partnershipId: number, kind: string, muted: boolean): boolean;
  confirmAgreement(tenantId: number, partnershipId: number, userId: number, now: Date): boolean;
  agreementConfirmedBy(tenantId: number, partnershipId: number): number[];
  pass(tenantId: number, occurrenceId: number, userId: number, now: Date): boolean;
  passes(occurrenceId: number): number[];
  recordOutcome(tenantId: number, occurrenceId: number, status: 'held' | 'missed', by: number, now: Date): boolean;
  /** Marks a meeting's notes as saved; false when they already were (the second save is refused). */
  markNotes(tenantId: number, occurrenceId: number, now: Date): boolean;
  /** Whether and when the touch-point was recorded as held or missed, and when its notes were saved. */
  outcomeOf(occurrenceId: number):
    | {
        at: Date;
        by: number | null;
        notesAt: Date | null;
      }
    | undefined;
  /** Occurrences not yet planned that start before `until` (and end after `from`), across tenants. */
  toPlan(from: Date, until: Date, limit: number, tenantId?: number): PlanTarget[];
  markPlanned(occurrenceId: number, now: Date): void;
  /**
   * Schools whose reminders wait to be planned again (a closure, pause, role, school hours or
   * setting changed: the database notes them in the transaction of the change), across tenants.
   */
  replansWaiting(limit: number, tenantId?: number): { tenantId: number; schoolId: number }[];
  /** The school's reminders were planned again. */
  replanDone(schoolId: number): void;
  /** Forget planning for a partnership's future occurrences (settings changed). */
  resetPlanning(tenantId: number, partnershipId: number, after: Date): void;
  /** Past occurrences of a series, newest first (for drift, streaks and the report). */
  pastOccurrences(
    tenantId: number,
    seriesId: number,
    before: Date,
    limit: number,
  ): {
    id: number;
    status: string;
    startsAt: Date;
    originalDate: LocalDate;
    outcomeAt: Date | null;
  }[];
}
