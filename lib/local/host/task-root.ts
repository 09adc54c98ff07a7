/**
 * Task roots: each function's code staged as Lambda lays it out in /var/task, outside any
 * project. Run from the asset folder under the project (`.switchyard/cdk.out/asset.*`), a
 * bundle would take the project's package.json (`"type": "module"` makes a CommonJS bundle fail
 * with "module is not defined in ES module scope") and resolve the project's node_modules (a
 * package the bundle left external works here and fails in Lambda). Staged, its files declare
 * their own module type (its own package.json, else `.js` is CommonJS and `.mjs` ESM) and it
 * resolves only its own node_modules and the SDK that Lambda provides.
 *
 * Layout, per host run (removed when the host stops; runs of processes that died are pruned):
 *
 *   <tmpdir>/switchyard-<project hash>/<pid>-<random>/<function>/
 *     package.json     the module-type boundary (no "type": CommonJS, as in /var/task)
 *     node_modules/    links to the packages of the function's layers, then to the project's
 *                      @aws-sdk/*, @smithy/*, @aws-crypto/* packages (see layers.ts)
 *     v1/, v2/ ...     the code: the asset, then each hot-reloaded bundle (its node_modules
 *                      linking the packages bundled apart, if any)
 *     .dependencies/<key>/  packages bundled apart for hot reload (see SeparateDependencies)
 *   <tmpdir>/switchyard-<project hash>/<pid>-<random>/.opt/<layers>/
 *                      the /opt of the functions with those layers, staged once
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { copyCode } from './code-copy';
import { writeInlineCode } from './inline-code';
import { layerPackages, stageOpt } from './layers';
import { PROVIDED_SCOPES, findProvidedPackages, linkPackages, nodeModulesAbove } from './provided-modules';

/** Options for {@link TaskRoots}. */
export interface TaskRootsOptions {
  /** The project: its node_modules (and those above it) provide the SDK. */
  readonly projectDir: string;
  /** Where the assembly is, searched for the SDK after the project. */
  readonly assemblyDir?: string;
  /** Parent of the per-project folders. @default os.tmpdir() */
  readonly baseDir?: string;
}

/** A file written over the staged code, relative to the code's folder (a rebuilt `index.mjs`). */
export interface StagedFile {
  readonly path: string;
  readonly contents: Uint8Array;
}

/**
 * Packages bundled apart from a function's code (hot reload, see watch/dependency-bundle.ts):
 * files relative to a node_modules folder (`zod/package.json`, `zod/entry0.mjs`, the chunks
 * they share under `.switchyard-deps/`), written once per function and linked into
 * each task root whose code imports them.
 */
export interface SeparateDependencies {
  /** Tells one set of files from another (a hash of them). */
  readonly key: string;
  /** The import specifiers they serve (`zod`, `zod/mini`). */
  readonly specifiers: readonly string[];
  /** The packages' names: the folders linked into a task root's node_modules. */
  readonly packages: readonly string[];
  /** The entry file of each specifier (`zod/entry0.mjs`), in the same order. */
  readonly entries: readonly string[];
  readonly files: readonly StagedFile[];
}

/** What a function needs staged: its name, code and, if known, its source entry. */
export interface StagedFunction {
  readonly name: string;
  readonly codeDir: string;
  /** The handler's source entry: node_modules beside it (`lambdas/node_modules`) provide the SDK first. */
  readonly entry?: string;
  /** Inline (`ZipFile`) code, staged as Lambda deploys it instead of `codeDir`. */
  readonly inlineCode?: string;
  /** The runtime (`nodejs22.x`): which of a layer's `nodejs/node<major>` folders applies. */
  readonly runtime?: string;
  /** The content folders of the function's layers, in the order Lambda extracts them. */
  readonly layers?: readonly string[];
  /** Scopes a layer from outside the app provides (Powertools'), taken from the project like the SDK. */
  readonly providedScopes?: readonly string[];
}

const BOUNDARY = {
  name: 'switchyard-task-root',
  private: true,
  description: 'Module-type boundary of a staged Lambda task root: no "type", so .js is CommonJS as in /var/task.',
};

/** Stages function code into task roots. */
export class TaskRoots {
  /** This run's folder. */
  readonly dir: string;
  private readonly versions = new Map<string, number>();
  /** The preload modules written, with their text (see preloadModule). */
  private readonly preloads = new Map<string, string>();

  constructor(private readonly options: TaskRootsOptions) {
    const projectHash = createHash('sha256').update(path.resolve(options.projectDir)).digest('hex').slice(0, 12);
    const projectRoot = path.join(options.baseDir ?? os.tmpdir(), `switchyard-${projectHash}`);
    pruneDeadRuns(projectRoot);
    this.dir = path.join(projectRoot, `${process.pid}-${randomBytes(4).toString('hex')}`);
    fs.mkdirSync(this.dir, { recursive: true });
  }

