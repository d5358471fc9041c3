/**
 * Runs the real service (`src/main.ts`, or the build's `dist/src/main.js`) as a child process, for
 * the drills and the benches. The TypeScript entry runs as `node --import tsx src/main.ts`: one
 * process, where `node_modules/.bin/tsx` would start a wrapper process and the service as its child
 * (a SIGKILL to the wrapper would leave the service running). The child's working directory is a
 * temporary directory, so no `.env` of the checkout is read; its environment is only what is given.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(__dirname, '..', '..', '..');
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  /** Everything the child wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the port of the first `listening` log line (needs LOG_LEVEL info or lower). */
  listening: Promise<number>;
}

export interface SpawnOptions {
  env: Record<string, string>;
  /** 'tsx' (default): node --import tsx src/main.ts; 'tsx-cli': node_modules/.bin/tsx src/main.ts; 'dist': node dist/src/main.js. */
  entry?: 'tsx' | 'tsx-cli' | 'dist';
  args?: string[];
  /** Extra node options before the entry (e.g. another --import), for 'tsx' and 'dist'. */
  nodeArgs?: string[];
}

export function commandFor(entry: 'tsx' | 'tsx-cli' | 'dist'): { file: string; args: string[] } {
  switch (entry) {
    case 'tsx':
      return { file: process.execPath, args: ['--import', TSX_LOADER, join(ROOT, 'src', 'main.ts')] };
    case 'tsx-cli':
      return { file: join(ROOT, 'node_modules', '.bin', 'tsx'), args: [join(ROOT, 'src', 'main.ts')] };
    case 'dist':
      return { file: process.execPath, args: [join(ROOT, 'dist', 'src', 'main.js')] };
  }
}

export function spawnService(opts: SpawnOptions): ServiceProcess {
  const { file, args: entryArgs } = commandFor(opts.entry ?? 'tsx');
  const args = opts.nodeArgs && file === process.execPath ? [...entryArgs.slice(0, -1), ...opts.nodeArgs, entryArgs[entryArgs.length - 1]] : entryArgs;
  const cwd = mkdtempSync(join(tmpdir(), 'touchpoint-child-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? cwd, ...opts.env };
  const child = spawn(file, [...args, ...(opts.args ?? [])], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let port = 0;
  let onPort: (port: number) => void = () => undefined;
  const listening = new Promise<number>((resolvePort) => (onPort = resolvePort));
  const collect = (chunk: Buffer): void => {
    out += chunk.toString('utf8');
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
    if (!port) {
      const m = /"port":(\d+)[^\n]*"msg":"listening"|"msg":"listening"[^\n]*"port":(\d+)/.exec(out);
      if (m) {
        port = Number(m[1] ?? m[2]);
        onPort(port);
      }
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, signal) => {
      rmSync(cwd, { recursive: true, force: true });
      done({ code, signal });
    }),
  );
  return { child, pid: child.pid!, output: () => out, exited, listening };
}

/** The environment of the service in Slack HTTP mode against a fake Web API. */
export function slackServiceEnv(o: { databasePath: string; apiUrl: string; signingSecret?: string; port?: number; logLevel?: string }): Record<string, string> {
  return {
    DATABASE_PATH: o.databasePath,
    PORT: String(o.port ?? 0),
    HOST: '127.0.0.1',
    LOG_LEVEL: o.logLevel ?? 'info',
    BACKUP_CRON: 'off',
    SLACK_BOT_TOKEN: 'xoxb-drill-token',
    SLACK_SIGNING_SECRET: o.signingSecret ?? 'drill-signing-secret',
    SLACK_API_URL: o.apiUrl,
  };
}
