/**
 * Reach (DESIGN.md §5): why a person cannot be reached, said so that whoever waits on them knows
 * what to do. The reasons come from the platforms' Notifiers; the advice is platform-neutral text.
 */
import type { Platform, User } from './model';
import type { OutboxRow, Services } from './ports';

/** One sentence: why `name` cannot get messages from Touchpoint, and what would fix it. */
export function reachAdvice(platform: Platform, name: string, reason: string): string {
  if (platform === 'teams') {
    return /removed|403|404|blocked/i.test(reason)
      ? `${name} has removed or blocked Touchpoint in Teams: ask them to add it again from the Apps menu`
      : `${name} has not opened Touchpoint in Teams yet: ask them to open it from the Apps menu`;
  }
  if (platform === 'slack') {
    if (/not installed/i.test(reason)) return `Touchpoint is not installed in ${name}’s Slack workspace: ask a Slack admin there to install it`;
    if (/inactive|deactivated/i.test(reason)) return `${name}’s Slack account is deactivated`;
    return `${name}’s Slack account cannot receive messages from Touchpoint (${reason})`;
  }
  return `${name} cannot be reached in this console (${reason})`;
}

/** Who an undeliverable outbox row was for, and what to tell whoever waits on it; none when they are gone. */
export function undeliveredTo(services: Services, row: OutboxRow, reason: string): { person: User; advice: string } | undefined {
  const tenant = services.people.tenantById(row.tenantId);
  const person = services.people.userById(row.tenantId, row.recipientId);
  return tenant && person ? { person, advice: reachAdvice(tenant.platform, person.displayName, reason) } : undefined;
}
