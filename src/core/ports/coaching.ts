/** The coaching aggregate: teachers' requests, the conversation on them, office hours. */
import type { LocalDate, LocalTime, Weekday } from '../datetime';

export const TOPICS = ['classroom_management', 'engagement', 'assessment', 'curriculum', 'differentiation', 'technology', 'other'] as const;
export type Topic = (typeof TOPICS)[number];
export const FORMATS = ['observe', 'co_plan', 'co_teach', 'model', 'talk'] as const;
export type Format = (typeof FORMATS)[number];
export const HELPFUL = ['yes', 'somewhat', 'not_really'] as const;
export type Helpful = (typeof HELPFUL)[number];
export type RequestStatus = 'draft' | 'open' | 'in_progress' | 'accepted' | 'declined' | 'withdrawn' | 'done';
/** Requests a coach still has to do something about. */
export const LIVE_STATUSES: readonly RequestStatus[] = ['open', 'in_progress', 'accepted'];
export type MessageKind = 'accept' | 'question' | 'reply' | 'decline';

export interface CoachingRequest {
  id: number;
  schoolId: number;
  teacherId: number;
  topic: Topic;
  details: string;
  format: Format | null;
  preferredTimes: string | null;
  shared: boolean;
  status: RequestStatus;
  coachId: number | null;
  proposedTime: string | null;
  sessionDate: LocalDate | null;
  helpful: Helpful | null;
  createdAt: Date;
  submittedAt: Date | null;
  firstAnsweredAt: Date | null;
  updatedAt: Date;
  closedAt: Date | null;
}

export interface CoachingMessage {
  id: number;
  requestId: number;
  authorId: number | null;
  kind: MessageKind;
  text: string;
  createdAt: Date;
}

/** A session for an accepted request: a time one side proposed, and whether the other confirmed it. */
export type SessionStatus = 'proposed' | 'confirmed' | 'superseded' | 'cancelled';
export interface CoachingSession {
  id: number;
  requestId: number;
  startsAt: Date;
  minutes: number;
  status: SessionStatus;
  proposedBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface OfficeHour {
  weekday: Weekday;
  start: LocalTime;
  end: LocalTime;
}

export type NewDraft = Pick<CoachingRequest, 'schoolId' | 'teacherId' | 'topic' | 'details' | 'format' | 'preferredTimes' | 'shared'>;

/** A month's frozen demand: the count of each topic (zero included), as it stood when the month was frozen. */
export interface DemandSnapshot {
  /** YYYY-MM in the school's time zone. */
  month: string;
  counts: Record<Topic, number>;
  frozenAt: Date;
}

/** Teachers' coaching requests, their messages and coaches' office hours. */
export interface CoachingRepository {
  /** A new draft; the teacher's older drafts go (one unsent request at a time). */
  createDraft(tenantId: number, d: NewDraft, now: Date): CoachingRequest;
  byId(tenantId: number, requestId: number): CoachingRequest | undefined;
  deleteDraft(tenantId: number, requestId: number): void;
  setShared(tenantId: number, requestId: number, shared: boolean, now: Date): void;
  /** Sends a draft: it becomes open, dated now. */
  submit(tenantId: number, requestId: number, now: Date): CoachingRequest;
  /** A coach's answer: the status, who took it up, and what they proposed; the first answer is dated. */
  answer(
    tenantId: number,
    requestId: number,
    change: {
      status: RequestStatus;
      coachId: number;
      proposedTime?: string;
      sessionDate?: LocalDate | null;
    },
    now: Date,
  ): CoachingRequest;
  setStatus(tenantId: number, requestId: number, status: RequestStatus, now: Date): CoachingRequest;
  setHelpful(tenantId: number, requestId: number, helpful: Helpful, now: Date): void;
  /** A teacher's sent requests, newest first (drafts are not requests yet). */
  ofTeacher(tenantId: number, teacherId: number): CoachingRequest[];
  /** Open and in-progress requests of a school, oldest first: a coach's queue. */
  liveOfSchool(tenantId: number, schoolId: number): CoachingRequest[];
  /** Sent requests the teacher did not share (the shared ones are listed, so counting them too would let a reader subtract). */
  unsharedDemandSince(
    tenantId: number,
    schoolId: number,
    since: Date,
  ): {
    topic: Topic;
    submittedAt: Date;
  }[];
  /** A closed month's frozen counts (month: YYYY-MM in the school's zone), or undefined while it is not frozen. */
  demandSnapshot(tenantId: number, schoolId: number, month: string): DemandSnapshot | undefined;
  /**
   * Freezes a month's counts, once: when the month is already frozen nothing changes (a published
   * month is never rewritten). True when this call froze it.
   */
  freezeDemand(tenantId: number, schoolId: number, month: string, counts: Record<Topic, number>, now: Date): boolean;
  /** Every tenant's schools with a sent request since a moment: the months the freezing planner has to look at. */
  schoolsWithDemandSince(since: Date): { tenantId: number; schoolId: number }[];
  /** Sent requests of a school whose teacher chose to share them, since a moment. */
  sharedSince(tenantId: number, schoolId: number, since: Date): CoachingRequest[];
  /** Every tenant's requests still waiting for a first answer: the nudge planner's input. */
  allAwaitingFirstAnswer(): {
    tenantId: number;
    request: CoachingRequest;
  }[];
  /** Retention: closed requests (declined, withdrawn, done) closed before the cutoff, in every tenant. */
  deleteClosedBefore(before: Date): number;
  /** Drafts nobody sent: unsent words are not kept beyond the moment. */
  deleteDraftsBefore(before: Date): number;
  addMessage(
    tenantId: number,
    m: {
      requestId: number;
      authorId: number;
      kind: MessageKind;
      text: string;
    },
    now: Date,
  ): CoachingMessage;
  messages(tenantId: number, requestId: number): CoachingMessage[];
  /** A new proposed time for a request's session; any earlier proposal still waiting is superseded. */
  proposeSession(tenantId: number, s: { requestId: number; startsAt: Date; minutes: number; proposedBy: number }, now: Date): CoachingSession;
  sessionById(tenantId: number, sessionId: number): CoachingSession | undefined;
  setSessionStatus(tenantId: number, sessionId: number, status: SessionStatus, now: Date): CoachingSession;
  /** A request's sessions, newest first. */
  sessionsOfRequest(tenantId: number, requestId: number): CoachingSession[];
  /** Confirmed sessions of accepted requests in which the user is the teacher or the coach, ending after `from`, soonest first. */
  confirmedSessionsOfUser(tenantId: number, userId: number, from: Date): { session: CoachingSession; request: CoachingRequest }[];
  /** Sets the date a request's session is on (the coach is asked to mark it done after it). */
  setSessionDate(tenantId: number, requestId: number, date: LocalDate, now: Date): CoachingRequest;
  officeHours(tenantId: number, coachId: number): OfficeHour[];
  /** Replaces the coach's whole set (an empty list clears it). */
  setOfficeHours(tenantId: number, coachId: number, slots: OfficeHour[]): void;
}
