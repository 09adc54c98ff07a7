/**
 * `--watch`: when a handler's source changes, rebundle it with esbuild and point the function
 * at the new bundle; its old instances finish their calls and are replaced. Needs the source
 * entry, which the Switchyard constructs record as `switchyard:entry` template metadata.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import type { BuildOptions } from 'esbuild';
import type { FunctionModel } from '../../model';
import type { FunctionHost } from '../host/function-host';

/** esbuild options a template may carry in `switchyard:bundling`; anything else is ignored. */
const PASSED_OPTIONS = ['format', 'target', 'minify', 'sourcemap', 'external', 'define', 'mainFields', 'banner', 'footer', 'loader', 'keepNames', 'tsconfig', 'conditions', 'platform', 'charset', 'legalComments', 'inject', 'alias'] as const;

/** A finished rebuild, for logs. */
export interface ReloadRecord {
  readonly functionName: string;
  readonly entry: string;
  readonly durationMs: number;
  readonly error?: string;
}

/** Typed events of the watcher. */
export interface HotReloadEvents {
  reload: [ReloadRecord];
}

/** Watches function sources and hot-reloads them. */
export class HotReloader extends EventEmitter<HotReloadEvents> {
  private readonly watchers: fs.FSWatcher[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly builds = new Map<string, number>();

  constructor(private readonly functions: readonly FunctionModel[], private readonly host: FunctionHost, private readonly buildDir: string) {
    super();
  }

  /** The functions that can be hot-reloaded. */
  get watched(): FunctionModel[] {
    return this.functions.filter((f) => f.source && fs.existsSync(f.source.entry));
  }

  /** Starts watching the folder of each entry (recursively: imports live beside it). */
  start(): void {
    const byDir = new Map<string, FunctionModel[]>();
    for (const fn of this.watched) {
      const dir = path.dirname(fn.source!.entry);
      byDir.set(dir, [...(byDir.get(dir) ?? []), fn]);
    }
    for (const [dir, fns] of byDir) {
      const watcher = fs.watch(dir, { recursive: true }, (_event, file) => {
        if (file && /node_modules|\.switchyard|cdk\.out/.test(file)) return;
        for (const fn of fns) this.schedule(fn);
      });
      this.watchers.push(watcher);
    }
  }

  /** Rebuilds one function now and swaps its code in. */
  async rebuild(fn: FunctionModel): Promise<ReloadRecord> {
    const started = performance.now();
    // A fresh folder per build: a failed build must not break the code new instances load.
    const n = (this.builds.get(fn.name) ?? 0) + 1;
    this.builds.set(fn.name, n);
    const outdir = path.join(this.buildDir, fn.name, String(n));
    try {
      const { build } = await import('esbuild');
      if (n === 1) fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
      // Start from the deployed asset so files beside the bundle (templates, data) stay.
      fs.cpSync(fn.codeDir, outdir, { recursive: true });
      const moduleFile = moduleFileOf(fn);
      await build(buildOptions(fn, path.join(outdir, moduleFile)));
      this.host.replaceCode(fn.name, outdir);
      const record = { functionName: fn.name, entry: fn.source!.entry, durationMs: performance.now() - started };
      this.emit('reload', record);
      return record;
    } catch (err) {
      const record = { functionName: fn.name, entry: fn.source!.entry, durationMs: performance.now() - started, error: (err as Error).message };
      this.emit('reload', record);
      return record;
    }
  }

  /** Stops watching. */
  stop(): void {
    for (const w of this.watchers.splice(0)) w.close();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private schedule(fn: FunctionModel): void {
    // Editors write a file in several steps; rebuild once they are done.
    clearTimeout(this.timers.get(fn.name));
    this.timers.set(fn.name, setTimeout(() => void this.rebuild(fn), 80));
  }
}

/** The bundle file the handler string points at, keeping the asset's extension (`index.mjs`). */
function moduleFileOf(fn: FunctionModel): string {
  const mod = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
  const ext = ['.mjs', '.js', '.cjs'].find((e) => fs.existsSync(path.join(fn.codeDir, mod + e))) ?? '.mjs';
  return mod + ext;
}

function buildOptions(fn: FunctionModel, outfile: string): BuildOptions {
  const given = fn.source?.bundling ?? {};
  const passed: Record<string, unknown> = {};
  for (const k of PASSED_OPTIONS) if (given[k] !== undefined) passed[k] = given[k];
  const format = (passed.format as BuildOptions['format']) ?? (outfile.endsWith('.mjs') ? 'esm' : 'cjs');
  return {
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    ...passed,
    format,
    entryPoints: [fn.source!.entry],
    outfile,
    bundle: true,
    logLevel: 'silent',
    // ESM bundles of CJS dependencies need `require`; the same banner CDK's NodejsFunction suggests.
    banner: format === 'esm' && !passed.banner ? { js: "import { createRequire as __syCreateRequire } from 'module'; const require = __syCreateRequire(import.meta.url);" } : (passed.banner as BuildOptions['banner']),
  };
}
