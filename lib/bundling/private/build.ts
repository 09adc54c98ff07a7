import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { ErrorCode } from '../../errors';
import type { BuildStats } from '../report';
import { BundleCache, OutputFile, StoredBundle } from './cache';
import { BundleBuildError, BundlingProblem, EntryFailure, inCacheFolder } from './errors';
import { InstalledModules, installNodeModules, lockedPackages } from './node-modules';
import { ResolvedBundlingOptions, esbuildOptions, optionsFingerprint, outputFileName } from './options';
import { BuildOutput, EsbuildFailure, PluginBuildRunner, resolvePluginModule } from './plugin-runner';

/** One handler entry to bundle. */
export interface EntryRequest {
  /** Absolute path of the entry file. */
  readonly entry: string;
  /** Resolved options. */
  readonly options: ResolvedBundlingOptions;
}

/** Reported after each esbuild build, for progress output. */
export interface GroupProgress {
  /** Entries built so far, across groups. */
  readonly built: number;
  /** Entries to build in this synth. */
  readonly toBuild: number;
  /** Milliseconds the build took. */
  readonly durationMs: number;
}

/** Files that change how every entry resolves, and so belong in every cache key. */
const PROJECT_FILES = ['package-lock.json', 'tsconfig.json', 'package.json'];

/**
 * Bundles many entries with as few esbuild builds as possible.
 *
 * Entries that share options go into one build with many entry points and no code splitting,
 * so each entry still gets a self-contained output holding only what it imports, while
 * esbuild parses every shared module once. A build costs one esbuild call, not one process
 * per function as `NodejsFunction`'s CLI spawns do. Groups with plugins are built through
 * esbuild's asynchronous API in a worker thread (see {@link PluginBuildRunner}).
 */
export class Builder {
  /** What this builder has done so far. */
  public readonly stats: BuildStats = { entries: 0, cacheHits: 0, built: 0, esbuildCalls: 0, npmInstalls: 0 };
  private readonly projectHash: string;
  private readonly pluginHashes = new Map<string, string>();
  private runner?: PluginBuildRunner;

  /**
   * @param cache where bundles are stored
   * @param cwd the project's working directory: entries, plugins and the lock file resolve from it
   * @param onProgress called after each esbuild build
   */
  constructor(
    private readonly cache: BundleCache,
    private readonly cwd: string = process.cwd(),
    private readonly onProgress?: (progress: GroupProgress) => void,
  ) {
    const hash = createHash('sha256').update(esbuild.version);
    for (const file of PROJECT_FILES) hash.update(file).update(cache.hashFile(path.join(cwd, file)) ?? '-');
    this.projectHash = hash.digest('hex');
  }

  /** The cache key of a request: esbuild version, options, plugin code, entry and project files. */
  public keyOf(request: EntryRequest): string {
    const hash = createHash('sha256').update(this.projectHash).update(optionsFingerprint(request.options)).update(request.entry);
    try {
      for (const plugin of request.options.plugins) hash.update(this.pluginHash(plugin.module));
    } catch (error) {
      throw error instanceof BundlingProblem ? error.about([request.entry]) : error;
    }
    return hash.digest('hex').slice(0, 40);
  }

  /** Builds or fetches from cache every request; results are in the same order. */
  public buildAll(requests: EntryRequest[]): StoredBundle[] {
    const results = new Map<string, StoredBundle>();
    const misses = new Map<string, Map<string, EntryRequest>>(); // fingerprint -> key -> request
    const keys = requests.map((request) => this.keyOf(request));
    requests.forEach((request, i) => {
      const key = keys[i];
      if (results.has(key) || [...misses.values()].some((group) => group.has(key))) return;
      this.stats.entries++;
      const hit = this.cache.lookup(key);
      if (hit) {
        this.stats.cacheHits++;
        results.set(key, hit);
        return;
      }
      const fingerprint = optionsFingerprint(request.options);
      if (!misses.has(fingerprint)) misses.set(fingerprint, new Map());
      misses.get(fingerprint)!.set(key, request);
    });
    const toBuild = [...misses.values()].reduce((n, group) => n + group.size, 0);
    const failures: EntryFailure[] = [];
    try {
      for (const group of misses.values()) {
        const { built, failed } = this.buildIsolatingFailures(group, toBuild);
        for (const [key, bundle] of built) results.set(key, bundle);
        failures.push(...failed);
      }
    } finally {
      this.runner?.close();
      this.runner = undefined;
    }
    if (failures.length > 0) throw new BundleBuildError(failures);
    return keys.map((key) => results.get(key)!);
  }

