/**
 * A synthesized app running on this machine: the function host, the HTTP gateway, the AWS
 * endpoint (EventBridge, Lambda, SQS, DynamoDB with streams), event delivery with its ledger,
 * the event source mappings, the scheduler and, optionally, hot reload and durable state. `switchyard dev` and `startLocalApp` both start
 * one of these.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { readAppModel, type AppModel } from '../model';
import { LocalAuth, SecretStore, type LocalAuthOptions } from './auth';
import { ApiKeyStore, type LocalApiKey } from './auth/api-keys';
import { RestAuthorizers } from './auth/rest-authorizers';
import { AwsEndpoint } from './aws/server';
import { CustomResources } from './custom-resources';
import { describeApp, localValues, type AppDescription } from './describe';
import { StreamStore } from './dynamodb/streams';
import { EventSourceMappings } from './event-sources';
import { Deliverer, DEFAULT_MAX_BACKLOG } from './events/delivery';
import { busTargets } from './events/bus-targets';
import { EventRouter, type PutEventsRequestEntry } from './events/event-router';
import { GlobalEndpoints } from './events/global-endpoints';
import { callerEnvironments } from './aws/caller';
import { DeliveryLedger } from './events/ledger';
import { FunctionHost, type InvokeResult } from './host/function-host';
import { FunctionUrlGateway, type ServedFunctionUrl } from './http/function-urls';
import { HttpGateway, type ServedApi } from './http/gateway';
import { RestGateway, type ServedRestApi } from './http/rest-gateway';
import { UsagePlanLimiter } from './http/rest-usage';
import { ScheduleRunner } from './schedule/runner';
import { Scheduler } from './schedule/scheduler';
import { ScheduleStore } from './schedule/store';
import { TableStore } from './dynamodb/table-store';
import { QueueStore } from './sqs/queue-store';
import { LocalState, type RestoredState, type StateSummary } from './state/local-state';
import { HotReloader } from './watch/hot-reload';
import { localArns } from './iam/arns';
import { IamGate, type IamMode } from './iam/gate';
import { ConsoleServer } from './console/server';

/** The first debugger port of `inspect`, node's own default. */
export const DEFAULT_INSPECT_PORT = 9229;

