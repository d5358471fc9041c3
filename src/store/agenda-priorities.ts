/**
 * Shared priorities and the proposals that change them, and what served each priority (the
 * report). The agenda store delegates here; every read joins through partnership → school to
 * check the tenant, and text is stored with person references like the rest of the agenda.
 */
import type { Db } from './db';
import type { Priority, PriorityProposal, PriorityService } from '../core/ports/agenda';
import { encodeForPartnership, renderer, type RenderNullable } from './person-refs';

type Row = Record<string, unknown>;
const iso = (d: Date): string => d.toISOString();

const IN_TENANT = `JOIN partnerships p ON p.id = x.partnership_id JOIN schools sc ON sc.id = p.school_id AND sc.tenant_id = @tenantId`;

function partnershipInTenant(db: Db, tenantId: number, partnershipId: number): boolean {
  return (
    db.prepare('SELECT 1 FROM partnerships p JOIN schools s ON s.id = p.school_id WHERE s.tenant_id = ? AND p.id = ?').get(tenantId, partnershipId) !==
    undefined
  );
}

function toProposal(r: Row, render: RenderNullable): PriorityProposal {
  return {
    id: r.id as number,
    partnershipId: r.partnership_id as number,
    slot: r.slot as number,
    text: typeof r.text === 'string' ? render(r.text) : null,
    proposedBy: r.proposed_by as number,
    status: r.status as PriorityProposal['status'],
    createdAt: new Date(r.created_at as string),
  };
}

/** The priority part of the agenda store (AgendaStore extends it). */
export class PriorityStore {
  constructor(protected readonly db: Db) {}

  priorities(tenantId: number, partnershipId: number): Priority[] {
    const render = renderer(this.db, tenantId);
    return (
      this.db
        .prepare(`SELECT x.* FROM priorities x ${IN_TENANT} WHERE x.partnership_id = @partnershipId ORDER BY x.slot`)
        .all({ tenantId, partnershipId }) as Row[]
    ).map((r) => ({ slot: r.slot as number, text: render(r.text as string), setBy: (r.set_by as number | null) ?? null }));
  }

  setPriority(tenantId: number, partnershipId: number, slot: number, text: string, by: number, now: Date): void {
    if (!partnershipInTenant(this.db, tenantId, partnershipId)) throw new Error('partnership not in tenant');
    this.db
      .prepare(
        `INSERT INTO priorities (partnership_id, slot, text, set_by, set_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (partnership_id, slot) DO UPDATE SET text = excluded.text, set_by = excluded.set_by, set_at = excluded.set_at`,
      )
      .run(partnershipId, slot, encodeForPartnership(this.db, tenantId, partnershipId, text), by, iso(now));
  }

  /** Clears the slot; the items and action items tagged with it become untagged (a later priority in the slot is another one). */
  clearPriority(tenantId: number, partnershipId: number, slot: number): boolean {
    if (!partnershipInTenant(this.db, tenantId, partnershipId)) return false;
    return this.db.transaction(() => {
      const cleared = this.db.prepare('DELETE FROM priorities WHERE partnership_id = ? AND slot = ?').run(partnershipId, slot).changes === 1;
      if (cleared) {
        this.db.prepare('UPDATE agenda_items SET priority_slot = NULL WHERE partnership_id = ? AND priority_slot = ?').run(partnershipId, slot);
        this.db.prepare('UPDATE action_items SET priority_slot = NULL WHERE partnership_id = ? AND priority_slot = ?').run(partnershipId, slot);
      }
      return cleared;
    })();
  }

  openProposals(tenantId: number, partnershipId: number): PriorityProposal[] {
    const render = renderer(this.db, tenantId);
    return (
      this.db
        .prepare(`SELECT x.* FROM priority_proposals x ${IN_TENANT} WHERE x.partnership_id = @partnershipId AND x.status = 'open' ORDER BY x.slot`)
        .all({ tenantId, partnershipId }) as Row[]
    ).map((r) => toProposal(r, render));
  }

  proposalById(tenantId: number, proposalId: number): PriorityProposal | undefined {
    const r = this.db.prepare(`SELECT x.* FROM priority_proposals x ${IN_TENANT} WHERE x.id = @proposalId`).get({ tenantId, proposalId }) as Row | undefined;
    return r && toProposal(r, renderer(this.db, tenantId));
  }

  proposePriority(
    tenantId: number,
    p: { partnershipId: number; slot: number; text: string | null; proposedBy: number },
    now: Date,
  ): { proposal: PriorityProposal; replaced: PriorityProposal | undefined } {
    if (!partnershipInTenant(this.db, tenantId, p.partnershipId)) throw new Error('partnership not in tenant');
    return this.db.transaction(() => {
      const replaced = this.openProposals(tenantId, p.partnershipId).find((x) => x.slot === p.slot);
      if (replaced) this.db.prepare(`UPDATE priority_proposals SET status = 'replaced', decided_at = ? WHERE id = ?`).run(iso(now), replaced.id);
      const text = p.text === null ? null : encodeForPartnership(this.db, tenantId, p.partnershipId, p.text);
      const info = this.db
        .prepare(`INSERT INTO priority_proposals (partnership_id, slot, text, proposed_by, created_at) VALUES (?, ?, ?, ?, ?)`)
        .run(p.partnershipId, p.slot, text, p.proposedBy, iso(now));
      return { proposal: this.proposalById(tenantId, Number(info.lastInsertRowid))!, replaced };
    })();
  }

  closeProposal(tenantId: number, proposalId: number, status: 'accepted' | 'kept' | 'withdrawn', now: Date): boolean {
    if (!this.proposalById(tenantId, proposalId)) return false;
    return (
      this.db.prepare(`UPDATE priority_proposals SET status = ?, decided_at = ? WHERE id = ? AND status = 'open'`).run(status, iso(now), proposalId).changes ===
      1
    );
  }

  servedByPriority(tenantId: number, partnershipId: number, since: Date): PriorityService[] {
    const params = { tenantId, partnershipId, since: iso(since) };
    const items = this.db
      .prepare(
        `SELECT x.priority_slot AS slot, COUNT(*) AS n FROM agenda_items x ${IN_TENANT} JOIN occurrences o ON o.id = x.occurrence_id
              WHERE x.partnership_id = @partnershipId AND x.status = 'discussed' AND o.starts_at >= @since GROUP BY x.priority_slot`,
      )
      .all(params) as Row[];
    const actions = this.db
      .prepare(
        `SELECT x.priority_slot AS slot, COUNT(*) AS n FROM action_items x ${IN_TENANT}
              WHERE x.partnership_id = @partnershipId AND x.created_at >= @since GROUP BY x.priority_slot`,
      )
      .all(params) as Row[];
    const bySlot = new Map<number | null, PriorityService>();
    const entry = (slot: number | null): PriorityService => {
      const found = bySlot.get(slot) ?? { slot, items: 0, actions: 0 };
      bySlot.set(slot, found);
      return found;
    };
    for (const r of items) entry((r.slot as number | null) ?? null).items = r.n as number;
    for (const r of actions) entry((r.slot as number | null) ?? null).actions = r.n as number;
    return [...bySlot.values()].sort((a, b) => (a.slot ?? 9) - (b.slot ?? 9));
  }
}
