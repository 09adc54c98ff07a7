/**
 * Puts a function's or layer's code where an instance runs it: a folder is copied, a `.zip`
 * file asset (`lambda.Code.fromAsset('build/fn.zip')`, uploaded by CDK as is) is extracted, as
 * Lambda extracts the deployment package into /var/task or a layer into /opt.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unzipSync } from 'fflate';

/** A zip archive's first bytes (a local file header). */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Copies the folder `source` into `dest`, or extracts the zip file `source` into it; files
 * already in `dest` are overwritten (a later layer over an earlier one). `skip` names files
 * (relative to `source`) not to copy from a folder: ones the caller writes next (a rebuilt bundle
 * over the deployed one, which would otherwise be written twice).
 */
export function copyCode(source: string, dest: string, skip: ReadonlySet<string> = new Set()): void {
  if (!isZipFile(source)) {
    const root = path.resolve(source);
    const filter = skip.size ? (from: string) => !skip.has(path.relative(root, path.resolve(from))) : undefined;
    // A copy, not a link: Node resolves a linked file's real path, which is back under the project.
    fs.cpSync(source, dest, { recursive: true, dereference: true, force: true, filter });
    return;
  }
  // fflate: a small, dependency-free zip reader (Node has deflate but no zip container reader).
  const entries = unzipSync(fs.readFileSync(source));
  fs.mkdirSync(dest, { recursive: true });
  const root = path.resolve(dest);
  for (const [name, contents] of Object.entries(entries)) {
    const target = path.resolve(root, name);
    // An entry naming a path outside the folder (`../x`, an absolute path) is refused, as Lambda refuses such a package.
    if (target !== root && !target.startsWith(`${root}${path.sep}`)) throw new Error(`${source}: the zip entry "${name}" is outside the package`);
    if (name.endsWith('/')) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, contents);
  }
}

/** True for a file that is a zip archive (by its first bytes, whatever its name). */
function isZipFile(file: string): boolean {
  let fd: number | undefined;
  try {
    if (!fs.statSync(file).isFile()) return false;
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(ZIP_MAGIC.length);
    fs.readSync(fd, head, 0, head.length, 0);
    return head.equals(ZIP_MAGIC);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
