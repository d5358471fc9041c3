/**
 * Another connection holding the write lock: a command waits for it (the busy timeout) and
 * succeeds when it is released, or answers a clear "busy, try again" when it is not — never a
 * crash, never a half-done change.
 */
import { Worker } from 'node:worker_threads';
import { createHarness, seedDemoSchool, tempDbPath, text } from '../support/harness';

/**
 * Holds the write lock from a worker thread (a second connection, as another process would),
 * for `holdMs` or until told to let go. Worker code is plain JS: it runs outside ts-jest.
 */
function lockHolder(path: string, holdMs: number): { locked: Promise<void>; released: Promise<void>; release(): void; worker: Worker } {
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.path);
    db.exec('BEGIN IMMEDIATE');
    db.prepare("INSERT INTO tenants (platform, external_id, created_at) VALUES ('console', 'lock-holder', '2026-01-01')").run();
    parentPort.postMessage('locked');
    const done = () => { db.exec('COMMIT'); db.close(); parentPort.postMessage('released'); };
    const timer = workerData.holdMs > 0 ? setTimeout(done, workerData.holdMs) : null;
    parentPort.on('message', () => { if (timer) clearTimeout(timer); done(); });
  `,
    { eval: true, workerData: { path, holdMs, module: require.resolve('better-sqlite3') } },
  );
  let onLocked: () => void = () => undefined;
  let onReleased: () => void = () => undefined;
  const locked = new Promise<void>((r) => (onLocked = r));
  const released = new Promise<void>((r) => (onReleased = r));
  worker.on('message', (m: string) => (m === 'locked' ? onLocked() : onReleased()));
  return { locked, released, release: () => worker.postMessage('release'), worker };
}

describe('a write lock held by another connection', () => {
  it('with the lock kept past the busy timeout, the command answers "busy, try again" and changes nothing; later it succeeds', async () => {
    const path = tempDbPath();
    const h = createHarness({ databasePath: path, busyTimeoutMs: 50 });
    seedDemoSchool(h);
    const holder = lockHolder(path, 0);
    await holder.locked;
    const reply = h.run('pat', 'book @casey weekly tue 14:00');
    expect(text(reply)).toBe('Touchpoint is busy right now; nothing was changed. Try again in a moment.');
    holder.release();
    await holder.released;
    expect(h.core.db.prepare('SELECT COUNT(*) AS n FROM series').get()).toEqual({ n: 0 });
    expect(text(h.run('pat', 'book @casey weekly tue 14:00'))).toContain('Proposed to Casey Lee');
    await holder.worker.terminate();
    h.close();
  });

  it('with the lock released within the busy timeout, the command waits and succeeds', async () => {
    const path = tempDbPath();
    const h = createHarness({ databasePath: path, busyTimeoutMs: 10_000 });
    seedDemoSchool(h);
    // The other writer lets go on its own, as a short transaction elsewhere would.
    const holder = lockHolder(path, 150);
    await holder.locked;
    expect(text(h.run('pat', 'book @casey weekly tue 14:00'))).toContain('Proposed to Casey Lee');
    await holder.released;
    expect(h.core.db.prepare(`SELECT COUNT(*) AS n FROM tenants WHERE external_id = 'lock-holder'`).get()).toEqual({ n: 1 });
    await holder.worker.terminate();
    h.close();
  });

  it('the scheduler tick under a held lock fails cleanly and the next tick catches up', async () => {
    const path = tempDbPath();
    const h = createHarness({ databasePath: path, busyTimeoutMs: 50 });
    seedDemoSchool(h);
    h.run('pat', 'book @casey weekly tue 14:00');
    const holder = lockHolder(path, 0);
    await holder.locked;
    // SqliteError comes from the native module's realm, so its message is checked rather than its class.
    const failure = await h.core.scheduler.tick().then(
      () => undefined,
      (err: unknown) => (err as Error).message,
    );
    expect(failure).toBe('database is locked');
    holder.release();
    await holder.released;
    const second = await h.core.scheduler.tick().then(
      () => 'ok',
      (err: unknown) => `second: ${(err as Error).message}`,
    );
    expect(second).toBe('ok');
    expect(h.notifier.to('casey').map((d) => d.message.blocks[0])).toEqual([{ type: 'header', text: 'Touch-point proposal' }]);
    await holder.worker.terminate();
    h.close();
  });
});
