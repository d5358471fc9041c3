/**
 * How an erased person's name is found in free text others wrote: the forms people type for a
 * colleague (full name, surname, "Ms. Morgan", "T. Morgan", initials) and the whole-word scrub.
 */

/** Courtesy titles written before a surname. */
const TITLES = ['Mr', 'Mrs', 'Ms', 'Mx', 'Miss', 'Dr', 'Coach'];

/** The forms of a person's name that are replaced: `written` in anybody's text, `everyName` also their first name alone (in text about them). */
export interface NameForms {
  written: string[];
  everyName: string[];
}

export function nameForms(displayName: string, handle: string | null): NameForms {
  const words = displayName.trim().split(/\s+/).filter(Boolean);
  const written = [displayName.trim(), ...(handle ? [`@${handle}`] : [])];
  if (words.length >= 2) {
    const surname = words[words.length - 1];
    const initials = words.map((w) => w[0].toUpperCase());
    const first = initials[0];
    written.push(surname, `${first}. ${surname}`, `${first}.${surname}`, `${first} ${surname}`);
    for (const title of TITLES)
      written.push(`${title}. ${surname}`, `${title} ${surname}`, `${title}. ${displayName.trim()}`, `${title} ${displayName.trim()}`);
    written.push(initials.join('.') + '.', initials.join('. ') + '.', initials.join(''));
  }
  const firstName = words[0] ?? '';
  return { written: usable(written), everyName: usable([...written, firstName]) };
}

/** Distinct, at least two characters, longest first (so "Ms. Morgan" goes whole, not as "Ms. " + a replaced surname). */
function usable(tokens: readonly string[]): string[] {
  return [...new Set(tokens.map((t) => t.trim()).filter((t) => t.length >= 2))].sort((a, b) => b.length - a.length);
}

/** Replaces whole-word, case-insensitive occurrences of any token (longest first) with the replacement. */
export function scrubText(text: string, tokens: readonly string[], replacement: string): string {
  const sorted = usable(tokens);
  if (sorted.length === 0) return text;
  const alternatives = sorted.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_])`, 'giu');
  return text.replace(re, replacement);
}

/** The same over every string in a parsed JSON value (an outbox row's composed message). */
export function scrubJson(value: unknown, tokens: readonly string[], replacement: string): unknown {
  if (typeof value === 'string') return scrubText(value, tokens, replacement);
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, tokens, replacement));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, tokens, replacement)]));
  }
  return value;
}

/** A cheap test before parsing: could the text hold any of the tokens at all? */
export function mayMention(text: string, tokens: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return tokens.some((t) => lower.includes(t.toLowerCase()));
}
