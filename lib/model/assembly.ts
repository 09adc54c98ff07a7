/**
 * Reading a cloud assembly directory: the manifest, each stack's template and asset manifest,
 * including stacks of nested assemblies (CDK `Stage`s). No interpretation of resources here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CfnTemplate } from './intrinsics';

/** One stack of the assembly, loaded. */
export interface LoadedStack {
  /** The artifact id (what the manifest calls the stack). */
  readonly id: string;
  /** The CloudFormation stack name (`stackName` property, else the artifact id). */
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** The directory the stack's template and asset folders are relative to. */
  readonly dir: string;
  /** Asset object key (`<hash>.zip`) -> absolute path of the staged asset. */
  readonly assetsByObjectKey: ReadonlyMap<string, string>;
  /**
   * The account and region the stack is bound to (the manifest's `environment`,
   * `aws://<account>/<region>`); each is absent where the stack is environment-agnostic
   * (`unknown-account`, `unknown-region`): the local runtime then gives it its defaults.
   */
  readonly environment: { readonly account?: string; readonly region?: string };
}

/** Thrown when a directory is not a readable cloud assembly. */
export class AssemblyError extends Error {
  /** Stable code for callers that switch on errors. */
  readonly code = 'InvalidCloudAssembly';
  constructor(message: string) {
    super(message);
    this.name = 'AssemblyError';
  }
}

interface ManifestArtifact {
  readonly type: string;
  readonly properties?: Record<string, unknown>;
  readonly displayName?: string;
  readonly dependencies?: readonly string[];
  readonly environment?: string;
}

interface AssetManifest {
  readonly files?: Record<string, { source?: { path?: string }; destinations?: Record<string, { objectKey?: string }> }>;
}

/**
 * Loads every CloudFormation stack of the assembly at `dir`, in manifest order
 * (which lists dependencies first).
 */
export function loadAssembly(dir: string): LoadedStack[] {
  const abs = path.resolve(dir);
  const manifestPath = path.join(abs, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new AssemblyError(`${abs} is not a cloud assembly: it has no manifest.json. Run 'cdk synth' or pass --assembly <cdk.out dir>.`);
  }
  const manifest = readJson<{ artifacts?: Record<string, ManifestArtifact> }>(manifestPath);
  const artifacts = manifest.artifacts ?? {};
  const stacks: LoadedStack[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly') {
      const nested = String(artifact.properties?.directoryName ?? '');
      if (nested) stacks.push(...loadAssembly(path.join(abs, nested)));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const props = artifact.properties ?? {};
    const templateFile = String(props.templateFile ?? `${id}.template.json`);
    const template = readJson<CfnTemplate>(path.join(abs, templateFile));
    stacks.push({
      id,
      stackName: typeof props.stackName === 'string' ? props.stackName : id,
      template,
      dir: abs,
      assetsByObjectKey: assetIndex(abs, artifacts, artifact),
      environment: environmentOf(artifact.environment),
    });
  }
  return stacks;
}

/** `aws://123456789012/us-west-2` -> its account and region; CDK's `unknown-*` placeholders (and tokens) are absent. */
function environmentOf(env: string | undefined): LoadedStack['environment'] {
  const m = /^aws:\/\/([^/]*)\/([^/]*)$/.exec(env ?? '');
  if (!m) return {};
  const account = /^\d{12}$/.test(m[1]) ? m[1] : undefined;
  const region = /^[a-z]{2}(-[a-z]+)+-\d+$/.test(m[2]) ? m[2] : undefined;
  return { account, region };
}

/** Maps asset object keys to staged asset folders through the stack's `*.assets.json`. */
function assetIndex(dir: string, artifacts: Record<string, ManifestArtifact>, stack: ManifestArtifact): Map<string, string> {
  const index = new Map<string, string>();
  for (const dep of stack.dependencies ?? []) {
    const a = artifacts[dep];
    if (a?.type !== 'cdk:asset-manifest') continue;
    const file = path.join(dir, String(a.properties?.file ?? `${dep}.json`));
    if (!fs.existsSync(file)) continue;
    const assets = readJson<AssetManifest>(file);
    for (const [hash, entry] of Object.entries(assets.files ?? {})) {
      const source = entry.source?.path;
      if (!source) continue;
      const staged = path.resolve(dir, source);
      index.set(`${hash}.zip`, staged);
      index.set(hash, staged);
      for (const dest of Object.values(entry.destinations ?? {})) {
        if (dest.objectKey) index.set(dest.objectKey, staged);
      }
    }
  }
  return index;
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new AssemblyError(`Cannot read ${file}: ${(err as Error).message}`);
  }
}
