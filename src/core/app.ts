/**
 * The platform-neutral entry point. Adapters hand it what a person typed, pressed or submitted;
 * it resolves the actor, runs the registered handler in one transaction and returns the reply.
 * Outbound DMs are only queued here (the outbox); the dispatcher delivers them.
 */
import { randomBytes } from 'node:crypto';
import type { Identity, Tenant, User } from './model';
import type { Clock, Logger } from './ports';
import { silentLogger } from './ports';
import type { BackgroundJob, ConversationKind, PersonResolver, Reply, RequestContext, Services } from './context';
import { type CommandRegistry, firstIssue, formIdOf, tokenize, usageLine, type CommandSpec, type Root } from './registry';
import { AmbiguousPersonError, BusyError, NeedsChoice, Refusal, UsageError } from './errors';
import { formatShortDate, todayIn } from './datetime';
import { authorize } from './policy';
import { escapeMarkup, type Message } from '../messages/model';
import { personRef, personRefIds, renderMessageRefs } from './person-refs';
import { errorLogFields } from './known-errors';

/** Platform-specific mention syntax (Slack `<@U123>`, Teams mention entities), read by the adapter. */
export interface MentionReader {
  read(token: string): { externalId: string; displayName?: string } | undefined;
  /** Finds the mentions inside a text (global), so free text that mentions someone stores a reference to them. */
  pattern?: RegExp;
}

export interface Inbound {
  identity: Identity;
  mentions?: MentionReader;
  /** Where it was said, when the platform tells (a Teams channel is `shared`). */
  where?: ConversationKind;
}

/** Who is talking, as the platform names them, and what it calls their tenant (when it says). */
export interface IdentityClaim extends Identity {
  tenantName?: string;
}

export interface FormOutcome {
  reply: Reply;
  /** Input id → one-line reason, when the submission was refused for its input. */
  fieldErrors?: Record<string, string>;
}

/** The internal mention form used by choice buttons: `<@tp:42>`. */
export const internalMention = (user: Pick<User, 'id'>): string => `<@tp:${user.id}>`;
const INTERNAL_MENTION = /^<@tp:(\d+)>$/;

export const RERUN_ACTION = 'command.rerun';

/** The longest command text or form value taken at all; each field has its own, shorter limit too. */
export const MAX_INPUT_LENGTH = 4000;

export function errorMessage(reason: string, usage?: string): Message {
  const text = usage ? `${reason}\nUsage: ${usage}` : reason;
  const blocks: Message['blocks'] = [{ type: 'text', text: escapeMarkup(reason) }];
  if (usage) blocks.push({ type: 'context', text: `Usage: ${escapeMarkup(usage)}` });
  return { text, blocks };
}

/** What replaces a settled message's buttons: "✓ Accepted by Casey Lee, Mon 23 Nov". */
export function settledLine(verb: string, ctx: Pick<RequestContext, 'actor' | 'today'>): string {
  return `✓ ${verb} by ${ctx.actor.user.displayName}, ${formatShortDate(ctx.today)}`;
}

export interface TouchpointOptions {
  services: Services;
  clock: Clock;
  registry: CommandRegistry;
  logger?: Logger;
  /** Called after a transaction queued outbox rows, so delivery can start at once. */
  onQueued?: () => void;
  /** Starts a background job a request asked for (`ctx.wake`), after its transaction commits. */
  wake?: (job: BackgroundJob) => void;
  /** Platform user ids who are admins of their workspace (ADMIN_USERS): made so when they first act. */
  adminUsers?: readonly string[];
  /**
   * Told how each request ended (the metrics): `name` is `/root command` for typed commands (an
   * unknown word counts as `unknown`, so the set of names stays small), the form's id, or `action`.
   */
  onOutcome?: (name: string, outcome: 'ok' | 'refused' | 'error') => void;
  /** The database file, named in the log line when a request fails on it (a full disk). */
  databasePath?: string;
}

