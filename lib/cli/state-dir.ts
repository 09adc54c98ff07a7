/**
 * The project's `.switchyard/` folder: the synthesized app, the development signing key, real
 * local secrets, measured durations. None of it belongs in version control.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * `<projectDir>/.switchyard`, created if missing, with a `.gitignore` of `*` in it: nothing in
 * it is ever committed, whether or not the project's own `.gitignore` lists the folder (a
 * project made by `cdk init` does not). The same convention as pytest's and ruff's caches.
 */
export function stateDir(projectDir: string): string {
  const dir = path.join(projectDir, '.switchyard');
  fs.mkdirSync(dir, { recursive: true });
  const ignore = path.join(dir, '.gitignore');
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '# Written by switchyard: local state (dev signing key, real local secrets), never committed.\n*\n');
  return dir;
}
