/**
 * `/touchpoint deliveries [failed|all] [since <date>]`: the admin's view of messages Touchpoint
 * gave up on (after a day of failures, or a recipient it cannot reach) and, with `all`, those whose
 * moment passed unsent — each with a Retry button, and Retry all. Only what an admin may know is
 * shown: never a message's text, and a confidential kind only as "private message" (policy).
 */
import { z } from 'zod';
import type { CommandRegistry, CommandSpec, ParseContext } from '../../core/registry';
import type { RequestContext, Reply } from '../../core/context';
import type { Actor } from '../../core/model';
import type { Block, Button, Message } from '../../messages/model';
import { escapeMarkup as esc } from '../../messages/model';
import type { FailedDelivery, FailureStatus, Services } from '../../core/ports';
import { Refusal } from '../../core/errors';
import { addDays, formatInstant, formatLocalDate, localToUtc, type LocalDate } from '../../core/datetime';
import { noExtra, zDate } from '../../core/args';
import { canReviewDeliveries, deliveryForAdmin, deliveryInReach } from '../../core/policy/governance';
import { REFUSAL_SUMMARY, refusalLine, retryDelivery, type RetryRefusal } from './retry';

/** Rows shown in one answer; the rest are counted ("and N more"). */
export const DELIVERIES_SHOWN = 10;
/** Without `since`, the last week. */
export const DEFAULT_SINCE_DAYS = 7;
/** A school admin's view is filtered row by row: at most this many are read. */
const SCAN_LIMIT = 5000;

type Scope = 'failed' | 'all';
const STATUSES: Record<Scope, readonly FailureStatus[]> = { failed: ['dead', 'unreachable'], all: ['dead', 'unreachable', 'expired'] };

interface DeliveriesArgs {
  scope: Scope;
  since?: LocalDate;
}

const zScope = z.enum(['failed', 'all'], { error: (iss) => `"${String(iss.input)}" is not failed or all` });

function requireReviewer(actor: Actor): void {
  const decision = canReviewDeliveries(actor);
  if (!decision.allowed) throw new Refusal(decision.reason);
}

/** The zone dates and times are read and shown in: the actor's first school's, UTC without one. */
function zoneOf(ctx: RequestContext): string {
  const first = ctx.actor.memberships[0];
  return (first && ctx.services.people.schoolById(ctx.actor.tenant.id, first.schoolId)?.timeZone) ?? 'UTC';
}

/** The failed rows this admin may see, newest due first: the first `limit` and how many there are. */
function failedInReach(
  services: Services,
  actor: Actor,
  statuses: readonly FailureStatus[],
  since: Date,
  limit: number,
): { rows: FailedDelivery[]; total: number } {
  const query = { tenantId: actor.tenant.id, statuses, since };
  if (actor.tenantAdmin === true) return { rows: services.outbox.failed({ ...query, limit }), total: services.outbox.countFailed(query) };
  const memberships = new Map<number, boolean>();
  const inReach = (row: FailedDelivery): boolean => {
    let known = memberships.get(row.recipientId);
    if (known === undefined) {
      known = deliveryInReach(actor, services.people.membershipsOf(actor.tenant.id, row.recipientId));
      memberships.set(row.recipientId, known);
    }
    return known;
  };
  const all = services.outbox.failed({ ...query, limit: SCAN_LIMIT }).filter(inReach);
  return { rows: all.slice(0, limit), total: all.length };
}

function shown(services: Services, row: FailedDelivery): { label: string; recipient: string } {
  const name = services.people.userById(row.tenantId, row.recipientId)?.displayName ?? 'someone no longer here';
  return deliveryForAdmin(row.kind, name);
}

