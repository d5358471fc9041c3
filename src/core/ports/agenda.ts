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
  /** The shared priority (slot 1–3) the item serves, if tagged. */
  prioritySlot: number | null;
}

export interface Priority {
  slot: number;
  text: string;
  setBy: number | null;
}

/** A proposed change to a shared priority, which the other member accepts or declines. */
export interface PriorityProposal {
  id: number;
  partnershipId: number;
  slot: number;
  /** The proposed wording; null proposes clearing the slot. */
  text: string | null;
  proposedBy: number;
  status: 'open' | 'accepted' | 'kept' | 'withdrawn' | 'replaced';
  createdAt: Date;
}

/** Per priority slot (null: untagged), the agenda items discussed and the action items created in a period. */
export interface PriorityService {
  slot: number | null;
  items: number;
  actions: number;
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
  /** The shared priority (slot 1–3) the action item serves, if tagged. */
  prioritySlot: number | null;
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
      prioritySlot?: number | null;
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
  /** Clears the slot and untags the items and action items that served it. */
  clearPriority(tenantId: number, partnershipId: number, slot: number): boolean;
  /** The open proposals of a partnership, by slot. */
  openProposals(tenantId: number, partnershipId: number): PriorityProposal[];
  proposalById(tenantId: number, proposalId: number): PriorityProposal | undefined;
  /** Records a proposal; the open one on the same slot, if any, is marked replaced and returned. */
  proposePriority(
    tenantId: number,
    p: { partnershipId: number; slot: number; text: string | null; proposedBy: number },
    now: Date,
  ): { proposal: PriorityProposal; replaced: PriorityProposal | undefined };
  /** Closes an open proposal; false when it was no longer open. */
  closeProposal(tenantId: number, proposalId: number, status: 'accepted' | 'kept' | 'withdrawn', now: Date): boolean;
  /** Per priority slot (null: untagged): agenda items discussed at touch-points since `since`, action items created since. */
  servedByPriority(tenantId: number, partnershipId: number, since: Date): PriorityService[];
  addAction(
    tenantId: number,
    a: {
      partnershipId: number;
      occurrenceId: number | null;
      text: string;
      ownerId: number;
      dueDate: LocalDate;
      createdBy: number;
      prioritySlot?: number | null;
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
