/**
 * The Slack adapter's renderer for messages: a neutral Message as Block Kit message blocks
 * (chat.postMessage, response_url) and as the App Home view. Pure: no I/O, no clock; tested
 * against literal payloads. Text goes through mrkdwn.ts, sizes are capped by limits.ts; forms
 * open as modals (render-modals.ts), and what comes back is read by read-submissions.ts.
 */
import type { ActionsBlock, Button as SlackButton, ContextBlock, DividerBlock, HeaderBlock, HomeView, KnownBlock, SectionBlock } from '@slack/types';
import type { Block, Button, Message } from '../../src/messages/model';
import { stripMarkup } from '../../src/messages/markup';
import { LIMITS } from './limits';
import { chunkMrkdwn, clip, clipMrkdwn, escapeEntities, escapeMrkdwn, markupToMrkdwn, plain } from './mrkdwn';

/** The button that opens a form when a message carries one but no modal could be opened. */
export const OPEN_FORM_ACTION = 'command.rerun';

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

export interface RenderState {
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
        return (
          prefix +
          markupToMrkdwn(item)
            .split('\n')
            .join(`\n${' '.repeat(prefix.length + 1)}`)
        );
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
    elements: [
      { type: 'mrkdwn', text: `_The rest of this message was cut (${cut} more ${cut === 1 ? 'part' : 'parts'}); Slack shows at most ${max} blocks._` },
    ],
  };
  return [...kept, note];
}

/** Blocks as Block Kit; `state` numbers the buttons across everything rendered with it. */
export function renderBlocks(blocks: Block[], state: RenderState = { buttons: 0 }): KnownBlock[] {
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

/**
 * A neutral message as one or more Slack messages: nothing is cut. Blocks beyond Slack's 50 go in
 * further messages (each saying which part it is), and a text-only message beyond chat.postMessage's
 * 40,000 characters is split at line breaks. Senders post the parts in order.
 */
export function renderMessages(msg: Message): SlackMessage[] {
  const blocks = renderBlocks(msg.blocks);
  if (blocks.length === 0) {
    const text = escapeEntities(msg.text);
    return chunkMrkdwn(text === '' ? ' ' : text, LIMITS.messageText).map((part) => ({ text: part, blocks: [] }));
  }
  if (blocks.length <= LIMITS.messageBlocks) return [{ text: clip(escapeEntities(msg.text), LIMITS.messageText), blocks }];
  const perPart = LIMITS.messageBlocks - 1; // one block says which part this is
  const count = Math.ceil(blocks.length / perPart);
  const firstLine = clip(escapeEntities(msg.text.split('\n')[0]), 200);
  return Array.from({ length: count }, (_, i) => {
    const note: ContextBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: `_Part ${i + 1} of ${count}_` }] };
    return {
      text: i === 0 ? clip(escapeEntities(msg.text), LIMITS.messageText) : `${firstLine} (part ${i + 1} of ${count})`,
      blocks: [...blocks.slice(i * perPart, (i + 1) * perPart), note],
    };
  });
}

/** The App Home tab. */
export function renderHome(msg: Message): HomeView {
  return { type: 'home', blocks: capBlocks(renderBlocks(msg.blocks), LIMITS.viewBlocks) };
}
