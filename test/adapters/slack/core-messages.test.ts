/**
 * Every message the core produces today, rendered to Block Kit and checked against Slack's rules:
 * known block types only, at most 50 blocks (100 in views), section text within 3000, unique
 * action ids, button values within 2000, and user text escaped.
 */
import type { KnownBlock } from '@slack/types';
import { createHarness, inbound, seedSchool, type Harness } from '../../support/harness';
import { formOf, type Message } from '../../../src/messages/model';
import { LIMITS } from '../../../adapters/slack/limits';
import { renderHome, renderMessage } from '../../../adapters/slack/render-block-kit';
import { renderModal } from '../../../adapters/slack/render-modals';

const KNOWN = new Set(['header', 'section', 'context', 'actions', 'divider', 'input']);
const NASTY_SCHOOL = 'A&B <Elem> **x**';

interface Collected {
  label: string;
  message: Message;
}

function collect(h: Harness): Collected[] {
  const out: Collected[] = [];
  const add = (label: string, messages: Message[]): void => {
    messages.forEach((message, i) => out.push({ label: `${label}#${i}`, message }));
  };
  const run = (label: string, handle: string, text: string, root: 'touchpoint' | 'coaching' = 'touchpoint') => {
    const r = h.run(handle, text, { root });
    add(label, r.messages);
    return r;
  };

  seedSchool(h, {
    name: NASTY_SCHOOL,
    members: [
      ['pat', 'Pat <Rivera> & **Co**', 'principal'],
      ['casey', 'Casey _Lee_', 'coach'],
      ['taylor', 'Taylor Morgan', 'teacher'],
    ],
  });
  run('help', 'pat', 'help');
  run('coaching help', 'taylor', 'help', 'coaching');
  run('error: unknown command', 'pat', 'frobnicate');
  run('error: bad book', 'pat', 'book @casey weekly xyz 14:00');
  run('form: book', 'pat', 'book');
  run('form: setup', 'pat', 'setup');
  run('form: move', 'pat', 'move');
  run('form: closed', 'pat', 'closed');
  run('coach list', 'pat', 'coach');
  run('next before booking', 'pat', 'next');
  const proposed = run('book', 'pat', 'book @casey weekly tue 14:00');
  expect(proposed.messages[0].text).toMatch(/^Proposed/);
  run('next, proposed (proposer)', 'pat', 'next');
  run('next, proposed (invitee)', 'casey', 'next');
  add('home, proposed', [h.core.app.home(inbound('casey'))]);
  return out;
}

function check(label: string, blocks: KnownBlock[], maxBlocks: number): void {
  expect({ label, count: blocks.length <= maxBlocks }).toEqual({ label, count: true });
  const ids: string[] = [];
  for (const b of blocks) {
    expect({ label, type: KNOWN.has(b.type) }).toEqual({ label, type: true });
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(LIMITS.sectionFields);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(LIMITS.actionsElements);
      for (const e of b.elements) {
        if (e.type !== 'button') throw new Error(`${label}: unexpected element ${e.type}`);
        ids.push(e.action_id!);
        expect(e.action_id!.length).toBeLessThanOrEqual(LIMITS.actionId);
        expect((e.value ?? '').length).toBeLessThanOrEqual(LIMITS.buttonValue);
        expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
      }
    }
    if (b.type === 'input') ids.push(b.block_id!);
  }
  expect({ label, unique: new Set(ids).size === ids.length }).toEqual({ label, unique: true });
}

/** Every mrkdwn string of a rendering: user text must arrive escaped. */
function mrkdwnOf(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((b) => {
    if (b.type === 'section') return [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)];
    if (b.type === 'context') return b.elements.flatMap((e) => ('text' in e && typeof e.text === 'string' ? [e.text] : []));
    return [];
  });
}

