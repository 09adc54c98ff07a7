import * as fs from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, AssetStaging, Aspects, CfnResource, IAspect, Names, Stack, Stage } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../errors';
import { Builder } from './private/build';
import { BundleCache, StoredBundle } from './private/cache';
import { inCacheFolder, relative, toSwitchyardError } from './private/errors';
import { ResolvedBundlingOptions, outputFileName } from './private/options';
import { stderrReporter, writeBundleManifest } from './private/progress';
import type { BuildStats, BundleReport, BundlingEvent, BundlingListener } from './report';

/** Context key (cdk.json or `--context`) for the cache folder, relative to the working dir. */
export const CACHE_DIR_CONTEXT = 'switchyard:cacheDir';

/** One function's code waiting to be bundled at synth; created by `BundledCode`. */
export interface PendingBundle {
  /** The function the code is bound to. */
  readonly scope: Construct;
  /** Absolute path of the entry. */
  readonly entry: string;
  /** Resolved options. */
  readonly options: ResolvedBundlingOptions;
  /** The function's CloudFormation resource, once bound. */
  resource?: CfnResource;
  /** Where the bundle is deployed from, once built and staged. */
  location?: { readonly bucketName: string; readonly objectKey: string };
}

// cx-api's ASSET_RESOURCE_METADATA_ENABLED_CONTEXT, which the CDK CLI sets.
const ASSET_METADATA_CONTEXT = 'aws:cdk:enable-asset-metadata';
const LISTENERS = new Set<BundlingListener>();
const SESSIONS = new WeakMap<IConstruct, BundlingSession>();