export class Touchpoint {
  readonly services: Services;
  readonly clock: Clock;
  readonly registry: CommandRegistry;
  private readonly logger: Logger;
  private readonly onQueued: () => void;
  private readonly wakeJob: (job: BackgroundJob) => void;
  private readonly adminUsers: ReadonlySet<string>;
  private readonly onOutcome?: (name: string, outcome: 'ok' | 'refused' | 'error') => void;
  private readonly databasePath?: string;

  constructor(options: TouchpointOptions) {
    this.services = options.services;
    this.clock = options.clock;
    this.registry = options.registry;
    this.logger = options.logger ?? silentLogger;
    this.onQueued = options.onQueued ?? (() => {});
    this.wakeJob = options.wake ?? (() => {});
    this.adminUsers = new Set(options.adminUsers ?? []);
    this.onOutcome = options.onOutcome;
    this.databasePath = options.databasePath;
    this.registry.action({ actionId: RERUN_ACTION, handle: () => reply0() });
  }

  /**
   * Identity sync: finds or creates the person's tenant and user in one transaction; a display
   * name or handle the platform now gives replaces the stored one. `beforeUser` runs between the
   * two, inside the transaction, for an adapter that must re-key a known user first (Teams learns
   * a person's AAD object id after their Teams id).
   */
  identify(claim: IdentityClaim, options: { beforeUser?: (tenant: Tenant) => void } = {}): { tenant: Tenant; user: User } {
    const now = this.clock.now();
    const { people } = this.services;
    return this.services.transaction(() => {
      const tenant = people.ensureTenant(claim.platform, claim.tenantExternalId, now, claim.tenantName);
      options.beforeUser?.(tenant);
      const user = people.ensureUser(tenant.id, claim.userExternalId, now, claim.displayName, claim.handle, claim.kind);
      return { tenant, user };
    });
  }

  /** Text after `/touchpoint` or `/coaching` (or the same words typed to the bot). */
  command(inbound: Inbound, root: Root, text: string): Reply {
    // Far past any field's own limit: answered in one line before anything reads it.
    if (text.length > MAX_INPUT_LENGTH) {
      return {
        messages: [
          errorMessage(`That is too long (${text.length} characters; a command takes at most ${MAX_INPUT_LENGTH}).`, `/${root} help lists every command`),
        ],
      };
    }
    return this.run(inbound, { root, text }, (ctx) => this.dispatchText(ctx, root, text));
  }

  /** A button press: the button's `actionId` and `value`. */
  action(inbound: Inbound, actionId: string, value: string): Reply {
    if (actionId === RERUN_ACTION) {
      const parsed = parseRerun(value);
      if (!parsed) return { messages: [errorMessage('That button is out of date. Type the command again.')] };
      return this.command(inbound, parsed.root, parsed.text);
    }
    return this.run(inbound, undefined, (ctx) => {
      const spec = this.registry.findAction(actionId);
      if (!spec) throw new Refusal('That button is out of date. Type the command again.');
      const result = spec.handle(ctx, value);
      return spec.settles && result.outcome === undefined ? { ...result, outcome: settledLine(spec.settles, ctx) } : result;
    });
  }

