/**
 * What Slack sends back from the Block Kit we rendered: a button's action id, a modal's submitted
 * values and its private_metadata, in the model's terms. Pure.
 */
import { z } from 'zod';
import type { ModalMeta } from './render-modals';

/** Routes a rendered action id back to the model's: `booking.accept:3` → `booking.accept`. */
export function modelActionId(slackActionId: string): string {
  return slackActionId.replace(/:\d+$/, '');
}

/** private_metadata as render-modals.ts writes it; a field that does not read back is dropped on its own. */
const modalMetaSchema = z.object({
  state: z.string().optional().catch(undefined),
  responseUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .catch(undefined),
  responseUrlIssuedAt: z.number().int().nonnegative().optional().catch(undefined),
});

/** Reads a modal's private_metadata back; anything unreadable is treated as empty. */
export function readModalMeta(privateMetadata: string | undefined): ModalMeta {
  if (!privateMetadata) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(privateMetadata);
  } catch {
    return {};
  }
  const parsed = modalMetaSchema.safeParse(raw);
  if (!parsed.success) return {};
  const { state, responseUrl, responseUrlIssuedAt } = parsed.data;
  return {
    ...(state !== undefined ? { state } : {}),
    ...(responseUrl !== undefined ? { responseUrl } : {}),
    ...(responseUrlIssuedAt !== undefined ? { responseUrlIssuedAt } : {}),
  };
}

/** The part of a view_submission's `view.state.values` that the inputs of render-modals.ts produce. */
export interface SubmittedValue {
  type: string;
  value?: string | null;
  selected_date?: string | null;
  selected_time?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_user?: string | null;
}

/** Submitted values by input id (checkboxes as 'true'/'false'), the shape `Touchpoint.submitForm` takes. */
export function readFormValues(values: Record<string, Record<string, SubmittedValue>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [blockId, byAction] of Object.entries(values)) {
    const v = byAction[blockId] ?? Object.values(byAction)[0];
    if (!v) continue;
    switch (v.type) {
      case 'checkboxes':
        out[blockId] = (v.selected_options ?? []).some((o) => o.value === 'true') ? 'true' : 'false';
        break;
      case 'static_select':
      case 'radio_buttons':
        out[blockId] = v.selected_option?.value ?? undefined;
        break;
      case 'users_select':
        // The same token a mention typed in a command gives (`<@U0123>`).
        out[blockId] = v.selected_user ? `<@${v.selected_user}>` : undefined;
        break;
      case 'datepicker':
        out[blockId] = v.selected_date ?? undefined;
        break;
      case 'timepicker':
        out[blockId] = v.selected_time ?? undefined;
        break;
      default:
        out[blockId] = v.value ?? undefined;
    }
  }
  return out;
}
