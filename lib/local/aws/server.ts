/**
 * The AWS-compatible endpoint: one HTTP server that dispatches by `X-Amz-Target` (EventBridge,
 * SQS and DynamoDB JSON protocols) or by path (Lambda REST-JSON), and renders errors the way the AWS SDK
 * v3 parses them into named exceptions.
 */
import * as http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import type { LocalAuth, SecretStore } from '../auth';
import type { AppDescription } from '../describe';
import type { CustomResources } from '../custom-resources';
import type { Deliverer } from '../events/delivery';
import type { CallerEnvironment, EventRouter } from '../events/event-router';
import type { GlobalEndpoints } from '../events/global-endpoints';
import type { FunctionHost } from '../host/function-host';
import type { IamGate } from '../iam/gate';
import { BodyTooLargeError, deferContinue, endRefusedUpload, readBody } from '../read-body';
import type { DeliveryLedger } from '../events/ledger';
import type { Scheduler } from '../schedule/scheduler';
import type { TableStore } from '../dynamodb/table-store';
import type { QueueStore } from '../sqs/queue-store';
import { AwsServiceError, type AwsResponse } from './protocol';
import { routeCall } from './routing';

export { DEV_JWKS_PATH } from './routing';

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
  /** Checks the calls functions make against their roles (`--iam`); absent: nothing is checked. */
  readonly iam?: IamGate;
  /** The global endpoints, for the admin API's failover. */
  readonly endpoints?: GlobalEndpoints;
  /** Where a call comes from (its signing region, its function's account); absent: the app's default region and account. */
  readonly callerEnvironment?: (headers: Readonly<Record<string, string | string[] | undefined>>) => CallerEnvironment;
  /** Resolves once the state a call changed is kept (on disk, when the app keeps state); awaited before each answer. */
  readonly kept?: () => Promise<void>;
}

/** The local AWS endpoint. */
export class AwsEndpoint {
  private readonly server: http.Server;
  private services?: AwsServices;

  constructor() {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    deferContinue(this.server);
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
    // A long poll ends when the client goes away (the response closes before it was sent). The
    // controller is made when a call asks for its signal, already aborted if the client is gone.
    let abort: AbortController | undefined;
    let gone = false;
    res.once('close', () => {
      gone = !res.writableFinished;
      if (gone) abort?.abort();
    });
    const signal = () => {
      abort ??= new AbortController();
      if (gone) abort.abort();
      return abort.signal;
    };
    let response: AwsResponse;
    let protocol: 'json' | 'rest' = 'json';
    let refused = false;
    try {
      const call = routeCall(this.services, req, requestUrl(req));
      protocol = call.protocol;
      let body: Buffer;
      try {
        body = await readBody(req, { limit: call.bodyLimit, res });
      } catch (err) {
        if (!(err instanceof BodyTooLargeError)) throw err;
        refused = true;
        throw call.tooLarge(err.declaredLength);
      }
      response = await call.run(body, signal);
      // An accepted event or a sent message is on disk before the caller has its id.
      await this.services?.kept?.();
    } catch (err) {
      response = errorResponse(err, protocol);
    }
    const { body } = response;
    if (res.destroyed) {
      if (body instanceof Readable) body.destroy();
      return;
    }
    res.statusCode = response.status;
    for (const [k, v] of Object.entries(response.headers ?? {})) res.setHeader(k, v);
    res.setHeader('x-amzn-requestid', response.headers?.['x-amzn-requestid'] ?? crypto.randomUUID());
    if (body instanceof Readable) {
      // Written as it comes; a client that goes away stops it (the invocation runs to its end).
      res.flushHeaders();
      pipeline(body, res).catch(() => undefined);
      return;
    }
    res.end(body);
    if (refused) endRefusedUpload(req, res);
  }
}

/** JSON protocols put the code in `__type`; REST-JSON (Lambda) in `x-amzn-errortype` with `Type`/`message` in the body. */
function errorResponse(err: unknown, protocol: 'json' | 'rest'): AwsResponse {
  // A malformed percent-escape in a path the endpoint decodes is the client's error.
  const e =
    err instanceof AwsServiceError ? err
    : err instanceof URIError ? new AwsServiceError(400, 'ValidationException', `The request path is not valid: ${err.message}`)
    : new AwsServiceError(500, 'InternalFailure', (err as Error)?.message ?? String(err));
  const headers: Record<string, string> = { ...e.headers, 'x-amzn-errortype': e.code.replace(/^.*#/, '') };
  if (protocol === 'rest') {
    return { status: e.status, headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ ...e.extra, message: e.message }) };
  }
  return { status: e.status, headers: { ...headers, 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: e.code, message: e.message, ...e.extra }) };
}

/** The request URL; a target that is not a path (`*`, an absolute URL) resolves to one. */
function requestUrl(req: http.IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return new URL('/', 'http://localhost');
  }
}
