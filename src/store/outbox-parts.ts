/**
 * The parts of outbox rows already delivered (migrations/0027_outbox_parts.sql): written by a
 * platform's notifier after each part it sends, read when the row is tried again. Rows go with
 * their outbox row (ON DELETE CASCADE).
 */
import type { DeliveredPartsRepository } from '../core/ports';
import type { Db } from './db';

type Row = Record<string, unknown>;

export class OutboxPartsStore implements DeliveredPartsRepository {
  constructor(private readonly db: Db) {}

  ofRow(outboxId: number): Map<number, string | null> {
    const rows = this.db.prepare('SELECT part, platform_id FROM outbox_parts WHERE outbox_id = ? ORDER BY part').all(outboxId) as Row[];
    return new Map(rows.map((r) => [r.part as number, (r.platform_id as string | null) ?? null]));
  }

  record(outboxId: number, part: number, platformId: string | null, now: Date): void {
    // A part delivered again (a send that outlived its lease) keeps its first record.
    this.db
      .prepare('INSERT INTO outbox_parts (outbox_id, part, platform_id, delivered_at) VALUES (?, ?, ?, ?) ON CONFLICT (outbox_id, part) DO NOTHING')
      .run(outboxId, part, platformId, now.toISOString());
  }
}
