import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildStats } from './build';

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

/** Writes the manifest into `outdir` atomically, so a reader never sees half a file. */
export function writeBundleManifest(outdir: string, manifest: BundleManifest): void {
  fs.mkdirSync(outdir, { recursive: true });
  const file = path.join(outdir, BUNDLE_MANIFEST_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2));
  fs.renameSync(tmp, file);
}

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
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/**
 * The stderr reporter used when progress is on: `SWITCHYARD_PROGRESS=1` (the CLI sets it), or
 * stderr is a terminal outside jest and CI. `SWITCHYARD_PROGRESS=0` turns it off.
 * `SWITCHYARD_BUNDLE_REPORT=1` also prints the size table when bundling is done.
 */
export function stderrReporter(env: NodeJS.ProcessEnv = process.env, stream: NodeJS.WriteStream = process.stderr): BundlingListener | undefined {
  const interactive = stream.isTTY === true && !env.JEST_WORKER_ID && !env.CI;
  const progress = env.SWITCHYARD_PROGRESS === '1' || (env.SWITCHYARD_PROGRESS !== '0' && interactive);
  const table = env.SWITCHYARD_BUNDLE_REPORT === '1';
  if (!progress && !table) return undefined;
  return (event) => {
    if (event.type === 'progress' && progress) {
      const text = `switchyard: bundled ${event.built}/${event.toBuild} functions`;
      // On a terminal, rewrite one line instead of scrolling one per build.
      stream.write(interactive ? `\r${text}` : `${text}\n`);
    } else if (event.type === 'done') {
      const { stats } = event;
      if (progress) {
        stream.write(
          `${interactive && stats.built > 0 ? '\r' : ''}switchyard: ${event.bundles.length} functions bundled in ${(event.durationMs / 1000).toFixed(2)} s ` +
            `(${stats.built} built in ${stats.esbuildCalls} esbuild ${stats.esbuildCalls === 1 ? 'call' : 'calls'}, ${stats.cacheHits} from cache)\n`,
        );
      }
      if (table) stream.write(formatBundleTable(event.bundles));
    }
  };
}
