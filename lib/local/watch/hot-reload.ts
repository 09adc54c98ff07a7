/**
 * `--watch`: when a source file changes, rebundle the functions whose bundles hold it and point
 * them at the new code; their old instances finish their calls and are replaced. Needs each
 * function's source entry, which the Switchyard constructs record as `switchyard:entry`
 * template metadata (and their bundling options as `switchyard:bundling`).
 *
 * Why it is fast: every function is built once at start in an incremental esbuild context
 * (see function-build.ts) whose metafile lists the files its bundle holds. An edit then
 * rebuilds only the functions that hold the edited file, in parallel, each re-parsing only
 * what changed (the most recently built keep their context, see MAX_CONTEXTS); the bundle goes
 * straight from memory into a new task root. The ES module packages the function's files
 * import were bundled apart after its first build (see dependency-bundle.ts): a rebuild
 * prints the project's files only. A build that a later write overtook (an editor
 * saves in several writes, not always within the quiet period) is dropped, unserved and
 * unreported, and built again. The next instance's process is already running: a function
 * reloaded recently is kept on standby (see MAX_STANDBY), with a process that has loaded what
 * the bundle imports from outside itself (the SDK: most of an init); for any other the host
 * starts one at the first write (`prepareReplace`), which loads it while the build runs. The
 * new code is initialized before any call asks.
 *
 * Python functions are not built: an edit in the folder their asset was made from (see
 * python-sources.ts) stages the asset again with that folder's files over it, and their
 * instances restart on it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import type { FunctionModel } from '../../model';
import type { FunctionHost, PreloadPackages } from '../host/function-host';
import { packagedFiles } from '../../bundling/python';
import { isPythonRuntime } from '../host/runtimes';
import { FunctionBuild, fileVersion, type BuildOutcome, type FunctionBuildOptions } from './function-build';
import { findPythonSources, handlerModuleFile, ignoredPythonChange } from './python-sources';
import { SourceWatcher } from './source-watcher';

/** A finished rebuild of one function, for logs. */
export interface ReloadRecord {
  readonly functionName: string;
  readonly entry: string;
  readonly durationMs: number;
  readonly error?: string;
  /** The packages the new code imports from beside its bundle: bundled apart (see {@link HotReloaderOptions.separateDependencies}). */
  readonly bundledApart?: readonly string[];
}

/** What one round of changes did: the files that changed and the functions rebuilt for them. */
export interface ReloadBatch {
  /** Absolute paths of the changed files, sorted. */
  readonly changed: readonly string[];
  /** Names of the functions rebuilt (successfully or not), sorted; empty when no bundle holds a changed file. */
  readonly functions: readonly string[];
  readonly durationMs: number;
}

/** Typed events of the watcher. */
export interface HotReloadEvents {
  reload: [ReloadRecord];
  batch: [ReloadBatch];
}

/** Options for {@link HotReloader}. */
export interface HotReloaderOptions {
  /** Folder esbuild runs in (relative `tsconfig` and metafile paths start there). @default process.cwd() */
  readonly projectDir?: string;
  /**
   * Milliseconds without a further change before rebuilding: editors save in several writes
   * (truncate and write, or write a temporary file and rename it). A write that comes later
   * still, during the build, overtakes it: such a build (which may have read a half-written
   * file) is neither served nor reported, and is built again. 0 starts at the first write,
   * which on a busy machine more often builds twice (measured by bench/hot-reload).
   * @default 20
   */
  readonly settleMs?: number;
  /** Watch the sources; false builds once at start (with `debug`) and never again. @default true */
  readonly watch?: boolean;
  /**
   * Debug builds (`dev --inspect`): source maps (with the sources' text, their paths those of
   * the project's files, where a debugger's breakpoints are set) and no minification. The first
   * builds are served too, not the deployed asset, so breakpoints bind from the first call.
   * @default false
   */
  readonly debug?: boolean;
  /**
   * Bundle the ES module packages a function's own files import (zod) apart, once, and leave
   * them out of each rebuild: the rebuild then prints the project's files only, and the process
   * kept ready for the next edit has the packages loaded. The same options build them, and
   * every module is in one place (see dependency-bundle.ts); only the shape differs from the
   * deployed bundle. False rebuilds every bundle whole, as deployed (`dev --bundle-as-deployed`).
   * @default true
   */
  readonly separateDependencies?: boolean;
}

/**
 * Incremental contexts kept alive, most recently built first. Each holds its bundle's parsed
 * files in esbuild's process (~30 MB for a handler bundling zod whole, ~3 MB with zod bundled
 * apart, measured by bench/hot-reload),
 * so an app of a hundred functions must not keep one each: the functions being edited keep
 * theirs, the others build afresh (at the cost of one full build) when an edit reaches them.
 */
