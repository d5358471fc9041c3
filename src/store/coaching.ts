/**
 * Coaching requests, their conversation, office hours, the aggregate the leaders see, and the
 * erasure behind `/coaching forget-me`. Every read takes the tenant and joins through the school
 * (or the user) to check it; what a caller may then show is decided by the policy, not here.
 */
import type { Db } from './db';
import type { LocalDate, LocalTime, Weekday } from '../core/datetime';
import type {
  CoachingMessage,
  CoachingRepository,
  CoachingRequest,
  DemandSnapshot,
  Format,
  Helpful,
  MessageKind,
  NewDraft,
  CoachingSession,
  OfficeHour,
  RequestStatus,
  SessionStatus,
  Topic,
} from '../core/ports/coaching';
import { TOPICS } from '../core/ports/coaching';

type Row = Record<string, unknown>;
const iso = (d: Date): string => d.toISOString();
const dateOrNull = (v: unknown): Date | null => (typeof v === 'string' ? new Date(v) : null);

function toRequest(r: Row): CoachingRequest {
  return {
    id: r.id as number,
    schoolId: r.school_id as number,
    teacherId: r.teacher_id as number,
    topic: r.topic as Topic,
    details: r.details as string,
    format: (r.format as Format | null) ?? null,
    preferredTimes: (r.preferred_times as string | null) ?? null,
    shared: r.shared === 1,
    status: r.status as RequestStatus,
    coachId: (r.coach_id as number | null) ?? null,
    proposedTime: (r.proposed_time as string | null) ?? null,
    sessionDate: (r.session_date as LocalDate | null) ?? null,
    helpful: (r.helpful as Helpful | null) ?? null,
    createdAt: new Date(r.created_at as string),
    submittedAt: dateOrNull(r.submitted_at),
    firstAnsweredAt: dateOrNull(r.first_answered_at),
    updatedAt: new Date(r.updated_at as string),
    closedAt: dateOrNull(r.closed_at),
  };
}

