/**
 * The escalation pathway end to end with the settable clock, and who may see or do what.
 */
import { createHarness, inbound, text, type Harness, type SentDm } from '../../support/harness';
import { seedEscalationSchools } from './support';
import { buttonsOf, formOf, type Message } from '../../../src/messages/model';
import type { Reply } from '../../../src/core/context';
import { internalMention } from '../../../src/core/app';
import { renderPlainText } from '../../../adapters/console/render-plain-text';

const HOUR = 3_600_000;
const headerOf = (m: Message): string => (m.blocks[0]?.type === 'header' ? (m.blocks[0] as { text: string }).text : m.text);
const CONCERN = 'Ms Morgan has not started the new phonics block; students in room 12 are falling behind.';

const setup = seedEscalationSchools;

function escalate(h: Harness, fields: { concern?: string; category?: string; about?: string; urgency?: string }): Reply {
  const form = formOf(h.run('casey', 'escalate').messages[0])!;
  expect(form.inputs.map((i) => i.id)).toEqual(['concern', 'category', 'about', 'urgency']);
  return h.core.app.submitForm(inbound('casey'), form.formId, {
    concern: CONCERN,
    category: 'curriculum',
    about: internalMention(h.user('taylor')),
    urgency: 'wait',
    ...fields,
  }).reply;
}

const press = (h: Harness, who: string, r: Reply | Message, label: string): Reply =>
  h.press(who, 'messages' in r ? r.messages[r.messages.length - 1] : r, label);

