import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AppFunctionProps, BundledCode, ErrorCode, EventApp, GlobalEndpoint, WarningCode } from '../../lib';
import { thrown } from '../support/thrown';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';
const PY_REPORT = 'test/fixtures/python/report/app.py';
const KEY = { name: 'id', type: dynamodb.AttributeType.STRING };

interface Case {
  readonly name: string;
  readonly code: ErrorCode;
  /** A fragment the message must contain: the bad value or the reason. */
  readonly mentions: string;
  readonly build: (app: EventApp) => unknown;
}

const cases: Case[] = [
  { name: 'unknown HTTP method', code: ErrorCode.INVALID_ROUTE_KEY, mentions: 'unknown method "FETCH"', build: (a) => a.addRoute('FETCH /x', HELLO) },
  { name: 'lower-case method', code: ErrorCode.INVALID_ROUTE_KEY, mentions: 'unknown method "get"', build: (a) => a.addRoute('get /x', HELLO) },
  { name: 'path without leading slash', code: ErrorCode.INVALID_ROUTE_KEY, mentions: 'must start with "/"', build: (a) => a.addRoute('GET orders', HELLO) },
  { name: 'no path at all', code: ErrorCode.INVALID_ROUTE_KEY, mentions: '"METHOD /path"', build: (a) => a.addRoute('GET', HELLO) },
  { name: 'trailing slash', code: ErrorCode.INVALID_ROUTE_KEY, mentions: 'trailing "/"', build: (a) => a.addRoute('GET /orders/', HELLO) },
  { name: 'greedy parameter not last', code: ErrorCode.INVALID_ROUTE_KEY, mentions: 'must be the last segment', build: (a) => a.addRoute('GET /{proxy+}/x', HELLO) },
  { name: 'parameter used twice', code: ErrorCode.INVALID_ROUTE_KEY, mentions: 'used twice', build: (a) => a.addRoute('GET /{id}/{id}', HELLO) },
  {
    name: 'duplicate route',
    code: ErrorCode.DUPLICATE_ROUTE,
    mentions: 'Duplicate route',
    build: (a) => {
      a.addRoute('GET /orders', HELLO);
      a.addRoute('GET /orders', OTHER);
    },
  },
  {
    name: 'routes differing only in parameter names',
    code: ErrorCode.DUPLICATE_ROUTE,
    mentions: 'conflicts with "GET /orders/{id}"',
    build: (a) => {
      a.addRoute('GET /orders/{id}', HELLO);
      a.addRoute('GET /orders/{orderId}', OTHER);
    },
  },
  { name: 'missing entry file', code: ErrorCode.ENTRY_NOT_FOUND, mentions: 'lambdas/nope.ts', build: (a) => a.addFunction('Nope', 'lambdas/nope.ts') },
  { name: 'missing Python entry file', code: ErrorCode.ENTRY_NOT_FOUND, mentions: 'lambdas/report/app.py', build: (a) => a.addFunction('Report', 'lambdas/report/app.py') },
  { name: 'Python handler function not defined', code: ErrorCode.PYTHON_HANDLER_NOT_FOUND, mentions: 'does not define the handler function', build: (a) => a.addFunction('Report', { entry: PY_REPORT, handler: 'monthly' }) },
  { name: 'Python handler in Node.js export form', code: ErrorCode.INVALID_PROPS, mentions: '"app.lambda_handler"', build: (a) => a.addFunction('Report', { entry: PY_REPORT, handler: 'app.lambda_handler' }) },
  { name: 'Node.js runtime for a Python entry', code: ErrorCode.UNSUPPORTED_RUNTIME, mentions: 'not a Python runtime', build: (a) => a.addFunction('Report', { entry: PY_REPORT, runtime: lambda.Runtime.NODEJS_22_X }) },
  { name: 'retired Python runtime', code: ErrorCode.UNSUPPORTED_RUNTIME, mentions: 'Lambda no longer offers', build: (a) => a.addFunction('Report', { entry: PY_REPORT, runtime: lambda.Runtime.PYTHON_3_8 }) },
  { name: 'Python runtime for a TypeScript entry', code: ErrorCode.UNSUPPORTED_RUNTIME, mentions: 'not a Python module', build: (a) => a.addFunction('Hello', { entry: HELLO, runtime: lambda.Runtime.PYTHON_3_13 }) },
  { name: 'a requirement pip cannot install', code: ErrorCode.PYTHON_PACKAGING_FAILED, mentions: 'pip could not install requirements.txt', build: (a) => a.addFunction('Bad', 'test/fixtures/python/bad-deps/app.py') },
  {
    name: 'duplicate function name',
    code: ErrorCode.DUPLICATE_NAME,
    mentions: 'Duplicate function name',
    build: (a) => {
      a.addFunction('Hello', HELLO);
      a.addFunction('Hello', OTHER);
    },
  },
  {
    name: 'duplicate subscription name',
    code: ErrorCode.DUPLICATE_NAME,
    mentions: 'Duplicate subscription or schedule name',
    build: (a) => {
      a.addSubscription('On', { pattern: { source: ['a'] }, handler: HELLO });
      a.addSchedule('On', { schedule: 'rate(1 hour)', handler: OTHER });
    },
  },
  { name: 'name that is not an id', code: ErrorCode.DUPLICATE_NAME, mentions: 'Invalid function name', build: (a) => a.addFunction('has space', HELLO) },
  { name: 'unknown function name', code: ErrorCode.UNKNOWN_FUNCTION, mentions: '"Missing"', build: (a) => a.addRoute('GET /x', 'Missing') },
  {
    name: 'unknown pattern operator',
    code: ErrorCode.INVALID_EVENT_PATTERN,
    mentions: 'Invalid event pattern',
    build: (a) => a.addSubscription('S', { pattern: { detail: { amount: [{ between: [1, 2] }] } }, handler: HELLO }),
  },
  { name: 'empty array in pattern', code: ErrorCode.INVALID_EVENT_PATTERN, mentions: 'Invalid event pattern', build: (a) => a.addSubscription('S', { pattern: { source: [] }, handler: HELLO }) },
  {
    name: 'malformed numeric range',
    code: ErrorCode.INVALID_EVENT_PATTERN,
    mentions: 'Invalid event pattern',
    build: (a) => a.addSubscription('S', { pattern: { detail: { amount: [{ numeric: ['>', 'ten'] }] } }, handler: HELLO }),
  },
  {
    name: 'numeric range with lower bound above upper',
    code: ErrorCode.INVALID_EVENT_PATTERN,
    mentions: 'Invalid event pattern',
    build: (a) => a.addSubscription('S', { pattern: { detail: { amount: [{ numeric: ['>', 10, '<', 5] }] } }, handler: HELLO }),
  },
  { name: 'empty pattern', code: ErrorCode.INVALID_EVENT_PATTERN, mentions: 'Empty event pattern', build: (a) => a.addSubscription('S', { pattern: {}, handler: HELLO }) },
  { name: 'schedule neither rate nor cron', code: ErrorCode.INVALID_SCHEDULE, mentions: 'expected rate(...) or cron(...)', build: (a) => a.addSchedule('S', { schedule: 'every day', handler: HELLO }) },
  { name: 'rate with plural unit of 1', code: ErrorCode.INVALID_SCHEDULE, mentions: 'singular unit', build: (a) => a.addSchedule('S', { schedule: 'rate(1 hours)', handler: HELLO }) },
  { name: 'rate with unknown unit', code: ErrorCode.INVALID_SCHEDULE, mentions: 'rate(value unit)', build: (a) => a.addSchedule('S', { schedule: 'rate(5 weeks)', handler: HELLO }) },
  { name: 'cron with five fields', code: ErrorCode.INVALID_SCHEDULE, mentions: 'got 5', build: (a) => a.addSchedule('S', { schedule: 'cron(0 2 * * *)', handler: HELLO }) },
  { name: 'cron without "?"', code: ErrorCode.INVALID_SCHEDULE, mentions: 'exactly one of day-of-month', build: (a) => a.addSchedule('S', { schedule: 'cron(0 2 * * * *)', handler: HELLO }) },
  { name: 'cron hour out of range', code: ErrorCode.INVALID_SCHEDULE, mentions: 'hours value "25"', build: (a) => a.addSchedule('S', { schedule: 'cron(0 25 * * ? *)', handler: HELLO }) },
  { name: 'one-time schedule of a day that does not exist', code: ErrorCode.INVALID_SCHEDULE, mentions: 'at(yyyy-mm-ddThh:mm:ss)', build: (a) => a.addSchedule('S', { schedule: 'at(2030-02-30T10:00:00)', handler: HELLO }) },
  { name: 'schedule time zone that is not IANA', code: ErrorCode.INVALID_TIME_ZONE, mentions: 'not an IANA time zone', build: (a) => a.addSchedule('S', { schedule: 'cron(0 2 * * ? *)', timeZone: 'Mars/Olympus', handler: HELLO }) },
  { name: 'schedule with both an expression and at', code: ErrorCode.INVALID_PROPS, mentions: 'either "schedule"', build: (a) => a.addSchedule('S', { schedule: 'rate(1 hour)', at: new Date('2030-01-01T00:00:00Z'), handler: HELLO }) },
  { name: 'schedule with neither an expression nor at', code: ErrorCode.INVALID_PROPS, mentions: 'either "schedule"', build: (a) => a.addSchedule('S', { handler: HELLO }) },
  {
    name: 'rule schedule with a Scheduler option',
    code: ErrorCode.INVALID_PROPS,
    mentions: "kind 'rule' cannot take timeZone",
    build: (a) => a.addSchedule('S', { kind: 'rule', schedule: 'rate(1 hour)', handler: HELLO, ...({ timeZone: 'Europe/Paris' } as object) }),
  },
  { name: 'flexible window over a day', code: ErrorCode.OUT_OF_RANGE, mentions: 'flexibleWindow', build: (a) => a.addSchedule('S', { schedule: 'rate(1 hour)', flexibleWindow: Duration.hours(25), handler: HELLO }) },
  {
    name: 'schedule ending before it starts',
    code: ErrorCode.INVALID_PROPS,
    mentions: 'endDate must be after startDate',
    build: (a) => a.addSchedule('S', { schedule: 'rate(1 hour)', startDate: new Date('2030-01-02'), endDate: new Date('2030-01-01'), handler: HELLO }),
  },
  { name: 'timeout over 15 minutes', code: ErrorCode.OUT_OF_RANGE, mentions: 'timeout', build: (a) => a.addFunction('Slow', { entry: HELLO, timeout: Duration.minutes(16) }) },
  { name: 'memory below 128 MB', code: ErrorCode.OUT_OF_RANGE, mentions: 'memorySize', build: (a) => a.addFunction('Tiny', { entry: HELLO, memorySize: 64 }) },
  {
    name: 'retry attempts over 185',
    code: ErrorCode.OUT_OF_RANGE,
    mentions: 'retryAttempts',
    build: (a) => a.addSubscription('S', { pattern: { source: ['a'] }, handler: HELLO, retryAttempts: 200 }),
  },
  {
    name: 'event age over 24 hours',
    code: ErrorCode.OUT_OF_RANGE,
    mentions: 'maxEventAge',
    build: (a) => a.addSchedule('S', { schedule: 'rate(1 hour)', handler: HELLO, maxEventAge: Duration.hours(25) }),
  },
  { name: 'one-letter environment variable', code: ErrorCode.INVALID_PROPS, mentions: 'two characters', build: (a) => a.addFunction('Env', { entry: HELLO, environment: { A: 'b' } }) },
  { name: 'reserved environment variable', code: ErrorCode.INVALID_PROPS, mentions: 'reserved by Lambda', build: (a) => a.addFunction('Env', { entry: HELLO, environment: { AWS_REGION: 'x' } }) },
  {
    name: 'a Lambda option Switchyard sets itself',
    code: ErrorCode.RESERVED_PROP,
    mentions: 'functions.Fn.loggingFormat is set by Switchyard itself',
    build: (a) => a.addFunction('Fn', { entry: HELLO, loggingFormat: lambda.LoggingFormat.TEXT } as AppFunctionProps),
  },
  {
    name: 'environment for an imported function',
    code: ErrorCode.IMPORTED_FUNCTION,
    mentions: 'environment need a lambda.Function of this app',
    build: (a) => a.addFunction('Legacy', { function: lambda.Function.fromFunctionName(a, 'Imported', 'legacy'), environment: { STAGE: 'prod' } }),
  },
  {
    name: 'unknown dead-letter queue name',
    code: ErrorCode.INVALID_PROPS,
    mentions: 'No subscription, schedule, queue or table stream',
    build: (a) => a.deadLetterQueue('Nope'),
  },
  // Queues, tables and their streams.
  { name: 'FIFO batch over 10', code: ErrorCode.INVALID_EVENT_SOURCE, mentions: 'outside 1-10 for a FIFO queue', build: (a) => a.addQueue('Q', { handler: HELLO, fifo: true, batchSize: 11 }) },
  { name: 'standard batch over 10,000', code: ErrorCode.INVALID_EVENT_SOURCE, mentions: 'outside 1-10000 for a standard queue', build: (a) => a.addQueue('Q', { handler: HELLO, batchSize: 10001, maxBatchingWindow: Duration.seconds(1) }) },
  { name: 'batch over 10 without a batching window', code: ErrorCode.INVALID_EVENT_SOURCE, mentions: 'needs a batching window of at least 1 second', build: (a) => a.addQueue('Q', { handler: HELLO, batchSize: 20 }) },
  { name: 'batch over 10 with a zero batching window', code: ErrorCode.INVALID_EVENT_SOURCE, mentions: 'needs a batching window', build: (a) => a.addQueue('Q', { handler: HELLO, batchSize: 20, maxBatchingWindow: Duration.seconds(0) }) },
  { name: 'batching window on a FIFO queue', code: ErrorCode.INVALID_EVENT_SOURCE, mentions: 'A FIFO queue takes no batching window', build: (a) => a.addQueue('Q', { handler: HELLO, fifo: true, maxBatchingWindow: Duration.seconds(5) }) },
  {
    name: 'FIFO queue with a standard dead-letter queue',
    code: ErrorCode.INVALID_EVENT_SOURCE,
    mentions: 'dead-letter queue of a FIFO queue must be a FIFO queue',
    build: (a) => a.addQueue('Q', { handler: HELLO, fifo: true, deadLetterQueue: new sqs.Queue(a, 'Standard') }),
  },
  {
    name: 'standard queue with a FIFO dead-letter queue',
    code: ErrorCode.INVALID_EVENT_SOURCE,
    mentions: 'dead-letter queue of a standard queue must be a standard queue',
    build: (a) => a.addQueue('Q', { handler: HELLO, deadLetterQueue: new sqs.Queue(a, 'Fifo', { fifo: true }) }),
  },
  { name: 'FIFO queue name without .fifo', code: ErrorCode.INVALID_EVENT_SOURCE, mentions: 'must end in ".fifo"', build: (a) => a.addQueue('Q', { handler: HELLO, fifo: true, queueName: 'payments' }) },
  { name: 'maxConcurrency of 1', code: ErrorCode.OUT_OF_RANGE, mentions: 'maxConcurrency', build: (a) => a.addQueue('Q', { handler: HELLO, maxConcurrency: 1 }) },
  { name: 'maxConcurrency over 1000', code: ErrorCode.OUT_OF_RANGE, mentions: 'from 2 to 1000', build: (a) => a.addQueue('Q', { handler: HELLO, maxConcurrency: 1001 }) },
  { name: 'batching window over 5 minutes', code: ErrorCode.OUT_OF_RANGE, mentions: 'maxBatchingWindow', build: (a) => a.addQueue('Q', { handler: HELLO, maxBatchingWindow: Duration.minutes(6) }) },
  { name: 'maxReceiveCount of 0', code: ErrorCode.OUT_OF_RANGE, mentions: 'maxReceiveCount', build: (a) => a.addQueue('Q', { handler: HELLO, maxReceiveCount: 0 }) },
  {
    name: 'visibility timeout shorter than 6 x the function timeout plus the window',
    code: ErrorCode.VISIBILITY_TIMEOUT_TOO_SHORT,
    mentions: 'at least 1 minute 5 seconds',
    build: (a) => a.addQueue('Q', { handler: HELLO, visibilityTimeout: Duration.seconds(64), maxBatchingWindow: Duration.seconds(5) }),
  },
  // The test stack is region-agnostic: a global endpoint needs to know its primary region.
  { name: 'global endpoint in a region-agnostic stack', code: ErrorCode.INVALID_REGION, mentions: 'region-agnostic', build: (a) => new GlobalEndpoint(a, 'Endpoint', { bus: a.bus, secondaryRegion: 'us-west-2' }) },
  { name: 'queue filter on a field the message lacks', code: ErrorCode.INVALID_EVENT_PATTERN, mentions: 'has no field "status"', build: (a) => a.addQueue('Q', { handler: HELLO, filters: [{ status: ['shipped'] } as never] }) }, // as JavaScript would
  { name: 'queue filter EventBridge would refuse', code: ErrorCode.INVALID_EVENT_PATTERN, mentions: 'filters[0]', build: (a) => a.addQueue('Q', { handler: HELLO, filters: [{ body: { total: [{ numeric: ['>', 'ten'] }] } }] }) },
  { name: 'queue filter with a wildcard', code: ErrorCode.INVALID_EVENT_PATTERN, mentions: 'no "wildcard" operator', build: (a) => a.addQueue('Q', { handler: HELLO, filters: [{ body: { sku: [{ wildcard: 'A*' }] } }] }) },
  { name: 'six filters', code: ErrorCode.QUOTA_EXCEEDED, mentions: 'More than 5 filters', build: (a) => a.addQueue('Q', { handler: HELLO, filters: Array.from({ length: 6 }, (_, i) => ({ body: { n: [i] } })) }) },
  {
    name: 'queue and subscription of one name',
    code: ErrorCode.DUPLICATE_NAME,
    mentions: 'Duplicate queue name',
    build: (a) => {
      a.addSubscription('Orders', { pattern: { source: ['a'] }, handler: HELLO });
      a.addQueue('Orders', { handler: OTHER });
    },
  },
  { name: 'subscription with a handler and a queue', code: ErrorCode.INVALID_PROPS, mentions: 'both a handler and a queue', build: (a) => a.addSubscription('S', { pattern: { source: ['a'] }, handler: HELLO, queue: new sqs.Queue(a, 'Q') }) },
  { name: 'subscription with no target', code: ErrorCode.INVALID_PROPS, mentions: '"S" has no target', build: (a) => a.addSubscription('S', { pattern: { source: ['a'] } }) },
  { name: 'subscription to an undeclared queue', code: ErrorCode.INVALID_PROPS, mentions: 'Unknown queue name', build: (a) => a.addSubscription('S', { pattern: { source: ['a'] }, queue: 'Nope' }) },
  {
    name: 'FIFO queue target without a message group',
    code: ErrorCode.INVALID_EVENT_SOURCE,
    mentions: 'needs a message group',
    build: (a) => a.addSubscription('S', { pattern: { source: ['a'] }, queue: new sqs.Queue(a, 'Q', { fifo: true }) }),
  },
  { name: 'message group for a standard queue', code: ErrorCode.INVALID_EVENT_SOURCE, mentions: 'only applies to a FIFO queue', build: (a) => a.addRoute('POST /x', { queue: new sqs.Queue(a, 'Q'), messageGroupId: 'g' }) },
  {
    name: 'stream on a table without a stream',
    code: ErrorCode.INVALID_EVENT_SOURCE,
    mentions: 'The table has no stream',
    build: (a) => a.addTableStream('S', { table: new dynamodb.TableV2(a, 'T', { partitionKey: KEY }), handler: HELLO }),
  },
  {
    name: 'stream starting at a timestamp',
    code: ErrorCode.INVALID_EVENT_SOURCE,
    mentions: 'cannot start at a timestamp',
    build: (a) => a.addTableStream('S', { table: a.addTable('T', { partitionKey: KEY }), handler: HELLO, startingPosition: lambda.StartingPosition.AT_TIMESTAMP }),
  },
  { name: 'stream batch over 10,000', code: ErrorCode.INVALID_EVENT_SOURCE, mentions: 'for a DynamoDB stream', build: (a) => a.addTableStream('S', { table: a.addTable('T', { partitionKey: KEY }), handler: HELLO, batchSize: 10001 }) },
  { name: 'stream retry attempts below -1', code: ErrorCode.OUT_OF_RANGE, mentions: 'retryAttempts', build: (a) => a.addTableStream('S', { table: a.addTable('T', { partitionKey: KEY }), handler: HELLO, retryAttempts: -2 }) },
  { name: 'stream parallelization over 10', code: ErrorCode.OUT_OF_RANGE, mentions: 'parallelizationFactor', build: (a) => a.addTableStream('S', { table: a.addTable('T', { partitionKey: KEY }), handler: HELLO, parallelizationFactor: 11 }) },
  { name: 'stream record age under a minute', code: ErrorCode.OUT_OF_RANGE, mentions: 'maxRecordAge', build: (a) => a.addTableStream('S', { table: a.addTable('T', { partitionKey: KEY }), handler: HELLO, maxRecordAge: Duration.seconds(30) }) },
  { name: 'stream filter on a field the record lacks', code: ErrorCode.INVALID_EVENT_PATTERN, mentions: 'stream record has no field "NewImage"', build: (a) => a.addTableStream('S', { table: a.addTable('T', { partitionKey: KEY }), handler: HELLO, filters: [{ NewImage: { status: { S: ['x'] } } } as never] }) }, // as JavaScript would
  { name: 'stream on an undeclared table', code: ErrorCode.INVALID_PROPS, mentions: 'Unknown table name', build: (a) => a.addTableStream('S', { table: 'Nope', handler: HELLO }) },
  // Bundling errors surface at synth, when every function of the app is bundled at once.
  {
    name: 'bundle over its size budget',
    code: ErrorCode.BUNDLE_TOO_LARGE,
    mentions: 'over its budget of 10 bytes',
    build: (a) => {
      a.addFunction('Fat', { entry: HELLO, bundling: { maxSize: 10 } });
      return Stage.of(a)!.synth();
    },
  },
  { name: 'scopes on an IAM route', code: ErrorCode.INVALID_AUTH, mentions: 'only JWT authorizers check scopes', build: (a) => a.addRoute('GET /x', HELLO, { auth: 'iam', scopes: ['orders:write'] }) },
  {
    name: 'wildcard CORS origin with credentials',
    code: ErrorCode.INVALID_CORS,
    mentions: 'any origin',
    build: (a) => new EventApp(a, 'Cors', { http: { cors: { allowOrigins: ['*'], allowCredentials: true } } }).addRoute('GET /x', HELLO),
  },
  { name: 'secret given by ARN-like value', code: ErrorCode.INVALID_SECRET, mentions: 'not its ARN or value', build: (a) => a.addFunction('S', { entry: HELLO, secrets: { key: 'sk live 123' } }) },
  {
    name: 'esbuild plugin module that does not exist',
    code: ErrorCode.INVALID_BUNDLING_OPTIONS,
    mentions: '"./build/no-such-plugin.mjs"',
    build: (a) => {
      a.addFunction('Plugged', { entry: HELLO, bundling: { plugins: [{ module: './build/no-such-plugin.mjs' }] } });
      return Stage.of(a)!.synth();
    },
  },
  {
    name: 'one BundledCode given to two functions',
    code: ErrorCode.BUNDLED_CODE_MISUSE,
    mentions: 'already the code of Test/Shop/First',
    build: (a) => {
      const code = new BundledCode(HELLO);
      new lambda.Function(a, 'First', { code, handler: code.handlerFor(), runtime: lambda.Runtime.NODEJS_24_X });
      new lambda.Function(a, 'Second', { code, handler: code.handlerFor(), runtime: lambda.Runtime.NODEJS_24_X });
    },
  },
  {
    name: 'bundle cache folder that cannot be written',
    code: ErrorCode.BUNDLE_CACHE_UNWRITABLE,
    mentions: 'cache folder cannot be written',
    build: (a) => {
      a.addFunction('Cached', { entry: HELLO, bundling: { define: { CACHE_CASE: '"1"' } } });
      // A folder inside a file can never be created.
      return withEnv('SWITCHYARD_CACHE_DIR', path.resolve(HELLO, 'cache'), () => Stage.of(a)!.synth());
    },
  },
  {
    name: 'discovery namespace SSM reserves',
    code: ErrorCode.INVALID_DISCOVERY,
    mentions: 'SSM reserves parameter names starting with "aws" or "ssm"',
    build: (a) => a.publishEndpoints({ namespace: '/ssm/apps' }),
  },
  {
    name: 'subscription through a forwarding that passes other events',
    code: ErrorCode.FORWARDED_EVENTS_UNMATCHED,
    mentions: 'takes events through Test/Shop/FromAudit, but no event can match both',
    build: (a) => {
      const through = a.receiveEvents('FromAudit', { from: { account: '111111111111' }, pattern: { source: ['audit'], detailType: ['Checked'] } });
      a.addSubscription('Take', { pattern: { source: ['audit'], detailType: ['Flagged'] }, handler: HELLO, through });
    },
  },
  {
    name: 'entry esbuild cannot bundle',
    code: ErrorCode.BUNDLING_FAILED,
    mentions: 'Could not resolve "switchyard-no-such-package"',
    build: (a) => {
      a.addFunction('Broken', { entry: 'test/fixtures/handlers/unresolved.js' });
      return Stage.of(a)!.synth();
    },
  },
];