  /**
   * Builds a group; when esbuild fails, splits it in halves and retries each, so the error is
   * pinned on the entries that cause it (a failing build has no metafile to tell) while the
   * others still build. k failing entries among n cost about 2k*log2(n) extra builds.
   */
  private buildIsolatingFailures(group: Map<string, EntryRequest>, toBuild: number): { built: Map<string, StoredBundle>; failed: EntryFailure[] } {
    try {
      return { built: this.buildGroup(group, toBuild), failed: [] };
    } catch (error) {
      if (!(error instanceof EsbuildFailure)) throw error;
      const entries = [...group];
      if (entries.length === 1) {
        return { built: new Map(), failed: [{ entry: entries[0][1].entry, messages: formatMessages(error.errors, this.cwd) }] };
      }
      const half = Math.ceil(entries.length / 2);
      const first = this.buildIsolatingFailures(new Map(entries.slice(0, half)), toBuild);
      const second = this.buildIsolatingFailures(new Map(entries.slice(half)), toBuild);
      return { built: new Map([...first.built, ...second.built]), failed: [...first.failed, ...second.failed] };
    }
  }

  private buildGroup(group: Map<string, EntryRequest>, toBuild: number): Map<string, StoredBundle> {
    const options = [...group.values()][0].options;
    const outdir = path.join(this.cache.dir, 'bundles');
    const started = Date.now();
    const result = this.runEsbuild(options, {
      ...esbuildOptions(options),
      entryPoints: [...group].map(([key, request]) => ({ in: request.entry, out: `${key}/index` })),
      outdir,
      absWorkingDir: this.cwd,
      write: false,
      metafile: true,
    });
    const entries = [...group.values()].map((request) => request.entry);
    const modules = options.nodeModules.length > 0 ? this.installModules(options.nodeModules, entries) : undefined;

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
      built.set(key, inCacheFolder(this.cache.dir, () => this.cache.store(key, files, inputs, absoluteInputs, modules)));
    }
    this.stats.built += group.size;
    this.onProgress?.({ built: this.stats.built, toBuild, durationMs: Date.now() - started });
    return built;
  }

  private runEsbuild(options: ResolvedBundlingOptions, buildOptions: esbuild.BuildOptions): BuildOutput {
    this.stats.esbuildCalls++;
    if (options.plugins.length > 0) {
      this.runner ??= new PluginBuildRunner(this.cwd);
      return this.runner.build(buildOptions, options.plugins);
    }
    try {
      return esbuild.buildSync(buildOptions) as esbuild.BuildResult<{ write: false; metafile: true }>;
    } catch (error) {
      const errors = (error as esbuild.BuildFailure).errors;
      if (Array.isArray(errors) && errors.length > 0) throw new EsbuildFailure(errors);
      // Not a report on the code: esbuild itself could not run (a missing platform binary, a crash).
      throw new BundlingProblem(
        {
          code: ErrorCode.BUNDLING_FAILED,
          problem: `esbuild could not run (${(error as Error).message})`,
          value: esbuild.version,
          fix: "reinstall the project's dependencies (npm ci) so that esbuild's binary for this platform is present",
        },
        [...(buildOptions.entryPoints as Array<{ in: string }>)].map((e) => e.in),
      );
    }
  }

  private installModules(names: string[], entries: string[]): InstalledModules {
    try {
      const installed = inCacheFolder(this.cache.dir, () => installNodeModules(lockedPackages(names, this.cwd), this.cache.dir));
      if (installed.installed) this.stats.npmInstalls++;
      return installed;
    } catch (error) {
      throw error instanceof BundlingProblem ? error.about(entries) : error;
    }
  }

  private pluginHash(module: string): string {
    let hash = this.pluginHashes.get(module);
    if (hash === undefined) {
      hash = this.cache.hashFile(resolvePluginModule({ module }, this.cwd)) ?? '-';
      this.pluginHashes.set(module, hash);
    }
    return hash;
  }
}
/**
 * One line per message, `file:line:column: ERROR: text`, as compilers print them and editors
 * link them, followed by the source line; paths outside `cwd` are absolute.
 */
export function formatMessages(messages: readonly esbuild.Message[], cwd: string): string {
  return messages
    .map((m) => {
      const loc = m.location;
      if (!loc) return `ERROR: ${m.text}`;
      const absolute = path.resolve(cwd, loc.file);
      const file = absolute.startsWith(cwd + path.sep) ? path.relative(cwd, absolute) : absolute;
      return `${file}:${loc.line}:${loc.column}: ERROR: ${m.text}\n    ${loc.lineText.trim()}`;
    })
    .join('\n');
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
