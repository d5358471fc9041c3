/**
 * A fake Slack Web API on 127.0.0.1 for the failure drills and the benches (`bench/`): it answers
 * like Slack (auth.test, conversations.open, chat.postMessage, users.info, views.*, response_urls)
 * but keeps counters instead of recording every call, so it stays cheap at thousands of calls a
 * second. On top of `test/support/fake-slack.ts` it can:
 *
 * - count chat.postMessage per key (default: channel + text), to find duplicates and losses;
 * - hold chat.postMessage responses until told (`holdPosts`, `releaseHeld`): the request counts as
 *   received — Slack posted it — but the sender never hears back (a crash mid-send);
 * - fail every Web API call with HTTP 500, or accept it and never answer (`outage`);
 * - enforce a rate limit on chat.postMessage (a global budget per second and a per-channel one,
 *   token buckets on the wall clock) and answer 429 with Retry-After above it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeHttpServer, readBody, respond } from '../../support/fake-http';
import { parseBody } from '../../support/fake-slack';

export type Outage = 'none' | 'http500' | 'hang';

export interface RateLimit {
  /** chat.postMessage calls per second across the workspace (burst: one second's worth). */
  globalPerSecond: number;
  /** chat.postMessage calls per second into one channel (burst: one). */
  perChannelPerSecond: number;
}