/** Options for {@link LocalApp.start}. */
export interface LocalAppOptions {
  /** Port of the first HTTP API (others follow, then the REST APIs on the next free ports). 0 picks free ports. @default 3000 */
  readonly httpPort?: number;
  /** Port of the AWS-compatible endpoint. 0 picks a free port. @default 4010 */
  readonly awsPort?: number;
  /** Interface to bind. @default '127.0.0.1' */
  readonly hostname?: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /**
   * Function instances alive at once across the app: this machine's bound. Calls over it wait
   * for an instance (AWS would have run them, so they are never throttled).
   * @default four per core or one per function, within half the machine's memory at 256 MB each
   */
  readonly maxInstances?: number;
  /**
   * The account's concurrency limit, as AWS enforces it: functions without reserved
   * concurrency share it minus the reserved total, and synchronous calls over it get 429.
   * @default none: only reserved concurrency throttles
   */
  readonly accountConcurrency?: number;
  /**
   * A node binary per Lambda runtime, run for that runtime's functions (`{ 'nodejs22.x':
   * '/opt/node22/bin/node' }`).
   * @default the host's own node for every runtime
   */
  readonly nodeBinaries?: Readonly<Record<string, string>>;
  /**
   * The Python interpreter for every Python function (`/usr/bin/python3.12`).
   * @default for each runtime its own interpreter on PATH (`python3.12`), else `python3`
   */
  readonly python?: string;
  /**
   * Multiplies retry delays and event ages, and the waits of EventBridge Scheduler schedules:
   * 0.001 makes a minute 60 ms. (Schedule rules keep the real clock.)
   * @default 1
   */
  readonly timeScale?: number;
  /** Fire schedules on their expressions (they can always be triggered). @default true */
  readonly schedules?: boolean;
  /** Rebundle handlers when their source changes. @default false */
  readonly watch?: boolean;
  /**
   * With `watch`: the ES module packages a handler's files import are bundled apart once, and
   * each rebuild leaves them out (see `HotReloaderOptions.separateDependencies`). False rebuilds
   * every bundle whole, as deployed.
   * @default true
   */
  readonly separateDependencies?: boolean;
  /**
   * Let a debugger attach to the functions (`switchyard dev --inspect`): each function gets a
   * debugger port on 127.0.0.1, consecutive from `port` in the order `dev` lists them (0: free
   * ports, see `host.inspectors`); runs one instance at a time, kept started; is served as a
   * debug build (source maps of the TypeScript sources, not minified) when its entry is known;
   * and its timeout stands still while a breakpoint holds it.
   * @default no debugger ports
   */
  readonly inspect?: { readonly port?: number };
  /** Folder that `switchyard:entry` paths are relative to. @default process.cwd() */
  readonly projectDir?: string;
  /**
   * How routes with authorization are checked: JWT issuers' keys, the development issuer
   * (trusted by default, local only), IAM credentials.
   * @default - see `LocalAuthOptions`
   */
  readonly auth?: LocalAuthOptions;
  /**
   * Keep the app's state across restarts in this folder: deliveries pending or retrying (with
   * their attempts and next attempt times), the ledger, dead letters and every queue's messages,
   * and the DynamoDB tables. Each app has its own subfolder, named by its stacks, account and
   * region. `switchyard dev` keeps it in `<projectDir>/.switchyard/state`.
   * @default none: the state lives in memory and ends with the app
   */
  readonly stateDir?: string;
  /** Start with empty state, discarding what `stateDir` holds for this app. @default false */
  readonly fresh?: boolean;
  /**
   * Deliveries accepted and not yet ended (pending or retrying) past which `PutEvents` answers
   * `ThrottlingException` and an asynchronous `Invoke` `TooManyRequestsException`, as AWS
   * answers callers over a quota; the AWS SDK retries both with backoff. Bounds the memory a
   * flood of events takes. `Infinity` lifts the bound.
   * @default 10000
   */
  readonly maxBacklog?: number;
  /**
   * How the calls functions make to the AWS endpoint are checked against their synthesized
   * roles: `enforce` answers `AccessDeniedException` where AWS would, `warn` lets the call through
   * and reports it once (`app.iam.on('gap')`), `off` checks nothing. Calls signed with other
   * credentials (a test's, a script's) are never checked.
   * @default 'warn'
   */
  readonly iam?: IamMode;
  /**
   * Serve the local console (the browser UI and its JSON API, see the README's "Local console")
   * on this port of `hostname`, or the next free one; 0 picks a free port. `switchyard dev`
   * serves it on 4020 unless `--no-console`.
   * @default no console
   */
  readonly consolePort?: number;
  /** `false` serves no console even when `consolePort` is set (what `dev --no-console` does). @default true */
  readonly console?: boolean;
}

/** A running local app. */
export class LocalApp {
  /**
   * Reads the assembly (or several, run together as one app: their stacks must have distinct
   * ids) and starts everything.
   *
   * @example
   * const app = await LocalApp.start('cdk.out', { httpPort: 0, awsPort: 0 });
   * await fetch(`${app.urls[0]}/orders`);
   * await app.stop();
   */
  static async start(assemblyDir: string | readonly string[], options: LocalAppOptions = {}): Promise<LocalApp> {
    const hostname = options.hostname ?? '127.0.0.1';
    const endpoint = new AwsEndpoint();
    // Queue URLs in function environments point at the endpoint, so it listens first.
    const awsEndpoint = await endpoint.listen(options.awsPort ?? 4010, hostname);
    let app: LocalApp | undefined;
    try {
      const projectDir = options.projectDir ?? process.cwd();
      const { model, skipped } = readAppModel(assemblyDir, { region: options.region, accountId: options.accountId, endpointUrl: awsEndpoint, projectDir });
      const state = options.stateDir === undefined ? undefined : await LocalState.open(options.stateDir, model, { fresh: options.fresh });
      try {
        app = new LocalApp(model, skipped, endpoint, awsEndpoint, options, projectDir, state);
      } catch (err) {
        await state?.close();
        throw err;
      }
      await app.startServices();
      return app;
    } catch (err) {
      // What started (the endpoint, the staged task roots) must not outlive a failed start.
      await (app ? app.stop() : endpoint.close());
      throw err;
    }
  }