function toSession(r: Row): CoachingSession {
  return {
    id: r.id as number,
    requestId: r.request_id as number,
    startsAt: new Date(r.starts_at as string),
    minutes: r.minutes as number,
    status: r.status as SessionStatus,
    proposedBy: (r.proposed_by as number | null) ?? null,
    createdAt: new Date(r.created_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

/** A session's row, checked to be in the tenant through its request's school. */
const SESSION_IN_TENANT = `FROM coaching_sessions s JOIN coaching_requests x ON x.id = s.request_id JOIN schools sc ON sc.id = x.school_id AND sc.tenant_id = @tenantId`;

function toMessage(r: Row): CoachingMessage {
  return {
    id: r.id as number,
    requestId: r.request_id as number,
    authorId: (r.author_id as number | null) ?? null,
    kind: r.kind as MessageKind,
    text: r.text as string,
    createdAt: new Date(r.created_at as string),
  };
}

/** Request columns joined to their school, scoped to one tenant. */
const IN_TENANT = `FROM coaching_requests x JOIN schools sc ON sc.id = x.school_id AND sc.tenant_id = @tenantId`;
const TERMINAL = new Set<RequestStatus>(['declined', 'withdrawn', 'done']);

export class CoachingStore implements CoachingRepository {
  constructor(private readonly db: Db) {}

  private schoolInTenant(tenantId: number, schoolId: number): boolean {
    return this.db.prepare('SELECT 1 FROM schools WHERE tenant_id = ? AND id = ?').get(tenantId, schoolId) !== undefined;
  }

  private userInTenant(tenantId: number, userId: number): boolean {
    return this.db.prepare('SELECT 1 FROM users WHERE tenant_id = ? AND id = ?').get(tenantId, userId) !== undefined;
  }

  // ---- requests ------------------------------------------------------------------------------

  /** A new draft; the teacher's older drafts go (one unsent request at a time). */
  createDraft(tenantId: number, d: NewDraft, now: Date): CoachingRequest {
    if (!this.schoolInTenant(tenantId, d.schoolId) || !this.userInTenant(tenantId, d.teacherId)) throw new Error('school or teacher not in tenant');
    this.db.prepare(`DELETE FROM coaching_requests WHERE teacher_id = ? AND status = 'draft'`).run(d.teacherId);
    const info = this.db
      .prepare(
        `INSERT INTO coaching_requests (school_id, teacher_id, topic, details, format, preferred_times, shared, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)`,
      )
      .run(d.schoolId, d.teacherId, d.topic, d.details, d.format, d.preferredTimes, d.shared ? 1 : 0, iso(now), iso(now));
    return this.byId(tenantId, Number(info.lastInsertRowid))!;
  }

  byId(tenantId: number, requestId: number): CoachingRequest | undefined {
    const r = this.db.prepare(`SELECT x.* ${IN_TENANT} WHERE x.id = @requestId`).get({ tenantId, requestId }) as Row | undefined;
    return r && toRequest(r);
  }

  deleteDraft(tenantId: number, requestId: number): void {
    const found = this.byId(tenantId, requestId);
    if (found?.status === 'draft') this.db.prepare('DELETE FROM coaching_requests WHERE id = ?').run(requestId);
  }

  setShared(tenantId: number, requestId: number, shared: boolean, now: Date): void {
    if (!this.byId(tenantId, requestId)) throw new Error('request not in tenant');
    this.db.prepare('UPDATE coaching_requests SET shared = ?, updated_at = ? WHERE id = ?').run(shared ? 1 : 0, iso(now), requestId);
  }

  /** Sends a draft: it becomes open, dated now. */
  submit(tenantId: number, requestId: number, now: Date): CoachingRequest {
    const found = this.byId(tenantId, requestId);
    if (!found || found.status !== 'draft') throw new Error('no such draft in tenant');
    this.db.prepare(`UPDATE coaching_requests SET status = 'open', submitted_at = ?, updated_at = ? WHERE id = ?`).run(iso(now), iso(now), requestId);
    return this.byId(tenantId, requestId)!;
  }

  /** A coach's answer: the status, who took it up, and what they proposed; the first answer is dated. */
  answer(
    tenantId: number,
    requestId: number,
    change: { status: RequestStatus; coachId: number; proposedTime?: string; sessionDate?: LocalDate | null },
    now: Date,
  ): CoachingRequest {
    if (!this.byId(tenantId, requestId)) throw new Error('request not in tenant');
    this.db
      .prepare(
        `UPDATE coaching_requests SET status = @status, coach_id = @coachId,
                  proposed_time = COALESCE(@proposedTime, proposed_time), session_date = COALESCE(@sessionDate, session_date),
                  first_answered_at = COALESCE(first_answered_at, @now), updated_at = @now,
                  closed_at = CASE WHEN @terminal = 1 THEN @now ELSE closed_at END
                WHERE id = @requestId`,
      )
      .run({
        status: change.status,
        coachId: change.coachId,
        proposedTime: change.proposedTime ?? null,
        sessionDate: change.sessionDate ?? null,
        now: iso(now),
        terminal: TERMINAL.has(change.status) ? 1 : 0,
        requestId,
      });
    return this.byId(tenantId, requestId)!;
  }

  setStatus(tenantId: number, requestId: number, status: RequestStatus, now: Date): CoachingRequest {
    if (!this.byId(tenantId, requestId)) throw new Error('request not in tenant');
    this.db
      .prepare(`UPDATE coaching_requests SET status = ?, updated_at = ?, closed_at = CASE WHEN ? = 1 THEN ? ELSE closed_at END WHERE id = ?`)
      .run(status, iso(now), TERMINAL.has(status) ? 1 : 0, iso(now), requestId);
    return this.byId(tenantId, requestId)!;
  }

  setHelpful(tenantId: number, requestId: number, helpful: Helpful, now: Date): void {
    if (!this.byId(tenantId, requestId)) throw new Error('request not in tenant');
    this.db.prepare('UPDATE coaching_requests SET helpful = ?, updated_at = ? WHERE id = ?').run(helpful, iso(now), requestId);
  }

  /** A teacher's sent requests, newest first (drafts are not requests yet). */
  ofTeacher(tenantId: number, teacherId: number): CoachingRequest[] {
    return (
      this.db
        .prepare(`SELECT x.* ${IN_TENANT} WHERE x.teacher_id = @teacherId AND x.status != 'draft' ORDER BY x.submitted_at DESC, x.id DESC`)
        .all({ tenantId, teacherId }) as Row[]
    ).map(toRequest);
  }

  /** Open and in-progress requests of a school, oldest first: a coach's queue. */
  liveOfSchool(tenantId: number, schoolId: number): CoachingRequest[] {
    return (
      this.db
        .prepare(
          `SELECT x.* ${IN_TENANT} WHERE x.school_id = @schoolId AND x.status IN ('open', 'in_progress', 'accepted')
                ORDER BY x.submitted_at, x.id`,
        )
        .all({ tenantId, schoolId }) as Row[]
    ).map(toRequest);
  }

  /** Sent requests the teacher did not share (the shared ones are listed, so counting them too would let a reader subtract). */
  unsharedDemandSince(tenantId: number, schoolId: number, since: Date): { topic: Topic; submittedAt: Date }[] {
    return (
      this.db
        .prepare(
          `SELECT x.topic, x.submitted_at ${IN_TENANT} WHERE x.school_id = @schoolId AND x.status != 'draft' AND x.shared = 0 AND x.submitted_at >= @since
                ORDER BY x.submitted_at`,
        )
        .all({ tenantId, schoolId, since: iso(since) }) as Row[]
    ).map((r) => ({ topic: r.topic as Topic, submittedAt: new Date(r.submitted_at as string) }));
  }

  /** A closed month's frozen counts (month: YYYY-MM in the school's zone), or undefined while it is not frozen. */
  demandSnapshot(tenantId: number, schoolId: number, month: string): DemandSnapshot | undefined {
    const rows = this.db
      .prepare(
        `SELECT d.topic, d.count, d.frozen_at FROM demand_snapshots d JOIN schools sc ON sc.id = d.school_id AND sc.tenant_id = @tenantId
                WHERE d.school_id = @schoolId AND d.month = @month`,
      )
      .all({ tenantId, schoolId, month }) as Row[];
    if (rows.length === 0) return undefined;
    const counts = Object.fromEntries(TOPICS.map((t) => [t, 0])) as Record<Topic, number>;
    for (const r of rows) counts[r.topic as Topic] = r.count as number;
    return { month, counts, frozenAt: new Date(rows[0].frozen_at as string) };
  }

  /** Freezes a month's counts once, every topic in one statement; an already frozen month is left as it was. */
  freezeDemand(tenantId: number, schoolId: number, month: string, counts: Record<Topic, number>, now: Date): boolean {
    if (!this.schoolInTenant(tenantId, schoolId)) throw new Error('school not in tenant');
    if (this.demandSnapshot(tenantId, schoolId, month)) return false;
    const values = TOPICS.map(() => '(?, ?, ?, ?, ?)').join(', ');
    const args = TOPICS.flatMap((t) => [schoolId, month, t, counts[t] ?? 0, iso(now)]);
    return this.db.prepare(`INSERT OR IGNORE INTO demand_snapshots (school_id, month, topic, count, frozen_at) VALUES ${values}`).run(...args).changes > 0;
  }

  /** Every tenant's schools with a sent request since a moment: the months the freezing planner has to look at. */
  schoolsWithDemandSince(since: Date): { tenantId: number; schoolId: number }[] {
    return (
      this.db
        .prepare(
          `SELECT DISTINCT sc.tenant_id, sc.id FROM coaching_requests x JOIN schools sc ON sc.id = x.school_id
                WHERE x.status != 'draft' AND x.submitted_at >= ? ORDER BY sc.id`,
        )
        .all(iso(since)) as Row[]
    ).map((r) => ({ tenantId: r.tenant_id as number, schoolId: r.id as number }));
  }

  /** Sent requests of a school whose teacher chose to share them, since a moment. */
  sharedSince(tenantId: number, schoolId: number, since: Date): CoachingRequest[] {
    return (
      this.db
        .prepare(
          `SELECT x.* ${IN_TENANT} WHERE x.school_id = @schoolId AND x.shared = 1 AND x.status != 'draft' AND x.submitted_at >= @since
                ORDER BY x.submitted_at, x.id`,
        )
        .all({ tenantId, schoolId, since: iso(since) }) as Row[]
    ).map(toRequest);
  }

  /** Every tenant's requests still waiting for a first answer: the nudge planner's input. */
  allAwaitingFirstAnswer(): { tenantId: number; request: CoachingRequest }[] {
    return (
      this.db
        .prepare(
          `SELECT x.*, sc.tenant_id AS tenant_ref FROM coaching_requests x JOIN schools sc ON sc.id = x.school_id
                WHERE x.status = 'open' AND x.first_answered_at IS NULL ORDER BY x.id`,
        )
        .all() as Row[]
    ).map((r) => ({ tenantId: r.tenant_ref as number, request: toRequest(r) }));
  }

  /** Retention: closed requests (declined, withdrawn, done) closed before the cutoff, in every tenant. */
  deleteClosedBefore(before: Date): number {
    return this.db
      .prepare(`DELETE FROM coaching_requests WHERE status IN ('declined', 'withdrawn', 'done') AND closed_at IS NOT NULL AND closed_at < ?`)
      .run(iso(before)).changes;
  }

  /** Drafts nobody sent: unsent words are not kept beyond the moment. */
  deleteDraftsBefore(before: Date): number {
    return this.db.prepare(`DELETE FROM coaching_requests WHERE status = 'draft' AND created_at < ?`).run(iso(before)).changes;
  }

  // ---- conversation ----------------------------------------------------------------------------

  addMessage(tenantId: number, m: { requestId: number; authorId: number; kind: MessageKind; text: string }, now: Date): CoachingMessage {
    if (!this.byId(tenantId, m.requestId)) throw new Error('request not in tenant');
    const info = this.db
      .prepare('INSERT INTO coaching_messages (request_id, author_id, kind, text, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(m.requestId, m.authorId, m.kind, m.text, iso(now));
    return toMessage(this.db.prepare('SELECT * FROM coaching_messages WHERE id = ?').get(info.lastInsertRowid) as Row);
  }

  messages(tenantId: number, requestId: number): CoachingMessage[] {
    if (!this.byId(tenantId, requestId)) return [];
    return (this.db.prepare('SELECT * FROM coaching_messages WHERE request_id = ? ORDER BY id').all(requestId) as Row[]).map(toMessage);
  }

  // ---- sessions ------------------------------------------------------------------------------------

  proposeSession(tenantId: number, p: { requestId: number; startsAt: Date; minutes: number; proposedBy: number }, now: Date): CoachingSession {
    if (!this.byId(tenantId, p.requestId)) throw new Error('request not in tenant');
    this.db
      .prepare(`UPDATE coaching_sessions SET status = 'superseded', updated_at = ? WHERE request_id = ? AND status = 'proposed'`)
      .run(iso(now), p.requestId);
    const info = this.db
      .prepare(
        `INSERT INTO coaching_sessions (request_id, starts_at, minutes, status, proposed_by, created_at, updated_at) VALUES (?, ?, ?, 'proposed', ?, ?, ?)`,
      )
      .run(p.requestId, iso(p.startsAt), p.minutes, p.proposedBy, iso(now), iso(now));
    return this.sessionById(tenantId, Number(info.lastInsertRowid))!;
  }

  sessionById(tenantId: number, sessionId: number): CoachingSession | undefined {
    const r = this.db.prepare(`SELECT s.* ${SESSION_IN_TENANT} WHERE s.id = @sessionId`).get({ tenantId, sessionId }) as Row | undefined;
    return r && toSession(r);
  }

  setSessionStatus(tenantId: number, sessionId: number, status: SessionStatus, now: Date): CoachingSession {
    if (!this.sessionById(tenantId, sessionId)) throw new Error('session not in tenant');
    this.db.prepare('UPDATE coaching_sessions SET status = ?, updated_at = ? WHERE id = ?').run(status, iso(now), sessionId);
    return this.sessionById(tenantId, sessionId)!;
  }

  sessionsOfRequest(tenantId: number, requestId: number): CoachingSession[] {
    return (this.db.prepare(`SELECT s.* ${SESSION_IN_TENANT} WHERE s.request_id = @requestId ORDER BY s.id DESC`).all({ tenantId, requestId }) as Row[]).map(
      toSession,
    );
  }

  confirmedSessionsOfUser(tenantId: number, userId: number, from: Date): { session: CoachingSession; request: CoachingRequest }[] {
    const rows = this.db
      .prepare(
        `SELECT s.id AS session_id ${SESSION_IN_TENANT}
          WHERE s.status = 'confirmed' AND x.status = 'accepted' AND (x.teacher_id = @userId OR x.coach_id = @userId)
            AND datetime(s.starts_at, '+' || s.minutes || ' minutes') > datetime(@from) ORDER BY s.starts_at, s.id`,
      )
      .all({ tenantId, userId, from: iso(from) }) as Row[];
    return rows.map((r) => {
      const session = this.sessionById(tenantId, r.session_id as number)!;
      return { session, request: this.byId(tenantId, session.requestId)! };
    });
  }

  setSessionDate(tenantId: number, requestId: number, date: LocalDate, now: Date): CoachingRequest {
    if (!this.byId(tenantId, requestId)) throw new Error('request not in tenant');
    this.db.prepare('UPDATE coaching_requests SET session_date = ?, updated_at = ? WHERE id = ?').run(date, iso(now), requestId);
    return this.byId(tenantId, requestId)!;
  }

  // ---- office hours ------------------------------------------------------------------------------

  officeHours(tenantId: number, coachId: number): OfficeHour[] {
    if (!this.userInTenant(tenantId, coachId)) return [];
    return (this.db.prepare('SELECT * FROM coaching_hours WHERE coach_id = ? ORDER BY weekday, start_time').all(coachId) as Row[]).map((r) => ({
      weekday: r.weekday as Weekday,
      start: r.start_time as LocalTime,
      end: r.end_time as LocalTime,
    }));
  }

  /** Replaces the coach's whole set (an empty list clears it). */
  setOfficeHours(tenantId: number, coachId: number, slots: OfficeHour[]): void {
    if (!this.userInTenant(tenantId, coachId)) throw new Error('coach not in tenant');
    this.db.prepare('DELETE FROM coaching_hours WHERE coach_id = ?').run(coachId);
    const insert = this.db.prepare('INSERT INTO coaching_hours (coach_id, weekday, start_time, end_time) VALUES (?, ?, ?, ?)');
    for (const s of slots) insert.run(coachId, s.weekday, s.start, s.end);
  }
}