const MAX_CONTEXTS = 8;

/**
 * Functions kept on standby (see FunctionHost.standby), the most recently rebuilt: each keeps a
 * process started, with the SDK loaded, for its next edit (~60 MB of RSS each, as much as an
 * idle instance, much of it node's pages shared with the others), which then costs the build
 * and the new code's init only: bench/hot-reload measured the median edit-to-served of a module
 * one function holds 339 -> 185 ms (the first edit of a function, with no process waiting, as before).
 */
const MAX_STANDBY = 4;

/** Builds run at once: esbuild already uses every core for one, more only add memory. */
const BUILD_CONCURRENCY = Math.max(2, os.availableParallelism?.() ?? os.cpus().length);

/** Files that change how imports resolve rather than what a bundle holds. */
const RESOLUTION_FILES = /^(package\.json|tsconfig(\..+)?\.json|jsconfig\.json)$/;

/** Watches function sources and hot-reloads the functions that hold a changed file. */
export class HotReloader extends EventEmitter<HotReloadEvents> {
  private readonly builds = new Map<string, FunctionBuild>();
  /** The source folder of each watched Python function, by function name. */
  private readonly pythonSources: Map<string, string>;
  /** Builds whose context is alive, most recent first (see MAX_CONTEXTS). */
  private readonly recent: FunctionBuild[] = [];
  /** Functions on standby, the most recently reloaded first (see MAX_STANDBY). */
  private readonly standby: string[] = [];
  private readonly sources: SourceWatcher;
  private readonly changed = new Set<string>();
  private readonly projectDir: string;
  private readonly settleMs: number;
  private readonly watchSources: boolean;
  private readonly debug: boolean;
  private readonly separateDependencies: boolean;
  private readonly failedFirst: ReloadRecord[] = [];
  private timer?: NodeJS.Timeout;
  private queue: Promise<void> = Promise.resolve();
  private initial?: Promise<void>;
  private stopped = false;

  constructor(private readonly functions: readonly FunctionModel[], private readonly host: FunctionHost, options: HotReloaderOptions = {}) {
    super();
    this.projectDir = path.resolve(options.projectDir ?? process.cwd());
    this.settleMs = options.settleMs ?? 20;
    this.watchSources = options.watch ?? true;
    this.debug = options.debug ?? false;
    this.separateDependencies = options.separateDependencies ?? true;
    this.sources = new SourceWatcher(this.projectDir, (file) => this.onChange(file));
    this.pythonSources = findPythonSources(functions.filter((f) => isPythonRuntime(f.runtime)), this.projectDir);
  }

  /** Packages are bundled apart only when edits will come: builds made once (`debug` only) bundle them whole. */
  private get buildOptions(): FunctionBuildOptions {
    return { debug: this.debug, separateDependencies: this.separateDependencies && this.watchSources };
  }

  /** True when sources are watched (`watch`), false when the builds were made once (`debug` only). */
  get watching(): boolean {
    return this.watchSources;
  }

  /** The functions that are hot-reloaded (none without `watch`). */
  get watched(): FunctionModel[] {
    const buildable = new Set(this.buildable);
    return this.watching ? this.functions.filter((f) => this.pythonSources.has(f.name) || buildable.has(f)) : [];
  }

  /** The bundled functions (Node.js) whose source entry is known and present: they can be built here. */
  private get buildable(): FunctionModel[] {
    return this.functions.filter((f) => !this.pythonSources.has(f.name) && !isPythonRuntime(f.runtime) && f.source && fs.existsSync(f.source.entry));
  }

  /**
   * Starts watching: the folder of each entry (recursively, so new files beside it are seen), and
   * once the first builds have said what each bundle holds, the folders of those files too.
   */
  start(): void {
    if (this.watching) for (const dir of new Set(this.pythonSources.values())) this.sources.watch(dir, true);
    for (const fn of this.buildable) {
      this.builds.set(fn.name, new FunctionBuild(fn, this.projectDir, this.buildOptions));
      if (!this.watching) continue;
      const dir = path.dirname(fn.source!.entry);
      // Recursively, unless the folder holds dependencies: Node watches every folder below one
      // by one on Linux, and the folders the bundle reads are watched once they are known.
      this.sources.watch(dir, !fs.existsSync(path.join(dir, 'node_modules')));
    }
    // The first builds learn the inputs: the code served is the deployed asset until an edit
    // (debug builds are served at once: the deployed asset has no source maps).
    const first = (b: FunctionBuild): Promise<unknown> => (this.debug ? this.serveFirst(b) : this.build(b));
    this.initial = eachLimited([...this.builds.values()], BUILD_CONCURRENCY, first).then(() => (this.watching ? this.watchInputFolders() : this.disposeAll()));
  }

