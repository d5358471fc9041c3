/** Escalations: reads are scoped by tenant through the school; the policy decides who sees them. */
import type { Db } from './db';
import type { LocalDate } from '../core/datetime';
import type { Category, Escalation, EscalationChange, EscalationRepository, NewEscalation, Stage, ThreeWay } from '../core/ports/escalations';
import { encodeForSchool, escalationRenderer, type RenderNullable } from './person-refs';

type Row = Record<string, unknown>;
const iso = (d: Date): string => d.toISOString();
const date = (v: unknown): Date | null => (typeof v === 'string' ? new Date(v) : null);
const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : v === 1);

function toEscalation(r: Row, renderIn: (schoolId: number) => RenderNullable): Escalation {
  const render = renderIn(r.school_id as number);
  return {
    id: r.id as number,
    schoolId: r.school_id as number,
    partnershipId: (r.partnership_id as number | null) ?? null,
    coachId: (r.coach_id as number | null) ?? null,
    concern: render(r.concern as string),
    category: r.category as Category,
    concernsUserId: (r.concerns_user_id as number | null) ?? null,
    concernsLabel: (r.concerns_label as string | null) ?? null,
    urgent: r.urgent === 1,
    stage: r.stage as Stage,
    sharedFirst: bool(r.shared_first),
    teacherInformed: bool(r.teacher_informed),
    reflectUntil: (r.reflect_until as LocalDate | null) ?? null,
    notYetCount: r.not_yet_count as number,
    raisedAt: date(r.raised_at),
    acknowledgedAt: date(r.acknowledged_at),
    acknowledgedBy: (r.acknowledged_by as number | null) ?? null,
    planText: render((r.plan_text as string | null) ?? null),
    planOwnerId: (r.plan_owner_id as number | null) ?? null,
    followUpDate: (r.follow_up_date as LocalDate | null) ?? null,
    closedAt: date(r.closed_at),
    visibleFrom: date(r.visible_from),
    threeWay: (r.three_way as ThreeWay | null) ?? null,
    threeWayAt: date(r.three_way_at),
    threeWayBy: (r.three_way_by as number | null) ?? null,
    createdAt: new Date(r.created_at as string),
  };
}

const IN_TENANT = 'JOIN schools sc ON sc.id = e.school_id AND sc.tenant_id = @tenantId';

const COLUMNS: Record<keyof EscalationChange, string> = {
  stage: 'stage',
  partnershipId: 'partnership_id',
  sharedFirst: 'shared_first',
  teacherInformed: 'teacher_informed',
  reflectUntil: 'reflect_until',
  notYetCount: 'not_yet_count',
  raisedAt: 'raised_at',
  acknowledgedAt: 'acknowledged_at',
  acknowledgedBy: 'acknowledged_by',
  planText: 'plan_text',
  planOwnerId: 'plan_owner_id',
  followUpDate: 'follow_up_date',
  closedAt: 'closed_at',
  visibleFrom: 'visible_from',
  threeWay: 'three_way',
  threeWayAt: 'three_way_at',
  threeWayBy: 'three_way_by',
};

export class EscalationStore implements EscalationRepository {
  constructor(private readonly db: Db) {}