  readonly host: FunctionHost;
  readonly queues: QueueStore;
  readonly tables: TableStore;
  /** The DynamoDB streams of the app's tables, fed by the writes to them. */
  readonly streams: StreamStore;
  readonly ledger = new DeliveryLedger();
  readonly deliverer: Deliverer;
  readonly router: EventRouter;
  /** The global endpoints, with the region each sends to (`switchyard failover` moves it). */
  readonly endpoints: GlobalEndpoints;
  readonly scheduler: Scheduler;
  /** EventBridge Scheduler's schedules and groups: the template's and those created through the API. */
  readonly schedules: ScheduleStore;
  readonly gateway: HttpGateway;
  /** The REST (v1) APIs' gateway. */
  readonly restGateway: RestGateway;
  /** The function URLs, each on its own port. */
  readonly functionUrlGateway: FunctionUrlGateway;
  /** Local values of the REST APIs' API keys (template values, else generated into `.switchyard/api-keys.json`). */
  readonly apiKeyStore: ApiKeyStore;
  readonly reloader?: HotReloader;
  /** Route authorization (JWT, Lambda authorizers with their cache, IAM). */
  readonly auth: LocalAuth;
  /**
   * Local values of secrets and parameters: `<projectDir>/.switchyard/secrets.json` (git-ignored)
   * over `<projectDir>/dev-secrets.json` (committed, fake values) over the template's values.
   */
  readonly secrets: SecretStore;
  /** The custom resources, created once at start-up through their providers, with what each answered. */
  readonly customResources: CustomResources;
  /** The permission check of functions' calls to the AWS endpoint, and the gaps it found (see `LocalAppOptions.iam`). */
  readonly iam: IamGate;
  /** The local console, when served (`LocalAppOptions.consolePort`); its `url` once the app has started. */
  readonly console?: ConsoleServer;
  private state?: LocalState;
  private eventSources?: EventSourceMappings;
  private restoredState?: RestoredState;
  private keptState?: StateSummary;
  private stopped = false;
  private readonly stopping = new AbortController();

  private constructor(
    /** The app model being served. */
    readonly model: AppModel,
    /** What the model could not serve locally, with reasons. */
    readonly skipped: readonly string[],
    private readonly endpoint: AwsEndpoint,
    /** Base URL of the AWS-compatible endpoint. */
    readonly awsEndpoint: string,
    private readonly options: LocalAppOptions,
    projectDir: string,
    state: LocalState | undefined,
  ) {
    this.host = new FunctionHost(model.functions, {
      awsEndpointUrl: awsEndpoint,
      region: model.region,
      // A stack bound to another region runs its functions there (its ARN's region).
      regionOf: (fn) => fn.arn.split(':')[3] || model.region,
      projectDir,
      assemblyDir: model.assemblyDir,
      maxInstances: options.maxInstances,
      accountConcurrency: options.accountConcurrency,
      nodeBinaries: options.nodeBinaries,
      inspect: options.inspect ? { port: options.inspect.port ?? DEFAULT_INSPECT_PORT } : undefined,
      python: options.python,
    });
    this.queues = new QueueStore(model.queues, awsEndpoint, model.accountId);
    this.streams = new StreamStore(model.tables);
    this.tables = new TableStore(model.tables, { path: state?.tablesDir, streams: this.streams });
    this.state = state;
    this.deliverer = new Deliverer(this.host, this.queues, this.ledger, {
      timeScale: options.timeScale,
      maxBacklog: options.maxBacklog ?? DEFAULT_MAX_BACKLOG,
      kept: state ? () => state.kept() : undefined,
    });
    this.endpoints = new GlobalEndpoints(model.globalEndpoints ?? []);
    this.router = new EventRouter(model, this.deliverer, this.endpoints);
    this.schedules = new ScheduleStore(`arn:aws:scheduler:${model.region}:${model.accountId}`, model.schedules, model.scheduleGroups);
    const runner = new ScheduleRunner(this.schedules, {
      host: this.host,
      queues: this.queues,
      router: this.router,
      deliverer: this.deliverer,
      ledger: this.ledger,
      accountId: model.accountId,
      region: model.region,
      timeScale: options.timeScale ?? 1,
      signal: this.stopping.signal,
    });
    this.scheduler = new Scheduler(model.rules, this.router, runner);
    this.customResources = new CustomResources(model, this.host, awsEndpoint);
    this.auth = new LocalAuth(this.host, model.accountId, { projectDir, ...options.auth });
    this.secrets = SecretStore.forProject(projectDir, model.region, model.accountId, { parameters: model.parameters, secrets: model.secrets });
    this.iam = new IamGate(model, options.iam ?? 'warn', localArns({ region: model.region, accountId: model.accountId, queues: this.queues, host: this.host, secrets: this.secrets, tables: model.tables }));
    // A rule's event bus target hands its events to that bus's rules, if its policy admits the sender.
    this.deliverer.busTargets = busTargets(this.router, this.iam);
    this.gateway = new HttpGateway(model.httpApis, this.host, { port: options.httpPort ?? 3000, host: options.hostname, accountId: model.accountId, region: model.region, auth: this.auth });
    this.apiKeyStore = ApiKeyStore.load(model.restApis, path.join(projectDir || os.tmpdir(), '.switchyard'));
    const authorizers = new RestAuthorizers(this.host, () => this.auth.jwtVerifier(), { accountId: model.accountId, credentials: options.auth?.iamCredentials });
    this.restGateway = new RestGateway(model.restApis, this.host, { host: options.hostname, accountId: model.accountId, region: model.region, authorizers, limiter: new UsagePlanLimiter(this.apiKeyStore) });
    this.functionUrlGateway = new FunctionUrlGateway(model.functionUrls ?? [], this.host, { host: options.hostname, accountId: model.accountId, iamCredentials: options.auth?.iamCredentials });
    // Recording from the start, so that the console shows what start-up itself does.
    if (options.consolePort !== undefined && options.console !== false) this.console = new ConsoleServer(this);
    // Under inspect, functions are served as debug builds (built here) even when not watched.
    if (options.watch || options.inspect) {
      this.reloader = new HotReloader(model.functions, this.host, {
        projectDir: projectDir || process.cwd(),
        watch: options.watch ?? false,
        debug: options.inspect !== undefined,
        separateDependencies: options.separateDependencies,
      });
    }
  }

