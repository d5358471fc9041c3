/**
 * The architecture's boundaries (DESIGN.md §2), read from the import statements of every .ts
 * file under src/ and adapters/. A failure names the offending file and what it imported.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(__dirname, '..');

function tsFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFilesUnder(full));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** Drops comments so a doc line mentioning `from 'x'` is not read as an import. */
function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every module specifier a file imports: static and type imports, re-exports, dynamic import(), require(). */
export function importsOf(src: string): string[] {
  const code = stripComments(src);
  const specs: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?[\w*{}\s,$]*?\s*from\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s+\w+\s*=\s*require\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) specs.push(m[1]);
  return [...new Set(specs)];
}

interface SourceFile {
  /** Path from the project root with forward slashes, e.g. `src/core/app.ts`. */
  path: string;
  imports: string[];
}

const files: SourceFile[] = ['src', 'adapters']
  .flatMap((top) => tsFilesUnder(join(ROOT, top)))
  .map((full) => ({
    path: relative(ROOT, full).split(sep).join('/'),
    imports: importsOf(readFileSync(full, 'utf8')),
  }));

/** The project-relative path a relative specifier points at (bare package names are returned as they are). */
function target(file: SourceFile, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return relative(ROOT, resolve(dirname(join(ROOT, file.path)), spec))
    .split(sep)
    .join('/');
}

const isPackage = (spec: string, name: string): boolean => spec === name || spec.startsWith(`${name}/`);
const isSlack = (spec: string): boolean => spec.startsWith('@slack/');
const isBotbuilder = (spec: string): boolean => /^botbuilder(-[\w-]+)?(\/|$)/.test(spec) || spec.startsWith('@microsoft/botbuilder');

/** `file imports spec` lines for every import matching the rule, for readable failures. */
function violations(list: SourceFile[], applies: (f: SourceFile) => boolean, bad: (spec: string, f: SourceFile) => boolean): string[] {
  return list.filter(applies).flatMap((f) => f.imports.filter((s) => bad(s, f)).map((s) => `${f.path} imports '${s}'`));
}

const inSrc = (f: SourceFile): boolean => f.path.startsWith('src/');

/** DESIGN.md §2's boundaries, each as: which files it governs, and which imports are forbidden there. */
const RULES: { name: string; applies: (f: SourceFile) => boolean; bad: (spec: string, f: SourceFile) => boolean }[] = [
  { name: "nothing under src/ imports '@slack/*'", applies: inSrc, bad: isSlack },
  { name: 'nothing under src/ imports botbuilder (any botbuilder package)', applies: inSrc, bad: isBotbuilder },
  {
    name: 'nothing under src/ but src/main.ts imports from adapters/',
    applies: (f) => inSrc(f) && f.path !== 'src/main.ts',
    bad: (spec, f) => target(f, spec).startsWith('adapters/') || /(^|\/)adapters\//.test(spec),
  },
  {
    name: 'better-sqlite3 is imported only under src/store/',
    applies: (f) => !f.path.startsWith('src/store/'),
    bad: (spec) => isPackage(spec, 'better-sqlite3'),
  },
  {
    name: 'node-cron is imported only by src/scheduler/cron.ts',
    applies: (f) => f.path !== 'src/scheduler/cron.ts',
    bad: (spec) => isPackage(spec, 'node-cron'),
  },
  { name: 'botbuilder is imported only under adapters/teams/', applies: (f) => !f.path.startsWith('adapters/teams/'), bad: isBotbuilder },
  {
    name: 'nothing under src/core/ or src/features/ imports src/store/ (they use the ports in src/core/ports/)',
    applies: (f) => f.path.startsWith('src/core/') || f.path.startsWith('src/features/'),
    bad: (spec, f) => target(f, spec) === 'src/store' || target(f, spec).startsWith('src/store/'),
  },
];

/** Drops string and template literals too, so `'./data/touchpoint.db'` is not read as a property access. */
function codeOnly(src: string): string {
  return stripComments(src).replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
}

/** Files that reach the database handle (`x.db`) although they are not the store or the composition root. */
export function dbTouches(list: { path: string; src: string }[]): string[] {
  const allowed = (p: string): boolean => p.startsWith('src/store/') || p === 'src/compose.ts' || p === 'src/main.ts';
  return list.filter((f) => !allowed(f.path) && /[\w)\]]\s*\??\.db\b/.test(codeOnly(f.src))).map((f) => `${f.path} touches .db`);
}

const sources = ['src', 'adapters']
  .flatMap((top) => tsFilesUnder(join(ROOT, top)))
  .map((full) => ({
    path: relative(ROOT, full).split(sep).join('/'),
    src: readFileSync(full, 'utf8'),
  }));

