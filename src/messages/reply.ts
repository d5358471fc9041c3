/** The most common message: one line of plain text, with optional extra blocks (context, buttons). */
import { escapeMarkup, type Block, type Message } from './model';
import { stripMarkup } from './markup';

/**
 * `text` is plain (it is escaped for the markup); the fallback text also carries the context
 * lines, with their markup removed, so a notification or screen reader loses nothing.
 */
export function textMessage(text: string, ...extra: Block[]): Message {
  const context = extra.filter((b): b is Extract<Block, { type: 'context' }> => b.type === 'context').map((b) => stripMarkup(b.text));
  return { text: [text, ...context].join('\n'), blocks: [{ type: 'text', text: escapeMarkup(text) }, ...extra] };
}

/**
 * The message whose button settled it, as it should now read: its controls gone, the outcome
 * in their place ("✓ Accepted by Casey Lee, Mon 23 Nov"). Every adapter updates the original with this.
 */
export function settledMessage(original: Message, outcome: string): Message {
  const blocks: Block[] = original.blocks.filter((b) => b.type !== 'actions' && b.type !== 'form');
  blocks.push({ type: 'context', text: escapeMarkup(outcome) });
  return { text: `${original.text}\n${outcome}`, blocks };
}
