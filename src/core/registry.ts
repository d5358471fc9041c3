/**
 * The command registry: every feature registers its commands here as
 * `{ root, name, usage, describe, schema, fromWords, handle }`. Help text, usage lines in
 * errors, and the Slack and Teams manifests' command hints all come from these entries.
 */
import type { z } from 'zod';
import type { Message } from '../messages/model';
import type { Reply, RequestContext, Services } from './context';
import type { OutboxRow } from './ports/outbox';
import type { LocalDate } from './datetime';
import type { DomainEvent, DomainEvents } from './events';
import type { AgendaSection, Contributions } from './contributions';
import type { ActorRule } from './policy';
import type { Actor, School } from './model';

export type { AgendaSection, AgendaSectionInput, Contributions } from './contributions';

export type Root = 'touchpoint' | 'coaching';
export const ROOTS: readonly Root[] = ['touchpoint', 'coaching'];

export interface ParseContext {
  today: LocalDate;
}

/**
 * Whether a command's answers may be shown to a whole channel (Teams team channels): only those
 * that hold nothing private to the person asking. Everything else stays in a personal chat.
 */
export type Visibility = 'private' | 'channel-safe';

export interface CommandSpec<T = unknown> {
  root: Root;
  name: string;
  /** Where its answer may be shown; private unless it says otherwise. */
  visibility?: Visibility;
  /** A guard on the actor alone, applied by the registry before the form or the handler (policy/rules.ts names them). */
  policy?: ActorRule;
  /** `book @person weekly|biweekly <weekday> <HH:MM> [for <N>m] [from <date>]` (without the root). */
  usage: string;
  describe: string;
  /** One realistic example, shown in help and the README. */
  example: string;
  /** Validates the raw arguments; built per request because dates are read against today. */
  schema(pctx: ParseContext): z.ZodType<T>;
  /** Raw arguments from the words after the name; `null` opens the command's form instead. */
  fromWords(words: string[], pctx: ParseContext): Record<string, unknown> | null;
  /** The form shown when arguments are missing (its inputs are named like the schema's keys). */
  form?(ctx: RequestContext): Message;
  handle(ctx: RequestContext, args: T): Reply;
}

export interface ActionSpec {
  actionId: string;
  /** Where its answer may be shown; private unless it says otherwise. */
  visibility?: Visibility;
  /**
   * The past-tense verb of a button that settles its message (Accept → "Accepted"): once the
   * handler succeeds, the message's controls are replaced by "✓ Accepted by Casey Lee, Mon 23 Nov".
   */
  settles?: string;
  handle(ctx: RequestContext, value: string): Reply;
}

/**
 * A form opened by a button rather than a command (edit an item, meeting notes). Its form id
 * is `${formId}:${param}`, so the adapter routes it back untouched and the handler gets `param`
 * (e.g. the occurrence id) — re-validated like every input.
 */
export interface FormSpec<T = unknown> {
  formId: string;
  schema(pctx: ParseContext): z.ZodType<T>;
  handle(ctx: RequestContext, args: T, param: string): Reply;
}

/** Builds an outbox row's message at send time (the agenda as it stands then); null drops the row. */
export type Composer = (services: Services, row: OutboxRow, now: Date, contributions: Contributions) => Message | null;

/** A scheduler planning step a feature contributes: synchronous and idempotent. */
export type FeaturePlanner = (services: Services, now: Date) => void;

/**
 * Run at the end of every request's transaction, after its handler, inside it: what the request
 * changed is settled there (reminders planned again at once), whichever feature made the change.
 */
export type SettleStep = (ctx: RequestContext) => void;

/** Something happened that other features react to in the same transaction (e.g. `series.accepted`). */
export type Listener<E extends DomainEvent = DomainEvent> = (ctx: RequestContext, payload: DomainEvents[E]) => void;

/** A section another feature adds to a school's export (coaching demand as aggregates). */
export type ExportSection = (services: Services, actor: Actor, school: School, now: Date) => Record<string, unknown>;

