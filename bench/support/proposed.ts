/**
 * The src changes BENCHMARKS.md recommends, applied in the bench process only (to its scratch
 * database and its own objects), so their effect can be measured before the lead makes them.
 * Nothing here touches src/ or migrations/. Each experiment names the change it stands for.
 */
import type { Core } from '../../src/compose';
import { OutboxRepository } from '../../src/store/outbox';

/** migrations/00xx: an index for the expiry sweep in OutboxRepository.claimDue. */
export const EXPIRY_INDEX = `CREATE INDEX IF NOT EXISTS outbox_expiring ON outbox (status, expires_at) WHERE expires_at IS NOT NULL`;
/** migrations/00xx: escalations by partnership (EscalationRepository.forAgenda, run for every compiled agenda). */
export const ESCALATION_INDEX = `CREATE INDEX IF NOT EXISTS escalations_by_partnership ON escalations (partnership_id, stage)`;

/** The key range of a prefix under BINARY collation: [prefix, prefix with its last character + 1). */
export function prefixUpperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/** src/store/db.ts: one prepared statement per SQL text, reused (bounded). */
export function cacheStatements(core: Core, max = 1000): void {
  const db = core.db as unknown as { prepare: (sql: string) => unknown };
  const prepare = db.prepare.bind(core.db);
  const cache = new Map<string, unknown>();
  db.prepare = (sql: string) => {
    let stmt = cache.get(sql);
    if (stmt === undefined) {
      stmt = prepare(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(sql, stmt);
    }
    return stmt;
  };
}

/** src/store/outbox.ts cancelPending: a key range on the unique dedupe_key index instead of LIKE (which cannot use it). */
export function rangeCancelPending(): void {
  OutboxRepository.prototype.cancelPending = function (this: OutboxRepository, prefix: string): number {
    const db = (this as unknown as { db: Core['db'] }).db;
    // `+status`: keeps SQLite from choosing outbox_due (status=?), which walks every pending row.
    return db
      .prepare(`UPDATE outbox SET status = 'cancelled', lease_until = NULL WHERE +status = 'pending' AND dedupe_key >= ? AND dedupe_key < ?`)
      .run(prefix, prefixUpperBound(prefix)).changes;
  };
}

export const PROPOSED_CHANGES = ['expiry-index', 'escalation-index', 'cancel-range', 'stmt-cache'] as const;
export type ProposedChange = (typeof PROPOSED_CHANGES)[number];

/** `--proposed` applies them all; `--proposed=stmt-cache,expiry-index` only those. */
export function proposedFromArgv(argv: string[]): ProposedChange[] | undefined {
  const a = argv.find((x) => x === '--proposed' || x.startsWith('--proposed='));
  if (!a) return undefined;
  if (a === '--proposed') return [...PROPOSED_CHANGES];
  const picked = a.slice('--proposed='.length).split(',').filter(Boolean);
  for (const p of picked) if (!(PROPOSED_CHANGES as readonly string[]).includes(p)) throw new Error(`--proposed: unknown change ${p} (known: ${PROPOSED_CHANGES.join(', ')})`);
  return picked as ProposedChange[];
}

export function applyProposedDbChanges(core: Core, only: readonly ProposedChange[] = PROPOSED_CHANGES): string[] {
  const applied: string[] = [];
  if (only.includes('expiry-index')) {
    core.db.exec(EXPIRY_INDEX);
    applied.push('outbox_expiring index');
  }
  if (only.includes('escalation-index')) {
    core.db.exec(ESCALATION_INDEX);
    applied.push('escalations_by_partnership index');
  }
  if (only.includes('cancel-range')) {
    rangeCancelPending();
    applied.push('cancelPending by key range');
  }
  if (only.includes('stmt-cache')) {
    cacheStatements(core);
    applied.push('prepared-statement cache');
  }
  return applied;
}
