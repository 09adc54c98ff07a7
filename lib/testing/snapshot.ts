import type { NewPlugin } from 'pretty-format';

/**
 * Stable snapshots of synthesized templates.
 *
 * A template embeds values derived from asset contents: S3 keys (`<sha256>.zip`), asset
 * paths (`asset.<sha256>`), Lambda version logical ids (`...CurrentVersion<hash>`), and
 * CDK's own asset parameters. Any handler edit changes them, so a raw snapshot churns on
 * every code change and hides the changes that matter. `normalizeTemplate` replaces them
 * with placeholders that keep distinct hashes distinct (`[HASH 1]`, `[HASH 2]`, ...), so the
 * snapshot still shows which functions share an asset.
 */

/** What {@link normalizeTemplate} may also strip. */
export interface NormalizeOptions {
  /**
   * Metadata keys removed from every resource (CDK's construct path and asset metadata vary
   * with tooling rather than with the app).
   * @default ['aws:asset:path', 'aws:asset:is-bundled', 'aws:asset:property', 'aws:cdk:path']
   */
  readonly dropMetadata?: string[];
  /**
   * Drop CDK's version-reporting resource (`AWS::CDK::Metadata`) and its condition.
   * @default true
   */
  readonly dropCdkMetadata?: boolean;
}

const DEFAULT_DROPPED_METADATA = ['aws:asset:path', 'aws:asset:is-bundled', 'aws:asset:property', 'aws:cdk:path'];
// sha256 hex digests (asset hashes) and the 32-hex suffix CDK appends to version logical ids.
const HASH = /(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])/g;
const VERSION_ID = /(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}/g;

/** Returns a copy of `template` with asset hashes and hash-derived names replaced by placeholders. */
export function normalizeTemplate<T>(template: T, options: NormalizeOptions = {}): T {
  const dropMetadata = new Set(options.dropMetadata ?? DEFAULT_DROPPED_METADATA);
  const hashes = new Map<string, string>();
  const placeholder = (hash: string): string => {
    if (!hashes.has(hash)) hashes.set(hash, `[HASH ${hashes.size + 1}]`);
    return hashes.get(hash)!;
  };
  const text = (value: string): string => value.replace(HASH, placeholder).replace(VERSION_ID, '$1[VERSION]');

  const visit = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map((item) => visit(item));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (key === 'Metadata' && dropMetadata.has(k)) continue;
        out[text(k)] = visit(v, k);
      }
      return out;
    }
    return value;
  };

  const copy = visit(template) as Record<string, unknown>;
  if (options.dropCdkMetadata ?? true) {
    const resources = copy.Resources as Record<string, { Type?: string }> | undefined;
    for (const [id, resource] of Object.entries(resources ?? {})) {
      if (resource.Type === 'AWS::CDK::Metadata') delete resources![id];
    }
    const conditions = copy.Conditions as Record<string, unknown> | undefined;
    if (conditions) delete conditions.CDKMetadataAvailable;
  }
  return copy as T;
}

/** True for something shaped like a CloudFormation template. */
export function isTemplate(value: unknown): value is { Resources: Record<string, unknown> } {
  return typeof value === 'object' && value !== null && 'Resources' in value && typeof (value as { Resources: unknown }).Resources === 'object';
}


const normalized = new WeakSet<object>();

/**
 * A Jest snapshot serializer that normalizes every CloudFormation template it sees.
 *
 * @example
 * import { templateSerializer } from 'switchyard/testing';
 * expect.addSnapshotSerializer(templateSerializer);
 * expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
 */
export const templateSerializer: NewPlugin = {
  test: (value) => isTemplate(value) && !normalized.has(value as object),
  serialize: (value, config, indentation, depth, refs, printer) => {
    const clean = normalizeTemplate(value) as object;
    normalized.add(clean);
    return printer(clean, config, indentation, depth, refs);
  },
};
