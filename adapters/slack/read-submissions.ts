/**
 * What Slack sends back from the Block Kit we rendered: a button's action id, a modal's submitted
 * values and its private_metadata, in the model's terms. Pure.
 */
import type { ModalMeta } from './render-modals';

/** Routes a rendered action id back to the model's: `booking.accept:3` → `booking.accept`. */
export function modelActionId(slackActionId: string): string {
  return slackActionId.replace(/:\d+$/, '');
}

/** Reads a modal's private_metadata back; anything unreadable is treated as empty. */
export function readModalMeta(privateMetadata: string | undefined): ModalMeta {
  if (!privateMetadata) return {};
  try {
    const v = JSON.parse(privateMetadata) as Record<string, unknown>;
    return {
      ...(typeof v.state === 'string' ? { state: v.state } : {}),
      ...(typeof v.responseUrl === 'string' ? { responseUrl: v.responseUrl } : {}),
      ...(typeof v.responseUrlIssuedAt === 'number' ? { responseUrlIssuedAt: v.responseUrlIssuedAt } : {}),
    };
  } catch {
    return {};
  }
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
