/**
 * Slash-command ack latency under load. Three processes besides this one (the load generator):
 *   - ours: the real service (`node --import tsx src/main.ts`) in Slack HTTP mode — Bolt's
 *     HTTPReceiver with signature checks on the service's HttpServer, the real core on a FILE
 *     database seeded with PARTNERSHIPS partnerships — its Web API calls (users.info,
 *     chat.postMessage) and response_url replies going to
 *   - a fake Slack Web API on 127.0.0.1 (test/drills/support/fake-web-api.ts, no rate limit);
 *   - bare: a Bolt App on the same kind of receiver whose handler only acks (bench/support/bare-bolt.ts).
 * autocannon sends correctly signed `/touchpoint next` and `/touchpoint add …` (alternating, each
 * with a fresh timestamp and its own trigger_id, from one of the seeded users) at a fixed
 * concurrency and at a fixed rate, to ours and to bare in turn, in the same run. The ack latency
 * is the HTTP response time (our adapter acks first — processBeforeResponse: false — and does the
 * work after, on the same event loop, so the work shows up in later requests' latency).
 *
 *   npm run bench:slash -- [--rate 200] [--rate-connections 10] [--connections 16] [--seconds 15]
 *                          [--partnerships 100] [--cpu-prof DIR]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildCore } from '../src/compose';
import { SettableClock } from '../src/core/ports';
import { slackServiceEnv, spawnService, type ServiceProcess } from '../test/drills/support/service';
import { FakeApiProcess } from './support/fake-api';
import { arg, machine, table } from './support/machine';
import { memoryOf, sleep, TSX_IMPORT } from './support/processes';
import { coachId, planAhead, principalId, seedPartnerships, TEAM } from './support/seed';

const RATE = arg('rate', 200);
const CONNECTIONS = arg('connections', 16);
/**
 * Connections for the fixed-rate run. autocannon's overallRate gives each connection rate/connections
 * requests per second and sends them back to back from the start of each second, so arrivals come in
 * waves of up to this many concurrent requests — harsher than Slack's; fewer connections, smaller waves.
 */
const RATE_CONNECTIONS = arg('rate-connections', 10);
const SECONDS = arg('seconds', 15);
const PARTNERSHIPS = arg('partnerships', 100);
const SECRET = 'bench-signing-secret';
const RUN = Date.now().toString(36);
/** Writes a V8 CPU profile of the service to this directory (node --cpu-prof), for finding where the time goes. */
const PROFILE_DIR = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;

interface Target {
  name: 'ours' | 'bare';
  url: string;
  pid: number;
}

interface Outcome {
  target: Target['name'];
  scenario: string;
  result: autocannon.Result;
  cpuSeconds: number;
}

function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100 Hz)
  } catch {
    return Number.NaN;
  }
}

let counter = 0;
/** When each request was handed to autocannon to send (ms since the epoch), by its response_url id. */
const sentAt = new Map<string, number>();
function makeRequests(users: string[], responseBase: string): autocannon.Request[] {
  return [
    {
      setupRequest: (req) => {
        const n = ++counter;
        const user = users[n % users.length];
        const text = n % 2 === 0 ? 'next' : `add wins Bench item ${n}`;
        const body = new URLSearchParams({
          token: 'legacy',
          team_id: TEAM,
          team_domain: 'bench',
          channel_id: 'C_BENCH',
          channel_name: 'general',
          user_id: user,
          user_name: user.toLowerCase(),
          command: '/touchpoint',
          text,
          api_app_id: 'A_TOUCHPOINT',
          is_enterprise_install: 'false',
          response_url: `${responseBase}/response/${RUN}-${n}`,
          trigger_id: `trigger-${RUN}-${n}`,
        }).toString();
        sentAt.set(`${RUN}-${n}`, Date.now());
        const ts = Math.floor(Date.now() / 1000);
        const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
        return {
          ...req,
          method: 'POST',
          path: '/slack/events',
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature },
        };
      },
    },
  ];
}

function startBare(apiUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', TSX_IMPORT, join(__dirname, 'support', 'bare-bolt.ts')], {
    env: { PATH: process.env.PATH ?? '', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: apiUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code, signal) => reject(new Error(`bare Bolt app exited (${code ?? signal ?? 'unknown'})`)));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
  });
}