/**
 * Collects every `BundledCode` of one stage (an App or a nested Stage) and builds them all at
 * synth, through an aspect on the stage that runs before the template is written.
 *
 * After bundling it writes `switchyard-bundles.json` (see `BundleManifest`) into the stage's
 * cloud assembly folder, and tells listeners (progress output, the CLI's size table).
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

  /**
   * Calls `listener` with the bundling events of every session in this process, for tools
   * that synthesize in-process. Returns a function that removes it.
   */
  public static addListener(listener: BundlingListener): () => void {
    LISTENERS.add(listener);
    return () => LISTENERS.delete(listener);
  }

  private readonly pending: PendingBundle[] = [];
  private readonly reports: BundleReport[] = [];
  private readonly totals: BuildStats = { entries: 0, cacheHits: 0, built: 0, esbuildCalls: 0, npmInstalls: 0 };

  private constructor(private readonly stage: IConstruct) {}

  /** Registers code to build at synth. */
  public add(pending: PendingBundle): void {
    this.pending.push(pending);
  }

  /** Bundle sizes of the functions built so far in this stage. */
  public get bundles(): readonly BundleReport[] {
    return this.reports;
  }

  /** What bundling this stage has cost so far: esbuild builds, cache hits, npm installs. */
  public get stats(): Readonly<BuildStats> {
    return this.totals;
  }

  /** Builds at synth, when the aspect reaches the stage root (before any child). */
  public visit(node: IConstruct): void {
    if (node === this.stage) this.materialize();
  }

  /** Builds every pending entry and stages its asset; safe to call more than once. */
  public materialize(): void {
    const todo = this.pending.filter((p) => !p.location);
    if (todo.length === 0) return;
    const started = Date.now();
    const emit = this.emitter();
    const cache = new BundleCache(
      BundleCache.defaultDir(process.cwd(), this.stage.node.tryGetContext(CACHE_DIR_CONTEXT) as string | undefined),
      process.env.SWITCHYARD_CACHE !== 'off',
    );
    // `cdk synth -e OtherStack` marks the stacks it does not need: skip their bundles.
    const toBuild = todo.filter((p) => Stack.of(p.scope).bundlingRequired);
    const builder = new Builder(cache, process.cwd(), ({ built, toBuild: total }) => emit({ type: 'progress', built, toBuild: total }));
    let bundles: StoredBundle[] = [];
    let placeholders: StoredBundle[] = [];
    const skipped = todo.filter((p) => !toBuild.includes(p));
    try {
      bundles = toBuild.length > 0 ? builder.buildAll(toBuild) : [];
      placeholders = skipped.map((p) => inCacheFolder(cache.dir, () => placeholder(cache, p)));
    } catch (error) {
      throw toSwitchyardError(error, todo, this.stage);
    } finally {
      for (const key of Object.keys(this.totals) as Array<keyof BuildStats>) this.totals[key] += builder.stats[key];
    }
    toBuild.forEach((p, i) => this.attach(p, bundles[i]));
    skipped.forEach((p, i) => this.attach(p, placeholders[i]));

    if (Stage.isStage(this.stage)) writeBundleManifest(this.stage.outdir, { version: 1, stats: { ...this.totals }, bundles: [...this.reports] });
    emit({ type: 'done', stats: { ...this.totals }, durationMs: Date.now() - started, bundles: this.reports });
    this.checkBudgets(toBuild);
  }

  /**
   * Stages the bundle and registers it with the stack's synthesizer. This is what
   * `s3assets.Asset` does, minus the `IBucket` construct it makes for every asset, which nothing
   * here uses and which costs more than the rest of the staging (~1.5 ms a function).
   */
  private attach(p: PendingBundle, bundle: StoredBundle): void {
    const staging = new AssetStaging(p.scope, 'Code', { sourcePath: bundle.dir, assetHash: bundle.hash, assetHashType: AssetHashType.CUSTOM });
    const stack = Stack.of(p.scope);
    const assetPath = staging.relativeStagedPath(stack);
    p.location = stack.synthesizer.addFileAsset({
      packaging: staging.packaging,
      sourceHash: staging.assetHash,
      fileName: assetPath,
      deployTime: true,
      displayName: `${Names.stackRelativeConstructPath(p.scope)}/Code`,
    });
    if (p.resource) {
      // As `Asset.addResourceMetadata` does: tools such as SAM find the code folder from these.
      if (p.scope.node.tryGetContext(ASSET_METADATA_CONTEXT)) {
        p.resource.addMetadata('aws:asset:path', assetPath);
        p.resource.addMetadata('aws:asset:property', 'Code');
      }
      // The folder is already a bundle: tools must not build it again.
      p.resource.addMetadata('aws:asset:is-bundled', true);
    }
    this.reports.push({
      functionPath: p.scope.node.path,
      entry: relative(p.entry),
      size: bundle.size,
      hash: bundle.hash,
      largestInputs: Object.entries(bundle.inputs)
        .map(([file, bytes]) => ({ path: file, bytes }))
        .sort((a, b) => b.bytes - a.bytes)
        .slice(0, 5),
    });
  }

  /** Fails synth (every synth, `Template.fromStack` included) on the first bundle over budget. */
  private checkBudgets(built: PendingBundle[]): void {
    const over = built.flatMap((p) => {
      const report = this.reports.find((r) => r.functionPath === p.scope.node.path);
      return p.options.maxSize !== undefined && report && report.size > p.options.maxSize ? [{ p, report, maxSize: p.options.maxSize }] : [];
    });
    if (over.length === 0) return;
    const { p, report, maxSize } = over[0];
    const top = report.largestInputs.map((i) => `${i.path} (${i.bytes} B)`).join(', ');
    const others = over.length > 1 ? `; also over budget: ${over.slice(1).map((o) => o.p.scope.node.path).join(', ')}` : '';
    throw new SwitchyardError({
      code: ErrorCode.BUNDLE_TOO_LARGE,
      problem: `Bundle of ${report.entry} is ${report.size} bytes, over its budget of ${maxSize} bytes; largest inputs: ${top}${others}`,
      scope: p.scope,
      value: report.size,
      fix: 'mark large dependencies external (bundling.externalModules), import narrower modules, or raise bundling.maxSize',
    });
  }

  private emitter(): BundlingListener {
    const listeners = [...LISTENERS];
    const reporter = stderrReporter();
    if (reporter) listeners.push(reporter);
    return (event: BundlingEvent) => listeners.forEach((listener) => listener(event));
  }
}

/** Stands in for a bundle in stacks the CLI was told not to bundle (`cdk synth -e Other`). */
function placeholder(cache: BundleCache, p: PendingBundle): StoredBundle {
  const dir = path.join(cache.dir, 'placeholder');
  const file = path.join(dir, outputFileName(p.options));
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, '// bundling skipped for this stack\n');
  }
  return { dir, hash: 'placeholder', size: 0, inputs: {} };
}
