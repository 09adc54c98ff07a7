import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../errors';
import { DEFAULT_DISCOVERY_NAMESPACE, DISCOVERY_NAMESPACE_ENV, discoveryLayout, pathSafe } from '../runtime/discovery';

/**
 * How an app publishes its endpoints for other apps to find by name: SSM parameters under
 * `<namespace>/<appName>/` (the layout is `discoverApp`'s in `switchyard/runtime`).
 */
export interface DiscoveryOptions {
  /**
   * The name other apps find this one by (`EventApp.lookup(scope, 'Orders')`): letters,
   * digits and `_.-`.
   * @default - the EventApp's construct id
   */
  readonly appName?: string;
  /**
   * The path the app's parameters are under: `/switchyard`, or a team's own (`/teams/payments`).
   * @default '/switchyard'
   */
  readonly namespace?: string;
  /**
   * Other accounts that may read the parameters: they are shared with them through AWS RAM,
   * which only advanced-tier parameters can be (advanced tier is charged per parameter and
   * month). SSM parameters are not readable from another account otherwise.
   * @default - none: readable in this account only
   */
  readonly shareWith?: string[];
}

/** Where {@link ImportedEventApp}'s parameters are read from, by `EventApp.lookup`. */
export interface AppLookupOptions {
  /**
   * The namespace the app published under.
   * @default '/switchyard'
   */
  readonly namespace?: string;
  /**
   * The app's account, when not the stack's: its parameters must be shared with this account
   * (`discovery: { shareWith }` on the app); they are read by ARN at deploy time.
   * @default - the stack's account
   */
  readonly account?: string;
  /**
   * The app's region, when not the stack's: its parameters are read there at deploy time.
   * @default - the stack's region
   */
  readonly region?: string;
}

/** An app known by its attributes rather than looked up: for `EventApp.fromAttributes`. */
export interface ImportedEventAppAttributes {
  /** The app's name (as it would publish it). */
  readonly appName: string;
  /** The ARN of the app's bus (its account and region are read from it). */
  readonly busArn: string;
  /**
   * The app's HTTP API URL.
   * @default - none
   */
  readonly apiUrl?: string;
  /**
   * The app's queues, by name: their ARNs.
   * @default - none
   */
  readonly queueArns?: Record<string, string>;
}

/**
 * How an imported app's values are read: from its published parameters (by `EventApp.lookup`)
 * or from the attributes given (`EventApp.fromAttributes`). @internal
 */
export interface ImportedEventAppSource {
  /** The app's name. */
  readonly appName: string;
  /** The app's account. */
  readonly account: string;
  /** The app's region. */
  readonly region: string;
  /** True when the app is in another account than the importing stack. */
  readonly otherAccount: boolean;
  /** `<namespace>/<appName>`, when the app was looked up by name. */
  readonly root?: string;
  /** The namespace, when the app was looked up by name. */
  readonly namespace?: string;
  /** A value of the app: the parameter read under `scope`, or the attribute given. */
  read(scope: Construct, id: string, parameterName: (root: string) => string, attribute: string): string;
}

/**
 * Another app, found by name (`EventApp.lookup`) or by attributes (`EventApp.fromAttributes`):
 * its bus, API URL and queues as tokens resolved at deploy, and grants to call them with least
 * privilege.
 */
export class ImportedEventApp extends Construct {
  /** The app's name. */
  public readonly appName: string;
  /** The app's account. */
  public readonly account: string;
  /** The app's region. */
  public readonly region: string;

  private readonly source: ImportedEventAppSource;
  private readonly queues: Record<string, sqs.IQueue> = {};
  private api?: string;
  private importedBus?: events.IEventBus;

  /** Use `EventApp.lookup` or `EventApp.fromAttributes`. @internal */
  constructor(scope: Construct, id: string, source: ImportedEventAppSource) {
    super(scope, id);
    this.source = source;
    this.appName = source.appName;
    this.account = source.account;
    this.region = source.region;
  }

  /** The app's bus (read when first used, so an import used only to discover adds no read). */
  public get bus(): events.IEventBus {
    this.importedBus ??= events.EventBus.fromEventBusArn(this, 'Bus', this.source.read(this, 'BusArn', discoveryLayout.busArn, 'busArn'));
    return this.importedBus;
  }

  /** The bus's ARN. */
  public get busArn(): string {
    return this.bus.eventBusArn;
  }

  /** The bus's name. */
  public get busName(): string {
    return this.bus.eventBusName;
  }

  /** The app's HTTP API URL (read when first used: an app without routes publishes none). */
  public get apiUrl(): string {
    this.api ??= this.source.read(this, 'ApiUrl', discoveryLayout.apiUrl, 'apiUrl');
    return this.api;
  }

  /** A queue of the app, by its name there, to grant sends on (`queue('Orders').grantSendMessages(fn)`). */
  public queue(name: string): sqs.IQueue {
    const segment = pathSafe(name);
    // The URL is derived from the ARN, as SQS forms it: one parameter read, not two.
    this.queues[name] ??= sqs.Queue.fromQueueAttributes(this, `Queue${name}`, {
      queueArn: this.source.read(this, `Queue${name}Arn`, (root) => discoveryLayout.queueArn(root, segment), `queueArns.${name}`),
    });
    return this.queues[name];
  }

  /**
   * Lets `grantee` publish on the app's bus: `events:PutEvents` on exactly that bus. (Across
   * accounts, the app's bus policy must admit this account too: `receiveEvents` on its side.)
   */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['events:PutEvents'], resourceArns: [this.busArn] });
  }

  /**
   * Lets `grantee` find the app at run time with `discoverApp(name)` of `switchyard/runtime`:
   * `ssm:GetParametersByPath`, `ssm:GetParameter` and `ssm:GetParameters` on exactly the app's
   * path, and, for a function of this app, the namespace in `SWITCHYARD_DISCOVERY_NAMESPACE`.
   */
  public grantDiscover(grantee: iam.IGrantable): iam.Grant {
    const { root, namespace } = this.source;
    if (!root || !namespace || this.source.otherAccount) {
      throw new SwitchyardError({
        code: ErrorCode.INVALID_DISCOVERY,
        problem: root
          ? 'discoverApp reads an app by path (GetParametersByPath), which SSM does not allow on another account\'s parameters, shared or not'
          : 'An app imported by its attributes has no published path to discover it by',
        scope: this,
        value: this.appName,
        fix: 'give the function the values it needs instead, e.g. environment: { ORDERS_BUS_ARN: imported.busArn }, or look the app up by name (EventApp.lookup) in its own account',
      });
    }
    const path = Stack.of(this).formatArn({
      service: 'ssm', account: this.account, region: this.region, resource: 'parameter', resourceName: root.slice(1), arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    // The path itself (what GetParametersByPath is authorized on) and every parameter below it.
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParametersByPath', 'ssm:GetParameter', 'ssm:GetParameters'], resourceArns: [path, `${path}/*`] });
    if (namespace !== DEFAULT_DISCOVERY_NAMESPACE && grantee instanceof lambda.Function) grantee.addEnvironment(DISCOVERY_NAMESPACE_ENV, namespace);
    return grant;
  }
}
