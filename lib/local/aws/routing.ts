/**
 * Which API a request to the local AWS endpoint calls, decided from its method, path and
 * `X-Amz-Target` before its body is read, so that the body is read against that API's limit and
 * refused with that API's error.
 */
import type { IncomingMessage } from 'node:http';
import { SECRETS_OPERATIONS, handleSecretsApi, isSecretsApi } from '../auth/secrets-api';
import { CFN_RESPONSE_PATH } from '../custom-resources';
import { ADMIN_PREFIX, WHY_PATH, handleAdmin } from './admin-api';
import { handleDynamoDb } from './dynamodb-api';
import { EVENTBRIDGE_PAYLOAD_BYTES, handleEventBridge } from './eventbridge-api';
import { handleLambdaInvoke, invokeBodyLimit, invokeTooLarge, isLambdaInvoke } from './lambda-api';
import { AwsServiceError, jsonResponse, nestingDepth, validationError, type AwsResponse } from './protocol';
import { secretsInput } from './secrets-shapes';
import { notServedResponse } from './not-served';
import { handleSchedulerApi, isSchedulerApi } from './scheduler-api';
import { handleSqs } from './sqs-api';
import { MESSAGE_MAX_BYTES, tooLong } from './sqs-shapes';
import { parseInput } from './shapes';
import type { IamService } from '../iam/actions';
import type { AwsServices } from './server';

/** Where the development issuer's public keys are served (what an issuer's `jwks_uri` serves). */
export const DEV_JWKS_PATH = '/_switchyard/dev-issuer/jwks.json';

/** What the endpoint answers, for the message of a call to anything else. */
const SERVED = `EventBridge, EventBridge Scheduler, Lambda Invoke and InvokeWithResponseStream, SQS, DynamoDB, ${SECRETS_OPERATIONS}`;

/** DynamoDB's largest request (BatchWriteItem's 16 MB), as dynalite enforces it too. */
const DYNAMODB_REQUEST_BYTES = 16 * 1024 * 1024;
/** Bodies of the calls that carry no payload of their own (admin, secrets, unknown targets). */
const SMALL_BODY_BYTES = 64 * 1024;
/**
 * DynamoDB nests attribute values 32 levels deep at most; a request nesting deeper than this is
 * refused before its JSON is re-serialized (which recurses) or handed to dynalite.
 */
const DYNAMODB_MAX_JSON_DEPTH = 100;

/** One call, as routed. */
export interface EndpointCall {
  /** How errors are rendered: `__type` in the body (JSON protocols) or a header (REST-JSON). */
  readonly protocol: 'json' | 'rest';
  /** The largest body read for this call. */
  readonly bodyLimit: number;
  /** The error answered for a body over `bodyLimit` (`size` when declared). */
  tooLarge(size: number | undefined): AwsServiceError;
  /**
   * Answers the call. `signal()` gives a signal that aborts when the client goes away, made on
   * first ask: only a long poll needs one, and a flood of PutEvents should not pay for it.
   */
  run(body: Buffer, signal: () => AbortSignal): Promise<AwsResponse> | AwsResponse;
}

/**
 * The body limit of a JSON API whose largest valid payload is `payloadBytes`: a JSON string may
 * take up to three times the UTF-8 size of its text once escaped (U+0080-U+07FF as `\\uXXXX`),
 * plus room for the request's other members. The exact limits are checked on the parsed values.
 */
export function jsonBodyLimit(payloadBytes: number): number {
  return 3 * payloadBytes + 64 * 1024;
}