describe('the import scanner', () => {
  it('sees every form of import (so the rules below can fail)', () => {
    const src = [
      "import { App } from '@slack/bolt';",
      "import type { Activity } from 'botbuilder';",
      "import Database from 'better-sqlite3';",
      "import * as cron from 'node-cron';",
      "import '../adapters/console/console';",
      "export { x } from './x';",
      "export * from './y';",
      "const t = await import('botbuilder-core');",
      "const r = require('@slack/web-api');",
      'import {\n  a,\n  b,\n} from "../../adapters/teams/bot";',
      "// import { nope } from 'in-a-comment';",
      "/** import { nope2 } from 'in-a-doc-comment'; */",
      "const url = 'https://example.com'; // import { nope3 } from 'after-a-url';",
    ].join('\n');
    expect(importsOf(src).sort()).toEqual(
      [
        '../../adapters/teams/bot',
        '../adapters/console/console',
        './x',
        './y',
        '@slack/bolt',
        '@slack/web-api',
        'better-sqlite3',
        'botbuilder',
        'botbuilder-core',
        'node-cron',
      ].sort(),
    );
    expect(isBotbuilder('botbuilder')).toBe(true);
    expect(isBotbuilder('botbuilder-core')).toBe(true);
    expect(isBotbuilder('botbuilder/lib/x')).toBe(true);
    expect(isBotbuilder('botframework-connector')).toBe(false);
  });

  it('each rule flags an offending file, naming it', () => {
    const offenders: SourceFile[] = [
      { path: 'src/features/x.ts', imports: ['@slack/bolt', 'botbuilder', '../../adapters/console/console', 'better-sqlite3', 'node-cron'] },
      { path: 'adapters/slack/app.ts', imports: ['botbuilder-core', 'better-sqlite3'] },
      { path: 'src/store/db.ts', imports: ['better-sqlite3'] },
      { path: 'src/scheduler/cron.ts', imports: ['node-cron'] },
      { path: 'src/main.ts', imports: ['../adapters/console/console'] },
      { path: 'adapters/teams/bot.ts', imports: ['botbuilder'] },
      { path: 'src/core/context.ts', imports: ['../store/store', './ports'] },
      { path: 'src/features/agenda/service.ts', imports: ['../../store', '../../core/ports'] },
    ];
    expect(RULES.map((r) => violations(offenders, r.applies, r.bad))).toEqual([
      ["src/features/x.ts imports '@slack/bolt'"],
      ["src/features/x.ts imports 'botbuilder'"],
      ["src/features/x.ts imports '../../adapters/console/console'"],
      ["src/features/x.ts imports 'better-sqlite3'", "adapters/slack/app.ts imports 'better-sqlite3'"],
      ["src/features/x.ts imports 'node-cron'"],
      ["src/features/x.ts imports 'botbuilder'", "adapters/slack/app.ts imports 'botbuilder-core'"],
      ["src/core/context.ts imports '../store/store'", "src/features/agenda/service.ts imports '../../store'"],
    ]);
  });

  it('flags a file outside the store that reaches the database handle', () => {
    expect(
      dbTouches([
        { path: 'src/features/calendar/feed.ts', src: 'const repo = new CalendarRepository(services.store.db);' },
        { path: 'adapters/slack/index.ts', src: 'const store = new SlackStore(core.db);' },
        { path: 'src/features/x.ts', src: "const path = './data/touchpoint.db'; // core.db in a comment" },
        { path: 'src/store/outbox.ts', src: 'this.db.prepare(sql);' },
        { path: 'src/main.ts', src: 'databaseHealth(core.db);' },
      ]),
    ).toEqual(['src/features/calendar/feed.ts touches .db', 'adapters/slack/index.ts touches .db']);
  });

  it('finds the project’s files and their imports', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['src/main.ts', 'src/store/db.ts', 'src/scheduler/cron.ts', 'adapters/console/console.ts']));
    expect(files.find((f) => f.path === 'src/store/db.ts')!.imports).toContain('better-sqlite3');
    expect(files.find((f) => f.path === 'src/scheduler/cron.ts')!.imports).toContain('node-cron');
    const main = files.find((f) => f.path === 'src/main.ts')!;
    expect(main.imports.map((s) => target(main, s))).toContain('adapters/console/console');
  });
});

describe('boundaries in src/ and adapters/', () => {
  it.each(RULES.map((r) => [r.name, r] as const))('%s', (_name, rule) => {
    expect(violations(files, rule.applies, rule.bad)).toEqual([]);
  });

  it('only the store and the composition root touch the database handle (.db)', () => {
    expect(dbTouches(sources)).toEqual([]);
  });
});
