import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One bundle on disk: a folder holding `index.mjs` (or `index.js`) and maybe its source map. */
export interface StoredBundle {
  /** Absolute path of the folder. */
  readonly dir: string;
  /** Content hash of the folder's files; the folder's name. */
  readonly hash: string;
  /** Bytes of the main output file. */
  readonly size: number;
  /** Bytes each input contributed to the main output, by path relative to the working dir. */
  readonly inputs: Record<string, number>;
}

/** A bundle's output file, as esbuild produced it. */
export interface OutputFile {
  readonly name: string;
  readonly contents: Uint8Array;
}

interface Manifest {
  readonly bundle: string;
  readonly size: number;
  readonly inputs: Record<string, number>;
  /** sha256 of each input's content, by absolute path. */
  readonly fingerprints: Record<string, string>;
}

/**
 * A content-addressed store of bundles with an index from build key to bundle.
 *
 * - `bundles/<content hash>/`: immutable once written, shared by every key that produced it.
 * - `entries/<key>.json`: the bundle a key last produced and the content hash of each input
 *   esbuild read; a lookup re-hashes those inputs, so an edit anywhere in an entry's import
 *   graph (a shared module, a dependency) is a miss and never a stale bundle.
 *
 * Writes go to a unique temporary name and are renamed into place, which is atomic on one
 * file system, so concurrent synths (parallel jest workers, `cdk watch`) never see a torn
 * bundle or manifest.
 */
export class BundleCache {
  /**
   * The cache folder, first of: the `SWITCHYARD_CACHE_DIR` environment variable, the
   * `switchyard:cacheDir` context value (`configured`, relative to `cwd`),
   * `node_modules/.cache/switchyard` when `cwd` has `node_modules`, a folder in the OS temp dir.
   */
  public static defaultDir(cwd: string = process.cwd(), configured?: string): string {
    if (process.env.SWITCHYARD_CACHE_DIR) return path.resolve(cwd, process.env.SWITCHYARD_CACHE_DIR);
    if (configured) return path.resolve(cwd, configured);
    const nodeModules = path.join(cwd, 'node_modules');
    if (fs.existsSync(nodeModules)) return path.join(nodeModules, '.cache', 'switchyard');
    return path.join(os.tmpdir(), 'switchyard-cache');
  }

  private readonly fileHashes = new Map<string, string | null>();

  /**
   * @param dir the cache folder
   * @param readEnabled whether lookups may hit; when false every lookup misses but results
   *   are still stored, so `SWITCHYARD_CACHE=off` forces a rebuild without losing the folder.
   */
  constructor(public readonly dir: string, private readonly readEnabled = true) {}

  /** The bundle last stored for `key`, if every input it was built from is unchanged. */
  public lookup(key: string): StoredBundle | undefined {
    if (!this.readEnabled) return undefined;
    let manifest: Manifest;
    try {
      manifest = JSON.parse(fs.readFileSync(this.manifestPath(key), 'utf8')) as Manifest;
    } catch {
      return undefined;
    }
    const dir = path.join(this.dir, 'bundles', manifest.bundle);
    if (!fs.existsSync(dir)) return undefined;
    for (const [file, expected] of Object.entries(manifest.fingerprints)) {
      if (this.hashFile(file) !== expected) return undefined;
    }
    return { dir, hash: manifest.bundle, size: manifest.size, inputs: manifest.inputs };
  }

  /**
   * Stores a freshly built bundle under its content hash and indexes it by `key`.
   * `nodeModules` (an installed folder and the hash of what it holds) is copied in beside the
   * output files and its hash folded into the bundle's.
   */
  public store(
    key: string,
    files: OutputFile[],
    inputs: Record<string, number>,
    absoluteInputs: string[],
    nodeModules?: { readonly dir: string; readonly key: string },
  ): StoredBundle {
    const hash = nodeModules ? createHash('sha256').update(hashFiles(files)).update(nodeModules.key).digest('hex') : hashFiles(files);
    const dir = path.join(this.dir, 'bundles', hash);
    if (!fs.existsSync(dir)) {
      const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      fs.mkdirSync(tmp, { recursive: true });
      for (const file of files) fs.writeFileSync(path.join(tmp, file.name), file.contents);
      if (nodeModules) fs.cpSync(nodeModules.dir, path.join(tmp, 'node_modules'), { recursive: true });
      renameIntoPlace(tmp, dir);
    }
    const size = files[0]?.contents.byteLength ?? 0;
    const fingerprints: Record<string, string> = {};
    for (const file of absoluteInputs) {
      const fileHash = this.hashFile(file);
      if (fileHash) fingerprints[file] = fileHash;
    }
    const manifest: Manifest = { bundle: hash, size, inputs, fingerprints };
    writeAtomically(this.manifestPath(key), JSON.stringify(manifest));
    return { dir, hash, size, inputs };
  }

  /** sha256 of a file's content, memoized for the life of this cache object (one synth). */
  public hashFile(file: string): string | null {
    let hash = this.fileHashes.get(file);
    if (hash === undefined) {
      try {
        hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      } catch {
        hash = null;
      }
      this.fileHashes.set(file, hash);
    }
    return hash;
  }

  private manifestPath(key: string): string {
    return path.join(this.dir, 'entries', `${key}.json`);
  }
}

/** sha256 over the files' names and contents, in a stable order. */
export function hashFiles(files: OutputFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    hash.update(file.name).update('\0').update(file.contents).update('\0');
  }
  return hash.digest('hex');
}

function renameIntoPlace(tmp: string, dir: string): void {
  try {
    fs.renameSync(tmp, dir);
  } catch (error) {
    // Another synth stored the same content first: theirs is identical, keep it.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(dir)) throw error;
  }
}

function writeAtomically(file: string, contents: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}
