/**
 * `GET /metrics` in Prometheus text format. Every service has a registry of its own (tests run
 * several in one process); the outbox figures are read from the database when scraped, the rest
 * are counted as work happens. docs/operations.md lists them and what to alert on.
 *
 * Guarded like the other operator routes: with METRICS_TOKEN set, a scrape needs
 * `Authorization: Bearer <token>`; without it only this machine may scrape.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DispatchObserver, SendOutcome } from '../scheduler/dispatch';
import type { TickObserver } from '../scheduler/tick';
import type { HttpServer } from './server';
import { sendJson } from './server';

/** What the metrics read from the outbox at scrape time. */
export interface OutboxFigures {
  countByStatus(): Record<string, number>;
  /** Seconds the oldest due pending row has waited, or null when none is due. */
  oldestDueAgeSeconds(): number | null;
}

export type CommandOutcome = 'ok' | 'refused' | 'error';

export class ServiceMetrics implements DispatchObserver, TickObserver {
  readonly registry = new Registry();
  private readonly sends: Counter<'platform' | 'outcome'>;
  private readonly sendSeconds: Histogram<'platform'>;
  private readonly ticks: Counter<'outcome'>;
  private readonly tickSeconds: Histogram;
  private readonly commands: Counter<'command' | 'outcome'>;

  constructor(outbox: OutboxFigures, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    new Gauge({
      name: 'touchpoint_outbox_rows',
      help: 'Outbox rows by status (pending and sending are the backlog; dead ones need an operator).',
      labelNames: ['status'],
      registers,
      collect() {
        // A database that fails here is reported by /readyz; the scrape still answers.
        try {
          for (const [status, n] of Object.entries(outbox.countByStatus())) this.set({ status }, n);
        } catch {
          this.reset();
        }
      },
    });
    new Gauge({
      name: 'touchpoint_outbox_oldest_due_seconds',
      help: 'How long the oldest due pending outbox row has waited, in seconds (0 when none is due).',
      registers,
      collect() {
        try {
          this.set(outbox.oldestDueAgeSeconds() ?? 0);
        } catch {
          this.reset();
        }
      },
    });
    this.sends = new Counter({
      name: 'touchpoint_sends_total',
      help: 'Sends to a platform by outcome (delivered, retry, rate-limited, unreachable, error).',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.sendSeconds = new Histogram({
      name: 'touchpoint_send_duration_seconds',
      help: 'Time a platform took to answer a send.',
      labelNames: ['platform'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.ticks = new Counter({ name: 'touchpoint_ticks_total', help: 'Scheduler ticks by outcome (ok, error).', labelNames: ['outcome'], registers });
    this.tickSeconds = new Histogram({
      name: 'touchpoint_tick_duration_seconds',
      help: 'Time a scheduler tick took, planning and delivery.',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers,
    });
    this.commands = new Counter({
      name: 'touchpoint_commands_total',
      help: 'Requests by command (/root name, a form id, or action) and outcome (ok, refused, error).',
      labelNames: ['command', 'outcome'],
      registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  sent(platform: string, outcome: SendOutcome, seconds: number): void {
    this.sends.inc({ platform, outcome });
    this.sendSeconds.observe({ platform }, seconds);
  }

  ticked(outcome: 'ok' | 'error', seconds: number): void {
    this.ticks.inc({ outcome });
    this.tickSeconds.observe(seconds);
  }

  command(name: string, outcome: CommandOutcome): void {
    this.commands.inc({ command: name, outcome });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Whether a scrape may read the metrics: the bearer token when one is set, else this machine only. */
export function mayScrape(req: IncomingMessage, token: string | undefined): { ok: true } | { ok: false; status: 401 | 403; error: string } {
  if (token) {
    const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b)
      ? { ok: true }
      : { ok: false, status: 401, error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' };
  }
  return LOOPBACK.has(req.socket.remoteAddress ?? '')
    ? { ok: true }
    : { ok: false, status: 403, error: 'metrics are served to this machine only; set METRICS_TOKEN to scrape from elsewhere' };
}

export function registerMetrics(http: HttpServer, metrics: ServiceMetrics, token?: string): void {
  http.route('GET', '/metrics', async (req, res) => {
    const allowed = mayScrape(req, token);
    if (!allowed.ok) {
      if (allowed.status === 401) res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, allowed.status, { error: allowed.error });
      return;
    }
    const body = await metrics.text();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
    res.end(body);
  });
}
