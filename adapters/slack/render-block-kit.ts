/**
 * The Slack adapter's one pure renderer: a neutral Message as Block Kit — message blocks, a modal
 * view for a form, and the App Home view — plus the inverse for what comes back (action ids,
 * submitted form values, the modal's private metadata). No I/O, no clock: tested against literal
 * payloads.
 *
 * Markup (see src/messages/markup.ts) becomes Slack mrkdwn: `**bold**` → `*bold*`, `_italic_` →
 * `_italic_`, `[label](url)` → `<url|label>`. Literal text is escaped: `&`, `<`, `>` become
 * entities (the three characters Slack asks apps to escape), and because mrkdwn has no escape
 * character for its formatting marks, literal `*`, `~`, `` ` `` and word-edge `_` are replaced with
 * look-alike characters so that text people typed can never turn into formatting or a mention.
 *
 * Limits (docs.slack.dev; the type comments of @slack/types say the same unless noted):
 * - 50 blocks per message, 100 in modals and Home tabs — https://docs.slack.dev/reference/block-kit/blocks
 * - section `text` 1–3000 characters; `fields` at most 10, each at most 2000 — section block reference
 * - header text at most 150 characters — header block reference
 * - actions block at most 25 elements — actions block reference
 * - button text at most 75, value at most 2000, action_id at most 255 — button element reference
 * - context block at most 10 elements; a text object at most 3000 — context block / text object reference
 * - modal title, submit and close at most 24; private_metadata at most 3000; callback_id at most 255 — views reference
 * - input label and hint at most 2000; placeholder at most 150 — input block reference
 * - option text at most 75, value at most 150 (docs.slack.dev option object; @slack/types still says 75);
 *   static_select at most 100 options; checkboxes at most 10 options
 * - block_id at most 255
 */
import type {
  ActionsBlock, Button as SlackButton, ContextBlock, DividerBlock, HeaderBlock, HomeView, InputBlock, InputBlockElement,
  KnownBlock, ModalView, PlainTextElement, PlainTextOption, SectionBlock,
} from '@slack/types';
import type { Block, Button, FormInput, Message } from '../../src/messages/model';
import { parseMarkup, stripMarkup, type Span } from '../../src/messages/markup';

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  contextText: 3000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  plainTextInitial: 3000,
  /** chat.postMessage truncates `text` beyond 40,000 characters (chat.postMessage reference). */
  messageText: 40_000,
} as const;

/** The button that opens a form when a message carries one but no modal could be opened. */
export const OPEN_FORM_ACTION = 'command.rerun';

// ---- text -------------------------------------------------------------------------------------

/** Escapes the three characters Slack reserves for its own syntax (formatting-message-text docs). */
export function escapeEntities(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const LOOKALIKE: Record<string, string> = { '*': '\u2217', '~': '\u223C', '`': '\u02CB', _: '\u02CD' };
const WORD = /[\p{L}\p{N}]/u;

/** Literal text for mrkdwn: entities escaped, formatting marks neutralised (see the file comment). */
export function escapeMrkdwn(s: string): string {
  const chars = Array.from(escapeEntities(s));
  return chars
    .map((ch, i) => {
      if (ch === '*' || ch === '~' || ch === '`') return LOOKALIKE[ch];
      // `snake_case` cannot format in Slack (an underscore inside a word is not a boundary), so only
      // an underscore at a word's edge is replaced; e-mail addresses and names keep their `_`.
      if (ch === '_') {
        const before = chars[i - 1];
        const after = chars[i + 1];
        const inWord = before !== undefined && after !== undefined && WORD.test(before) && WORD.test(after);
        return inWord ? ch : LOOKALIKE._;
      }
      return ch;
    })
    .join('');
}

/** Wraps in a formatting mark, keeping edge whitespace outside (Slack ignores `* x *`). */
function wrap(mark: string, inner: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner)!;
  return m[2] === '' ? inner : `${m[1]}${mark}${m[2]}${mark}${m[3]}`;
}

function spansToMrkdwn(spans: Span[]): string {
  return spans
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return escapeMrkdwn(s.text);
        case 'bold':
          return wrap('*', spansToMrkdwn(s.children));
        case 'italic':
          return wrap('_', spansToMrkdwn(s.children));
        case 'link':
          return `<${escapeEntities(s.url).replace(/\|/g, '%7C')}|${escapeMrkdwn(s.label)}>`;
      }
    })
    .join('');
}

