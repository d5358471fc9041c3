/**
 * The Teams app package: the manifest validated offline against the schema bundled in
 * @microsoft/app-manifest, its command lists in agreement with the command registry, the icons
 * as Teams requires them, and the zip the package script writes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import JSZip from 'jszip';
import { buildRegistry } from '../../../src/features';
import { splitRoot } from '../../../src/core/registry';
import {
  APP_PACKAGE_DIR,
  PERSONAL_COMMANDS,
  commandChoices,
  MANIFEST_SCHEMA_URL,
  MANIFEST_VERSION,
  MAX_COMMANDS,
  MAX_DESCRIPTION,
  MAX_TITLE,
  PLACEHOLDER_ID,
  buildAppPackage,
  buildManifest,
  commandLists,
  packageSettingsFromEnv,
  readManifestTemplate,
  type Manifest,
} from '../../../adapters/teams/manifest';
import { bundledSchemaVersions } from '../../../adapters/teams/manifest-schema';

const registry = buildRegistry();
const APP_ID = '11111111-2222-4333-8444-555555555555';
const settings = packageSettingsFromEnv({ MICROSOFT_APP_ID: APP_ID, PUBLIC_URL: 'https://touchpoint.lincoln.example/' }, '0.1.0');

/**
 * Runs adapters/teams/manifest-schema.ts (the package script's validator) in plain Node, where
 * @microsoft/app-manifest loads (Jest's module system cannot load its ES-module-only dependency).
 * The network is cut off in that process first: fetch, http and https all throw.
 */
const VALIDATE = `
  const cut = () => { throw new Error('the manifest validation tried to use the network'); };
  globalThis.fetch = cut;
  require('node:http').request = cut; require('node:http').get = cut;
  require('node:https').request = cut; require('node:https').get = cut;
  const { validateManifest } = require('./adapters/teams/manifest-schema.ts');
  let input = '';
  process.stdin.on('data', (d) => { input += d; }).on('end', async () => {
    const results = [];
    for (const manifest of JSON.parse(input)) results.push(await validateManifest(manifest));
    process.stdout.write(JSON.stringify(results));
  });`;

function validateOffline(...manifests: Partial<Manifest>[]): string[][] {
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', VALIDATE], {
    cwd: resolve(__dirname, '..', '..', '..'),
    input: JSON.stringify(manifests),
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[][];
}

let committed: string[];
let built: string[];
let broken: string[];
beforeAll(() => {
  const invalid: Partial<Manifest> = { ...readManifestTemplate(), id: 'not-a-guid', accentColor: 'teal' };
  delete invalid.icons;
  [committed, built, broken] = validateOffline(readManifestTemplate(), buildManifest(readManifestTemplate(), settings, registry), invalid);
});

describe('the manifest against the bundled Teams schema (offline)', () => {
  test(`version ${MANIFEST_VERSION} is one @microsoft/app-manifest bundles, and $schema names it`, () => {
    expect(bundledSchemaVersions()).toContain(MANIFEST_VERSION);
    const template = readManifestTemplate();
    expect(template.manifestVersion).toBe(MANIFEST_VERSION);
    expect(template.$schema).toBe(MANIFEST_SCHEMA_URL);
  });

  test('the committed manifest (placeholder ids) is valid', () => {
    expect(readManifestTemplate().id).toBe(PLACEHOLDER_ID);
    expect(committed).toEqual([]);
  });

  test('the manifest built for a tenant is valid, with the ids and URLs filled in', () => {
    const manifest = buildManifest(readManifestTemplate(), settings, registry);
    expect(built).toEqual([]);
    expect(manifest).toMatchObject({
      id: APP_ID,
      version: '0.1.0',
      developer: {
        websiteUrl: 'https://touchpoint.lincoln.example',
        privacyUrl: 'https://touchpoint.lincoln.example/privacy',
        termsOfUseUrl: 'https://touchpoint.lincoln.example/terms',
      },
      bots: [{ botId: APP_ID, scopes: ['personal', 'team'] }],
      validDomains: ['touchpoint.lincoln.example'],
      icons: { color: 'color.png', outline: 'outline.png' },
    });
  });

  test('the validation does find problems (so a pass means something)', () => {
    const problems = broken.join('\n');
    expect(problems).toMatch(/\/id /);
    expect(problems).toMatch(/\/accentColor /);
    expect(problems).toMatch(/icons/);
  });
});

