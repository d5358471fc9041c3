/**
 * `npm run outbox -- list|retry <id>|retry-all --since <date>`: the operator's view of the
 * deliveries Touchpoint gave up on, in every workspace of the configured database, and a way to
 * send them again. The same rules as `/touchpoint deliveries` apply: no message content is shown,
 * confidential kinds appear as "private message", and a row whose moment has passed, that is too
 * old, or whose reader lost the right to it is not sent again. Retries are audited with no actor
 * (the operator). Safe while the service runs: the service sends re-queued rows at its next tick.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, loadConfig, loadDotEnv } from '../src/config';
import { openDatabase, type Db } from '../src/store/db';
import { migrationsUpToDate } from '../src/store/migrate';
import { createServices } from '../src/store';
import { buildRegistry } from '../src/features';
import type { FailedDelivery, FailureStatus, Services } from '../src/core/ports';
import { deliveryForAdmin } from '../src/core/policy/governance';
import { REFUSAL_SUMMARY, refusalLine, retryDelivery, type RetryRefusal } from '../src/features/operations/retry';
import { DEFAULT_SINCE_DAYS } from '../src/features/operations/deliveries';

export const USAGE = [
  'usage: npm run outbox -- list [--since <date>] [--status dead|unreachable|expired]',
  '       npm run outbox -- retry <id>',
  '       npm run outbox -- retry-all --since <date> [--status dead|unreachable|expired]',
  'Lists deliveries Touchpoint gave up on (default: dead and unreachable, due in the last 7 days) and re-queues them.',
].join('\n');

/** Rows `list` prints; the rest are counted. */
const LIST_LIMIT = 200;
const RETRY_ALL_LIMIT = 100_000;

export interface OutboxCliDeps {
  env: Record<string, string | undefined>;
  now: () => Date;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

/** A wrong invocation: its line, then the usage (exit 2). */
class UsageProblem extends Error {}
/** A refusal or a failure: its line alone (exit 1). */
class Failure extends Error {}

const zDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/)
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s))
  .refine((d) => !Number.isNaN(d.getTime()));
const zStatus = z.enum(['dead', 'unreachable', 'expired']);

interface Options {
  since?: Date;
  statuses?: FailureStatus[];
  rest: string[];
}

function parseOptions(args: string[]): Options {
  const out: Options = { rest: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--since') {
      const parsed = zDay.safeParse(args[++i] ?? '');
      if (!parsed.success) throw new UsageProblem(`--since must be a date like 2026-11-20 (got "${args[i] ?? ''}")`);
      out.since = parsed.data;
    } else if (arg === '--status') {
      const parsed = zStatus.safeParse(args[++i] ?? '');
      if (!parsed.success) throw new UsageProblem(`--status must be dead, unreachable or expired (got "${args[i] ?? ''}")`);
      out.statuses = [...(out.statuses ?? []), parsed.data];
    } else if (arg.startsWith('--')) {
      throw new UsageProblem(`unknown option "${arg}"`);
    } else out.rest.push(arg);
  }
  return out;
}

function openConfigured(env: Record<string, string | undefined>): { db: Db; services: Services } {
  const config = loadConfig(env);
  if (config.databasePath === ':memory:' || !existsSync(config.databasePath)) {
    throw new ConfigError(`DATABASE_PATH: there is no database at ${config.databasePath}`);
  }
  const db = openDatabase(config.databasePath);
  if (!migrationsUpToDate(db)) {
    db.close();
    throw new Failure(`${config.databasePath} is not migrated to this version of Touchpoint: start the service once (it migrates), then run this again`);
  }
  return { db, services: createServices(db) };
}

function describe(services: Services, row: FailedDelivery): { label: string; recipient: string } {
  const name = services.people.userById(row.tenantId, row.recipientId)?.displayName ?? 'someone no longer here';
  return deliveryForAdmin(row.kind, name);
}

