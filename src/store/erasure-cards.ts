/**
 * Erasure's step over the Teams cards kept for redrawing (teams_cards): a card that names the
 * erased person, whoever it was sent to, goes. (Cards sent to the person go with the rows that
 * point at them; cards of a DM that is erased go with its outbox row.) A press on such a card
 * later shows the outcome alone.
 */
import type { Db } from './db';
import { mayMention, scrubJson } from './erasure-text';

type Row = Record<string, unknown>;

/** Cards looked through per call. */
const BATCH = 300;

/** Deletes the tenant's cards after rowid `cursor` that name the person; returns the next cursor, or null when done. */
export function deleteCardsNaming(db: Db, tenantId: number, names: readonly string[], cursor: number): number | null {
  if (names.length === 0) return null;
  const rows = db
    .prepare(`SELECT rowid AS rid, message FROM teams_cards WHERE rowid > ? AND tenant_id = ? ORDER BY rowid LIMIT ${BATCH}`)
    .all(cursor, tenantId) as Row[];
  const remove = db.prepare('DELETE FROM teams_cards WHERE rowid = ?');
  for (const r of rows) {
    const message = r.message as string;
    if (!mayMention(message, names)) continue;
    const parsed = JSON.parse(message) as unknown;
    // Named as a word (what the scrubbing elsewhere would replace), not merely containing the letters.
    if (JSON.stringify(scrubJson(parsed, names, '')) !== JSON.stringify(parsed)) remove.run(r.rid);
  }
  return rows.length < BATCH ? null : (rows[rows.length - 1].rid as number);
}
