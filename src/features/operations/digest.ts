/**
 * The daily failure digest: when deliveries were given up since the last digest (at most a day
 * back), each of the workspace's admins gets one DM — counts by kind, a confidential kind only as
 * "private message" (policy) — pointing at `/touchpoint deliveries`. Sent from the morning on in
 * the zone of the workspace's first school, at most once a local day (the outbox's dedupe key).
 */
import type { CommandRegistry } from '../../core/registry';
import type { Services } from '../../core/ports';
import { toLocal } from '../../core/datetime';
import { deliveryForAdmin } from '../../core/policy/governance';
import { escapeMarkup as esc, type Message } from '../../messages/model';

export const DIGEST_KIND = 'operations.digest';
/** Not before this local hour: a failure at 3 a.m. can wait for the admin's morning. */
export const DIGEST_FROM = '07:00';
const DAY_MS = 24 * 60 * 60_000;

/** "3 agenda prompts"-style lines, by the label an admin may see, most first. */
function countsByLabel(rows: { kind: string; n: number }[]): { label: string; n: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const { label } = deliveryForAdmin(r.kind, '');
    counts.set(label, (counts.get(label) ?? 0) + r.n);
  }
  return [...counts].map(([label, n]) => ({ label, n })).sort((a, b) => b.n - a.n || a.label.localeCompare(b.label));
}

export function digestMessage(counts: { label: string; n: number }[]): Message {
  const total = counts.reduce((sum, c) => sum + c.n, 0);
  const headline = `Touchpoint could not deliver ${total} ${total === 1 ? 'message' : 'messages'} in the last 24 hours.`;
  const review = 'Review: /touchpoint deliveries';
  return {
    text: `${headline} ${review}`,
    blocks: [
      { type: 'text', text: esc(headline) },
      { type: 'list', items: counts.map((c) => esc(`${c.n} ${c.label}`)) },
      { type: 'text', text: esc(review) },
      { type: 'context', text: esc('Messages are not shown. Each can be sent again from that list, unless its moment has passed.') },
    ],
  };
}

/** Queues today's digest for each admin of each workspace with new failures; returns how many were queued. */
export function planFailureDigests(services: Services, now: Date): number {
  let queued = 0;
  for (const tenantId of services.outbox.tenantsWithDeadSince(new Date(now.getTime() - DAY_MS))) {
    const zone = services.people.schoolsOfTenant(tenantId)[0]?.timeZone ?? 'UTC';
    const local = toLocal(now, zone);
    if (local.time < DIGEST_FROM) continue;
    for (const admin of services.people.tenantAdmins(tenantId)) {
      const last = services.outbox.lastCreatedOfKind(tenantId, admin.id, DIGEST_KIND);
      const since = new Date(Math.max(now.getTime() - DAY_MS, last?.getTime() ?? 0));
      const counts = countsByLabel(services.outbox.deadSinceByKind(tenantId, since));
      if (counts.length === 0) continue;
      const row = {
        tenantId,
        recipientId: admin.id,
        kind: DIGEST_KIND,
        dedupeKey: `ops.digest:u${admin.id}:${local.date}`,
        message: digestMessage(counts),
        dueAt: now,
      };
      if (services.outbox.enqueue({ ...row, expiresAt: new Date(now.getTime() + DAY_MS) }, now)) queued += 1;
    }
  }
  return queued;
}

export function registerFailureDigest(registry: CommandRegistry): void {
  registry.planner((services, now) => void services.transaction(() => planFailureDigests(services, now)));
}