describe('the pathway', () => {
  let h: Harness;
  beforeEach(async () => {
    h = createHarness({ start: new Date('2026-11-18T15:00:00Z') }); // Wed 10:00 New York
    setup(h);
    await h.deliver();
    h.notifier.clear();
  });
  afterEach(() => h.close());

  it('normal: not yet shared → the pathway and reflection → asked on the reflection date → raised onto the agenda, no instant DM', async () => {
    const asked = escalate(h, {});
    expect(text(asked)).toBe('Have you shared your concern with the teacher and listened to their reply?');
    const pathway = press(h, 'casey', asked, 'Not yet');
    expect(text(pathway)).toContain('Go back to the teacher: share your concern, and listen to their reply.');
    expect(text(pathway)).toContain('Saved as reflecting; on Fri 20 Nov 2026 you will be asked whether to raise it.');
    // Fri 20 Nov 08:00: only the coach is asked.
    const dms = await h.advance(new Date('2026-11-20T14:00:00Z').getTime() - h.clock.now().getTime());
    const question = dms.find((d) => headerOf(d.message) === 'Still need to raise it?')!;
    expect(question.to).toBe('casey');
    expect(buttonsOf(question.message).map((b) => b.label)).toEqual(['Raise it', 'We worked it out', 'Not yet (2 more days)']);
    expect(dms.filter((d) => d.to === 'pat' && renderPlainText(d.message).includes('phonics'))).toEqual([]);
    const confirm = press(h, 'casey', question.message, 'Raise it');
    expect(text(confirm)).toContain('Does the teacher know it will be discussed with the principal?');
    const raised = press(h, 'casey', confirm, 'Raise it — they know');
    expect(text(raised)).toBe(
      'Raised. It is on the agenda of your touch-point with Pat Rivera on Tue 24 Nov 2026, 14:00–14:30 EST, in the Escalations section. Pat Rivera sees it with that agenda, not before, and gets no message about it on its own.',
    );
    const row = h.core.db.prepare('SELECT stage, teacher_informed, shared_first FROM escalations').get();
    expect(row).toEqual({ stage: 'raised', teacher_informed: 1, shared_first: 0 });
    expect(await h.deliver()).toEqual([]); // no instant DM
    // The compiled agenda on Tuesday shows it to both, counted.
    const tuesday = await h.advance(new Date('2026-11-24T18:30:00Z').getTime() - h.clock.now().getTime());
    const compiled = tuesday.filter((d) => headerOf(d.message).startsWith('Agenda —'));
    expect(compiled.map((d) => d.to).sort()).toEqual(['casey', 'pat']);
    for (const d of compiled) {
      const plain = renderPlainText(d.message);
      expect(plain).toContain('Escalations (1)');
      expect(plain).toContain(CONCERN);
    }
  });

  it('normal: resolved during reflection never reaches the principal', async () => {
    const pathway = press(h, 'casey', escalate(h, {}), 'Not yet');
    expect(text(pathway)).toContain('reflecting');
    const dms = await h.advance(2 * 24 * HOUR);
    const question = dms.find((d) => headerOf(d.message) === 'Still need to raise it?')!;
    expect(text(press(h, 'casey', question.message, 'We worked it out'))).toBe('Good to hear you worked it out. It is closed; it never reached the principal.');
    expect(text(h.run('pat', 'escalations'))).toBe('No open escalations you can see.');
    const all = await h.advance(7 * 24 * HOUR);
    expect(all.filter((d) => renderPlainText(d.message).includes('phonics'))).toEqual([]);
  });

  it('"not yet" twice moves the question two school days each time', async () => {
    press(h, 'casey', escalate(h, {}), 'Not yet');
    let dms = await h.advance(new Date('2026-11-20T14:00:00Z').getTime() - h.clock.now().getTime());
    let q = dms.find((d) => headerOf(d.message) === 'Still need to raise it?')!;
    expect(text(press(h, 'casey', q.message, 'Not yet (2 more days)'))).toBe('Fine. You will be asked again on Tue 24 Nov 2026.');
    dms = await h.advance(new Date('2026-11-24T14:00:00Z').getTime() - h.clock.now().getTime());
    q = dms.find((d) => headerOf(d.message) === 'Still need to raise it?')!;
    expect(q.at.toISOString()).toBe('2026-11-24T13:00:00.000Z');
    expect(text(press(h, 'casey', q.message, 'Not yet (2 more days)'))).toBe('Fine. You will be asked again on Thu 26 Nov 2026.');
    expect(h.core.db.prepare('SELECT not_yet_count AS n, stage FROM escalations').get()).toEqual({ n: 2, stage: 'reflecting' });
    // The stale question no longer works once answered.
    expect(text(press(h, 'casey', q.message, 'Raise it'))).toContain('Does the teacher know');
  });

  it('urgent: the principal is paged at once and acknowledges; time and person recorded; nobody is paged again', async () => {
    const r = escalate(h, { category: 'safety', urgency: 'urgent', concern: 'A student disclosed being hurt at home.' });
    expect(text(r)).toContain(
      'Sent now to Pat Rivera as urgent. If nobody acknowledges it within 2 hours, they are asked again and the assistant principal is paged.',
    );
    const now = await h.deliver();
    expect(now.map((d) => [d.to, headerOf(d.message)])).toEqual([
      ['pat', 'Urgent escalation — student safety'],
      // The coach learns who was reached, and when.
      ['casey', 'Your urgent escalation #1 reached Pat Rivera (Wed 18 Nov 2026, 10:00 EST). You will hear when it is acknowledged.'],
    ]);
    h.clock.advance(5 * 60_000);
    expect(text(press(h, 'pat', now[0].message, 'Acknowledge'))).toBe(
      'Acknowledged at Wed 18 Nov 2026, 10:05 EST. Record the outcome when there is one: /touchpoint escalations.',
    );
    expect(h.core.db.prepare('SELECT acknowledged_at, acknowledged_by FROM escalations').get()).toEqual({
      acknowledged_at: '2026-11-18T15:05:00.000Z',
      acknowledged_by: h.user('pat').id,
    });
    const later = await h.advance(3 * HOUR);
    expect(later.map((d) => [d.to, d.message.text])).toEqual([['casey', 'Pat Rivera acknowledged your urgent escalation #1 at Wed 18 Nov 2026, 10:05 EST.']]);
  });

  it('urgent, unacknowledged: after 2 hours the principal is asked again and the assistant principal is paged', async () => {
    escalate(h, { category: 'safety', urgency: 'urgent', concern: 'Unsafe playground equipment reported.' });
    expect((await h.deliver()).map((d) => d.to)).toEqual(['pat', 'casey']);
    const dms = await h.advance(2 * HOUR + 60_000);
    expect(dms.map((d) => [d.to, headerOf(d.message), d.at.toISOString()]).sort()).toEqual([
      ['pat', 'Still unacknowledged: urgent escalation', '2026-11-18T17:00:00.000Z'],
      ['sam', 'Paged: urgent escalation not yet acknowledged', '2026-11-18T17:00:00.000Z'],
    ]);
    expect(text(press(h, 'sam', dms.find((d) => d.to === 'sam')!.message, 'Acknowledge'))).toContain('Acknowledged at');
    expect(h.core.db.prepare('SELECT acknowledged_by AS by FROM escalations').get()).toEqual({ by: h.user('sam').id });
  });

  it('outcome with a plan: follow-up reminder to the owner, and back on the agenda', async () => {
    press(h, 'casey', press(h, 'casey', escalate(h, {}), 'Yes, we talked'), 'Raise it — not told');
    h.clock.set(new Date('2026-11-24T18:00:00Z')); // the compiled agenda of Tue 24 Nov: the principal may read it now
    const list = h.run('pat', 'escalations');
    expect(text(list)).toBe('1 open escalation');
    const form = formOf(press(h, 'pat', list, 'Record outcome').messages[0])!;
    const bad = h.core.app.submitForm(inbound('pat'), form.formId, { outcome: 'plan', plan: 'Co-plan the phonics block' });
    expect(bad.fieldErrors).toEqual({ owner: 'a plan needs an owner' });
    const saved = h.core.app.submitForm(inbound('pat'), form.formId, {
      outcome: 'plan',
      plan: 'Co-plan the phonics block',
      owner: internalMention(h.user('casey')),
      followUp: '2026-11-30',
    });
    expect(text(saved.reply)).toBe(
      'Plan agreed for escalation #1: Co-plan the phonics block Owner: Casey Lee; follow-up Mon 30 Nov 2026 (it comes back on the agenda then).',
    );
    const dms = await h.advance(new Date('2026-12-01T18:30:00Z').getTime() - h.clock.now().getTime());
    const follow = dms.filter((d) => headerOf(d.message) === 'Escalation follow-up today');
    expect(follow.map((d) => [d.to, d.at.toISOString()])).toEqual([['casey', '2026-11-30T13:00:00.000Z']]);
    const agendaDec1 = dms.filter((d) => headerOf(d.message) === 'Agenda — Tue 1 Dec 2026, 14:00–14:30 EST' && d.to === 'pat');
    expect(renderPlainText(agendaDec1[0].message)).toContain('plan follow-up');
  });

  it('a follow-up whose day the school then closes reminds the owner on the next school day', async () => {
    press(h, 'casey', press(h, 'casey', escalate(h, {}), 'Yes, we talked'), 'Raise it — not told');
    h.clock.set(new Date('2026-11-24T18:00:00Z'));
    const form = formOf(press(h, 'pat', h.run('pat', 'escalations'), 'Record outcome').messages[0])!;
    h.core.app.submitForm(inbound('pat'), form.formId, {
      outcome: 'plan',
      plan: 'Co-plan the phonics block',
      owner: internalMention(h.user('casey')),
      followUp: '2026-11-30',
    });
    expect(text(h.run('pat', 'closed 2026-11-30 Staff development day'))).toContain('Staff development day');
    const dms = await h.advance(new Date('2026-12-01T18:30:00Z').getTime() - h.clock.now().getTime());
    const follow = dms.filter((d) => headerOf(d.message) === 'Escalation follow-up today');
    expect(follow.map((d) => [d.to, d.at.toISOString()])).toEqual([['casey', '2026-12-01T13:00:00.000Z']]);
  });

  it('a follow-up dated on a weekend reminds the owner on the next school day, not on the Saturday', async () => {
    press(h, 'casey', press(h, 'casey', escalate(h, {}), 'Yes, we talked'), 'Raise it — not told');
    h.clock.set(new Date('2026-11-24T18:00:00Z'));
    const form = formOf(press(h, 'pat', h.run('pat', 'escalations'), 'Record outcome').messages[0])!;
    h.core.app.submitForm(inbound('pat'), form.formId, {
      outcome: 'plan',
      plan: 'Co-plan the phonics block',
      owner: internalMention(h.user('casey')),
      followUp: '2026-11-28', // a Saturday
    });
    const dms = await h.advance(new Date('2026-12-01T18:30:00Z').getTime() - h.clock.now().getTime());
    const follow = dms.filter((d) => headerOf(d.message) === 'Escalation follow-up today');
    expect(follow.map((d) => [d.to, d.at.toISOString()])).toEqual([['casey', '2026-11-30T13:00:00.000Z']]);
  });
});

