/**
 * Following one request end to end: a DM queued while an HTTP request is handled keeps that
 * request's id in the outbox, and every line its later send, retry or giving-up writes names it —
 * even when the send happens in a pass started by something else. Rows the scheduler planned
 * carry none.
 */
import { captureLog as capture } from '../support/log-capture';
import { createLogger } from '../../src/logger';
import { withRequestId } from '../../src/http/request-context';
import { bookAccepted, createHarness, seedDemoSchool, type Harness } from '../support/harness';

type Line = Record<string, unknown>;

function setUp(): { h: Harness; lines: () => Line[] } {
  const out = capture();
  const h = createHarness({ start: new Date('2026-11-23T15:00:00Z'), logger: createLogger('debug', out.stream) });
  seedDemoSchool(h);
  return { h, lines: out.lines };
}

const linesAbout = (lines: Line[], outboxId: number): [unknown, unknown][] => lines.filter((l) => l.outboxId === outboxId).map((l) => [l.msg, l.requestId]);

describe('request ids carried through the outbox', () => {
  it('a DM queued inside a request is sent later with that request’s id on its log line', async () => {
    const { h, lines } = setUp();
    withRequestId('req-book-1', () => h.run('pat', 'book @casey weekly tue 14:00'));
    const row = h.core.services.outbox.byDedupeKey('booking.proposal:1')!;
    expect(row.requestId).toBe('req-book-1');

    // Sent by a pass another request started: the line names the request that queued the row.
    const sent = await withRequestId('req-unrelated', () => h.deliver());
    expect(sent.map((d) => d.to)).toEqual(['casey']);
    expect(linesAbout(lines(), row.id)).toEqual([['outbox row sent', 'req-book-1']]);
    h.close();
  });

  it('every retry and the giving-up line of that row carry the id, and so does what that outcome queues', async () => {
    const { h, lines } = setUp();
    withRequestId('req-book-2', () => h.run('pat', 'book @casey weekly tue 14:00'));
    const id = h.core.services.outbox.byDedupeKey('booking.proposal:1')!.id;
    h.notifier.script.push({ status: 'retry', error: 'timeout' }, 'throw');
    await h.deliver();
    h.clock.set(new Date(h.clock.now().getTime() + 60 * 60_000));
    await h.deliver();
    h.notifier.unreachable.set('casey', 'user_not_found');
    h.clock.set(new Date(h.clock.now().getTime() + 60 * 60_000));
    await h.deliver();
    expect(linesAbout(lines(), id)).toEqual([
      ['outbox send failed; will retry', 'req-book-2'],
      ['outbox send failed; will retry', 'req-book-2'],
      ['recipient unreachable; message given up', 'req-book-2'],
    ]);
    // What the sender is told of the undeliverable proposal is queued by that outcome, so it follows the same request.
    expect(h.core.services.outbox.byDedupeKey('booking.undeliverable:1')?.requestId).toBe('req-book-2');
    h.close();
  });

  it('rows planned outside any request carry none, and their send lines name no request', async () => {
    const { h, lines } = setUp();
    bookAccepted(h);
    await h.advance(3 * 24 * 60 * 60_000);
    const rows = h.core.db.prepare(`SELECT COUNT(*) AS n, COUNT(request_id) AS withId FROM outbox`).get() as { n: number; withId: number };
    expect(rows.n).toBeGreaterThan(2);
    expect(rows.withId).toBe(0);
    const sentLines = lines().filter((l) => l.msg === 'outbox row sent');
    expect(sentLines.length).toBeGreaterThan(2);
    for (const l of sentLines) expect(l).not.toHaveProperty('requestId');
    h.close();
  });
});
