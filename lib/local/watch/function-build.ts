/**
 * One function's bundle, kept in an incremental esbuild context: the first build parses every
 * input, later ones re-parse only what changed (esbuild compares the files' contents), so a
 * rebuild after an edit costs milliseconds. Each build's metafile says which files the bundle
 * holds, which is how the reloader knows the functions an edited file belongs to. The ES module
 * packages the function's files import are bundled apart after the first build (see
 * dependency-bundle.ts), so a rebuild prints the project's files only.
 */
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildContext, BuildOptions, Metafile, OutputFile } from 'esbuild';
import type { BundlingOptions } from '../../bundling/options';
// The options synth bundles with, so that a rebuild gives what `cdk deploy` would deploy.
import { esbuildOptions, resolveBundlingOptions } from '../../bundling/private/options';
import type { FunctionModel } from '../../model';
import type { SeparateDependencies, StagedFile } from '../host/task-root';
import { bundleDependencies, packageOf, separableImports } from './dependency-bundle';

/**
 * What one build gave: the bundle's files (`index.mjs`, `index.mjs.map`) and the packages
 * bundled apart that it imports, or esbuild's error text.
 */
export type BuildOutcome = { readonly files: readonly StagedFile[]; readonly dependencies?: SeparateDependencies } | { readonly error: string };

/** Options for {@link FunctionBuild}. */
export interface FunctionBuildOptions {
  /**
   * A debug build (`dev --inspect`): a source map whatever the function's bundling says, and no
   * minification, so that a debugger shows the sources' own names and binds breakpoints by line.
   * @default false: the options the function was deployed with
   */
  readonly debug?: boolean;
  /**
   * Bundle the ES module packages the function's own files import apart, once, and leave them
   * out of each rebuild (see dependency-bundle.ts). False: every build bundles them, as deployed.
   * @default true
   */
  readonly separateDependencies?: boolean;
}

/** An incremental build of one function's source entry. */
export class FunctionBuild {
  /** Absolute paths of the files the last successful build read (outside esbuild's virtual namespaces). */
  inputs: ReadonlySet<string> = new Set();
  /** False until a build has succeeded, and after a build failed: such a function is rebuilt on any change, which may be the fix. */
  ok = false;
  /**
   * The packages the last successful bundle imports from outside itself (the SDK, which Lambda
   * provides, and any other external module), as it names them: what its init will load
   * besides the bundle, which a process started for the next build can load ahead (see preload).
   */
  externals: readonly string[] = [];
  /** The bundle's module format: how its imports load (`import` or `require`). */
  readonly format: 'esm' | 'cjs';
  /**
   * The packages bundled apart (see dependency-bundle.ts), which builds since the first leave
   * out: chosen by the first successful build of an ES module bundle, from its metafile.
   */
  dependencies?: SeparateDependencies;
  private context?: Promise<BuildContext>;
  private last: Promise<unknown> = Promise.resolve();
  /** Where esbuild believes the bundle is written: outputs are relative to it (nothing is written there). */
  private readonly outdir: string;
  /** The options the function was deployed with (to memory); `options` adds the packages bundled apart to their `external`. */
  private readonly deployed: BuildOptions;
  private options: BuildOptions;
  /** Whether the next successful build chooses the packages to bundle apart. */
  private choose: boolean;
  /** The version ({@link fileVersion}) of the package.json of each package bundled apart. */
  private manifests = new Map<string, string>();

  constructor(readonly fn: FunctionModel, private readonly cwd: string, options: FunctionBuildOptions = {}) {
    const moduleFile = moduleFileOf(fn);
    this.outdir = path.join(cwd, '.switchyard', 'build', fn.name.replace(/[^A-Za-z0-9._-]/g, '_'));
    this.deployed = buildOptions(fn, moduleFile, this.outdir, cwd, options.debug ?? false);
    this.options = this.deployed;
    this.format = this.options.format === 'cjs' ? 'cjs' : 'esm';
    this.choose = this.format === 'esm' && (options.separateDependencies ?? true);
  }

  /** Builds (the first call) or rebuilds (later ones), one build at a time. Never rejects. */
  build(): Promise<BuildOutcome> {
    const next = this.last.then(() => this.buildNow());
    this.last = next;
    return next;
  }

  /** Releases esbuild's cached state for this function, after any build under way (a later build starts afresh; the inputs stay known). */
  dispose(): Promise<void> {
    const next = this.last.then(() => this.release());
    this.last = next;
    return next;
  }

  /**
   * The packages the function uses may have changed (a package.json or tsconfig changed, an
   * `npm install`): the next build bundles them again and chooses afresh what to bundle apart.
   */
  forgetDependencies(): void {
    if (this.unsplit()) void this.dispose();
  }

  /** Back to the deployed options, choosing again at the next build; false when nothing was bundled apart. */
  private unsplit(): boolean {
    if (!this.dependencies) return false;
    this.dependencies = undefined;
    this.manifests = new Map();
    this.options = this.deployed;
    this.choose = true;
    return true;
  }

  private async release(): Promise<void> {
    const context = this.context;
    this.context = undefined;
    await context?.then((c) => c.dispose(), () => undefined);
  }

