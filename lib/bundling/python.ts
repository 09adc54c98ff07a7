/**
 * Packaging of a Python handler's folder, without Docker: the entry's folder (bytecode caches,
 * tests and virtualenvs left out) plus the packages its `requirements.txt` names, installed by
 * pip for Lambda's platform (`--platform manylinux2014_<arch> --only-binary=:all:`, so only
 * wheels built for Lambda's Linux and architecture are taken, whatever this machine is). The
 * result is a folder in the bundle cache named by the hash of everything it is made from, so a
 * synth whose sources and requirements have not changed runs no pip at all.
 *
 * Why pip by hand rather than `@aws-cdk/aws-lambda-python-alpha`: that module installs
 * dependencies in a Docker container, which these machines (and many CI runners) do not have;
 * pip's own cross-platform options give the same wheels.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleCache } from './private/cache';

/** Folders never packaged: caches, tests, virtualenvs, VCS and Node.js dependencies. */
const EXCLUDED_FOLDERS = new Set(['__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.venv', 'venv', 'tests', 'test', '.git', 'node_modules']);
/** Files never packaged: bytecode and test modules. */
const EXCLUDED_FILES = /(\.py[co]$|^test_.*\.py$|_test\.py$|^conftest\.py$|^\.DS_Store$)/;

/** What to package. */
export interface PythonPackageOptions {
  /** Absolute path of the handler module (`.../lambdas/report/app.py`): its folder is packaged. */
  readonly entry: string;
  /** Lambda's runtime name (`python3.14`): the version pip picks wheels for. */
  readonly runtime: string;
  /** Lambda's architecture name: `arm64` or `x86_64`. */
  readonly architecture: string;
  /**
   * The bundle cache folder's setting (`switchyard:cacheDir` context); packages go to the
   * cache's `python/` folder.
   * @default the bundle cache's default (see BundleCache.defaultDir)
   */
  readonly cacheDir?: string;
  /** The interpreter pip runs on. @default 'python3' */
  readonly python?: string;
}

/** Why packaging failed (pip missing or failing, the cache unwritable), with what to do. */
export class PythonPackagingError extends Error {
  constructor(message: string, readonly fix: string) {
    super(message);
    this.name = 'PythonPackagingError';
  }
}

/** Packages the entry's folder and its requirements; returns the folder to deploy (cached by content). */
export function packagePython(options: PythonPackageOptions): string {
  const source = path.dirname(options.entry);
  const files = packagedFiles(source);
  const requirements = files.includes('requirements.txt') ? path.join(source, 'requirements.txt') : undefined;
  const out = path.join(BundleCache.defaultDir(process.cwd(), options.cacheDir), 'python', packageKey(options, source, files, requirements));
  if (fs.existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(tmp, { recursive: true });
  } catch (err) {
    throw new PythonPackagingError(`cannot write the bundle cache (${(err as Error).message})`, 'set SWITCHYARD_CACHE_DIR to a writable folder');
  }
  try {
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
      fs.copyFileSync(path.join(source, file), path.join(tmp, file));
    }
    if (requirements) pipInstall(options, source, tmp);
    fs.renameSync(tmp, out);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    // Another synth stored the same package meanwhile.
    if (fs.existsSync(out)) return out;
    throw err;
  }
  return out;
}

/** The pip options that select Lambda's platform: manylinux wheels for its architecture and Python version. */
export function pipPlatformArgs(runtime: string, architecture: string): string[] {
  const machine = architecture === 'x86_64' ? 'x86_64' : 'aarch64';
  return ['--platform', `manylinux2014_${machine}`, '--implementation', 'cp', '--python-version', runtime.replace(/^python/, ''), '--only-binary=:all:'];
}

function pipInstall(options: PythonPackageOptions, source: string, target: string): void {
  const args = ['-m', 'pip', 'install', '--requirement', 'requirements.txt', '--target', target, ...pipPlatformArgs(options.runtime, options.architecture), '--no-compile', '--disable-pip-version-check', '--no-input', '--quiet'];
  const python = options.python ?? 'python3';
  try {
    // In the entry's folder: relative paths in requirements.txt (`./wheels/x.whl`) are relative to it.
    execFileSync(python, args, { cwd: source, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 600_000 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; status?: number };
    if (e.code === 'ENOENT') throw new PythonPackagingError(`${python} is not installed, and requirements.txt needs pip`, 'install Python 3 with pip (e.g. apt-get install python3-pip)');
    const output = (e.stderr ?? '').trim().split('\n').slice(-6).join(' | ');
    const fix = /No module named pip/.test(output)
      ? 'install pip for python3 (e.g. apt-get install python3-pip)'
      : `make every requirement available as a wheel for ${pipPlatformArgs(options.runtime, options.architecture).slice(0, 6).join(' ')} (pip ${args.slice(2).join(' ')})`;
    throw new PythonPackagingError(`pip could not install requirements.txt (exit ${e.status ?? '?'}): ${output}`, fix);
  }
}

/** The folder's files to package, relative to it, sorted. */
export function packagedFiles(source: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        // A virtualenv under any name holds its pyvenv.cfg.
        if (!EXCLUDED_FOLDERS.has(entry.name) && !fs.existsSync(path.join(full, 'pyvenv.cfg'))) walk(full);
      } else if (entry.isFile() && !EXCLUDED_FILES.test(entry.name)) {
        out.push(path.relative(source, full));
      }
    }
  };
  walk(source);
  return out.sort();
}

/** Hash of what the package is made of: the files, the target, and the local files requirements.txt names. */
function packageKey(options: PythonPackageOptions, source: string, files: readonly string[], requirements: string | undefined): string {
  const hash = createHash('sha256').update(`${options.runtime}\n${options.architecture}\n`);
  for (const file of files) hash.update(`${file}\n`).update(fs.readFileSync(path.join(source, file)));
  if (requirements) {
    for (const line of fs.readFileSync(requirements, 'utf8').split('\n')) {
      const local = path.resolve(source, line.trim());
      if (line.trim() && fs.existsSync(local) && fs.statSync(local).isFile()) hash.update(`${local}\n`).update(fs.readFileSync(local));
    }
  }
  return hash.digest('hex').slice(0, 32);
}
