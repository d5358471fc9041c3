/**
 * The audit log over SQLite: who did what, by id, never content.
 * Every method takes the tenant id and filters on it, so a bug elsewhere cannot reach another tenant.
 */
import type { Db } from './db';
import { iso, type Row } from './rows';
import type { AuditEntry, AuditRecord, AuditRepository } from '../core/ports/audit';

export class AuditStore implements AuditRepository {
  constructor(private readonly db: Db) {}

  // ---- audit ----------------------------------------------------------------------------------

  audit(entry: AuditEntry, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO audit_log (tenant_id, school_id, actor_id, action, subject_type, subject_id, detail, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(entry.tenantId, entry.schoolId, entry.actorId, entry.action, entry.subjectType, entry.subjectId, entry.detail ?? null, iso(now));
  }

  auditOfSchool(tenantId: number, schoolId: number): AuditRecord[] {
    return (this.db.prepare('SELECT * FROM audit_log WHERE tenant_id = ? AND school_id = ? ORDER BY id').all(tenantId, schoolId) as Row[]).map((r) => ({
      action: r.action as string,
      actorId: (r.actor_id as number | null) ?? null,
      subjectType: r.subject_type as string,
      subjectId: (r.subject_id as number | null) ?? null,
      detail: (r.detail as string | null) ?? null,
      at: new Date(r.at as string),
    }));
  }
}
