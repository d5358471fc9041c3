/** Export links, export queries and retention deletes: the operations side of the store. */
import { createHash } from 'node:crypto';
import type { Db } from './db';
import type { OperationsRepository } from '../core/ports/operations';

type Row = Record<string, unknown>;
const iso = (d: Date): string => d.toISOString();
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class OperationsStore implements OperationsRepository {
  constructor(private readonly db: Db) {}

  createExportLink(token: string, link: { tenantId: number; schoolId: number; userId: number; expiresAt: Date }, now: Date): void {
    this.db
      .prepare('INSERT INTO export_links (token_hash, tenant_id, school_id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(hashToken(token), link.tenantId, link.schoolId, link.userId, iso(now), iso(link.expiresAt));
  }

  /** Uses a link: returns its owner and school when it exists, is unexpired and unused; marks it used. */
  useExportLink(token: string, now: Date): { tenantId: number; schoolId: number; userId: number } | undefined {
    return this.db.transaction(() => {
      const r = this.db.prepare('SELECT * FROM export_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?').get(hashToken(token), iso(now)) as
        Row | undefined;
      if (!r) return undefined;
      this.db.prepare('UPDATE export_links SET used_at = ? WHERE token_hash = ?').run(iso(now), r.token_hash);
      return { tenantId: r.tenant_id as number, schoolId: r.school_id as number, userId: r.user_id as number };
    })();
  }

  /** Series of a school with their partnership people and occurrence counts by status. */
  schoolSchedule(tenantId: number, schoolId: number): Row[] {
    return this.db
      .prepare(
        `SELECT s.id AS series_id, s.cadence, s.weekday, s.local_time, s.duration_minutes, s.start_date, s.status,
                  pu.display_name AS principal, cu.display_name AS coach,
                  SUM(o.status = 'held') AS held, SUM(o.status = 'missed') AS missed, SUM(o.status = 'skipped') AS skipped,
                  SUM(o.status = 'closed') AS closed
                FROM series s JOIN partnerships p ON p.id = s.partnership_id JOIN schools sc ON sc.id = p.school_id
                JOIN users pu ON pu.id = p.principal_id JOIN users cu ON cu.id = p.coach_id
                LEFT JOIN occurrences o ON o.series_id = s.id
                WHERE sc.tenant_id = ? AND sc.id = ? GROUP BY s.id ORDER BY s.id`,
      )
      .all(tenantId, schoolId) as Row[];
  }

  /** The school's audit log without coaching actions: who asked a coach for help is the teacher's business. */
  auditForExport(tenantId: number, schoolId: number): Row[] {
    return this.db
      .prepare(
        `SELECT a.at, a.action, a.subject_type, a.subject_id, u.display_name AS actor FROM audit_log a
                LEFT JOIN users u ON u.id = a.actor_id
                WHERE a.tenant_id = ? AND a.school_id = ? AND a.action NOT LIKE 'coaching.%' AND a.subject_type NOT LIKE 'coaching%'
                ORDER BY a.id`,
      )
      .all(tenantId, schoolId) as Row[];
  }

  /** Deletes resolved and withdrawn escalations closed before the cut-off; returns how many. */
  deleteClosedEscalations(before: Date): number {
    return this.db.prepare(`DELETE FROM escalations WHERE closed_at IS NOT NULL AND closed_at < ? AND stage IN ('resolved', 'withdrawn')`).run(iso(before))
      .changes;
  }

  deleteFinishedOutbox(before: Date): number {
    return this.db
      .prepare(`DELETE FROM outbox WHERE status IN ('sent', 'expired', 'dead', 'cancelled') AND COALESCE(sent_at, next_attempt_at, due_at) < ?`)
      .run(iso(before)).changes;
  }

  deleteOldDeliveryLog(before: Date): number {
    return this.db.prepare('DELETE FROM slack_deliveries WHERE started_at < ?').run(iso(before)).changes;
  }

  deleteOldAudit(before: Date): number {
    return this.db.prepare('DELETE FROM audit_log WHERE at < ?').run(iso(before)).changes;
  }

  formSubmitted(tenantId: number, formKey: string): boolean {
    return this.db.prepare('SELECT 1 FROM form_submissions WHERE form_key = ? AND tenant_id = ?').get(formKey, tenantId) !== undefined;
  }

  recordFormSubmission(tenantId: number, formKey: string, now: Date): void {
    this.db.prepare('INSERT OR IGNORE INTO form_submissions (form_key, tenant_id, at) VALUES (?, ?, ?)').run(formKey, tenantId, iso(now));
  }

  /** One-time form ids are remembered for a month; older cards are out of date anyway. */
  deleteOldFormSubmissions(now: Date): number {
    return this.db.prepare('DELETE FROM form_submissions WHERE at < ?').run(iso(new Date(now.getTime() - 30 * 86_400_000))).changes;
  }

  deleteExpiredExportLinks(now: Date): number {
    return this.db.prepare('DELETE FROM export_links WHERE expires_at < ?').run(iso(new Date(now.getTime() - 86_400_000))).changes;
  }
}