  /** A submitted form: its id and the values by input id (checkboxes as 'true'/'false'). */
  submitForm(inbound: Inbound, formId: string, values: Record<string, string | undefined>): FormOutcome {
    const found = this.registry.formHandler(formId);
    if (!found) return { reply: { messages: [errorMessage('That form is out of date. Type the command again.')] } };
    const tooLong = Object.entries(values).find(([, v]) => (v?.length ?? 0) > MAX_INPUT_LENGTH);
    if (tooLong) {
      const reason = `at most ${MAX_INPUT_LENGTH} characters, please`;
      return { reply: { messages: [errorMessage(reason)] }, fieldErrors: { [tooLong[0]]: reason } };
    }
    let fieldErrors: Record<string, string> | undefined;
    const out = this.run(
      inbound,
      undefined,
      (ctx) => {
        const raw: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(values)) raw[k] = typeof v === 'string' && v.trim() === '' ? undefined : v;
        const parsed = found.spec.schema({ today: ctx.today }).safeParse(raw);
        if (!parsed.success) {
          const issue = firstIssue(parsed.error);
          if (issue.field) fieldErrors = { [issue.field]: issue.message };
          throw new UsageError(issue.message, issue.field);
        }
        // A command's form carries a one-time id (see onceOnly): its second submission is refused.
        const onceKey = found.command && found.param.startsWith('once-') ? `${found.spec.formId}:${found.param}` : undefined;
        if (onceKey && this.services.operations.formSubmitted(ctx.actor.tenant.id, onceKey)) {
          throw new Refusal('That form was already sent. Type the command again to send another.');
        }
        if (found.command?.policy) authorize(found.command.policy, ctx.actor);
        const result = found.spec.handle(ctx, parsed.data, found.param);
        if (onceKey) this.services.operations.recordFormSubmission(ctx.actor.tenant.id, onceKey, ctx.now);
        return result;
      },
      found.command,
    );
    return fieldErrors ? { reply: out, fieldErrors } : { reply: out };
  }

  /**
   * The person's home view: next touch-points, agenda so far, open action items, and for a
   * coach the open coaching requests. Each feature contributes a section; policy applies inside each.
   */
  home(inbound: Inbound): Message {
    const reply = this.run(inbound, undefined, (ctx) => {
      const blocks = this.registry.homeSections.flatMap((section) => section(ctx));
      return { messages: [{ text: 'Touchpoint home', blocks: [{ type: 'header', text: 'Touchpoint' }, ...blocks] }] };
    });
    return reply.messages[0];
  }

  private dispatchText(ctx: RequestContext, root: Root, text: string): Reply {
    const words = tokenize(ctx.people.referenceMentions(text));
    const first = words[0]?.toLowerCase();
    const name = first ?? (root === 'coaching' ? 'request' : 'help');
    const spec = this.registry.find(root, name);
    if (!spec) {
      throw new UsageError(`"${words[0]}" is not a /${root} command.`);
    }
    if (spec.policy) authorize(spec.policy, ctx.actor);
    const pctx = { today: ctx.today };
    const raw = spec.fromWords(words.slice(1), pctx);
    if (raw === null) {
      if (spec.form) return { messages: [onceOnly(spec.form(ctx), formIdOf(spec))] };
      throw new UsageError(`${spec.name} needs more.`);
    }
    const parsed = spec.schema(pctx).safeParse(raw);
    if (!parsed.success) throw new UsageError(firstIssue(parsed.error).message);
    return spec.handle(ctx, parsed.data);
  }

  private run(inbound: Inbound, typed: { root: Root; text: string } | undefined, body: (ctx: RequestContext) => Reply, specHint?: CommandSpec<unknown>): Reply {
    const now = this.clock.now();
    const { people, outbox } = this.services;
    let queued = 0;
    const outcome = (result: 'ok' | 'refused' | 'error'): void => {
      if (!this.onOutcome) return;
      const name = typed ? `/${typed.root} ${this.specOf(typed)?.name ?? 'unknown'}` : (specHint?.name ?? 'action');
      this.onOutcome(name, result);
    };
    try {
      // ADMIN_USERS are admins from their first request on, even one that is then refused.
      if (this.adminUsers.has(inbound.identity.userExternalId)) {
        this.services.transaction(() => {
          const listed = people.resolveActor(inbound.identity, now);
          if (!listed.tenantAdmin) people.addTenantAdmin(listed.tenant.id, listed.user.id, null, now);
        });
      }
      const afterCommit: (() => void)[] = [];
      const result = this.services.transaction(() => {
        const actor = people.resolveActor(inbound.identity, now);
        // Someone who speaks to the bot can be reached again (they opened the app, or came back).
        people.markReachable(actor.tenant.id, actor.user.id);
        const firstSchool = actor.memberships[0] && people.schoolById(actor.tenant.id, actor.memberships[0].schoolId);
        // What a handler echoes of its input may hold a person's reference: people read names.
        const named = (msg: Message): Message => renderMessageRefs(msg, (id) => people.userById(actor.tenant.id, id));
        const ctx: RequestContext = {
          actor,
          now,
          today: todayIn(now, firstSchool?.timeZone ?? 'UTC'),
          services: this.services,
          people: this.resolverFor(inbound, actor.tenant.id, now),
          invocation: typed,
          where: inbound.where,
          contributions: this.registry.contributions,
          emit: (event, payload) => this.registry.emit(ctx, event, payload),
          afterCommit: (fn) => afterCommit.push(fn),
          wake: (job) => afterCommit.push(() => this.wakeJob(job)),
          audit: (entry) => this.services.audit.audit({ tenantId: actor.tenant.id, actorId: actor.user.id, ...entry }, now),
          schedule: (recipient, kind, compose, dedupeKey, dueAt, expiresAt) => {
            const row = {
              tenantId: actor.tenant.id,
              recipientId: recipient.id,
              kind,
              dedupeKey,
              message: { text: '', blocks: [] },
              compose,
              dueAt: dueAt ?? now,
              expiresAt,
            };
            if (outbox.plan(row, now)) queued += 1;
          },
          notify: (recipient, kind, msg, dedupeKey, dueAt, expiresAt) => {
            const message = named(msg);
            if (outbox.enqueue({ tenantId: actor.tenant.id, recipientId: recipient.id, kind, dedupeKey, message, dueAt: dueAt ?? now, expiresAt }, now)) {
              queued += 1;
            }
          },
        };
        const answer = body(ctx);
        // Whatever the handler changed is settled in the same transaction (reminders re-planned).
        this.registry.settle(ctx);
        return { ...answer, messages: answer.messages.map(named) };
      });
      // Committed already: a follow-up that fails is logged, and the person still gets their answer.
      for (const fn of afterCommit) {
        try {
          fn();
        } catch (err) {
          this.logger.warn({ err: (err as Error)?.message ?? String(err) }, 'a step after commit failed');
        }
      }
      if (queued > 0) this.onQueued();
      outcome('ok');
      return result;
    } catch (err) {
      const known = err instanceof UsageError || err instanceof Refusal || err instanceof AmbiguousPersonError || err instanceof NeedsChoice;
      outcome(known ? 'refused' : 'error');
      return { messages: [this.answerError(err, typed, specHint)] };
    }
  }

  private answerError(err: unknown, typed: { root: Root; text: string } | undefined, specHint?: CommandSpec<unknown>): Message {
    if (err instanceof AmbiguousPersonError && typed) return this.personChoice(err, typed);
    if (err instanceof NeedsChoice && typed) {
      return {
        text: `${err.message} ${err.choices.map((c) => c.label).join(', ')}`,
        blocks: [
          { type: 'text', text: escapeMarkup(err.message) },
          {
            type: 'actions',
            buttons: err.choices
              .slice(0, 5)
              .map((c) => ({ actionId: RERUN_ACTION, label: c.label, value: JSON.stringify({ root: typed.root, text: c.text }) })),
          },
        ],
      };
    }
    if (err instanceof UsageError) {
      const spec = specHint ?? (typed ? this.specOf(typed) : undefined);
      const usage = spec ? usageLine(spec) : typed ? `/${typed.root} help lists every command` : undefined;
      // A form's field error is shown beside the field; the usage line is for typed commands.
      if (err.field && !typed) return errorMessage(err.message);
      return errorMessage(err.message, usage);
    }
    if (err instanceof Refusal || err instanceof AmbiguousPersonError || err instanceof NeedsChoice) return errorMessage(err.message);
    if (err instanceof BusyError) {
      this.logger.warn({ err: (err.cause as Error)?.message ?? String(err.cause) }, 'database busy');
      return errorMessage('Touchpoint is busy right now; nothing was changed. Try again in a moment.');
    }
    this.logger.error(errorLogFields(err, this.databasePath), 'handler failed');
    return errorMessage('Something went wrong on our side and nothing was changed. Please try again.');
  }

  private specOf(typed: { root: Root; text: string }): CommandSpec<unknown> | undefined {
    const first = tokenize(typed.text)[0];
    return this.registry.find(typed.root, first ?? (typed.root === 'coaching' ? 'request' : 'help'));
  }

  private personChoice(err: AmbiguousPersonError, typed: { root: Root; text: string }): Message {
    const buttons = err.candidates.slice(0, 5).map((u) => ({
      actionId: RERUN_ACTION,
      label: u.handle ? `${u.displayName} (@${u.handle})` : u.displayName,
      value: JSON.stringify({ root: typed.root, text: replaceToken(typed.text, err.token, internalMention(u)) }),
    }));
    return {
      text: `"${err.token}" could be several people. Which one did you mean? ${err.candidates.map((c) => c.displayName).join(', ')}`,
      blocks: [
        { type: 'text', text: `"${escapeMarkup(err.token)}" could be several people. Which one did you mean?` },
        { type: 'actions', buttons },
      ],
    };
  }

  private resolverFor(inbound: Inbound, tenantId: number, now: Date): PersonResolver {
    const { people } = this.services;
    const mentioned = (token: string): User | undefined => {
      const mention = inbound.mentions?.read(token);
      // A mention names someone; it never renames them (its text is what the sender typed). Names
      // come from the platform's directory, through `identify`.
      return mention && (people.userByExternalId(tenantId, mention.externalId) ?? people.ensureUser(tenantId, mention.externalId, now, mention.displayName));
    };
    return {
      referenceMentions(text: string): string {
        const pattern = inbound.mentions?.pattern;
        if (!pattern) return text;
        return text.replace(pattern, (found) => {
          const u = mentioned(found);
          return u ? personRef(u.id) : found;
        });
      },
      resolve(token: string): User {
        const t = token.trim();
        const internal = INTERNAL_MENTION.exec(t);
        const referenced = personRefIds(t);
        if (internal || (referenced.length === 1 && personRef(referenced[0]) === t)) {
          const u = people.userById(tenantId, internal ? Number(internal[1]) : referenced[0]);
          if (!u) throw new UsageError(`I don't know that person in this workspace.`);
          return u;
        }
        const mention = mentioned(t);
        if (mention) return mention;
        const name = t.replace(/^@/, '');
        if (!name) throw new UsageError('name a person, like @casey.');
        const matches = people.usersByName(tenantId, name);
        if (matches.length === 1) return matches[0];
        // `@casey` names a handle: an exact handle is one person even when other names start with "Casey".
        const byHandle = t.startsWith('@') ? matches.filter((u) => u.handle?.toLowerCase() === name.toLowerCase()) : [];
        if (byHandle.length === 1) return byHandle[0];
        if (matches.length > 1) throw new AmbiguousPersonError(t, matches);
        throw new UsageError(`I don't know anyone called "${t}" here.`);
      },
    };
  }
}

/** Gives a command's form a one-time id, so a double-submitted card acts once. */
function onceOnly(msg: Message, formId: string): Message {
  const key = `once-${randomBytes(9).toString('base64url')}`;
  return { ...msg, blocks: msg.blocks.map((b) => (b.type === 'form' && b.formId === formId ? { ...b, formId: `${formId}:${key}` } : b)) };
}

function reply0(): Reply {
  return { messages: [] };
}

function parseRerun(value: string): { root: Root; text: string } | undefined {
  try {
    const v = JSON.parse(value) as { root?: unknown; text?: unknown };
    if ((v.root === 'touchpoint' || v.root === 'coaching') && typeof v.text === 'string') return { root: v.root, text: v.text };
  } catch {
    // fall through: a forged or truncated value is simply out of date
  }
  return undefined;
}

/** Replaces the person token in the typed text (it may span words, like `Casey Lee`). */
function replaceToken(text: string, token: string, replacement: string): string {
  const i = text.indexOf(token);
  return i < 0 ? text : text.slice(0, i) + replacement + text.slice(i + token.length);
}

export { formIdOf };
