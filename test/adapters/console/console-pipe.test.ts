/**
 * The real service as a child process, driven through a pipe exactly as
 * `printf '…' | npm start` would drive it: end of input ends the process.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENV_VARS } from '../../../src/config';
import { openDatabase } from '../../../src/store/db';
import { createServices } from '../../../src/store';
import type { Services } from '../../../src/core/ports';
import { tempDbPath } from '../../support/harness';

const ROOT = resolve(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsx src/main.ts <args>` with `input` on stdin and waits for it to exit by itself.
 * Every configuration variable is blanked (a blank means "default", and beats a developer's
 * .env), so the service always starts in local mode with only what the test sets.
 */
function runService(args: string[], input: string, env: Record<string, string>): Promise<Run> {
  const blank = Object.fromEntries(ENV_VARS.map((name) => [name, '']));
  return new Promise((done, fail) => {
    const child = spawn(TSX, ['src/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...blank, PORT: '0', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined); // the process may exit before reading everything (bad config)
    child.stdin.end(input);
  });
}

/** The lines printed after the echo of `user> command`, up to the next echoed command. */
function answerTo(stdout: string, echo: string): string[] {
  const lines = stdout.split('\n');
  const at = lines.indexOf(echo);
  if (at < 0) throw new Error(`"${echo}" was not echoed in:\n${stdout}`);
  const rest = lines.slice(at + 1);
  const end = rest.findIndex((l) => /^[a-z0-9._-]+> /.test(l));
  return (end < 0 ? rest : rest.slice(0, end)).filter((l) => l.trim() !== '');
}

function readStore(path: string): { services: Services; close: () => void } {
  const db = openDatabase(path);
  return { services: createServices(db), close: () => db.close() };
}

describe('the console through a pipe', () => {
  it('books, accepts as casey by pressing the DM’s button, and shows next; exits 0 at end of input', async () => {
    const dbPath = tempDbPath();
    const run = await runService(['--now', '2026-11-23T15:00:00Z'], '/touchpoint book @casey weekly tue 14:00\n:as casey\n:press 1\n/touchpoint next\n', {
      DATABASE_PATH: dbPath,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    expect(answerTo(run.stdout, 'pat> /touchpoint book @casey weekly tue 14:00')).toEqual(
      expect.arrayContaining([
        'Proposed to Casey Lee: weekly on Tuesdays, 14:00–14:30, first on Tue 24 Nov 2026, 14:00–14:30 EST. They can accept or decline.',
        '📨 Mon 23 Nov 2026, 10:00 EST — DM to Casey Lee (@casey):',
        '     [1] Accept   [2] Decline',
      ]),
    );
    expect(answerTo(run.stdout, 'pat> :as casey')).toEqual(['You are now Casey Lee (@casey).']);
    expect(answerTo(run.stdout, 'casey> :press 1')).toEqual(
      expect.arrayContaining([
        '(pressed "Accept")',
        'Booked with Pat Rivera: weekly on Tuesdays, 14:00–14:30. Next: Tue 24 Nov 2026, 14:00–14:30 EST.',
        '📨 Mon 23 Nov 2026, 10:00 EST — DM to Pat Rivera (@pat):',
        '   Casey Lee accepted: weekly on Tuesdays, 14:00–14:30. Next: Tue 24 Nov 2026, 14:00–14:30 EST.',
      ]),
    );
    expect(answerTo(run.stdout, 'casey> /touchpoint next')[0]).toBe('Next touch-point with Pat Rivera: Tue 24 Nov 2026, 14:00–14:30 EST.');
    expect(run.stdout).toContain('Next touch-point with Pat Rivera: Tue 24 Nov 2026, 14:00–14:30 EST.');

    // The database file holds the accepted series.
    const { services, close } = readStore(dbPath);
    try {
      const tenant = services.people.ensureTenant('console', 'local', new Date());
      const casey = services.people.userByExternalId(tenant.id, 'casey')!;
      expect(services.series.liveSeriesOfUser(tenant.id, casey.id)).toEqual([
        expect.objectContaining({ cadence: 'weekly', weekday: 2, time: '14:00', durationMinutes: 30, status: 'active' }),
      ]);
    } finally {
      close();
    }
  }, 60_000);

  it('--no-demo on a fresh database: no touch-points, and :who lists no school', async () => {
    const dbPath = tempDbPath();
    const run = await runService(['--no-demo'], '/touchpoint next\n:who\n', { DATABASE_PATH: dbPath });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(answerTo(run.stdout, 'pat> /touchpoint next')[0]).toBe('You have no touch-points yet.');
    expect(answerTo(run.stdout, 'pat> :who')).toEqual(['You are pat (@pat).']);
    expect(run.stdout).not.toContain('Demo Elementary');

    const { services, close } = readStore(dbPath);
    try {
      expect(services.people.schoolsOfTenant(services.people.ensureTenant('console', 'local', new Date()).id)).toEqual([]);
    } finally {
      close();
    }
  }, 60_000);

  it('a form filled in line by line creates the proposal; a refused answer is asked again alone', async () => {
    const dbPath = tempDbPath();
    const answers = [
      '/touchpoint book',
      '1', // With: Casey Lee
      '', // How often: [weekly]
      '2', // Day: Tuesday
      '25:00', // Time: refused after submission
      '', // Minutes: [30]
      '', // Starting: skipped
      '2:30pm', // Time, asked again
      ':as casey',
      ':press 1',
      '/touchpoint next',
    ];
    const run = await runService(['--now', '2026-11-23T15:00:00Z'], `${answers.join('\n')}\n`, { DATABASE_PATH: dbPath });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Form: Book a touch-point');
    expect(run.stdout).toContain('Time: "25:00" is not a time (use 14:00, 2pm or 2:30pm)');
    expect(answerTo(run.stdout, 'pat> 2:30pm')).toEqual(
      expect.arrayContaining([
        'Proposed to Casey Lee: weekly on Tuesdays, 14:30–15:00, first on Tue 24 Nov 2026, 14:30–15:00 EST. They can accept or decline.',
        '📨 Mon 23 Nov 2026, 10:00 EST — DM to Casey Lee (@casey):',
      ]),
    );
    expect(answerTo(run.stdout, 'casey> /touchpoint next')[0]).toBe('Next touch-point with Pat Rivera: Tue 24 Nov 2026, 14:30–15:00 EST.');

    const { services, close } = readStore(dbPath);
    try {
      const tenant = services.people.ensureTenant('console', 'local', new Date());
      const pat = services.people.userByExternalId(tenant.id, 'pat')!;
      expect(services.series.liveSeriesOfUser(tenant.id, pat.id)).toEqual([
        expect.objectContaining({ cadence: 'weekly', weekday: 2, time: '14:30', durationMinutes: 30, status: 'active', proposedBy: pat.id }),
      ]);
    } finally {
      close();
    }
  }, 60_000);

  it('a bad environment value stops start-up with exit 1 and one line on stderr', async () => {
    const dbPath = tempDbPath();
    const run = await runService([], '/touchpoint next\n', { DATABASE_PATH: dbPath, LOG_LEVEL: 'loud' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('touchpoint: cannot start: LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")\n');
    expect(run.stdout).toBe('');
    expect(existsSync(dbPath)).toBe(false);
  }, 60_000);
});