  /** The event source mappings (SQS queues and table streams polled into functions); set once the app has started. */
  get mappings(): EventSourceMappings {
    if (!this.eventSources) throw new Error('The app has not started');
    return this.eventSources;
  }

  /** What was restored from `stateDir` at start; undefined when the app keeps no state. */
  get restored(): RestoredState | undefined {
    return this.restoredState;
  }

  /** What {@link stop} kept in `stateDir` for the next start; undefined before it, or when the app keeps no state. */
  get keptAtStop(): StateSummary | undefined {
    return this.keptState;
  }

  /** The HTTP APIs with their base URLs, in model order. */
  get apis(): readonly ServedApi[] {
    return this.gateway.apisServed;
  }

  /** The REST APIs with their stage URLs, in model order. */
  get restApis(): readonly ServedRestApi[] {
    return this.restGateway.apisServed;
  }

  /** Base URL of each HTTP API, then of each REST API (its first stage: `http://127.0.0.1:3001/prod`). */
  get urls(): string[] {
    return [...this.apis.map((a) => a.url), ...this.restApis.map((a) => a.url)];
  }

  /** The function URLs with their local URLs (`http://127.0.0.1:3002/`), in model order. */
  get functionUrls(): readonly ServedFunctionUrl[] {
    return this.functionUrlGateway.urlsServed;
  }

  /** The REST APIs' API keys with their local values, for `x-api-key`. */
  apiKeys(): LocalApiKey[] {
    return this.apiKeyStore.list();
  }

  /** What the app serves, by the names `switchyard dev` prints, and the stacks' outputs with their local values. */
  describe(): AppDescription {
    const description = describeApp(this.model, [...this.apis, ...this.restApis], this.queues.list(), this.functionUrls);
    return { ...description, outputs: this.customResources.fillOutputs(description.outputs) };
  }

  /** Invokes a function synchronously (by name, ARN, logical id or display name) with a JSON-serializable event. */
  invoke(functionRef: string, event: unknown = {}): Promise<InvokeResult> {
    return this.host.invoke(functionRef, { payload: JSON.stringify(event), overflow: 'throttle' });
  }

