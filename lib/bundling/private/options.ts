import type { BuildOptions } from 'esbuild';
import type { BundlingOptions } from '../options';
import type { EsbuildPluginReference } from '../plugins';

/** The parts of {@link BundlingOptions} that decide esbuild's output, with defaults applied. */
export interface ResolvedBundlingOptions {
  readonly minify: boolean;
  readonly sourceMap: boolean;
  readonly format: 'esm' | 'cjs';
  readonly externalModules: string[];
  readonly define: Record<string, string>;
  readonly banner: string;
  readonly footer: string;
  readonly loader: Record<string, NonNullable<BuildOptions['loader']>[string]>;
  readonly keepNames: boolean;
  readonly target: string;
  readonly maxSize?: number;
  /** Sorted, without duplicates. */
  readonly nodeModules: string[];
  readonly plugins: EsbuildPluginReference[];
}

/** Default modules left external: the Node.js Lambda runtimes ship AWS SDK v3. */
export const DEFAULT_EXTERNALS = ['@aws-sdk/*'];

// An ESM bundle of CommonJS dependencies may call `require` for Node built-ins; ESM has no
// `require`, so give it one. The odd name avoids clashing with the user's own imports.
const ESM_REQUIRE_SHIM =
  "import { createRequire as __switchyardCreateRequire } from 'node:module';" +
  'const require = __switchyardCreateRequire(import.meta.url);';

/** Applies defaults; `runtimeName` is the Lambda runtime, e.g. `nodejs24.x`. */
export function resolveBundlingOptions(options: BundlingOptions = {}, runtimeName = 'nodejs24.x'): ResolvedBundlingOptions {
  return {
    minify: options.minify ?? true,
    sourceMap: options.sourceMap ?? false,
    format: options.format ?? 'esm',
    externalModules: options.externalModules ?? DEFAULT_EXTERNALS,
    define: options.define ?? {},
    banner: options.banner ?? '',
    footer: options.footer ?? '',
    loader: options.loader ?? {},
    keepNames: options.keepNames ?? false,
    target: options.target ?? targetForRuntime(runtimeName),
    maxSize: options.maxSize,
    nodeModules: [...new Set(options.nodeModules ?? [])].sort(),
    plugins: options.plugins ?? [],
  };
}

/** `nodejs22.x` -> `node22`; anything unrecognized falls back to `node22`. */
export function targetForRuntime(runtimeName: string): string {
  const match = /^nodejs(\d+)\.x$/.exec(runtimeName);
  return match ? `node${match[1]}` : 'node22';
}

/** The output file name of a bundle, which decides the Lambda handler's module name. */
export function outputFileName(options: ResolvedBundlingOptions): string {
  return options.format === 'esm' ? 'index.mjs' : 'index.js';
}

/**
 * esbuild options shared by every entry bundled with the same resolved options.
 * Entries and output locations are added by the caller.
 */
export function esbuildOptions(options: ResolvedBundlingOptions): BuildOptions {
  const esm = options.format === 'esm';
  const banner = [esm ? ESM_REQUIRE_SHIM : '', options.banner].filter(Boolean).join('\n');
  return {
    bundle: true,
    platform: 'node',
    format: options.format,
    target: options.target,
    minify: options.minify,
    treeShaking: true,
    keepNames: options.keepNames,
    sourcemap: options.sourceMap ? 'linked' : false,
    // Prefer ESM entry points of dependencies: they tree-shake far better.
    mainFields: esm ? ['module', 'main'] : ['main', 'module'],
    // Installed modules must stay imports: the bundle finds them in its own node_modules.
    external: [...options.externalModules, ...options.nodeModules],
    define: options.define,
    loader: options.loader,
    banner: banner ? { js: banner } : undefined,
    footer: options.footer ? { js: options.footer } : undefined,
    outExtension: esm ? { '.js': '.mjs' } : undefined,
    metafile: true,
    logLevel: 'silent',
  };
}

/**
 * A stable fingerprint of the options that affect esbuild's output, for grouping and caching.
 * The contents of plugin modules and installed packages are added to cache keys by the builder.
 */
export function optionsFingerprint(options: ResolvedBundlingOptions): string {
  // maxSize checks the output; it does not change it, so it must not split builds.
  const { maxSize: _maxSize, ...rest } = options;
  return JSON.stringify(rest);
}