describe('who sees and does what', () => {
  let h: Harness;
  let id: number;
  beforeEach(() => {
    h = createHarness({ start: new Date('2026-11-18T15:00:00Z') });
    setup(h);
    press(h, 'casey', press(h, 'casey', escalate(h, {}), 'Yes, we talked'), 'Raise it — they know');
    id = (h.core.db.prepare('SELECT id FROM escalations').get() as { id: number }).id;
    h.clock.set(new Date('2026-11-24T18:00:00Z')); // Tue 13:00: the compiled agenda of the Tuesday 14:00 touch-point
  });
  afterEach(() => h.close());

  const roles: [string, string, string][] = [
    ['principal', 'pat', 'local'],
    ['assistant principal', 'sam', 'local'],
    ['raising coach', 'casey', 'local'],
    ['other coach', 'robin', 'local'],
    ['the teacher concerned', 'taylor', 'local'],
    ['another teacher', 'jordan', 'local'],
    ["another tenant's principal", 'pat', 'other'],
  ];
  const canRead = new Set(['principal', 'assistant principal', 'raising coach']);

  it.each(roles)('%s: /touchpoint escalations', (role, handle, tenant) => {
    const out = renderPlainText(h.run(handle, 'escalations', { tenant }).messages[0]);
    if (canRead.has(role)) expect(out).toContain(CONCERN);
    else {
      expect(out).toBe('No open escalations you can see.');
    }
  });

  it.each(roles)('%s: every escalation button with its id', (role, handle, tenant) => {
    const actions: [string, string, string][] = [
      ['escalation.outcome', String(id), 'Outcome of escalation'],
      ['escalation.ack', String(id), 'Acknowledged'],
      ['escalation.withdraw', String(id), 'withdrawn'],
      ['escalation.raise-ask', String(id), 'Does the teacher know'],
      ['escalation.worked-out', String(id), 'worked it out'],
    ];
    for (const [actionId, value, success] of actions) {
      const out = text(h.core.app.action(inbound(handle, tenant), actionId, value));
      const allowed = !out.startsWith('There is no such escalation') && !out.startsWith('Only ') && !out.startsWith('That escalation is already');
      const expected = {
        'escalation.outcome': role === 'principal' || role === 'assistant principal' || role === 'raising coach',
        'escalation.ack': role === 'principal' || role === 'assistant principal',
        'escalation.withdraw': role === 'raising coach',
        'escalation.raise-ask': false, // already raised: nobody can raise it again
        'escalation.worked-out': false,
      }[actionId];
      expect([actionId, allowed]).toEqual([actionId, expected]);
      if (allowed) expect(out).toContain(success);
      if (actionId === 'escalation.withdraw' && allowed) break; // withdrawn now; the rest is moot
    }
    if (!canRead.has(role)) {
      const row = h.core.db.prepare('SELECT stage, acknowledged_at FROM escalations').get();
      expect(row).toEqual({ stage: 'raised', acknowledged_at: null });
    }
  });

  it('a raised escalation reaches the principal with the next agenda, not the moment it is raised', () => {
    h.clock.set(new Date('2026-11-18T16:00:00Z'));
    press(h, 'casey', press(h, 'casey', escalate(h, { concern: 'Raised on Wednesday, for Tuesday.' }), 'Yes, we talked'), 'Raise it — they know');
    expect(renderPlainText(h.run('pat', 'escalations').messages[0])).not.toContain('Raised on Wednesday');
    expect(renderPlainText(h.run('pat', 'agenda').messages[0])).not.toContain('Raised on Wednesday');
    expect(text(h.core.app.action(inbound('pat'), 'escalation.outcome', String(id + 1)))).toBe('There is no such escalation you can see.');
    h.clock.set(new Date('2026-11-24T18:00:00Z'));
    expect(renderPlainText(h.run('pat', 'escalations').messages[0])).toContain('Raised on Wednesday');
  });

  it('a reflecting escalation is invisible to the principal (no beeline)', () => {
    press(h, 'casey', escalate(h, { concern: 'Second concern still being worked out with the teacher.' }), 'Not yet');
    const pat = renderPlainText(h.run('pat', 'escalations').messages[0]);
    expect(pat).not.toContain('Second concern');
    expect(renderPlainText(h.run('casey', 'escalations').messages[0])).toContain('Second concern');
  });

  it('the admin sees counts by category and stage, never the text', () => {
    const out = renderPlainText(h.run('alex', 'escalations').messages[0]);
    expect(out).toContain('Curriculum implementation · raised for the next touch-point: 1');
    expect(out).not.toContain('phonics');
  });

  it('a form sent twice (a double click, a resubmitted card) pages once', async () => {
    const form = formOf(h.run('casey', 'escalate').messages[0])!;
    const values = { concern: 'Urgent twice?', category: 'safety', about: 'none', urgency: 'urgent' };
    expect(text(h.core.app.submitForm(inbound('casey'), form.formId, values).reply)).toContain('Sent now to Pat Rivera as urgent');
    expect(text(h.core.app.submitForm(inbound('casey'), form.formId, values).reply)).toBe(
      'That form was already sent. Type the command again to send another.',
    );
    expect(h.core.db.prepare(`SELECT COUNT(*) AS n FROM escalations WHERE concern = 'Urgent twice?'`).get()).toEqual({ n: 1 });
    expect((await h.deliver()).filter((d) => d.to === 'pat' && renderPlainText(d.message).includes('Urgent twice?'))).toHaveLength(1);
  });

  it('only coaches raise escalations', () => {
    expect(text(h.run('pat', 'escalate'))).toBe('Only coaches raise escalations; a principal can add a concern to the agenda with /touchpoint add.');
    expect(text(h.run('taylor', 'escalate'))).toBe('Only coaches raise escalations; a principal can add a concern to the agenda with /touchpoint add.');
  });

  it('the audit log shows each view of the details, by whom and how', () => {
    h.run('pat', 'escalations');
    h.run('sam', 'escalations');
    h.run('robin', 'escalations'); // sees nothing: no view recorded
    h.run('pat', 'agenda');
    const views = h.core.db.prepare(`SELECT actor_id, detail FROM audit_log WHERE action = 'escalation.view' AND subject_id = ? ORDER BY id`).all(id);
    expect(views).toEqual([
      { actor_id: h.user('pat').id, detail: 'escalations' },
      { actor_id: h.user('sam').id, detail: 'escalations' },
      { actor_id: h.user('pat').id, detail: 'agenda' },
    ]);
  });
});

export type { SentDm };
