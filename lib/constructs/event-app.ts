import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../errors';
import type { RouteOptions } from './auth';
import type { LiveFunction } from './deployment';
import type { AppFunctionProps, ExistingFunctionOptions, FunctionDefaults, FunctionSource } from './function';
import type { EventForwarding, ForwardEventsOptions, ReceiveEventsOptions } from './cross-app';
import { ImportedEventApp, type AppLookupOptions, type DiscoveryOptions, type ImportedEventAppAttributes } from './discovery';
import type { HttpApiOptions } from './http';
import { GlobalEndpoint } from './global-endpoint';
import { AppMonitoring } from './monitoring';
import { AnyEventDefinition, EventSchemaRegistry, EventSchemaRegistryProps } from './schemas';
import type { AppQueue, QueueOptions, QueueRouteTarget } from './queues';
import type { AppTableStream, TableStreamOptions } from './streams';
import type { RuleScheduleOptions, RuleTargetOptions, ScheduleOptions, SubscriptionOptions, TypedSubscriptionOptions } from './subscriptions';
import type { AppTableProps } from './tables';
import { checkRouteDefinition, isRouteDefinition } from './private/authorizers';
import { Delivery, deliver } from './private/delivery';
import { archiveBus } from './private/archive';
import { allowServicesToUseKey } from './private/encryption';
import { FunctionRegistry } from './private/function-registry';
import { AppHttpApi } from './private/http-api';
import { IdempotencyStore } from './private/idempotency';
import { EndpointPublisher } from './private/endpoints';
import { checkForwardedSubscription } from './private/forwarding-check';
import { forwardEvents, isOutsideSource, receiveFromOutside, type ForwardingApp } from './private/forwarding';
import { PublisherSubscriberCheck } from './private/event-checks';
import { attributesSource, lookupSource } from './private/imports';
import { checkEventPattern, renderEventPattern } from './private/pattern';
import { routeFunctionName } from './private/resolve';
import { RuleTargets, isQueueRouteTarget } from './private/rule-targets';
import { scheduleFrom, subscriptionPattern } from './private/rules';
import { AppScheduleGroup } from './private/schedule-group';
import { checkRuleSchedule, scheduleTarget } from './private/schedules';
import { AppSources } from './private/sources';
import { checkName, parseRouteKey } from './private/validation';
import type { EventAppProps } from './event-app-props';

export type { EventAppProps } from './event-app-props';

/**
 * An event-driven application: functions bundled by esbuild, HTTP routes, an EventBridge bus
 * with subscriptions, and schedules, wired with least privilege, bounded retries, encrypted
 * dead-letter queues and alarms.
 *
 * @example
 * const app = new EventApp(stack, 'Shop');
 * const place = app.addFunction('PlaceOrder', { entry: 'lambdas/place-order.ts', publishes: true });
 * app.addRoute('POST /orders', place);
 * app.addSubscription('ReserveStock', {
 *   pattern: { source: ['shop.orders'], detailType: ['OrderPlaced'] },
 *   handler: 'lambdas/reserve-stock.ts',
 * });
 * app.addSchedule('NightlyReport', { schedule: 'cron(0 2 * * ? *)', handler: 'lambdas/report.ts' });
 */
export class EventApp extends Construct {
  /** The bus subscriptions listen on and `publishes` functions put events to. */
  public readonly bus: events.IEventBus;
  /** Every function of the app by name, including those created for routes and subscriptions. */
  public readonly functions: Record<string, lambda.IFunction>;
  /** Every rule of the app by subscription or rule schedule (`kind: 'rule'`) name. */
  public readonly rules: Record<string, events.Rule> = {};
  /** Every EventBridge Scheduler schedule of the app by name. */
  public readonly schedules: Record<string, scheduler.Schedule> = {};
  /** The archive of the bus's events, when `archive` is set. */
  public readonly archive?: events.Archive;
  /** The bus's global endpoint, when `globalEndpoint` is set. */
  public readonly globalEndpoint?: GlobalEndpoint;
  /** The app's alarms and dashboard, unless `monitoring: false`. */
  public readonly monitoring?: AppMonitoring;
  /** The live alias (with its deployment group and scaling) of each function that has one, by name. */
  public readonly live: Record<string, LiveFunction>;
  /** Every queue declared with `addQueue`, by name. */
  public readonly queues: Record<string, AppQueue>;
  /** Every table declared with `addTable`, by name. */
  public readonly tables: Record<string, dynamodb.TableV2>;
  /** Every table stream declared with `addTableStream`, by name. */
  public readonly streams: Record<string, AppTableStream>;

