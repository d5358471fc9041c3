/** Reading action items: the row mapping and the one query every list of them goes through. */
import type { Db } from './db';
import type { LocalDate } from '../core/datetime';
import type { ActionItem } from '../core/ports/agenda';
import { renderer, type RenderNullable } from './person-refs';

type Row = Record<string, unknown>;

export function toAction(r: Row, render: RenderNullable): ActionItem {
  return {
    id: r.id as number,
    partnershipId: r.partnership_id as number,
    occurrenceId: (r.occurrence_id as number | null) ?? null,
    text: render(r.text as string),
    ownerId: r.owner_id as number,
    dueDate: r.due_date as LocalDate,
    status: r.status as ActionItem['status'],
    createdAt: new Date(r.created_at as string),
    closedAt: r.closed_at ? new Date(r.closed_at as string) : null,
    prioritySlot: (r.priority_slot as number | null) ?? null,
  };
}

/** Action items joined through `from` (tenant check and conditions), by due date unless told. */
export function actionsWhere(db: Db, tenantId: number, from: string, params: Record<string, unknown>, order = 'x.due_date, x.id'): ActionItem[] {
  const render = renderer(db, tenantId);
  const rows = db.prepare(`SELECT x.* FROM action_items x ${from} ORDER BY ${order}`).all({ tenantId, ...params }) as Row[];
  return rows.map((r) => toAction(r, render));
}