/** The model's markup as Slack mrkdwn. */
export function markupToMrkdwn(markup: string): string {
  return spansToMrkdwn(parseMarkup(markup));
}

/** Cuts to at most `max` UTF-16 units with an ellipsis, never through a surrogate pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** A cut point at or before `at` that is not inside an entity (`&amp;`) or a link/mention (`<…>`). */
function safeCut(s: string, at: number): number {
  let cut = at;
  const open = s.lastIndexOf('<', cut - 1);
  if (open >= 0 && s.indexOf('>', open) >= cut) cut = open;
  const amp = s.lastIndexOf('&', cut - 1);
  if (amp >= 0 && cut - amp < 6 && !s.slice(amp, cut).includes(';')) cut = amp;
  if (cut > 0 && /[\uD800-\uDBFF]/.test(s[cut - 1])) cut -= 1;
  return cut > 0 ? cut : at;
}

/** Clips mrkdwn without leaving half an entity or half a link behind. */
export function clipMrkdwn(s: string, max: number): string {
  if (s.length <= max) return s;
  return `${s.slice(0, safeCut(s, max - 1))}…`;
}

/** Splits mrkdwn into pieces of at most `max`, at line breaks where possible, else at spaces. */
export function chunkMrkdwn(s: string, max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  const push = (): void => {
    if (current !== '') chunks.push(current);
    current = '';
  };
  for (const line of s.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (candidate.length <= max) {
      current = candidate;
      continue;
    }
    push();
    let rest = line;
    while (rest.length > max) {
      const space = rest.lastIndexOf(' ', max);
      const cut = safeCut(rest, space > max / 2 ? space : max);
      chunks.push(rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^ /, '');
    }
    current = rest;
  }
  push();
  return chunks;
}

function plain(text: string, max: number): PlainTextElement {
  const t = text.replace(/\s*\n\s*/g, ' ').trim();
  return { type: 'plain_text', text: clip(t === '' ? '…' : t, max), emoji: true };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

// ---- blocks -----------------------------------------------------------------------------------

/** Routes a rendered action id back to the model's: `booking.accept:3` → `booking.accept`. */
export function modelActionId(slackActionId: string): string {
  return slackActionId.replace(/:\d+$/, '');
}

interface RenderState {
  /** Buttons rendered so far in this message: action ids are `${actionId}:${index}`, unique per message. */
  buttons: number;
}

function button(b: Button, state: RenderState): SlackButton | undefined {
  // A longer value is a bug in the producing feature; a button that cannot route back is worse than none.
  if (b.value.length > LIMITS.buttonValue) return undefined;
  const el: SlackButton = {
    type: 'button',
    action_id: `${b.actionId}:${state.buttons++}`,
    text: plain(b.label, LIMITS.buttonText),
    value: b.value,
  };
  if (b.style) el.style = b.style;
  return el;
}

function actions(buttons: SlackButton[]): ActionsBlock[] {
  const out: ActionsBlock[] = [];
  for (let i = 0; i < buttons.length; i += LIMITS.actionsElements) {
    out.push({ type: 'actions', elements: buttons.slice(i, i + LIMITS.actionsElements) });
  }
  return out;
}

/**
 * `touchpoint.book` (or `touchpoint.book:once-…`, a command form's one-time id) → re-running
 * `/touchpoint book` opens the same form again (with a trigger_id). Button-opened forms
 * (`agenda.notes:12`) are not commands and get no such button.
 */
function openFormValue(formId: string): string | undefined {
  const [root, ...rest] = formId.split(':')[0].split('.');
  if ((root !== 'touchpoint' && root !== 'coaching') || rest.length === 0) return undefined;
  return JSON.stringify({ root, text: rest.join('.') });
}

function renderBlock(block: Block, state: RenderState): KnownBlock[] {
  switch (block.type) {
    case 'header': {
      const text = stripMarkup(block.text).trim();
      return text === '' ? [] : [{ type: 'header', text: plain(text, LIMITS.headerText) } satisfies HeaderBlock];
    }
    case 'text':
      return chunkMrkdwn(markupToMrkdwn(block.text), LIMITS.sectionText).map(section);
    case 'fields': {
      const fields = block.fields.map((f) => ({
        type: 'mrkdwn' as const,
        text: clipMrkdwn(`*${escapeMrkdwn(f.label)}*\n${markupToMrkdwn(f.value)}`, LIMITS.fieldText),
      }));
      const out: SectionBlock[] = [];
      for (let i = 0; i < fields.length; i += LIMITS.sectionFields) {
        out.push({ type: 'section', fields: fields.slice(i, i + LIMITS.sectionFields) });
      }
      return out;
    }
    case 'list': {
      const lines = block.items.map((item, i) => {
        const prefix = block.ordered ? `${i + 1}. ` : '• ';
        return prefix + markupToMrkdwn(item).split('\n').join(`\n${' '.repeat(prefix.length + 1)}`);
      });
      return chunkMrkdwn(lines.join('\n'), LIMITS.sectionText).map(section);
    }
    case 'actions':
      return actions(block.buttons.flatMap((b) => button(b, state) ?? []));
    case 'form': {
      // A form inside a message (a DM, or no trigger_id at hand): a button re-runs the command,
      // whose reply then carries a fresh trigger_id and opens the form as a modal.
      const value = openFormValue(block.formId);
      const title = section(`*${escapeMrkdwn(block.title)}*`);
      if (!value) return [title];
      return [title, ...actions([button({ actionId: OPEN_FORM_ACTION, label: 'Open form', value, style: 'primary' }, state)!])];
    }
    case 'context': {
      const text = clipMrkdwn(markupToMrkdwn(block.text), LIMITS.contextText);
      return text === '' ? [] : [{ type: 'context', elements: [{ type: 'mrkdwn', text }] } satisfies ContextBlock];
    }
    case 'divider':
      return [{ type: 'divider' } satisfies DividerBlock];
  }
}

/** Keeps at most `max` blocks; when some are dropped the last one kept says so. */
function capBlocks(blocks: KnownBlock[], max: number): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  const cut = blocks.length - kept.length;
  const note: ContextBlock = {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `_The rest of this message was cut (${cut} more ${cut === 1 ? 'part' : 'parts'}); Slack shows at most ${max} blocks._` }],
  };
  return [...kept, note];
}

