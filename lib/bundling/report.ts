import * as fs from 'node:fs';
import * as path from 'node:path';

/** Size of one function's bundle, as reported after synth. */
export interface BundleReport {
  /** Construct path of the function. */
  readonly functionPath: string;
  /** Entry file, relative to the working directory, with `/` separators. */
  readonly entry: string;
  /** Bytes of the bundle's main file. */
  readonly size: number;
  /** Content hash of the bundle folder (the asset hash); `placeholder` when not bundled. */
  readonly hash: string;
  /** The inputs that contribute the most bytes, largest first. */
  readonly largestInputs: Array<{ readonly path: string; readonly bytes: number }>;
}

/** What bundling did in a synth: entries built, served from the cache, esbuild builds, npm installs. */
export interface BuildStats {
  /** Distinct entries requested (same entry and options count once). */
  entries: number;
  /** Entries served from the cache without running esbuild. */
  cacheHits: number;
  /** Entries esbuild built. */
  built: number;
  /** esbuild builds run (one per group of options, more when isolating a failure). */
  esbuildCalls: number;
  /** npm installs run for `nodeModules` (cached installs do not count). */
  npmInstalls: number;
}

/** The file a synth writes into each stage's cloud assembly folder, beside `manifest.json`. */
export const BUNDLE_MANIFEST_FILE = 'switchyard-bundles.json';

/** The content of {@link BUNDLE_MANIFEST_FILE}. */
export interface BundleManifest {
  /** Format version of this file. */
  readonly version: 1;
  /** What the synth that wrote it did. */
  readonly stats: BuildStats;
  /** One report per bundled function, in construct order. */
  readonly bundles: BundleReport[];
}

/** Something that happened while bundling a stage, for progress output. */
export type BundlingEvent =
  | {
      /** An esbuild build finished. */
      readonly type: 'progress';
      /** Entries built so far. */
      readonly built: number;
      /** Entries to build in this synth (the rest are cache hits). */
      readonly toBuild: number;
    }
  | {
      /** Every function of the stage has its bundle. */
      readonly type: 'done';
      /** What was built and what came from the cache. */
      readonly stats: BuildStats;
      /** Milliseconds spent bundling, cache lookups included. */
      readonly durationMs: number;
      /** The stage's bundles. */
      readonly bundles: readonly BundleReport[];
    };

/** Receives {@link BundlingEvent}s; see `BundlingSession.addListener`. */
export type BundlingListener = (event: BundlingEvent) => void;

/** Reads the bundle manifest of a cloud assembly folder (`cdk.out`), if the synth wrote one. */
export function readBundleManifest(assemblyDir: string): BundleManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(assemblyDir, BUNDLE_MANIFEST_FILE), 'utf8')) as BundleManifest;
  } catch {
    return undefined;
  }
}

/**
 * A plain-text table of bundle sizes, largest first, with each bundle's biggest input.
 *
 * @example
 * const manifest = readBundleManifest('cdk.out');
 * if (manifest) process.stderr.write(formatBundleTable(manifest.bundles));
 */
export function formatBundleTable(bundles: readonly BundleReport[]): string {
  const rows = [...bundles]
    .sort((a, b) => b.size - a.size || a.functionPath.localeCompare(b.functionPath))
    .map((b) => {
      const top = b.largestInputs[0];
      return [b.functionPath, formatBytes(b.size), top ? `${top.path} (${formatBytes(top.bytes)})` : ''];
    });
  const header = ['Function', 'Size', 'Largest input'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === 1 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  const total = bundles.reduce((sum, b) => sum + b.size, 0);
  return [line(header), ...rows.map(line), `${bundles.length} bundles, ${formatBytes(total)} in total`].join('\n') + '\n';
}

/** `1536` -> `1.5 KiB`. */
function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
