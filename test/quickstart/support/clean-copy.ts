/**
 * A copy of the repository as CI checks it out: exactly the files git tracks (with their content
 * in the working tree), so nothing git-ignored or untracked exists (no `.switchyard/`, no
 * `cdk.out`, no local secrets), with the repository's node_modules linked in (CI's `npm ci`
 * installs the same tree from the same lock file) and the root package's own install-time
 * scripts run, as `npm ci` runs them.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The root package's scripts `npm ci` runs after installing dependencies, in its order. */
export const NPM_CI_LIFECYCLE = ['preinstall', 'install', 'postinstall', 'prepublish', 'preprepare', 'prepare', 'postprepare'] as const;

/**
 * Copies the files git tracks in `repo` (those `keep` accepts, by their path in the repository)
 * into `dir` with their working-tree content, and links the repository's node_modules in.
 */
export function copyTracked(repo: string, dir: string, keep: (file: string) => boolean = () => true): void {
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached'], { cwd: repo, encoding: 'utf8' }).split('\0').filter(Boolean).filter(keep);
  for (const file of tracked) {
    const from = path.join(repo, file);
    // A tracked file deleted in the working tree is not part of what CI would test here.
    if (!fs.existsSync(from)) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, file));
  }
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
}

/** The example app's own files, as git tracks them (its sources, the library it synthesizes with). */
const EXAMPLE = /^(bin|lambdas|lib)\/|^(cdk\.json|package\.json|tsconfig\.json|dev-secrets\.json)$/;

/** Copies the example app of `repo` into a new temporary folder (named from `prefix`), with node_modules linked in. */
export function copyExample(repo: string, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  copyTracked(repo, dir, (file) => EXAMPLE.test(file));
  return dir;
}

/** A clean copy of a repository. */
export interface CleanCopy {
  readonly dir: string;
  /** The lifecycle scripts that were run in it (none unless package.json has them). */
  readonly scriptsRun: readonly string[];
  /** Deletes the copy (the linked node_modules is left alone). */
  remove(): void;
}

/** Copies what git tracks in `repo` into a temporary folder and prepares it as `npm ci` would. */
export async function cleanCopy(repo: string): Promise<CleanCopy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-clean-copy-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    copyTracked(repo, dir);
    const scripts = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    const scriptsRun = NPM_CI_LIFECYCLE.filter((name) => scripts[name] !== undefined);
    for (const name of scriptsRun) await run('npm', ['run', name], { cwd: dir, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { dir, scriptsRun, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/** The environment of a user's shell: this process's, without what jest or a running dev set. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(JEST_|SWITCHYARD_|npm_)/.test(k) && k !== 'NODE_ENV' && k !== 'NODE_OPTIONS'));
  return { ...env, ...extra };
}