function withEnv<T>(name: string, value: string, run: () => T): T {
  const saved = process.env[name];
  process.env[name] = value;
  try {
    return run();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

describe('synth-time validation', () => {
  test.each(cases)('$name -> $code', ({ code, mentions, build }) => {
    const stack = new Stack(new App(), 'Test');
    const app = new EventApp(stack, 'Shop');
    const error = thrown(() => build(app));
    expect(error.code).toBe(code);
    expect(error.message).toContain(mentions);
    // Every message says where, what and how to fix it.
    expect(error.message).toMatch(/^\[SY\d{3}\] /);
    expect(error.constructPath).toMatch(/^Test\/Shop/);
    expect(error.message).toContain(error.constructPath);
    expect(error.message).toMatch(/Fix: \S/);
  });

  test('every error code has a case', () => {
    const covered = new Set(cases.map((c) => c.code));
    const missing = Object.values(ErrorCode).filter((code) => !covered.has(code) && code !== ErrorCode.QUOTA_EXCEEDED);
    expect(missing).toEqual([]);
  });

  test("every error and warning code is in README's table", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    const listed = new Set([...readme.matchAll(/^\| (SY\d{3}) \|/gm)].map((m) => m[1]));
    const codes: string[] = [...Object.values(ErrorCode), ...Object.values(WarningCode)];
    expect(codes.filter((code) => !listed.has(code))).toEqual([]);
    expect([...listed].filter((code) => !codes.includes(code))).toEqual([]);
  });

  test('more routes than the API quota is refused at synth', () => {
    const stack = new Stack(new App(), 'Test');
    const app = new EventApp(stack, 'Shop');
    const fn = app.addFunction('Hello', HELLO);
    for (let i = 0; i < 300; i++) app.addRoute(`GET /r${i}`, fn);
    expect(() => app.addRoute('GET /one-too-many', fn)).toThrow(expect.objectContaining({ code: ErrorCode.QUOTA_EXCEEDED }));
  });

  test('a route function with a timeout over 30 s warns', () => {
    const stack = new Stack(new App(), 'Test');
    const app = new EventApp(stack, 'Shop');
    app.addRoute('GET /slow', { entry: HELLO, timeout: Duration.seconds(60) });
    Annotations.fromStack(stack).hasWarning('/Test/Shop/Http', Match.stringLikeRegexp('API Gateway HTTP APIs answer 503 after 30 seconds'));
  });

  test('one bare entry path used for two functions warns', () => {
    const stack = new Stack(new App(), 'Test');
    const app = new EventApp(stack, 'Shop');
    app.addRoute('GET /a', HELLO);
    app.addSubscription('OnA', { pattern: { source: ['a'] }, handler: HELLO });
    Annotations.fromStack(stack).hasWarning('/Test/Shop', Match.stringLikeRegexp('entry of both GetA and OnA'));
  });

  test('valid keys and expressions pass', () => {
    const stack = new Stack(new App(), 'Test');
    const app = new EventApp(stack, 'Shop');
    for (const key of ['GET /', 'ANY /files/{proxy+}', 'DELETE /orders/{id}/items/{sku}', 'POST /v1/orders:batch', '$default']) {
      expect(() => app.addRoute(key, { entry: HELLO })).not.toThrow();
    }
    ['rate(1 minute)', 'rate(5 minutes)', 'cron(0/15 * ? * MON-FRI *)', 'cron(0 12 L * ? 2026)', 'cron(0 9 ? * 2#1 *)'].forEach((schedule, i) => {
      expect(() => app.addSchedule(`Schedule${i}`, { schedule, handler: OTHER })).not.toThrow();
    });
  });
});

