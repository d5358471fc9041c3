/**
 * Parser for the message model's text markup (see model.ts), shared by every renderer so that
 * plain text, Block Kit and Adaptive Cards agree on what a piece of markup means.
 *
 * Markup: `**bold**`, `_italic_`, `[label](https://url)`, and `\x` for a literal `x`.
 * Anything that does not form a complete construct is kept as literal text, because the text
 * often comes from people who never meant it as markup.
 */

export type Span =
  { kind: 'text'; text: string } | { kind: 'bold'; children: Span[] } | { kind: 'italic'; children: Span[] } | { kind: 'link'; label: string; url: string };

// Only these schemes become links: anything else (javascript:, file:, relative paths) could be
// unsafe or meaningless in a chat client, so it stays visible as literal text.
const LINK_URL = /^(?:https?:\/\/|mailto:)\S+$/i;

interface LinkMatch {
  label: string;
  url: string;
  /** Index just past the closing `)`. */
  end: number;
}

/** The code point that ends just before index `i` (whole surrogate pair, so emoji classify right). */
function charBefore(src: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const low = src.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = src.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return src.slice(i - 2, i);
  }
  return src[i - 1];
}

function charAt(src: string, i: number): string | undefined {
  if (i >= src.length) return undefined;
  const cp = src.codePointAt(i);
  return cp === undefined ? undefined : String.fromCodePoint(cp);
}

/**
 * Word boundary for italics: start/end, whitespace, or punctuation/symbols. `_` itself is not a
 * boundary, so `__init__` and `a_b_c` stay literal.
 */
function isBoundary(ch: string | undefined): boolean {
  return ch === undefined || (ch !== '_' && /^[\s\p{P}\p{S}]$/u.test(ch));
}

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /^\s$/u.test(ch);
}

/** Resolves `\x` escapes only (no formatting): used for link URLs. */
function unescape(raw: string): string {
  return raw.replace(/\\([\s\S])/g, '$1');
}

/**
 * Matches `[label](url)` starting at `start` (a `[`), within `src[..end)`. Returns null when the
 * construct is incomplete or the URL is not an allowed scheme, so the caller keeps it literal.
 */