function renderBlocks(blocks: Block[], state: RenderState = { buttons: 0 }): KnownBlock[] {
  return blocks.flatMap((b) => renderBlock(b, state));
}

export interface SlackMessage {
  /** Fallback for notifications and old clients; Slack reads it as mrkdwn, so it is escaped. */
  text: string;
  blocks: KnownBlock[];
}

/** A neutral message as a Slack message (chat.postMessage, response_url). */
export function renderMessage(msg: Message): SlackMessage {
  return {
    text: clip(escapeEntities(msg.text), LIMITS.messageText),
    blocks: capBlocks(renderBlocks(msg.blocks), LIMITS.messageBlocks),
  };
}

/** The App Home tab. */
export function renderHome(msg: Message): HomeView {
  return { type: 'home', blocks: capBlocks(renderBlocks(msg.blocks), LIMITS.viewBlocks) };
}

// ---- forms as modals --------------------------------------------------------------------------

/** What a modal carries through its submission (the form's own state, and where to answer). */
export interface ModalMeta {
  state?: string;
  /** The slash command's response_url: the reply to the submission goes back to that conversation. */
  responseUrl?: string;
}

function option(label: string, value: string): PlainTextOption {
  return { text: plain(label, LIMITS.optionText), value };
}

function inputElement(input: FormInput): { element: InputBlockElement; hint?: string } {
  const placeholder = input.placeholder ? plain(input.placeholder, LIMITS.placeholder) : undefined;
  const textInput = (multiline: boolean, hint?: string): { element: InputBlockElement; hint?: string } => ({
    element: {
      type: 'plain_text_input',
      action_id: input.id,
      ...(multiline ? { multiline: true } : {}),
      ...(input.initial ? { initial_value: clip(input.initial, LIMITS.plainTextInitial) } : {}),
      ...(placeholder ? { placeholder } : {}),
    },
    hint,
  });
  switch (input.kind) {
    case 'text':
      return textInput(false);
    case 'longtext':
      return textInput(true);
    case 'choice':
    case 'person': {
      const options = (input.choices ?? []).filter((c) => c.value.length <= LIMITS.optionValue).map((c) => option(c.label, c.value));
      // No choices (nobody to pick yet) or more than a select holds: let them type it instead.
      if (options.length === 0 || options.length > LIMITS.selectOptions) {
        return textInput(false, input.kind === 'person' ? 'Type a name or an @mention' : undefined);
      }
      const initial = options.find((o) => o.value === input.initial);
      return {
        element: {
          type: 'static_select', action_id: input.id, options,
          ...(initial ? { initial_option: initial } : {}),
          ...(placeholder ? { placeholder } : {}),
        },
      };
    }
    case 'date':
      return {
        element: {
          type: 'datepicker', action_id: input.id,
          ...(input.initial && /^\d{4}-\d{2}-\d{2}$/.test(input.initial) ? { initial_date: input.initial } : {}),
          ...(placeholder ? { placeholder } : {}),
        },
      };
    case 'time':
      return {
        element: {
          type: 'timepicker', action_id: input.id,
          ...(input.initial && /^\d{2}:\d{2}$/.test(input.initial) ? { initial_time: input.initial } : {}),
          ...(placeholder ? { placeholder } : {}),
        },
      };
    case 'checkbox': {
      const only = option(input.label, 'true');
      return {
        element: { type: 'checkboxes', action_id: input.id, options: [only], ...(input.initial === 'true' ? { initial_options: [only] } : {}) },
      };
    }
  }
}

