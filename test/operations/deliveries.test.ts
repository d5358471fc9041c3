/**
 * `/touchpoint deliveries`: failed and unreachable deliveries an admin can see and send again,
 * without ever showing a message's content or a confidential fact.
 */
import { createHarness, seedDemoSchool, text, type Harness } from '../support/harness';
import { buttonsOf, type Message } from '../../src/messages/model';
import type { Reply } from '../../src/core/context';

const HOUR = 3_600_000;

function setup(): Harness {
  const h = createHarness();
  seedDemoSchool(h);
  const now = h.clock.now();
  const tenant = h.core.services.people.ensureTenant('console', 'local', now);
  const ada = h.core.services.people.ensureUser(tenant.id, 'ada', now, 'Ada Admin', 'ada');
  h.core.services.people.addTenantAdmin(tenant.id, ada.id, null, now);
  return h;
}

/** Queues a DM and gives it up as dispatch would after a day of failures (or finding its recipient unreachable). */
function failed(h: Harness, o: { to: string; kind: string; key: string; error: string; dueAgoMs?: number; expiresInMs?: number; body?: string }): number {
  const now = h.clock.now();
  const recipient = h.user(o.to);
  const due = new Date(now.getTime() - (o.dueAgoMs ?? 2 * HOUR));
  h.core.services.outbox.enqueue(
    {
      tenantId: recipient.tenantId,
      recipientId: recipient.id,
      kind: o.kind,
      dedupeKey: o.key,
      message: { text: o.body ?? 'a message', blocks: [{ type: 'text', text: o.body ?? 'a message' }] },
      dueAt: due,
      expiresAt: o.expiresInMs === undefined ? null : new Date(now.getTime() + o.expiresInMs),
    },
    due,
  );
  h.core.db
    .prepare(`UPDATE outbox SET status = 'dead', attempts = 7, last_error = ?, first_failed_at = ?, dead_at = ? WHERE dedupe_key = ?`)
    .run(o.error, due.toISOString(), now.toISOString(), o.key);
  return h.core.services.outbox.byDedupeKey(o.key)!.id;
}

const retryButtons = (m: Message) => buttonsOf(m).filter((b) => b.actionId === 'deliveries.retry');
const pressValue = (h: Harness, handle: string, m: Message, actionId: string, value: string): Reply => {
  const button = buttonsOf(m).find((b) => b.actionId === actionId && b.value === value);
  if (!button) throw new Error(`no ${actionId} button for ${value} in: ${m.text}`);
  return h.core.app.action({ identity: { platform: 'console', tenantExternalId: 'local', userExternalId: handle, handle } }, actionId, value);
};

