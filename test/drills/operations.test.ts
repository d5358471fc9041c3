/**
 * The real service as a child process (Slack over HTTP against a fake Web API on 127.0.0.1), run
 * as a district's IT person would:
 *
 * 1. SIGTERM while Slack hangs mid fan-out: the process exits within 10 s, leaves no row claimed,
 *    and the next start delivers every reminder (repeats at most the posts that were in flight).
 * 2. Slack down at boot: the service starts anyway — health, calendar feeds, Teams' endpoint serve —
 *    readiness names Slack, and Slack joins when it answers again (its retry timer, 5 s).
 * 3. Slack down at boot, then refusing the token once it answers: the service stops, exit code 1.
 * 4. A second process on the same database is refused, naming the file and the first one.
 *
 * The waits are for real child processes (no fixed sleeps decide an outcome).
 */
import { request } from 'node:http';
import { buildCore } from '../../src/compose';
import { SettableClock } from '../../src/core/ports';
import { tempDbPath } from '../support/harness';
import { startFakeWebApi, type FakeWebApi } from './support/fake-web-api';
import { slackServiceEnv, spawnService, type ServiceProcess } from './support/service';

jest.setTimeout(120_000);

const N = 40;

function seed(path: string, now: Date): void {
  const core = buildCore({ databasePath: path, clock: new SettableClock(now), deliverImmediately: false });
  core.services.transaction(() => {
    const tenant = core.services.people.ensureTenant('slack', 'T_FAKE', now);
    for (let i = 0; i < N; i++) {
      const user = core.services.people.ensureUser(tenant.id, `U${String(i).padStart(5, '0')}`, now, `Person ${i}`);
      core.services.outbox.enqueue(
        {
          tenantId: tenant.id,
          recipientId: user.id,
          kind: 'drill.reminder',
          dedupeKey: `ops:${i}`,
          message: { text: `ops reminder ${i}`, blocks: [] },
          dueAt: new Date(now.getTime() - 60_000),
        },
        now,
      );
    }
  });
  core.close();
}

function statusCounts(path: string): Record<string, number> {
  const core = buildCore({ databasePath: path, clock: new SettableClock(new Date()), deliverImmediately: false });
  try {
    return core.services.outbox.countByStatus();
  } finally {
    core.close();
  }
}

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

