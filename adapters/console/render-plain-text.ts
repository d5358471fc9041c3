/**
 * The console adapter's one pure renderer: a neutral Message as terminal text.
 * Buttons are numbered across the whole message because `:press <n>` addresses them that way
 * (same order as `buttonsOf` in the model).
 */
import type { Block, Message } from '../../src/messages/model';
import { parseMarkup, spansToText, type Span } from '../../src/messages/markup';

const RULE = '─';
const DIVIDER_WIDTH = 20;

/** Spans for a terminal: no styling is available, so bold/italic are just their text. */
export function renderSpansPlain(spans: Span[]): string {
  return spansToText(spans);
}

function renderMarkup(src: string): string {
  return renderSpansPlain(parseMarkup(src));
}

/** Width in code points, so an emoji counts once under the header rule. */
function width(s: string): number {
  return Array.from(s).length;
}

/** Indents continuation lines so multi-line items stay aligned under their first line. */
function hang(prefix: string, text: string): string {
  const pad = ' '.repeat(width(prefix));
  return prefix + text.split('\n').join(`\n${pad}`);
}

function renderBlock(block: Block, nextButton: () => number): string {
  switch (block.type) {
    case 'header': {
      const text = renderMarkup(block.text);
      const longest = Math.max(...text.split('\n').map(width));
      return `${text}\n${RULE.repeat(longest)}`;
    }
    case 'text':
      return renderMarkup(block.text);
    case 'fields':
      return block.fields.map((f) => `${renderMarkup(f.label)}: ${renderMarkup(f.value)}`).join('\n');
    case 'list':
      return block.items.map((item, i) => hang(block.ordered ? `  ${i + 1}. ` : '  • ', renderMarkup(item))).join('\n');
    case 'actions':
      // Button labels are plain text in the model (as in Slack/Teams), so no markup parsing.
      return block.buttons.map((b) => `  [${nextButton()}] ${b.label}`).join(' ');
    case 'form': {
      // Title, labels and choices are plain text (they map to plain-text fields in Slack/Teams).
      const lines = [`Form: ${block.title}`];
      for (const input of block.inputs) {
        lines.push(`  - ${input.label} (${input.kind}${input.required ? ', required' : ''})`);
        if (input.kind === 'choice' || input.kind === 'person') {
          (input.choices ?? []).forEach((c, i) => lines.push(`      ${i + 1}) ${c.label}`));
        }
      }
      lines.push('  Answer the prompts below, or type :cancel.');
      return lines.join('\n');
    }
    case 'context':
      return hang('  ', renderMarkup(block.text));
    case 'divider':
      return RULE.repeat(DIVIDER_WIDTH);
  }
}

export function renderPlainText(msg: Message): string {
  if (msg.blocks.length === 0) return msg.text;
  let buttonCount = 0;
  const nextButton = (): number => ++buttonCount;
  return (
    msg.blocks
      .map((b) => renderBlock(b, nextButton))
      // Empty blocks (no buttons, no items) would only leave blank lines behind.
      .filter((s) => s !== '')
      .join('\n')
  );
}