  /** Publishes events as `PutEvents` would. */
  putEvents(entries: readonly PutEventsRequestEntry[]) {
    return this.router.putEvents(entries);
  }

  /** Fires a schedule rule or an EventBridge Scheduler schedule now (by the name `dev` prints, name, ARN or logical id). */
  triggerSchedule(ruleRef: string) {
    return this.scheduler.trigger(ruleRef);
  }

  /**
   * Stops servers, timers and instances. Deliveries still retrying stay in the ledger as
   * `retrying`; an attempt in flight is interrupted. With `stateDir`, all of it is kept for the
   * next start, and {@link keptAtStop} says what was kept.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort();
    await this.console?.stop();
    this.deliverer.stop();
    const polling = this.eventSources?.stop();
    this.scheduler.stop();
    this.queues.stop();
    await this.reloader?.stop();
    await Promise.all([this.gateway.stop(), this.restGateway.stop(), this.functionUrlGateway.stop(), this.endpoint.close()]);
    // Invocations in flight end with the instances; the pollers then end their batches.
    await this.host.stop();
    await polling;
    // Counted once nothing changes any more, and while the tables still answer.
    this.keptState = this.state && this.restoredState ? await this.state.summarize(this) : undefined;
    await this.tables.stop();
    await this.state?.close();
  }

  private async startServices(): Promise<void> {
    const kept = this.state ? await this.restoreState(this.state) : undefined;
    // Before anything is served: the mappings' readers decide which tables' writes are captured.
    this.eventSources = new EventSourceMappings(this.model, this.host, this.queues, this.streams, this.ledger, {
      timeScale: this.options.timeScale,
      kept: this.state ? () => this.state!.kept() : undefined,
      positions: kept?.positions,
      journal: kept?.keeper,
    });
    this.eventSources.endInterrupted();
    const http = await this.gateway.start();
    // REST APIs take the ports after the HTTP APIs', function URLs the ports after those.
    const first = this.options.httpPort ?? 3000;
    const after = (ports: readonly number[]) => (first === 0 ? 0 : ports.length ? Math.max(...ports) + 1 : first);
    const rest = await this.restGateway.start(after(http.map((a) => a.port)));
    await this.functionUrlGateway.start(after([...http, ...rest].map((a) => a.port)));
    await this.console?.listen(this.options.consolePort!, this.options.hostname ?? '127.0.0.1');
    // Parameters publishing an API's URL (one app's endpoint for another) answer with its local port.
    this.secrets.localizeWith(localValues([...this.apis, ...this.restApis], this.functionUrls));
    this.endpoint.attach({
      host: this.host,
      router: this.router,
      queues: this.queues,
      tables: this.tables,
      deliverer: this.deliverer,
      ledger: this.ledger,
      scheduler: this.scheduler,
      secrets: this.secrets,
      auth: this.auth,
      describe: () => this.describe(),
      customResources: this.customResources,
      iam: this.iam,
      endpoints: this.endpoints,
      callerEnvironment: callerEnvironments(this.model.functions),
      kept: this.state ? () => this.state!.kept() : undefined,
    });
    // Created as a deployment creates them, before the app is handed over.
    await this.customResources.createAll();
    // On the next turn of the event loop: whoever awaited start() (dev) has attached its
    // listeners by then and sees what the resumed deliveries do, even those that end at once.
    const state = this.state;
    if (state) {
      setImmediate(() => {
        if (!this.stopped) state.resume(this.ledger, this.deliverer, this.model, (record) => this.scheduler.resumeFiring(record));
      });
    }
    if (this.options.schedules !== false) this.scheduler.start();
    this.eventSources.start();
    this.reloader?.start();
    if (this.options.inspect) {
      // The debug builds first: the instances a debugger attaches to then run them.
      await this.reloader?.ready();
      await this.host.startInspectors();
    }
  }

  /** Restores the kept state (tables, ledger, queues, stream records); returns what the mappings need of it. */
  private async restoreState(state: LocalState) {
    const tableNotes = await this.tables.open();
    const restored = await state.restore(this, tableNotes);
    const streams = await state.restoreStreams(this.streams);
    this.restoredState = { ...restored, notes: [...restored.notes, ...streams.notes] };
    return streams;
  }
}
