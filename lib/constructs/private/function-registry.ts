import * as path from 'node:path';
import { Annotations, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { LiveFunction, ProvisionedConcurrencyOptions, SafeDeploymentOptions } from '../deployment';
import type { AppFunctionProps, ExistingFunctionOptions, FunctionDefaults, FunctionSource } from '../function';
import { ENDPOINT_ID_ENV, type GlobalEndpoint } from '../global-endpoint';
import type { AppMonitoring } from '../monitoring';
import { AppDeployments } from './deployments';
import type { IdempotencyStore } from './idempotency';
import { BUS_NAME_ENV, checkEnvironment, isDefinedHere, setEnvironment } from './environment';
import { FunctionDeclaration, createFunction, isExistingFunction, isFunction, toProps } from './function';
import { asyncOptionsOf, checkFunctionOptions } from './function-options';
import { isPythonEntry } from './python-function';
import { acknowledgeFunctionFindings } from './nag';
import { looksLikePath } from './resolve';
import { grantSecrets, warnOnCredentials } from './secrets';
import { checkName } from './validation';

/** What a {@link FunctionRegistry} works with. */
export interface FunctionRegistryProps {
  /** The app: where errors and warnings point, and the parent of shared resources. */
  readonly app: Construct;
  /** The parent of the functions created from entries. */
  readonly functionScope: Construct;
  /** What created functions start from. */
  readonly defaults: FunctionDefaults;
  /** The bus `publishes` grants on. */
  readonly bus: events.IEventBus;
  /** The app's alarms, unless turned off. */
  readonly monitoring?: AppMonitoring;
  /** The app's idempotency records, granted to functions that use them. */
  readonly idempotency?: IdempotencyStore;
  /** The bus's global endpoint, which publishing functions send through. */
  readonly endpoint?: GlobalEndpoint;
}

/** What a function's live alias is made of. */
interface LiveOptions {
  readonly deployment?: SafeDeploymentOptions | boolean;
  readonly provisionedConcurrency?: ProvisionedConcurrencyOptions;
  readonly reservedConcurrency?: number;
}

// The options of `ExistingFunctionOptions`; anything else given with `function` would be ignored.
const EXISTING_OPTIONS = new Set(['function', 'publishes', 'secrets', 'environment', 'deployment', 'provisionedConcurrency', 'idempotency']);
// What only a function defined in this app can take.
const DEFINED_HERE_OPTIONS = ['environment', 'deployment', 'provisionedConcurrency'] as const;

/**
 * The functions of an `EventApp` by name: creates them from entries and props, adopts existing
 * ones with what still applies to them, and turns whatever a route or rule is given into a
 * function. Each function is declared once, however many routes and rules use it.
 */
export class FunctionRegistry {
  /** Every function by name. */
  public readonly functions: Record<string, lambda.IFunction> = {};
  /** The live alias of each function that has one, by name. */
  public readonly live: Record<string, LiveFunction> = {};

  private readonly timeouts = new Map<lambda.IFunction, Duration>();
  private readonly aliases = new Map<lambda.IFunction, lambda.IFunction>();
  // Functions declared with their own asynchronous invocation options, and which.
  private readonly ownAsync = new Map<lambda.IFunction, string[]>();
  private readonly bareEntries = new Map<string, string>();
  private deployments?: AppDeployments;

  constructor(private readonly props: FunctionRegistryProps) {
    checkFunctionOptions(props.app, 'functionDefaults', props.defaults, true);
  }

  /** Declares a function under `name`: created from an entry path or props, or adopted. */
  public declare(name: string, source: FunctionDeclaration): lambda.IFunction {
    checkName(this.props.app, 'function', name, new Set(Object.keys(this.functions)));
    const fn = isFunction(source)
      ? this.adopt(name, { function: source })
      : isExistingFunction(source)
        ? this.adopt(name, source)
        : this.create(name, toProps(source));
    this.functions[name] = fn;
    return fn;
  }

  /** Turns any `FunctionSource` into a function, declaring it under `name` when it is new. */
  public resolve(source: FunctionSource, name: string): lambda.IFunction {
    if (isFunction(source)) return this.isKnown(source) ? source : this.declare(name, source);
    if (typeof source === 'string' && !looksLikePath(source)) return this.byName(source);
    if (typeof source === 'string') this.warnOnSecondBareEntry(source, name);
    return this.declare(name, source);
  }

  /** What routes and rules invoke: the live alias when the function has one. */
  public invokeTarget(fn: lambda.IFunction): lambda.IFunction {
    return this.aliases.get(fn) ?? fn;
  }

  /** The function's timeout, when known (for API Gateway's 30 s limit). */
  public timeoutOf(fn: lambda.IFunction): Duration | undefined {
    return this.timeouts.get(fn);
  }

  /**
   * Throws when `fn` was declared with its own asynchronous invocation options: a subscription
   * or schedule sets those on its target, with its dead-letter queue as on-failure destination.
   */
  public checkAsyncTarget(scope: IConstruct, target: string, fn: lambda.IFunction): void {
    const own = this.ownAsync.get(fn);
    if (!own) return;
    const name = Object.keys(this.functions).find((n) => this.functions[n] === fn);
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: `Function ${name} sets its own asynchronous invocation (${own.join(', ')}), which "${target}" sets on its target`,
      scope,
      value: own,
      fix: `remove ${own.join(', ')} from the props of ${name}: as the target of "${target}", its retries and failed events are set by the subscription or schedule (retryAttempts, maxEventAge, deadLetterQueue)`,
    });
  }

  /**
   * `events:PutEvents` on the app's bus only, and the bus name in `SWITCHYARD_BUS_NAME`; with a
   * global endpoint, on the bus of both regions, and the endpoint id in `SWITCHYARD_EVENT_ENDPOINT_ID`.
   */
  public grantPublish(fn: lambda.IFunction): void {
    const { bus, endpoint } = this.props;
    if (!endpoint) {
      setEnvironment(fn, { [BUS_NAME_ENV]: bus.eventBusName }, `set ${BUS_NAME_ENV} to the name of the app's bus (app.bus.eventBusName) where the function is defined, for publish() of switchyard/runtime`);
      bus.grantPutEventsTo(fn);
      return;
    }
    setEnvironment(fn, { [BUS_NAME_ENV]: bus.eventBusName, [ENDPOINT_ID_ENV]: endpoint.endpointId }, `set ${BUS_NAME_ENV} to app.bus.eventBusName and ${ENDPOINT_ID_ENV} to app.globalEndpoint.endpointId where the function is defined, for publish() of switchyard/runtime`);
    endpoint.grantPublish(fn);
  }

  /** Access to the idempotency records when the function asks, or the app gives it to all. */
  private grantIdempotency(fn: lambda.IFunction, own: boolean | undefined): void {
    const store = this.props.idempotency;
    if (store && (own ?? store.allFunctions)) store.grant(fn);
  }

  private create(name: string, given: AppFunctionProps): lambda.Function {
    const { defaults } = this.props;
    const props = this.props.endpoint && given.publishes ? withSdkBundled(given, defaults) : given;
    const { fn, timeout } = createFunction(this.props.functionScope, name, props, defaults);
    if (props.publishes) this.grantPublish(fn);
    this.grantIdempotency(fn, props.idempotency);
    acknowledgeFunctionFindings(fn);
    this.timeouts.set(fn, timeout);
    const own = asyncOptionsOf(props);
    if (own.length > 0) this.ownAsync.set(fn, own);
    this.operate(name, fn, fn, {
      deployment: props.deployment ?? defaults.deployment,
      provisionedConcurrency: props.provisionedConcurrency ?? defaults.provisionedConcurrency,
      reservedConcurrency: props.reservedConcurrentExecutions ?? defaults.reservedConcurrentExecutions,
    });
    return fn;
  }

  /** An existing function: grants, environment where it can be set, alarms, a live alias when asked. */
  private adopt(name: string, options: ExistingFunctionOptions): lambda.IFunction {
    const fn = options.function;
    this.checkExisting(name, options);
    const definedHere = isDefinedHere(fn) ? fn : undefined;
    if (definedHere && options.environment) {
      checkEnvironment(definedHere, name, options.environment);
      for (const [variable, value] of Object.entries(options.environment)) definedHere.addEnvironment(variable, value);
      warnOnCredentials(definedHere, options.environment);
    }
    if (options.publishes) this.grantPublish(fn);
    if (options.secrets) grantSecrets(fn, options.secrets);
    this.grantIdempotency(fn, options.idempotency);
    if (definedHere) this.timeouts.set(fn, definedHere.timeout ?? Duration.seconds(3)); // Lambda's own default
    const reserved = definedHere && (definedHere.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions;
    this.operate(name, fn, definedHere, {
      deployment: options.deployment,
      provisionedConcurrency: options.provisionedConcurrency,
      reservedConcurrency: typeof reserved === 'number' ? reserved : undefined,
    });
    return fn;
  }

  /** What `{ function, ... }` cannot take: options meant for new functions, and, for an imported function, what needs its definition. */
  private checkExisting(name: string, options: ExistingFunctionOptions): void {
    const { app } = this.props;
    if (!isFunction(options.function)) {
      throw new SwitchyardError({ code: ErrorCode.INVALID_PROPS, problem: `functions.${name}.function is not a Lambda function`, scope: app, value: typeof options.function, fix: 'pass a lambda.IFunction (a lambda.Function, NodejsFunction, or lambda.Function.fromFunctionArn(...))' });
    }
    const unused = Object.keys(options).filter((key) => !EXISTING_OPTIONS.has(key) && (options as unknown as Record<string, unknown>)[key] !== undefined);
    if (unused.length > 0) {
      throw new SwitchyardError({
        code: ErrorCode.INVALID_PROPS,
        problem: `functions.${name} gives an existing function options that only apply to a function Switchyard creates`,
        scope: app,
        value: unused,
        fix: `set ${unused.join(', ')} where ${options.function.node.path} is defined, or give "entry" instead of "function" to let Switchyard create it`,
      });
    }
    const needsDefinition = DEFINED_HERE_OPTIONS.filter((key) => options[key] !== undefined && options[key] !== false);
    if (needsDefinition.length > 0 && !isDefinedHere(options.function)) {
      throw new SwitchyardError({
        code: ErrorCode.IMPORTED_FUNCTION,
        problem: `functions.${name}: ${needsDefinition.join(', ')} need a lambda.Function of this app, but ${options.function.node.path} is imported or an alias`,
        scope: app,
        value: needsDefinition,
        fix: 'set them where the function is defined, or pass the lambda.Function itself rather than a reference (fromFunctionArn, fromFunctionAttributes) or an alias',
      });
    }
  }

  /** Alarms, then the live alias that safe deployment and provisioned concurrency invoke through. */
  private operate(name: string, fn: lambda.IFunction, definedHere: lambda.Function | undefined, options: LiveOptions): void {
    const alarms = this.props.monitoring?.monitorFunction(name, fn);
    if (!definedHere || (!options.deployment && !options.provisionedConcurrency)) return;
    this.deployments ??= new AppDeployments(this.props.app, 'Deployments');
    const live = this.deployments.addFunction(name, definedHere, { ...options, errorsAlarm: alarms?.errors });
    if (!live) return;
    this.live[name] = live;
    this.aliases.set(fn, live.alias);
  }

  private isKnown(fn: lambda.IFunction): boolean {
    return Object.values(this.functions).includes(fn) || [...this.aliases.values()].includes(fn);
  }

  private byName(name: string): lambda.IFunction {
    const declared = this.functions[name];
    if (declared) return declared;
    throw new SwitchyardError({
      code: ErrorCode.UNKNOWN_FUNCTION,
      problem: 'Unknown function name',
      scope: this.props.app,
      value: name,
      fix: `declare it first with addFunction("${name}", ...) or in props.functions, or give an entry path such as "lambdas/${name}.ts"; declared: ${Object.keys(this.functions).join(', ') || '(none)'}`,
    });
  }

  /** The same bare path twice makes two identical functions, which is rarely what was meant. */
  private warnOnSecondBareEntry(entry: string, name: string): void {
    const first = this.bareEntries.get(path.resolve(entry));
    if (!first) {
      this.bareEntries.set(path.resolve(entry), name);
      return;
    }
    Annotations.of(this.props.app).addWarningV2(
      'switchyard:duplicateEntry',
      `"${entry}" is the entry of both ${first} and ${name}, so it is deployed as two identical functions. ` +
        `Fix: to share one function, declare it once (addFunction("${first}", ...)) and pass its name; to keep two, give props to make the intent explicit.`,
    );
  }
}

/**
 * A function that publishes through a global endpoint signs PutEvents with SigV4a, which the
 * SDK does only once `@aws-sdk/signature-v4a` has registered itself in the very
 * `@smithy/signature-v4` the EventBridge client uses. The SDK the Lambda runtime provides does
 * not ship that package, and a copy bundled beside it would register in its own copy; so such a
 * function bundles the SDK it uses (no module left external), unless its bundling (or the
 * app's `functionDefaults`) names the external modules itself. Python entries are not bundled.
 */
function withSdkBundled(props: AppFunctionProps, defaults: FunctionDefaults): AppFunctionProps {
  if (isPythonEntry(props.entry)) return props;
  const externalModules = props.bundling?.externalModules ?? defaults.bundling?.externalModules ?? [];
  return { ...props, bundling: { ...defaults.bundling, ...props.bundling, externalModules } };
}
