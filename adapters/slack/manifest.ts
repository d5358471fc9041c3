/**
 * The slash-command section of manifest.yml comes from the command registry, like help text and
 * usage lines. Run `npx tsx adapters/slack/manifest.ts` after changing commands: it rewrites
 * `features.slash_commands` in manifest.yml and leaves everything else (and its comments) alone.
 * A test fails while the file and the registry disagree.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { AppsManifestCreateArguments } from '@slack/web-api';
import { ROOTS, type CommandRegistry, type Root } from '../../src/core/registry';
import { buildRegistry } from '../../src/features';

/** Slack's app manifest type: @slack/web-api defines `Manifest` in dist/types/request/manifest.d.ts and exposes it as the `manifest` of apps.manifest.create. */
export type Manifest = AppsManifestCreateArguments['manifest'];
export type ManifestSlashCommand = NonNullable<NonNullable<Manifest['features']>['slash_commands']>[number];

/** "A short usage hint about the slash command for users. Maximum length is 1000 characters." (Manifest type, @slack/web-api) */
export const USAGE_HINT_MAX = 1000;

/** manifest.yml at the project root, from the sources (adapters/slack) or the build (dist/adapters/slack). */
export const MANIFEST_PATH =
  [resolve(__dirname, '..', '..', 'manifest.yml'), resolve(__dirname, '..', '..', '..', 'manifest.yml')].find((p) => existsSync(p)) ??
  resolve(__dirname, '..', '..', 'manifest.yml');

const ROOT_DESCRIPTIONS: Record<Root, string> = {
  touchpoint: 'Book and run principal–coach touch-points (help lists every command)',
  coaching: 'Ask an instructional coach for help, in confidence',
};

/** The usages of a root's commands, in registry order; just their names if that would not fit. */
export function usageHint(registry: CommandRegistry, root: Root): string {
  const specs = registry.list(root);
  const full = specs.map((s) => s.usage).join(' | ');
  if (full.length <= USAGE_HINT_MAX) return full;
  const names = specs.map((s) => s.name).join(' | ');
  return names.length <= USAGE_HINT_MAX ? names : `${names.slice(0, USAGE_HINT_MAX - 1)}…`;
}

export function slashCommands(registry: CommandRegistry = buildRegistry()): ManifestSlashCommand[] {
  return ROOTS.map((root) => ({
    command: `/${root}`,
    description: ROOT_DESCRIPTIONS[root],
    usage_hint: usageHint(registry, root),
    // Mentions arrive as <@U123> so the command language can tell people apart.
    should_escape: true,
  }));
}

/** The manifest text with `features.slash_commands` regenerated; the rest is kept as written. */
export function withSlashCommands(manifestYaml: string, registry: CommandRegistry = buildRegistry()): string {
  const doc = parseDocument(manifestYaml);
  doc.setIn(['features', 'slash_commands'], doc.createNode(slashCommands(registry)));
  return doc.toString({ lineWidth: 0 });
}

if (require.main === module) {
  const before = readFileSync(MANIFEST_PATH, 'utf8');
  const after = withSlashCommands(before);
  if (after === before) {
    process.stdout.write('manifest.yml: slash commands already match the registry\n');
  } else {
    writeFileSync(MANIFEST_PATH, after);
    process.stdout.write('manifest.yml: slash commands regenerated from the registry\n');
  }
}
