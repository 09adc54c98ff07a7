import { Annotations, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration, HttpSqsIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import type { RouteOptions } from '../auth';
import type { HttpApiOptions } from '../http';
import { ResolveFunction, RouteAuthorizers, acknowledgePublicRoute } from './authorizers';
import { checkCors } from './cors';
import { RouteKey, parseRouteKey } from './validation';

/** API Gateway's quota of routes per HTTP API (adjustable, but not by a deploy). */
export const MAX_ROUTES_PER_API = 300;
/** API Gateway HTTP APIs give up on an integration after this long. */
export const MAX_INTEGRATION_TIMEOUT = Duration.seconds(30);

// Fields API Gateway HTTP APIs can log; JSON so CloudWatch Logs Insights parses it.
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
});

/**
 * The app's HTTP API: an `HttpApi` with a `$default` stage that logs access in JSON and
 * throttles, and one Lambda integration (with one API-scoped invoke permission) per function
 * however many routes it serves.
 */
export class AppHttpApi extends Construct {
  /** The underlying API. */
  public readonly api: apigwv2.HttpApi;
  /** The `$default` stage. */
  public readonly stage: apigwv2.HttpStage;
  /** Where access logs go. */
  public readonly accessLogs: logs.LogGroup;

  // By function, or by queue and message group.
  private readonly integrations = new Map<lambda.IFunction | string, apigwv2.HttpRouteIntegration>();
  private readonly routes = new Map<string, RouteKey>();
  private readonly authorizers: RouteAuthorizers;

  /**
   * @param resolve turns a Lambda authorizer's `handler` into a function (EventApp passes its own resolution of names and entries)
   */
  constructor(scope: Construct, id: string, options: HttpApiOptions = {}, resolve?: ResolveFunction) {
    super(scope, id);
    if (options.cors) checkCors(this, options.cors);
    this.authorizers = new RouteAuthorizers(this, options.auth, resolve);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: options.apiName,
      corsPreflight: options.cors,
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: options.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
      encryptionKey: options.encryptionKey,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: options.throttle ?? { rateLimit: 1000, burstLimit: 2000 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
  }

  /** The URL of the `$default` stage. */
  public get url(): string {
    return this.stage.url;
  }

  /**
   * Claims a route key before its function exists, so a duplicate or over-quota route is
   * reported as such rather than as whatever creating its function would hit first.
   */
  public reserveRoute(key: string): RouteKey {
    const route = parseRouteKey(this, key);
    const clash = this.routes.get(route.shape);
    if (clash) {
      throw new SwitchyardError({
        code: ErrorCode.DUPLICATE_ROUTE,
        problem: clash.key === key ? 'Duplicate route' : `Route conflicts with "${clash.key}" (API Gateway ignores parameter names)`,
        scope: this,
        value: key,
        fix: 'declare each method and path once; merge the handlers or change the path',
      });
    }
    if (this.routes.size >= MAX_ROUTES_PER_API) {
      throw new SwitchyardError({
        code: ErrorCode.QUOTA_EXCEEDED,
        problem: `More than ${MAX_ROUTES_PER_API} routes on one HTTP API`,
        scope: this,
        value: key,
        fix: 'split the routes across apps (stacks), use a greedy {proxy+} route, or request a quota increase and declare the routes on a second API',
      });
    }
    this.routes.set(route.shape, route);
    return route;
  }

  /**
   * Routes a reserved route to `fn`.
   * @param timeout the function's timeout, to warn when API Gateway would give up first
   * @param options who may call the route (the API's default `auth` unless given)
   */
  public integrate(route: RouteKey, fn: lambda.IFunction, timeout?: Duration, options: RouteOptions = {}): void {
    if (timeout && !timeout.isUnresolved() && timeout.toSeconds() > MAX_INTEGRATION_TIMEOUT.toSeconds()) {
      Annotations.of(this).addWarningV2(
        'switchyard:routeTimeout',
        `Route "${route.key}": function ${fn.node.path} has a ${timeout.toHumanString()} timeout, but API Gateway HTTP APIs answer 503 after ${MAX_INTEGRATION_TIMEOUT.toHumanString()}. ` +
          'Fix: lower the function timeout to 30 seconds or less, or hand long work to an event subscription.',
      );
    }
    let integration = this.integrations.get(fn);
    if (!integration) {
      // One integration per function, permission scoped to the API rather than per route:
      // a function behind many routes gets one AWS::Lambda::Permission, not one per route.
      integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn, { scopePermissionToRoute: false });
      this.integrations.set(fn, integration);
    }
    this.addRoute(route, integration, options);
  }

  /**
   * Routes a reserved route to a queue: API Gateway sends the request body as a message
   * (SQS-SendMessage, through a role allowed to send to this queue only) and answers SQS's
   * response.
   * @param messageGroupId for a FIFO queue: a fixed group, or a request value (`$request.header.x-group`)
   */
  public integrateQueue(route: RouteKey, queue: sqs.IQueue, messageGroupId: string | undefined, options: RouteOptions = {}): void {
    const key = `${queue.node.path}#${messageGroupId ?? ''}`;
    let integration = this.integrations.get(key);
    if (!integration) {
      integration = new QueueIntegration(`Queue${this.integrations.size}Integration`, queue, messageGroupId);
      this.integrations.set(key, integration);
    }
    this.addRoute(route, integration, options);
  }

  private addRoute(route: RouteKey, integration: apigwv2.HttpRouteIntegration, options: RouteOptions): void {
    const auth = this.authorizers.forRoute(route.key, options);
    const authProps = { authorizer: auth.authorizer, authorizationScopes: auth.scopes };
    const created =
      route.method === undefined
        ? [new apigwv2.HttpRoute(this, 'DefaultRoute', { httpApi: this.api, routeKey: apigwv2.HttpRouteKey.DEFAULT, integration, ...authProps })]
        : this.api.addRoutes({ path: route.path!, methods: [apigwv2.HttpMethod[route.method]], integration, ...authProps });
    if (auth.kind === 'none') created.forEach((r) => acknowledgePublicRoute(r, route.key));
  }

  /** The routes declared so far, by key. */
  public get routeKeys(): string[] {
    return [...this.routes.values()].map((r) => r.key);
  }
}

/**
 * aws-cdk-lib's SQS-SendMessage integration with the whole request body as the message (its
 * default takes `$request.body.MessageBody`), a message group for a FIFO queue, and, for a
 * queue encrypted with a customer-managed key, the key use its invoke role needs to send.
 */
class QueueIntegration extends HttpSqsIntegration {
  constructor(
    id: string,
    private readonly queue: sqs.IQueue,
    messageGroupId: string | undefined,
  ) {
    const mapping = new apigwv2.ParameterMapping().custom('QueueUrl', queue.queueUrl).custom('MessageBody', '$request.body');
    super(id, { queue, parameterMapping: messageGroupId ? mapping.custom('MessageGroupId', messageGroupId) : mapping });
  }

  public override bind(options: apigwv2.HttpRouteIntegrationBindOptions): apigwv2.HttpRouteIntegrationConfig {
    const config = super.bind(options);
    const role = options.scope.node.tryFindChild('InvokeRole');
    if (this.queue.encryptionMasterKey && role instanceof iam.Role) this.queue.encryptionMasterKey.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    return config;
  }
}
