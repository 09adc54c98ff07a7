/**
 * Dependencies bundled apart, for hot reload: the ES module packages a function's own files
 * import (zod, a validation or date library) are built once, with the function's bundling
 * options, into files of their own, and each rebuild after an edit leaves them out of the
 * bundle (esbuild's `external`). As Vite's dev server pre-bundles dependencies, and for the same
 * reason: a rebuild of the example's handler spent 80-240 ms linking and printing 450 KB of zod
 * that never changes, and its new instance as long again evaluating it; without it the rebuild
 * prints a few KB, and the process kept ready for the next edit has the packages loaded already.
 *
 * The code served is the same code: the same esbuild, options, conditions and resolution (the
 * entry of each package is the very file the full build resolved), one copy of each module
 * (the packages share chunks, esbuild's code splitting). What differs is the shape, a bundle
 * and the packages beside it in `node_modules`, as `nodeModules` would deploy them.
 *
 * Not bundled apart, so bundled as deployed: CommonJS packages and packages some project file
 * `require`s (their named exports would not be static), packages a bundled dependency imports
 * (it would import them by a specifier the separate files may not serve), and any package when
 * the bundle is CommonJS. Written by hand: esbuild gives the metafile and the split build, but
 * choosing what may be split off is ours.
 */
import { createHash } from 'node:crypto';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import type { BuildOptions, Metafile } from 'esbuild';
import type { SeparateDependencies } from '../host/task-root';

/** Where the chunks the packages share go, beside the packages in node_modules. */
const CHUNKS = '.switchyard-deps';

/** The package an import specifier names: `zod` of `zod/mini`, `@scope/pkg` of `@scope/pkg/sub`. */
export function packageOf(specifier: string): string {
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

/**
 * The imports a full build's metafile says may be bundled apart: by specifier as the project's
 * files write it, the file it resolved to (as the metafile names it, relative to esbuild's
 * working directory). Every module lands on one side only: a file both the bundle and a package
 * apart would hold (a dependency of both) keeps that package in the bundle, and so does an
 * import of it from a dependency left in the bundle (`external` would apply to that import too).
 */
export function separableImports(metafile: Metafile): Map<string, string> {
  const inputs = metafile.inputs;
  const graph = new Map(Object.entries(inputs).map(([file, info]) => [file, info.imports.filter((i) => !i.external).map((i) => i.path)]));
  const chosen = new Map<string, string>();
  const excluded = new Set<string>();
  for (const [input, info] of Object.entries(inputs)) {
    if (!isProjectFile(input)) continue;
    for (const imp of info.imports) {
      const spec = imp.original;
      if (imp.external || !spec || !isBare(spec) || !inNodeModules(imp.path)) continue;
      const pkg = packageOf(spec);
      const esm = (imp.kind === 'import-statement' || imp.kind === 'dynamic-import') && inputs[imp.path]?.format === 'esm';
      // Two copies of a package (a monorepo's folders resolving apart) stay bundled as well.
      if (!esm || packageOfPath(imp.path) !== pkg || (chosen.has(spec) && chosen.get(spec) !== imp.path)) excluded.add(pkg);
      else chosen.set(spec, imp.path);
    }
  }
  // Dropping a package puts what it imports back in the bundle, which may touch another: to a fixed point.
  for (let changed = true; changed; ) {
    changed = false;
    const apart = new Set([...chosen.keys()].map(packageOf).filter((p) => !excluded.has(p)));
    const bundled = new Set<string>();
    const stack = Object.keys(inputs).filter(isProjectFile);
    while (stack.length) {
      const file = stack.pop()!;
      if (bundled.has(file)) continue;
      bundled.add(file);
      for (const to of graph.get(file) ?? []) {
        const pkg = packageOfPath(to);
        if (!pkg || !apart.has(pkg)) stack.push(to);
        else if (!isProjectFile(file) && !excluded.has(pkg)) {
          excluded.add(pkg);
          changed = true;
        }
      }
    }
    for (const pkg of apart) {
      if (excluded.has(pkg)) continue;
      const roots = [...chosen].filter(([spec]) => packageOf(spec) === pkg).map(([, file]) => file);
      if (closure(graph, roots).some((file) => bundled.has(file))) {
        excluded.add(pkg);
        changed = true;
      }
    }
  }
  for (const spec of [...chosen.keys()]) if (excluded.has(packageOf(spec))) chosen.delete(spec);
  return chosen;
}

/** The files `roots` import, directly or not, themselves included. */
function closure(graph: ReadonlyMap<string, readonly string[]>, roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    stack.push(...(graph.get(file) ?? []));
  }
  return [...seen];
}

