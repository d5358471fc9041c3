/**
 * A stand-in for the Bot Framework Connector on 127.0.0.1: the bot's `serviceUrl` points here,
 * and every call it makes is recorded. It answers like the connector does:
 *
 * - POST /v3/conversations                                   create a conversation → { id }
 * - POST /v3/conversations/{id}/activities                   send to a conversation → { id }
 * - POST /v3/conversations/{id}/activities/{activityId}      reply to an activity → { id }
 * - PUT  /v3/conversations/{id}/activities/{activityId}      update an activity → { id }
 * - GET  /v3/conversations/{id}/pagedmembers                 a team's roster, two members a page
 *
 * For authenticated tests it is also the channel's token authority: it serves OpenID metadata and
 * a signing key (with the `msteams` endorsement, like login.botframework.com), and `signToken`
 * issues tokens with that key, so the real botbuilder token checks run without the internet.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from '../../adapters/teams/render-adaptive-card';
import { FakeHttpServer, readBody, respond } from './fake-http';

export interface ConnectorCall {
  method: string;
  path: string;
  kind: 'create' | 'send' | 'reply' | 'update' | 'other';
  conversationId?: string;
  /** For replies and updates: the activity id in the path. */
  activityId?: string;
  /** The request's body: parsed JSON, or the raw text if it was not JSON. */
  body: unknown;
  headers: IncomingHttpHeaders;
  /** The id the connector gave what was sent, created or updated (what a card's `replyToId` names). */
  responseId?: string;
}

/** The parts of a Bot Framework activity the tests read (the SDK stays inside adapters/teams/). */
export interface SentActivity {
  [key: string]: unknown;
  type?: string;
  recipient?: { id: string };
  conversation?: { id: string };
  attachments?: { contentType: string; content?: unknown }[];
}

/** A send or a reply: the body is the activity the bot sent. */
export interface ActivityCall extends ConnectorCall {
  kind: 'send' | 'reply';
  body: SentActivity;
}

export interface ScriptedResponse {
  /** 0 with `hang`: the request is never answered. */
  status: number;
  hang?: boolean;
  headers?: Record<string, string>;
  body?: unknown;
}

export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

export class FakeConnector {
  readonly calls: ConnectorCall[] = [];
  /** Answers for the next sends/replies/creates, in order; then the normal 200 answers. */
  readonly script: ScriptedResponse[] = [];
  /** Team (or chat) id → its members, as the roster call answers them. */
  readonly rosters = new Map<string, { id: string; aadObjectId: string; name: string }[]>();
  readonly keyId = `fake-key-${randomUUID()}`;
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;
  private counter = 0;

  private constructor(
    private readonly server: FakeHttpServer,
    keys: { privateKey: KeyObject; publicKey: KeyObject },
  ) {
    this.privateKey = keys.privateKey;
    this.publicJwk = { ...keys.publicKey.export({ format: 'jwk' }), kid: this.keyId, use: 'sig', endorsements: ['msteams'] };
  }

  static async start(): Promise<FakeConnector> {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // The server takes its handler before the connector exists; the handler finds the connector here.
    const started: { connector?: FakeConnector } = {};
    const server = await FakeHttpServer.listen((req, res) => started.connector!.handle(req, res));
    started.connector = new FakeConnector(server, keys);
    return started.connector;
  }

  get url(): string {
    return this.server.url;
  }

  /** Where botbuilder should read the channel's OpenID metadata (ToBotFromChannelOpenIdMetadataUrl). */
  get openIdMetadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** A channel token as the Bot Connector would send it: RS256, issuer api.botframework.com. */
  signToken(claims: Record<string, unknown>, options: { keyId?: string; privateKey?: KeyObject } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: options.keyId ?? this.keyId };
    const payload = { iss: CHANNEL_TOKEN_ISSUER, nbf: now - 60, exp: now + 3600, ...claims };
    const unsigned = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = sign('sha256', Buffer.from(unsigned), options.privateKey ?? this.privateKey);
    return `${unsigned}.${b64url(signature)}`;
  }

  /** Sends and replies (what the bot said), optionally in one conversation. */
  activities(conversationId?: string): ActivityCall[] {
    return this.calls.filter((c): c is ActivityCall => (c.kind === 'send' || c.kind === 'reply') && (!conversationId || c.conversationId === conversationId));
  }

  /** Updates of sent activities (PUT), optionally in one conversation. */
  updates(conversationId?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === 'update' && (!conversationId || c.conversationId === conversationId));
  }

  /** The Adaptive Cards the bot sent, in order. */
  cards(conversationId?: string): AdaptiveCard[] {
    return this.activities(conversationId).flatMap((c) => cardsOf(c.body));
  }

  created(): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === 'create');
  }

  clear(): void {
    this.calls.length = 0;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';

    if (method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
      return respond(res, 200, { issuer: CHANNEL_TOKEN_ISSUER, jwks_uri: `${this.url}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (method === 'GET' && path === '/v1/.well-known/keys') {
      return respond(res, 200, { keys: [this.publicJwk] });
    }

    const roster = /^\/v3\/conversations\/([^/]+)\/pagedmembers$/.exec(path);
    if (method === 'GET' && roster) {
      this.calls.push({ method, path, kind: 'other', body: undefined, headers: req.headers });
      const members = this.rosters.get(decodeURIComponent(roster[1]));
      if (!members) return respond(res, 404, { error: { code: 'ConversationNotFound', message: 'no such team' } });
      // Two a page, so the bot must follow continuation tokens.
      const start = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('continuationToken') ?? '0');
      const next = start + 2 < members.length ? String(start + 2) : undefined;
      return respond(res, 200, { members: members.slice(start, start + 2), ...(next ? { continuationToken: next } : {}) });
    }

    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const call: ConnectorCall = { method, path, kind: 'other', body, headers: req.headers };
    if (segments[0] === 'v3' && segments[1] === 'conversations') {
      if (segments.length === 2 && method === 'POST') call.kind = 'create';
      else if (segments.length === 4 && segments[3] === 'activities' && method === 'POST') call.kind = 'send';
      else if (segments.length === 5 && segments[3] === 'activities') call.kind = method === 'PUT' ? 'update' : 'reply';
      call.conversationId = segments[2];
      call.activityId = segments[4];
    }
    this.calls.push(call);

    if (call.kind !== 'other') {
      const scripted = this.script.shift();
      if (scripted?.hang) return; // a silent connector: closed with the server
      if (scripted && scripted.status >= 300) {
        return respond(res, scripted.status, scripted.body ?? { error: { code: 'Scripted', message: `scripted ${scripted.status}` } }, scripted.headers);
      }
    }
    this.counter += 1;
    switch (call.kind) {
      case 'create':
        call.responseId = `a:created-${this.counter}`;
        return respond(res, 201, { id: call.responseId, activityId: '', serviceUrl: this.url });
      case 'send':
      case 'reply':
        call.responseId = `activity-${this.counter}`;
        return respond(res, 200, { id: call.responseId });
      case 'update':
        // An update keeps the activity's id.
        call.responseId = call.activityId;
        return respond(res, 200, { id: call.activityId });
      case 'other':
        return respond(res, 404, { error: { code: 'NotFound', message: `${method} ${path}` } });
    }
  }
}

/** The Adaptive Cards attached to an activity the bot sent, in order. */
export function cardsOf(activity: SentActivity | undefined): AdaptiveCard[] {
  return (activity?.attachments ?? []).filter((a) => a.contentType === ADAPTIVE_CARD_CONTENT_TYPE).map((a) => a.content as AdaptiveCard);
}
