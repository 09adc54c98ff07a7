import { Stack, StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../errors';
import { EventApp, EventAppProps } from './event-app';
import type { GlobalEndpointOptions } from './global-endpoint';
import { apiHealthCheck, checkDomain } from './private/regional-domain';
import { checkRegionPair } from './private/regions';

/** The region a {@link MultiRegionApp} is defining, given to `define` and `app`. */
export interface RegionInfo {
  /** This stack's region. */
  readonly region: string;
  /** True in the primary region. */
  readonly primary: boolean;
  /** The other region. */
  readonly otherRegion: string;
}

/** An HTTP API custom domain served from both regions, with Route 53 choosing between them. */
export interface RegionalDomainOptions {
  /** The domain name, e.g. `api.shop.example.com`; in `hostedZone`. */
  readonly domainName: string;
  /** The public hosted zone the records go in (by attributes: it is shared by both regions' stacks). */
  readonly hostedZone: { readonly hostedZoneId: string; readonly zoneName: string };
  /**
   * The ACM certificate for `domainName` in each region, by region: a regional API domain
   * needs a certificate of its own region.
   */
  readonly certificateArns: Readonly<Record<string, string>>;
  /**
   * `failover`: the primary region answers while its health check passes, then the secondary.
   * `latency`: each client gets the region nearest to it, among those passing their health check.
   * @default 'failover'
   */
  readonly routing?: 'failover' | 'latency';
  /**
   * Path of the API's health route, which Route 53 calls over HTTPS in each region (a `GET`,
   * `ANY` or `$default` route must serve it).
   * @default '/health'
   */
  readonly healthCheckPath?: string;
}

/** Props of a {@link MultiRegionApp}. */
export interface MultiRegionAppProps {
  /** The primary region: the global endpoint's, and the failover record's primary. */
  readonly primaryRegion: string;
  /** The region events and requests fail over to. */
  readonly secondaryRegion: string;
  /**
   * The account of both stacks.
   * @default - the CLI's (`CDK_DEFAULT_ACCOUNT`), else account-agnostic
   */
  readonly account?: string;
  /** The bus name, the same in both regions (a global endpoint needs it). */
  readonly busName: string;
  /**
   * A global endpoint for the bus in the primary region, failing over to the secondary; `false`
   * for none (each region's publishers then put events on their own region's bus).
   * @default true
   */
  readonly globalEndpoint?: boolean | Omit<GlobalEndpointOptions, 'secondaryRegion'>;
  /**
   * An HTTP API custom domain in each region, with Route 53 failover or latency routing.
   * @default - none: each region's API keeps its own URL
   */
  readonly domain?: RegionalDomainOptions;
  /**
   * Props of both stacks (`env` is set here; `stackName` defaults to `<id>-<region>`).
   * @default - none
   */
  readonly stackProps?: Omit<StackProps, 'env'>;
  /**
   * The app's props, or a function giving them per region (`busName`, `bus` and
   * `globalEndpoint` are set here).
   * @default - none
   */
  readonly app?: Omit<EventAppProps, 'busName' | 'bus' | 'globalEndpoint'> | ((region: RegionInfo) => Omit<EventAppProps, 'busName' | 'bus' | 'globalEndpoint'>);
  /**
   * Declares the app's routes, subscriptions, ... with the methods of `EventApp`; called once
   * per region.
   * @default - only what `app` declares
   */
  readonly define?: (app: EventApp, region: RegionInfo) => void;
}

/** What a {@link MultiRegionApp} made in one region. */
export interface RegionalApp {
  /** The region. */
  readonly region: string;
  /** The region's stack. */
  readonly stack: Stack;
  /** The app in it. */
  readonly app: EventApp;
  /** The HTTP API custom domain, with `domain`. */
  readonly domain?: apigwv2.DomainName;
  /** The Route 53 health check on the region's API, with `domain`. */
  readonly healthCheck?: route53.HealthCheck;
  /** The region's alias record for the domain, with `domain`. */
  readonly record?: route53.ARecord;
}

/**
 * One app deployed to two regions from one CDK app: a stack per region (`<id>-<region>`) with
 * the same `EventApp` in each, the same bus name, an EventBridge global endpoint in the primary
 * (on by default), and, with `domain`, an API custom domain per region behind Route 53 failover
 * or latency records. Nothing crosses regions by reference: the secondary bus's ARN is built
 * from its name, so no `crossRegionReferences` are needed; the primary stack depends on the
 * secondary's (the endpoint names its bus).
 *
 * @example
 * new MultiRegionApp(app, 'Shop', {
 *   primaryRegion: 'us-east-1',
 *   secondaryRegion: 'us-west-2',
 *   busName: 'shop',
 *   define: (shop) => {
 *     shop.addRoute('GET /health', 'lambdas/health.ts');
 *     shop.addRoute('POST /orders', { entry: 'lambdas/place-order.ts', publishes: true });
 *   },
 * });
 */
export class MultiRegionApp extends Construct {
  /** The primary region's stack and app. */
  public readonly primary: RegionalApp;
  /** The secondary region's stack and app. */
  public readonly secondary: RegionalApp;

  constructor(scope: Construct, id: string, props: MultiRegionAppProps) {
    super(scope, id);
    const endpoint = props.globalEndpoint ?? true;
    checkRegionPair(this, { primary: props.primaryRegion, secondary: props.secondaryRegion }, { primary: 'primaryRegion', secondary: 'secondaryRegion' }, endpoint !== false);
    if (props.domain) checkDomain(this, props.domain, [props.primaryRegion, props.secondaryRegion]);
    this.secondary = this.deploy(id, props, { region: props.secondaryRegion, primary: false, otherRegion: props.primaryRegion });
    this.primary = this.deploy(id, props, { region: props.primaryRegion, primary: true, otherRegion: props.secondaryRegion });
    if (endpoint !== false) this.primary.stack.addStackDependency(this.secondary.stack, 'the global endpoint names the secondary region\'s bus');
  }

  /** Both regions, primary first. */
  public get regions(): readonly RegionalApp[] {
    return [this.primary, this.secondary];
  }

  private deploy(id: string, props: MultiRegionAppProps, info: RegionInfo): RegionalApp {
    const stack = new Stack(this, info.region, {
      stackName: `${id}-${info.region}`,
      ...props.stackProps,
      env: { account: props.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: info.region },
    });
    const given = typeof props.app === 'function' ? props.app(info) : (props.app ?? {});
    this.checkDashboardName(given.monitoring ? given.monitoring.dashboardName : undefined, info.region);
    const endpoint = props.globalEndpoint ?? true;
    const globalEndpoint = info.primary && endpoint !== false ? { ...(endpoint === true ? {} : endpoint), secondaryRegion: info.otherRegion } : undefined;
    const app = new EventApp(stack, id, { ...given, busName: props.busName, globalEndpoint });
    props.define?.(app, info);
    // Each region's dashboard shows the other (the global endpoint's adds it in the primary).
    app.monitoring?.monitorRegion(info.otherRegion);
    return props.domain ? { region: info.region, stack, app, ...this.serveDomain(stack, app, info, props.domain) } : { region: info.region, stack, app };
  }

  private readonly dashboardNames = new Map<string, string>();

  /** CloudWatch dashboards are the account's, not a region's: one name cannot serve both regions. */
  private checkDashboardName(name: string | undefined, region: string): void {
    if (name === undefined) return;
    const other = this.dashboardNames.get(name);
    if (other) {
      throw new SwitchyardError({
        code: ErrorCode.INVALID_PROPS,
        problem: `monitoring.dashboardName is the same in ${other} and ${region}, but dashboard names are global to the account`,
        scope: this,
        value: name,
        fix: "give each region its own name: app: ({ region }) => ({ monitoring: { dashboardName: `Shop-${region}` } }), or leave it to CloudFormation",
      });
    }
    this.dashboardNames.set(name, region);
  }

  /** The region's API custom domain, its health check, and its record (failover or latency). */
  private serveDomain(stack: Stack, app: EventApp, info: RegionInfo, options: RegionalDomainOptions): Pick<RegionalApp, 'domain' | 'healthCheck' | 'record'> {
    const api = app.api;
    if (!api) {
      throw new SwitchyardError({ code: ErrorCode.INVALID_PROPS, problem: 'domain is set but the app has no HTTP route in this region', scope: app, value: info.region, fix: 'declare the routes in `define` or `app.routes` (both regions), or remove `domain`' });
    }
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', options.certificateArns[info.region]!);
    const domain = new apigwv2.DomainName(stack, 'Domain', { domainName: options.domainName, certificate });
    new apigwv2.ApiMapping(stack, 'ApiMapping', { api, domainName: domain, stage: app.apiStage });
    const healthCheck = apiHealthCheck(stack, app, info.region, options.healthCheckPath ?? '/health');
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', options.hostedZone);
    const routing = options.routing ?? 'failover';
    const record = new route53.ARecord(stack, 'ApiRecord', {
      zone,
      recordName: options.domainName,
      target: route53.RecordTarget.fromAlias(evaluatingHealth(new targets.ApiGatewayv2DomainProperties(domain.regionalDomainName, domain.regionalHostedZoneId))),
      setIdentifier: info.region,
      healthCheck,
      ...(routing === 'latency' ? { region: info.region } : { failover: info.primary ? route53.Failover.PRIMARY : route53.Failover.SECONDARY }),
    });
    return { domain, healthCheck, record };
  }
}

/**
 * Route 53 refuses failover alias records that do not evaluate their target's health, and
 * aws-cdk-lib's API Gateway target does not ask to; the record's own health check still decides.
 */
function evaluatingHealth(target: route53.IAliasRecordTarget): route53.IAliasRecordTarget {
  return { bind: (record, zone) => ({ ...target.bind(record, zone), evaluateTargetHealth: true }) };
}
