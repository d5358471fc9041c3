/**
 * Slack's escaped mentions. With `should_escape: true` a slash command's text names people as
 * `<@U123>` or `<@U123|casey>` (the part after `|` is the legacy username, not the display
 * name); Enterprise Grid user ids start with W.
 */
import type { MentionReader } from '../../src/core/app';

const MENTION = /^<@([UW][A-Z0-9]+)(?:\|([^>]*))?>$/;
const MENTIONS = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;

/** The user ids mentioned in a text, in order, without repeats. */
export function mentionedUserIds(text: string): string[] {
  return [...new Set([...text.matchAll(MENTIONS)].map((m) => m[1]))];
}

/**
 * Reads one token as a Slack mention. `names` holds display names looked up beforehand
 * (users.info), because the reader itself must answer synchronously.
 */
export function slackMentions(names: ReadonlyMap<string, string> = new Map()): MentionReader {
  return {
    pattern: MENTIONS,
    read(token: string) {
      const m = MENTION.exec(token.trim());
      if (!m) return undefined;
      const displayName = names.get(m[1]) ?? (m[2] ? m[2] : undefined);
      return displayName ? { externalId: m[1], displayName } : { externalId: m[1] };
    },
  };
}

/**
 * Slash command text arrives with `&`, `<` and `>` escaped as entities; mentions stay as they are.
 * Entities are decoded so that what the person typed reaches the command language.
 */
export function decodeCommandText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
