import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../../errors';
import { BundlingProblem } from './errors';

/** A package to install, pinned as the lock file pins it. */
export interface LockedPackage {
  readonly name: string;
  /** What `npm install` is given: the locked version, or a local tarball path. */
  readonly spec: string;
}

/** Packages installed once into the cache, ready to copy into bundle folders. */
export interface InstalledModules {
  /** The `node_modules` folder. */
  readonly dir: string;
  /** Hash of the locked packages; the same key always holds the same install. */
  readonly key: string;
  /** Whether this call ran npm (false when the install was already cached). */
  readonly installed: boolean;
}

/** The nearest `package-lock.json` at or above `cwd`. */
export function findLockFile(cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package-lock.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The exact versions of `names` in the project's lock file (npm lockfile v2 or v3), so a
 * bundle gets what the project was tested with rather than whatever is newest.
 */
export function lockedPackages(names: readonly string[], cwd: string): LockedPackage[] {
  const lockFile = findLockFile(cwd);
  if (!lockFile) {
    throw new BundlingProblem({
      code: ErrorCode.INVALID_BUNDLING_OPTIONS,
      problem: `bundling.nodeModules needs a package-lock.json at or above ${cwd}, to install the versions the project was tested with`,
      value: names,
      fix: 'run npm install in the project to create package-lock.json',
    });
  }
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { packages?: Record<string, { version?: string; resolved?: string; link?: boolean }> };
  return names.map((name) => {
    const entry = lock.packages?.[`node_modules/${name}`];
    if (!entry?.version) {
      throw new BundlingProblem({
        code: ErrorCode.INVALID_BUNDLING_OPTIONS,
        problem: `bundling.nodeModules lists "${name}", which ${lockFile} does not lock`,
        value: name,
        fix: `add "${name}" to package.json dependencies and run npm install, or remove it from bundling.nodeModules to bundle it`,
      });
    }
    // A tarball installed from disk cannot be fetched by version from a registry.
    const local = entry.resolved?.startsWith('file:') ? `file:${path.resolve(path.dirname(lockFile), entry.resolved.slice(5))}` : undefined;
    return { name, spec: local ?? entry.version };
  });
}

/**
 * Installs the packages into `<cacheDir>/modules/<key>/node_modules` unless already there.
 *
 * npm is given a package.json with the exact versions and installs without dev dependencies,
 * audit or lifecycle scripts (scripts would run third-party code at every cold synth, and
 * they build for this machine, not for Lambda). The folder is renamed into place when
 * complete, so a concurrent synth sees a whole install or none.
 */
export function installNodeModules(packages: readonly LockedPackage[], cacheDir: string): InstalledModules {
  const key = createHash('sha256').update(JSON.stringify(packages)).digest('hex').slice(0, 32);
  const root = path.join(cacheDir, 'modules', key);
  const dir = path.join(root, 'node_modules');
  if (fs.existsSync(dir)) return { dir, key, installed: false };

  const tmp = `${root}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.mkdirSync(tmp, { recursive: true });
  const dependencies = Object.fromEntries(packages.map((p) => [p.name, p.spec]));
  fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: 'switchyard-bundle-modules', private: true, dependencies }));
  try {
    execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], {
      cwd: tmp,
      stdio: ['ignore', 'pipe', 'pipe'],
      // npm is a shell script on Windows.
      shell: process.platform === 'win32',
    });
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    // npm's reason, without the pointer to its debug log (a file of this machine's npm cache).
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().split('\n').filter((line) => !line.includes('A complete log of this run')).join('\n').trim();
    throw new BundlingProblem({
      code: ErrorCode.INVALID_BUNDLING_OPTIONS,
      problem: `npm could not install bundling.nodeModules (${stderr || (error as Error).message})`,
      value: packages.map((p) => `${p.name}@${p.spec}`),
      fix: 'make the versions package-lock.json pins installable (registry reachable, file: tarballs present), or remove the package from bundling.nodeModules to bundle it',
    });
  }
  if (!fs.existsSync(path.join(tmp, 'node_modules'))) fs.mkdirSync(path.join(tmp, 'node_modules'));
  try {
    fs.renameSync(tmp, root);
  } catch (error) {
    // Another synth installed the same versions first; its install is as good as ours.
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(dir)) throw error;
  }
  return { dir, key, installed: true };
}