/**
 * Builds the packages of `imports` (see {@link separableImports}) with the function's esbuild
 * `options`, as ES modules sharing chunks, into files for a node_modules folder: per package a
 * package.json whose `exports` map each imported subpath to its entry, the entries, the chunks.
 */
export async function bundleDependencies(options: BuildOptions, imports: ReadonlyMap<string, string>, cwd: string): Promise<{ dependencies: SeparateDependencies; manifests: string[] }> {
  const esbuild = await import('esbuild');
  const specs = [...imports.keys()].sort();
  const entryOf = (spec: string) => `${packageOf(spec)}/entry${specs.indexOf(spec)}`;
  const { entryPoints: _e, outfile: _o, outExtension: _x, sourceRoot: _s, metafile: _m, ...rest } = options;
  // Written nowhere (write: false): outputs are named relative to it.
  const outdir = path.join(cwd, '.switchyard', 'build', CHUNKS);
  const result = await esbuild.build({
    ...rest,
    entryPoints: specs.map((spec) => ({ in: path.resolve(cwd, imports.get(spec)!), out: entryOf(spec) })),
    outdir,
    format: 'esm',
    splitting: true,
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    outExtension: { '.js': '.mjs' },
    write: false,
    metafile: true,
  });
  const files = result.outputFiles.map((f) => ({ path: path.relative(outdir, f.path), contents: f.contents }));
  const packages = [...new Set(specs.map(packageOf))];
  for (const pkg of packages) {
    const exports = Object.fromEntries(specs.filter((s) => packageOf(s) === pkg).map((s) => [`.${s.slice(pkg.length)}`, `./${path.basename(entryOf(s))}.mjs`]));
    const manifest = { name: pkg, private: true, description: 'Bundled apart by switchyard dev for hot reload, with the function\'s bundling options.', type: 'module', exports };
    files.push({ path: `${pkg}/package.json`, contents: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) });
  }
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) hash.update(f.path).update('\0').update(f.contents).update('\0');
  const dependencies = { key: hash.digest('hex').slice(0, 16), specifiers: specs, packages, entries: specs.map((s) => `${entryOf(s)}.mjs`), files };
  // The package.json of every package the files hold: `npm install` rewrites those it changes.
  const manifests = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const parts = input.split(/[\\/]/);
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) continue;
    const dir = parts.slice(0, at + (parts[at + 1]?.startsWith('@') ? 3 : 2));
    manifests.add(path.resolve(cwd, ...dir, 'package.json'));
  }
  return { dependencies, manifests: [...manifests] };
}

function isBare(spec: string): boolean {
  return !spec.startsWith('.') && !path.isAbsolute(spec) && !isBuiltin(spec) && !/^[a-z]+:/i.test(spec);
}

function inNodeModules(file: string): boolean {
  return file.split(/[\\/]/).includes('node_modules');
}

/** A file of the project (not a dependency, not a virtual module such as `<define:...>`). */
function isProjectFile(input: string): boolean {
  return !inNodeModules(input) && !/^<|^[a-z-]+:/.test(input);
}

/** The package a file in node_modules belongs to (by its folder below the last node_modules); undefined outside. */
function packageOfPath(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  return parts[at + 1].startsWith('@') ? parts.slice(at + 1, at + 3).join('/') : parts[at + 1];
}
