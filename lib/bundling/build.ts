import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { BundleCache, OutputFile, StoredBundle } from './cache';
import { ResolvedBundlingOptions, esbuildOptions, optionsFingerprint, outputFileName } from './options';

/** One handler entry to bundle. */
export interface EntryRequest {
  /** Absolute path of the entry file. */
  readonly entry: string;
  /** Resolved options. */
  readonly options: ResolvedBundlingOptions;
}

/** Why a group of entries failed to bundle, with esbuild's formatted messages. */
export class BundleBuildError extends Error {
  constructor(public readonly entries: string[], public readonly messages: string) {
    super(`esbuild failed for ${entries.map((e) => path.relative(process.cwd(), e)).join(', ')}:\n${messages}`);
    this.name = 'BundleBuildError';
  }
}

/** Files that change how every entry resolves, and so belong in every cache key. */
const PROJECT_FILES = ['package-lock.json', 'tsconfig.json', 'package.json'];

/**
 * Bundles many entries with as few esbuild builds as possible.
 *
 * Entries that share options go into one `buildSync` call with many entry points and no code
 * splitting, so each entry still gets a self-contained output holding only what it imports,
 * while esbuild parses every shared module once. A call costs one esbuild process, not one
 * per function as `NodejsFunction`'s CLI spawns do.
 */
export class Builder {
  private readonly projectHash: string;

  constructor(private readonly cache: BundleCache, private readonly cwd: string = process.cwd()) {
    const hash = createHash('sha256').update(esbuild.version);
    for (const file of PROJECT_FILES) hash.update(file).update(cache.hashFile(path.join(cwd, file)) ?? '-');
    this.projectHash = hash.digest('hex');
  }

  /** The cache key of a request: esbuild version, options, entry and project files. */
  public keyOf(request: EntryRequest): string {
    return createHash('sha256')
      .update(this.projectHash)
      .update(optionsFingerprint(request.options))
      .update(request.entry)
      .digest('hex')
      .slice(0, 40);
  }

  /** Builds or fetches from cache every request; results are in the same order. */
  public buildAll(requests: EntryRequest[]): StoredBundle[] {
    const results = new Map<string, StoredBundle>();
    const misses = new Map<string, Map<string, EntryRequest>>(); // fingerprint -> key -> request
    for (const request of requests) {
      const key = this.keyOf(request);
      if (results.has(key)) continue;
      const hit = this.cache.lookup(key);
      if (hit) {
        results.set(key, hit);
        continue;
      }
      const fingerprint = optionsFingerprint(request.options);
      if (!misses.has(fingerprint)) misses.set(fingerprint, new Map());
      misses.get(fingerprint)!.set(key, request);
    }
    for (const group of misses.values()) {
      for (const [key, bundle] of this.buildGroup(group)) results.set(key, bundle);
    }
    return requests.map((request) => results.get(this.keyOf(request))!);
  }

  private buildGroup(group: Map<string, EntryRequest>): Map<string, StoredBundle> {
    const options = [...group.values()][0].options;
    const outdir = path.join(this.cache.dir, 'bundles');
    let result: esbuild.BuildResult<{ write: false; metafile: true }>;
    try {
      result = esbuild.buildSync({
        ...esbuildOptions(options),
        entryPoints: [...group].map(([key, request]) => ({ in: request.entry, out: `${key}/index` })),
        outdir,
        absWorkingDir: this.cwd,
        write: false,
        metafile: true,
      }) as esbuild.BuildResult<{ write: false; metafile: true }>;
    } catch (error) {
      const failure = error as esbuild.BuildFailure;
      const messages = failure.errors
        ? esbuild.formatMessagesSync(failure.errors, { kind: 'error', color: false }).join('\n')
        : String(error);
      throw new BundleBuildError([...group.values()].map((r) => r.entry), messages);
    }

    const mainName = outputFileName(options);
    const filesByKey = new Map<string, OutputFile[]>();
    for (const file of result.outputFiles) {
      const [key, name] = path.relative(outdir, file.path).split(path.sep);
      if (!filesByKey.has(key)) filesByKey.set(key, []);
      filesByKey.get(key)!.push({ name, contents: file.contents });
    }

    const built = new Map<string, StoredBundle>();
    for (const key of group.keys()) {
      const files = (filesByKey.get(key) ?? []).sort((a, b) => (a.name === mainName ? -1 : b.name === mainName ? 1 : 0));
      const meta = result.metafile.outputs[path.relative(this.cwd, path.join(outdir, key, mainName)).split(path.sep).join('/')];
      const inputs: Record<string, number> = {};
      for (const [input, info] of Object.entries(meta?.inputs ?? {})) inputs[input] = info.bytesInOutput;
      // Every file esbuild read for this entry, not only those that kept bytes in the output:
      // a module tree-shaken to nothing today can contribute tomorrow.
      const absoluteInputs = inputsOf(result.metafile, Object.keys(meta?.inputs ?? {}), this.cwd);
      built.set(key, this.cache.store(key, files, inputs, absoluteInputs));
    }
    return built;
  }
}

/** The transitive imports of the given inputs, as absolute paths. */
function inputsOf(metafile: esbuild.Metafile, roots: string[], cwd: string): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const input = stack.pop()!;
    if (seen.has(input)) continue;
    seen.add(input);
    for (const imported of metafile.inputs[input]?.imports ?? []) {
      if (!imported.external && metafile.inputs[imported.path]) stack.push(imported.path);
    }
  }
  return [...seen].filter((input) => !input.includes(':')).map((input) => path.resolve(cwd, input));
}
