import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUNDLE_MANIFEST_FILE, BundleManifest, BundlingListener, formatBundleTable } from '../report';

/** Writes the manifest into `outdir` atomically, so a reader never sees half a file. */
export function writeBundleManifest(outdir: string, manifest: BundleManifest): void {
  fs.mkdirSync(outdir, { recursive: true });
  const file = path.join(outdir, BUNDLE_MANIFEST_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(manifest, null, 2));
  fs.renameSync(tmp, file);
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
