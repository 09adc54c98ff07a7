/**
 * esbuild bundling of Lambda handlers, as the rest of Switchyard (and its users) see it:
 * `BundledCode` (a `lambda.Code` built at synth), its options, the session that batches a
 * stage's builds, and the size report each synth writes. How it is done (the builder, the
 * cache, npm installs, the plugin worker) lives in `private/`.
 */
export { BundledCode } from './code';
export type { BundlingOptions } from './options';
export type { EsbuildPluginReference, JsonValue } from './plugins';
export { BUNDLE_MANIFEST_FILE, formatBundleTable, readBundleManifest } from './report';
export type { BuildStats, BundleManifest, BundleReport, BundlingEvent, BundlingListener } from './report';
export { BundlingSession } from './session';