  /**
   * The debug builds (`debug`) that failed at start, once {@link ready} has resolved: those
   * functions run their deployed code (no source maps) until an edit builds them.
   */
  get failedDebugBuilds(): readonly ReloadRecord[] {
    return this.failedFirst;
  }

  /** Resolves once every function's first build has ended: from then on an edit rebuilds exactly the functions that hold it. */
  async ready(): Promise<void> {
    await this.initial;
  }

  /** Names of the functions whose last successful build holds `file` (an absolute path). */
  dependentsOf(file: string): string[] {
    return [...this.builds.values()].filter((b) => b.inputs.has(path.resolve(file))).map((b) => b.fn.name);
  }

  /** Rebuilds one function now and swaps its code in; a failed build keeps the code it had. */
  async rebuild(fn: FunctionModel): Promise<ReloadRecord> {
    const build = this.builds.get(fn.name) ?? new FunctionBuild(fn, this.projectDir, this.buildOptions);
    this.builds.set(fn.name, build);
    const record = await this.buildAndServe(build);
    this.emit('reload', record);
    return record;
  }

  /**
   * Stages a Python function again: its deployed asset (which may hold the packages its
   * requirements.txt installed at synth) with the source folder's files written over it; its
   * instances restart on it.
   */
  reloadPython(fn: FunctionModel): ReloadRecord {
    const started = performance.now();
    const codeDir = this.pythonSources.get(fn.name)!;
    let error: string | undefined;
    try {
      const files = packagedFiles(codeDir).map((file) => ({ path: file, contents: fs.readFileSync(path.join(codeDir, file)) }));
      if (!this.stopped) this.host.replaceCode(fn.name, { codeDir: fn.codeDir, files, prewarm: true });
    } catch (err) {
      error = (err as Error).message;
    }
    const entry = path.join(codeDir, handlerModuleFile(fn.handler) ?? '');
    const record: ReloadRecord = { functionName: fn.name, entry, durationMs: performance.now() - started, ...(error ? { error } : {}) };
    this.emit('reload', record);
    return record;
  }

  /** Stops watching and releases the builds. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.sources.close();
    await this.queue;
    await this.disposeAll();
  }

  /** A debug build served at start: only a failure is worth a line (the function keeps its deployed code). */
  private async serveFirst(build: FunctionBuild): Promise<void> {
    const record = await this.buildAndServe(build);
    if (!record.error) return;
    this.failedFirst.push(record);
    this.emit('reload', record);
  }

  /**
   * Builds a function and swaps its code in; a failed build keeps the code it had. Undefined,
   * with nothing served, when `overtaken` says a change made during the build concerns it.
   */
  private async buildAndServe(build: FunctionBuild): Promise<ReloadRecord>;
  private async buildAndServe(build: FunctionBuild, overtaken: () => boolean): Promise<ReloadRecord | undefined>;
  private async buildAndServe(build: FunctionBuild, overtaken?: () => boolean): Promise<ReloadRecord | undefined> {
    const { fn } = build;
    const started = performance.now();
    const outcome = await this.build(build);
    if (overtaken?.()) return undefined;
    let error = 'error' in outcome ? outcome.error : undefined;
    if ('files' in outcome && !this.stopped) {
      try {
        // Always from the deployed asset, so files beside the bundle (templates, data, node_modules) stay.
        this.host.replaceCode(fn.name, { codeDir: fn.codeDir, files: outcome.files, prewarm: true, dependencies: outcome.dependencies });
        if (this.watching) this.keepOnStandby(build);
      } catch (err) {
        error = (err as Error).message;
      }
    }
    const apart = !error && 'files' in outcome ? outcome.dependencies?.specifiers : undefined;
    return { functionName: fn.name, entry: fn.source!.entry, durationMs: performance.now() - started, ...(error ? { error } : {}), ...(apart ? { bundledApart: apart } : {}) };
  }

  /** A function just reloaded is likely edited again: it goes on standby, and the least recent beyond MAX_STANDBY leaves it. */
  private keepOnStandby(build: FunctionBuild): void {
    const name = build.fn.name;
    const at = this.standby.indexOf(name);
    if (at >= 0) this.standby.splice(at, 1);
    this.standby.unshift(name);
    this.host.standby(name, preloadOf(build));
    for (const old of this.standby.splice(MAX_STANDBY)) this.host.standby(old, undefined);
  }

