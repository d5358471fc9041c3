/**
 * The erasure ledger: a file beside the database (not in it, so restoring a backup of the database
 * does not take it back) with one line per erasure — tenant id, user id, scope, when — and nothing
 * else. At start-up the store applies again every erasure the database does not show.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ErasureScope } from '../core/ports';

export interface LedgerEntry {
  tenantId: number;
  userId: number;
  scope: ErasureScope;
  requestedAt: Date;
}

const HEADER = '# Touchpoint erasure ledger: tenant id, user id, scope, requested at (UTC). Ids only; applied again on start-up.\n';

export class ErasureLedger {
  /** `path` undefined: no ledger (an in-memory database has no backup to restore). */
  constructor(readonly path: string | undefined) {}

  read(): LedgerEntry[] {
    if (!this.path || !existsSync(this.path)) return [];
    const entries: LedgerEntry[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      const [tenant, user, scope, at] = line.trim().split('\t');
      if (!tenant || tenant.startsWith('#') || (scope !== 'everything' && scope !== 'teacher_data')) continue;
      const requestedAt = new Date(at);
      if (!Number.isInteger(Number(tenant)) || !Number.isInteger(Number(user)) || Number.isNaN(requestedAt.getTime())) continue;
      entries.push({ tenantId: Number(tenant), userId: Number(user), scope, requestedAt });
    }
    return entries;
  }

  /** Appends and syncs to disk before returning: an erasure on record survives a crash right after. */
  append(entries: readonly LedgerEntry[]): void {
    if (!this.path || entries.length === 0) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const fresh = !existsSync(this.path);
    const fd = openSync(this.path, 'a', 0o600);
    try {
      const lines = entries.map((e) => `${e.tenantId}\t${e.userId}\t${e.scope}\t${e.requestedAt.toISOString()}\n`).join('');
      writeSync(fd, (fresh ? HEADER : '') + lines);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
