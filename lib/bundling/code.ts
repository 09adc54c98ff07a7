import * as fs from 'node:fs';
import * as path from 'node:path';
import { Annotations, AssetHashType, Aspects, CfnResource, IAspect, Lazy, Stack, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { StoredBundle } from './cache';
import { BundleCache } from './cache';
import { Builder } from './build';
import { BundlingOptions, ResolvedBundlingOptions, outputFileName, resolveBundlingOptions } from './options';

/** Metadata key on a function resource: its entry file, relative to the app's working dir. */
export const ENTRY_METADATA_KEY = 'switchyard:entry';
/** Metadata key on a function resource: the bundling options that are plain data. */
export const BUNDLING_METADATA_KEY = 'switchyard:bundling';

/** Size of one function's bundle, as reported after synth. */
export interface BundleReport {
  /** Construct path of the function. */
  readonly functionPath: string;
  /** Entry file, relative to the working directory. */
  readonly entry: string;
  /** Bytes of the bundle's main file. */
  readonly size: number;
  /** The inputs that contribute the most bytes, largest first. */
  readonly largestInputs: Array<{ readonly path: string; readonly bytes: number }>;
}

interface Pending {
  readonly scope: Construct;
  readonly entry: string;
  readonly options: ResolvedBundlingOptions;
  resource?: CfnResource;
  asset?: s3assets.Asset;
}

/**
 * Lambda code bundled from a TypeScript or JavaScript entry by esbuild.
 *
 * Unlike `Code.fromAsset` with bundling, nothing is built when the function is constructed:
 * the entry is registered with its stage's {@link BundlingSession}, and at synth every entry
 * of the stage is built in one batch (see `Builder`), before the asset is staged. The S3
 * location in the template is filled in lazily from that asset.
 */
export class BundledCode extends lambda.Code {
  private pending?: Pending;

  /**
   * @param entry path of the handler file, absolute or relative to the working directory
   * @param options esbuild options
   * @param runtime the function's runtime, which decides esbuild's target
   */
  constructor(
    private readonly entry: string,
    private readonly options: BundlingOptions = {},
    private readonly runtime: lambda.Runtime = lambda.Runtime.NODEJS_24_X,
  ) {
    super();
  }

  /** The handler string for this code: `index.handler` with the default export name. */
  public handlerFor(exportName = 'handler'): string {
    return `index.${exportName}`;
  }

  /** File name of the bundle's main output (`index.mjs` for ESM). */
  public get outputFileName(): string {
    return outputFileName(resolveBundlingOptions(this.options, this.runtime.name));
  }

  public bind(scope: Construct): lambda.CodeConfig {
    if (this.pending && this.pending.scope !== scope) {
      throw new Error(`BundledCode for ${this.entry} is already used by ${this.pending.scope.node.path}; create one per function`);
    }
    if (!this.pending) {
      this.pending = {
        scope,
        entry: path.resolve(this.entry),
        options: resolveBundlingOptions(this.options, this.runtime.name),
      };
      BundlingSession.of(scope).add(this.pending);
    }
    const pending = this.pending;
    const asset = (): s3assets.Asset => {
      if (!pending.asset) {
        throw new Error(`The bundle of ${pending.scope.node.path} is built at synth; its location is not known before (use Template.fromStack or app.synth())`);
      }
      return pending.asset;
    };
    return {
      s3Location: {
        bucketName: Lazy.string({ produce: () => asset().s3BucketName }),
        objectKey: Lazy.string({ produce: () => asset().s3ObjectKey }),
      },
    };
  }

  public bindToResource(resource: CfnResource): void {
    if (!this.pending) return;
    this.pending.resource = resource;
    // Tools that run the app from its template (`switchyard dev --watch`) rebuild from here.
    resource.addMetadata(ENTRY_METADATA_KEY, path.relative(process.cwd(), this.pending.entry).split(path.sep).join('/'));
    const { format, minify, sourceMap, externalModules, target } = this.pending.options;
    resource.addMetadata(BUNDLING_METADATA_KEY, { format, minify, sourceMap, externalModules, target });
  }
}

/**
 * Collects every {@link BundledCode} of one stage (an App or a nested Stage) and builds them
 * all at synth, through an aspect on the stage that runs before the template is written.
 */
export class BundlingSession implements IAspect {
  /** The session of the stage `scope` belongs to, created on first use. */
  public static of(scope: IConstruct): BundlingSession {
    const stage = Stage.of(scope) ?? scope.node.root;
    let session = SESSIONS.get(stage);
    if (!session) {
      session = new BundlingSession(stage);
      SESSIONS.set(stage, session);
      Aspects.of(stage).add(session);
    }
    return session;
  }

  private readonly pending: Pending[] = [];
  private readonly reports: BundleReport[] = [];

  private constructor(private readonly stage: IConstruct) {}

  /** Registers code to build at synth. */
  public add(pending: Pending): void {
    this.pending.push(pending);
  }

  /** Bundle sizes of the functions built so far in this stage. */
  public get bundles(): readonly BundleReport[] {
    return this.reports;
  }

  public visit(node: IConstruct): void {
    if (node === this.stage) this.materialize();
  }

  /** Builds every pending entry and stages its asset; safe to call more than once. */
  public materialize(): void {
    const todo = this.pending.filter((p) => !p.asset);
    if (todo.length === 0) return;
    const toBuild = todo.filter((p) => Stack.of(p.scope).bundlingRequired);
    const cache = new BundleCache(BundleCache.defaultDir(), process.env.SWITCHYARD_CACHE !== 'off');
    const bundles = toBuild.length > 0 ? new Builder(cache).buildAll(toBuild) : [];
    toBuild.forEach((p, i) => this.attach(p, bundles[i]));
    for (const p of todo.filter((q) => !toBuild.includes(q))) this.attach(p, placeholder(cache, p));
  }

  private attach(p: Pending, bundle: StoredBundle): void {
    p.asset = new s3assets.Asset(p.scope, 'Code', {
      path: bundle.dir,
      assetHash: bundle.hash,
      assetHashType: AssetHashType.CUSTOM,
      deployTime: true,
    });
    if (p.resource) {
      p.asset.addResourceMetadata(p.resource, 'Code');
      // The folder is already a bundle: tools such as SAM must not build it again.
      p.resource.addMetadata('aws:asset:is-bundled', true);
    }
    const largestInputs = Object.entries(bundle.inputs)
      .map(([file, bytes]) => ({ path: file, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 5);
    const report: BundleReport = {
      functionPath: p.scope.node.path,
      entry: path.relative(process.cwd(), p.entry),
      size: bundle.size,
      largestInputs,
    };
    this.reports.push(report);
    if (p.options.maxSize !== undefined && bundle.size > p.options.maxSize) {
      const top = largestInputs.map((i) => `${i.path} (${i.bytes} B)`).join(', ');
      Annotations.of(p.scope).addError(
        `Bundle of ${report.entry} is ${bundle.size} bytes, over its budget of ${p.options.maxSize} (bundling.maxSize). ` +
          `Largest inputs: ${top}. Fix: mark large dependencies external, import narrower modules, or raise bundling.maxSize.`,
      );
    }
  }
}

const SESSIONS = new WeakMap<IConstruct, BundlingSession>();

/** Stands in for a bundle in stacks the CLI was told not to bundle (`cdk synth -e Other`). */
function placeholder(cache: BundleCache, p: Pending): StoredBundle {
  const dir = path.join(cache.dir, 'placeholder');
  const file = path.join(dir, outputFileName(p.options));
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, '// bundling skipped for this stack\n');
  }
  return { dir, hash: 'placeholder', size: 0, inputs: {} };
}
