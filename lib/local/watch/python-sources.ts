/**
 * Where a Python function's code comes from, for hot reload. A Python function is not built:
 * its asset is its source folder as it was at synth (`lambda.Code.fromAsset('lambdas/report')`
 * copies the folder into the cloud assembly). Editing the source must reach the function, so
 * the folder it was copied from is found and watched, and an edit stages it again.
 *
 * The Switchyard constructs record the handler file (`switchyard:entry` metadata): its folder
 * is the source. A plain CDK app records nothing of the kind (the assembly names only the
 * copy), so the source is the one folder of the project that holds the asset's files, byte for
 * byte: found by the handler module's file, then checked file by file. A folder that is not
 * unique (two copies of the same code) is not guessed at: the function is not watched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionModel } from '../../model';

/** Folders never searched: dependencies, state, synth output, VCS data, virtualenvs, bytecode caches. */
const SKIPPED = new Set(['node_modules', '.switchyard', 'cdk.out', '.git', '__pycache__', '.venv', 'venv', '.tox', '.mypy_cache', '.pytest_cache']);

/** Bounds on the search of a large project: folders visited, and depth. */
const MAX_FOLDERS = 20_000;
const MAX_DEPTH = 10;

/** True for files whose change does not change the code (bytecode, caches). */
export function ignoredPythonChange(file: string): boolean {
  return file.endsWith('.pyc') || file.split(path.sep).includes('__pycache__');
}

/** The module file a Python handler names, relative to the task root: `pkg/app.lambda_handler` and `pkg.app.lambda_handler` -> `pkg/app.py`. */
export function handlerModuleFile(handler: string): string | undefined {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return `${handler.slice(0, dot).replace(/[./]/g, path.sep)}.py`;
}

/**
 * The source folder of each Python function that has one (see the file comment), by function
 * name. One search of the project serves every function.
 */
export function findPythonSources(functions: readonly FunctionModel[], projectDir: string): Map<string, string> {
  const sources = new Map<string, string>();
  let folders: string[] | undefined;
  for (const fn of functions) {
    if (fn.source) {
      sources.set(fn.name, path.dirname(fn.source.entry));
      continue;
    }
    const anchor = fn.inlineCode === undefined ? anchorFile(fn) : undefined;
    if (!anchor) continue;
    folders ??= projectFolders(projectDir);
    const matches = folders.filter((dir) => sameContent(path.join(dir, anchor), path.join(fn.codeDir, anchor)) && holdsAll(dir, fn.codeDir));
    if (matches.length === 1) sources.set(fn.name, matches[0]);
  }
  return sources;
}

/**
 * The file of the asset the search looks for first: the handler's module, or when the asset
 * lacks it (a handler naming a module not written yet) its first file.
 */
function anchorFile(fn: FunctionModel): string | undefined {
  const moduleFile = handlerModuleFile(fn.handler);
  if (moduleFile && isFile(path.join(fn.codeDir, moduleFile))) return moduleFile;
  if (!isDirectory(fn.codeDir)) return undefined;
  return assetFiles(fn.codeDir).sort()[0];
}

/** The project's folders, breadth first, within the bounds. */
function projectFolders(root: string): string[] {
  const out: string[] = [];
  let level = [path.resolve(root)];
  for (let depth = 0; depth <= MAX_DEPTH && level.length && out.length < MAX_FOLDERS; depth += 1) {
    out.push(...level);
    level = level.flatMap((dir) => subfolders(dir));
  }
  return out.slice(0, MAX_FOLDERS);
}

function subfolders(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !SKIPPED.has(e.name) && !e.name.startsWith('.'))
      .map((e) => path.join(dir, e.name));
  } catch {
    return [];
  }
}

/** True when every file of the asset (bytecode aside) is in `dir` with the same bytes. */
function holdsAll(dir: string, assetDir: string): boolean {
  return assetFiles(assetDir).every((rel) => sameContent(path.join(dir, rel), path.join(assetDir, rel)));
}

/** The asset's files (bytecode aside), relative to it. */
function assetFiles(assetDir: string): string[] {
  return fs
    .readdirSync(assetDir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(assetDir, path.join(e.parentPath, e.name)))
    .filter((rel) => !ignoredPythonChange(rel));
}

function sameContent(a: string, b: string): boolean {
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.isFile() && sa.size === sb.size && fs.readFileSync(a).equals(fs.readFileSync(b));
  } catch {
    return false;
  }
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