describe('/touchpoint deliveries', () => {
  it('is refused to anyone but an admin, with a clear line', () => {
    const h = setup();
    expect(text(h.run('pat', 'deliveries'))).toContain('Only a Touchpoint admin or a school admin reviews failed deliveries.');
    expect(text(h.run('casey', 'deliveries'))).toContain('Only a Touchpoint admin or a school admin reviews failed deliveries.');
  });

  it('lists failed and unreachable deliveries: when, kind, recipient, attempts, last error — never the message or a confidential fact', () => {
    const h = setup();
    failed(h, { to: 'pat', kind: 'agenda.prompt', key: 'k:prompt', error: 'unreachable: user_not_found', expiresInMs: 24 * HOUR });
    failed(h, {
      to: 'taylor',
      kind: 'coaching.question',
      key: 'coaching:r7:q',
      error: 'HTTP 500 from Slack',
      body: 'About your request on classroom management',
    });
    const r = h.run('ada', 'deliveries');
    const out = JSON.stringify(r.messages);
    expect(text(r)).toContain('2 failed deliveries');
    expect(out).toContain('agenda prompt');
    expect(out).toContain('Pat Rivera');
    expect(out).toContain('7 attempts');
    expect(out).toContain('unreachable: user\\\\_not\\\\_found'); // escaped markup
    // The coaching message: neither its kind, its recipient, nor its text.
    expect(out).toContain('private message');
    expect(out).not.toContain('Taylor');
    expect(out).not.toMatch(/coaching|classroom/i);
    expect(retryButtons(r.messages[0])).toHaveLength(2);
    expect(buttonsOf(r.messages[0]).map((b) => b.label)).toContain('Retry all');
  });

  it('shows at most 10 rows, with how many more there are', () => {
    const h = setup();
    for (let i = 0; i < 13; i++) failed(h, { to: 'pat', kind: 'action.due', key: `k:${i}`, error: 'HTTP 500', dueAgoMs: (i + 1) * HOUR });
    const r = h.run('ada', 'deliveries');
    expect(retryButtons(r.messages[0])).toHaveLength(10);
    expect(text(r)).toContain('and 3 more');
  });

  it('says so when nothing failed, and validates its arguments with the usage line', () => {
    const h = setup();
    expect(text(h.run('ada', 'deliveries'))).toContain('No failed deliveries since');
    const bad = text(h.run('ada', 'deliveries sometimes'));
    expect(bad).toContain('/touchpoint deliveries [failed|all] [since <date>]');
    expect(text(h.run('ada', 'deliveries since notadate'))).toContain('/touchpoint deliveries [failed|all] [since <date>]');
  });

  it('`all` adds expired rows; `since` leaves out older ones', () => {
    const h = setup();
    failed(h, { to: 'pat', kind: 'action.due', key: 'k:old', error: 'HTTP 500', dueAgoMs: 5 * 24 * HOUR });
    const expiredId = failed(h, { to: 'casey', kind: 'agenda.compiled', key: 'k:exp', error: 'HTTP 500' });
    h.core.db.prepare(`UPDATE outbox SET status = 'expired' WHERE id = ?`).run(expiredId);
    expect(text(h.run('ada', 'deliveries'))).toContain('1 failed delivery');
    expect(text(h.run('ada', 'deliveries all'))).toContain('2 failed or expired deliveries');
    const since = h.run('ada', 'deliveries all since 2026-11-22');
    expect(text(since)).toContain('1 failed or expired delivery');
    expect(JSON.stringify(since.messages)).toContain('compiled agenda');
  });

  it('Retry re-queues the row, audited, and it is delivered', async () => {
    const h = setup();
    const id = failed(h, { to: 'pat', kind: 'action.due', key: 'k:a', error: 'HTTP 500' });
    const list = h.run('ada', 'deliveries');
    const r = pressValue(h, 'ada', list.messages[0], 'deliveries.retry', String(id));
    expect(text(r)).toContain('Sending the action item reminder to Pat Rivera again');
    const row = h.core.services.outbox.byId(id)!;
    expect([row.status, row.attempts, row.dueAt.getTime(), row.lastError]).toEqual(['pending', 0, h.clock.now().getTime(), null]);
    expect(row.expiresAt!.getTime()).toBe(h.clock.now().getTime() + 24 * HOUR);
    const audit = h.core.db.prepare(`SELECT action, subject_type, subject_id, actor_id FROM audit_log WHERE action = 'delivery.retry'`).all();
    expect(audit).toEqual([{ action: 'delivery.retry', subject_type: 'outbox', subject_id: id, actor_id: h.user('ada').id }]);
    const sent = await h.deliver();
    expect(sent.map((d) => d.to)).toEqual(['pat']);
    // Pressed again: it is not failed any more.
    expect(text(pressValue(h, 'ada', list.messages[0], 'deliveries.retry', String(id)))).toContain('is not a failed delivery any more');
  });

  it('refuses a row whose moment has passed, saying so', () => {
    const h = setup();
    const id = failed(h, { to: 'pat', kind: 'agenda.prompt', key: 'k:p', error: 'HTTP 500', expiresInMs: -HOUR });
    const list = h.run('ada', 'deliveries');
    const r = text(pressValue(h, 'ada', list.messages[0], 'deliveries.retry', String(id)));
    expect(r).toContain('The agenda prompt was for a moment that has passed');
    expect(h.core.services.outbox.byId(id)!.status).toBe('dead');
  });

  it('refuses a row whose reader may no longer read it', () => {
    const h = setup();
    const id = failed(h, { to: 'casey', kind: 'coaching.request', key: 'coaching:r999:new', error: 'HTTP 500' });
    const list = h.run('ada', 'deliveries');
    const r = text(pressValue(h, 'ada', list.messages[0], 'deliveries.retry', String(id)));
    expect(r).toContain('its recipient may no longer read it');
    expect(r).not.toMatch(/coaching/i);
    expect(h.core.services.outbox.byId(id)!.status).toBe('dead');
  });

  it('refuses a retry pressed by someone who is not an admin (a forwarded button)', () => {
    const h = setup();
    const id = failed(h, { to: 'pat', kind: 'action.due', key: 'k:a', error: 'HTTP 500' });
    const list = h.run('ada', 'deliveries');
    expect(text(pressValue(h, 'casey', list.messages[0], 'deliveries.retry', String(id)))).toContain('Only a Touchpoint admin');
    expect(h.core.services.outbox.byId(id)!.status).toBe('dead');
  });

  it('Retry all re-queues what can be sent and says what was not', () => {
    const h = setup();
    const a = failed(h, { to: 'pat', kind: 'action.due', key: 'k:a', error: 'HTTP 500' });
    const b = failed(h, { to: 'casey', kind: 'action.due', key: 'k:b', error: 'unreachable: not in team' });
    const c = failed(h, { to: 'pat', kind: 'agenda.prompt', key: 'k:c', error: 'HTTP 500', expiresInMs: -HOUR });
    const list = h.run('ada', 'deliveries');
    const all = buttonsOf(list.messages[0]).find((x) => x.label === 'Retry all')!;
    const r = h.core.app.action(
      { identity: { platform: 'console', tenantExternalId: 'local', userExternalId: 'ada', handle: 'ada' } },
      all.actionId,
      all.value,
    );
    expect(text(r)).toContain('Sending 2 deliveries again');
    expect(text(r)).toContain('1 not sent again: its moment has passed');
    expect([a, b, c].map((id) => h.core.services.outbox.byId(id)!.status)).toEqual(['pending', 'pending', 'dead']);
    expect((h.core.db.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'delivery.retry'`).get() as { n: number }).n).toBe(2);
  });

  it('a school admin sees only deliveries to people of their school', () => {
    const h = setup();
    const now = h.clock.now();
    const tenant = h.core.services.people.ensureTenant('console', 'local', now);
    const other = h.core.services.people.createSchool(
      tenant.id,
      { name: 'Other High', timeZone: 'America/New_York', dayStart: '07:30', dayEnd: '15:30', createdBy: h.user('ada').id },
      now,
    );
    const sam = h.core.services.people.ensureUser(tenant.id, 'sam', now, 'Sam Stone', 'sam');
    h.core.services.people.addMembership(tenant.id, other.id, sam.id, 'principal', now);
    const sue = h.core.services.people.ensureUser(tenant.id, 'sue', now, 'Sue School-Admin', 'sue');
    h.core.services.people.addMembership(tenant.id, other.id, sue.id, 'admin', now);
    failed(h, { to: 'pat', kind: 'action.due', key: 'k:pat', error: 'HTTP 500' });
    failed(h, { to: 'sam', kind: 'action.due', key: 'k:sam', error: 'HTTP 500' });
    const out = JSON.stringify(h.run('sue', 'deliveries').messages);
    expect(out).toContain('Sam Stone');
    expect(out).not.toContain('Pat Rivera');
  });
});