function inputBlock(input: FormInput): InputBlock {
  const { element, hint } = inputElement(input);
  const hintText = input.hint ?? hint;
  return {
    type: 'input',
    block_id: input.id,
    label: plain(input.label, LIMITS.inputLabel),
    optional: !input.required,
    element,
    ...(hintText ? { hint: plain(hintText, LIMITS.inputHint) } : {}),
  };
}

function encodeMeta(meta: ModalMeta): string {
  const full = JSON.stringify(meta);
  if (full.length <= LIMITS.privateMetadata) return full;
  const withoutUrl = JSON.stringify({ state: meta.state });
  if (withoutUrl.length <= LIMITS.privateMetadata) return withoutUrl;
  throw new RangeError(`form state is ${meta.state?.length ?? 0} characters; Slack's private_metadata holds ${LIMITS.privateMetadata}`);
}

/** Reads a modal's private_metadata back; anything unreadable is treated as empty. */
export function readModalMeta(privateMetadata: string | undefined): ModalMeta {
  if (!privateMetadata) return {};
  try {
    const v = JSON.parse(privateMetadata) as Record<string, unknown>;
    return {
      ...(typeof v.state === 'string' ? { state: v.state } : {}),
      ...(typeof v.responseUrl === 'string' ? { responseUrl: v.responseUrl } : {}),
    };
  } catch {
    return {};
  }
}

/**
 * A message carrying a form, as a modal: the form's inputs become input blocks (block_id and
 * action_id are the input id), callback_id is the form id, and the other blocks of the message
 * are shown above the inputs.
 */
export function renderModal(msg: Message, meta: Omit<ModalMeta, 'state'> = {}): ModalView {
  const form = msg.blocks.find((b): b is Extract<Block, { type: 'form' }> => b.type === 'form');
  if (!form) throw new Error('renderModal: the message has no form');
  const state: RenderState = { buttons: 0 };
  const inputs = form.inputs.map(inputBlock);
  const others = renderBlocks(msg.blocks.filter((b) => b.type !== 'form'), state).slice(0, LIMITS.viewBlocks - inputs.length);
  return {
    type: 'modal',
    callback_id: form.formId.slice(0, LIMITS.callbackId),
    title: plain(form.title, LIMITS.modalTitle),
    submit: plain(form.submitLabel, LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    private_metadata: encodeMeta({ ...(form.state !== undefined ? { state: form.state } : {}), ...meta }),
    blocks: [...others, ...inputs].slice(0, LIMITS.viewBlocks),
  };
}

/** The part of a view_submission's `view.state.values` this renderer's inputs produce. */
export interface SubmittedValue {
  type: string;
  value?: string | null;
  selected_date?: string | null;
  selected_time?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
}

/** Submitted values by input id (checkboxes as 'true'/'false'), the shape `Touchpoint.submitForm` takes. */
export function readFormValues(values: Record<string, Record<string, SubmittedValue>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [blockId, byAction] of Object.entries(values)) {
    const v = byAction[blockId] ?? Object.values(byAction)[0];
    if (!v) continue;
    switch (v.type) {
      case 'checkboxes':
        out[blockId] = (v.selected_options ?? []).some((o) => o.value === 'true') ? 'true' : 'false';
        break;
      case 'static_select':
      case 'radio_buttons':
        out[blockId] = v.selected_option?.value ?? undefined;
        break;
      case 'datepicker':
        out[blockId] = v.selected_date ?? undefined;
        break;
      case 'timepicker':
        out[blockId] = v.selected_time ?? undefined;
        break;
      default:
        out[blockId] = v.value ?? undefined;
    }
  }
  return out;
}
