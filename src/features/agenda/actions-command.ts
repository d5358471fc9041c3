/**
 * `/touchpoint actions [done|redate|reassign <n> [date]]`: the list, or — for those who type rather
 * than press — what an item's buttons do, naming the item by its number in the list.
 */
import { z } from 'zod';
import type { CommandSpec } from '../../core/registry';
import type { LocalDate } from '../../core/datetime';
import { noExtra, zDate, zListNumber } from '../../core/args';
import { listActions, typedAction } from './actions';

const VERBS = ['done', 'redate', 'reassign'] as const;
type Verb = (typeof VERBS)[number];

const MISSING_DATE = 'missing the new due date (like fri or 2026-12-18)';

export interface ActionsArgs {
  verb?: Verb;
  n?: number;
  due?: LocalDate;
}

export const actionsCommand: CommandSpec<ActionsArgs> = {
  root: 'touchpoint',
  name: 'actions',
  usage: 'actions [done <n> | redate <n> <date> | reassign <n>]',
  describe: 'your action items and the other person’s: overdue first; mark done, re-date or reassign (by button, or by number)',
  example: 'actions redate 2 fri',
  schema: (pctx) =>
    z
      .object({
        verb: z.enum(VERBS, { error: (iss) => `"${String(iss.input)}" is not done, redate or reassign` }).optional(),
        n: zListNumber('an action item number', 'as numbered in /touchpoint actions'),
        due: zDate(pctx.today, MISSING_DATE).optional(),
        extra: noExtra,
      })
      .refine((a) => !a.verb || a.n !== undefined, { error: 'say which action item: its number in /touchpoint actions', path: ['n'] })
      .refine((a) => a.verb !== 'redate' || a.due !== undefined, { error: MISSING_DATE, path: ['due'] })
      .refine((a) => a.due === undefined || a.due >= pctx.today, { error: 'the due date is in the past', path: ['due'] })
      .transform(({ verb, n, due }) => ({ verb, n, due })),
  fromWords(rest) {
    const verb = rest[0]?.toLowerCase();
    // Only redate takes a date; a word after another verb's number is refused as unexpected.
    if (verb === 'redate') return { verb, n: rest[1], due: rest.slice(2).join(' ') || undefined };
    return { verb, n: rest[1], extra: rest[2] };
  },
  handle: (ctx, args) => (args.verb && args.n !== undefined ? typedAction(ctx, args.verb, args.n, args.due) : listActions(ctx)),
};
