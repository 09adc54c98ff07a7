#!/usr/bin/env node
// `npm run build`: compiles lib/ into dist/, the folder the package's `main`, `exports` and
// `bin` point at. Runs on `npm ci` in this repository (the `prepare` script) and before
// `npm pack`/`npm publish`.
//
// 1. tsc (tsconfig.build.json): CommonJS JavaScript, .d.ts and source maps for every module.
//    Node loads these for both `require('switchyard')` and `import 'switchyard'` (its CommonJS
//    named-export detection reads tsc's output), so one copy of each module is ever loaded.
// 2. esbuild: `switchyard/runtime` once more as one ES module, served to bundlers through the
//    `module` export condition (esbuild, webpack, rollup), so a Lambda bundle keeps only the
//    helpers its handler uses. Node never picks that condition.
// 3. jose, published as ES modules only, becomes a CommonJS bundle in place of the compiled
//    lib/local/auth/jose.ts (see that file), so Jest and older Node 20 releases load it.
// 4. Files that are not TypeScript travel beside the code that loads them by path.
// 5. The console's browser UI (lib/console/) -> dist/console/: index.html, console.css and one
//    minified ES module, with Mermaid split into chunks loaded only when the diagram is shown.
//    Everything is served by `switchyard dev` itself: no CDN, no inline script (strict CSP).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const require = createRequire(import.meta.url);

/** Non-TypeScript files loaded at run time by path, relative to lib/. */
const ASSETS = ['local/host/worker.mjs', 'local/host/streaming.mjs', 'local/host/bootstrap.py', 'ops/prices.json'];

const started = Date.now();
fs.rmSync(dist, { recursive: true, force: true });

const tscBin = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
const tsc = spawnSync(process.execPath, [tscBin, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('build: tsc failed');
  process.exit(tsc.status ?? 1);
}

for (const asset of ASSETS) {
  const from = path.join(root, 'lib', asset);
  const to = path.join(dist, asset);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

await esbuild.build({
  entryPoints: [path.join(root, 'lib/runtime/index.ts')],
  outfile: path.join(dist, 'runtime/index.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies (the AWS SDK clients loaded on first use) stay imports, as in the CommonJS build.
  packages: 'external',
  sourcemap: true,
  sourcesContent: true,
  logLevel: 'warning',
});

// jose's compiled re-export module becomes jose itself, as CommonJS.
const JOSE_SHIM = 'local/auth/jose';
await esbuild.build({
  entryPoints: [path.join(root, 'lib', `${JOSE_SHIM}.ts`)],
  outfile: path.join(dist, `${JOSE_SHIM}.js`),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  sourcesContent: true,
  // jose's MIT license asks for its notice in every copy.
  banner: { js: `/*!\n * jose ${require('jose/package.json').version}, bundled as CommonJS\n *\n${joseLicense()}\n */` },
  logLevel: 'warning',
});
const direct = listFiles(dist).filter((f) => f.endsWith('.js') && !f.endsWith(`${JOSE_SHIM}.js`) && /require\("jose"\)/.test(fs.readFileSync(f, 'utf8')));
if (direct.length) {
  console.error(`build: ${direct.map((f) => path.relative(root, f)).join(', ')} require jose directly; import it from lib/${JOSE_SHIM}.ts instead`);
  process.exit(1);
}

await buildConsole();

console.error(`build: dist/ written in ${Date.now() - started} ms`);

/**
 * Step 5: the console UI, bundled for the browser. Its script and stylesheet get content-hashed
 * names, written into index.html, so the server may let browsers keep them: an upgrade changes
 * the names.
 */
async function buildConsole() {
  const from = path.join(root, 'lib', 'console');
  const out = path.join(dist, 'console');
  const { metafile } = await esbuild.build({
    entryPoints: { console: path.join(from, 'main.tsx'), style: path.join(from, 'console.css') },
    outdir: out,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome115', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(from, 'tsconfig.json'),
    minify: true,
    // The license comments of what is bundled (Preact, Mermaid and its dependencies), in a file beside each.
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'warning',
  });
  const built = (entry) => {
    const [file] = Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === path.relative(root, path.join(from, entry)).split(path.sep).join('/')) ?? [];
    if (!file) throw new Error(`build: esbuild wrote no output for lib/console/${entry}`);
    return path.basename(file);
  };
  const html = fs.readFileSync(path.join(from, 'index.html'), 'utf8').replace('./console.js', `./${built('main.tsx')}`).replace('./console.css', `./${built('console.css')}`);
  fs.writeFileSync(path.join(out, 'index.html'), html);
  fs.copyFileSync(path.join(from, 'favicon.svg'), path.join(out, 'favicon.svg'));
}

function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function joseLicense() {
  const file = path.join(path.dirname(require.resolve('jose/package.json')), 'LICENSE.md');
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => ` * ${line}`.trimEnd()).join('\n');
}
