/**
 * The daily failure digest: a workspace's admins get one DM a day when deliveries were given up
 * in the last 24 hours, counted by kind (a confidential kind only as "private message").
 */
import { createHarness, seedDemoSchool, type Harness } from '../support/harness';

const HOUR = 3_600_000;

function setup(): Harness {
  // Mon 23 Nov 2026 13:00 UTC: 08:00 in New York, the school's zone.
  const h = createHarness({ start: new Date('2026-11-23T13:00:00Z') });
  seedDemoSchool(h);
  const now = h.clock.now();
  const tenant = h.core.services.people.ensureTenant('console', 'local', now);
  const ada = h.core.services.people.ensureUser(tenant.id, 'ada', now, 'Ada Admin', 'ada');
  h.core.services.people.addTenantAdmin(tenant.id, ada.id, null, now);
  return h;
}

let seq = 0;
/** A row given up now, as dispatch leaves it. */
function giveUp(h: Harness, to: string, kind: string, error = 'HTTP 500'): void {
  const now = h.clock.now();
  const recipient = h.user(to);
  const key = `digest-test:${seq++}`;
  h.core.services.outbox.enqueue(
    {
      tenantId: recipient.tenantId,
      recipientId: recipient.id,
      kind,
      dedupeKey: key,
      message: { text: 'x', blocks: [] },
      dueAt: new Date(now.getTime() - HOUR),
    },
    now,
  );
  h.core.db.prepare(`UPDATE outbox SET status = 'dead', attempts = 5, last_error = ?, dead_at = ? WHERE dedupe_key = ?`).run(error, now.toISOString(), key);
}

const digests = (h: Harness) => h.notifier.to('ada').filter((d) => d.message.text.includes('could not deliver'));

describe('the daily failure digest', () => {
  it('sends nothing when nothing failed', async () => {
    const h = setup();
    await h.advance(26 * HOUR);
    expect(digests(h)).toEqual([]);
  });

  it('sends the admins one DM with counts by kind and where to review, and no second one the same day', async () => {
    const h = setup();
    giveUp(h, 'pat', 'agenda.prompt');
    giveUp(h, 'casey', 'agenda.prompt', 'unreachable: not in team');
    giveUp(h, 'taylor', 'coaching.question');
    await h.advance(60_000);
    const sent = digests(h);
    expect(sent).toHaveLength(1);
    const body = JSON.stringify(sent[0].message);
    expect(sent[0].message.text).toContain('Touchpoint could not deliver 3 messages in the last 24 hours');
    expect(body).toContain('2 agenda prompt');
    expect(body).toContain('1 private message');
    expect(body).toContain('Review: /touchpoint deliveries');
    expect(body).not.toMatch(/coaching|Taylor/i);
    // Another failure and more ticks the same day: still one.
    giveUp(h, 'pat', 'action.due');
    await h.advance(3 * HOUR);
    expect(digests(h)).toHaveLength(1);
    // The next morning: the one failure since the last digest.
    h.clock.set(new Date('2026-11-24T12:59:00Z'));
    await h.advance(2 * 60_000);
    expect(digests(h)).toHaveLength(2);
    expect(digests(h)[1].message.text).toContain('could not deliver 1 message in the last 24 hours');
  });

  it('waits for the morning in the school’s zone', async () => {
    const h = setup();
    h.clock.set(new Date('2026-11-24T07:00:00Z')); // 02:00 in New York
    giveUp(h, 'pat', 'agenda.prompt');
    await h.advance(60_000);
    expect(digests(h)).toEqual([]);
    h.clock.set(new Date('2026-11-24T12:00:00Z')); // 07:00
    await h.advance(60_000);
    expect(digests(h)).toHaveLength(1);
  });

  it('goes only to the workspace’s admins, not to other workspaces', async () => {
    const h = setup();
    seedDemoSchool(h, 'other');
    const now = h.clock.now();
    const other = h.core.services.people.ensureTenant('console', 'other', now);
    const otto = h.core.services.people.ensureUser(other.id, 'otto', now, 'Otto Admin', 'otto');
    h.core.services.people.addTenantAdmin(other.id, otto.id, null, now);
    giveUp(h, 'pat', 'agenda.prompt');
    await h.advance(60_000);
    expect(digests(h)).toHaveLength(1);
    expect(h.notifier.to('otto')).toEqual([]);
    expect(h.notifier.to('pat').filter((d) => d.message.text.includes('could not deliver'))).toEqual([]);
  });
});
