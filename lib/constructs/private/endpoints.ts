import { ArnFormat, Lazy, Stack, Token } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import * as ram from 'aws-cdk-lib/aws-ram';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import { DEFAULT_DISCOVERY_NAMESPACE, discoveryLayout, pathSafe, type PublishedEvent } from '../../runtime/discovery';
import type { DiscoveryOptions } from '../discovery';
import type { AnyEventDefinition, EventSchemaRegistry } from '../schemas';

// What SSM takes in a parameter name segment; `aws` and `ssm` are reserved as the first one.
const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const NAMESPACE = /^(\/[A-Za-z0-9_.-]+)+$/;
const RESERVED_PREFIX = /^\/?(aws|ssm)/i;
// A name has at most 15 levels; the deepest we write is <namespace>/<app>/queues/<queue>/url.
const MAX_NAMESPACE_LEVELS = 11;
const ACCOUNT = /^\d{12}$/;

// The paths apps of each CDK app publish under (keyed by the construct tree's root), so a lookup
// of an app of the same CDK app can be told to reference it directly.
const publishedPaths = new WeakMap<IConstruct, Map<string, string>>();

/** The construct path of the app of this CDK app publishing under `root`, if any. */
export function publisherOf(scope: IConstruct, root: string): string | undefined {
  return publishedPaths.get(scope.node.root)?.get(root);
}

/** What an app has when it starts publishing: published at once, the rest as it is declared. */
export interface PublishedSoFar {
  readonly bus: events.IEventBus;
  readonly apiUrl?: string;
  readonly queues: Readonly<Record<string, { readonly queue: sqs.IQueue }>>;
  readonly events: readonly AnyEventDefinition[];
  readonly registry?: EventSchemaRegistry;
}

/**
 * Writes an app's endpoints as SSM parameters in the layout `discoverApp` reads
 * (`switchyard/runtime`), under `<app>/Discovery`: what exists when publishing starts, then each
 * API, queue and event as the app declares it. With `shareWith`, the parameters are advanced
 * tier and shared through one AWS RAM resource share, the only way SSM lets another account
 * read them.
 */
export class EndpointPublisher {
  /** `<namespace>/<appName>`. */
  public readonly root: string;
  private readonly scope: Construct;
  private readonly tier: ssm.ParameterTier;
  private readonly parameters: ssm.StringParameter[] = [];
  private readonly shareWith: readonly string[];

  constructor(app: Construct, options: DiscoveryOptions) {
    const appName = options.appName ?? app.node.id;
    const namespace = options.namespace ?? DEFAULT_DISCOVERY_NAMESPACE;
    checkDiscovery(app, appName, namespace, options.shareWith ?? []);
    this.root = discoveryLayout.root(namespace, appName);
    this.scope = new Construct(app, 'Discovery');
    const paths = publishedPaths.get(app.node.root) ?? new Map<string, string>();
    publishedPaths.set(app.node.root, paths);
    const other = paths.get(this.root);
    if (other) invalid(app, `Another app of this CDK app already publishes under this path (${other})`, this.root, 'give one of them another discovery appName or namespace');
    paths.set(this.root, app.node.path);
    this.shareWith = options.shareWith ?? [];
    const shared = this.shareWith.length > 0;
    this.tier = shared ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD;
    if (shared) {
      new ram.CfnResourceShare(this.scope, 'Share', {
        name: `switchyard${this.root.replace(/\//g, '-')}`,
        principals: options.shareWith,
        // Parameters published later (a queue declared after this) are shared too.
        resourceArns: Lazy.list({ produce: () => this.parameters.map((p) => p.parameterArn) }),
        allowExternalPrincipals: true,
      });
    }
  }

  /** Publishes what the app has so far. */
  publishExisting(app: PublishedSoFar): void {
    this.put('BusName', discoveryLayout.busName(this.root), app.bus.eventBusName, 'The name of the app\'s EventBridge bus');
    this.put('BusArn', discoveryLayout.busArn(this.root), app.bus.eventBusArn, 'The ARN of the app\'s EventBridge bus');
    if (app.apiUrl) this.publishApi(app.apiUrl);
    for (const [name, queue] of Object.entries(app.queues)) this.publishQueue(name, queue.queue);
    for (const event of app.events) this.publishEvent(event, app.registry);
  }

  /** The HTTP API's URL. */
  publishApi(url: string): void {
    this.put('ApiUrl', discoveryLayout.apiUrl(this.root), url, 'The URL of the app\'s HTTP API');
  }

