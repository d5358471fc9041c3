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

/** Slack's "special mentions" (`<!here>`, `<!channel>`, `<!everyone>`), as people typed them. */
const SPECIAL = new Set(['here', 'channel', 'everyone']);

function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** One of Slack's `<…>` tokens as the readable text it stands for (mentions stay for the mention reader). */
function readableToken(inner: string, whole: string): string {
  const bar = inner.indexOf('|');
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? decodeEntities(inner.slice(bar + 1)) : undefined;
  if (target.startsWith('@')) return whole; // a person: the core turns it into a reference, never a copied name
  if (target.startsWith('#')) return `#${label || target.slice(1)}`;
  if (target.startsWith('!subteam^')) return label ? (label.startsWith('@') ? label : `@${label}`) : '@group';
  if (target.startsWith('!')) {
    const name = target.slice(1).split('^')[0];
    if (SPECIAL.has(name)) return `@${name}`;
    return label ?? `@${name}`; // `<!date^…|fallback>` and the like: Slack's own fallback text
  }
  const url = decodeEntities(target);
  if (!label) return url.replace(/^mailto:/, '');
  const bare = url.replace(/^(mailto:|https?:\/\/)/, '').replace(/\/$/, '');
  return label === url || label === bare || label.replace(/\/$/, '') === bare ? label : `${label} (${url})`;
}

/**
 * Slash command and DM text as the person typed it. With `should_escape: true` Slack sends `&`,
 * `<` and `>` as entities and wraps what it recognised in `<…>`: people (`<@U1|casey>`, kept for
 * the mention reader, which turns them into references), channels (`<#C1|grade3>` → `#grade3`),
 * links (`<https://x|label>` → `label (https://x)`, `<https://x>` → the url), user groups
 * (`<!subteam^S1|@math>` → `@math`) and `<!here>`, `<!channel>`, `<!everyone>` (→ `@here` …).
 */
export function decodeCommandText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/<([^<>]+)>/g)) {
    out += decodeEntities(text.slice(last, m.index));
    out += readableToken(m[1], m[0]);
    last = m.index + m[0].length;
  }
  return out + decodeEntities(text.slice(last));
}
