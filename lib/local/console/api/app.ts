/** The console's JSON API: `GET /api/app` (see api-types.ts). */

/** One HTTP route (HTTP API or REST API), or a function URL. */
export interface RouteInfo {
  /** The API's name as `dev` prints it. */
  readonly api: string;
  readonly kind: 'http' | 'rest' | 'function-url';
  /** `GET`, `POST`, ..., `ANY`. */
  readonly method: string;
  /** The path as the route declares it (`/items/{id}`, `/{proxy+}`); `/*` for `$default`. */
  readonly path: string;
  /** The URL to call (the API's local base URL and the path). */
  readonly url: string;
  /** The local port the API listens on. */
  readonly port: number;
  /** `NONE`, `JWT`, `CUSTOM` (a Lambda authorizer), `AWS_IAM`, or `API_KEY` (REST). */
  readonly authorization: string;
  /** The function it invokes (display name), when it invokes one. */
  readonly function?: string;
}

/** One function and its instances now. */
export interface FunctionInfo {
  /** The name `dev` prints (and every route of this API accepts). */
  readonly name: string;
  /** The physical function name. */
  readonly functionName: string;
  readonly arn: string;
  readonly runtime: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency?: number;
  /** Instances started now: idle (warm) and running a call (busy). */
  readonly instances: { readonly warm: number; readonly busy: number };
}

/** A rule or schedule target. */
export interface TargetInfo {
  readonly arn: string;
  /** The display name of the function or queue, else the ARN. */
  readonly name: string;
  readonly kind: 'function' | 'queue' | 'other';
  /** Why the local runtime does not deliver to it (another service), when it does not. */
  readonly notServed?: string;
  /** The target's dead-letter queue (display name). */
  readonly deadLetterQueue?: string;
}

/** A rule with an event pattern. */
export interface RuleInfo {
  readonly name: string;
  readonly arn: string;
  /** The bus's display name. */
  readonly bus: string;
  readonly pattern: unknown;
  /** `ENABLED`, `DISABLED`. */
  readonly state: string;
  readonly targets: readonly TargetInfo[];
  /** Set when the pattern is invalid (the rule never matches). */
  readonly invalid?: string;
}

/** A schedule rule or an EventBridge Scheduler schedule. */
export interface ScheduleInfo {
  /** The name `dev` prints; `POST /api/schedules/:name/trigger` takes it. */
  readonly name: string;
  readonly kind: 'rule' | 'scheduler';
  /** `rate(5 minutes)`, `cron(...)`, `at(...)`. */
  readonly expression: string;
  readonly timeZone: string;
  /** The next firing (ISO), absent when disabled, done or invalid. */
  readonly nextRun?: string;
  readonly state: string;
  readonly targets: readonly TargetInfo[];
  /** Why the expression cannot run locally. */
  readonly error?: string;
}

/** One SQS queue and its depth now. */
export interface QueueInfo {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly fifo: boolean;
  /** Messages visible, in flight (received, not deleted), and delayed. */
  readonly depth: { readonly visible: number; readonly inFlight: number; readonly delayed: number };
  /** True when some target, function or queue of the app dead-letters into it. */
  readonly deadLetterQueue: boolean;
}

/** One DynamoDB table. */
export interface TableInfo {
  readonly name: string;
  /** The physical table name (what `GET /api/tables/:name/items` also accepts). */
  readonly tableName: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Items now (read from the local store). */
  readonly itemCount?: number;
}

/** `GET /api/app`: the app at a glance. */
export interface AppOverview {
  readonly region: string;
  readonly accountId: string;
  /** The AWS-compatible endpoint's base URL. */
  readonly awsEndpoint: string;
  readonly routes: readonly RouteInfo[];
  readonly functions: readonly FunctionInfo[];
  readonly buses: readonly string[];
  readonly rules: readonly RuleInfo[];
  readonly schedules: readonly ScheduleInfo[];
  readonly queues: readonly QueueInfo[];
  readonly tables: readonly TableInfo[];
  /** The Mermaid flowchart `switchyard diagram` prints. */
  readonly diagram: string;
  /** Deliveries by state (the ledger's counts). */
  readonly deliveries: Readonly<Record<string, number>>;
}
