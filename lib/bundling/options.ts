import type { BuildOptions } from 'esbuild';
import type { EsbuildPluginReference } from './plugins';

/**
 * How a handler entry is bundled by esbuild.
 *
 * The defaults make small, fast-starting Lambda bundles: ESM, minified, tree-shaken,
 * with the AWS SDK v3 left external because the Node.js Lambda runtime ships it.
 */
export interface BundlingOptions {
  /**
   * Minify the bundle.
   * @default true
   */
  readonly minify?: boolean;
  /**
   * Emit a source map next to the bundle (`index.mjs.map`) and enable
   * `--enable-source-maps` in the function's `NODE_OPTIONS`.
   * @default false
   */
  readonly sourceMap?: boolean;
  /**
   * Module format of the bundle.
   * @default 'esm'
   */
  readonly format?: 'esm' | 'cjs';
  /**
   * Modules left out of the bundle and resolved at run time.
   * @default ['@aws-sdk/*'] (provided by the Lambda runtime)
   */
  readonly externalModules?: string[];
  /**
   * Identifier replacements, as esbuild's `define` (values are JSON-encoded expressions).
   * @default - none
   */
  readonly define?: Record<string, string>;
  /**
   * Text prepended to the bundle (after Switchyard's own ESM `require` shim).
   * @default - none
   */
  readonly banner?: string;
  /**
   * Text appended to the bundle.
   * @default - none
   */
  readonly footer?: string;
  /**
   * esbuild loaders by file extension, e.g. `{ '.png': 'dataurl' }`.
   * @default - esbuild's defaults
   */
  readonly loader?: Record<string, NonNullable<BuildOptions['loader']>[string]>;
  /**
   * Keep function and class names when minifying.
   * @default false
   */
  readonly keepNames?: boolean;
  /**
   * esbuild target, e.g. `node22`.
   * @default - derived from the function's runtime (`nodejs24.x` -> `node24`)
   */
  readonly target?: string;
  /**
   * Fail synth when the bundle is larger than this many bytes.
   * @default - no budget
   */
  readonly maxSize?: number;
  /**
   * Packages installed into the bundle folder's `node_modules` instead of being bundled
   * (native addons, packages that read their own files at run time). Versions come from the
   * project's `package-lock.json`; installs are cached by version.
   * @default - none: everything is bundled
   */
  readonly nodeModules?: string[];
  /**
   * esbuild plugins, given as module specifiers so they can run in the worker that builds
   * them (see {@link EsbuildPluginReference}).
   * @default - none
   */
  readonly plugins?: EsbuildPluginReference[];
}
