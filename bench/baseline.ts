/**
 * The `lib/` of another commit, for benchmarks that compare the working tree against it in the
 * same run (`--baseline main`): exported with `git archive` into bench/.out/baseline/<commit>/,
 * beside this repository's node_modules, which it resolves its packages from. Nothing in the
 * repository (index, worktrees, refs) changes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** The folder holding `lib/` of `ref`, exported on first use; returns the commit too. */
export function baselineLib(ref: string): { dir: string; commit: string } {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = path.join(ROOT, 'bench', '.out', 'baseline', commit.slice(0, 12));
  if (!fs.existsSync(path.join(dir, 'lib'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', commit, 'lib'], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  return { dir: path.join(dir, 'lib'), commit: commit.slice(0, 12) };
}

/** The local runtime module of the working tree, or of a baseline's `lib/`. */
export function localModule(libDir?: string): string {
  return path.join(libDir ?? path.join(ROOT, 'lib'), 'local');
}