/**
 * What a feature does when one of its DMs reached its recipient, or cannot reach them at all
 * (whoever waits on it is told; an urgent page goes down the chain). Runs in its own transaction.
 */
export interface DeliveryReaction {
  delivered?: (services: Services, row: OutboxRow, now: Date) => void;
  undeliverable?: (services: Services, row: OutboxRow, reason: string, now: Date) => void;
  /** Checked just before sending: false drops the message (its reader lost the right to it while it waited). */
  stillWanted?: (services: Services, row: OutboxRow, now: Date) => boolean;
}

/** A retention step: deletes what is older than `before` (the sweep runs at `now`), returns how many rows went. */
export type RetentionStep = (services: Services, before: Date, now: Date) => number;

export function formIdOf(spec: Pick<CommandSpec, 'root' | 'name'>): string {
  return `${spec.root}.${spec.name}`;
}

export function usageLine(spec: Pick<CommandSpec, 'root' | 'usage'>): string {
  return `/${spec.root} ${spec.usage}`;
}

/** A section of a person's home view (Slack App Home, the console's `:home`): blocks, or none. */
export type HomeSection = (ctx: RequestContext) => Message['blocks'];

export class CommandRegistry {
  private readonly commands = new Map<string, CommandSpec<unknown>>();
  private readonly actions = new Map<string, ActionSpec>();
  readonly homeSections: HomeSection[] = [];
  private readonly forms = new Map<string, FormSpec<unknown>>();
  private readonly listeners = new Map<DomainEvent, Listener<never>[]>();
  readonly exportSections: ExportSection[] = [];
  readonly retentionSteps: RetentionStep[] = [];
  private readonly reactions = new Map<string, DeliveryReaction>();
  private readonly composers = new Map<string, Composer>();
  readonly planners: FeaturePlanner[] = [];
  private readonly settleSteps: SettleStep[] = [];
  private readonly agendaSections: AgendaSection[] = [];
  /** A read-only view of what was registered for other features' messages. */
  readonly contributions: Contributions = { agendaSections: this.agendaSections };

  /** Registers the composer for an outbox kind (rows planned with `compose` arguments). */
  composer(kind: string, composer: Composer): void {
    if (this.composers.has(kind)) throw new Error(`composer ${kind} registered twice`);
    this.composers.set(kind, composer);
  }

  compose(services: Services, row: OutboxRow, now: Date): Message | null {
    const composer = this.composers.get(row.kind);
    return composer ? composer(services, row, now, this.contributions) : null;
  }

  planner(planner: FeaturePlanner): void {
    this.planners.push(planner);
  }

  /** Registers a step run at the end of every request's transaction. */
  settler(step: SettleStep): void {
    this.settleSteps.push(step);
  }

  /** Runs the settle steps for a request, inside its transaction. */
  settle(ctx: RequestContext): void {
    for (const step of this.settleSteps) step(ctx);
  }

  form<T>(spec: FormSpec<T>): void {
    if (this.forms.has(spec.formId)) throw new Error(`form ${spec.formId} registered twice`);
    this.forms.set(spec.formId, spec);
  }

  /** The handler for a submitted form id: a button-opened form (`id:param`) or a command's form. */
  formHandler(formId: string): { spec: FormSpec<unknown>; param: string; command?: CommandSpec<unknown> } | undefined {
    const at = formId.indexOf(':');
    const base = at < 0 ? formId : formId.slice(0, at);
    const param = at < 0 ? '' : formId.slice(at + 1);
    const form = this.forms.get(base);
    if (form) return { spec: form, param };
    const command = this.byFormId(base);
    return command
      ? { spec: { formId: base, schema: (pctx) => command.schema(pctx), handle: (ctx, args) => command.handle(ctx, args) }, param, command }
      : undefined;
  }

