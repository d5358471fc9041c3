/**
 * Reading Bot Framework activities as the core's inputs: who is speaking (identity), what they
 * typed (the command text, with @mentions of people turned into tokens a MentionReader resolves),
 * and what a card submitted. Pure functions over the activity JSON.
 */
import type { Activity, ChannelAccount } from 'botbuilder';
import type { MentionReader } from '../../src/core/app';
import type { Identity } from '../../src/core/model';
import { SUBMIT_KEYS } from './render-adaptive-card';

/** The Teams tenant of an activity: the conversation's, or the one in Teams channel data. */
export function tenantOf(activity: Partial<Activity>): string | undefined {
  const fromConversation = activity.conversation?.tenantId;
  if (fromConversation) return fromConversation;
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  const id = channelData?.tenant?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The key a Teams user is known by: the AAD object id (stable across chats), else the Teams id. */
export function userKeyOf(account: Partial<ChannelAccount>): string | undefined {
  return account.aadObjectId || account.id || undefined;
}

/**
 * Who sent the activity, or undefined when it names no tenant. `fallbackTenant` is only for the
 * Bot Framework Emulator in local mode, whose activities carry no tenant.
 */
export function identityOf(activity: Partial<Activity>, fallbackTenant?: string): Identity | undefined {
  const tenant = tenantOf(activity) ?? fallbackTenant;
  const key = activity.from && userKeyOf(activity.from);
  if (!tenant || !key) return undefined;
  const identity: Identity = { platform: 'teams', tenantExternalId: tenant, userExternalId: key };
  if (activity.from?.name) identity.displayName = activity.from.name;
  return identity;
}

/** A 1:1 chat with the bot (Teams says `personal`; the Emulator says nothing and is never a group). */
export function isPersonal(activity: Partial<Activity>): boolean {
  const type = activity.conversation?.conversationType;
  return type === 'personal' || (type === undefined && activity.conversation?.isGroup !== true);
}

// ---- mentions --------------------------------------------------------------------------------

/** The token a mention of a person becomes in the command text. */
export const mentionToken = (index: number): string => `@mention:${index}`;
const MENTION_TOKEN = /^@mention:(\d+)$/;

export interface Mentioned {
  /** Teams id (`29:…`) of the person mentioned. */
  id: string;
  aadObjectId?: string;
  name?: string;
}

interface MentionEntity {
  type: string;
  text?: string;
  mentioned?: { id?: string; name?: string; aadObjectId?: string };
}

function mentionEntities(activity: Partial<Activity>): MentionEntity[] {
  return ((activity.entities ?? []) as MentionEntity[]).filter((e) => typeof e?.type === 'string' && e.type.toLowerCase() === 'mention');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export interface CommandText {
  /** What was typed, the bot's own mention removed and other mentions as `@mention:N` tokens. */
  text: string;
  /** The people mentioned, by token number. */
  mentioned: Mentioned[];
}

/**
 * The message text as command words. The bot's own mention (`<at>Touchpoint</at>` in a channel)
 * is removed; each mention of a person becomes a token; any other markup Teams added is dropped
 * and HTML entities are decoded.
 */
export function commandTextOf(activity: Partial<Activity>): CommandText {
  let text = activity.text ?? '';
  const botId = activity.recipient?.id;
  const mentioned: Mentioned[] = [];
  for (const entity of mentionEntities(activity)) {
    const who = entity.mentioned;
    if (!entity.text || !who?.id) continue;
    const at = text.indexOf(entity.text);
    if (at < 0) continue;
    let replacement = '';
    if (who.id !== botId) {
      replacement = mentionToken(mentioned.length);
      mentioned.push({ id: who.id, aadObjectId: who.aadObjectId, name: who.name ?? stripTags(entity.text) });
    }
    text = `${text.slice(0, at)} ${replacement} ${text.slice(at + entity.text.length)}`;
  }
  text = decodeEntities(stripTags(text)).replace(/\s+/g, ' ').trim();
  return { text, mentioned };
}

function stripTags(text: string): string {
  // Teams wraps rich text in HTML; an <at> without a matching entity keeps its name as plain text.
  return text.replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi, ' ');
}

/**
 * Resolves `@mention:N` tokens to the person's key. `knownKey` maps a Teams id to the key of a
 * user the bot has already met (mentions often carry only the Teams id, not the AAD object id).
 */
export function mentionReader(mentioned: Mentioned[], knownKey: (teamsId: string) => string | undefined): MentionReader {
  return {
    pattern: /@mention:\d+/g,
    read(token: string) {
      const m = MENTION_TOKEN.exec(token.trim());
      const who = m ? mentioned[Number(m[1])] : undefined;
      if (!who) return undefined;
      const externalId = who.aadObjectId || knownKey(who.id) || who.id;
      return who.name ? { externalId, displayName: who.name } : { externalId };
    },
  };
}

// ---- card submissions ------------------------------------------------------------------------

export type Submission =
  { kind: 'action'; actionId: string; value: string } | { kind: 'form'; formId: string; state?: string; values: Record<string, string | undefined> };

/** What a card's Action.Submit sent, or undefined if the value is not one of ours. */
export function submissionOf(value: unknown): Submission | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.tp === 'action' && typeof v.actionId === 'string' && typeof v.value === 'string') {
    return { kind: 'action', actionId: v.actionId, value: v.value };
  }
  if (v.tp === 'form' && typeof v.formId === 'string') {
    const values: Record<string, string | undefined> = {};
    for (const [key, raw] of Object.entries(v)) {
      if ((SUBMIT_KEYS as readonly string[]).includes(key)) continue;
      if (typeof raw === 'string') values[key] = raw;
      else if (typeof raw === 'number' || typeof raw === 'boolean') values[key] = String(raw);
    }
    return { kind: 'form', formId: v.formId, state: typeof v.state === 'string' ? v.state : undefined, values };
  }
  return undefined;
}
