/**
 * Long content is never cut silently on Slack: a notes form for 42 open items lets every item be
 * marked, App Home counts what it does not list ("and 32 more: /touchpoint agenda"), and a message
 * over Slack's 50 blocks goes as several messages, every block delivered.
 */
import type { KnownBlock } from '@slack/types';
import { bookAccepted, createHarness, identity, inbound, seedDemoSchool, text, type Harness } from '../../support/harness';
import { formOf, type Message } from '../../../src/messages/model';
import { LIMITS } from '../../../adapters/slack/limits';
import { renderHome, renderMessages } from '../../../adapters/slack/render-block-kit';
import { renderModal } from '../../../adapters/slack/render-modals';
import { createRig, seedSlackSchool, TEAM, type Rig } from './helpers';

const ITEMS = 42;

describe('long content on Slack', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ start: new Date('2026-11-23T13:00:00Z') }); // Mon 23 Nov 08:00 New York
    seedDemoSchool(h);
    bookAccepted(h); // weekly on Tuesdays, 14:00–14:30
    for (let i = 1; i <= ITEMS; i++) expect(text(h.run('pat', `add wins Item number ${i}`))).toMatch(/^Added/);
  });
  afterEach(() => h.close());

  it('the Held notes modal for 42 open items has an input for every item, and all 42 can be marked', async () => {
    const sent = await h.advance(32 * 3_600_000); // past Tue 24 Nov 14:30: "Did it happen?"
    const question = sent.find((d) => d.to === 'pat' && d.message.blocks.some((b) => b.type === 'header' && b.text === 'Did it happen?'))!;
    const notes = h.press('pat', question.message, 'Held').messages[1];
    const modal = renderModal(notes, {});
    expect(modal.blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
    const itemInputs = modal.blocks.filter((b) => b.type === 'input' && b.block_id!.startsWith('item_'));
    expect(itemInputs).toHaveLength(ITEMS);
    expect(JSON.stringify(modal.blocks)).not.toMatch(/left as they are/);

    const form = formOf(notes)!;
    const marks = Object.fromEntries(form.inputs.filter((i) => i.id.startsWith('item_')).map((i) => [i.id, 'drop']));
    const saved = h.core.app.submitForm({ identity: identity('pat') }, form.formId, marks);
    expect(text(saved.reply)).toMatch(/42 dropped/);
  });

  it('App Home lists ten agenda items and says how many more there are, and where to see them', () => {
    const home = renderHome(h.core.app.home(inbound('pat')));
    const all = JSON.stringify(home.blocks);
    expect(all).toContain('Item number 10');
    expect(all).not.toContain('Item number 11 ');
    expect(all).toContain('and 32 more: /touchpoint agenda');
  });
});

describe('a Slack message over 50 blocks', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig();
    seedSlackSchool(rig);
  });
  afterEach(async () => {
    await rig.close();
  });

  const long: Message = {
    text: 'Agenda for Tue 24 Nov with Casey Lee.',
    blocks: Array.from({ length: 120 }, (_, i) => ({ type: 'text' as const, text: `Line ${i + 1}` })),
  };

  it('renders as several messages within the limit, each saying which part it is, with every block kept', () => {
    const parts = renderMessages(long);
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(p.blocks.length).toBeLessThanOrEqual(LIMITS.messageBlocks);
    const lines = parts.flatMap((p) => p.blocks).flatMap((b: KnownBlock) => (b.type === 'section' && b.text ? [b.text.text] : []));
    expect(lines).toEqual(long.blocks.map((_, i) => `Line ${i + 1}`));
    expect(parts.map((p) => JSON.stringify(p.blocks.at(-1)))).toEqual([1, 2, 3].map((n) => expect.stringContaining(`Part ${n} of 3`) as string));
  });

  it('the notifier posts every part, in order', async () => {
    const ref = { userId: 1, tenantExternalId: TEAM, externalId: 'U0CASEY', displayName: 'Casey Lee' };
    expect(await rig.slack.notifier.send(ref, long)).toEqual({ status: 'delivered' });
    const posts = rig.fake.callsOf('chat.postMessage');
    expect(posts).toHaveLength(3);
    expect(posts.map((p) => (p.body.blocks as unknown[]).length)).toEqual([50, 50, 23]);
  });

  it('a text-only message over 40,000 characters is split at line breaks', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `Line ${i + 1} `.padEnd(60, '.'));
    const parts = renderMessages({ text: lines.join('\n'), blocks: [] });
    expect(parts.length).toBe(2);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(LIMITS.messageText);
    expect(parts.map((p) => p.text).join('\n')).toBe(lines.join('\n'));
  });
});