  private async buildNow(retried = false): Promise<BuildOutcome> {
    try {
      // An `npm install` changed a package bundled apart (node_modules is not watched): bundled again.
      if ([...this.manifests].some(([file, version]) => fileVersion(file) !== version) && this.unsplit()) await this.release();
      this.context ??= import('esbuild').then((esbuild) => esbuild.context(this.options));
      const result = await (await this.context).rebuild();
      const externals = externalPackagesOf(result.metafile!);
      const apart = this.dependencies;
      // `external` leaves a package's every subpath out: one the separate files do not serve (a
      // new `zod/mini` import) needs them chosen again, from a build that bundles everything.
      if (apart && !retried && externals.some((s) => apart.packages.includes(packageOf(s)) && !apart.specifiers.includes(s))) {
        this.unsplit();
        await this.release();
        return await this.buildNow(true);
      }
      this.inputs = inputsOf(result.metafile!, this.cwd);
      this.externals = externals;
      this.ok = true;
      const files = (result.outputFiles ?? []).map((f: OutputFile) => ({ path: path.relative(this.outdir, f.path), contents: f.contents }));
      if (this.choose) await this.separate(result.metafile!);
      return apart && externals.some((s) => apart.specifiers.includes(s)) ? { files, dependencies: apart } : { files };
    } catch (err) {
      this.ok = false;
      // A context that could not even be created (a bad option) is created again next time.
      if (!(await this.context?.then(() => true, () => false))) this.context = undefined;
      return { error: (err as Error).message };
    }
  }

  /**
   * Chooses, from a build that bundled everything, the packages to bundle apart, builds them, and
   * leaves them out of the builds that follow (whose context starts afresh, with the project's
   * files only). A package set that fails to build on its own stays bundled.
   */
  private async separate(metafile: Metafile): Promise<void> {
    this.choose = false;
    const imports = separableImports(metafile);
    if (imports.size === 0) return;
    try {
      const { dependencies, manifests } = await bundleDependencies(this.deployed, imports, this.cwd);
      this.dependencies = dependencies;
      this.manifests = new Map(manifests.map((file) => [file, fileVersion(file)]));
    } catch {
      return;
    }
    this.options = { ...this.deployed, external: [...(this.deployed.external ?? []), ...this.dependencies.specifiers] };
    // What the next bundle will import from outside itself, for the process started ahead of it.
    this.externals = [...new Set([...this.externals, ...this.dependencies.specifiers])];
    await this.release();
  }
}

/** What tells one write of a file from the next: its inode, size and modification time ('' when it does not exist). */
export function fileVersion(file: string): string {
  try {
    const s = fs.statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return '';
  }
}

/** The bundle file the handler string points at, keeping the deployed asset's extension (`index.mjs`). */
function moduleFileOf(fn: FunctionModel): string {
  const mod = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
  const ext = ['.mjs', '.js', '.cjs'].find((e) => fs.existsSync(path.join(fn.codeDir, mod + e))) ?? '.mjs';
  return mod + ext;
}

/**
 * The options the constructs bundled the function with (their `switchyard:bundling` metadata,
 * through the same `esbuildOptions` synth uses), writing to memory: the reloader stages the
 * files itself, so a failed build never leaves a half-written bundle behind.
 */
function buildOptions(fn: FunctionModel, moduleFile: string, outdir: string, cwd: string, debug: boolean): BuildOptions {
  const given = (fn.source?.bundling ?? {}) as BundlingOptions;
  // Without a recorded format, the deployed file's extension says which one the handler loads as.
  const format = given.format ?? (moduleFile.endsWith('.mjs') ? 'esm' : 'cjs');
  const resolved = resolveBundlingOptions({ ...pick(given), format, ...(debug ? { sourceMap: true, minify: false } : {}) }, fn.runtime);
  const base = esbuildOptions(resolved);
  return {
    ...base,
    entryPoints: [fn.source!.entry],
    absWorkingDir: cwd,
    outfile: path.join(outdir, moduleFile),
    outExtension: undefined,
    write: false,
    metafile: true,
    // Source maps name the sources relative to `outdir`; rooted there, they resolve from
    // wherever the bundle is staged.
    sourceRoot: base.sourcemap ? `${pathToFileURL(outdir).href}/` : undefined,
  };
}

/** The recorded options `resolveBundlingOptions` understands; anything else is ignored. */
function pick(given: BundlingOptions): BundlingOptions {
  const { minify, sourceMap, externalModules, target, define, banner, footer, loader, keepNames, nodeModules } = given;
  return { minify, sourceMap, externalModules, target, define, banner, footer, loader, keepNames, nodeModules };
}

/** The packages a bundle imports from outside itself: bare specifiers, not Node's built-in modules. */
function externalPackagesOf(metafile: Metafile): string[] {
  const packages = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path: specifier, external } of output.imports) {
      if (external && !specifier.startsWith('.') && !path.isAbsolute(specifier) && !isBuiltin(specifier)) packages.add(specifier);
    }
  }
  return [...packages];
}

/** The files a build read, as absolute paths (esbuild's metafile names them relative to its working directory). */
function inputsOf(metafile: Metafile, cwd: string): Set<string> {
  const inputs = new Set<string>();
  // `<define:...>`, `<stdin>` and plugin namespaces (`ns:path`) are not files.
  for (const input of Object.keys(metafile.inputs)) if (!/^<|^[a-z-]+:/.test(input)) inputs.add(path.resolve(cwd, input));
  return inputs;
}
