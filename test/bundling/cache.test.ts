import * as fs from 'node:fs';
import * as path from 'node:path';
import { isolateCache, synth, tempDir, writeFiles } from './support/helpers';

/** Two handlers that share a module, and one that shares nothing. */
function project(): { dir: string; a: string; b: string; lone: string } {
  const dir = writeFiles(tempDir(), {
    'shared.ts': "export const shared = (s: string): string => `shared:${s}`;\n",
    'a.ts': "import { shared } from './shared';\nexport const handler = async () => shared('MARKER_ONLY_IN_A');\n",
    'b.ts': "import { shared } from './shared';\nexport const handler = async () => shared('MARKER_ONLY_IN_B');\n",
    'lone.ts': "export const handler = async () => 'MARKER_LONE';\n",
  });
  return { dir, a: path.join(dir, 'a.ts'), b: path.join(dir, 'b.ts'), lone: path.join(dir, 'lone.ts') };
}

describe('bundle per function', () => {
  isolateCache();

  test('each function gets its own asset holding only its own code', () => {
    const p = project();
    const { code, assetDirs } = synth([{ id: 'A', entry: p.a }, { id: 'B', entry: p.b }]);
    expect(assetDirs.A).not.toEqual(assetDirs.B);
    expect(code.A).toContain('MARKER_ONLY_IN_A');
    expect(code.A).not.toContain('MARKER_ONLY_IN_B');
    expect(code.B).toContain('MARKER_ONLY_IN_B');
    expect(code.B).not.toContain('MARKER_ONLY_IN_A');
    // The shared module is inlined into both: no chunk files, no imports between bundles.
    expect(code.A).toContain('shared:');
    expect(code.B).toContain('shared:');
    expect(fs.readdirSync(assetDirs.A)).toEqual(['index.mjs']);
  });

  test('entries with the same options are built in one esbuild call', () => {
    const p = project();
    const { session } = synth([{ id: 'A', entry: p.a }, { id: 'B', entry: p.b }, { id: 'Lone', entry: p.lone }]);
    expect(session.stats).toMatchObject({ entries: 3, built: 3, esbuildCalls: 1, cacheHits: 0 });
  });

  test('different options build separately and both take effect', () => {
    const p = project();
    const { session, code } = synth([
      { id: 'A', entry: p.a },
      { id: 'B', entry: p.b, bundling: { minify: false, format: 'cjs', define: { 'process.env.STAGE': '"prod"' } } },
    ]);
    expect(session.stats.esbuildCalls).toBe(2);
    expect(code.B).toContain('module.exports');
    expect(code.B).toMatch(/\n {2}\S/); // not minified: indented
  });
});

describe('cache', () => {
  isolateCache();

  test('a repeated synth with unchanged sources does no esbuild work', () => {
    const p = project();
    const functions = [{ id: 'A', entry: p.a }, { id: 'B', entry: p.b }, { id: 'Lone', entry: p.lone }];
    const first = synth(functions);
    const second = synth(functions);
    expect(second.session.stats).toMatchObject({ entries: 3, cacheHits: 3, built: 0, esbuildCalls: 0 });
    expect(second.code).toEqual(first.code);
    expect(second.session.bundles.map((b) => b.hash)).toEqual(first.session.bundles.map((b) => b.hash));
  });

  test('an edit to a shared module shows up in every dependent bundle; an unrelated entry is a hit', () => {
    const p = project();
    const functions = [{ id: 'A', entry: p.a }, { id: 'B', entry: p.b }, { id: 'Lone', entry: p.lone }];
    synth(functions);
    fs.writeFileSync(path.join(p.dir, 'shared.ts'), "export const shared = (s: string): string => `EDITED:${s}`;\n");
    const after = synth(functions);
    expect(after.code.A).toContain('EDITED:');
    expect(after.code.B).toContain('EDITED:');
    expect(after.session.stats).toMatchObject({ cacheHits: 1, built: 2, esbuildCalls: 1 });
  });

  test('an edit to a module tree-shaken out of the bundle still invalidates it', () => {
    const p = project();
    writeFiles(p.dir, {
      'util.ts': "export const unused = 1;\nexport const used = 'USED';\n",
      'c.ts': "import { used } from './util';\nexport const handler = async () => used;\n",
    });
    const entry = path.join(p.dir, 'c.ts');
    synth([{ id: 'C', entry }]);
    // `used` now comes from a new module: the old bundle would be wrong.
    writeFiles(p.dir, { 'util.ts': "export { used } from './more';\n", 'more.ts': "export const used = 'MOVED';\n" });
    const after = synth([{ id: 'C', entry }]);
    expect(after.code.C).toContain('MOVED');
    expect(after.session.stats.cacheHits).toBe(0);
  });

  test('SWITCHYARD_CACHE=off rebuilds everything', () => {
    const p = project();
    synth([{ id: 'A', entry: p.a }]);
    process.env.SWITCHYARD_CACHE = 'off';
    try {
      expect(synth([{ id: 'A', entry: p.a }]).session.stats).toMatchObject({ cacheHits: 0, built: 1 });
    } finally {
      delete process.env.SWITCHYARD_CACHE;
    }
  });

  test('the switchyard:cacheDir context key places the cache when the environment does not', () => {
    const p = project();
    const configured = tempDir('sy-ctx-cache-');
    const saved = process.env.SWITCHYARD_CACHE_DIR;
    delete process.env.SWITCHYARD_CACHE_DIR;
    try {
      const { session } = synth([{ id: 'A', entry: p.a }], { 'switchyard:cacheDir': configured });
      expect(fs.readdirSync(path.join(configured, 'bundles'))).toContain(session.bundles[0].hash);
    } finally {
      process.env.SWITCHYARD_CACHE_DIR = saved;
    }
  });
});
