/**
 * Lambda layers locally. In Lambda, a function's layers are extracted into /opt in order (a
 * later layer's files over an earlier one's), and the Node.js runtime sets
 *
 *   NODE_PATH=/opt/nodejs/node<major>/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:...
 *
 * so that `require('pkg')` finds a layer's packages (after the function's own node_modules and
 * before the SDK the runtime provides). Here each distinct list of layers is staged once into a
 * folder that is the functions' /opt, and:
 *
 * - `NODE_PATH` names its `nodejs/node<major>/node_modules` and `nodejs/node_modules`, for
 *   CommonJS `require` as in Lambda;
 * - its packages are also linked into the task root's node_modules (before the SDK links, so a
 *   layer's own SDK version wins as it does in Lambda): ES module `import` ignores NODE_PATH and
 *   resolves only node_modules folders above the importing file, so this is how an ESM bundle's
 *   `import 'pkg'` finds a layer package too;
 * - `SWITCHYARD_OPT_DIR` is the folder's path, for code that reads a layer's files by their
 *   /opt path (Lambda has no such variable: such code reads `process.env.SWITCHYARD_OPT_DIR ??
 *   '/opt'`), and its `bin` leads `PATH` as /opt/bin does in Lambda.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyCode } from './code-copy';

/** The variable naming the staged /opt folder (Switchyard's: Lambda has none, its /opt is fixed). */
export const OPT_DIR_VARIABLE = 'SWITCHYARD_OPT_DIR';

/**
 * Stages the layers' content (folders, or zip files extracted), in order, into `<parent>/<key>` and returns it: once per
 * distinct list, shared by the functions with that list. Copied, not linked: Node resolves a
 * linked file's real path, which would be back under the project.
 */
export function stageOpt(parent: string, layerDirs: readonly string[]): string {
  const key = layerDirs.length ? createHash('sha256').update(layerDirs.join('\n')).digest('hex').slice(0, 16) : 'none';
  const dir = path.join(parent, key);
  if (fs.existsSync(dir)) return dir;
  const staging = `${dir}.${process.pid}.tmp`;
  fs.mkdirSync(staging, { recursive: true });
  for (const layer of layerDirs) copyCode(layer, staging);
  fs.renameSync(staging, dir);
  return dir;
}

/** The node_modules folders of /opt that Lambda's NODE_PATH names for a runtime, in its order. */
export function layerNodeModules(opt: string, runtime: string): string[] {
  const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  return [...(major ? [path.join(opt, 'nodejs', `node${major}`, 'node_modules')] : []), path.join(opt, 'nodejs', 'node_modules')];
}

/** Each package in the layers' node_modules (`@scope/name` too) mapped to its folder, the first of NODE_PATH's order winning. */
export function layerPackages(opt: string, runtime: string): Map<string, string> {
  const packages = new Map<string, string>();
  for (const nodeModules of layerNodeModules(opt, runtime)) {
    for (const name of listDir(nodeModules)) {
      if (name.startsWith('.')) continue;
      const names = name.startsWith('@') ? listDir(path.join(nodeModules, name)).map((n) => `${name}/${n}`) : [name];
      for (const pkg of names) if (!packages.has(pkg)) packages.set(pkg, path.join(nodeModules, pkg));
    }
  }
  return packages;
}

/** What the instances of a function with this /opt get in their environment (before the function's own variables). */
export function layerEnvironment(opt: string, runtime: string, hostPath: string): Record<string, string> {
  return {
    NODE_PATH: layerNodeModules(opt, runtime).join(path.delimiter),
    [OPT_DIR_VARIABLE]: opt,
    PATH: `${path.join(opt, 'bin')}${path.delimiter}${hostPath}`,
  };
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
