/** The audit log: who did what to which subject, by id; never confidential content. */
export interface AuditEntry {
  tenantId: number;
  schoolId: number | null;
  actorId: number | null;
  action: string;
  subjectType: string;
  subjectId: number | null;
  detail?: string;
}

export interface AuditRecord {
  action: string;
  actorId: number | null;
  subjectType: string;
  subjectId: number | null;
  detail: string | null;
  at: Date;
}

export interface AuditRepository {
  audit(entry: AuditEntry, now: Date): void;
  auditOfSchool(tenantId: number, schoolId: number): AuditRecord[];
}
