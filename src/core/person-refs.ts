/**
 * People are referenced, not copied (DESIGN.md §6). Stored text that names a person known to the
 * school keeps a reference token instead of the name, and is rendered to the person's current
 * display name when read, so a rename shows everywhere and an erased person reads "a teacher"
 * everywhere, without searching text for names.
 *
 * The token is `⟦person:42⟧` (42 = users.id): brackets nobody types, no markup character (so it
 * passes `escapeMarkup` unchanged) and nothing JSON escapes.
 */
import { isForgotten, type User } from './model';
import { escapeMarkup, type Block, type Message } from '../messages/model';

/** What an erased person, or an id no longer known, reads as. */
export const UNKNOWN_PERSON = 'a teacher';

const REF = /⟦person:(\d+)⟧/gu;

type UserOf = (userId: number) => Pick<User, 'displayName' | 'externalId'> | undefined;

/** The reference token stored for a person. */
export const personRef = (userId: number): string => `⟦person:${userId}⟧`;

export type NamedPerson = Pick<User, 'id' | 'displayName' | 'handle' | 'externalId'>;

export function hasPersonRefs(text: string): boolean {
  return text.includes('⟦person:');
}

/** The user ids a text refers to, in order, without repeats. */
export function personRefIds(text: string): number[] {
  return [...new Set([...text.matchAll(REF)].map((m) => Number(m[1])))];
}

/** How a person reads in text: their current display name, or "a teacher" once erased or unknown. */
export function personName(user: Pick<User, 'displayName' | 'externalId'> | undefined): string {
  return !user || isForgotten(user) ? UNKNOWN_PERSON : user.displayName;
}

/** Turns every token back into the person's current name (`userOf` looks the id up). */
export function renderPersonRefs(text: string, userOf: UserOf): string {
  if (!hasPersonRefs(text)) return text;
  return text.replace(REF, (_, id: string) => personName(userOf(Number(id))));
}

const collapse = (name: string): string => name.trim().replace(/\s+/gu, ' ').toLowerCase();

/**
 * A display name that can stand for its person in text: two characters or more, not just their
 * handle or platform id (a console user's default name), and borne by nobody else (two people
 * called "Jordan Kim" cannot be told apart in text).
 */
function nameIndex(people: readonly NamedPerson[]): Map<string, number> {
  const byName = new Map<string, number | null>();
  for (const p of people) {
    if (isForgotten(p)) continue;
    const name = collapse(p.displayName);
    if (name.length < 2 || name === p.handle?.toLowerCase() || name === p.externalId.toLowerCase()) continue;
    const seen = byName.get(name);
    byName.set(name, seen === undefined || seen === p.id ? p.id : null);
  }
  return new Map([...byName].filter((e): e is [string, number] => e[1] !== null));
}

/**
 * Replaces the display names of `people` (whole words, any case, longest first, any run of spaces
 * between the name's words) with their tokens. Tokens already in the text stay when they are one
 * of `people`; any other token (a mention of someone outside the school, a token typed by hand)
 * is written out now as that person's name, via `userOf`.
 */
export function encodePersonRefs(text: string, people: readonly NamedPerson[], userOf: UserOf = () => undefined): string {
  const index = nameIndex(people);
  const members = new Set(people.filter((p) => !isForgotten(p)).map((p) => p.id));
  const names = [...index.keys()].sort((a, b) => b.length - a.length);
  const pattern =
    names.length === 0
      ? undefined
      : new RegExp(`(?<![\\p{L}\\p{N}_])(?:${names.map((n) => n.split(' ').map(escapeRegExp).join('\\s+')).join('|')})(?![\\p{L}\\p{N}_])`, 'giu');
  // Split on existing tokens so a name is never looked for inside one.
  return text
    .split(/(⟦person:\d+⟧)/u)
    .map((part, i) => {
      if (i % 2 === 1) {
        const id = Number(part.slice('⟦person:'.length, -1));
        return members.has(id) ? part : personName(userOf(id));
      }
      if (!pattern) return part;
      return part.replace(pattern, (found) => {
        const id = index.get(collapse(found));
        return id === undefined ? found : personRef(id);
      });
    })
    .join('');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A message with any token rendered: the names escaped where the message model reads markup, plain
 * elsewhere. Text read from the store is rendered already; this catches what a handler echoes of
 * its input (a mention typed into free text arrives as a token).
 */
export function renderMessageRefs(msg: Message, userOf: UserOf): Message {
  if (!hasPersonRefs(JSON.stringify(msg))) return msg;
  const plain = (text: string): string => renderPersonRefs(text, userOf);
  const markup = (text: string): string => (hasPersonRefs(text) ? text.replace(REF, (_, id: string) => escapeMarkup(personName(userOf(Number(id))))) : text);
  const block = (b: Block): Block => {
    switch (b.type) {
      case 'header':
      case 'text':
      case 'context':
        return { ...b, text: markup(b.text) };
      case 'fields':
        return { ...b, fields: b.fields.map((f) => ({ label: markup(f.label), value: markup(f.value) })) };
      case 'list':
        return { ...b, items: b.items.map(markup) };
      case 'actions':
        return { ...b, buttons: b.buttons.map((x) => ({ ...x, label: plain(x.label) })) };
      case 'form':
        return {
          ...b,
          inputs: b.inputs.map((i) => ({
            ...i,
            label: plain(i.label),
            ...(i.initial === undefined ? {} : { initial: plain(i.initial) }),
            ...(i.choices ? { choices: i.choices.map((c) => ({ ...c, label: plain(c.label) })) } : {}),
          })),
        };
      case 'divider':
        return b;
    }
  };
  return { text: plain(msg.text), blocks: msg.blocks.map(block) };
}
