import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

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
  /** The app's bus. */
  public readonly bus: events.IEventBus;

  /** @internal */
  constructor(scope: Construct, id: string, appName: string) {
    super(scope, id);
    this.appName = appName;
    throw new Error('not yet');
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
    throw new Error('not yet');
  }

  /** A queue of the app, by its name there, to grant sends on (`queue('Orders').grantSendMessages(fn)`). */
  public queue(name: string): sqs.IQueue {
    throw new Error(`not yet: ${name}`);
  }

  /**
   * Lets `grantee` publish on the app's bus: `events:PutEvents` on exactly that bus. (Across
   * accounts, the app's bus policy must admit this account too.)
   */
  public grantPublish(grantee: iam.IGrantable): iam.Grant {
    throw new Error(`not yet: ${grantee}`);
  }

  /**
   * Lets `grantee` find the app at run time with `discoverApp(name)` of `switchyard/runtime`:
   * `ssm:GetParametersByPath`, `ssm:GetParameter` and `ssm:GetParameters` on exactly the app's
   * path, and, for a function of this app, the namespace in `SWITCHYARD_DISCOVERY_NAMESPACE`.
   */
  public grantDiscover(grantee: iam.IGrantable): iam.Grant {
    throw new Error(`not yet: ${grantee}`);
  }
}
