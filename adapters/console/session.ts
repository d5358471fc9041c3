/**
 * The bot in a terminal: type the same commands as in Slack or Teams, act as any user with
 * `:as`, press buttons with `:press`, and move the clock with `:advance` to watch reminders
 * arrive. It reads a pipe as well as a terminal, so a session can be scripted; end of input
 * ends it.
 */
import { createInterface } from 'node:readline';
import type { Touchpoint } from '../../src/core/app';
import type { Reply } from '../../src/core/context';
import type { Identity, Tenant } from '../../src/core/model';
import type { Delivery, Notifier, SettableClock, UserRef } from '../../src/core/ports';
import { formatInstant, parseSpan } from '../../src/core/datetime';
import { buttonsOf, formOf, type Block, type FormInput, type Message } from '../../src/messages/model';
import type { Services } from '../../src/core/ports';
import { renderPlainText } from './render-plain-text';
import { settledMessage } from '../../src/messages/reply';

export const CONSOLE_TENANT = 'local';

export interface ConsoleSessionOptions {
  app: Touchpoint;
  services: Services;
  clock: SettableClock;
  /** Runs the scheduler once at the clock's current time (plan and deliver). */
  tick: () => Promise<void>;
  /** Delivers what is due now (after a command queued DMs). */
  deliver: () => Promise<void>;
  /** The earliest moment something is due in the outbox, if anything is. */
  nextDueAt: () => Date | null;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  startAs: string;
}

type FormBlock = Extract<Block, { type: 'form' }>;

const META_HELP = [
  'Console commands:',
  '  /touchpoint <command>   the touch-point commands (/touchpoint help lists them)',
  '  /coaching <command>     the coaching commands (/coaching help lists them)',
  '  :as <user>              act as another user (e.g. :as casey)',
  '  :who                    who you are, and who else is here',
  '  :press <n>              press button n of the latest message shown to you',
  '  :advance <span>         move the clock (30m, 2h, 3d, 1w) and deliver what falls due',
  "  :home                   your home view (as in Slack's App Home)",
  '  :now                    the clock',
  '  :cancel                 abandon the form being filled in',
  '  :help                   this list',
  '  :quit                   leave',
].join('\n');

export class ConsoleSession {
  private current: string;
  private readonly latest = new Map<string, Message>();
  /** The form being filled in; `refill` means only the refused field is being asked again. */
  private form: { block: FormBlock; index: number; values: Record<string, string>; refill: boolean } | null = null;
  readonly notifier: Notifier;

  constructor(private readonly options: ConsoleSessionOptions) {
    this.current = options.startAs;
    const print = (s: string): void => this.print(s);
    const latest = this.latest;
    const clock = options.clock;
    const zone = (): string => this.displayZone();
    this.notifier = {
      platform: 'console',
      send(recipient: UserRef, message: Message): Promise<Delivery> {
        latest.set(recipient.externalId, message);
        print(
          `\n📨 ${formatInstant(clock.now(), zone(), true)} — DM to ${recipient.displayName} (@${recipient.externalId}):\n${indent(renderPlainText(message))}`,
        );
        return Promise.resolve({ status: 'delivered' });
      },
    };
  }

  identity(handle = this.current): Identity {
    return { platform: 'console', tenantExternalId: CONSOLE_TENANT, userExternalId: handle, handle };
  }

