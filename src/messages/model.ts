/**
 * The neutral message model. Every feature builds these; every adapter renders them with one
 * pure renderer (plain text, Block Kit, Adaptive Card). Text fields use a small markup:
 * `**bold**`, `_italic_`, `[label](https://url)`, and a backslash escapes a markup character.
 * Text that came from a user must pass through `escapeMarkup` before it is put into markup.
 */

export type ButtonStyle = 'primary' | 'danger';

export interface Button {
  /** Stable id the core routes on, e.g. `booking.accept`. */
  actionId: string;
  label: string;
  /** Opaque routing value (an id, a small JSON string); at most 2000 characters. */
  value: string;
  style?: ButtonStyle;
}

export type InputKind = 'text' | 'longtext' | 'choice' | 'person' | 'date' | 'time' | 'checkbox';

export interface Choice {
  value: string;
  label: string;
}

export interface FormInput {
  /** Unique within the form; the key of the submitted value. */
  id: string;
  label: string;
  kind: InputKind;
  required: boolean;
  /** For `choice` and `person` inputs. */
  choices?: Choice[];
  /** Pre-filled value (for a checkbox: 'true' or 'false'). */
  initial?: string;
  placeholder?: string;
  /** A short line under the input. */
  hint?: string;
  /** The longest text accepted (text inputs); platforms stop typing there. Defaults per kind in the renderers. */
  maxLength?: number;
}

/** What a text input takes when its form does not say: a line, or a few paragraphs (Slack's own maximum). */
export const DEFAULT_MAX_LENGTH = { text: 500, longtext: 3000 } as const;

export type Block =
  | { type: 'header'; text: string }
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: { label: string; value: string }[] }
  | { type: 'list'; items: string[]; ordered?: boolean }
  | { type: 'actions'; buttons: Button[] }
  | {
      type: 'form';
      /** Routes the submission back to its handler, e.g. `touchpoint.book`. */
      formId: string;
      title: string;
      submitLabel: string;
      inputs: FormInput[];
      /** Opaque context carried through the submission (ids the handler needs). */
      state?: string;
    }
  | { type: 'context'; text: string }
  | { type: 'divider' };

export type BlockType = Block['type'];

export interface Message {
  /** Plain fallback text, always set (notifications, screen readers, old clients). */
  text: string;
  blocks: Block[];
}

/** Escapes user-supplied text so it renders literally inside the markup. */
export function escapeMarkup(userText: string): string {
  return userText.replace(/[\\*_[\]()]/g, (ch) => `\\${ch}`);
}

export function message(text: string, ...blocks: Block[]): Message {
  return { text, blocks };
}

/** All buttons of a message, in display order (the console numbers them this way). */
export function buttonsOf(msg: Message): Button[] {
  return msg.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []));
}

/** The first form of a message, if it carries one. */
export function formOf(msg: Message): Extract<Block, { type: 'form' }> | undefined {
  return msg.blocks.find((b): b is Extract<Block, { type: 'form' }> => b.type === 'form');
}
