/**
 * The processes `npm start` leaves running, their memory, and whether a SIGTERM to npm's pid stops
 * them all (and how long until the last is gone) — beside the container's command (`node dist/src/main.js`) and the bare TypeScript entry.
 * Each command runs the service in platform mode (Slack over HTTP against a fake Web API in this
 * process) on an empty database in a temporary directory. For each: time from spawn until
 * GET /readyz answers 200, the process tree (pid, command, VmRSS) after IDLE_SECONDS idle, the
 * whole tree's RSS, then SIGTERM to the top pid and which of the tree's processes are still alive
 * 12 s later (they are then SIGKILLed).
 *
 *   npm run build && npm run bench:tree -- [--idle-seconds 5] [--runs 2]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeWebApi } from '../test/drills/support/fake-web-api';
import { slackServiceEnv } from '../test/drills/support/service';
import { arg, machine, table } from './support/machine';
import { childrenOf, memoryOf, ROOT, sleep, TSX_IMPORT } from './support/processes';

const IDLE_SECONDS = arg('idle-seconds', 5);
const RUNS = arg('runs', 2);

interface Command {
  label: string;
  file: string;
  args: string[];
}

/** Every process under `pid`, itself first. */
function tree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]));
  return all;
}

function commandLine(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').replace(ROOT, '.').slice(0, 70);
    return cmd || `pid ${pid} (${/^Name:\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '?'})`;
  } catch {
    return '(gone)';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/status`, 'utf8').includes('State:\tZ');
  } catch {
    return false;
  }
}

async function measure(command: Command, apiUrl: string): Promise<(string | number)[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'touchpoint-bench-tree-'));
  const env = { ...slackServiceEnv({ databasePath: join(dir, 'touchpoint.db'), apiUrl, logLevel: 'info' }), NODE_ENV: 'production' };
  const t0 = performance.now();
  const child = spawn(command.file, command.args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  let port = 0;
  while (!port) {
    port = Number(/"port":(\d+)[^\n]*"msg":"listening"/.exec(out)?.[1] ?? 0);
    if (child.exitCode !== null) throw new Error(`${command.label} exited:\n${out}`);
    await sleep(10);
  }
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (res?.status === 200) break;
    await sleep(10);
  }
  const readyMs = performance.now() - t0;
  await sleep(IDLE_SECONDS * 1000);
  const pids = tree(child.pid!);
  const processes = pids.map((pid) => ({ pid, cmd: commandLine(pid), rss: memoryOf(pid).rssMiB }));
  const total = processes.reduce((n, p) => n + p.rss, 0);
  const stopAt = performance.now();
  process.kill(child.pid!, 'SIGTERM');
  // Every process of the tree must be gone within 12 s (docker stop waits 10 s).
  while (pids.some(alive) && performance.now() - stopAt < 12_000) await sleep(20);
  const left = pids.filter(alive);
  const stopMs = performance.now() - stopAt;
  for (const pid of left) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  return processes.map((p, i) => [
    i === 0 ? command.label : '',
    i === 0 ? readyMs.toFixed(0) : '',
    p.cmd,
    p.rss.toFixed(0),
    i === 0 ? total.toFixed(0) : '',
    i === 0 ? (left.length === 0 ? `none (${stopMs.toFixed(0)} ms)` : `${left.length}: ${left.map(commandLine).join('; ')}`) : '',
  ]);
}

async function main(): Promise<void> {
  console.log('bench:tree — the processes of `npm start` and the container command, their memory, and SIGTERM');
  console.log(machine());
  const commands: Command[] = [
    { label: 'npm start', file: 'npm', args: ['start', '--silent'] },
    { label: 'node --import tsx src/main.ts', file: process.execPath, args: ['--import', TSX_IMPORT, 'src/main.ts'] },
  ];
  if (existsSync(join(ROOT, 'dist', 'src', 'main.js'))) {
    commands.push({ label: 'node dist/src/main.js', file: process.execPath, args: ['dist/src/main.js'] });
  } else console.log('dist/src/main.js missing: run `npm run build` to measure the container command too');
  const fake = await startFakeWebApi();
  const rows: (string | number)[][] = [];
  for (let run = 0; run < RUNS; run++) for (const command of commands) rows.push(...(await measure(command, fake.apiUrl)));
  await fake.stop();
  console.log('');
  console.log(table(['command', 'ready ms', 'process', 'RSS MiB', 'tree RSS MiB', 'left after SIGTERM to the top pid'], rows));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