  private async disposeAll(): Promise<void> {
    await Promise.all([...this.builds.values()].map((b) => b.dispose()));
  }

  /** Builds a function, keeping its context among the most recent and releasing the oldest beyond MAX_CONTEXTS. */
  private async build(build: FunctionBuild): Promise<BuildOutcome> {
    const outcome = await build.build();
    const at = this.recent.indexOf(build);
    if (at >= 0) this.recent.splice(at, 1);
    this.recent.unshift(build);
    for (const old of this.recent.splice(MAX_CONTEXTS)) void old.dispose();
    return outcome;
  }

  /** Inputs outside the entries' folders (`../shared/x.ts`), but not dependencies: their folders, non-recursively. */
  private watchInputFolders(): void {
    for (const build of this.builds.values()) this.sources.watchFoldersOf(build.inputs);
  }

  /** A changed source file (see SourceWatcher): the functions it concerns get new code after the quiet period. */
  private onChange(file: string): void {
    if (ignoredPythonChange(file)) return;
    this.changed.add(file);
    for (const fn of this.pythonChanged([file])) this.host.prepareReplace(fn.name);
    // The functions that hold the file will get new code: their next processes start now, and
    // load what the bundle imports from outside itself (the SDK) while it builds.
    for (const b of this.builds.values()) if (b.inputs.has(file)) this.host.prepareReplace(b.fn.name, preloadOf(b));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.queue = this.queue.then(() => this.flush());
    }, this.settleMs);
  }

  /** Rebuilds, in parallel, the functions the changes since the last round concern. */
  private async flush(): Promise<void> {
    await this.initial;
    if (this.stopped || this.changed.size === 0) return;
    const started = performance.now();
    const changed = [...this.changed].sort();
    this.changed.clear();
    const targets = [...this.builds.values()].filter((b) => concerns(b, changed));
    // A package.json or tsconfig changed (an `npm install`): the packages bundled apart may be stale.
    if (changed.some((f) => RESOLUTION_FILES.test(path.basename(f)))) for (const b of targets) b.forgetDependencies();
    const python = this.pythonChanged(changed);
    for (const fn of python) this.reloadPython(fn);
    const rebuilt: string[] = [];
    const overtaken: FunctionBuild[] = [];
    // Changed again while it built (the rest of an editor's save): the next round builds it. A
    // write is seen by its watch event or, when the build's result came first, by its file.
    const versions = fileVersions(changed);
    const changedSince = () => [...this.changed, ...changed.filter((f) => fileVersion(f) !== versions.get(f))];
    await eachLimited(targets, BUILD_CONCURRENCY, async (b) => {
      const record = await this.buildAndServe(b, () => {
        const late = changedSince();
        return late.length > 0 && concerns(b, late);
      });
      if (!record) return void overtaken.push(b);
      rebuilt.push(b.fn.name);
      this.emit('reload', record);
    });
    if (this.sources.size) this.watchInputFolders();
    // The files that led to an overtaken build are the next round's too, which says they were built.
    for (const file of changed) if (overtaken.some((b) => concerns(b, [file]))) this.changed.add(file);
    if (targets.length > 0 && rebuilt.length === 0 && python.length === 0) return;
    const functions = [...rebuilt, ...python.map((f) => f.name)].sort();
    this.emit('batch', { changed, functions, durationMs: performance.now() - started });
  }

  /** The Python functions whose source folder holds one of the files. */
  private pythonChanged(files: readonly string[]): FunctionModel[] {
    return this.functions.filter((fn) => {
      const dir = this.pythonSources.get(fn.name);
      return dir !== undefined && files.some((f) => f.startsWith(dir + path.sep));
    });
  }
}

/**
 * True when a change concerns a function: its bundle holds a changed file; or its last build
 * failed (the change may be the fix: a missing file created); or a package.json or tsconfig
 * above its entry changed, which can change how its imports resolve.
 */
function concerns(build: FunctionBuild, changed: readonly string[]): boolean {
  if (!build.ok) return true;
  return changed.some((file) => build.inputs.has(file) || (RESOLUTION_FILES.test(path.basename(file)) && build.fn.source!.entry.startsWith(path.dirname(file) + path.sep)));
}

/** What a process started ahead of a function's next code loads: what its bundle imports from outside itself. */
function preloadOf(build: FunctionBuild): PreloadPackages {
  return { packages: build.externals, format: build.format, dependencies: build.dependencies };
}

/** Each file's {@link fileVersion}. */
function fileVersions(files: readonly string[]): Map<string, string> {
  return new Map(files.map((f) => [f, fileVersion(f)]));
}


/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
