/**
 * Every message and form the features can produce, rendered for Slack and checked against Block
 * Kit's per-field limits and block counts (limits.ts): each command of the registry run with no
 * arguments by each role (its form, its usage error or its answer), with empty data and with
 * maximal data (long names, 42 long agenda items), plus the DMs and button replies of a term's
 * flows. Checked on the rendered payload: what Slack would receive.
 */
import type { AnyBlock, KnownBlock, ModalView, HomeView } from '@slack/types';
import { bookAccepted, createHarness, inbound, seedSchool, type Harness } from '../../support/harness';
import { buttonsOf, formOf, type Message } from '../../../src/messages/model';
import { ROOTS } from '../../../src/core/registry';
import { LIMITS } from '../../../adapters/slack/limits';
import { renderHome, renderMessages } from '../../../adapters/slack/render-block-kit';
import { renderModal } from '../../../adapters/slack/render-modals';

const KNOWN = new Set(['header', 'section', 'context', 'actions', 'divider', 'input']);

interface PlainText {
  type: string;
  text: string;
}

/** Problems with one rendered payload, as readable lines (empty: it is valid). */
function problemsOf(kind: 'message' | 'modal' | 'home', payload: { blocks: AnyBlock[] }): string[] {
  // Read as known blocks; a block of any other type is reported below.
  const blocks = payload.blocks as KnownBlock[];
  const out: string[] = [];
  const fail = (what: string): void => void out.push(what);
  const plain = (where: string, t: PlainText | undefined, max: number): void => {
    if (!t) return fail(`${where}: missing`);
    if (t.type !== 'plain_text') fail(`${where}: not plain_text`);
    if (t.text.length === 0) fail(`${where}: empty`);
    if (t.text.length > max) fail(`${where}: ${t.text.length} > ${max}`);
  };
  const text = (where: string, t: PlainText, max: number): void => {
    if (t.text.length === 0) fail(`${where}: empty`);
    if (t.text.length > max) fail(`${where}: ${t.text.length} > ${max}`);
  };
  const maxBlocks = kind === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
  if (blocks.length > maxBlocks) fail(`${blocks.length} blocks > ${maxBlocks}`);
  const ids = new Set<string>();
  const uniqueId = (id: string | undefined, where: string): void => {
    if (!id) return;
    if (id.length > LIMITS.actionId) fail(`${where}: id ${id.length} > ${LIMITS.actionId}`);
    if (ids.has(id)) fail(`${where}: id ${id} used twice`);
    ids.add(id);
  };
  blocks.forEach((b, i) => {
    const at = `block ${i} (${b.type})`;
    if (!KNOWN.has(b.type)) return fail(`${at}: unknown type`);
    if (b.type === 'header') plain(at, b.text, LIMITS.headerText);
    if (b.type === 'section') {
      if (!b.text && !b.fields?.length) fail(`${at}: no text`);
      if (b.text) text(at, b.text, LIMITS.sectionText);
      if ((b.fields ?? []).length > LIMITS.sectionFields) fail(`${at}: ${b.fields!.length} fields`);
      for (const f of b.fields ?? []) text(`${at} field`, f, LIMITS.fieldText);
    }
    if (b.type === 'context') {
      if (b.elements.length === 0 || b.elements.length > 10) fail(`${at}: ${b.elements.length} elements`);
      for (const e of b.elements) if ('text' in e && typeof e.text === 'string') text(`${at} element`, e, LIMITS.contextText);
    }
    if (b.type === 'actions') {
      if (b.elements.length === 0 || b.elements.length > LIMITS.actionsElements) fail(`${at}: ${b.elements.length} elements`);
      for (const e of b.elements) {
        if (e.type !== 'button') {
          fail(`${at}: ${e.type} in actions`);
          continue;
        }
        plain(`${at} button`, e.text, LIMITS.buttonText);
        if ((e.value ?? '').length > LIMITS.buttonValue) fail(`${at} button value > ${LIMITS.buttonValue}`);
        uniqueId(e.action_id, at);
      }
    }
    if (b.type === 'input') {
      if (kind !== 'modal') fail(`${at}: an input outside a modal`);
      plain(`${at} label`, b.label, LIMITS.inputLabel);
      if (b.hint) plain(`${at} hint`, b.hint, LIMITS.inputHint);
      uniqueId(b.block_id, at);
      const el = b.element as unknown as Record<string, unknown> & { type: string };
      if (el.placeholder) plain(`${at} placeholder`, el.placeholder as PlainText, LIMITS.placeholder);
      if (el.type === 'plain_text_input') {
        const max = el.max_length as number | undefined;
        if (typeof max !== 'number' || max < 1 || max > 3000) fail(`${at}: plain_text_input without a max_length within 1–3000`);
        if (typeof el.initial_value === 'string' && max !== undefined && el.initial_value.length > max) fail(`${at}: initial value over max_length`);
      }
      const options = (el.options ?? []) as { text: PlainText; value: string }[];
      if (el.type === 'static_select' && (options.length === 0 || options.length > LIMITS.selectOptions)) fail(`${at}: ${options.length} options`);
      if (el.type === 'checkboxes' && options.length > 10) fail(`${at}: ${options.length} checkboxes`);
      for (const o of options) {
        plain(`${at} option`, o.text, LIMITS.optionText);
        if (o.value.length > LIMITS.optionValue) fail(`${at} option value > ${LIMITS.optionValue}`);
      }
    }
  });
  return out;
}

