/**
 * botbuilder (the Bot Framework SDK, out of support since the end of 2025) is imported only under
 * adapters/teams/, so moving to the Microsoft 365 Agents SDK or the Teams SDK touches that folder
 * alone. Tests talk to the adapter over HTTP and never import the SDK either.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const SDK = /(?:from\s+|require\(\s*|import\(\s*)['"](botbuilder[^'"]*|botframework-[^'"]*)['"]/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

test('only adapters/teams/ imports botbuilder or botframework-*', () => {
  const offenders = ['src', 'adapters', 'scripts', 'test', 'bench']
    .flatMap((d) => {
      try {
        return sources(join(ROOT, d));
      } catch {
        return [];
      }
    })
    .filter((file) => !relative(ROOT, file).startsWith(`adapters${sep}teams${sep}`))
    // Import-boundary tests spell the module names out in their own patterns.
    .filter((file) => !/boundaries\.test\.ts$/.test(file))
    .filter((file) => SDK.test(readFileSync(file, 'utf8')))
    .map((file) => relative(ROOT, file));
  expect(offenders).toEqual([]);
});

test('the Teams adapter does import it (the check above looks at the right thing)', () => {
  expect(SDK.test(readFileSync(join(ROOT, 'adapters', 'teams', 'index.ts'), 'utf8'))).toBe(true);
});