  create(tenantId: number, e: NewEscalation, now: Date): Escalation {
    const inTenant = this.db.prepare('SELECT 1 FROM schools WHERE id = ? AND tenant_id = ?').get(e.schoolId, tenantId);
    if (!inTenant) throw new Error('school not in tenant');
    const info = this.db
      .prepare(
        `INSERT INTO escalations (school_id, partnership_id, coach_id, concern, category, concerns_user_id, concerns_label, urgent, stage, raised_at, visible_from, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.schoolId,
        e.partnershipId,
        e.coachId,
        encodeForSchool(this.db, tenantId, e.schoolId, e.concern),
        e.category,
        e.concernsUserId,
        e.concernsLabel ?? null,
        e.urgent ? 1 : 0,
        e.stage,
        e.urgent ? iso(now) : null,
        e.urgent ? iso(now) : null,
        iso(now),
        iso(now),
      );
    return this.byId(tenantId, Number(info.lastInsertRowid))!;
  }

  byId(tenantId: number, id: number): Escalation | undefined {
    const r = this.db.prepare(`SELECT e.* FROM escalations e ${IN_TENANT} WHERE e.id = @id`).get({ tenantId, id }) as Row | undefined;
    return r && toEscalation(r, escalationRenderer(this.db, tenantId));
  }

  update(tenantId: number, id: number, change: EscalationChange, now: Date): Escalation {
    const current = this.byId(tenantId, id);
    if (!current) throw new Error('escalation not in tenant');
    if (change.planText) change = { ...change, planText: encodeForSchool(this.db, tenantId, current.schoolId, change.planText) };
    const sets: string[] = ['updated_at = @now'];
    const params: Record<string, unknown> = { id, now: iso(now) };
    for (const [key, value] of Object.entries(change) as [keyof EscalationChange, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${COLUMNS[key]} = @${key}`);
      params[key] = value instanceof Date ? iso(value) : typeof value === 'boolean' ? (value ? 1 : 0) : value;
    }
    this.db.prepare(`UPDATE escalations SET ${sets.join(', ')} WHERE id = @id`).run(params);
    return this.byId(tenantId, id)!;
  }

  /** Open escalations of a school (not resolved or withdrawn), oldest first. */
  openOfSchool(tenantId: number, schoolId: number): Escalation[] {
    const render = escalationRenderer(this.db, tenantId);
    return (
      this.db
        .prepare(
          `SELECT e.* FROM escalations e ${IN_TENANT} WHERE e.school_id = @schoolId AND e.stage NOT IN ('resolved', 'withdrawn') ORDER BY e.created_at, e.id`,
        )
        .all({ tenantId, schoolId }) as Row[]
    ).map((r) => toEscalation(r, render));
  }

  /** Every escalation raised to a partnership (any stage), oldest raised first. */
  raisedOfPartnership(tenantId: number, partnershipId: number): Escalation[] {
    const render = escalationRenderer(this.db, tenantId);
    return (
      this.db
        .prepare(`SELECT e.* FROM escalations e ${IN_TENANT} WHERE e.partnership_id = @partnershipId AND e.raised_at IS NOT NULL ORDER BY e.raised_at, e.id`)
        .all({ tenantId, partnershipId }) as Row[]
    ).map((r) => toEscalation(r, render));
  }

  /** Escalations on a partnership's agenda: raised, or with a plan whose follow-up has come. */
  forAgenda(tenantId: number, partnershipId: number, until: LocalDate): Escalation[] {
    const render = escalationRenderer(this.db, tenantId);
    return (
      this.db
        .prepare(
          `SELECT e.* FROM escalations e ${IN_TENANT} WHERE e.partnership_id = @partnershipId
                AND (e.stage = 'raised' OR (e.stage = 'plan' AND e.follow_up_date <= @until)) ORDER BY e.raised_at, e.id`,
        )
        .all({ tenantId, partnershipId, until }) as Row[]
    ).map((r) => toEscalation(r, render));
  }

  /** Raised, not urgent, not readable by the principals yet: their reading time follows their touch-point. */
  awaitingAgenda(now: Date, tenantId?: number): { tenantId: number; escalation: Escalation }[] {
    const rows = this.db
      .prepare(
        `SELECT e.*, sc.tenant_id AS tenant FROM escalations e JOIN schools sc ON sc.id = e.school_id
          WHERE e.stage = 'raised' AND e.urgent = 0 AND e.partnership_id IS NOT NULL AND e.visible_from > @now
            AND (@tenantId IS NULL OR sc.tenant_id = @tenantId) ORDER BY e.id`,
      )
      .all({ now: iso(now), tenantId: tenantId ?? null }) as Row[];
    return rows.map((r) => ({ tenantId: r.tenant as number, escalation: toEscalation(r, escalationRenderer(this.db, r.tenant as number)) }));
  }

  /** Counts by category and stage (the only form in which escalations reach a report). */
  countsOfSchool(tenantId: number, schoolId: number): { category: Category; stage: Stage; n: number }[] {
    return (
      this.db
        .prepare(
          `SELECT e.category, e.stage, COUNT(*) AS n FROM escalations e ${IN_TENANT} WHERE e.school_id = @schoolId GROUP BY e.category, e.stage ORDER BY e.category, e.stage`,
        )
        .all({ tenantId, schoolId }) as Row[]
    ).map((r) => ({ category: r.category as Category, stage: r.stage as Stage, n: r.n as number }));
  }

  schoolSettings(tenantId: number, schoolId: number): { reflectDays: number; urgentAckMinutes: number } {
    const r = this.db.prepare('SELECT reflect_days, urgent_ack_minutes FROM schools WHERE id = ? AND tenant_id = ?').get(schoolId, tenantId) as Row | undefined;
    return { reflectDays: (r?.reflect_days as number) ?? 2, urgentAckMinutes: (r?.urgent_ack_minutes as number) ?? 120 };
  }

  saveSchoolSettings(tenantId: number, schoolId: number, s: { reflectDays: number; urgentAckMinutes: number }): void {
    this.db
      .prepare('UPDATE schools SET reflect_days = ?, urgent_ack_minutes = ? WHERE id = ? AND tenant_id = ?')
      .run(s.reflectDays, s.urgentAckMinutes, schoolId, tenantId);
  }
}
