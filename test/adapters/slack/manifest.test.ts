/**
 * manifest.yml creates the whole Slack app: it must type-check against @slack/web-api's Manifest
 * type, and its slash commands must agree with the command registry.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import { buildRegistry } from '../../../src/features';
import { MANIFEST_PATH, USAGE_HINT_MAX, slashCommands, withSlashCommands, type Manifest } from '../../../adapters/slack/manifest';
import { BOT_EVENTS, BOT_SCOPES } from '../../../adapters/slack/scopes';

const text = readFileSync(MANIFEST_PATH, 'utf8');
const manifest = parse(text) as Manifest;

/**
 * Type-checks a value as a TypeScript object literal assigned to the Manifest type, with the real
 * compiler: excess or misspelt properties and wrong literal values (scopes, events) are errors.
 */
function typeCheckManifest(value: unknown): string[] {
  const file = resolve(__dirname, 'manifest-check.virtual.ts');
  const source =
    `import type { AppsManifestCreateArguments } from '@slack/web-api';\n` +
    `export const manifest: AppsManifestCreateArguments['manifest'] = ${JSON.stringify(value, null, 2)};\n`;
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === file ? ts.createSourceFile(name, source, languageVersion) : getSourceFile(name, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('manifest.yml', () => {
  it('type-checks against the Manifest type of @slack/web-api', () => {
    expect(typeCheckManifest(manifest)).toEqual([]);
  });

  it('the type check can fail (a misspelt property, an unknown scope)', () => {
    const bad = structuredClone(manifest) as unknown as {
      features: { slash_commands: Record<string, unknown>[] };
      oauth_config: { scopes: { bot: string[] } };
    };
    bad.features.slash_commands[0].usage_hnt = 'oops';
    bad.oauth_config.scopes.bot.push('chat:writes');
    const errors = typeCheckManifest(bad).join('\n');
    expect(errors).toMatch(/usage_hnt/);
    expect(errors).toMatch(/chat:writes/);
  });

  it('has both slash commands exactly as the command registry describes them', () => {
    const registry = buildRegistry();
    expect(manifest.features?.slash_commands).toEqual(slashCommands(registry));
    // Regenerating changes nothing: the file is up to date (run `npx tsx adapters/slack/manifest.ts` if not).
    expect(withSlashCommands(text, registry)).toBe(text);
    for (const c of manifest.features!.slash_commands!) {
      expect(c.usage_hint!.length).toBeLessThanOrEqual(USAGE_HINT_MAX);
      expect(c.should_escape).toBe(true);
    }
    const touchpoint = manifest.features!.slash_commands!.find((c) => c.command === '/touchpoint')!;
    // Every command is named; with its full usage line when all of them fit in Slack's 1000 characters.
    const specs = registry.list('touchpoint');
    const fits = specs.map((s) => s.usage).join(' | ').length <= USAGE_HINT_MAX;
    for (const spec of specs) expect(touchpoint.usage_hint).toContain(fits ? spec.usage : spec.name);
  });

  it('asks only for the scopes the adapter uses, and enables interactivity, App Home and Socket Mode', () => {
    expect(manifest.oauth_config?.scopes?.bot).toEqual([...BOT_SCOPES]);
    expect(manifest.settings?.event_subscriptions?.bot_events).toEqual([...BOT_EVENTS]);
    expect(manifest.settings?.interactivity?.is_enabled).toBe(true);
    expect(manifest.settings?.socket_mode_enabled).toBe(true);
    expect(manifest.features?.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
  });
});
