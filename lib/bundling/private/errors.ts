import * as path from 'node:path';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';

/** One entry esbuild could not bundle, with its formatted messages (`file:line:column: ...`). */
export interface EntryFailure {
  /** Absolute path of the entry. */
  readonly entry: string;
  /** esbuild's messages, formatted without color. */
  readonly messages: string;
}

/** Why entries failed to bundle: each failing entry with esbuild's messages. */
export class BundleBuildError extends Error {
  constructor(public readonly failures: EntryFailure[]) {
    super(failures.map((f) => `esbuild failed for ${relative(f.entry)}:\n${f.messages}`).join('\n'));
    this.name = 'BundleBuildError';
  }

  /** The failing entries. */
  public get entries(): string[] {
    return this.failures.map((f) => f.entry);
  }
}

/** What a {@link BundlingProblem} is about, as a `SwitchyardError` will say it. */
export interface BundlingProblemDetails {
  /** The stable error code. */
  readonly code: ErrorCode;
  /** What is wrong, in one sentence. */
  readonly problem: string;
  /** The offending value: a module, package names, a folder. */
  readonly value: unknown;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * A failure of bundling that is not esbuild reporting on the code: a plugin module that
 * cannot be found, a package the lock file does not pin, npm failing, a cache folder that
 * cannot be written, esbuild itself failing to run.
 *
 * The builder knows entry files, not constructs; the session turns this into a
 * `SwitchyardError` on the functions whose entries it names (see {@link toSwitchyardError}).
 */
export class BundlingProblem extends Error {
  constructor(
    public readonly details: BundlingProblemDetails,
    /** Absolute paths of the entries concerned; empty when not known yet. */
    public readonly entries: readonly string[] = [],
  ) {
    super(details.problem);
    this.name = 'BundlingProblem';
  }

  /** The same problem, about these entries (kept when already known). */
  public about(entries: readonly string[]): BundlingProblem {
    return this.entries.length > 0 ? this : new BundlingProblem(this.details, entries);
  }
}

/**
 * Runs `step`, turning a failure to read or write the cache folder into a
 * {@link BundlingProblem} that says which folder and how to choose another.
 */
export function inCacheFolder<T>(dir: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof BundlingProblem || typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
    throw new BundlingProblem({
      code: ErrorCode.BUNDLE_CACHE_UNWRITABLE,
      problem: `The bundle cache folder cannot be written (${(error as Error).message})`,
      value: dir,
      fix: 'set the SWITCHYARD_CACHE_DIR environment variable (or the switchyard:cacheDir context key) to a folder this process can write',
    });
  }
}

/** A function waiting for its bundle: its construct and its entry file. */
export interface BundleOwner {
  /** The function. */
  readonly scope: IConstruct;
  /** Absolute path of its entry. */
  readonly entry: string;
}

/**
 * The `SwitchyardError` for a failure of `Builder.buildAll`, on the first function it
 * concerns and naming every other; anything else is returned as it is.
 *
 * @param owners the functions being bundled
 * @param fallback where the error is reported when no function is concerned
 */
export function toSwitchyardError(error: unknown, owners: readonly BundleOwner[], fallback: IConstruct): unknown {
  if (error instanceof BundleBuildError) return esbuildError(error, owners, fallback);
  if (!(error instanceof BundlingProblem)) return error;
  const concerned = owners.filter((o) => error.entries.includes(o.entry));
  const others = concerned.slice(1).map((o) => o.scope.node.path);
  return new SwitchyardError({
    ...error.details,
    problem: others.length > 0 ? `${error.details.problem}; also concerns ${others.join(', ')}` : error.details.problem,
    scope: concerned[0]?.scope ?? owners[0]?.scope ?? fallback,
  });
}

/** Names the functions whose entries failed, with esbuild's file:line messages. */
function esbuildError(error: BundleBuildError, owners: readonly BundleOwner[], fallback: IConstruct): SwitchyardError {
  const failing = owners.filter((o) => error.entries.includes(o.entry));
  const details = error.failures
    .map((f) => {
      const functions = owners.filter((o) => o.entry === f.entry).map((o) => o.scope.node.path);
      return `${functions.join(', ')} (${relative(f.entry)}):\n${f.messages}`;
    })
    .join('\n');
  return new SwitchyardError({
    code: ErrorCode.BUNDLING_FAILED,
    problem: `esbuild could not bundle ${failing.length === 1 ? 'the function' : `${failing.length} functions`}:\n${details}\n`,
    scope: failing[0]?.scope ?? fallback,
    value: relative(error.entries[0]),
    fix: 'correct the code at the location esbuild names, install the missing package, or mark it external (bundling.externalModules)',
  });
}

/** `file` relative to the working directory, with `/` separators. */
export function relative(file: string): string {
  return path.relative(process.cwd(), file).split(path.sep).join('/');
}
