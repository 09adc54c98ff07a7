/** A JSON value: what plugin options may hold, since they cross a thread boundary. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * An esbuild plugin, named by the module that exports it.
 *
 * CDK synthesis is synchronous, and esbuild runs plugins only in its asynchronous API, so
 * Switchyard runs plugin builds in a worker thread and waits for them. A function object
 * cannot cross into that thread; a module specifier and JSON options can, and they also give
 * the plugin a stable identity for the bundle cache (the module's file is hashed into the key).
 *
 * The export is either a plugin factory, called with `options`, or a plugin object.
 *
 * @example
 * bundling: {
 *   plugins: [{ module: './build/yaml-plugin.ts', options: { strict: true } }],
 * }
 */
export interface EsbuildPluginReference {
  /**
   * The module: a package name (`esbuild-plugin-foo`) or a path relative to the working
   * directory. TypeScript files are loaded through tsx.
   */
  readonly module: string;
  /**
   * The export holding the factory or plugin.
   * @default 'default'
   */
  readonly export?: string;
  /**
   * Passed to the factory. Part of the cache key: a plugin that reads other files than the
   * ones it resolves through esbuild should take a version or hash here.
   * @default - the factory is called with no argument
   */
  readonly options?: JsonValue;
}
