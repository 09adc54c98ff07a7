import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleReport, formatBundleTable } from '../../lib/bundling';
import { lockedPackages } from '../../lib/bundling/private/node-modules';
import { stderrReporter } from '../../lib/bundling/private/progress';
import { ErrorCode, SwitchyardError } from '../../lib/errors';
import { isolateCache, synth, tempDir, writeFiles } from './support/helpers';

describe('nodeModules', () => {
  isolateCache();
  const cwd = process.cwd();
  let project = '';

  beforeEach(() => {
    // A project whose lock file pins a package from a local tarball: no registry needed.
    project = writeFiles(tempDir(), {
      'pkg/package/package.json': JSON.stringify({ name: 'tiny-dep', version: '1.2.3', main: 'index.js' }),
      'pkg/package/index.js': "module.exports = { shout: (s) => s.toUpperCase() + '!' };\n",
      'package.json': JSON.stringify({ name: 'proj', dependencies: { 'tiny-dep': 'file:tiny-dep-1.2.3.tgz' } }),
      'package-lock.json': JSON.stringify({
        name: 'proj',
        lockfileVersion: 3,
        packages: {
          '': { name: 'proj', dependencies: { 'tiny-dep': 'file:tiny-dep-1.2.3.tgz' } },
          'node_modules/tiny-dep': { version: '1.2.3', resolved: 'file:tiny-dep-1.2.3.tgz' },
        },
      }),
      'handler.ts': "import dep from 'tiny-dep';\nexport const handler = async () => dep.shout('hi');\n",
    });
    execFileSync('tar', ['czf', path.join(project, 'tiny-dep-1.2.3.tgz'), '-C', path.join(project, 'pkg'), 'package']);
    process.chdir(project);
  });
  afterEach(() => process.chdir(cwd));

  test('versions come from the lock file; unknown packages fail with the fix', () => {
    expect(lockedPackages(['tiny-dep'], project)).toEqual([{ name: 'tiny-dep', spec: `file:${path.join(project, 'tiny-dep-1.2.3.tgz')}` }]);
    expect(() => lockedPackages(['left-pad'], project)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ code: ErrorCode.INVALID_BUNDLING_OPTIONS, value: 'left-pad', fix: expect.stringContaining('package.json dependencies') }) }),
    );
  });

  test('are installed beside the bundle, left out of it, and cached by version', () => {
    const entry = path.join(project, 'handler.ts');
    const first = synth([{ id: 'Fn', entry, bundling: { nodeModules: ['tiny-dep'] } }]);
    expect(first.session.stats.npmInstalls).toBe(1);
    expect(first.code.Fn).toMatch(/from\s*"tiny-dep"/);
    expect(fs.existsSync(path.join(first.assetDirs.Fn, 'node_modules', 'tiny-dep', 'index.js'))).toBe(true);
    // The asset runs: Node resolves the package from the bundle's own node_modules.
    const out = execFileSync(process.execPath, ['-e', `import(${JSON.stringify(path.join(first.assetDirs.Fn, 'index.mjs'))}).then(m => m.handler()).then(console.log)`]);
    expect(out.toString().trim()).toBe('HI!');

    fs.writeFileSync(path.join(project, 'other.ts'), "import dep from 'tiny-dep';\nexport const handler = async () => dep.shout('other');\n");
    const second = synth([
      { id: 'Fn', entry, bundling: { nodeModules: ['tiny-dep'] } },
      { id: 'Other', entry: path.join(project, 'other.ts'), bundling: { nodeModules: ['tiny-dep'] } },
    ]);
    expect(second.session.stats).toMatchObject({ npmInstalls: 0, cacheHits: 1, built: 1 });
  });
});