function modalProblems(view: ModalView): string[] {
  const out = problemsOf('modal', view);
  for (const [what, t] of [
    ['title', view.title],
    ['submit', view.submit],
    ['close', view.close],
  ] as const) {
    if (!t) continue;
    if (t.text.length === 0 || t.text.length > LIMITS.modalTitle) out.push(`${what}: "${t.text}" (${t.text.length})`);
  }
  if ((view.private_metadata ?? '').length > LIMITS.privateMetadata) out.push('private_metadata too long');
  if ((view.callback_id ?? '').length > LIMITS.callbackId) out.push('callback_id too long');
  return out;
}

interface Produced {
  label: string;
  message: Message;
}

/** Renders everything produced the way Slack receives it; returns problems by label. */
function check(produced: Produced[], homes: Produced[]): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const note = (label: string, found: string[]): void => {
    if (found.length) problems[label] = found;
  };
  for (const { label, message } of produced) {
    const parts = renderMessages(message);
    parts.forEach((p, i) => {
      note(`${label} part ${i + 1}`, problemsOf('message', p));
      if (p.text.length > LIMITS.messageText) note(`${label} text`, [`${p.text.length} > ${LIMITS.messageText}`]);
    });
    if (formOf(message))
      note(`${label} modal`, modalProblems(renderModal(message, { responseUrl: 'https://hooks.slack.com/commands/1', responseUrlIssuedAt: 1 })));
  }
  for (const { label, message } of homes) {
    const home: HomeView = renderHome(message);
    note(label, problemsOf('home', home));
  }
  return problems;
}

const LONG = (prefix: string, n: number): string => `${prefix} ${'Abcdefghij '.repeat(n)}`.trim();

function everything(h: Harness, handles: string[]): { produced: Produced[]; homes: Produced[] } {
  const produced: Produced[] = [];
  const homes: Produced[] = [];
  const add = (label: string, messages: Message[]): void => messages.forEach((message, i) => produced.push({ label: `${label}#${i}`, message }));
  for (const handle of handles) {
    for (const root of ROOTS) {
      for (const spec of h.core.registry.list(root)) {
        add(`${handle}: /${root} ${spec.name}`, h.run(handle, spec.name, { root }).messages);
        add(`${handle}: /${root} ${spec.name} <bad>`, h.run(handle, `${spec.name} ${'x'.repeat(300)} & <y>`, { root }).messages);
      }
    }
    homes.push({ label: `${handle}: home`, message: h.core.app.home(inbound(handle)) });
  }
  return { produced, homes };
}