/** The last error, short and on one line; an expired row says so. */
function errorOf(row: FailedDelivery): string {
  const error = (row.lastError ?? '').replace(/\s+/g, ' ').trim();
  const short = error.length > 80 ? `${error.slice(0, 79)}…` : error;
  if (row.status === 'expired') return short ? `expired unsent (${short})` : 'expired unsent';
  return short || 'no error recorded';
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function listMessage(ctx: RequestContext, args: { scope: Scope; since: Date; sinceLabel: string }): Message {
  const { rows, total } = failedInReach(ctx.services, ctx.actor, STATUSES[args.scope], args.since, DELIVERIES_SHOWN);
  const what = args.scope === 'all' ? ['failed or expired delivery', 'failed or expired deliveries'] : ['failed delivery', 'failed deliveries'];
  if (total === 0) {
    const none = `No ${what[1]} since ${args.sinceLabel}.`;
    return { text: none, blocks: [{ type: 'text', text: esc(none) }] };
  }
  const tz = zoneOf(ctx);
  const summary = `${plural(total, what[0], what[1])} since ${args.sinceLabel}.`;
  const blocks: Block[] = [
    { type: 'header', text: 'Failed deliveries' },
    { type: 'text', text: esc(summary) },
  ];
  rows.forEach((row, i) => {
    const { label, recipient } = shown(ctx.services, row);
    const line = `${i + 1}. **${esc(formatInstant(row.dueAt, tz))}** · ${esc(label)} · to ${esc(recipient)} · ${plural(row.attempts, 'attempt', 'attempts')} · ${esc(errorOf(row))}`;
    blocks.push({ type: 'text', text: line }, { type: 'actions', buttons: [{ actionId: 'deliveries.retry', label: 'Retry', value: String(row.id) }] });
  });
  const more = total > rows.length ? `…and ${total - rows.length} more. Narrow the list with "since <date>", or retry them all.` : '';
  if (more) blocks.push({ type: 'context', text: esc(more) });
  const all: Button = {
    actionId: 'deliveries.retry-all',
    label: 'Retry all',
    value: JSON.stringify({ scope: args.scope, since: args.since.toISOString() }),
    style: 'primary',
  };
  blocks.push(
    { type: 'actions', buttons: [all] },
    {
      type: 'context',
      text: esc(
        'Messages are not shown. A retried message is checked again before it is sent: one whose moment has passed, or whose reader may no longer read it, is not sent.',
      ),
    },
  );
  return { text: more ? `${summary} ${more}` : summary, blocks };
}

function retryOne(registry: CommandRegistry, ctx: RequestContext, value: string): Reply {
  requireReviewer(ctx.actor);
  const id = z.coerce.number().int().positive().safeParse(value);
  if (!id.success) throw new Refusal('That retry button is not valid.');
  const before = ctx.services.outbox.failedById(id.data);
  // A row the admin could not see is answered like one that does not exist.
  const visible = before && before.tenantId === ctx.actor.tenant.id && failedRowInReach(ctx, before) ? before : undefined;
  const outcome = visible ? retryDelivery(registry, ctx.services, id.data, ctx.now, ctx.actor.tenant.id) : ({ retried: false, refusal: 'not-failed' } as const);
  const what = visible ? shown(ctx.services, visible) : { label: 'message', recipient: '' };
  if (!outcome.retried) {
    const line = refusalLine(outcome.refusal, what.label);
    return { messages: [{ text: line, blocks: [{ type: 'text', text: esc(line) }] }] };
  }
  ctx.audit({ schoolId: null, action: 'delivery.retry', subjectType: 'outbox', subjectId: id.data });
  const line = `Sending the ${what.label} to ${what.recipient} again: it goes out within a minute.`;
  return { messages: [{ text: line, blocks: [{ type: 'text', text: esc(line) }] }] };
}

function failedRowInReach(ctx: RequestContext, row: FailedDelivery): boolean {
  return deliveryInReach(ctx.actor, ctx.services.people.membershipsOf(ctx.actor.tenant.id, row.recipientId));
}

const zRetryAll = z.object({ scope: zScope, since: z.iso.datetime() });

function retryAll(registry: CommandRegistry, ctx: RequestContext, value: string): Reply {
  requireReviewer(ctx.actor);
  let parsed: z.infer<typeof zRetryAll>;
  try {
    parsed = zRetryAll.parse(JSON.parse(value));
  } catch {
    throw new Refusal('That Retry all button is not valid: run /touchpoint deliveries again.');
  }
  const { rows, total } = failedInReach(ctx.services, ctx.actor, STATUSES[parsed.scope], new Date(parsed.since), SCAN_LIMIT);
  let retried = 0;
  const refused = new Map<RetryRefusal, number>();
  for (const row of rows) {
    const outcome = retryDelivery(registry, ctx.services, row.id, ctx.now, ctx.actor.tenant.id);
    if (outcome.retried) {
      retried += 1;
      ctx.audit({ schoolId: null, action: 'delivery.retry', subjectType: 'outbox', subjectId: row.id });
    } else refused.set(outcome.refusal, (refused.get(outcome.refusal) ?? 0) + 1);
  }
  const lines = [retried > 0 ? `Sending ${plural(retried, 'delivery', 'deliveries')} again: they go out within a minute.` : 'Nothing was sent again.'];
  for (const [refusal, n] of refused) lines.push(`${n} not sent again: ${REFUSAL_SUMMARY[refusal]}.`);
  if (total > rows.length) lines.push(`${total - rows.length} more wait: press Retry all again.`);
  return { messages: [{ text: lines.join('\n'), blocks: [{ type: 'list', items: lines.map(esc) }] }] };
}

export function registerDeliveries(registry: CommandRegistry): void {
  const spec: CommandSpec<DeliveriesArgs> = {
    root: 'touchpoint',
    name: 'deliveries',
    usage: 'deliveries [failed|all] [since <date>]',
    describe: 'messages Touchpoint could not deliver, to send again (admins)',
    example: 'deliveries all since 2026-11-01',
    schema: (pctx: ParseContext) =>
      z.object({ scope: zScope.default('failed'), since: zDate(pctx.today).optional(), extra: noExtra }).transform(({ scope, since }) => ({ scope, since })),
    fromWords(words) {
      const rest = [...words];
      const raw: Record<string, unknown> = {};
      if (rest.length > 0 && rest[0].toLowerCase() !== 'since') raw.scope = rest.shift()!.toLowerCase();
      if (rest[0]?.toLowerCase() === 'since') {
        rest.shift();
        raw.since = rest.shift() ?? '';
      }
      raw.extra = rest[0];
      return raw;
    },
    handle(ctx, args) {
      requireReviewer(ctx.actor);
      const tz = zoneOf(ctx);
      const sinceDate = args.since ?? addDays(ctx.today, -DEFAULT_SINCE_DAYS);
      return { messages: [listMessage(ctx, { scope: args.scope, since: localToUtc(sinceDate, '00:00', tz), sinceLabel: formatLocalDate(sinceDate) })] };
    },
  };
  registry.command(spec);
  registry.action({ actionId: 'deliveries.retry', handle: (ctx, value) => retryOne(registry, ctx, value) });
  registry.action({ actionId: 'deliveries.retry-all', handle: (ctx, value) => retryAll(registry, ctx, value) });
}