describe('esbuild plugins', () => {
  isolateCache();
  const plugin = `export default function greeting(options) {
  return {
    name: 'greeting',
    setup(build) {
      build.onResolve({ filter: /^virtual:greeting$/ }, () => ({ path: 'greeting', namespace: 'greeting' }));
      build.onLoad({ filter: /.*/, namespace: 'greeting' }, () => {
        if (options.fail) throw new Error('greeting plugin was told to fail');
        return { contents: 'export default ' + JSON.stringify(options.text), loader: 'js' };
      });
    },
  };
}
`;
  const tsPlugin = `import type { Plugin } from 'esbuild';
export const upper = (options: { word: string }): Plugin => ({
  name: 'upper',
  setup(build) {
    build.onLoad({ filter: /handler\\.ts$/ }, async (args) => {
      const fs = await import('node:fs/promises');
      return { contents: (await fs.readFile(args.path, 'utf8')).replace('WORD', options.word.toUpperCase()), loader: 'ts' };
    });
  },
});
`;

  function project(): { dir: string; entry: string } {
    const dir = writeFiles(tempDir(), {
      'greeting-plugin.mjs': plugin,
      'upper-plugin.ts': tsPlugin,
      'handler.ts': "import greeting from 'virtual:greeting';\nexport const handler = async () => `${greeting} WORD`;\n",
    });
    return { dir, entry: path.join(dir, 'handler.ts') };
  }

  test('run from module specifiers with options, in one build with the plugins API', () => {
    const { dir, entry } = project();
    const { code, session } = synth([
      {
        id: 'Fn',
        entry,
        bundling: {
          plugins: [
            { module: path.join(dir, 'greeting-plugin.mjs'), options: { text: 'Hello from a plugin' } },
            { module: path.join(dir, 'upper-plugin.ts'), export: 'upper', options: { word: 'shouted' } },
          ],
        },
      },
    ]);
    expect(code.Fn).toContain('Hello from a plugin');
    expect(code.Fn).toContain('SHOUTED');
    expect(session.stats.esbuildCalls).toBe(1);
  });

  test('plugin options and plugin code are part of the cache key', () => {
    const { dir, entry } = project();
    const spec = (text: string) => [{ id: 'Fn', entry, bundling: { plugins: [{ module: path.join(dir, 'greeting-plugin.mjs'), options: { text } }] } }];
    synth(spec('one'));
    expect(synth(spec('one')).session.stats).toMatchObject({ cacheHits: 1, esbuildCalls: 0 });
    const changed = synth(spec('two'));
    expect(changed.code.Fn).toContain('two');
    expect(changed.session.stats.cacheHits).toBe(0);
    fs.writeFileSync(path.join(dir, 'greeting-plugin.mjs'), plugin.replace("'export default '", "'export default \"v2:\" + '"));
    expect(synth(spec('two')).code.Fn).toContain('v2:');
  });

  test('a failing plugin fails synth naming the function', () => {
    const { dir, entry } = project();
    let caught: unknown;
    try {
      synth([{ id: 'Fn', entry, bundling: { plugins: [{ module: path.join(dir, 'greeting-plugin.mjs'), options: { fail: true } }] } }]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SwitchyardError);
    expect((caught as SwitchyardError).code).toBe(ErrorCode.BUNDLING_FAILED);
    expect((caught as SwitchyardError).message).toMatch(/Test\/Fn[\s\S]*greeting plugin was told to fail/);
  });
});

describe('reporting', () => {
  const bundles: BundleReport[] = [
    { functionPath: 'App/Small', entry: 'small.ts', size: 900, hash: 'a', largestInputs: [{ path: 'small.ts', bytes: 900 }] },
    { functionPath: 'App/Large', entry: 'large.ts', size: 150_000, hash: 'b', largestInputs: [{ path: 'node_modules/zod/index.js', bytes: 120_000 }] },
  ];

  test('the size table lists the largest bundle first with its largest input', () => {
    expect(formatBundleTable(bundles)).toBe(
      [
        'Function        Size  Largest input',
        'App/Large  146.5 KiB  node_modules/zod/index.js (117.2 KiB)',
        'App/Small      900 B  small.ts (900 B)',
        '2 bundles, 147.4 KiB in total',
        '',
      ].join('\n'),
    );
  });

  function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
    const stream = { isTTY, text: '', write: (chunk: string) => ((stream.text += chunk), true) };
    return stream as unknown as NodeJS.WriteStream & { text: string };
  }
  const done = { type: 'done', stats: { entries: 2, cacheHits: 1, built: 1, esbuildCalls: 1, npmInstalls: 0 }, durationMs: 250, bundles } as const;

  test.each([
    ['a terminal under jest', { JEST_WORKER_ID: '1' }, true],
    ['a pipe', {}, false],
    ['a terminal when turned off', { SWITCHYARD_PROGRESS: '0' }, true],
  ])('progress is silent on %s', (_name, env, isTTY) => {
    expect(stderrReporter(env, fakeStream(isTTY))).toBeUndefined();
  });

  test('progress goes to stderr when the CLI asks for it, and the table when asked', () => {
    const stream = fakeStream(false);
    const report = stderrReporter({ SWITCHYARD_PROGRESS: '1', SWITCHYARD_BUNDLE_REPORT: '1' }, stream)!;
    report({ type: 'progress', built: 1, toBuild: 1 });
    report(done);
    expect(stream.text).toContain('switchyard: bundled 1/1 functions\n');
    expect(stream.text).toContain('switchyard: 2 functions bundled in 0.25 s (1 built in 1 esbuild call, 1 from cache)\n');
    expect(stream.text).toContain('App/Large');
  });

  test('a terminal outside jest and CI gets progress on one rewritten line', () => {
    const stream = fakeStream(true);
    stderrReporter({}, stream)!({ type: 'progress', built: 3, toBuild: 9 });
    expect(stream.text).toBe('\rswitchyard: bundled 3/9 functions');
  });
});
