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
      handle() {
        const specs = registry.list(root).filter((s) => s.name !== 'help');
        const lines = specs.map((s) => `${usageLine(s)} — ${s.describe}`);
        return {
          messages: [
            {
              text: `/${root} commands:\n${lines.join('\n')}`,
              blocks: [
                { type: 'header', text: `/${root} commands` },
                { type: 'list', items: specs.map((s) => `**${esc(usageLine(s))}** — ${esc(s.describe)}`) },
                {
                  type: 'context',
                  text: esc(
                    `Type a command with no arguments to get a form, e.g. /${root} ${specs.find((s) => s.name === 'book' || s.name === 'request')?.name ?? specs[0]?.name ?? 'help'}.`,
                  ),
                },
              ],
            },
          ],
        };
      },
    });
  }
}
