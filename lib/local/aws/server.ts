/**
 * The AWS-compatible endpoint: one HTTP server that dispatches by `X-Amz-Target` (EventBridge,
 * SQS and DynamoDB JSON protocols) or by path (Lambda REST-JSON), and renders errors the way the AWS SDK
 * v3 parses them into named exceptions.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalAuth, SecretStore } from '../auth';
import type { AppDescription } from '../describe';
import { handleSecretsApi, isSecretsApi } from '../auth/secrets-api';
import { CFN_RESPONSE_PATH, type CustomResources } from '../custom-resources';
import type { Deliverer } from '../events/delivery';
import type { EventRouter } from '../events/event-router';
import type { FunctionHost } from '../host/function-host';
import { readBody } from '../read-body';
import type { DeliveryLedger } from '../events/ledger';
import type { Scheduler } from '../schedule/scheduler';
import type { TableStore } from '../dynamodb/table-store';
import type { QueueStore } from '../sqs/queue-store';
import { ADMIN_PREFIX, handleAdmin } from './admin-api';
import { handleDynamoDb } from './dynamodb-api';
import { handleEventBridge } from './eventbridge-api';
import { handleLambdaInvoke, isLambdaInvoke } from './lambda-api';
import { notServedResponse } from './not-served';
import { AwsServiceError, jsonResponse, type AwsResponse } from './protocol';
import { handleSqs } from './sqs-api';

/** The services the endpoint dispatches to; attached after the app model is read. */
export interface AwsServices {
  readonly host: FunctionHost;
  readonly router: EventRouter;
  readonly queues: QueueStore;
  readonly tables: TableStore;
  readonly deliverer: Deliverer;
  readonly ledger: DeliveryLedger;
  readonly scheduler: Scheduler;
  /** Values for Secrets Manager `GetSecretValue` and SSM `GetParameter`. */
  readonly secrets?: SecretStore;
  /** The route authorizers; their development issuer's JWKS is served at {@link DEV_JWKS_PATH}. */
  readonly auth?: LocalAuth;
  /** What the app serves, for the admin API (`GET /_switchyard/app`). */
  readonly describe?: () => AppDescription;
  /** Takes custom resource providers' answers to CloudFormation requests. */
  readonly customResources?: CustomResources;
}

/** What the endpoint answers, for the message of a call to anything else. */
const SERVED = 'EventBridge, Lambda Invoke, SQS, DynamoDB, Secrets Manager GetSecretValue and SSM GetParameter';

/** Where the development issuer's public keys are served (what an issuer's `jwks_uri` serves). */
export const DEV_JWKS_PATH = '/_switchyard/dev-issuer/jwks.json';

/** The local AWS endpoint. */
export class AwsEndpoint {
  private readonly server: http.Server;
  private services?: AwsServices;

  constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
  }

  /** Listens; resolves with the endpoint URL. Port 0 picks a free port. */
  async listen(port = 4010, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  /** Connects the endpoint to the running app. */
  attach(services: AwsServices): void {
    this.services = services;
  }

  /** Stops listening and closes connections. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let response: AwsResponse;
    let protocol: 'json' | 'rest' = 'json';
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const target = String(req.headers['x-amz-target'] ?? '');
      const services = this.services;
      if (!services) throw new AwsServiceError(503, 'ServiceUnavailableException', 'The local app is still starting');
      if (url.pathname === DEV_JWKS_PATH && services.auth) {
        response = jsonResponse((await services.auth.devIssuer()).jwks(), 'application/json');
      } else if (url.pathname.startsWith(CFN_RESPONSE_PATH) && services.customResources) {
        response = services.customResources.receive(req.method ?? 'GET', url.pathname, body);
      } else if (url.pathname.startsWith(ADMIN_PREFIX)) {
        response = await handleAdmin(services, req.method ?? 'GET', url.pathname, url.searchParams);
      } else if (isLambdaInvoke(url.pathname)) {
        protocol = 'rest';
        response = await handleLambdaInvoke(services.host, services.deliverer, url.pathname, url.searchParams, req.headers as Record<string, string | undefined>, body);
      } else if (target.startsWith('AWSEvents.')) {
        response = handleEventBridge(services.router, target.slice('AWSEvents.'.length), parseJson(body));
      } else if (target.startsWith('DynamoDB_20120810.')) {
        response = await handleDynamoDb(services.tables, target.slice('DynamoDB_20120810.'.length), parseJson(body));
      } else if (isSecretsApi(target) && services.secrets) {
        response = handleSecretsApi(services.secrets, target, parseJson(body));
      } else if (target.startsWith('AmazonSQS.')) {
        response = await handleSqs(services.queues, target.slice('AmazonSQS.'.length), parseJson(body));
      } else {
        response = notServedResponse({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body, served: SERVED });
      }
    } catch (err) {
      response = errorResponse(err, protocol);
    }
    res.statusCode = response.status;
    for (const [k, v] of Object.entries(response.headers ?? {})) res.setHeader(k, v);
    res.setHeader('x-amzn-requestid', response.headers?.['x-amzn-requestid'] ?? crypto.randomUUID());
    res.end(response.body);
  }
}

/** JSON protocols put the code in `__type`; REST-JSON (Lambda) in `x-amzn-errortype` with `Type`/`message` in the body. */
function errorResponse(err: unknown, protocol: 'json' | 'rest'): AwsResponse {
  const e = err instanceof AwsServiceError ? err : new AwsServiceError(500, 'InternalFailure', (err as Error)?.message ?? String(err));
  const headers: Record<string, string> = { ...e.headers, 'x-amzn-errortype': e.code.replace(/^.*#/, '') };
  if (protocol === 'rest') {
    return { status: e.status, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ ...e.extra, message: e.message }) };
  }
  return { status: e.status, headers: { ...headers, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: e.code, message: e.message, ...e.extra }) };
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (!body.length) return {};
  try {
    const v = JSON.parse(body.toString('utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    throw new AwsServiceError(400, 'SerializationException', 'The request body is not valid JSON');
  }
}
