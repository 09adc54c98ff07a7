import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The public API, pinned: every name each entry point exports, values and types, must match
 * `public-api.json`. Adding, removing or renaming a public name therefore changes that file in
 * the same commit, where review sees it. When this fails, the diff below lists the names that
 * appeared (+) or went (-); update `public-api.json` if the change is meant.
 */

/** Each entry point users import, and the source file it is built from. */
const ENTRY_POINTS: Record<string, string> = {
  switchyard: 'lib/index.ts',
  'switchyard/runtime': 'lib/runtime/index.ts',
  'switchyard/testing': 'lib/testing/index.ts',
  'switchyard/patterns': 'lib/patterns/index.ts',
};

const ROOT = path.resolve(__dirname, '../..');

/** What one entry point exports: names that exist at run time, and names only the type checker sees. */
interface EntryApi {
  readonly values: string[];
  readonly types: string[];
}

const pinned = JSON.parse(fs.readFileSync(path.join(__dirname, 'public-api.json'), 'utf8')) as Record<string, EntryApi>;

/** Every exported name of each entry's source, values and types, as the TypeScript checker resolves them. */
function checkerExports(): Record<string, string[]> {
  const script = path.join(__dirname, 'support', 'tsc-exports.mjs');
  const out = execFileSync(process.execPath, [script, ROOT, ...Object.values(ENTRY_POINTS)], { encoding: 'utf8' });
  return JSON.parse(out) as Record<string, string[]>;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

describe('public API', () => {
  let checker: Record<string, string[]> = {};
  beforeAll(() => {
    checker = checkerExports();
  });

  test('every entry point is pinned, and every pinned entry point is in package.json exports', () => {
    expect(Object.keys(pinned).filter((key) => !key.startsWith('$')).sort()).toEqual(Object.keys(ENTRY_POINTS).sort());
    const exportsMap = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports;
    const subpaths = Object.keys(exportsMap).filter((key) => !key.endsWith('.json'));
    expect(subpaths.map((key) => path.posix.join('switchyard', key)).sort()).toEqual(Object.keys(ENTRY_POINTS).sort());
  });

  describe.each(Object.entries(ENTRY_POINTS))('%s', (specifier, file) => {
    test('is an explicit list: no export * in its source', () => {
      const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
      expect(source.match(/^\s*export\s*\*.*$/gm) ?? []).toEqual([]);
    });

    test('exports exactly the pinned values and types', () => {
      // Required as users import it, through the package's own specifier.
      const loaded = require(specifier) as Record<string, unknown>;
      const values = Object.keys(loaded).sort(byName);
      const all = checker[file];
      const types = all.filter((name) => !values.includes(name)).sort(byName);
      expect({ values, types }).toEqual(pinned[specifier]);
      // A value the checker does not know of would be a type re-exported as if it were a value.
      expect(values.filter((name) => !all.includes(name) || loaded[name] === undefined)).toEqual([]);
    });
  });
});
