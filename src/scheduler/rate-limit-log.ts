/**
 * A platform's rate limit during a fan-out answers hundreds of sends with "retry after n s". One
 * warn line each buried everything else (23,648 lines for 1,850 sends), so the first of a minute is
 * logged at once and the rest of that minute as one summary line per platform: how many, and the
 * longest retry-after asked for.
 */
import type { Logger } from '../core/ports';

export const RATE_LIMIT_SUMMARY_MS = 60_000;

interface Window {
  startedMs: number;
  /** Rate-limited sends in the window after the first (which was logged on its own). */
  count: number;
  longestSeconds: number;
}

export class RateLimitLog {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly logger: Logger) {}

  /** A send the platform rate-limited, asking to come back after `retryAfterSeconds`. */
  note(platform: string, retryAfterSeconds: number, nowMs: number, row: { outboxId: number; dedupeKey: string; requestId?: string }): void {
    this.flushDue(nowMs);
    const open = this.windows.get(platform);
    if (open) {
      open.count += 1;
      open.longestSeconds = Math.max(open.longestSeconds, retryAfterSeconds);
      return;
    }
    this.windows.set(platform, { startedMs: nowMs, count: 0, longestSeconds: 0 });
    this.logger.warn(
      { platform, retryAfterSeconds, ...row },
      `${platform} is rate-limiting sends; they are retried when it says, and summarised once a minute`,
    );
  }

  /** Logs the summary of every window a minute old or older (each dispatch pass calls it). */
  flushDue(nowMs: number): void {
    for (const [platform, w] of this.windows) if (nowMs - w.startedMs >= RATE_LIMIT_SUMMARY_MS) this.close(platform, w, nowMs);
  }

  /** Logs every open window's summary (shutdown). */
  flushAll(nowMs: number): void {
    for (const [platform, w] of this.windows) this.close(platform, w, nowMs);
  }

  private close(platform: string, w: Window, nowMs: number): void {
    this.windows.delete(platform);
    if (w.count === 0) return;
    this.logger.warn(
      { platform, rateLimited: w.count, longestRetryAfterSeconds: w.longestSeconds, seconds: Math.round((nowMs - w.startedMs) / 1000) },
      `${platform} rate-limited ${w.count} more sends; each is retried when it says`,
    );
  }
}
