import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The import rules of docs/ARCHITECTURE.md ("Layers and folders"), checked over the source:
 * which other folders of `lib/` each layer may import.
 */

const LIB = path.resolve(__dirname, '../../lib');

/** Layer -> the other parts of `lib/` it may import (`errors` is `lib/errors.ts`). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  patterns: [],
  runtime: [],
  model: [],
  iam: [],
  bundling: ['errors'],
  constructs: ['bundling', 'errors', 'patterns', 'runtime'],
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(entry.name) ? [full] : [];
  });
}

/** The parts of `lib/` a file imports (static imports, re-exports, `import()` and `require()`). */
function importedParts(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)'(\.{1,2}\/[^']*)'/g)].map((m) => m[1]);
  return specifiers.flatMap((specifier) => {
    const target = path.relative(LIB, path.resolve(path.dirname(file), specifier));
    if (target.startsWith('..')) return [];
    return [target.split(path.sep)[0].replace(/\.[cm]?[jt]s$/, '')];
  });
}

describe.each(Object.entries(MAY_IMPORT))('lib/%s', (layer, allowed) => {
  test(`imports nothing of lib/ but ${allowed.join(', ') || 'itself'}`, () => {
    const files = sourceFiles(path.join(LIB, layer));
    expect(files.length).toBeGreaterThan(0);
    const violations = files.flatMap((file) =>
      importedParts(file)
        .filter((part) => part !== layer && !allowed.includes(part))
        .map((part) => `${path.relative(LIB, file)} imports lib/${part}`),
    );
    expect(violations).toEqual([]);
  });
});

test('lib/errors.ts imports nothing of lib/', () => {
  expect(importedParts(path.join(LIB, 'errors.ts'))).toEqual([]);
});