  listen<E extends DomainEvent>(event: E, listener: Listener<E>): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  emit<E extends DomainEvent>(ctx: RequestContext, event: E, payload: DomainEvents[E]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as Listener<E>)(ctx, payload);
  }

  /** How many listeners an event has (every declared event must have one). */
  listenerCount(event: DomainEvent): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  exportSection(section: ExportSection): void {
    this.exportSections.push(section);
  }

  /** Registers what happens when a DM of this outbox kind is delivered or cannot be. */
  onDelivery(kind: string, reaction: DeliveryReaction): void {
    if (this.reactions.has(kind)) throw new Error(`delivery reaction for ${kind} registered twice`);
    this.reactions.set(kind, reaction);
  }

  stillWanted(services: Services, row: OutboxRow, now: Date): boolean {
    const check = this.reactions.get(row.kind)?.stillWanted;
    return check ? check(services, row, now) : true;
  }

  delivered(services: Services, row: OutboxRow, now: Date): void {
    const react = this.reactions.get(row.kind)?.delivered;
    if (react) services.transaction(() => react(services, row, now));
  }

  undeliverable(services: Services, row: OutboxRow, reason: string, now: Date): void {
    const react = this.reactions.get(row.kind)?.undeliverable;
    if (react) services.transaction(() => react(services, row, reason, now));
  }

  retentionStep(step: RetentionStep): void {
    this.retentionSteps.push(step);
  }

  homeSection(section: HomeSection): void {
    this.homeSections.push(section);
  }

  /** Adds a section to every compiled agenda (after its items, before its open action items). */
  agendaSection(section: AgendaSection): void {
    this.agendaSections.push(section);
  }

  command<T>(spec: CommandSpec<T>): void {
    const key = `${spec.root} ${spec.name}`;
    if (this.commands.has(key)) throw new Error(`command ${key} registered twice`);
    this.commands.set(key, spec);
  }

  action(spec: ActionSpec): void {
    if (this.actions.has(spec.actionId)) throw new Error(`action ${spec.actionId} registered twice`);
    this.actions.set(spec.actionId, spec);
  }

  find(root: Root, name: string): CommandSpec<unknown> | undefined {
    return this.commands.get(`${root} ${name.toLowerCase()}`);
  }

  byFormId(formId: string): CommandSpec<unknown> | undefined {
    const [root, ...rest] = formId.split('.');
    return ROOTS.includes(root as Root) ? this.find(root as Root, rest.join('.')) : undefined;
  }

  findAction(actionId: string): ActionSpec | undefined {
    return this.actions.get(actionId);
  }

  /** Where the answer to typed text may be shown: its command's declared visibility (private when unknown). */
  visibilityOfText(root: Root, text: string): Visibility {
    const name = tokenize(text)[0]?.toLowerCase() ?? (root === 'coaching' ? 'request' : 'help');
    return this.find(root, name)?.visibility ?? 'private';
  }

  /** Where the answer to a button may be shown (private unless its spec says otherwise). */
  visibilityOfAction(actionId: string): Visibility {
    return this.actions.get(actionId)?.visibility ?? 'private';
  }

  /** Where the answer to a submitted form may be shown: a command's form takes the command's visibility. */
  visibilityOfForm(formId: string): Visibility {
    return this.formHandler(formId)?.command?.visibility ?? 'private';
  }

  list(root?: Root): CommandSpec<unknown>[] {
    return [...this.commands.values()].filter((c) => !root || c.root === root);
  }
}

/**
 * The root of text typed to the bot (a Teams message, a Slack DM): an optional leading
 * `touchpoint` or `coaching` word (with or without its slash); `touchpoint` when there is none.
 */
export function splitRoot(text: string): { root: Root; text: string } {
  const m = /^\/?(touchpoint|coaching)(?:\s+|$)(.*)$/is.exec(text.trim());
  if (!m) return { root: 'touchpoint', text: text.trim() };
  return { root: m[1].toLowerCase() as Root, text: m[2].trim() };
}

/** Splits command text into words; "double quotes" keep spaces together. */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|“([^”]*)”|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

/** The first zod issue as one line, with the input id it concerns (for form field errors). */
export function firstIssue(error: z.ZodError): { message: string; field?: string } {
  const issue = error.issues[0];
  const field = issue?.path.length ? String(issue.path[0]) : undefined;
  return { message: issue?.message ?? 'that input is not valid', field };
}