/** Polls `check` every 100 ms until it returns a value (the child works on its own clock). */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, limitMs = 60_000): Promise<T> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    const value = await check().catch((err: unknown) => void (last = err));
    if (value !== undefined) return value;
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what} (${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('operations drills', () => {
  let fake: FakeWebApi;
  const children: ServiceProcess[] = [];

  beforeEach(async () => {
    fake = await startFakeWebApi();
    fake.postKey = (b) => b.text ?? '';
  });

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    fake.releaseHeld();
    await fake.stop();
  });

  it('SIGTERM with Slack hanging: exits within 10 s, nothing stays claimed, the next start delivers it all', async () => {
    const path = tempDbPath();
    seed(path, new Date());
    const env = { ...slackServiceEnv({ databasePath: path, apiUrl: fake.apiUrl, logLevel: 'warn' }), SHUTDOWN_GRACE_SECONDS: '1' };
    fake.holdPosts = true; // Slack takes the posts and never answers
    const first = spawnService({ env });
    children.push(first);
    await fake.waitUntil(() => fake.heldCount >= 8); // a batch of sends in flight (8 at a time)
    const inFlight = new Set(fake.heldKeys);

    const signalled = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    const stopMs = Date.now() - signalled;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(stopMs).toBeLessThan(10_000);
    expect(first.output()).toContain('sends still in flight after the grace were abandoned');
    const after = statusCounts(path);
    expect(after.sending).toBe(0);
    expect(after.pending).toBe(N);

    fake.holdPosts = false;
    fake.releaseHeld(); // nobody hears these answers any more
    const second = spawnService({ env });
    children.push(second);
    await fake.waitUntil(() => fake.stats().distinct >= N);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(statusCounts(path)).toMatchObject({ sent: N, pending: 0, sending: 0 });
    // Only a post Slack had taken when the first process gave it up may arrive twice.
    const repeated = [...fake.posts].filter(([, n]) => n > 1).map(([t]) => t);
    for (const text of repeated) expect(inFlight.has(text)).toBe(true);
    console.log(`sigterm drill: stopped in ${stopMs} ms with ${inFlight.size} sends hanging; repeats ${repeated.length}`);
  });

  it('Slack down at boot: everything else serves, readiness names Slack, and Slack joins when it is back', async () => {
    const path = tempDbPath();
    fake.outage = 'http500';
    fake.outageAtStart = true;
    const service = spawnService({
      env: {
        ...slackServiceEnv({ databasePath: path, apiUrl: fake.apiUrl, logLevel: 'info' }),
        MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000000',
        MICROSOFT_APP_PASSWORD: 'drill-password',
        MICROSOFT_APP_TENANT_ID: '00000000-0000-0000-0000-000000000001',
      },
    });
    children.push(service);
    const port = await Promise.race([
      service.listening,
      service.exited.then((e) => {
        throw new Error(`exited ${JSON.stringify(e)}:\n${service.output()}`);
      }),
    ]);
    const down = await eventually(async () => {
      const r = await get(port, '/readyz');
      const body = JSON.parse(r.body) as { checks: Record<string, { ok: boolean; detail?: string }> };
      if (r.status === 503 && body.checks.scheduler?.ok) return body;
      throw new Error(`${r.status} ${r.body}`);
    }, 'the first tick');
    expect(down.checks.slack).toEqual({ ok: false, detail: expect.stringMatching(/^unreachable since \S+Z, retrying/) as string });
    expect(down.checks.teams).toEqual({ ok: true });
    expect((await get(port, '/healthz')).status).toBe(200);
    // Calendar feeds and the Teams endpoint answer (an unknown feed is 404; a Teams call without a JSON body 415).
    expect((await get(port, '/calendar/not-a-real-token-at-all.ics')).status).toBe(404);
    expect((await get(port, '/api/messages', 'POST')).status).toBe(415);

    fake.outage = 'none';
    const ready = await eventually(async () => {
      const r = await get(port, '/readyz');
      return r.status === 200 ? (JSON.parse(r.body) as { checks: Record<string, { ok: boolean }> }) : undefined;
    }, 'Slack to join');
    expect(ready.checks.slack).toEqual({ ok: true });
    expect(service.output()).toContain('Slack reached: started');
  });

  it('Slack down at boot, then refusing the token when it is back: the service stops with exit code 1, saying why', async () => {
    const path = tempDbPath();
    fake.outage = 'http500';
    fake.outageAtStart = true;
    const service = spawnService({ env: slackServiceEnv({ databasePath: path, apiUrl: fake.apiUrl, logLevel: 'info' }) });
    children.push(service);
    await service.listening;
    fake.outage = 'none';
    fake.authRevoked = true;
    // A failure, not a clean stop: a restart policy (on-failure) and the operator both see it.
    expect(await service.exited).toEqual({ code: 1, signal: null });
    expect(service.output()).toContain('refused Touchpoint');
  });

  it('a second process on the same database is refused, naming the file and the first process', async () => {
    const path = tempDbPath();
    const env = slackServiceEnv({ databasePath: path, apiUrl: fake.apiUrl, logLevel: 'info' });
    const first = spawnService({ env });
    children.push(first);
    await first.listening;
    const second = spawnService({ env });
    children.push(second);
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.output().trim()).toMatch(
      new RegExp(`^touchpoint: cannot start: ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is in use by another Touchpoint \\(pid ${first.pid} on `),
    );
    expect(first.child.exitCode).toBeNull(); // the first runs on
  });
});