describe('bot command lists and the command registry', () => {
  const lists = readManifestTemplate().bots[0].commandLists as { scopes: string[]; commands: { title: string; description: string }[] }[];

  test('the committed lists are what the registry gives (else: npm run teams:package -- --sync)', () => {
    expect(lists).toEqual(commandLists(registry));
  });

  test('a personal and a team list, within the Teams limits', () => {
    expect(lists.map((l) => l.scopes)).toEqual([['personal'], ['team']]);
    for (const list of lists) {
      expect(list.commands.length).toBeLessThanOrEqual(MAX_COMMANDS);
      expect(new Set(list.commands.map((c) => c.title)).size).toBe(list.commands.length);
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(MAX_TITLE);
        expect(c.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
      }
    }
  });

  test('each title, typed to the bot, is the registered command it describes', () => {
    for (const list of lists) {
      for (const c of list.commands) {
        const { root, text } = splitRoot(c.title);
        const spec = registry.find(root, text.split(' ')[0]);
        expect(spec).toBeDefined();
        expect(c.description).toBe(spec!.describe);
      }
    }
  });

  test('both roots are offered in the personal list; nothing confidential is offered in a channel', () => {
    const personal = PERSONAL_COMMANDS.map(([root]) => root);
    expect(new Set(personal)).toEqual(new Set(['touchpoint', 'coaching']));
    const team = commandChoices(buildRegistry()).team.map(([root, name]) => `${root} ${name}`);
    expect(team).toEqual(['touchpoint help', 'touchpoint setup', 'touchpoint book', 'touchpoint closed', 'touchpoint coach']);
    expect(team.filter((c) => c.startsWith('coaching') || /agenda|notes|priorities|report|escalat|calendar|export/.test(c))).toEqual([]);
  });
});

/** Width, height, colour type and RGBA pixels of a PNG written without filtering. */
function readPng(buf: Buffer): { width: number; height: number; colorType: number; pixels: Buffer } {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  while (at < buf.length) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('ascii', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9];
      expect(data[8]).toBe(8);
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)]).toBe(0);
    raw.copy(pixels, y * stride, y * (stride + 1) + 1, (y + 1) * (stride + 1));
  }
  return { width, height, colorType, pixels };
}

describe('icons', () => {
  test('color.png: 192×192, opaque', () => {
    const png = readPng(readFileSync(join(APP_PACKAGE_DIR, 'color.png')));
    expect([png.width, png.height, png.colorType]).toEqual([192, 192, 6]);
    let seeThrough = 0;
    for (let i = 3; i < png.pixels.length; i += 4) if (png.pixels[i] !== 255) seeThrough += 1;
    expect(seeThrough).toBe(0);
  });

  test('outline.png: 32×32, white on transparent', () => {
    const png = readPng(readFileSync(join(APP_PACKAGE_DIR, 'outline.png')));
    expect([png.width, png.height, png.colorType]).toEqual([32, 32, 6]);
    let visible = 0;
    let transparent = 0;
    let notWhite = 0;
    for (let i = 0; i < png.pixels.length; i += 4) {
      const [r, g, b, a] = png.pixels.subarray(i, i + 4);
      if (a === 0) transparent += 1;
      else {
        visible += 1;
        if (r !== 255 || g !== 255 || b !== 255) notWhite += 1;
      }
    }
    expect(notWhite).toBe(0);
    expect(visible).toBeGreaterThan(50);
    expect(transparent).toBeGreaterThan(500);
  });
});

describe('the package', () => {
  test('a zip with manifest.json and the icons at its root, reproducible byte for byte', async () => {
    const manifest = buildManifest(readManifestTemplate(), settings, registry);
    const zip = await buildAppPackage(manifest);
    expect(await buildAppPackage(manifest)).toEqual(zip);
    const opened = await JSZip.loadAsync(zip);
    expect(Object.keys(opened.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(JSON.parse(await opened.file('manifest.json')!.async('string'))).toEqual(manifest);
    expect(await opened.file('outline.png')!.async('nodebuffer')).toEqual(readFileSync(join(APP_PACKAGE_DIR, 'outline.png')));
  });

  test('the settings come from the environment, with one line per problem', () => {
    expect(() => packageSettingsFromEnv({ PUBLIC_URL: 'http://insecure.example', TEAMS_APP_ID: 'x' }, '0.1.0')).toThrow(
      /MICROSOFT_APP_ID: required[^\n]*\nTEAMS_APP_ID: must be a GUID[^\n]*\nPUBLIC_URL: required, the https:\/\//,
    );
    expect(
      packageSettingsFromEnv({ MICROSOFT_APP_ID: APP_ID, TEAMS_APP_ID: '22222222-2222-4333-8444-555555555555', PUBLIC_URL: 'https://x.example' }, '1.2.3'),
    ).toEqual({
      botId: APP_ID,
      appId: '22222222-2222-4333-8444-555555555555',
      publicUrl: 'https://x.example',
      version: '1.2.3',
      privacyUrl: undefined,
      termsOfUseUrl: undefined,
    });
  });
});
