/** Operations: export links, retention sweeps and one-time form submissions. */
export type ExportRow = Record<string, unknown>;

export interface OperationsRepository {
  createExportLink(token: string, link: { tenantId: number; schoolId: number; userId: number; expiresAt: Date }, now: Date): void;
  /** The link's owner and school, once: a used or expired link answers undefined. */
  useExportLink(token: string, now: Date): { tenantId: number; schoolId: number; userId: number } | undefined;
  schoolSchedule(tenantId: number, schoolId: number): ExportRow[];
  auditForExport(tenantId: number, schoolId: number): ExportRow[];
  deleteClosedEscalations(before: Date): number;
  /** Finished outbox rows (sent, expired, dead, cancelled) last touched before `before`: their payloads go with them. */
  deleteFinishedOutbox(before: Date): number;
  /** Slack's delivery log (retry dedupe keys) from before `before`. */
  deleteOldDeliveryLog(before: Date): number;
  /** Audit entries recorded before `before`, in every tenant. */
  deleteOldAudit(before: Date): number;
  formSubmitted(tenantId: number, formKey: string): boolean;
  recordFormSubmission(tenantId: number, formKey: string, now: Date): void;
  deleteOldFormSubmissions(now: Date): number;
  deleteExpiredExportLinks(now: Date): number;
}