/** Presses every button of the messages (as the recipient would), collecting the replies. */
function pressAll(h: Harness, produced: Produced[], from: { to: string; message: Message }[]): void {
  for (const { to, message } of from) {
    for (const b of buttonsOf(message)) {
      try {
        const r = h.core.app.action(inbound(to), b.actionId, b.value);
        r.messages.forEach((m, i) => produced.push({ label: `${to} pressed ${b.label}#${i}`, message: m }));
      } catch {
        // A button whose press needs more setup than this walk gives: its reply is covered elsewhere.
      }
    }
  }
}

describe('every Slack message and modal the features build is within Block Kit limits', () => {
  let h: Harness;

  it('the check itself finds what Slack would refuse', () => {
    const bad: ModalView = {
      type: 'modal',
      title: { type: 'plain_text', text: 'Move the next touch-point' },
      blocks: [
        { type: 'input', block_id: 'a', label: { type: 'plain_text', text: 'A' }, element: { type: 'plain_text_input', action_id: 'a' } },
        { type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } },
      ],
    };
    expect(modalProblems(bad)).toEqual([
      'block 0 (input): plain_text_input without a max_length within 1–3000',
      'block 1 (header): 151 > 150',
      'title: "Move the next touch-point" (25)',
    ]);
    h = createHarness();
  });
  afterEach(() => h.close());

  it('with empty data: a workspace with nobody set up', () => {
    h = createHarness();
    const { produced, homes } = everything(h, ['stranger']);
    expect(produced.length).toBeGreaterThan(20);
    expect(check(produced, homes)).toEqual({});
  });

  it('with maximal data: long names, 42 long agenda items, a term of DMs and every button pressed', async () => {
    h = createHarness({ start: new Date('2026-11-23T13:00:00Z') });
    seedSchool(h, {
      name: LONG('A&B <Elementary> **School**', 12).slice(0, 120),
      members: [
        ['pat', LONG('Pat <Rivera> & **Co**', 6), 'principal'],
        ['casey', LONG('Casey _Lee_', 6), 'coach'],
        ['taylor', LONG('Taylor Morgan', 6), 'teacher'],
        ['jordan', LONG('Jordan Kim', 6), 'teacher'],
      ],
    });
    bookAccepted(h);
    for (let i = 1; i <= 42; i++)
      h.run(i % 2 ? 'pat' : 'casey', `add ${i % 3 ? 'wins' : 'concerns'} ${i}. ${'Phonics & <fluency> **data** review '.repeat(13)}`);
    const ask = h.run('taylor', `request behavior ${'Transitions after lunch take 15 minutes & <more>. '.repeat(30)}`, { root: 'coaching' });
    const { produced, homes } = everything(h, ['pat', 'casey', 'taylor']);
    produced.push(...ask.messages.map((message, i) => ({ label: `ask#${i}`, message })));

    // A term's DMs (reminders, the compiled agenda, "Did it happen?", coaching notices), each button pressed by its recipient.
    for (const [step, hours] of [
      ['tue', 32],
      ['week', 7 * 24],
      ['later', 7 * 24],
    ] as const) {
      const dms = await h.advance(hours * 3_600_000);
      dms.forEach((d, i) => produced.push({ label: `dm ${step} ${d.to} #${i}`, message: d.message }));
      pressAll(h, produced, dms);
    }
    pressAll(
      h,
      produced,
      ask.messages.map((message) => ({ to: 'taylor', message })),
    );
    const labels = produced.map((p) => p.label).join('\n');
    expect(labels).toMatch(/pressed Held/);
    expect(produced.length).toBeGreaterThan(100);
    const forms = produced.filter((p) => formOf(p.message)).map((p) => formOf(p.message)!.formId.split(':')[0]);
    expect(forms).toEqual(expect.arrayContaining(['agenda.notes', 'touchpoint.book', 'touchpoint.escalate', 'coaching.request']));
    expect(check(produced, homes)).toEqual({});
  });
});