  private readonly fns: FunctionRegistry;
  private readonly httpOptions?: HttpApiOptions;
  private readonly deliveries: Record<string, Delivery> = {};
  private readonly registryProps?: false | EventSchemaRegistryProps;
  private http?: AppHttpApi;
  private registry?: EventSchemaRegistry;
  private readonly encryptionKey?: kms.IKey;
  private readonly sources: AppSources;
  private readonly targets: RuleTargets;
  private readonly idempotencyStore: IdempotencyStore;
  private readonly scheduling: AppScheduleGroup;
  private readonly eventChecks: PublisherSubscriberCheck;
  private endpoints?: EndpointPublisher;

  constructor(scope: Construct, id: string, props: EventAppProps = {}) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    if (props.encryptionKey) allowServicesToUseKey(this, props.encryptionKey);
    this.httpOptions = props.http;
    this.registryProps = props.schemaRegistry === false ? false : props.schemaRegistry === true ? {} : (props.schemaRegistry ?? {});
    const functionScope = new Construct(this, 'Functions');
    // The bus itself is not given the key: aws-cdk-lib 2.276's EventBus writes its own ARN
    // into the key policy, a dependency cycle with a key in the same stack.
    this.bus = props.bus ?? new events.EventBus(this, 'Bus', { eventBusName: props.busName });
    if (props.archive) this.archive = archiveBus(this, this.bus, props.archive === true ? {} : props.archive, props.encryptionKey);
    if (props.globalEndpoint) this.globalEndpoint = new GlobalEndpoint(this, 'GlobalEndpoint', { bus: this.bus, ...props.globalEndpoint });
    this.monitoring = props.monitoring === false ? undefined : new AppMonitoring(this, 'Monitoring', props.monitoring);
    if (this.globalEndpoint) this.monitoring?.monitorGlobalEndpoint(this.globalEndpoint);
    const defaults: FunctionDefaults = { logEncryptionKey: props.encryptionKey, ...props.functionDefaults };
    const idempotency = props.idempotency === true ? {} : !props.idempotency ? { allFunctions: false } : props.idempotency;
    this.idempotencyStore = new IdempotencyStore(this, idempotency, props.encryptionKey);
    this.fns = new FunctionRegistry({ app: this, functionScope, defaults, bus: this.bus, monitoring: this.monitoring, idempotency: this.idempotencyStore, endpoint: this.globalEndpoint });
    this.functions = this.fns.functions;
    this.live = this.fns.live;
    this.sources = new AppSources({ app: this, fns: this.fns, monitoring: this.monitoring, encryptionKey: props.encryptionKey });
    this.queues = this.sources.queues;
    this.tables = this.sources.tables;
    this.streams = this.sources.streams;
    this.targets = new RuleTargets(this.fns, this.sources);
    this.eventChecks = new PublisherSubscriberCheck(this);
    this.scheduling = new AppScheduleGroup(this, this.bus, this.monitoring);
    if (props.discovery) this.publishEndpoints(props.discovery === true ? {} : props.discovery);
    this.declareAll(props);
  }

  /** The declarative maps, in the order their references need: what is named is declared first. */
  private declareAll(props: EventAppProps): void {
    for (const [name, fn] of Object.entries(props.functions ?? {})) this.addFunction(name, fn);
    for (const [name, table] of Object.entries(props.tables ?? {})) this.addTable(name, table);
    for (const [name, options] of Object.entries(props.queues ?? {})) this.addQueue(name, options);
    for (const [key, route] of Object.entries(props.routes ?? {})) {
      if (!isRouteDefinition(route)) this.addRoute(key, route);
      else if (checkRouteDefinition(this, key, route) === 'queue') this.addRoute(key, { queue: route.queue!, messageGroupId: route.messageGroupId }, route);
      else this.addRoute(key, route.function!, route);
    }
    for (const [name, options] of Object.entries(props.subscriptions ?? {})) this.subscribe(name, options);
    for (const [name, options] of Object.entries(props.schedules ?? {})) this.addSchedule(name, options);
    for (const [name, options] of Object.entries(props.streams ?? {})) this.addTableStream(name, options);
    for (const event of props.events ?? []) this.registerEvent(event);
  }

  /** The Schema Registry, once an event is defined (unless `schemaRegistry: false`). */
  public get schemaRegistry(): EventSchemaRegistry | undefined {
    return this.registry;
  }

  /**
   * Publishes a defined event's JSON Schema in the app's Schema Registry. Subscribing to an
   * event does this already; call it for events the app only publishes.
   */
  public registerEvent(event: AnyEventDefinition): void {
    this.eventChecks.addEvent(event);
    if (this.registryProps !== false) {
      this.registry ??= new EventSchemaRegistry(this, 'Schemas', this.registryProps);
      this.registry.add(event);
    }
    this.endpoints?.publishEvent(event, this.registry);
  }

  /** The HTTP API, once a route exists. */
  public get api(): apigwv2.HttpApi | undefined {
    return this.http?.api;
  }

  /** The HTTP API's `$default` stage, once a route exists. */
  public get apiStage(): apigwv2.HttpStage | undefined {
    return this.http?.stage;
  }

  /** The HTTP API's URL, once a route exists. */
  public get url(): string | undefined {
    return this.http?.url;
  }

  /** The route keys declared so far. */
  public get routeKeys(): string[] {
    return this.http?.routeKeys ?? [];
  }

  /**
   * Declares a function by name, created from an entry path or props (the app's
   * `functionDefaults` overridden by them; every Lambda option passes through).
   * @returns the function, also in `functions[name]`
   */
  public addFunction(name: string, source: string | AppFunctionProps): lambda.Function;
  /**
   * Declares an existing function by name, with the options that still apply to it: grants for
   * `publishes` and `secrets`, the app's alarms, and for a `lambda.Function` of this app its
   * environment and safe deployment.
   * @returns the function, also in `functions[name]`
   */
  public addFunction(name: string, source: ExistingFunctionOptions | lambda.IFunction): lambda.IFunction;
  /** Declares a function by name, in any of the forms above. */
  public addFunction(name: string, source: string | AppFunctionProps | ExistingFunctionOptions | lambda.IFunction): lambda.IFunction;
  public addFunction(name: string, source: string | AppFunctionProps | ExistingFunctionOptions | lambda.IFunction): lambda.IFunction {
    return this.fns.declare(name, source);
  }

  /**
   * Lets `fn` publish to the app's bus: `events:PutEvents` on this bus only (granted to its
   * role), and the bus name in `SWITCHYARD_BUS_NAME` (for an imported function, whose
   * environment cannot be set here, a synth warning says what to set). With `globalEndpoint`,
   * on the bus of both regions, and the endpoint's id in `SWITCHYARD_EVENT_ENDPOINT_ID`.
   */
  public grantPublish(fn: lambda.IFunction): void {
    this.fns.grantPublish(fn);
  }

  /**
   * Routes an HTTP request to a function.
   * @param key `METHOD /path` (`GET /orders/{id}`, `ANY /files/{proxy+}`) or `$default`
   * @param handler a declared function's name, an entry path, props, or a function
   * @param options who may call it: `{ auth: 'none' }`, `{ scopes: ['orders:write'] }`, ... (the API's `auth` by default)
   */
  public addRoute(key: string, handler: FunctionSource, options?: RouteOptions): lambda.IFunction;
  /**
   * Routes an HTTP request's body to a queue as a message (API Gateway's SQS-SendMessage
   * integration), for a consumer to take at its own pace: `addRoute('POST /orders', { queue: 'Orders' })`.
   * @returns the queue
   */
  public addRoute(key: string, target: QueueRouteTarget, options?: RouteOptions): sqs.IQueue;
  public addRoute(key: string, target: FunctionSource | QueueRouteTarget, options: RouteOptions = {}): lambda.IFunction | sqs.IQueue {
    parseRouteKey(this, key);
    if (!this.http) {
      const httpOptions = { encryptionKey: this.encryptionKey, ...this.httpOptions };
      this.http = new AppHttpApi(this, 'Http', httpOptions, (source, name) => this.fns.resolve(source, name));
      this.monitoring?.monitorApi(this.http.api);
      this.endpoints?.publishApi(this.http.url!);
    }
    const route = this.http.reserveRoute(key);
    if (isQueueRouteTarget(target)) {
      const queue = this.targets.forRoute(this, target);
      this.http.integrateQueue(route, queue, target.messageGroupId, options);
      return queue;
    }
    const fn = this.fns.resolve(target, route.method ? routeFunctionName(route.method, route.path!) : 'Default');
    this.http.integrate(route, this.fns.invokeTarget(fn), this.fns.timeoutOf(fn), options);
    return fn;
  }

  /**
   * Delivers events of a defined type on the app's bus to a function, with bounded retries
   * and a dead-letter queue. `where` is typed by the event's detail.
   */
  public addSubscription<TDetail, TInput>(name: string, options: TypedSubscriptionOptions<TDetail, TInput>): events.Rule;
  /**
   * Delivers events matching `options.pattern` on the app's bus to a function, with bounded
   * retries and a dead-letter queue. (With `event`, the typed overload applies, so a `where`
   * that does not fit the event's detail is a compile error.)
   */
  public addSubscription(name: string, options: SubscriptionOptions & { readonly event?: undefined }): events.Rule;
  public addSubscription(name: string, options: SubscriptionOptions): events.Rule {
    return this.subscribe(name, options);
  }

  private subscribe(name: string, options: SubscriptionOptions): events.Rule {
    let pattern!: events.EventPattern;
    const rule = this.addRule(name, options, (scope) => {
      pattern = subscriptionPattern(scope, options);
      if (options.event) this.registerEvent(options.event);
      checkEventPattern(scope, pattern);
      return { eventBus: this.bus, eventPattern: pattern };
    });
    const rendered = renderEventPattern(rule, pattern);
    if (options.through) checkForwardedSubscription(rule, name, rendered, options.through);
    this.eventChecks.addSubscription({ name, scope: rule, pattern: rendered });
    return rule;
  }

  /** Invokes a function (or sends to a queue) on a scheduled EventBridge rule (rate or cron in UTC), with bounded retries and a dead-letter queue. */
  public addSchedule(name: string, options: RuleScheduleOptions): events.Rule;
  /**
   * Invokes a function (or sends to a queue) on an EventBridge Scheduler schedule in the app's
   * schedule group: `rate`, `cron` in a time zone, or once (`at`), with a flexible window and
   * start and end dates; bounded retries and a dead-letter queue.
   */
  public addSchedule(name: string, options: ScheduleOptions): scheduler.Schedule;
  /** Declares a schedule of either kind. */
  public addSchedule(name: string, options: ScheduleOptions | RuleScheduleOptions): scheduler.Schedule | events.Rule;
  public addSchedule(name: string, options: ScheduleOptions | RuleScheduleOptions): scheduler.Schedule | events.Rule {
    if (options.kind === 'rule') {
      return this.addRule(name, options, (scope) => {
        checkRuleSchedule(scope, options);
        return { schedule: typeof options.schedule === 'string' ? scheduleFrom(scope, options.schedule) : options.schedule };
      });
    }
    checkName(this, 'subscription or schedule', name, this.sourceNames());
    const scope = new Construct(this, name);
    const target = this.targets.forRule(scope, name, options);
    const delivery = scheduleTarget(scope, target, this.scheduleGroup, { encryptionKey: this.encryptionKey, ...options });
    if (delivery.deadLetterAlarm) this.monitoring?.addAlarm(delivery.deadLetterAlarm);
    this.schedules[name] = delivery.schedule;
    this.deliveries[name] = delivery;
    return delivery.schedule;
  }

  /**
   * The app's EventBridge Scheduler schedule group (created with the first schedule or grant):
   * its schedules, and the one-time schedules functions create, are kept there.
   */
  public get scheduleGroup(): scheduler.ScheduleGroup {
    return this.scheduling.scheduleGroup;
  }

  /**
   * Lets `fn` create one-time (or any) schedules in the app's schedule group that put events on
   * the app's bus, or invoke the functions in `invoke`: `scheduler:CreateSchedule` on that group
   * only, and `iam:PassRole` on a role Scheduler assumes that may do just that. The function gets
   * `SWITCHYARD_SCHEDULE_GROUP`, `SWITCHYARD_SCHEDULER_ROLE_ARN` and `SWITCHYARD_BUS_ARN`.
   * @returns the role the function passes to Scheduler
   */
  public grantCreateSchedules(fn: lambda.IFunction, options: { readonly invoke?: lambda.IFunction[] } = {}): iam.Role {
    return this.scheduling.grantCreateSchedules(fn, options.invoke ?? []);
  }

  /** A rule under `name` with what `ruleProps` makes of it, and its target with retries and a dead-letter queue. */
  private addRule(name: string, options: RuleTargetOptions, ruleProps: (scope: Construct) => events.RuleProps): events.Rule {
    checkName(this, 'subscription or schedule', name, this.sourceNames());
    const scope = new Construct(this, name);
    const props = ruleProps(scope);
    const target = this.targets.forRule(scope, name, options);
    const rule = new events.Rule(scope, 'Rule', { ...props, description: options.description, enabled: options.enabled });
    const delivery = deliver(scope, rule, target, { encryptionKey: this.encryptionKey, ...options });
    if (delivery.deadLetterAlarm) this.monitoring?.addAlarm(delivery.deadLetterAlarm);
    this.monitoring?.monitorRule(name, rule, (rule.node.defaultChild as events.CfnRule).eventBusName);
    this.rules[name] = rule;
    this.deliveries[name] = delivery;
    return rule;
  }

  /**
   * An encrypted, TLS-only SQS queue consumed by a function: a redrive policy to a dead-letter
   * queue (alarmed), an event source mapping with partial batch responses, and a visibility
   * timeout of six times the consumer's timeout plus the batching window, as AWS advises.
   * Subscriptions and routes can send to it by name (`queue: 'Orders'`).
   *
   * @example
   * app.addQueue('Orders', { handler: 'lambdas/ship.ts', batchSize: 100, maxBatchingWindow: Duration.seconds(5) });
   * app.addSubscription('BufferOrders', { event: OrderPlaced, queue: 'Orders' });
   */
  public addQueue(name: string, options: QueueOptions): AppQueue {
    checkName(this, 'queue', name, this.sourceNames());
    const queue = this.sources.addQueue(name, options);
    this.endpoints?.publishQueue(name, queue.queue);
    return queue;
  }

  /** A DynamoDB table the app owns (aws-cdk-lib's `TablePropsV2`), with a stream by default and point-in-time recovery. */
  public addTable(name: string, props: AppTableProps): dynamodb.TableV2 {
    return this.sources.addTable(name, props);
  }

  /**
   * A table's stream consumed by a function, with bounded retries, bisection, partial batch
   * responses and an on-failure queue (alarmed).
   *
   * @example
   * app.addTableStream('ShipOrders', { table: 'Orders', handler: 'lambdas/ship.ts', filters: [{ eventName: ['INSERT'] }] });
   */
  public addTableStream(name: string, options: TableStreamOptions): AppTableStream {
    checkName(this, 'table stream', name, this.sourceNames());
    return this.sources.addTableStream(name, options);
  }

  /**
   * Publishes the app's endpoints for other apps to find by name: SSM parameters under
   * `<namespace>/<appName>/` for the bus's name and ARN, the API URL, each queue's URL and ARN
   * and each defined event, including those declared after this call. Same as `discovery`.
   */
  public publishEndpoints(options: DiscoveryOptions = {}): void {
    if (this.endpoints) {
      throw new SwitchyardError({ code: ErrorCode.INVALID_DISCOVERY, problem: 'The app already publishes its endpoints', scope: this, value: this.endpoints.root, fix: 'give discovery or call publishEndpoints once' });
    }
    this.endpoints = new EndpointPublisher(this, options);
    this.endpoints.publishExisting({ bus: this.bus, apiUrl: this.url, queues: this.queues, events: this.eventChecks.definedEvents, registry: this.registry });
  }

  /**
   * Another app, found by the name it published its endpoints under (`discovery`): its bus,
   * API URL and queues, as tokens read from its SSM parameters at deploy time.
   *
   * @example
   * const orders = EventApp.lookup(this, 'Orders');
   * orders.grantPublish(fn);
   */
  public static lookup(scope: Construct, appName: string, options: AppLookupOptions = {}): ImportedEventApp {
    // One import per app and place in a scope: looking the same app up twice reads it once.
    const id = ['App', appName, options.namespace, options.account, options.region].filter(Boolean).join('-').replace(/\//g, '_');
    const known = scope.node.tryFindChild(id);
    return known instanceof ImportedEventApp ? known : new ImportedEventApp(scope, id, lookupSource(scope, appName, options));
  }

  /** Another app, by its bus ARN (and API URL, queues): for an app whose parameters cannot be read from here. */
  public static fromAttributes(scope: Construct, id: string, attributes: ImportedEventAppAttributes): ImportedEventApp {
    return new ImportedEventApp(scope, id, attributesSource(scope, attributes));
  }

  /**
   * Forwards events of this app's bus to another app's bus (any account and region): a rule
   * here, sending with a role trusted by this rule alone, with retries and a dead-letter queue.
   * For an EventApp of the same CDK app in another account, its bus policy admits the role.
   *
   * @example
   * shop.forwardEvents('ToBilling', { to: 'arn:aws:events:eu-west-1:222222222222:event-bus/billing', events: [OrderPlaced], roleName: 'shop-to-billing' });
   */
  public forwardEvents(id: string, options: ForwardEventsOptions): EventForwarding {
    const to = options.to;
    const forwarding = forwardEvents(this.forwardingSide, id, options, to instanceof EventApp ? to.forwardingSide : undefined);
    // Forwarded events have a consumer (SY122 stays quiet), and a forwarding of none of the app's events is SY121.
    this.eventChecks.addSubscription({ name: id, scope: forwarding.rule!, pattern: forwarding.pattern });
    return forwarding;
  }

  /**
   * Receives another app's events on this app's bus, for this app's subscriptions to take
   * (`addSubscription(..., { through })`). From an EventApp of the same CDK app, the rule is
   * placed on its bus; from another CDK app, this bus's policy admits the events named.
   *
   * @example
   * const fromShop = billing.receiveEvents('FromShop', { from: shop, events: [OrderPlaced] });
   * billing.addSubscription('Charge', { event: OrderPlaced, handler: 'lambdas/charge.ts', through: fromShop });
   */
  public receiveEvents(id: string, options: ReceiveEventsOptions): EventForwarding {
    const { from, ...forwarded } = options;
    // Events received are the app's to take: SY122 when none of its subscriptions does.
    for (const event of options.events ?? []) this.eventChecks.addEvent(event);
    if (isOutsideSource(from)) return receiveFromOutside(this.forwardingSide, id, from, forwarded);
    return from.forwardEvents(id, { ...forwarded, to: this });
  }

  /** This app as a side of a forwarding. */
  private get forwardingSide(): ForwardingApp {
    return { scope: this, bus: this.bus, encryptionKey: this.encryptionKey, addAlarm: this.monitoring && ((alarm) => this.monitoring!.addAlarm(alarm)) };
  }

  /** The table of idempotency records, once a function uses it. */
  public get idempotencyTable(): dynamodb.ITable | undefined {
    return this.idempotencyStore.table;
  }

  /** Names of construct ids directly under the app: subscriptions, schedules, queues and streams share them. */
  private sourceNames(): Set<string> {
    return new Set([...Object.keys(this.rules), ...Object.keys(this.schedules), ...Object.keys(this.queues), ...Object.keys(this.streams)]);
  }

  /** Where the failures of a subscription, schedule, queue or table stream end up: its dead-letter (or on-failure) queue. */
  public deadLetterQueue(name: string): sqs.IQueue {
    const queue = this.deliveries[name]?.deadLetterQueue ?? this.queues[name]?.deadLetterQueue ?? this.streams[name]?.onFailureQueue;
    if (queue) return queue;
    throw new SwitchyardError({
      code: ErrorCode.INVALID_PROPS,
      problem: 'No subscription, schedule, queue or table stream with this name',
      scope: this,
      value: name,
      fix: `use one of: ${[...this.sourceNames()].join(', ') || '(none declared yet)'}`,
    });
  }
}
