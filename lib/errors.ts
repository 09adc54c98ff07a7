import { IConstruct } from 'constructs';

/**
 * Stable codes for every synth-time error Switchyard throws.
 *
 * Codes never change meaning once released, so users and tooling can match on them.
 */
export enum ErrorCode {
  /** A route key is not `METHOD /path` or `$default`, or its path is malformed. */
  INVALID_ROUTE_KEY = 'SY100',
  /** Two routes share a method and path. */
  DUPLICATE_ROUTE = 'SY101',
  /** A handler entry file does not exist. */
  ENTRY_NOT_FOUND = 'SY110',
  /** A function, subscription or schedule name is used twice, or is not a valid construct id. */
  DUPLICATE_NAME = 'SY111',
  /** A route or target names a function that was never declared. */
  UNKNOWN_FUNCTION = 'SY112',
  /** A Python entry's module cannot be imported by that name, or does not define the handler function. */
  PYTHON_HANDLER_NOT_FOUND = 'SY113',
  /** A function's runtime cannot run its entry: another language's runtime, or a Python version Lambda no longer offers. */
  UNSUPPORTED_RUNTIME = 'SY114',
  /** An event pattern (or a queue's or stream's filter criteria) is rejected by EventBridge's or Lambda's rules. */
  INVALID_EVENT_PATTERN = 'SY120',
  /** A schedule expression is neither a valid `rate(...)` nor `cron(...)` (nor, on EventBridge Scheduler, `at(...)`). */
  INVALID_SCHEDULE = 'SY130',
  /** A schedule's time zone is not an IANA time zone name. */
  INVALID_TIME_ZONE = 'SY131',
  /** A numeric or duration prop is outside what AWS accepts. */
  OUT_OF_RANGE = 'SY140',
  /** An AWS service quota would be exceeded at deploy time. */
  QUOTA_EXCEEDED = 'SY150',
  /** A prop combination is contradictory or incomplete. */
  INVALID_PROPS = 'SY160',
  /** A function prop Switchyard sets itself (`code`, `logGroup`, `loggingFormat`, ...), or a per-function prop given in `functionDefaults`. */
  RESERVED_PROP = 'SY161',
  /** An option that needs a function defined in this app (`environment`, `deployment`, ...) was given for an imported function or an alias. */
  IMPORTED_FUNCTION = 'SY162',
  /** A function's bundle is larger than its `bundling.maxSize` budget. */
  BUNDLE_TOO_LARGE = 'SY170',
  /** esbuild could not bundle a function's entry, or could not run at all. */
  BUNDLING_FAILED = 'SY171',
  /** A bundling option cannot be honoured: a plugin module not found, a `nodeModules` package the lock file does not pin, or npm failing to install it. */
  INVALID_BUNDLING_OPTIONS = 'SY172',
  /** A `BundledCode` was given to a second function, or its location was read before synth. */
  BUNDLED_CODE_MISUSE = 'SY173',
  /** The bundle cache folder cannot be written. */
  BUNDLE_CACHE_UNWRITABLE = 'SY174',
  /** A Python function's package could not be made: pip missing, or failing to install `requirements.txt` for Lambda's platform. */
  PYTHON_PACKAGING_FAILED = 'SY175',
  /** An HTTP authorization setting is invalid: issuer, audience, scopes, identity source, cache TTL, or a route left open by omission. */
  INVALID_AUTH = 'SY180',
  /** A CORS setting is invalid: a wildcard origin with credentials, an origin that is not a URL, a bad method or max age. */
  INVALID_CORS = 'SY181',
  /** A secret or parameter reference given to a function is invalid. */
  INVALID_SECRET = 'SY182',
  /** A queue or table stream event source that Lambda or SQS would refuse: batch size, batching window, FIFO and dead-letter queue types, starting position, a table without a stream. */
  INVALID_EVENT_SOURCE = 'SY190',
  /** A queue's visibility timeout is shorter than AWS advises for its consumer: six times the function's timeout plus the batching window. */
  VISIBILITY_TIMEOUT_TOO_SHORT = 'SY191',
  /** A discovery setting SSM would refuse: an app name or namespace that is not a parameter path, a reserved prefix, an account that is not one. */
  INVALID_DISCOVERY = 'SY200',
  /** Events forwarded from another app and a subscription taking them `through` that forwarding cannot match a same event. */
  FORWARDED_EVENTS_UNMATCHED = 'SY201',
  /** A region setting that cannot deploy: a secondary region equal to the primary or in another partition, a region-agnostic stack where a concrete region is needed, a malformed region name. */
  INVALID_REGION = 'SY210',
}

/**
 * Stable codes of Switchyard's synth-time warnings: `Annotations` warnings whose message starts
 * with `[SYxxx]`, added under the id `switchyard:SYxxx` (see each code for its exact id), so
 * that each can be acknowledged with `Annotations.of(scope).acknowledgeWarning(id, reason)`.
 */
export enum WarningCode {
  /**
   * A subscription's pattern matches none of the app's defined events (by `source` and
   * `detail-type`). Id `switchyard:SY121`, on the subscription's rule.
   */
  PATTERN_MATCHES_NO_EVENT = 'SY121',
  /**
   * A defined event (given in `events` or to `registerEvent`) that no subscription of the app
   * matches. Id `switchyard:SY122:<source>@<detailType>`, on the EventApp.
   */
  EVENT_WITHOUT_SUBSCRIBER = 'SY122',
}

/** What a {@link SwitchyardError} is about: enough to act on without reading the source. */
export interface SwitchyardErrorDetails {
  /** The stable error code. */
  readonly code: ErrorCode;
  /** What is wrong, in one sentence, without the value. */
  readonly problem: string;
  /** The construct the bad value was given to. */
  readonly scope: IConstruct;
  /** The offending value, as given. */
  readonly value: unknown;
  /** How to fix it: the prop to change and what it accepts. */
  readonly fix: string;
}

/**
 * The one error class of Switchyard's construct layer.
 *
 * Its message names the problem, the construct path, the bad value and the fix, e.g.
 * `[SY100] Invalid route key at Stack/Shop: "FETCH /x". Unknown method "FETCH". Fix: ...`.
 */
export class SwitchyardError extends Error {
  /** The stable error code. */
  public readonly code: ErrorCode;
  /** Path of the construct the bad value was given to. */
  public readonly constructPath: string;
  /** The offending value. */
  public readonly value: unknown;
  /** How to fix it. */
  public readonly fix: string;

  constructor(details: SwitchyardErrorDetails) {
    const where = details.scope.node.path || '<root>';
    super(`[${details.code}] ${details.problem} at ${where}: ${describe(details.value)}. Fix: ${details.fix}`);
    this.name = 'SwitchyardError';
    this.code = details.code;
    this.constructPath = where;
    this.value = details.value;
    this.fix = details.fix;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 300 ? `${text.slice(0, 297)}...` : text;
  } catch {
    return String(value);
  }
}