  /** A queue's URL and ARN. */
  publishQueue(name: string, queue: sqs.IQueue): void {
    const segment = pathSafe(name);
    this.put(`Queue${name}Url`, discoveryLayout.queueUrl(this.root, segment), queue.queueUrl, `The URL of the app's queue ${name}`);
    this.put(`Queue${name}Arn`, discoveryLayout.queueArn(this.root, segment), queue.queueArn, `The ARN of the app's queue ${name}`);
  }

  /** A defined event, with where its JSON Schema is when the app keeps a registry. */
  publishEvent(event: AnyEventDefinition, registry?: EventSchemaRegistry): void {
    const id = `Event${event.source}@${event.detailType}`.replace(/\//g, '_');
    if (this.scope.node.tryFindChild(id)) return;
    const reference: PublishedEvent = {
      source: event.source,
      detailType: event.detailType,
      ...(registry ? { registryName: registry.registry.attrRegistryName, schemaName: `${event.source}@${event.detailType}` } : {}),
    };
    const value = Stack.of(this.scope).toJsonString(reference);
    this.put(id, discoveryLayout.event(this.root, event.source, event.detailType), value, `The event ${event.detailType} of ${event.source}`);
    if (registry) this.shareRegistry(registry);
  }

  /**
   * Lets the accounts the parameters are shared with read the schemas they point to: the
   * registry's resource policy, read actions only, on that registry and its schemas.
   */
  private shareRegistry(registry: EventSchemaRegistry): void {
    if (this.shareWith.length === 0 || this.scope.node.tryFindChild('RegistryPolicy')) return;
    const stack = Stack.of(this.scope);
    const name = registry.registry.attrRegistryName;
    new eventschemas.CfnRegistryPolicy(this.scope, 'RegistryPolicy', {
      registryName: name,
      policy: {
        Version: '2012-10-17',
        Statement: [{
          Sid: 'SwitchyardDiscoveryRead',
          Effect: 'Allow',
          Principal: { AWS: this.shareWith.map((account) => stack.formatArn({ service: 'iam', region: '', account, resource: 'root', arnFormat: ArnFormat.NO_RESOURCE_NAME })) },
          Action: ['schemas:DescribeRegistry', 'schemas:ListSchemas', 'schemas:ListSchemaVersions', 'schemas:DescribeSchema', 'schemas:ExportSchema'],
          Resource: [registry.registry.attrRegistryArn, stack.formatArn({ service: 'schemas', resource: 'schema', resourceName: `${name}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
        }],
      },
    });
  }

  private put(id: string, parameterName: string, stringValue: string, description: string): void {
    this.parameters.push(
      new ssm.StringParameter(this.scope, id, {
        parameterName,
        stringValue,
        description: `${description}, for other apps to find it (Switchyard discovery)`,
        tier: this.tier,
      }),
    );
  }
}

/** The checks SSM and RAM would otherwise make at deploy time, made at synth. */
export function checkDiscovery(scope: IConstruct, appName: string, namespace: string, shareWith: readonly string[] = []): void {
  if (!Token.isUnresolved(appName) && !SEGMENT.test(appName)) {
    invalid(scope, 'A discovery app name must be one SSM parameter path segment', appName, 'set discovery: { appName } to letters, digits and _.- only (the construct id is used by default)');
  }
  if (!NAMESPACE.test(namespace) || namespace.split('/').length - 1 > MAX_NAMESPACE_LEVELS) {
    invalid(scope, 'A discovery namespace must be an SSM parameter path', namespace, `set discovery: { namespace } to a path such as "/switchyard" or "/teams/payments": segments of letters, digits and _.-, at most ${MAX_NAMESPACE_LEVELS} levels`);
  }
  if (RESERVED_PREFIX.test(namespace)) {
    invalid(scope, 'SSM reserves parameter names starting with "aws" or "ssm"', namespace, 'choose a namespace whose first segment does not start with aws or ssm (any case)');
  }
  checkAccounts(scope, 'discovery.shareWith', shareWith);
}

/** Throws SY200 unless each of `accounts` (given as `prop`) is a 12-digit account id. */
export function checkAccounts(scope: IConstruct, prop: string, accounts: readonly string[]): void {
  for (const account of accounts) {
    if (!Token.isUnresolved(account) && !ACCOUNT.test(account)) invalid(scope, `${prop} takes AWS account ids`, account, `give ${prop} as a 12-digit account id`);
  }
}

function invalid(scope: IConstruct, problem: string, value: unknown, fix: string): never {
  throw new SwitchyardError({ code: ErrorCode.INVALID_DISCOVERY, problem, scope, value, fix });
}
