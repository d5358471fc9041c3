/**
 * The Teams app package: manifest.json (schema 1.22) and the two icons, zipped. The committed
 * adapters/teams/appPackage/manifest.json holds placeholder ids and URLs; `buildManifest` fills
 * them in from the environment, and its bot command lists come from the command registry.
 *
 * Teams allows at most 10 commands per list (titles up to 32 characters, descriptions up to 128),
 * so each scope lists a chosen few:
 * - personal (the 1:1 chat): the weekly rhythm (book, next, agenda, add, skip, notes) and the
 *   teachers' coaching commands (request, status) plus the coaches' queue;
 * - team (a channel, seen by everyone): only what needs an @mention or is school-wide (setup,
 *   coach, book, next, closed); nothing confidential, no agendas, notes or coaching.
 * `help` lists everything else.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import JSZip from 'jszip';
import type { CommandRegistry, Root } from '../../src/core/registry';
import { colorIcon, outlineIcon } from './icons';

export const MANIFEST_VERSION = '1.22';
export const MANIFEST_SCHEMA_URL = `https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;
export const APP_PACKAGE_DIR = resolve(__dirname, 'appPackage');
export const PACKAGE_FILE = join(APP_PACKAGE_DIR, 'build', 'touchpoint-teams.zip');
export const PLACEHOLDER_ID = '00000000-0000-0000-0000-000000000000';
export const PLACEHOLDER_URL = 'https://touchpoint.example.org';

export const MAX_COMMANDS = 10;
export const MAX_TITLE = 32;
export const MAX_DESCRIPTION = 128;

export type BotScope = 'personal' | 'team';

/** The commands the personal list offers, in order (the list holds at most 10, so it is a choice). */
export const PERSONAL_COMMANDS: [Root, string][] = [
  ['touchpoint', 'help'],
  ['touchpoint', 'book'],
  ['touchpoint', 'next'],
  ['touchpoint', 'agenda'],
  ['touchpoint', 'add'],
  ['touchpoint', 'skip'],
  ['touchpoint', 'notes'],
  ['coaching', 'request'],
  ['coaching', 'status'],
  ['coaching', 'queue'],
];

/** The commands each scope's list offers: in a team, exactly those the registry declares channel-safe. */
export function commandChoices(registry: CommandRegistry): Record<BotScope, [Root, string][]> {
  return {
    personal: PERSONAL_COMMANDS,
    team: registry
      .list()
      .filter((s) => s.visibility === 'channel-safe')
      .map((s): [Root, string] => [s.root, s.name]),
  };
}

/** What a person types: `book` (touchpoint is the default root) or `coaching request`. */
export function commandTitle(root: Root, name: string): string {
  return root === 'touchpoint' ? name : `${root} ${name}`;
}

export interface CommandList {
  scopes: BotScope[];
  commands: { title: string; description: string }[];
}

/** The bot's command lists, from the registry (a command missing from it is an error). */
export function commandLists(registry: CommandRegistry): CommandList[] {
  const choices = commandChoices(registry);
  return (Object.keys(choices) as BotScope[]).map((scope) => ({
    scopes: [scope],
    commands: choices[scope].map(([root, name]) => {
      const spec = registry.find(root, name);
      if (!spec) throw new Error(`the Teams command list names ${root} ${name}, which is not a registered command`);
      return { title: commandTitle(root, name), description: spec.describe };
    }),
  }));
}

/** A bot in the manifest: the fields filled in here, and whatever else the template says. */
export interface ManifestBot {
  [key: string]: unknown;
  botId: string;
  commandLists: CommandList[];
}

/** manifest.json: the fields this code reads or fills in, and whatever else the template says. */
export interface Manifest {
  [key: string]: unknown;
  $schema?: string;
  manifestVersion: string;
  id: string;
  version: string;
  developer: Record<string, unknown>;
  bots: ManifestBot[];
  icons: { color: string; outline: string };
  validDomains?: string[];
}

export function readManifestTemplate(dir = APP_PACKAGE_DIR): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

export interface PackageSettings {
  /** The bot's Microsoft app id (MICROSOFT_APP_ID). */
  botId: string;
  /** The Teams app's id; the bot's id unless TEAMS_APP_ID says otherwise. */
  appId: string;
  /** Where the service is reachable (PUBLIC_URL); the bot endpoint is `${publicUrl}/api/messages`. */
  publicUrl: string;
  version: string;
  privacyUrl?: string;
  termsOfUseUrl?: string;
}

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/** Package settings from the environment; every problem is one line of the thrown error. */
export function packageSettingsFromEnv(env: Record<string, string | undefined>, version: string): PackageSettings {
  const problems: string[] = [];
  const botId = env.MICROSOFT_APP_ID?.trim() ?? '';
  const appId = env.TEAMS_APP_ID?.trim() || botId;
  const publicUrl = (env.PUBLIC_URL?.trim() ?? '').replace(/\/+$/, '');
  if (!GUID.test(botId)) problems.push("MICROSOFT_APP_ID: required, the Azure Bot's Microsoft app id (a GUID)");
  if (env.TEAMS_APP_ID?.trim() && !GUID.test(appId)) problems.push('TEAMS_APP_ID: must be a GUID (leave it unset to use MICROSOFT_APP_ID)');
  if (!/^https:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(publicUrl))
    problems.push('PUBLIC_URL: required, the https:// address of the service (Teams calls PUBLIC_URL/api/messages)');
  for (const name of ['TEAMS_PRIVACY_URL', 'TEAMS_TERMS_URL']) {
    const v = env[name]?.trim();
    if (v && !/^https:\/\//.test(v)) problems.push(`${name}: must be an https:// URL`);
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return {
    botId,
    appId,
    publicUrl,
    version,
    privacyUrl: env.TEAMS_PRIVACY_URL?.trim() || undefined,
    termsOfUseUrl: env.TEAMS_TERMS_URL?.trim() || undefined,
  };
}

/** The manifest for a real tenant: ids, URLs and version filled in, command lists from the registry. */
export function buildManifest(template: Manifest, settings: PackageSettings, registry: CommandRegistry): Manifest {
  const manifest: Manifest = structuredClone(template);
  manifest.id = settings.appId;
  manifest.version = settings.version;
  manifest.developer = {
    ...manifest.developer,
    websiteUrl: settings.publicUrl,
    privacyUrl: settings.privacyUrl ?? `${settings.publicUrl}/privacy`,
    termsOfUseUrl: settings.termsOfUseUrl ?? `${settings.publicUrl}/terms`,
  };
  manifest.bots = manifest.bots.map((bot) => ({ ...bot, botId: settings.botId, commandLists: commandLists(registry) }));
  manifest.validDomains = [new URL(settings.publicUrl).host];
  return manifest;
}

/** Fixed file dates keep the zip byte-for-byte reproducible. */
const FILE_DATE = new Date('2026-01-01T00:00:00Z');

/** The icons as drawn in code (the script writes them to appPackage/ with --icons). */
export function drawnIcons(): { 'color.png': Buffer; 'outline.png': Buffer } {
  return { 'color.png': colorIcon(), 'outline.png': outlineIcon() };
}

/** The zip Teams takes: manifest.json and the two icons from appPackage/, at its root. */
export async function buildAppPackage(manifest: Manifest, dir = APP_PACKAGE_DIR): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, { date: FILE_DATE });
  for (const icon of [manifest.icons.color, manifest.icons.outline]) {
    zip.file(icon, readFileSync(join(dir, icon)), { date: FILE_DATE });
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}
