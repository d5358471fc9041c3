/**
 * Validates a Teams manifest against the JSON schema bundled in @microsoft/app-manifest, offline:
 * the schema file is read from the package and handed to `AppManifestUtils.validateAgainstSchema`
 * (given a schema, it does not fetch the manifest's `$schema` URL).
 *
 * Development tooling only (the package script and the tests): @microsoft/app-manifest is a
 * devDependency, so nothing the service runs imports this file. The package is loaded when
 * validating, not on import: it requires an ES-module-only dependency (strip-bom 5), which plain
 * Node 20 loads but Jest's module system does not, so the tests validate in a child process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as AppManifestPackage from '@microsoft/app-manifest';
import type { JSONSchemaType } from 'ajv';
import { MANIFEST_VERSION, type Manifest } from './manifest';

/** The bundled schema file for a manifest version (e.g. `1.22`). */
export function bundledSchemaPath(version = MANIFEST_VERSION): string {
  const root = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return join(root, 'build', 'json-schemas', 'teams', `v${version}`, 'MicrosoftTeams.schema.json');
}

/** Schema versions the installed @microsoft/app-manifest bundles. */
export function bundledSchemaVersions(): string[] {
  const teams = dirname(dirname(bundledSchemaPath()));
  return readdirSync(teams)
    .filter((d) => /^v\d+\.\d+$/.test(d))
    .map((d) => d.slice(1));
}

/** Schema problems, one line each; empty when the manifest is valid. */
export async function validateManifest(manifest: Manifest): Promise<string[]> {
  const version = String(manifest.manifestVersion);
  // The bundled file may hold \a and \v escapes, which JSON does not allow (the package reads it the same way).
  const text = readFileSync(bundledSchemaPath(version), 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  const schema = JSON.parse(text) as JSONSchemaType<AppManifestPackage.AppManifest>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when validating, not on import (see above: Jest cannot load its dependency)
  const { AppManifestUtils } = require('@microsoft/app-manifest') as typeof AppManifestPackage;
  // The JSON is what the schema checks; its type is not known to be AppManifest until then.
  return AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifestPackage.AppManifest, schema);
}
