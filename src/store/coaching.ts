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
  ForgetReport,
  Format,
  Helpful,
  MessageKind,
  NewDraft,
  OfficeHour,
  RequestStatus,
  Topic,
} from '../core/ports/coaching';

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

/** Replaces whole-word, case-insensitive occurrences of any token (longest first) with the replacement. */
export function scrubText(text: string, tokens: readonly string[], replacement: string): string {
  const usable = [...new Set(tokens.map((t) => t.trim()).filter((t) => t.length >= 2))].sort((a, b) => b.length - a.length);
  if (usable.length === 0) return text;
  const alternatives = usable.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_])`, 'giu');
  return text.replace(re, replacement);
}

function scrubJson(value: unknown, tokens: readonly string[], replacement: string): unknown {
  if (typeof value === 'string') return scrubText(value, tokens, replacement);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, tokens, replacement));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, tokens, replacement)]));
  }
  return value;
}

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

  // ---- forget-me ------------------------------------------------------------------------------------

  /**
   * Erases a teacher: their requests (with the conversation and answers), the outbox rows about
   * those requests whoever they were for, every row that points at them (as if the user row were
   * deleted: ON DELETE CASCADE rows go, SET NULL columns are cleared), mentions of them in
   * escalations and in messages still held in the outbox, and finally their name, handle and
   * platform id on the user row, which stays as a placeholder so the ids other rows keep stay valid.
   * The caller has checked the person holds no current role whose records need their name (coach,
   * principal); records of a role held in the past keep the placeholder.
   */
  forgetUser(tenantId: number, userId: number, placeholderName: string): ForgetReport {
    const user = this.db.prepare('SELECT * FROM users WHERE tenant_id = ? AND id = ?').get(tenantId, userId) as Row | undefined;
    if (!user) throw new Error('user not in tenant');
    const displayName = user.display_name as string;
    const handle = (user.handle as string | null) ?? null;
    const firstName = displayName.split(/\s+/)[0] ?? '';
    // Escalations (and the DMs that carry them) are about the teacher: every way they are named
    // goes. Other text written by principals and coaches loses the full name and @handle only (a
    // bare first name there is too often someone else's, or an ordinary word, to replace blindly).
    const everyName = [displayName, firstName, ...(handle ? [`@${handle}`] : [])];
    const fullNames = [displayName, ...(handle ? [`@${handle}`] : [])];

    const requestIds = (this.db.prepare(`SELECT x.id ${IN_TENANT} WHERE x.teacher_id = @userId`).all({ tenantId, userId }) as Row[]).map((r) => r.id as number);
    const deleteByPrefix = this.db.prepare(`DELETE FROM outbox WHERE tenant_id = ? AND dedupe_key LIKE ? ESCAPE '\\'`);
    for (const id of requestIds) deleteByPrefix.run(tenantId, `coaching:r${id}:%`);

    // Free text is scrubbed only within the person's own schools: elsewhere their first name is
    // someone else's, or an ordinary word ("we will meet").
    const ownSchools = new Set(
      (
        this.db
          .prepare(`SELECT school_id AS id FROM memberships WHERE user_id = @userId UNION SELECT x.school_id AS id ${IN_TENANT} WHERE x.teacher_id = @userId`)
          .all({ tenantId, userId }) as Row[]
      ).map((r) => r.id as number),
    );
    const inOwnSchool = (schoolId: unknown): boolean => ownSchools.has(schoolId as number);

    // Escalations that named them keep only "a teacher".
    const escalations = (
      this.db
        .prepare(
          `SELECT e.id, e.school_id, e.concern, e.plan_text, e.concerns_user_id FROM escalations e JOIN schools sc ON sc.id = e.school_id WHERE sc.tenant_id = ?`,
        )
        .all(tenantId) as Row[]
    ).filter((e) => inOwnSchool(e.school_id) || e.concerns_user_id === userId);
    let escalationsChanged = 0;
    this.db
      .prepare(
        `UPDATE escalations SET concerns_user_id = NULL, concerns_label = 'a teacher'
                WHERE concerns_user_id = ? AND school_id IN (SELECT id FROM schools WHERE tenant_id = ?)`,
      )
      .run(userId, tenantId);
    const updateEscalation = this.db.prepare('UPDATE escalations SET concern = ?, plan_text = ? WHERE id = ?');
    for (const e of escalations) {
      const concern = scrubText(e.concern as string, everyName, 'a teacher');
      const plan = e.plan_text === null ? null : scrubText(e.plan_text as string, everyName, 'a teacher');
      if (concern !== e.concern || plan !== e.plan_text || e.concerns_user_id === userId) {
        updateEscalation.run(concern, plan, e.id);
        escalationsChanged += 1;
      }
    }

    // Messages still held in the outbox (sent or not) that name them.
    const updatePayload = this.db.prepare('UPDATE outbox SET payload = ? WHERE id = ?');
    const recipientsInOwnSchools = new Set(
      ownSchools.size === 0
        ? []
        : (
            this.db
              .prepare(`SELECT DISTINCT user_id FROM memberships WHERE school_id IN (${[...ownSchools].map(() => '?').join(',')})`)
              .all(...ownSchools) as Row[]
          ).map((r) => r.user_id as number),
    );
    for (const r of this.db.prepare('SELECT id, kind, recipient_id, payload FROM outbox WHERE tenant_id = ?').all(tenantId) as Row[]) {
      if (!recipientsInOwnSchools.has(r.recipient_id as number) && r.recipient_id !== userId) continue;
      const before = r.payload as string;
      const names = String(r.kind).startsWith('escalation') ? everyName : fullNames;
      const after = JSON.stringify(scrubJson(JSON.parse(before), names, 'a teacher'));
      if (after !== JSON.stringify(JSON.parse(before))) updatePayload.run(after, r.id);
    }

    // Agenda text written by the partnership.
    const freeText: [table: string, column: string][] = [
      ['agenda_items', 'text'],
      ['action_items', 'text'],
      ['priorities', 'text'],
    ];
    for (const [table, column] of freeText) {
      const rows = (
        this.db
          .prepare(
            `SELECT t.rowid AS rid, t."${column}" AS v, p.school_id AS school FROM "${table}" t JOIN partnerships p ON p.id = t.partnership_id
                  JOIN schools sc ON sc.id = p.school_id WHERE sc.tenant_id = ?`,
          )
          .all(tenantId) as Row[]
      ).filter((r) => inOwnSchool(r.school));
      const update = this.db.prepare(`UPDATE "${table}" SET "${column}" = ? WHERE rowid = ?`);
      for (const r of rows) {
        const after = scrubText(r.v as string, fullNames, 'a teacher');
        if (after !== r.v) update.run(after, r.rid);
      }
    }

    // Audit rows keep what happened, not who it was about.
    this.db.prepare(`UPDATE audit_log SET subject_id = NULL WHERE tenant_id = ? AND subject_type = 'user' AND subject_id = ?`).run(tenantId, userId);

    // Every row pointing at the user, found from the schema so tables added later are covered too.
    // The user id was checked to be in this tenant, so these rows are this tenant's.
    const tables = (this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'users' AND name NOT LIKE 'sqlite_%'`).all() as Row[]).map(
      (r) => r.name as string,
    );
    for (const table of tables) {
      const fks = this.db.prepare(`PRAGMA foreign_key_list("${table}")`).all() as Row[];
      for (const fk of fks) {
        if (fk.table !== 'users' || (fk.to !== null && fk.to !== 'id')) continue;
        const column = fk.from as string;
        const action = String(fk.on_delete).toUpperCase();
        if (action === 'CASCADE') {
          this.db.prepare(`DELETE FROM "${table}" WHERE "${column}" = ?`).run(userId);
        } else if (action === 'SET NULL') {
          this.db.prepare(`UPDATE "${table}" SET "${column}" = NULL WHERE "${column}" = ?`).run(userId);
        }
        // Rows that cannot lose their user (a past partnership of someone who was once a coach or
        // principal) keep pointing at the user row, which stays only as the nameless placeholder.
      }
    }

    this.db
      // A new platform id too: if they come back, they start afresh as a new person.
      .prepare(`UPDATE users SET display_name = ?, handle = NULL, external_id = ? WHERE tenant_id = ? AND id = ?`)
      .run(placeholderName, `forgotten:${userId}`, tenantId, userId);
    return { requests: requestIds.length, escalations: escalationsChanged };
  }
}