function matchLink(src: string, start: number, end: number): LinkMatch | null {
  let j = start + 1;
  for (; j < end; j++) {
    const ch = src[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    // A nested unescaped `[` means this `[` was literal; the inner one may still be a link.
    if (ch === '[') return null;
    if (ch === ']') break;
  }
  if (j >= end || src[j + 1] !== '(') return null;
  const labelEnd = j;
  let k = j + 2;
  for (; k < end; k++) {
    const ch = src[k];
    if (ch === '\\') {
      k++;
      continue;
    }
    if (ch === ')') break;
    // Raw whitespace, `(` or `[` cannot be in a URL here (parentheses must be escaped); stopping
    // at them keeps prose like "[a](b c)" literal and keeps each scan short.
    if (ch === '(' || ch === '[' || isSpace(ch)) return null;
  }
  if (k >= end) return null;
  const url = unescape(src.slice(labelEnd + 2, k));
  if (!LINK_URL.test(url)) return null;
  const label = stripMarkup(src.slice(start + 1, labelEnd));
  return { label: label === '' ? url : label, url, end: k + 1 };
}

class Parser {
  /**
   * Positions visited by italic-closer scans that failed, per range end. A later scan starting at
   * one of them would retrace the same steps and fail too; remembering them keeps text full of
   * unclosed `_` linear instead of quadratic.
   */
  private readonly failedItalicScans = new Map<number, Set<number>>();

  constructor(private readonly src: string) {}

  parse(start: number, end: number, inBold: boolean, inItalic: boolean): Span[] {
    const { src } = this;
    const out: Span[] = [];
    let text = '';
    const flush = (): void => {
      if (text !== '') out.push({ kind: 'text', text });
      text = '';
    };

    let i = start;
    while (i < end) {
      const ch = src[i];
      if (ch === '\\') {
        // A trailing lone backslash has nothing to escape, so it is itself literal.
        text += i + 1 < end ? src[i + 1] : '\\';
        i += 2;
        continue;
      }
      if (ch === '*' && src[i + 1] === '*' && i + 1 < end) {
        const close = inBold ? -1 : this.findBoldClose(i + 2, end);
        if (close > i + 2) {
          flush();
          out.push({ kind: 'bold', children: this.parse(i + 2, close, true, inItalic) });
          i = close + 2;
        } else {
          text += '**';
          i += 2;
        }
        continue;
      }
      if (ch === '_') {
        const next = charAt(src, i + 1);
        const canOpen = !inItalic && i + 1 < end && isBoundary(charBefore(src, i)) && next !== '_' && !isSpace(next);
        const close = canOpen ? this.findItalicClose(i + 1, end) : -1;
        if (close !== -1) {
          flush();
          out.push({ kind: 'italic', children: this.parse(i + 1, close, inBold, true) });
          i = close + 1;
        } else {
          text += '_';
          i += 1;
        }
        continue;
      }
      if (ch === '[') {
        const link = matchLink(src, i, end);
        if (link) {
          flush();
          out.push({ kind: 'link', label: link.label, url: link.url });
          i = link.end;
        } else {
          text += '[';
          i += 1;
        }
        continue;
      }
      text += ch;
      i += 1;
    }
    flush();
    return out;
  }

  /** Index of the `**` closing a bold opened before `from`, or -1. Escapes and links are skipped. */
  private findBoldClose(from: number, end: number): number {
    const { src } = this;
    let j = from;
    while (j < end) {
      const ch = src[j];
      if (ch === '\\') {
        j += 2;
      } else if (ch === '[') {
        j = matchLink(src, j, end)?.end ?? j + 1;
      } else if (ch === '*' && src[j + 1] === '*' && j + 1 < end) {
        return j;
      } else {
        j += 1;
      }
    }
    return -1;
  }

  /**
   * Index of the `_` closing an italic opened just before `from`, or -1. A closer follows a
   * non-space and precedes a word boundary, so `snake_case` inside italics does not close them.
   */
  private findItalicClose(from: number, end: number): number {
    const { src } = this;
    const failed = this.failedItalicScans.get(end);
    if (failed?.has(from)) return -1;
    const visited = new Set<number>();
    let j = from;
    let prevEscaped = false;
    while (j < end) {
      if (failed?.has(j)) break;
      visited.add(j);
      const ch = src[j];
      if (ch === '\\') {
        j += 2;
        prevEscaped = true;
        continue;
      }
      if (ch === '[') {
        const link = matchLink(src, j, end);
        if (link) {
          j = link.end;
          prevEscaped = false;
          continue;
        }
      }
      if (ch === '_' && j > from) {
        const before = charBefore(src, j);
        const closesAfterWord = prevEscaped || (before !== '_' && !isSpace(before));
        if (closesAfterWord && isBoundary(charAt(src, j + 1))) return j;
      }
      prevEscaped = false;
      j += 1;
    }
    const merged = failed ?? new Set<number>();
    for (const p of visited) merged.add(p);
    this.failedItalicScans.set(end, merged);
    return -1;
  }
}

export function parseMarkup(src: string): Span[] {
  return new Parser(src).parse(0, src.length, false, false);
}

/** Spans as plain text: formatting dropped, links as `label (url)`. */
export function spansToText(spans: Span[]): string {
  return spans
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return s.text;
        case 'bold':
        case 'italic':
          return spansToText(s.children);
        case 'link':
          return `${s.label} (${s.url})`;
      }
    })
    .join('');
}

/** The markup with all formatting removed and escapes resolved (what a screen reader or a notification shows). Links render as `label (url)`. */
export function stripMarkup(src: string): string {
  return spansToText(parseMarkup(src));
}
