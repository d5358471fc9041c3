/**
 * docs/privacy.md is the data inventory: every table the migrations create has its row there (a
 * table added without one fails here), it names no table that no longer exists, and the README
 * links it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../src/store/db';
import { migrate } from '../src/store/migrate';

const root = join(__dirname, '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

function tablesOfSchema(): string[] {
  const db = openDatabase(':memory:');
  try {
    migrate(db);
    return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map(
      (r) => r.name,
    );
  } finally {
    db.close();
  }
}

/** The tables the inventory describes: the first cell of its table rows, `like_this`. */
function tablesOfDoc(doc: string): string[] {
  return [...doc.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((m) => m[1]).sort();
}

describe('docs/privacy.md', () => {
  const doc = read('docs/privacy.md');

  it('has an inventory row for every table in the schema, and none for a table that is gone', () => {
    const schema = tablesOfSchema();
    expect(schema.length).toBeGreaterThan(20);
    expect(tablesOfDoc(doc)).toEqual(schema);
  });

  it('is linked from the README', () => {
    expect(read('README.md')).toContain('](docs/privacy.md)');
  });
});
