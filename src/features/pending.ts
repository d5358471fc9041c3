/**
 * Commands of the language that later features implement: they parse, so the help and the
 * manifests list the whole language, and they answer plainly that they are not available yet.
 */
import { z } from 'zod';
import type { CommandRegistry, Root } from '../core/registry';
import { Refusal } from '../core/errors';

interface PendingSpec { root: Root; name: string; usage: string; describe: string; example: string }

export function registerPending(registry: CommandRegistry, specs: PendingSpec[]): void {
  for (const p of specs) {
    registry.command<{ words: string[] }>({
      ...p,
      schema: () => z.object({ words: z.array(z.string()) }),
      fromWords: (words) => ({ words }),
      handle() {
        throw new Refusal(`/${p.root} ${p.name} is not available yet.`);
      },
    });
  }
}
