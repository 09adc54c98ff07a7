import * as path from 'node:path';
import { CfnResource, Lazy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../errors';
import type { BundlingOptions } from './options';
import { outputFileName, resolveBundlingOptions } from './private/options';
import { BundlingSession, PendingBundle } from './session';

/** Metadata key on a function resource: its entry file, relative to the app's working dir. */
export const ENTRY_METADATA_KEY = 'switchyard:entry';
/** Metadata key on a function resource: the bundling options that are plain data. */
export const BUNDLING_METADATA_KEY = 'switchyard:bundling';

/**
 * Lambda code bundled from a TypeScript or JavaScript entry by esbuild.
 *
 * Unlike `Code.fromAsset` with bundling, nothing is built when the function is constructed:
 * the entry is registered with its stage's {@link BundlingSession}, and at synth every entry
 * of the stage is built in one batch (see `Builder`), before the asset is staged. The S3
 * location in the template is filled in lazily from that asset.
 */
export class BundledCode extends lambda.Code {
  private pending?: PendingBundle;

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
      throw new SwitchyardError({
        code: ErrorCode.BUNDLED_CODE_MISUSE,
        problem: `This BundledCode is already the code of ${this.pending.scope.node.path}`,
        scope,
        value: this.entry,
        fix: 'create one BundledCode per function (new BundledCode(entry, options) for each); equal entries and options are still built once',
      });
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
    const location = (): NonNullable<PendingBundle['location']> => {
      if (!pending.location) {
        throw new SwitchyardError({
          code: ErrorCode.BUNDLED_CODE_MISUSE,
          problem: 'The S3 location of the bundle was read before synth; bundles are built at synth, all at once',
          scope: pending.scope,
          value: path.relative(process.cwd(), pending.entry),
          fix: 'resolve the template through synthesis (Template.fromStack(stack), app.synth()) rather than stack.resolve() before it',
        });
      }
      return pending.location;
    };
    return {
      s3Location: {
        bucketName: Lazy.string({ produce: () => location().bucketName }),
        objectKey: Lazy.string({ produce: () => location().objectKey }),
      },
    };
  }

  public bindToResource(resource: CfnResource): void {
    if (!this.pending) return;
    this.pending.resource = resource;
    // Tools that run the app from its template (`switchyard dev --watch`) rebuild from here.
    resource.addMetadata(ENTRY_METADATA_KEY, path.relative(process.cwd(), this.pending.entry).split(path.sep).join('/'));
    const { format, minify, sourceMap, externalModules, nodeModules, target } = this.pending.options;
    // Installed modules are external to esbuild, and a rebuild must keep them so.
    resource.addMetadata(BUNDLING_METADATA_KEY, { format, minify, sourceMap, externalModules: [...externalModules, ...nodeModules], target });
  }
}
