/**
 * Synthesizes the security fixture app once per content of its sources (cached under the
 * git-ignored `.switchyard/test-assemblies`, so handlers resolve the SDK from node_modules).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repo = path.join(__dirname, '..', '..');

/** The assembly dir of `fixtures/secure-app.ts`. */
export function synthSecureApp(): string {
  const fixtures = path.join(__dirname, 'fixtures');
  const sources = [path.join(fixtures, 'secure-app.ts'), ...fs.readdirSync(path.join(fixtures, 'handlers')).sort().map((f) => path.join(fixtures, 'handlers', f))];
  for (const dir of ['lib/constructs', 'lib/runtime', 'lib/bundling']) {
    sources.push(...fs.readdirSync(path.join(repo, dir)).sort().map((f) => path.join(repo, dir, f)).filter((f) => fs.statSync(f).isFile()));
  }
  const hash = createHash('sha256');
  for (const file of sources) hash.update(file).update(fs.readFileSync(file));
  const root = path.join(repo, '.switchyard', 'test-assemblies');
  const outdir = path.join(root, `secure-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(outdir, 'manifest.json'))) return outdir;
  fs.mkdirSync(root, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(root, 'tmp-secure-'));
  execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(fixtures, 'secure-app.ts'), tmp], { stdio: 'pipe', cwd: repo });
  try {
    fs.renameSync(tmp, outdir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another worker published the same content
  }
  return outdir;
}