/** Routes a request. `services` is undefined while the app is starting. */
export function routeCall(services: AwsServices | undefined, req: IncomingMessage, url: URL): EndpointCall {
  const target = String(req.headers['x-amz-target'] ?? '');
  const method = req.method ?? 'GET';
  const path = url.pathname;
  const need = (): AwsServices => {
    if (!services) throw new AwsServiceError(503, 'ServiceUnavailableException', 'The local app is still starting');
    return services;
  };
  // Checked against the caller's role once the input names the resource, before the call runs (see lib/local/iam).
  const authorize = (service: IamService, op: string, input: Record<string, unknown>, query?: URLSearchParams) =>
    services?.iam?.authorize(req.headers, { service, operation: op, input, query });
  if (path === DEV_JWKS_PATH) {
    return small(async () => {
      const auth = need().auth;
      if (!auth) throw new AwsServiceError(404, 'ResourceNotFoundException', 'No development issuer is configured');
      return jsonResponse((await auth.devIssuer()).jwks(), 'application/json');
    });
  }
  // Before the admin API, whose prefix it shares.
  if (path.startsWith(CFN_RESPONSE_PATH) && services?.customResources) {
    const customResources = services.customResources;
    return small((body) => customResources.receive(method, path, body));
  }
  if (path === WHY_PATH) {
    // The event to explain may be as large as PutEvents takes.
    return { protocol: 'json', bodyLimit: jsonBodyLimit(EVENTBRIDGE_PAYLOAD_BYTES), tooLarge: entityTooLarge, run: (body) => handleAdmin(need(), method, path, url.searchParams, body) };
  }
  if (path.startsWith(ADMIN_PREFIX)) return small((body) => handleAdmin(need(), method, path, url.searchParams, body));
  if (isLambdaInvoke(path)) {
    return {
      protocol: 'rest',
      bodyLimit: invokeBodyLimit(req.headers),
      tooLarge: () => invokeTooLarge(req.headers),
      run: (body) => {
        authorize('lambda', 'Invoke', { FunctionName: invokedName(path), Qualifier: url.searchParams.get('Qualifier') ?? undefined });
        return handleLambdaInvoke(need().host, need().deliverer, path, url.searchParams, req.headers as Record<string, string | undefined>, body);
      },
    };
  }
  if (isSchedulerApi(path) && !target) {
    const run = (body: Buffer) => {
      authorize('scheduler', `${method} ${path}`, lenientJson(body), url.searchParams);
      return handleSchedulerApi(need().scheduler.runner!.store, method, path, url.searchParams, body);
    };
    return { protocol: 'rest', bodyLimit: SMALL_BODY_BYTES, tooLarge: entityTooLarge, run };
  }
  const dot = target.indexOf('.');
  const service = dot < 0 ? target : target.slice(0, dot);
  const operation = dot < 0 ? '' : target.slice(dot + 1);
  const unknown = () => new AwsServiceError(400, 'UnknownOperationException', `No local service answers ${method} ${path} (X-Amz-Target: ${target || 'none'}). Served: ${SERVED}.`);
  if (service === 'AWSEvents') {
    return json(jsonBodyLimit(EVENTBRIDGE_PAYLOAD_BYTES), (n) => (operation === 'PutEvents' ? validationError('Total size of the entries in the request is over the limit.') : entityTooLarge(n)), (input) => {
      authorize('events', operation, input);
      return handleEventBridge(need().router, operation, input, need().callerEnvironment?.(req.headers));
    });
  }
  if (service === 'DynamoDB_20120810') {
    const handle = (input: Record<string, unknown>) => {
      authorize('dynamodb', operation, input);
      return handleDynamoDb(need().tables, operation, input);
    };
    return json(DYNAMODB_REQUEST_BYTES, entityTooLarge, handle, DYNAMODB_MAX_JSON_DEPTH);
  }
  if (isSecretsApi(target)) {
    return json(SMALL_BODY_BYTES, entityTooLarge, (input) => {
      const secrets = need().secrets;
      if (!secrets) throw unknown();
      authorize(service === 'secretsmanager' ? 'secretsmanager' : 'ssm', operation, input);
      return handleSecretsApi(secrets, target, parseInput(secretsInput(target), input));
    });
  }
  if (service === 'AmazonSQS') {
    const tooLarge = (n: number | undefined) => (operation === 'SendMessageBatch' ? tooLong(n, true) : operation === 'SendMessage' ? tooLong(n, false) : entityTooLarge(n));
    return json(jsonBodyLimit(MESSAGE_MAX_BYTES), tooLarge, (input, signal) => {
      authorize('sqs', operation, input);
      return handleSqs(need().queues, operation, input, operation === 'ReceiveMessage' ? signal() : undefined);
    });
  }
  // Anything else (SNS, Step Functions, S3, ...) is answered in its own protocol, naming it.
  return small((body) => notServedResponse({ method, path, headers: req.headers, body, served: SERVED }));
}

function json(
  bodyLimit: number,
  tooLarge: (size: number | undefined) => AwsServiceError,
  handle: (input: Record<string, unknown>, signal: () => AbortSignal) => Promise<AwsResponse> | AwsResponse,
  maxDepth = Infinity,
): EndpointCall {
  return { protocol: 'json', bodyLimit, tooLarge, run: (body, signal) => handle(parseJsonObject(body, maxDepth), signal) };
}

/** The function an Invoke path names, percent-decoded; undefined when it does not decode (Invoke refuses it). */
function invokedName(path: string): string | undefined {
  try {
    return decodeURIComponent(path.split('/')[3] ?? '');
  } catch {
    return undefined;
  }
}

/** A REST API's JSON body for the permission check: `{}` when it is not a JSON object (the API refuses it itself). */
function lenientJson(body: Buffer): Record<string, unknown> {
  try {
    const v: unknown = body.length ? JSON.parse(body.toString('utf8')) : {};
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function small(run: (body: Buffer) => Promise<AwsResponse> | AwsResponse): EndpointCall {
  return { protocol: 'json', bodyLimit: SMALL_BODY_BYTES, tooLarge: entityTooLarge, run: (body) => run(body) };
}

/** The answer for a body over a limit no API documents an error of its own for. */
function entityTooLarge(size: number | undefined): AwsServiceError {
  return new AwsServiceError(413, 'RequestEntityTooLargeException', `Request Entity Too Large${size === undefined ? '' : ` (${size} bytes)`}`);
}

/** The JSON protocols' body: a JSON object (an empty body is `{}`), nested at most `maxDepth` deep. */
function parseJsonObject(body: Buffer, maxDepth: number): Record<string, unknown> {
  if (!body.length) return {};
  const text = body.toString('utf8');
  if (nestingDepth(text) > maxDepth) throw validationError('Nesting Levels have exceeded supported limits');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AwsServiceError(400, 'SerializationException', 'The request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object') throw new AwsServiceError(400, 'SerializationException', 'Unexpected field type');
  if (Array.isArray(value)) throw new AwsServiceError(400, 'SerializationException', 'Start of list found where not expected');
  return value as Record<string, unknown>;
}