  /** Reads commands until end of input or `:quit`. */
  async run(): Promise<void> {
    const tty = (this.options.input as { isTTY?: boolean }).isTTY === true;
    const rl = createInterface({ input: this.options.input, terminal: false });
    this.print(`Touchpoint console. You are @${this.current}. Type :help for console commands, /touchpoint help for the rest.`);
    if (tty) this.prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      if (!tty && line) this.print(`${this.current}> ${line}`);
      if (line === ':quit' || line === ':q') break;
      try {
        await this.handleLine(line);
      } catch (err) {
        this.print(`(console error: ${(err as Error).message})`);
      }
      if (tty) this.prompt();
    }
    rl.close();
  }

  async handleLine(line: string): Promise<void> {
    if (this.form) {
      await this.answerForm(line);
      return;
    }
    if (!line) return;
    if (line.startsWith(':')) {
      await this.meta(line);
      return;
    }
    const m = /^\/?(touchpoint|coaching)\b\s*(.*)$/i.exec(line);
    if (!m) {
      this.print('Commands start with /touchpoint or /coaching (try /touchpoint help), or : for console commands (:help).');
      return;
    }
    const reply = this.options.app.command(this.inbound(), m[1].toLowerCase() as 'touchpoint' | 'coaching', m[2]);
    await this.show(reply);
  }

  private inbound() {
    return { identity: this.identity() };
  }

  private async meta(line: string): Promise<void> {
    const [cmd, ...rest] = line.slice(1).split(/\s+/);
    const arg = rest.join(' ');
    const { services, clock } = this.options;
    switch (cmd.toLowerCase()) {
      case 'help':
        this.print(META_HELP);
        return;
      case 'as': {
        const handle = arg.replace(/^@/, '').toLowerCase();
        if (!/^[a-z0-9._-]{1,40}$/.test(handle)) {
          this.print('Usage: :as <user>, e.g. :as casey');
          return;
        }
        this.current = handle;
        const known = services.people.userByExternalId(this.tenant().id, handle);
        // Someone new is named after their handle (casey → Casey); someone known keeps their name.
        const user = known ?? this.options.app.identify({ ...this.identity(handle), displayName: handle[0].toUpperCase() + handle.slice(1) }).user;
        this.print(`You are now ${user.displayName} (@${handle})${known ? '' : ', new here'}.`);
        return;
      }
      case 'who':
        this.print(this.who());
        return;
      case 'press': {
        const n = Number(arg);
        const msg = this.latest.get(this.current);
        const buttons = msg ? buttonsOf(msg) : [];
        if (!Number.isInteger(n) || n < 1 || n > buttons.length) {
          this.print(buttons.length ? `Usage: :press <n> — pick 1 to ${buttons.length}.` : 'There is no button to press in the latest message shown to you.');
          return;
        }
        const button = buttons[n - 1];
        this.print(`(pressed "${button.label}")`);
        const answer = this.options.app.action(this.inbound(), button.actionId, button.value);
        if (answer.outcome && msg) {
          // The pressed message's buttons are used up, as Slack and Teams show it updated.
          this.latest.set(this.current, settledMessage(msg, answer.outcome, button));
          this.print(answer.outcome);
        }
        await this.show(answer);
        return;
      }
      case 'advance': {
        const span = parseSpan(arg);
        if (!span.ok) {
          this.print(`${span.error}\nUsage: :advance <span>, e.g. :advance 2d`);
          return;
        }
        await this.advance(span.value);
        return;
      }
      case 'now':
        this.print(`It is ${formatInstant(clock.now(), this.displayZone(), true)}.`);
        return;
      case 'home': {
        const home = this.options.app.home(this.inbound());
        this.latest.set(this.current, home);
        this.print(renderPlainText(home));
        return;
      }
      case 'cancel':
        this.print('There is no form to cancel.');
        return;
      default:
        this.print(`Unknown console command ":${cmd}". Type :help.`);
    }
  }

  /** Moves the clock in steps, stopping at every due moment, so reminders arrive in order. */
  private async advance(ms: number): Promise<void> {
    const { clock } = this.options;
    const target = clock.now().getTime() + ms;
    const dayMs = 86_400_000;
    await this.options.tick();
    while (clock.now().getTime() < target) {
      const due = this.options.nextDueAt()?.getTime() ?? Infinity;
      const step = Math.min(target, Math.max(due, clock.now().getTime() + 1), clock.now().getTime() + dayMs);
      clock.set(new Date(step));
      await this.options.tick();
    }
    this.print(`⏩ It is now ${formatInstant(clock.now(), this.displayZone(), true)}.`);
  }

  private who(): string {
    const { services } = this.options;
    const tenant = this.tenant();
    const me = services.people.userByExternalId(tenant.id, this.current);
    const lines = [`You are ${me?.displayName ?? this.current} (@${this.current}).`];
    for (const school of services.people.schoolsOfTenant(tenant.id)) {
      const members = services.people.schoolMembers(tenant.id, school.id, ['principal', 'assistant_principal', 'coach', 'teacher', 'admin']);
      lines.push(`${school.name} (${school.timeZone}):`);
      for (const m of members) lines.push(`  @${m.handle ?? m.externalId} — ${m.displayName}, ${m.role.replace('_', ' ')}`);
    }
    return lines.join('\n');
  }

  private async show(reply: Reply): Promise<void> {
    for (const msg of reply.messages) {
      this.latest.set(this.current, msg);
      this.print(renderPlainText(msg));
      const form = formOf(msg);
      if (form) {
        this.form = { block: form, index: 0, values: {}, refill: false };
        this.askCurrent();
        return; // the form's prompts come next; DMs wait until it is done
      }
    }
    await this.options.deliver();
  }

  private askCurrent(): void {
    const f = this.form!;
    const input = f.block.inputs[f.index];
    const optional = input.required ? '' : ' (optional, Enter to skip)';
    const initial = input.initial ? ` [${input.initial}]` : '';
    this.print(`${input.label}${optional}${initial}:`);
  }

  private async answerForm(line: string): Promise<void> {
    const f = this.form!;
    if (line === ':cancel') {
      this.form = null;
      this.print('Form cancelled; nothing was saved.');
      return;
    }
    const input = f.block.inputs[f.index];
    const value = readAnswer(input, line);
    if ('error' in value) {
      this.print(value.error);
      this.askCurrent();
      return;
    }
    if (value.value !== undefined) f.values[input.id] = value.value;
    f.index += 1;
    if (!f.refill && f.index < f.block.inputs.length) {
      this.askCurrent();
      return;
    }
    this.form = null;
    const outcome = this.options.app.submitForm(this.inbound(), f.block.formId, f.values);
    if (outcome.fieldErrors) {
      const [field, reason] = Object.entries(outcome.fieldErrors)[0];
      const at = f.block.inputs.findIndex((i) => i.id === field);
      if (at >= 0) {
        this.print(`${f.block.inputs[at].label}: ${reason}`);
        delete f.values[field];
        // The other answers are kept: only the refused field is asked again, then the form is resubmitted.
        this.form = { ...f, index: at, refill: true };
        this.askCurrent();
        return;
      }
    }
    await this.show(outcome.reply);
  }

  private displayZone(): string {
    return this.options.services.people.schoolsOfTenant(this.tenant().id)[0]?.timeZone ?? 'UTC';
  }

  /** The console's one tenant (found, or created empty on first use). */
  private tenant(): Tenant {
    return this.options.services.people.ensureTenant('console', CONSOLE_TENANT, this.options.clock.now());
  }

  private prompt(): void {
    this.options.output.write(this.form ? '  > ' : `${this.current}> `);
  }

  private print(text: string): void {
    this.options.output.write(`${text}\n`);
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `   ${l}`)
    .join('\n');
}

/** One form answer: a number or value for choices, `y`/`n` for checkboxes, text otherwise. */
export function readAnswer(input: FormInput, line: string): { value: string | undefined } | { error: string } {
  const s = line.trim();
  if (!s) {
    if (input.initial !== undefined) return { value: input.initial };
    return input.required ? { error: `${input.label} is required.` } : { value: undefined };
  }
  if (input.kind === 'choice' || input.kind === 'person') {
    const choices = input.choices ?? [];
    const n = Number(s);
    if (Number.isInteger(n) && n >= 1 && n <= choices.length) return { value: choices[n - 1].value };
    const hit = choices.find((c) => c.value.toLowerCase() === s.toLowerCase() || c.label.toLowerCase() === s.toLowerCase());
    if (hit) return { value: hit.value };
    if (input.kind === 'person') return { value: s };
    return { error: `Pick 1 to ${choices.length}.` };
  }
  if (input.kind === 'checkbox') return { value: /^(y|yes|true|on|1)$/i.test(s) ? 'true' : 'false' };
  return { value: s };
}
