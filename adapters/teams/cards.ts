/**
 * Neutral messages as Bot Framework message activities carrying one Adaptive Card (in Teams'
 * command syntax, split when too large for one message), and a short memory of the forms sent,
 * so a refused form can be drawn again exactly as it was (the cards with buttons sent are kept
 * by sent-cards.ts).
 */
import type { Activity } from 'botbuilder';
import { formOf, type Block, type Message } from '../../src/messages/model';
import { ADAPTIVE_CARD_CONTENT_TYPE, renderAdaptiveCard, type RenderOptions } from './render-adaptive-card';
import { splitForTeams } from './split';
import { inTeamsSyntax, type Place, type TeamsSyntax } from './syntax';

export type FormBlock = Extract<Block, { type: 'form' }>;

/** A message activity with the message as an Adaptive Card; `summary` is the plain fallback text. */
export function cardActivity(message: Message, options?: RenderOptions): Partial<Activity> {
  return {
    type: 'message',
    summary: message.text,
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: renderAdaptiveCard(message, options) }],
  };
}

/** Where a message goes, which decides how its command references read. */
export interface Destination {
  place: Place;
  /** Without it (tests of the card alone) command references are left as the core wrote them. */
  syntax?: TeamsSyntax;
}

/**
 * The message as Teams should get it: command references in its syntax for the destination, and
 * split into parts each Teams will take. Each part comes with its activity, in order.
 */
export function teamsParts(message: Message, to: Destination): { part: Message; activity: Partial<Activity> }[] {
  const worded = to.syntax ? inTeamsSyntax(message, to.place, to.syntax) : message;
  return splitForTeams(worded, (part) => cardActivity(part)).map((part) => ({ part, activity: cardActivity(part) }));
}

/** The form alone, drawn again with the refused fields marked and the entered values kept. */
export function formAgainActivity(form: FormBlock, fieldErrors: Record<string, string>, values: Record<string, string | undefined>): Partial<Activity> {
  const reasons = Object.values(fieldErrors).join(' ');
  return cardActivity({ text: `${form.title}: ${reasons}`, blocks: [form] }, { fieldErrors, values });
}

/**
 * The last forms sent to each conversation, by form id. Bounded; after a restart (or for a form
 * long forgotten) the adapter asks the core for a fresh copy instead.
 */
export class FormMemory {
  private readonly forms = new Map<string, FormBlock>();

  constructor(private readonly capacity = 1000) {}

  private static key(conversationId: string, formId: string): string {
    return `${conversationId}\u0000${formId}`;
  }

  rememberFrom(conversationId: string, message: Message): void {
    const form = formOf(message);
    if (!form) return;
    const key = FormMemory.key(conversationId, form.formId);
    this.forms.delete(key);
    this.forms.set(key, form);
    while (this.forms.size > this.capacity) {
      const oldest = this.forms.keys().next().value as string;
      this.forms.delete(oldest);
    }
  }

  find(conversationId: string, formId: string): FormBlock | undefined {
    return this.forms.get(FormMemory.key(conversationId, formId));
  }
}
