/**
 * GET /metrics: scraped over HTTP from a service on the real core, parsed with a strict text-format
 * parser, and read for what an operator would alert on — the outbox by status, the oldest due row,
 * sends by platform and outcome, ticks, commands by name and outcome, and the process figures.
 */
import { request, type IncomingMessage } from 'node:http';
import { buildCore, type Core } from '../../src/compose';
import { SettableClock } from '../../src/core/ports';
import { HttpServer } from '../../src/http/server';
import { mayScrape, registerMetrics, ServiceMetrics } from '../../src/http/metrics';
import { RecordingNotifier, inbound, seedDemoSchool, type Harness } from '../support/harness';
import { parsePrometheusText, sampleValue } from '../support/prom-text';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    })
      .on('error', reject)
      .end();
  });
}

interface Rig {
  core: Core;
  clock: SettableClock;
  notifier: RecordingNotifier;
  http: HttpServer;
  port: number;
}

async function rig(token?: string): Promise<Rig> {
  const clock = new SettableClock(new Date('2026-11-23T15:00:00Z'));
  const notifier = new RecordingNotifier('console', clock);
  // The metrics read the outbox through the core, which is built after them (as in main.ts).
  const built: { core?: Core } = {};
  const metrics = new ServiceMetrics({
    countByStatus: () => built.core!.services.outbox.countByStatus(),
    oldestDueAgeSeconds: () => {
      const ms = built.core!.oldestDueAgeMs();
      return ms === null ? null : ms / 1000;
    },
  });
  const core = buildCore({ databasePath: ':memory:', clock, notifiers: [notifier], deliverImmediately: false, observer: metrics });
  built.core = core;
  const http = new HttpServer();
  registerMetrics(http, metrics, token);
  const { port } = await http.listen(0, '127.0.0.1');
  return { core, clock, notifier, http, port };
}

describe('GET /metrics', () => {
  it('is Prometheus text with the outbox, sends, ticks, commands and process figures', async () => {
    const r = await rig();
    try {
      seedDemoSchool({ core: r.core, clock: r.clock } as unknown as Harness);
      r.core.app.command(inbound('pat'), 'touchpoint', 'book @casey weekly tue 14:00'); // ok: queues the proposal
      r.core.app.command(inbound('pat'), 'touchpoint', 'frobnicate'); // not a command: refused
      r.clock.set(new Date(r.clock.now().getTime() + 90_000));
      const before = await get(r.port, '/metrics');
      expect(before.status).toBe(200);
      expect(before.type).toContain('text/plain');
      const waiting = parsePrometheusText(before.body);
      expect(sampleValue(waiting, 'touchpoint_outbox_rows', { status: 'pending' })).toBe(1);
      expect(sampleValue(waiting, 'touchpoint_outbox_oldest_due_seconds')).toBe(90);

      await r.core.scheduler.tick();
      const after = parsePrometheusText((await get(r.port, '/metrics')).body);
      expect(after.get('touchpoint_sends_total')?.type).toBe('counter');
      expect(sampleValue(after, 'touchpoint_outbox_rows', { status: 'pending' })).toBe(0);
      expect(sampleValue(after, 'touchpoint_outbox_rows', { status: 'sent' })).toBe(1);
      expect(sampleValue(after, 'touchpoint_outbox_oldest_due_seconds')).toBe(0);
      expect(sampleValue(after, 'touchpoint_sends_total', { platform: 'console', outcome: 'delivered' })).toBe(1);
      expect(after.get('touchpoint_send_duration_seconds')?.type).toBe('histogram');
      expect(sampleValue(after, 'touchpoint_send_duration_seconds_count', { platform: 'console' })).toBe(1);
      expect(sampleValue(after, 'touchpoint_ticks_total', { outcome: 'ok' })).toBe(1);
      expect(sampleValue(after, 'touchpoint_tick_duration_seconds_count')).toBe(1);
      expect(sampleValue(after, 'touchpoint_commands_total', { command: '/touchpoint book', outcome: 'ok' })).toBe(1);
      expect(sampleValue(after, 'touchpoint_commands_total', { command: '/touchpoint unknown', outcome: 'refused' })).toBe(1);
      expect(sampleValue(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);
    } finally {
      await r.http.close();
      r.core.close();
    }
  });

  it('with METRICS_TOKEN set, a scrape without the bearer token is refused', async () => {
    const r = await rig('a-sufficiently-long-token');
    try {
      const refused = await get(r.port, '/metrics');
      expect([refused.status, JSON.parse(refused.body)]).toEqual([401, { error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' }]);
      expect((await get(r.port, '/metrics', { authorization: 'Bearer wrong-token-of-some-length' })).status).toBe(401);
      const ok = await get(r.port, '/metrics', { authorization: 'Bearer a-sufficiently-long-token' });
      expect(ok.status).toBe(200);
      expect(parsePrometheusText(ok.body).has('touchpoint_outbox_rows')).toBe(true);
    } finally {
      await r.http.close();
      r.core.close();
    }
  });

  it('without a token, only this machine may scrape', () => {
    const from = (remoteAddress: string): IncomingMessage => ({ headers: {}, socket: { remoteAddress } }) as unknown as IncomingMessage;
    expect(mayScrape(from('127.0.0.1'), undefined)).toEqual({ ok: true });
    expect(mayScrape(from('::1'), undefined)).toEqual({ ok: true });
    expect(mayScrape(from('10.1.2.3'), undefined)).toEqual({
      ok: false,
      status: 403,
      error: 'metrics are served to this machine only; set METRICS_TOKEN to scrape from elsewhere',
    });
  });

  it('each service has its own registry: two in one process count apart', async () => {
    const a = await rig();
    const b = await rig();
    try {
      await a.core.scheduler.tick();
      expect(sampleValue(parsePrometheusText((await get(a.port, '/metrics')).body), 'touchpoint_ticks_total', { outcome: 'ok' })).toBe(1);
      expect(sampleValue(parsePrometheusText((await get(b.port, '/metrics')).body), 'touchpoint_ticks_total', { outcome: 'ok' })).toBeUndefined();
    } finally {
      await Promise.all([a.http.close(), b.http.close()]);
      a.core.close();
      b.core.close();
    }
  });
});
