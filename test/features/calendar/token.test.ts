/**
 * Feed links: made on first use and shown once (only a SHA-256 hash is stored), rotated with a
 * confirmation (the old link 404s at once), unknown tokens 404, and no feed for teachers.
 */
import { createHash } from 'node:crypto';
import { createHarness, seedDemoSchool, bookAccepted, text, type Harness } from '../../support/harness';
import { buttonsOf } from '../../../src/messages/model';
import { calendarRig, feedPathIn, type CalendarRig } from './helpers';

describe('calendar feed links', () => {
  let h: Harness;
  let rig: CalendarRig;
  beforeEach(async () => {
    h = createHarness({ start: new Date('2026-11-18T17:00:00Z') });
    seedDemoSchool(h);
    bookAccepted(h);
    rig = await calendarRig(h);
  });
  afterEach(async () => {
    await rig.close();
    h.close();
  });

  it('gives a private link on first use, keeps only its hash, and shows how to subscribe', async () => {
    const first = rig.run('pat', 'calendar');
    const path = feedPathIn(first);
    const token = /\/calendar\/(.+)\.ics$/.exec(path)![1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 random bytes, base64url
    expect(text(first)).toContain('Google Calendar');
    expect(text(first)).toContain('Outlook');
    expect(text(first)).toContain('Apple Calendar');
    expect(buttonsOf(first.messages[0]).map((b) => b.label)).toEqual(['Rotate link', 'How to subscribe']);

    const rows = h.core.db.prepare('SELECT * FROM calendar_feeds').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);

    expect((await rig.get(path)).status).toBe(200);
    // Asked again: the feed exists and was fetched; the link itself cannot be shown again.
    const again = rig.run('pat', 'calendar');
    expect(text(again)).toContain('You have a calendar feed');
    expect(text(again)).toContain('A calendar last fetched it on');
    expect(text(again)).not.toContain('/calendar/');
    expect(text(rig.press('pat', again.messages[0], 'How to subscribe'))).toContain('New Calendar Subscription');
  });

  it('rotates only after confirming: the old link 404s at once and the new one works', async () => {
    const oldPath = feedPathIn(rig.run('pat', 'calendar'));
    const asked = rig.press('pat', rig.run('pat', 'calendar').messages[0], 'Rotate link');
    expect(text(asked)).toContain('The old link stops working at once');
    expect((await rig.get(oldPath)).status).toBe(200); // nothing changed before confirming
    expect(text(rig.press('pat', asked.messages[0], 'Keep the current link'))).toContain('Kept');
    expect((await rig.get(oldPath)).status).toBe(200);

    const rotated = rig.press('pat', asked.messages[0], 'Rotate now');
    const newPath = feedPathIn(rotated);
    expect(newPath).not.toBe(oldPath);
    const gone = await rig.get(oldPath);
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body)).toEqual({ error: 'not found' });
    expect(gone.headers.get('content-type')).toContain('application/json');
    expect((await rig.get(newPath)).status).toBe(200);

    // The same confirmation pressed again does not rotate a second time.
    expect(text(rig.press('pat', asked.messages[0], 'Rotate now'))).toContain('already rotated');
    expect((await rig.get(newPath)).status).toBe(200);

    // `/touchpoint calendar rotate` asks the same question.
    const typed = rig.run('pat', 'calendar rotate');
    expect(buttonsOf(typed.messages[0]).map((b) => b.label)).toEqual(['Rotate now', 'Keep the current link']);
    const third = feedPathIn(rig.press('pat', typed.messages[0], 'Rotate now'));
    expect((await rig.get(newPath)).status).toBe(404);
    expect((await rig.get(third)).status).toBe(200);
  });

  it('answers 404 and nothing else for unknown tokens and malformed paths', async () => {
    for (const path of ['/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics', '/calendar/short.ics', '/calendar/', '/calendar/x/../y.ics']) {
      const res = await rig.get(path);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body)).toEqual({ error: 'not found' });
    }
  });

  it('refuses a teacher with one clear line, and makes no feed', () => {
    const r = rig.run('taylor', 'calendar');
    expect(text(r)).toBe(
      'Calendar feeds are for principals, assistant principals and coaches, for their touch-points; a teacher has one once a coaching session is confirmed.',
    );
    expect(text(rig.run('taylor', 'calendar rotate'))).toContain('Calendar feeds are for principals');
    expect(h.core.db.prepare('SELECT COUNT(*) AS n FROM calendar_feeds').get()).toEqual({ n: 0 });
  });

  it('refuses a coach with no touch-point yet, and a stray word with the usage line', () => {
    h.core.services.people.addMembership(
      h.user('pat').tenantId,
      1,
      h.core.services.people.ensureUser(h.user('pat').tenantId, 'robin', h.clock.now(), 'Robin Diaz', 'robin').id,
      'coach',
      h.clock.now(),
    );
    expect(text(rig.run('robin', 'calendar'))).toContain('you have none yet');
    expect(text(rig.run('pat', 'calendar export'))).toBe('"export" is not rotate or import\nUsage: /touchpoint calendar [rotate|import]');
  });

  it('stops serving a feed when its owner no longer holds their role', async () => {
    const path = feedPathIn(rig.run('casey', 'calendar'));
    expect((await rig.get(path)).status).toBe(200);
    h.core.services.people.removeMembership(h.user('pat').tenantId, 1, h.user('casey').id, 'coach');
    expect((await rig.get(path)).status).toBe(404);
  });
});