export interface FakeWebApiStats {
  calls: Record<string, number>;
  /** chat.postMessage calls accepted (answered ok, or held). */
  posts: number;
  /** Distinct post keys accepted. */
  distinct: number;
  /** Accepted posts beyond the first for their key. */
  duplicates: number;
  rateLimited: number;
  failed: number;
  held: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

type Waiter = { predicate: () => boolean; resolve: () => void };

/** Every field as text (blocks and other structured fields as JSON): this fake only compares and counts them. */
function parseFields(raw: string, contentType: string | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(parseBody(raw, contentType)).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

export class FakeWebApi {
  teamId = 'T_FAKE';
  botUserId = 'U_BOT';
  /** Requests received per method (`response_url` for posts to a response URL). */
  readonly calls = new Map<string, number>();
  /** When each response_url post arrived (ms since the epoch), by the id in its path. */
  readonly responseArrivals = new Map<string, number>();
  /** Accepted chat.postMessage per key. */
  readonly posts = new Map<string, number>();
  postCount = 0;
  rateLimited = 0;
  failed = 0;
  outage: Outage = 'none';
  /** The outage reaches auth.test too (Slack down when the service starts); by default auth.test answers. */
  outageAtStart = false;
  /** auth.test answers `invalid_auth` (the bot token was revoked). */
  authRevoked = false;
  rateLimit?: RateLimit;
  /** Hold every chat.postMessage response until `releaseHeld`. */
  holdPosts = false;
  /** The key a post is counted under. */
  postKey: (body: Record<string, string>) => string = (b) => `${b.channel ?? ''}\u0000${b.text ?? ''}`;
  private readonly held: { release: () => void; key: string }[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private readonly waiters: Waiter[] = [];
  private global: Bucket = { tokens: 0, at: 0 };
  private readonly channels = new Map<string, Bucket>();
  private server?: FakeHttpServer;
  private ts = 1_700_000_000;

  get url(): string {
    if (!this.server) throw new Error('the fake Web API has not started');
    return this.server.url;
  }

  /** What SLACK_API_URL would be. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Keys of the posts currently held (received, not answered). */
  get heldKeys(): string[] {
    return this.held.map((h) => h.key);
  }

  async start(port = 0): Promise<this> {
    this.server = await FakeHttpServer.listen((req, res) => this.handle(req, res), { port, keepAliveTimeoutMs: 60_000 });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** Answers `n` held posts (oldest first); returns how many were released. */
  releaseHeld(n = Number.POSITIVE_INFINITY): number {
    let released = 0;
    while (released < n && this.held.length > 0) {
      this.held.shift()!.release();
      released += 1;
    }
    return released;
  }

  /** Drops the connections of requests left hanging (an outage that ends). */
  dropHanging(): void {
    for (const res of this.hanging) res.socket?.destroy();
    this.hanging.clear();
  }

  /** Resolves once the predicate holds (checked now and after every request). */
  waitUntil(predicate: () => boolean): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  stats(): FakeWebApiStats {
    let duplicates = 0;
    for (const n of this.posts.values()) duplicates += n - 1;
    return {
      calls: Object.fromEntries(this.calls),
      posts: this.postCount,
      distinct: this.posts.size,
      duplicates,
      rateLimited: this.rateLimited,
      failed: this.failed,
      held: this.held.length,
    };
  }

  reset(): void {
    this.calls.clear();
    this.responseArrivals.clear();
    this.posts.clear();
    this.postCount = 0;
    this.rateLimited = 0;
    this.failed = 0;
    this.channels.clear();
    this.global = { tokens: this.rateLimit?.globalPerSecond ?? 0, at: performance.now() };
  }

  private notify(): void {
    for (const w of [...this.waiters]) {
      if (w.predicate()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Takes a token from the bucket, or returns the seconds until one is there. */
  private take(bucket: Bucket, perSecond: number, capacity: number, now: number): number {
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    if (bucket.tokens >= 1) return 0;
    return (1 - bucket.tokens) / perSecond;
  }

  /** 0 when the post may go through (tokens taken), else Retry-After in whole seconds. */
  private admit(channel: string): number {
    const limit = this.rateLimit;
    if (!limit) return 0;
    const now = performance.now();
    let ch = this.channels.get(channel);
    if (!ch) {
      ch = { tokens: 1, at: now };
      this.channels.set(channel, ch);
    }
    const waitChannel = this.take(ch, limit.perChannelPerSecond, 1, now);
    const waitGlobal = this.take(this.global, limit.globalPerSecond, limit.globalPerSecond, now);
    if (waitChannel > 0 || waitGlobal > 0) return Math.max(1, Math.ceil(Math.max(waitChannel, waitGlobal)));
    ch.tokens -= 1;
    this.global.tokens -= 1;
    return 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const raw = await readBody(req);
    const m = /^\/api\/([\w.]+)$/.exec(path);
    const method = path.startsWith('/response/') ? 'response_url' : m ? m[1] : 'unknown';
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    try {
      if (method === 'response_url') {
        this.responseArrivals.set(path.slice('/response/'.length), Date.now());
        return respond(res, 200, 'ok');
      }
      if (method === 'unknown') return respond(res, 404, { ok: false, error: 'unknown_path' });
      if (this.outage === 'http500' && (method !== 'auth.test' || this.outageAtStart)) {
        this.failed += 1;
        return respond(res, 500, 'internal error');
      }
      if (this.outage === 'hang' && method !== 'auth.test') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      const body = parseFields(raw, req.headers['content-type']);
      if (method === 'chat.postMessage') {
        const retryAfter = this.admit(body.channel ?? '');
        if (retryAfter > 0) {
          this.rateLimited += 1;
          return respond(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
        }
        const key = this.postKey(body);
        this.posts.set(key, (this.posts.get(key) ?? 0) + 1);
        this.postCount += 1;
        const answer = { ok: true, channel: body.channel, ts: `${this.ts++}.000100` };
        if (this.holdPosts) {
          this.held.push({ key, release: () => respond(res, 200, answer) });
          return;
        }
        return respond(res, 200, answer);
      }
      return respond(res, 200, this.answer(method, body));
    } finally {
      this.notify();
    }
  }

  private answer(method: string, body: Record<string, string>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        if (this.authRevoked) return { ok: false, error: 'invalid_auth' };
        return {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake District',
          user: 'touchpoint',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: 'B_BOT',
          is_enterprise_install: false,
        };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${body.users ?? 'X'}` } };
      case 'users.info': {
        const id = body.user ?? 'U_UNKNOWN';
        const name = `Person ${id}`;
        return {
          ok: true,
          user: {
            id,
            team_id: this.teamId,
            name: id.toLowerCase(),
            real_name: name,
            deleted: false,
            profile: { real_name: name, display_name: name, real_name_normalized: name, display_name_normalized: name },
          },
        };
      }
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return { ok: true, view: { id: `V${this.ts++}`, hash: `h${this.ts}` } };
      default:
        return { ok: true };
    }
  }
}

export async function startFakeWebApi(port = 0): Promise<FakeWebApi> {
  return new FakeWebApi().start(port);
}
