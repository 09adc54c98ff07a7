/**
 * Lambda's REST-JSON `Invoke` (`POST /2015-03-31/functions/{name}/invocations`) with
 * RequestResponse, Event and DryRun invocation types. The function name, qualifier and headers
 * are checked against the Lambda API reference's shapes; payloads against Lambda's limits.
 */
import { randomUUID } from 'node:crypto';
import { DeliveryBacklogFullError, type Deliverer } from '../events/delivery';
import { FunctionNotFoundError, ThrottledError } from '../host/errors';
import type { FunctionHost, FunctionLogRecord } from '../host/function-host';
import { ASYNC_REQUEST_MAX_BYTES, SYNC_REQUEST_MAX_BYTES, isResponseTooLarge, responseTooLargeError } from './lambda-limits';
import { AwsServiceError, type AwsResponse } from './protocol';
import { enumOf, parseInput, string, structure } from './shapes';

/** `X-Amz-Log-Result` carries the last 4 KB of the log. */
const LOG_TAIL_BYTES = 4096;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/** The Invoke request's URI and header members, as the Lambda API reference constrains them. */
const InvokeInput = structure({
  FunctionName: string({
    min: 1,
    max: 170,
    pattern: '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
  }),
  Qualifier: string({ min: 1, max: 128, pattern: '(|[a-zA-Z0-9$_-]+)' }).optional(),
  InvocationType: enumOf(['Event', 'RequestResponse', 'DryRun']).optional(),
  LogType: enumOf(['None', 'Tail']).optional(),
  ClientContext: string({ max: 3583 }).optional(),
});

/** True when the request path is a Lambda Invoke. */
export function isLambdaInvoke(path: string): boolean {
  return INVOKE_PATH.test(path);
}

/** The largest body an Invoke of this invocation type may carry (the header is checked later). */
export function invokeBodyLimit(headers: Record<string, string | string[] | undefined>): number {
  return headers['x-amz-invocation-type'] === 'Event' ? ASYNC_REQUEST_MAX_BYTES : SYNC_REQUEST_MAX_BYTES;
}

/** Lambda's answer to a payload over {@link invokeBodyLimit}. */
export function invokeTooLarge(headers: Record<string, string | string[] | undefined>): AwsServiceError {
  const async = headers['x-amz-invocation-type'] === 'Event';
  const limit = async ? ASYNC_REQUEST_MAX_BYTES : SYNC_REQUEST_MAX_BYTES;
  return new AwsServiceError(413, 'RequestTooLargeException', `Request must be smaller than ${limit} bytes for the ${async ? 'InvokeAsync' : 'Invoke'} operation`, { Type: 'User' });
}

/** Handles one Invoke request. */
export async function handleLambdaInvoke(host: FunctionHost, deliverer: Deliverer, path: string, query: URLSearchParams, headers: Record<string, string | undefined>, body: Buffer): Promise<AwsResponse> {
  const input = parseInput(InvokeInput, {
    FunctionName: decodePathSegment(INVOKE_PATH.exec(path)![1]),
    Qualifier: query.get('Qualifier') ?? undefined,
    InvocationType: headers['x-amz-invocation-type'],
    LogType: headers['x-amz-log-type'],
    ClientContext: headers['x-amz-client-context'],
  });
  const fn = host.find(input.FunctionName);
  const qualifier = input.Qualifier;
  if (!fn || (qualifier && qualifier !== '$LATEST')) {
    const ref = input.FunctionName;
    const arn = fn ? `${fn.arn}:${qualifier}` : ref.startsWith('arn:') ? ref : `arn:aws:lambda:::function:${ref}`;
    const known = fn ? '' : ` (Locally served: ${host.names.join(', ') || 'none'}.)`;
    throw new AwsServiceError(404, 'ResourceNotFoundException', `Function not found: ${arn}${known}`, { Type: 'User' });
  }
  const type = input.InvocationType ?? 'RequestResponse';
  const payload = body.length ? body.toString('utf8') : '{}';
  if (type !== 'DryRun' && !isJson(payload)) {
    throw new AwsServiceError(400, 'InvalidRequestContentException', 'Could not parse request body into json: Could not parse payload into json', { Type: 'User' });
  }
  const versionHeader = { 'x-amz-executed-version': '$LATEST' };
  if (type === 'DryRun') return { status: 204, headers: versionHeader, body: '' };
  if (type === 'Event') {
    const requestId = randomUUID();
    admitAsync(deliverer);
    void deliverer.invokeAsync(fn, payload, requestId);
    return { status: 202, headers: { 'x-amzn-requestid': requestId }, body: '' };
  }
  return invokeSync(host, fn.name, payload, input.LogType === 'Tail', input.ClientContext);
}

async function invokeSync(host: FunctionHost, functionName: string, payload: string, wantLog: boolean, clientContext: string | undefined): Promise<AwsResponse> {
  const requestId = randomUUID();
  const logs: string[] = [];
  const onLog = (l: FunctionLogRecord) => l.requestId === requestId && logs.push(`${new Date().toISOString()}\t${requestId}\t${l.level}\t${l.text}\n`);
  if (wantLog) host.on('log', onLog);
  try {
    const result = await host.invoke(functionName, { payload, requestId, overflow: 'throttle', clientContext });
    const out: Record<string, string> = { 'x-amz-executed-version': '$LATEST', 'content-type': 'application/json', 'x-amzn-requestid': requestId };
    if (result.error) out['x-amz-function-error'] = 'Unhandled';
    if (wantLog) out['x-amz-log-result'] = Buffer.from(Buffer.from(logs.join('')).subarray(-LOG_TAIL_BYTES)).toString('base64');
    if (!result.error && isResponseTooLarge(result.payload)) {
      out['x-amz-function-error'] = 'Unhandled';
      return { status: 200, headers: out, body: JSON.stringify(responseTooLargeError()) };
    }
    return { status: 200, headers: out, body: result.payload };
  } catch (err) {
    if (err instanceof ThrottledError) throw new AwsServiceError(429, 'TooManyRequestsException', 'Rate Exceeded.', { Type: 'User', Reason: err.reason });
    if (err instanceof FunctionNotFoundError) throw new AwsServiceError(404, 'ResourceNotFoundException', err.message, { Type: 'User' });
    throw err;
  } finally {
    if (wantLog) host.off('log', onLog);
  }
}

/** A percent-decoded path segment; a malformed escape is a name that fails the FunctionName pattern. */
function decodePathSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** An asynchronous invoke while local delivery is too far behind: Lambda's request-rate throttle, which the SDK retries. */
function admitAsync(deliverer: Deliverer): void {
  try {
    deliverer.admit();
  } catch (err) {
    if (err instanceof DeliveryBacklogFullError) throw new AwsServiceError(429, 'TooManyRequestsException', 'Rate Exceeded.', { Type: 'User', Reason: 'CallerRateLimitExceeded' });
    throw err;
  }
}
