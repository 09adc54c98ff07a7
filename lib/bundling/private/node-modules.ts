import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

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
    throw new Error(`bundling.nodeModules needs a package-lock.json at or above ${cwd}; run npm install to create one`);
  }
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { packages?: Record<string, { version?: string; resolved?: string; link?: boolean }> };
  return names.map((name) => {
    const entry = lock.packages?.[`node_modules/${name}`];
    if (!entry?.version) {
      throw new Error(`bundling.nodeModules lists "${name}", which ${lockFile} does not lock; add it to package.json dependencies and run npm install`);
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
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`npm could not install bundling.nodeModules ${packages.map((p) => `${p.name}@${p.spec}`).join(', ')}: ${stderr || (error as Error).message}`);
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
