/**
 * Command references in Teams' own syntax. The core writes them the Slack way ("Book one:
 * /touchpoint book @name weekly tue 14:00"); a Teams user types to the bot instead:
 *
 * - in a personal chat: `book <name> weekly tue 14:00` (no slash, no root for touch-point
 *   commands; people by name, since a 1:1 chat with the bot has no one else to @mention),
 *   and `coaching request …` for the coaching commands;
 * - in a team channel or group chat: `@Touchpoint book @name …` (the bot only hears messages
 *   that mention it, and people are @mentioned there).
 *
 * Only `/touchpoint <command>` and `/coaching <command>` for commands the registry knows are
 * rewritten, so a path like `data/touchpoint.db` or a URL is never touched. What this produces is
 * exactly what `splitRoot` and the bot read back (a test types every example).
 */
import type { Block, FormInput, Message } from '../../src/messages/model';
import type { Root } from '../../src/core/registry';

/** Where a message is shown: a 1:1 chat with the bot, or a channel / group chat. */
export type Place = 'personal' | 'shared';

export interface TeamsSyntax {
  /** The bot's name as people @mention it in a channel (the app package's short name). */
  botName: string;
  /** Command names per root, from the registry. */
  commands: Record<Root, ReadonlySet<string>>;
}

/** The registry's command names, for a TeamsSyntax. */
export function teamsSyntaxOf(registry: { list(root: Root): { name: string }[] }, botName = 'Touchpoint'): TeamsSyntax {
  return {
    botName,
    commands: {
      touchpoint: new Set(registry.list('touchpoint').map((s) => s.name)),
      coaching: new Set(registry.list('coaching').map((s) => s.name)),
    },
  };
}

// `/touchpoint` or `/coaching` as a word of its own (not inside a path or a URL), then a word.
const ROOT_REFERENCE = /(^|[\s("'“‘:*_[])\/(touchpoint|coaching)(?![\w./-])(\s+([a-z][a-z-]*))?/gi;
// The placeholders usage lines and hints use for a person.
const PERSON_PLACEHOLDER = /(^|[\s("'“‘[])@(person|name|people)\b/g;

/** The text with every command reference written as a Teams user types it here. */
export function inTeamsWords(text: string, place: Place, syntax: TeamsSyntax): string {
  let out = text.replace(ROOT_REFERENCE, (whole, before: string, rootWord: string, afterRoot: string | undefined, command: string | undefined) => {
    const root = rootWord.toLowerCase() as Root;
    const known = command !== undefined && syntax.commands[root].has(command.toLowerCase());
    if (!known) {
      // "/touchpoint commands", a bare root: named, not typed.
      return `${before}${root === 'touchpoint' ? syntax.botName : 'coaching'}${afterRoot ?? ''}`;
    }
    if (root === 'coaching') return `${before}coaching${afterRoot ?? ''}`;
    const typed = afterRoot!.replace(/^\s+/, '');
    return place === 'personal' ? `${before}${typed}` : `${before}@${syntax.botName} ${typed}`;
  });
  if (place === 'personal') out = out.replace(PERSON_PLACEHOLDER, (_whole, before: string, word: string) => `${before}<${word}>`);
  return out;
}

function inputInWords(input: FormInput, words: (text: string) => string): FormInput {
  const out: FormInput = { ...input };
  if (input.hint !== undefined) out.hint = words(input.hint);
  if (input.placeholder !== undefined) out.placeholder = words(input.placeholder);
  return out;
}

function blockInWords(block: Block, words: (text: string) => string): Block {
  switch (block.type) {
    case 'header':
    case 'text':
    case 'context':
      return { ...block, text: words(block.text) };
    case 'fields':
      return { ...block, fields: block.fields.map((f) => ({ label: words(f.label), value: words(f.value) })) };
    case 'list':
      return { ...block, items: block.items.map(words) };
    case 'form':
      return { ...block, title: words(block.title), inputs: block.inputs.map((i) => inputInWords(i, words)) };
    case 'actions':
    case 'divider':
      return block;
  }
}

/** The message with its command references (text, blocks, form hints) in Teams' syntax for `place`. */
export function inTeamsSyntax(message: Message, place: Place, syntax: TeamsSyntax): Message {
  const words = (text: string): string => inTeamsWords(text, place, syntax);
  return { text: words(message.text), blocks: message.blocks.map((b) => blockInWords(b, words)) };
}
