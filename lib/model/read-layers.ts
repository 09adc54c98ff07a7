/**
 * `AWS::Lambda::LayerVersion` and functions' `Layers`: which layers each function has, with the
 * content of those that are part of the app, and what the local runtime does about layers from
 * outside the app (referenced by ARN), which have no code here.
 */
import * as fs from 'node:fs';
import { assetDirOf, resourcesOfType, type StackContext } from './context';
import { displayNames } from './names';
import type { FunctionLayerModel, FunctionModel } from './types';

/** The app's layers by version ARN (what `Ref` of a layer answers), across stacks. */
export type LayerIndex = ReadonlyMap<string, { readonly displayName: string; readonly codeDir?: string; readonly problem?: string }>;

/**
 * Public layers whose packages a project commonly installs too: a function using one resolves
 * those packages from the project's node_modules, as it resolves the SDK Lambda provides.
 */
const KNOWN_LAYERS: ReadonlyArray<{ readonly name: RegExp; readonly what: string; readonly scopes: readonly string[] }> = [
  { name: /^AWSLambdaPowertoolsTypeScript(V\d+)?$/, what: 'the Powertools for AWS Lambda (TypeScript) layer', scopes: ['@aws-lambda-powertools'] },
];

/** Indexes the layers of every stack. A layer whose content is not a folder of the assembly carries the problem. */
export function layerIndex(contexts: readonly StackContext[]): LayerIndex {
  const index = new Map<string, { displayName: string; codeDir?: string; problem?: string }>();
  for (const ctx of contexts) {
    const layers = resourcesOfType(ctx, 'AWS::Lambda::LayerVersion');
    const names = displayNames(layers.map(([logicalId, resource]) => ({ name: logicalId, logicalId, resource })), 'LayerName');
    layers.forEach(([logicalId, r], i) => {
      const dir = assetDirOf(ctx, logicalId, r, 'Content');
      const problem =
        dir === undefined ? 'its content is not an asset of the assembly'
        : !isCodeAsset(dir) ? `its content is a file asset that is not a zip archive (${dir})`
        : undefined;
      index.set(ctx.attributes.layerVersionArn(logicalId), { displayName: names[i], codeDir: problem ? undefined : dir, problem });
    });
  }
  return index;
}

/** A function's `Layers`, resolved to ARNs, as model entries. */
export function functionLayers(resolved: unknown, index: LayerIndex): FunctionLayerModel[] {
  const arns = Array.isArray(resolved) ? resolved.filter((a): a is string => typeof a === 'string') : [];
  return arns.map((arn) => {
    const own = index.get(arn);
    if (own) return { arn, displayName: own.displayName, codeDir: own.codeDir };
    const known = knownLayer(arn);
    return { arn, displayName: arn, providedScopes: known?.scopes };
  });
}

/**
 * One line per layer the functions use that has no code here, for `dev`'s start-up report:
 * which functions use it and what that means for them.
 */
export function layerNotes(functions: readonly FunctionModel[], index: LayerIndex): string[] {
  const users = new Map<string, string[]>();
  for (const fn of functions) {
    for (const layer of fn.layers ?? []) {
      if (layer.codeDir !== undefined) continue;
      users.set(layer.arn, [...(users.get(layer.arn) ?? []), fn.displayName ?? fn.name]);
    }
  }
  return [...users].map(([arn, names]) => {
    const used = `used by ${names.join(', ')}`;
    const own = index.get(arn);
    if (own) return `layer ${own.displayName} (${used}): ${own.problem}: imports of its packages fail and its files are missing from the functions' /opt`;
    const known = knownLayer(arn);
    const fallback = known
      ? `as ${known.what} provides ${known.scopes.map((s) => `${s}/*`).join(', ')} in AWS, those packages are resolved from the project's node_modules instead (install the ones your handlers import); anything else it holds is missing`
      : "imports of its packages fail unless they are bundled, and its files are missing from the functions' /opt";
    return `layer ${arn} (${used}): it is not part of the app, so its content is not here: ${fallback}`;
  });
}

/** The known public layer an ARN names, by the layer's name (any account, region and version). */
function knownLayer(arn: string): (typeof KNOWN_LAYERS)[number] | undefined {
  const name = /^arn:[^:]+:lambda:[^:]*:[^:]*:layer:([^:]+)(?::\d+)?$/.exec(arn)?.[1];
  return name === undefined ? undefined : KNOWN_LAYERS.find((k) => k.name.test(name));
}

/** A folder, or a zip file (`Code.fromAsset('layer.zip')`, extracted as Lambda extracts it). */
function isCodeAsset(p: string): boolean {
  try {
    const stat = fs.statSync(p);
    return stat.isDirectory() || (stat.isFile() && p.endsWith('.zip'));
  } catch {
    return false;
  }
}