function workspaceOf(services: Services, tenantId: number): string {
  const t = services.people.tenantById(tenantId);
  return t ? (t.name ?? `${t.platform}:${t.externalId}`) : `tenant ${tenantId}`;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
const day = (d: Date): string => d.toISOString().slice(0, 10);

function list(services: Services, o: Options, now: Date, out: (s: string) => void): void {
  const since = o.since ?? new Date(now.getTime() - DEFAULT_SINCE_DAYS * 86_400_000);
  const statuses = o.statuses ?? (['dead', 'unreachable'] as FailureStatus[]);
  const total = services.outbox.countFailed({ statuses, since });
  const rows = services.outbox.failed({ statuses, since, limit: LIST_LIMIT });
  out(`${plural(total, 'failed delivery', 'failed deliveries')} since ${day(since)} (${statuses.join(', ')}).\n`);
  if (total === 0) return;
  out('id\tdue (UTC)\tworkspace\tkind\trecipient\tattempts\tlast error\n');
  for (const row of rows) {
    const { label, recipient } = describe(services, row);
    const error = row.status === 'expired' ? `expired unsent${row.lastError ? ` (${row.lastError})` : ''}` : (row.lastError ?? '');
    const cells = [row.id, row.dueAt.toISOString().slice(0, 16).replace('T', ' '), workspaceOf(services, row.tenantId), label, recipient];
    out(`${[...cells, plural(row.attempts, 'attempt', 'attempts'), error.replace(/\s+/g, ' ').slice(0, 120)].join('\t')}\n`);
  }
  if (total > rows.length) out(`…and ${total - rows.length} more: narrow with --since or --status.\n`);
}

function audit(services: Services, row: FailedDelivery, now: Date): void {
  services.audit.audit(
    {
      tenantId: row.tenantId,
      schoolId: null,
      actorId: null,
      action: 'delivery.retry',
      subjectType: 'outbox',
      subjectId: row.id,
      detail: 'operator: npm run outbox',
    },
    now,
  );
}

function retryOne(services: Services, idText: string | undefined, now: Date, out: (s: string) => void): void {
  const id = z.coerce
    .number()
    .int()
    .positive()
    .safeParse(idText ?? '');
  if (!id.success) throw new UsageProblem('retry needs a delivery id (a number), as `list` shows it');
  const registry = buildRegistry();
  const outcome = services.transaction(() => {
    const r = retryDelivery(registry, services, id.data, now);
    if (r.retried) audit(services, r.row, now);
    return r;
  });
  const what = outcome.row ? describe(services, outcome.row) : { label: 'delivery', recipient: '' };
  if (!outcome.retried) throw new Failure(refusalLine(outcome.refusal, what.label));
  out(`Re-queued delivery ${id.data} (${what.label} to ${what.recipient}): it goes out at the service's next tick.\n`);
}

function retryAll(services: Services, o: Options, now: Date, out: (s: string) => void): void {
  if (!o.since) throw new UsageProblem('retry-all needs --since <date> (the earliest due date to send again)');
  const statuses = o.statuses ?? (['dead', 'unreachable'] as FailureStatus[]);
  const registry = buildRegistry();
  const rows = services.outbox.failed({ statuses, since: o.since, limit: RETRY_ALL_LIMIT });
  const refused = new Map<RetryRefusal, number>();
  let retried = 0;
  services.transaction(() => {
    for (const row of rows) {
      const r = retryDelivery(registry, services, row.id, now);
      if (r.retried) {
        retried += 1;
        audit(services, r.row, now);
      } else refused.set(r.refusal, (refused.get(r.refusal) ?? 0) + 1);
    }
  });
  out(`Re-queued ${retried} of ${plural(rows.length, 'delivery', 'deliveries')} due since ${day(o.since)}: they go out at the service's next tick.\n`);
  for (const [refusal, n] of refused) out(`${n} not sent again: ${REFUSAL_SUMMARY[refusal]}.\n`);
}

/** Runs the command line; returns the exit code (0 done, 1 refused or failed, 2 wrong usage). */
export function runOutboxCli(argv: string[], deps: OutboxCliDeps): number {
  const [command, ...args] = argv;
  let db: Db | undefined;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      deps.stderr(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (!['list', 'retry', 'retry-all'].includes(command)) throw new UsageProblem(`unknown command "${command}"`);
    const options = parseOptions(args);
    const opened = openConfigured(deps.env);
    db = opened.db;
    const now = deps.now();
    if (command === 'list') {
      if (options.rest.length > 0) throw new UsageProblem(`unexpected "${options.rest[0]}"`);
      list(opened.services, options, now, deps.stdout);
    } else if (command === 'retry') {
      if (options.rest.length > 1) throw new UsageProblem(`unexpected "${options.rest[1]}"`);
      retryOne(opened.services, options.rest[0], now, deps.stdout);
    } else {
      if (options.rest.length > 0) throw new UsageProblem(`unexpected "${options.rest[0]}"`);
      retryAll(opened.services, options, now, deps.stdout);
    }
    return 0;
  } catch (err) {
    if (err instanceof UsageProblem) {
      deps.stderr(`touchpoint outbox: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    deps.stderr(`touchpoint outbox: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  } finally {
    if (db?.open) db.close();
  }
}

if (require.main === module) {
  try {
    loadDotEnv();
  } catch (err) {
    process.stderr.write(`touchpoint outbox: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.exitCode = runOutboxCli(process.argv.slice(2), {
    env: process.env,
    now: () => new Date(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  });
}
