/**
 * Builds the Teams app package: adapters/teams/appPackage/build/touchpoint-teams.zip.
 *
 *   npm run teams:package              the zip, from MICROSOFT_APP_ID and PUBLIC_URL (a .env file is read)
 *   npm run teams:package -- --sync    rewrite appPackage/manifest.json's command lists from the registry
 *   npm run teams:package -- --icons   redraw appPackage/color.png and outline.png
 *
 * Optional: TEAMS_APP_ID (the Teams app's own id; defaults to MICROSOFT_APP_ID),
 * TEAMS_PRIVACY_URL and TEAMS_TERMS_URL (default PUBLIC_URL/privacy and PUBLIC_URL/terms).
 * The manifest is validated against the schema bundled in @microsoft/app-manifest, offline.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { loadDotEnv } from '../src/config';
import { buildRegistry } from '../src/features';
import {
  APP_PACKAGE_DIR,
  PACKAGE_FILE,
  buildAppPackage,
  buildManifest,
  commandLists,
  drawnIcons,
  packageSettingsFromEnv,
  readManifestTemplate,
} from '../adapters/teams/manifest';
import { validateManifest } from '../adapters/teams/manifest-schema';

const ROOT = resolve(__dirname, '..');

function fail(message: string): never {
  process.stderr.write(`teams-package: ${message.split('\n').join('\nteams-package: ')}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--sync' && a !== '--icons');
  if (unknown.length > 0) fail(`unknown option ${unknown[0]} (allowed: --sync, --icons)`);

  if (args.includes('--icons')) {
    for (const [name, png] of Object.entries(drawnIcons())) {
      writeFileSync(join(APP_PACKAGE_DIR, name), png);
      process.stdout.write(`wrote ${relative(ROOT, join(APP_PACKAGE_DIR, name))}\n`);
    }
  }
  if (args.includes('--sync')) {
    const template = readManifestTemplate();
    template.bots[0].commandLists = commandLists(buildRegistry());
    writeFileSync(join(APP_PACKAGE_DIR, 'manifest.json'), `${JSON.stringify(template, null, 2)}\n`);
    process.stdout.write(`wrote ${relative(ROOT, join(APP_PACKAGE_DIR, 'manifest.json'))} (command lists from the registry)\n`);
  }
  if (args.length > 0) return;

  loadDotEnv();
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  let settings;
  try {
    settings = packageSettingsFromEnv(process.env, version);
  } catch (err) {
    fail((err as Error).message);
  }
  const manifest = buildManifest(readManifestTemplate(), settings, buildRegistry());
  const problems = await validateManifest(manifest);
  if (problems.length > 0) fail(`the manifest does not match the Teams schema ${manifest.manifestVersion}:\n${problems.join('\n')}`);

  const zip = await buildAppPackage(manifest);
  mkdirSync(dirname(PACKAGE_FILE), { recursive: true });
  writeFileSync(PACKAGE_FILE, zip);
  process.stdout.write(
    [
      `wrote ${relative(ROOT, PACKAGE_FILE)} (${zip.length} bytes, manifest ${manifest.manifestVersion}, app id ${manifest.id})`,
      `Azure Bot messaging endpoint: ${settings.publicUrl}/api/messages`,
      'Upload the zip in Teams (Apps > Manage your apps > Upload an app) or in the Teams admin center for your tenant.',
    ].join('\n') + '\n',
  );
}

void main().catch((err: unknown) => fail((err as Error)?.stack ?? String(err)));
