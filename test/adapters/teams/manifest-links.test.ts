/**
 * The app package's website, privacy and terms links (what a tenant admin and every user see in
 * the app's details) point at pages the running service serves.
 */
import JSZip from 'jszip';
import { buildRegistry } from '../../../src/features';
import { HttpServer } from '../../../src/http/server';
import { registerPolicyPages } from '../../../src/http/privacy';
import { silentLogger } from '../../../src/core/ports';
import { buildAppPackage, buildManifest, packageSettingsFromEnv, readManifestTemplate, type Manifest } from '../../../adapters/teams/manifest';

const PUBLIC_URL = 'https://touchpoint.lincoln.example';

let http: HttpServer;
let base: string;

beforeAll(async () => {
  // The pages as the service mounts them (src/main.ts).
  http = new HttpServer(silentLogger);
  registerPolicyPages(http);
  const address = await http.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(() => http.close());

async function builtManifest(env: Record<string, string>): Promise<Manifest> {
  const settings = packageSettingsFromEnv({ MICROSOFT_APP_ID: '11111111-2222-4333-8444-555555555555', PUBLIC_URL: `${PUBLIC_URL}/`, ...env }, '0.1.0');
  const zip = await buildAppPackage(buildManifest(readManifestTemplate(), settings, buildRegistry()));
  const opened = await JSZip.loadAsync(zip);
  return JSON.parse(await opened.file('manifest.json')!.async('string')) as Manifest;
}

test('the built package links the website, privacy and terms pages at PUBLIC_URL, and the service serves each', async () => {
  const { developer } = await builtManifest({});
  const links = { website: String(developer.websiteUrl), privacy: String(developer.privacyUrl), terms: String(developer.termsOfUseUrl) };
  expect(links).toEqual({ website: PUBLIC_URL, privacy: `${PUBLIC_URL}/privacy`, terms: `${PUBLIC_URL}/terms` });
  for (const [what, url] of Object.entries(links)) {
    const path = new URL(url).pathname;
    const res = await fetch(`${base}${path}`);
    expect({ what, path, status: res.status, type: res.headers.get('content-type') }).toEqual({ what, path, status: 200, type: 'text/html; charset=utf-8' });
    expect(await res.text()).toContain('<h1>Touchpoint');
  }
});

test('a district that hosts its own policy pages names them, and the package links those instead', async () => {
  const { developer } = await builtManifest({ TEAMS_PRIVACY_URL: 'https://district.example/privacy', TEAMS_TERMS_URL: 'https://district.example/terms' });
  expect(developer).toMatchObject({ privacyUrl: 'https://district.example/privacy', termsOfUseUrl: 'https://district.example/terms' });
});
