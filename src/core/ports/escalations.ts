/** The escalation aggregate: the pathway's stored state. */
import type { LocalDate } from '../datetime';

export const CATEGORIES = ['curriculum', 'safety', 'conduct', 'resources', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];
export const STAGES = ['reflecting', 'raised', 'urgent', 'plan', 'resolved', 'withdrawn'] as const;
export type Stage = (typeof STAGES)[number];
/** A three-way conversation (coach, teacher, principal) proposed on a raised escalation, and where it stands. */
export const THREE_WAY_STATES = ['proposed', 'arranged', 'withdrawn'] as const;
export type ThreeWay = (typeof THREE_WAY_STATES)[number];

export interface Escalation {
  id: number;
  schoolId: number;
  partnershipId: number | null;
  coachId: number | null;
  concern: string;
  category: Category;
  concernsUserId: number | null;
  concernsLabel: string | null;
  urgent: boolean;
  stage: Stage;
  sharedFirst: boolean | null;
  teacherInformed: boolean | null;
  reflectUntil: LocalDate | null;
  notYetCount: number;
  raisedAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: number | null;
  planText: string | null;
  planOwnerId: number | null;
  followUpDate: LocalDate | null;
  closedAt: Date | null;
  visibleFrom: Date | null;
  threeWay: ThreeWay | null;
  threeWayAt: Date | null;
  threeWayBy: number | null;
  createdAt: Date;
}

export interface EscalationChange {
  stage?: Stage;
  partnershipId?: number | null;
  sharedFirst?: boolean;
  teacherInformed?: boolean;
  reflectUntil?: LocalDate | null;
  notYetCount?: number;
  raisedAt?: Date;
  acknowledgedAt?: Date;
  acknowledgedBy?: number;
  planText?: string | null;
  planOwnerId?: number | null;
  followUpDate?: LocalDate | null;
  closedAt?: Date | null;
  visibleFrom?: Date;
  threeWay?: ThreeWay;
  threeWayAt?: Date;
  threeWayBy?: number;
}

/** A new escalation's fields. */
export interface NewEscalation {
  schoolId: number;
  partnershipId: number | null;
  coachId: number;
  concern: string;
  category: Category;
  concernsUserId: number | null;
  /** Who it is about when that is not a known person (e.g. "a student or family"). */
  concernsLabel?: string | null;
  urgent: boolean;
  stage: Stage;
}

/** Escalations and each school's escalation settings. */
export interface EscalationRepository {
  create(tenantId: number, e: NewEscalation, now: Date): Escalation;
  byId(tenantId: number, id: number): Escalation | undefined;
  update(tenantId: number, id: number, change: EscalationChange, now: Date): Escalation;
  /** Open escalations of a school (not resolved or withdrawn), oldest first. */
  openOfSchool(tenantId: number, schoolId: number): Escalation[];
  /** Every escalation raised to a partnership (any stage), oldest raised first: what its history records. */
  raisedOfPartnership(tenantId: number, partnershipId: number): Escalation[];
  /** Escalations on a partnership's agenda: raised, or with a plan whose follow-up has come. */
  forAgenda(tenantId: number, partnershipId: number, until: LocalDate): Escalation[];
  /**
   * Raised, not urgent, and not readable by the principals yet (visible from after `now`), of one
   * workspace or all: the ones whose reading time follows their touch-point when it moves.
   */
  awaitingAgenda(now: Date, tenantId?: number): { tenantId: number; escalation: Escalation }[];
  /** Counts by category and stage (the only form in which escalations reach a report). */
  countsOfSchool(
    tenantId: number,
    schoolId: number,
  ): {
    category: Category;
    stage: Stage;
    n: number;
  }[];
  schoolSettings(
    tenantId: number,
    schoolId: number,
  ): {
    reflectDays: number;
    urgentAckMinutes: number;
  };
  saveSchoolSettings(
    tenantId: number,
    schoolId: number,
    s: {
      reflectDays: number;
      urgentAckMinutes: number;
    },
  ): void;
}
