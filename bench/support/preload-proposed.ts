/**
 * Preloaded into the real service by `bench:slash -- --proposed`
 * (node --import tsx --import <this file> src/main.ts): two recommended changes, installed from
 * outside so the unmodified service uses them; nothing in src/ changes. First, the prepared-statement
 * cache (stands for src/store/db.ts caching statements), on better-sqlite3's Database.prototype.prepare.
 */
import Database from 'better-sqlite3';

type Prepare = (this: object, sql: string) => unknown;
const proto = Database.prototype as unknown as { prepare: Prepare };
const prepare = proto.prepare;
const caches = new WeakMap<object, Map<string, unknown>>();
proto.prepare = function (this: object, sql: string): unknown {
  let cache = caches.get(this);
  if (!cache) {
    cache = new Map();
    caches.set(this, cache);
  }
  let stmt = cache.get(sql);
  if (stmt === undefined) {
    stmt = prepare.call(this, sql);
    if (cache.size >= 1000) cache.delete(cache.keys().next().value as string);
    cache.set(sql, stmt);
  }
  return stmt;
};

/**
 * Stands for caching the formatter in src/core/datetime.ts formatInstant (which builds a new
 * Intl.DateTimeFormat for the zone name on every call, ~70 µs): formatters with the same locale and
 * options are shared. Intl.DateTimeFormat instances are immutable, so sharing them is safe.
 */
const Original = Intl.DateTimeFormat;
const formatters = new Map<string, Intl.DateTimeFormat>();
const Cached = function (this: unknown, locales?: string | string[], options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify([locales ?? null, options ?? null]);
  let f = formatters.get(key);
  if (!f) {
    f = new Original(locales, options);
    if (formatters.size < 500) formatters.set(key, f);
  }
  return f;
} as unknown as typeof Intl.DateTimeFormat;
Object.assign(Cached, { supportedLocalesOf: Original.supportedLocalesOf.bind(Original) });
(Cached as unknown as { prototype: object }).prototype = Original.prototype;
Intl.DateTimeFormat = Cached;