  /**
   * Copies `codeDir` (or extracts it, a zip file asset) into a new version of the function's task root, then writes `files` over
   * it (a rebuilt bundle) and links the packages of `dependencies` into its node_modules, and
   * returns its path (the instance's LAMBDA_TASK_ROOT).
   */
  stage(fn: StagedFunction, codeDir: string = fn.codeDir, files: readonly StagedFile[] = [], dependencies?: SeparateDependencies): string {
    const root = this.functionRoot(fn.name);
    if (!this.versions.has(fn.name)) {
      fs.mkdirSync(root, { recursive: true });
      fs.writeFileSync(path.join(root, 'package.json'), `${JSON.stringify(BOUNDARY, null, 2)}\n`);
      // The layers' packages first: links already there are kept, so they win over the SDK's.
      linkPackages(path.join(root, 'node_modules'), layerPackages(this.optDir(fn), fn.runtime ?? ''));
      this.linkProvided(fn);
    }
    const n = (this.versions.get(fn.name) ?? 0) + 1;
    this.versions.set(fn.name, n);
    const taskDir = path.join(root, `v${n}`);
    if (fn.inlineCode !== undefined && codeDir === fn.codeDir) {
      writeInlineCode(taskDir, fn.inlineCode);
      return taskDir;
    }
    copyCode(codeDir, taskDir, new Set(files.map((f) => path.normalize(f.path))));
    for (const file of files) {
      const target = path.join(taskDir, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.contents);
    }
    if (dependencies) {
      // Linked, not copied: the process kept ready for this code has loaded these very files.
      const from = this.stageDependencies(fn, dependencies);
      linkPackages(path.join(taskDir, 'node_modules'), new Map(dependencies.packages.map((pkg) => [pkg, path.join(from, pkg)])));
    }
    return taskDir;
  }

  /** Writes `dependencies` into the function's folder, once per key, and returns the folder they are in. */
  stageDependencies(fn: StagedFunction, dependencies: SeparateDependencies): string {
    const dir = path.join(this.functionRoot(fn.name), '.dependencies', dependencies.key);
    if (fs.existsSync(dir)) return dir;
    // Written beside and renamed: a process that finds the folder finds every file in it.
    const partial = `${dir}.${process.pid}-${randomBytes(4).toString('hex')}`;
    for (const file of dependencies.files) {
      const target = path.join(partial, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.contents);
    }
    fs.renameSync(partial, dir);
    return dir;
  }

  /**
   * Writes a module that loads `packages` as a module of the function's code would (from the
   * function's folder, so that they resolve to the files its bundle will load, through the same
   * node_modules), and returns its path: a process started while new code builds loads it (see
   * SpareProcess). An `import` per package for an ES module bundle, a `require` for CommonJS:
   * each format loads its own entry of a package, and only the one the bundle loads is worth it.
   */
  preloadModule(fn: StagedFunction, packages: readonly string[], format: 'esm' | 'cjs', dependencies?: SeparateDependencies): string {
    const file = path.join(this.functionRoot(fn.name), format === 'esm' ? 'preload.mjs' : 'preload.cjs');
    // Packages bundled apart by their files, which the task root links to: the same modules.
    const apart = new Set(dependencies?.specifiers);
    const dir = dependencies && this.stageDependencies(fn, dependencies);
    const specifiers = [...packages.filter((p) => !apart.has(p)), ...(dir ? dependencies!.entries.map((e) => pathToFileURL(path.join(dir, e)).href) : [])];
    const lines = specifiers.map((p) => (format === 'esm' ? `await import(${JSON.stringify(p)}).catch(() => undefined);` : `try { require(${JSON.stringify(p)}); } catch {}`));
    const text = `// Loaded by a process started ahead of new code (hot reload): what the bundle imports from outside itself.\n${lines.join('\n')}\n`;
    if (this.preloads.get(file) !== text) {
      fs.writeFileSync(file, text);
      this.preloads.set(file, text);
    }
    return file;
  }

  /** Links SDK packages installed since the function was staged (after `npm install @aws-sdk/client-xyz`). */
  linkProvided(fn: StagedFunction): void {
    const scopes = [...PROVIDED_SCOPES, ...(fn.providedScopes ?? [])];
    linkPackages(path.join(this.functionRoot(fn.name), 'node_modules'), findProvidedPackages(this.searchPath(fn), scopes));
  }

  /** The function's /opt: its layers staged (an empty folder without layers). */
  optDir(fn: StagedFunction): string {
    return stageOpt(path.join(this.dir, '.opt'), fn.layers ?? []);
  }

  /** Removes this run's folder, and the project's when no other run is in it. */
  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    try {
      fs.rmdirSync(path.dirname(this.dir));
    } catch {
      // Another run of the same project is still using it.
    }
  }

  /** Where the SDK is looked for: beside the function's source, then the project, then the assembly. */
  private searchPath(fn: StagedFunction): string[] {
    const starts = [fn.entry && path.dirname(fn.entry), this.options.projectDir, this.options.assemblyDir].filter((d): d is string => !!d);
    // Never the staged folders themselves (a task root may sit under a project's tmp dir).
    return nodeModulesAbove(starts).filter((d) => !d.startsWith(this.dir));
  }

  private functionRoot(name: string): string {
    return path.join(this.dir, name.replace(/[^A-Za-z0-9._-]/g, '_'));
  }
}

/** Removes the folders of earlier runs whose process is gone (killed before it could clean up). */
function pruneDeadRuns(projectRoot: string): void {
  let runs: string[];
  try {
    runs = fs.readdirSync(projectRoot);
  } catch {
    return;
  }
  for (const run of runs) {
    const pid = Number(run.split('-')[0]);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    fs.rmSync(path.join(projectRoot, run), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
