/**
 * What Lambda's Node.js runtimes provide beside the function's code: the AWS SDK for
 * JavaScript v3 (every `@aws-sdk/*` client and library) with its own dependencies
 * (`@smithy/*`, `@aws-crypto/*`). Bundlers leave these external on purpose (NodejsFunction's
 * default), so locally they must be found where the project installed them, and nothing else
 * of the project may be: a bundle that leaves another package external fails in Lambda.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LambdaErrorPayload } from './protocol';

/** Package scopes the Lambda Node.js runtime provides. */
export const PROVIDED_SCOPES = ['@aws-sdk', '@smithy', '@aws-crypto'] as const;

/** The `node_modules` folders above each of `starts` (nearest first, each once), where the project may have the SDK. */
export function nodeModulesAbove(starts: readonly string[]): string[] {
  const found: string[] = [];
  for (const start of starts) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules');
      if (!found.includes(candidate) && fs.existsSync(candidate)) found.push(candidate);
      if (path.dirname(dir) === dir) break;
    }
  }
  return found;
}

/**
 * Each provided package (`@aws-sdk/client-sqs`) mapped to the real folder of its first occurrence
 * along `searchPath`; `scopes` may add those a function's layers provide.
 */
export function findProvidedPackages(searchPath: readonly string[], scopes: readonly string[] = PROVIDED_SCOPES): Map<string, string> {
  const packages = new Map<string, string>();
  for (const nodeModules of searchPath) {
    for (const scope of scopes) {
      const scopeDir = path.join(nodeModules, scope);
      let names: string[];
      try {
        names = fs.readdirSync(scopeDir);
      } catch {
        continue;
      }
      for (const name of names) {
        const key = `${scope}/${name}`;
        if (packages.has(key) || !fs.existsSync(path.join(scopeDir, name, 'package.json'))) continue;
        // The real path: the package's own dependencies then resolve from where it is installed.
        packages.set(key, fs.realpathSync(path.join(scopeDir, name)));
      }
    }
  }
  return packages;
}

/** Links each package into `nodeModules` (`nodeModules/@aws-sdk/client-sqs -> <real folder>`), keeping links already there. */
export function linkPackages(nodeModules: string, packages: ReadonlyMap<string, string>): void {
  for (const [name, target] of packages) {
    const link = path.join(nodeModules, name);
    if (fs.existsSync(link)) continue;
    fs.mkdirSync(path.dirname(link), { recursive: true });
    // Junctions on Windows need no privilege; elsewhere the type is ignored.
    fs.symlinkSync(target, link, 'junction');
  }
}

/** The package a "Cannot find module/package" error names, when it is a package rather than a relative file. */
export function missingPackageOf(error: LambdaErrorPayload): string | undefined {
  const m = /Cannot find (?:module|package) '([^']+)'/.exec(error.errorMessage);
  if (!m || m[1].startsWith('.') || path.isAbsolute(m[1]) || m[1].startsWith('node:')) return undefined;
  const parts = m[1].split('/');
  return parts[0].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** True for a package Lambda's runtime provides. */
export function isProvided(pkg: string): boolean {
  return PROVIDED_SCOPES.some((scope) => pkg.startsWith(`${scope}/`));
}

/** What to do about a missing package, for the log; `providedBy` names a layer that provides it in AWS. */
export function missingPackageHint(pkg: string, providedBy?: string): string {
  return isProvided(pkg) || providedBy
    ? `switchyard: ${pkg} is not installed in this project. ${providedBy ?? 'Lambda'} provides it in AWS; locally install it: npm install --save-dev ${pkg}`
    : `switchyard: ${pkg} is not in the bundle and Lambda does not provide it: this fails in AWS too. Bundle it (remove it from the externals) or ship it in the asset's node_modules.`;
}