async function waitReady(base: string, service: ServiceProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (service.child.exitCode !== null) throw new Error(`the service exited:\n${service.output()}`);
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the service did not become ready:\n${service.output()}`);
}

async function load(
  target: Target,
  users: string[],
  fakeUrl: string,
  o: { scenario: string; connections: number; seconds: number; rate?: number },
): Promise<Outcome> {
  const cpu0 = cpuSecondsOf(target.pid);
  const result = await autocannon({
    url: target.url,
    connections: o.connections,
    duration: o.seconds,
    timeout: 10,
    ...(o.rate ? { overallRate: o.rate } : {}),
    requests: makeRequests(users, fakeUrl),
  });
  return { target: target.name, scenario: o.scenario, result, cpuSeconds: cpuSecondsOf(target.pid) - cpu0 };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Answer latency: from sending a command to its reply reaching response_url — what the person who
 * typed it waits for (the ack only hides the "operation timed out" error).
 */
async function answerLatency(fake: FakeApiProcess): Promise<string> {
  const arrivals = await fake.responseArrivals();
  const waits = Object.entries(arrivals)
    .flatMap(([id, at]) => (sentAt.has(id) ? [at - sentAt.get(id)!] : []))
    .sort((a, b) => a - b);
  sentAt.clear();
  return `answer (sent → reply at response_url) p50 ${percentile(waits, 50)} ms, p90 ${percentile(waits, 90)} ms, p99 ${percentile(waits, 99)} ms, max ${waits.at(-1) ?? Number.NaN} ms`;
}

/** Waits until the service has answered (response_url) every command it acked; returns seconds waited. */
async function settle(fake: FakeApiProcess, expected: number): Promise<{ waited: number; replies: number }> {
  const t = performance.now();
  let replies = 0;
  while (performance.now() - t < 30_000) {
    replies = (await fake.stats()).calls.response_url ?? 0;
    if (replies >= expected) break;
    await sleep(100);
  }
  return { waited: (performance.now() - t) / 1000, replies };
}

async function main(): Promise<void> {
  console.log('bench:slash — slash-command ack latency: the service vs a bare Bolt app, same receiver');
  console.log(machine());
  const fake = await FakeApiProcess.start();
  const dir = mkdtempSync(join(tmpdir(), 'touchpoint-bench-slash-'));
  const databasePath = join(dir, 'slash.db');
  const now = new Date();
  const seedCore = buildCore({ databasePath, clock: new SettableClock(now), deliverImmediately: false });
  seedPartnerships(seedCore, { partnerships: PARTNERSHIPS, perCoach: 1, startDate: '2026-01-05', now });
  planAhead(seedCore, now);
  seedCore.close();
  const users = Array.from({ length: PARTNERSHIPS }, (_, i) => [principalId(i), coachId(i)]).flat();

  const service = spawnService({
    env: slackServiceEnv({ databasePath, apiUrl: fake.apiUrl, signingSecret: SECRET, logLevel: 'info' }),
    nodeArgs: [...(PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [])],
  });
  const port = await Promise.race([
    service.listening,
    service.exited.then(() => {
      throw new Error(`the service exited:\n${service.output()}`);
    }),
  ]);
  await waitReady(`http://127.0.0.1:${port}`, service);
  const bare = await startBare(fake.apiUrl);
  const ours: Target = { name: 'ours', url: `http://127.0.0.1:${port}/slack/events`, pid: service.pid };
  const bareT: Target = { name: 'bare', url: `http://127.0.0.1:${bare.port}/slack/events`, pid: bare.child.pid! };
  console.log(
    `ours: pid ${ours.pid} (node --import tsx src/main.ts, LOG_LEVEL=info, ${PARTNERSHIPS} partnerships, ${users.length} users); bare: pid ${bareT.pid}; fake Web API: pid ${fake.pid}`,
  );

  // Warm-up (JIT, every user's users.info lookup cached by the directory).
  for (const t of [ours, bareT]) await load(t, users, fake.url, { scenario: 'warm-up', connections: 10, seconds: 4, rate: 100 });
  await settle(fake, 0);
  await answerLatency(fake);

  const outcomes: Outcome[] = [];
  const replies: Record<string, string> = {};
  for (const s of [
    { scenario: `concurrency ${CONNECTIONS}`, connections: CONNECTIONS, seconds: SECONDS },
    { scenario: `${RATE} req/s`, connections: RATE_CONNECTIONS, seconds: SECONDS, rate: RATE },
  ]) {
    for (const t of [ours, bareT]) {
      const before = (await fake.stats()).calls.response_url ?? 0;
      sentAt.clear();
      const o = await load(t, users, fake.url, s);
      outcomes.push(o);
      if (t.name === 'ours') {
        const sent = o.result['2xx'];
        const done = await settle(fake, before + sent);
        replies[s.scenario] =
          `${done.replies - before} of ${sent} replies posted to response_url; the last ${done.waited.toFixed(1)} s after the load stopped; ${await answerLatency(fake)}`;
      } else {
        await fake.responseArrivals(); // the bare app posts no replies; forget its sends
      }
    }
  }
  const stats = await fake.stats();
  const mem = memoryOf(ours.pid);
  service.child.kill('SIGTERM');
  bare.child.kill('SIGTERM');
  await service.exited;
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });

  console.log('');
  console.log(
    table(
      ['scenario', 'target', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'CPU s'],
      outcomes.map((o) => [
        o.scenario,
        o.target,
        o.result.requests.total ?? o.result['2xx'],
        o.result.requests.average.toFixed(0),
        o.result.latency.p50,
        o.result.latency.p90,
        o.result.latency.p99,
        o.result.latency.max,
        o.result.non2xx,
        o.result.errors,
        o.cpuSeconds.toFixed(1),
      ]),
    ),
  );
  console.log('');
  const rows: (string | number)[][] = [];
  for (const scenario of [...new Set(outcomes.map((o) => o.scenario))]) {
    const a = outcomes.find((o) => o.scenario === scenario && o.target === 'ours')!.result;
    const b = outcomes.find((o) => o.scenario === scenario && o.target === 'bare')!.result;
    rows.push([
      scenario,
      (a.latency.p50 / b.latency.p50).toFixed(2),
      (a.latency.p99 / b.latency.p99).toFixed(2),
      (b.requests.average / a.requests.average).toFixed(2),
    ]);
  }
  console.log('ours ÷ bare (latency: lower is better; throughput shown as bare ÷ ours):');
  console.log(table(['scenario', 'p50 ratio', 'p99 ratio', 'throughput bare/ours'], rows));
  console.log('');
  for (const [k, v] of Object.entries(replies)) console.log(`ours, ${k}: ${v}`);
  console.log(`fake Web API calls in the run: ${JSON.stringify(stats.calls)}`);
  console.log(`ours after the run: VmRSS ${mem.rssMiB.toFixed(0)} MiB, VmHWM ${mem.hwmMiB.toFixed(0)} MiB`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
