/** `help` for both roots: every registered command with its one-line description. */
import type { CommandRegistry, Root } from '../core/registry';
import { usageLine } from '../core/registry';
import { noArguments } from '../core/args';
import { escapeMarkup as esc } from '../messages/model';

export function registerHelp(registry: CommandRegistry): void {
  for (const root of ['touchpoint', 'coaching'] as Root[]) {
    registry.command<Record<string, never>>({
      root,
      name: 'help',
      usage: 'help',
      describe: 'list the commands',
      example: 'help',
      visibility: root === 'touchpoint' ? 'channel-safe' : 'private',
      ...noArguments,
      handle(ctx) {
        const all = registry.list(root).filter((s) => s.name !== 'help');
        // Where others read the answers (a Teams channel), only what runs there is offered.
        const shared = ctx.where === 'shared';
        const specs = shared ? all.filter((s) => s.visibility === 'channel-safe') : all;
        const elsewhere = shared ? all.filter((s) => s.visibility !== 'channel-safe') : [];
        const lines = specs.map((s) => `${usageLine(s)} — ${s.describe}`);
        const example = `Type a command with no arguments to get a form, e.g. /${root} ${specs.find((s) => s.name === 'book' || s.name === 'request')?.name ?? specs[0]?.name ?? 'help'}.`;
        const privately = elsewhere.length
          ? `The other commands (${elsewhere.map((s) => s.name).join(', ')}) answer with what is yours alone, so they work in a personal chat with me.`
          : undefined;
        return {
          messages: [
            {
              text: [`/${root} commands:`, ...lines, ...(privately ? [privately] : [])].join('\n'),
              blocks: [
                { type: 'header', text: `/${root} commands` },
                { type: 'list', items: specs.map((s) => `**${esc(usageLine(s))}** — ${esc(s.describe)}`) },
                { type: 'context', text: esc(example) },
                ...(privately ? [{ type: 'context' as const, text: esc(privately) }] : []),
              ],
            },
          ],
        };
      },
    });
  }
}