describe('every message the core makes renders to valid Block Kit', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.close());

  it('booking flows: proposal, booked, next, skip with Undo, cancel confirmation, closure with Undo, help, errors, forms, home', async () => {
    const messages = collect(h);
    await h.deliver();
    messages.push(...h.notifier.sent.splice(0).map((d, i) => ({ label: `dm#${i}`, message: d.message })));

    // Accept, then the series' life.
    const tenant = h.core.services.people.ensureTenant('console', 'local', h.clock.now());
    const casey = h.core.services.people.userByExternalId(tenant.id, 'casey')!;
    const proposal = h.core.services.series.liveSeriesOfUser(tenant.id, casey.id)[0];
    let last: Message[] = [];
    const steps: [string, () => Message[]][] = [
      ['accept', () => h.core.app.action(inbound('casey'), 'booking.accept', String(proposal.id)).messages],
      ['next', () => h.run('pat', 'next').messages],
      ['skip', () => (last = h.run('pat', 'skip state <testing> & **x**').messages)],
      ['undo skip', () => h.press('pat', last[0], 'Undo skip').messages],
      ['closure', () => (last = h.run('pat', 'closed 2026-12-24..2026-12-31 Winter <break> & **x**').messages)],
      ['undo closure', () => h.press('pat', last[0], 'Undo').messages],
      ['home', () => [h.core.app.home(inbound('pat'))]],
      ['refusal', () => h.run('casey', 'closed 2026-12-24 nope').messages],
      ['pause', () => h.run('pat', 'pause until 2027-01-05').messages],
      ['resume', () => h.run('pat', 'resume').messages],
      ['move in the past', () => h.run('pat', 'move 2020-01-01 10:00').messages],
      ['cancel confirmation', () => (last = h.run('pat', 'cancel').messages)],
      ['keep', () => h.press('pat', last[0], 'Keep it').messages],
      ['cancel again', () => (last = h.run('pat', 'cancel').messages)],
      ['end the series', () => h.press('pat', last[0], 'End the series').messages],
    ];
    for (const [label, step] of steps) step().forEach((message, i) => messages.push({ label: `${label}#${i}`, message }));
    await h.deliver();
    messages.push(...h.notifier.sent.splice(0).map((d, i) => ({ label: `dm2#${i}`, message: d.message })));

    const byLabel = new Map(messages.map((m) => [m.label, m.message]));
    expect(byLabel.get('accept#0')!.text).toMatch(/^Booked/);
    expect(byLabel.get('skip#0')!.blocks.some((b) => b.type === 'actions')).toBe(true);
    expect(byLabel.get('cancel confirmation#0')!.blocks.some((b) => b.type === 'actions')).toBe(true);
    expect(byLabel.get('closure#0')!.blocks.some((b) => b.type === 'actions')).toBe(true);
    expect(
      messages
        .filter((m) => formOf(m.message))
        .map((m) => formOf(m.message)!.formId.split(':')[0])
        .sort(),
    ).toEqual(['touchpoint.book', 'touchpoint.closed', 'touchpoint.move', 'touchpoint.setup']);
    expect(messages.length).toBeGreaterThan(25);

    const allMrkdwn: string[] = [];
    for (const { label, message } of messages) {
      const rendered = renderMessage(message);
      check(label, rendered.blocks, LIMITS.messageBlocks);
      allMrkdwn.push(...mrkdwnOf(rendered.blocks));
      expect(rendered.text).not.toMatch(/<(?![@#!]|https?:|mailto:)/);
      if (formOf(message)) {
        const view = renderModal(message, { responseUrl: 'https://hooks.slack.com/commands/T/1/x' });
        check(`${label} modal`, view.blocks as KnownBlock[], LIMITS.viewBlocks);
        expect(view.title.text.length).toBeLessThanOrEqual(LIMITS.modalTitle);
        expect(view.private_metadata!.length).toBeLessThanOrEqual(LIMITS.privateMetadata);
      }
    }
    check('home', renderHome(h.core.app.home(inbound('casey'))).blocks as KnownBlock[], LIMITS.viewBlocks);

    // The user text with &, <, > and **x** arrived escaped: no raw < outside Slack's own syntax, no bold "x".
    const joined = allMrkdwn.join('\n');
    expect(joined).toContain('A&amp;B &lt;Elem&gt; \u2217\u2217x\u2217\u2217');
    expect(joined).toContain('Winter &lt;break&gt; &amp; \u2217\u2217x\u2217\u2217');
    for (const text of allMrkdwn) {
      expect(text).not.toMatch(/<(?!https?:\/\/|mailto:)/);
      expect(text).not.toContain('*x*');
    }
  });
});
