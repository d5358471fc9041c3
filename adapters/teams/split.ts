/**
 * Teams refuses a message over about 100 KB (413, "Request Entity Too Large"), counted over the
 * activity as the connector receives it, text in UTF-16. A compiled agenda of 80 long items is
 * well over that, and retrying cannot shrink it, so a message too large for one activity is sent
 * as several: split between blocks and between list items (never inside one), each part well
 * under the limit, the parts after the first headed "(continued, 2 of 3)". Buttons and forms stay
 * with the blocks they end, so they arrive in the last part.
 */
import { stripMarkup } from '../../src/messages/markup';
import { escapeMarkup, type Block, type Message } from '../../src/messages/model';
import type { ListBlock } from './render-adaptive-card';

/** Each part stays under this many bytes as Teams counts them (its limit is about 100 KB). */
export const TEAMS_PART_LIMIT = 80 * 1024;

/**
 * Room left for what botbuilder adds to each activity on the way out (the conversation, sender,
 * recipient, service URL and reply-to fields of the conversation reference).
 */
export const ENVELOPE_ALLOWANCE = 4 * 1024;

/** An activity's size as Teams counts it: its JSON, two bytes per UTF-16 code unit. */
export function teamsSize(activity: unknown): number {
  return JSON.stringify(activity).length * 2;
}

/** The continuation line of part `index` (1-based) of `total`. */
export const continuedLine = (index: number, total: number): string => `(continued, ${index} of ${total})`;

/** Blocks in the smallest pieces a split may separate: lists and field sets item by item, long text line by line. */
function pieces(block: Block): Block[] {
  switch (block.type) {
    case 'list': {
      const list = block as ListBlock;
      const start = list.start ?? 1;
      return block.items.map((item, i) => {
        const piece: ListBlock = { ...block, items: [item], start: start + i };
        return piece;
      });
    }
    case 'fields':
      return block.fields.map((field) => ({ type: 'fields', fields: [field] }));
    case 'text':
      return block.text.split(/\n(?=.)/).map((line) => ({ type: 'text', text: line }));
    case 'header':
    case 'context':
    case 'actions':
    case 'form':
    case 'divider':
      return [block];
  }
}

/** Neighbouring pieces of one list (or field set) back into one block, so a part draws them as one. */
function rejoin(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (const block of blocks) {
    const last = out[out.length - 1];
    if (block.type === 'list' && last?.type === 'list' && last.ordered === block.ordered && (last as Piece).fromList === (block as Piece).fromList) {
      out[out.length - 1] = { ...last, items: [...last.items, ...block.items] };
    } else if (block.type === 'fields' && last?.type === 'fields' && (last as Piece).fromList === (block as Piece).fromList) {
      out[out.length - 1] = { ...last, fields: [...last.fields, ...block.fields] };
    } else {
      out.push(block);
    }
  }
  return out.map((b) => {
    const copy: Piece = { ...b };
    delete copy.fromList;
    return copy;
  });
}

/** A piece remembers which block it came from, so only pieces of one block are joined again. */
type Piece = Block & { fromList?: number };

function plainOf(blocks: Block[]): string {
  const lines: string[] = [];
  for (const block of blocks) {
    if (block.type === 'header' || block.type === 'text' || block.type === 'context') lines.push(stripMarkup(block.text));
    else if (block.type === 'list') lines.push(...block.items.map((item) => `- ${stripMarkup(item)}`));
    else if (block.type === 'fields') lines.push(...block.fields.map((f) => `${stripMarkup(f.label)}: ${stripMarkup(f.value)}`));
    else if (block.type === 'form') lines.push(block.title);
  }
  return lines.join('\n');
}

/**
 * The message as one or more messages, each of whose activity (`toActivity`) Teams will take.
 * A message that fits is returned as it is.
 */
export function splitForTeams(message: Message, toActivity: (part: Message) => unknown, partLimit = TEAMS_PART_LIMIT): Message[] {
  const limit = partLimit - ENVELOPE_ALLOWANCE;
  if (teamsSize(toActivity(message)) <= limit) return [message];
  const all: Piece[] = message.blocks.flatMap((block, index) =>
    pieces(block).map((p) => {
      const piece: Piece = { ...p, fromList: index };
      return piece;
    }),
  );
  // What an empty part costs (the card, the continuation line), then each piece on its own.
  const overhead = teamsSize(toActivity({ text: continuedLine(99, 99), blocks: [{ type: 'context', text: escapeMarkup(continuedLine(99, 99)) }] }));
  const sizes = all.map((p) => teamsSize(toActivity({ text: plainOf([p]), blocks: [p] })) - teamsSize(toActivity({ text: '', blocks: [] })));

  const groups: Piece[][] = [];
  let current: Piece[] = [];
  let used = overhead;
  all.forEach((piece, i) => {
    // The sum over pieces counts each piece's own wrapping, so it is never under the real size.
    if (current.length > 0 && used + sizes[i] > limit) {
      groups.push(current);
      current = [];
      used = overhead;
    }
    current.push(piece);
    used += sizes[i];
  });
  if (current.length > 0) groups.push(current);

  // Each part's text (the notification and preview) is the message's own first line, never the
  // blocks' words: a message keeps confidential text (an escalation's concern) out of its fallback.
  const firstLine = message.text.split('\n')[0];
  return groups.map((group, i) => {
    const blocks = rejoin(group);
    if (i > 0) blocks.unshift({ type: 'context', text: escapeMarkup(continuedLine(i + 1, groups.length)) });
    return { text: i === 0 ? firstLine : `${firstLine} ${continuedLine(i + 1, groups.length)}`, blocks };
  });
}
