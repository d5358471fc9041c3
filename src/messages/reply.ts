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

/** The button a person pressed: its action id and value (the value names its subject: a request, a proposal). */
export interface PressedButton {
  actionId: string;
  value: string;
}

/**
 * The message whose button settled it, as it should now read ("✓ Accepted by Casey Lee, Mon 23 Nov"
 * in place of the used buttons). Only the pressed subject's buttons go — those of its block about the
 * pressed button's subject (subjectOf) — so in a list (requests, proposals, escalations) the other items keep
 * theirs. Without the pressed button, every control goes. Every adapter updates the original with this.
 */
/** What a button's value is about: its id, before any ":option" (`7:off`, `12:34` are about 7 and 12). */
export const subjectOf = (value: string): string => value.split(':')[0];

export function settledMessage(original: Message, outcome: string, pressed?: PressedButton): Message {
  const line: Block = { type: 'context', text: escapeMarkup(outcome) };
  const at = pressed
    ? original.blocks.findIndex((b) => b.type === 'actions' && b.buttons.some((x) => x.actionId === pressed.actionId && x.value === pressed.value))
    : -1;
  if (!pressed || at < 0) {
    const blocks: Block[] = original.blocks.filter((b) => b.type !== 'actions' && b.type !== 'form');
    blocks.push(line);
    return { text: `${original.text}\n${outcome}`, blocks };
  }
  const block = original.blocks[at] as Extract<Block, { type: 'actions' }>;
  const kept = block.buttons.filter((x) => subjectOf(x.value) !== subjectOf(pressed.value));
  const blocks: Block[] = [...original.blocks.slice(0, at), line, ...(kept.length ? [{ ...block, buttons: kept }] : []), ...original.blocks.slice(at + 1)];
  return { text: `${original.text}\n${outcome}`, blocks };
}
