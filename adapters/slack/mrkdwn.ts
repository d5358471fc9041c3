/**
 * Text for Slack: markup as mrkdwn, escaping, clipping and chunking, and plain_text objects. Pure.
 *
 * Markup (see src/messages/markup.ts) becomes Slack mrkdwn: `**bold**` → `*bold*`, `_italic_` →
 * `_italic_`, `[label](url)` → `<url|label>`. Literal text is escaped: `&`, `<`, `>` become
 * entities (the three characters Slack asks apps to escape), and because mrkdwn has no escape
 * character for its formatting marks, literal `*`, `~`, `` ` `` and word-edge `_` are replaced with
 * look-alike characters so that text people typed can never turn into formatting or a mention.
 */
import type { PlainTextElement } from '@slack/types';
import { parseMarkup, type Span } from '../../src/messages/markup';

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

/** A plain_text object: one line, clipped to `max`, never empty (Slack refuses empty text). */
export function plain(text: string, max: number): PlainTextElement {
  const t = text.replace(/\s*\n\s*/g, ' ').trim();
  return { type: 'plain_text', text: clip(t === '' ? '…' : t, max), emoji: true };
}
