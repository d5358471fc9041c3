/**
 * The work after a Slack ack waits for a turn of the event loop of its own, one request at a
 * time and in arrival order, so acks of requests arriving meanwhile are not held behind it; once
 * the queue is full, acks wait for room.
 */
import { TurnQueue } from '../../../adapters/slack/turns';

/** A hand-cranked event loop: each `turn()` runs what was scheduled before it, then the microtasks. */
function handLoop(): { schedule: (run: () => void) => void; turn(): Promise<void>; pending(): number } {
  let queued: (() => void)[] = [];
  return {
    schedule: (run) => void queued.push(run),
    async turn() {
      const now = queued;
      queued = [];
      for (const run of now) run();
      await flushMicrotasks();
    },
    pending: () => queued.length,
  };
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

/** A request: records its ack and the start of its work. */
function request(turns: TurnQueue, name: string, log: string[]): Promise<void> {
  return turns
    .ackThenTurn(() => {
      log.push(`ack ${name}`);
      return Promise.resolve();
    })
    .then(() => void log.push(`work ${name}`));
}

it('acks every request at once and runs their work one per turn, in arrival order', async () => {
  const loop = handLoop();
  const turns = new TurnQueue(loop.schedule, 8);
  const log: string[] = [];
  for (const name of ['a', 'b', 'c']) void request(turns, name, log);

  await flushMicrotasks();
  expect(log).toEqual(['ack a', 'ack b', 'ack c']); // no work in the turn that acked them
  await loop.turn();
  expect(log.slice(3)).toEqual(['work a']);
  await loop.turn();
  expect(log.slice(3)).toEqual(['work a', 'work b']);
  await loop.turn();
  expect(log.slice(3)).toEqual(['work a', 'work b', 'work c']);
  expect(loop.pending()).toBe(0); // nothing left armed once the queue is empty
});

it('once the queue is full, a request is acked only when an earlier one has started its work', async () => {
  const loop = handLoop();
  const turns = new TurnQueue(loop.schedule, 2);
  const log: string[] = [];
  for (const name of ['a', 'b', 'c', 'd']) void request(turns, name, log);

  await flushMicrotasks();
  expect(log).toEqual(['ack a', 'ack b']);
  await loop.turn(); // a's work starts, and c takes its room (in either order within the turn)
  expect(log.slice(2).sort()).toEqual(['ack c', 'work a']);
  await loop.turn();
  expect(log.slice(4).sort()).toEqual(['ack d', 'work b']);
  await loop.turn();
  await loop.turn();
  expect(log.slice(6)).toEqual(['work c', 'work d']);
});

it('a failed ack gives its room back and does no work', async () => {
  const loop = handLoop();
  const turns = new TurnQueue(loop.schedule, 1);
  const log: string[] = [];
  void request(turns, 'a', log);
  const failing = turns.ackThenTurn(() => Promise.reject(new Error('socket closed')));
  void request(turns, 'c', log);
  await flushMicrotasks();
  await loop.turn(); // a starts: room for the failing one, whose ack throws
  await expect(failing).rejects.toThrow('socket closed');
  await flushMicrotasks();
  expect(log.sort()).toEqual(['ack a', 'ack c', 'work a']); // …and its room went straight to c
  await loop.turn();
  expect(log).toContain('work c');
});
