/**
 * A fake Slack Web API on 127.0.0.1 (any free port) for tests: point SLACK_API_URL /
 * `slackApiUrl` at `fake.apiUrl`. It records every call — the method (from /api/<method>), the
 * body (form or JSON, with JSON-valued form fields such as `blocks` and `view` parsed) and the
 * Authorization header — and answers like Slack. It also serves response_urls (`fake.responseUrl()`),
 * can answer 429 with Retry-After, or `ok: false` with an error, for the next N calls of a method.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, readBody, respond } from './fake-http';

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  method: string;
  path: string;
  body: Record<string, unknown>;
  authorization?: string;
  /** What the fake answered. */
  status: number;
  ok: boolean;
}

export interface FakeUser {
  name: string;
  realName: string;
  displayName?: string;
  isBot?: boolean;
  deleted?: boolean;
  /** Their workspace (Enterprise Grid); the fake's `teamId` when absent. */
  team?: string;
}

type Waiter = { predicate: (call: RecordedCall) => boolean; resolve: (call: RecordedCall) => void };

const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata']);

/** A Web API body, form-encoded or JSON; JSON-valued form fields (`blocks`, `view`, …) parsed. */
export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(k)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // keep the raw string
      }
    }
    out[k] = v;
  }
  return out;
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<string, FakeUser>();
  teamId = 'T_FAKE';
  botUserId = 'U_BOT';
  botId = 'B_BOT';
  /** What oauth.v2.access answers (an install into `installTeam`). */
  installTeam = { id: 'T_NEW', name: 'New School District' };
  /** Enterprise Grid: the workspace each bot token belongs to (users.list lists that workspace's members only). */
  readonly tokenTeams = new Map<string, string>();
  /** Token rotation on: an install answers with a refresh token and a 12-hour expiry. */
  rotateTokens = false;
  private readonly rateLimits = new Map<string, { times: number; retryAfter: number; after: number }>();
  private readonly failures = new Map<string, { times: number; error: string; after: number }>();
  private readonly responseUrlFailures = new Map<string, number>();
  private refreshes = 0;
  private readonly waiters: Waiter[] = [];
  private server?: FakeHttpServer;
  private ts = 1_700_000_000;

  get url(): string {
    if (!this.server) throw new Error('the fake Slack API has not started');
    return this.server.url;
  }

  /** The Web API base URL (what SLACK_API_URL would be). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response_url served by this fake; posts to it are recorded as method `response_url`. */
  responseUrl(id = 'r1'): string {
    return `${this.url}/response/${id}`;
  }

  async start(): Promise<this> {
    this.server = await FakeHttpServer.listen((req, res) => this.handle(req, res));
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /**
   * The next `times` calls of `method` answer HTTP 429 with `Retry-After: retryAfter`; with
   * `after`, only once that many calls of it were answered as usual (part 2 of a split message).
   */
  rateLimit(method: string, times: number, retryAfter: number, after = 0): void {
    this.rateLimits.set(method, { times, retryAfter, after });
  }

  /** The next `times` calls of `method` answer `{ ok: false, error }` (a platform error); `after` as for `rateLimit`. */
  fail(method: string, error: string, times = 1, after = 0): void {
    this.failures.set(method, { times, error, after });
  }

  /** Posts to response_url `id` answer HTTP `status` (an expired or refused response_url). */
  failResponseUrl(id: string, status: number): void {
    this.responseUrlFailures.set(`/response/${id}`, status);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first recorded call (past or future) matching the predicate. */
  waitFor(predicate: (call: RecordedCall) => boolean): Promise<RecordedCall> {
    const found = this.calls.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  clear(): void {
    this.calls.length = 0;
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    for (const w of [...this.waiters]) {
      if (w.predicate(call)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const raw = await readBody(req);
    const body = parseBody(raw, req.headers['content-type']);
    const authorization = req.headers.authorization;

    if (path.startsWith('/response/')) {
      const status = this.responseUrlFailures.get(path) ?? 200;
      this.record({ method: 'response_url', path, body, authorization, status, ok: status === 200 });
      respond(res, status, status === 200 ? 'ok' : 'expired_url');
      return;
    }
    const m = /^\/api\/([\w.]+)$/.exec(path);
    if (!m) {
      respond(res, 404, { ok: false, error: 'unknown_path' });
      return;
    }
    const method = m[1];
    const limited = this.rateLimits.get(method);
    const failure = this.failures.get(method);
    if (limited && limited.after > 0) limited.after -= 1;
    else if (limited && limited.times > 0) {
      limited.times -= 1;
      this.record({ method, path, body, authorization, status: 429, ok: false });
      respond(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limited.retryAfter) });
      return;
    }
    if (failure && failure.after > 0) failure.after -= 1;
    else if (failure && failure.times > 0) {
      failure.times -= 1;
      this.record({ method, path, body, authorization, status: 200, ok: false });
      respond(res, 200, { ok: false, error: failure.error });
      return;
    }
    this.record({ method, path, body, authorization, status: 200, ok: true });
    respond(res, 200, this.answer(method, body, authorization));
  }

  private answer(method: string, body: Record<string, unknown>, authorization?: string): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake School',
          user: 'touchpoint',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${typeof body.users === 'string' ? body.users : 'X'}` } };
      case 'chat.postMessage':
        return { ok: true, channel: body.channel, ts: `${this.ts++}.000100`, message: { text: body.text, blocks: body.blocks } };
      case 'users.list': {
        // Two members a page, so the directory must follow the cursor.
        const team = this.tokenTeams.get((authorization ?? '').replace(/^Bearer /, ''));
        const all = [...this.users.entries()].filter(([, u]) => !team || (u.team ?? this.teamId) === team);
        const start = Number(typeof body.cursor === 'string' && body.cursor ? body.cursor : '0');
        const next = start + 2 < all.length ? String(start + 2) : '';
        return {
          ok: true,
          members: all.slice(start, start + 2).map(([id, u]) => ({
            id,
            team_id: u.team ?? this.teamId,
            name: u.name,
            real_name: u.realName,
            deleted: u.deleted ?? false,
            is_bot: u.isBot ?? false,
            profile: { real_name: u.realName, display_name: u.displayName ?? '' },
          })),
          response_metadata: { next_cursor: next },
        };
      }
      case 'users.info': {
        const id = typeof body.user === 'string' ? body.user : '';
        const u = this.users.get(id);
        if (!u) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id,
            team_id: u.team ?? this.teamId,
            name: u.name,
            real_name: u.realName,
            deleted: u.deleted ?? false,
            is_bot: u.isBot ?? false,
            profile: {
              real_name: u.realName,
              display_name: u.displayName ?? '',
              real_name_normalized: u.realName,
              display_name_normalized: u.displayName ?? '',
            },
          },
        };
      }
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: `V${this.ts++}`, hash: `h${this.ts}`, ...(body.view as object) } };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'oauth.v2.access':
        if (body.grant_type === 'refresh_token') {
          // Token rotation: a new bot token and refresh token, good for 12 hours.
          this.refreshes += 1;
          return {
            ok: true,
            token_type: 'bot',
            access_token: `xoxe.xoxb-refreshed-${this.refreshes}`,
            refresh_token: `xoxe-1-refresh-${this.refreshes}`,
            expires_in: 43_200,
          };
        }
        return {
          ok: true,
          app_id: 'A_TOUCHPOINT',
          authed_user: { id: 'U_INSTALLER' },
          scope: 'commands,chat:write,im:write,users:read',
          token_type: 'bot',
          access_token: `xoxb-installed-${this.installTeam.id}`,
          ...(this.rotateTokens ? { refresh_token: 'xoxe-1-initial', expires_in: 43_200 } : {}),
          bot_user_id: this.botUserId,
          team: this.installTeam,
          enterprise: null,
          is_enterprise_install: false,
        };
      default:
        return { ok: true };
    }
  }
}

export async function startFakeSlack(): Promise<FakeSlack> {
  return new FakeSlack().start();
}
