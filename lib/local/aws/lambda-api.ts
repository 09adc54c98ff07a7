/**
 * Lambda's REST-JSON `Invoke` (`POST /2015-03-31/functions/{name}/invocations`) with
 * RequestResponse, Event and DryRun invocation types.
 */
import { randomUUID } from 'node:crypto';
import type { Deliverer } from '../events/delivery';
import { FunctionNotFoundError, ThrottledError } from '../host/errors';
import type { FunctionHost, FunctionLogRecord } from '../host/function-host';
import { AwsServiceError, type AwsResponse } from './protocol';

/** Synchronous invocation payload limit (6 MB). */
const SYNC_PAYLOAD_MAX = 6 * 1024 * 1024;
/** Asynchronous invocation payload limit (1 MB). */
const ASYNC_PAYLOAD_MAX = 1024 * 1024;
/** `X-Amz-Log-Result` carries the last 4 KB of the log. */
const LOG_TAIL_BYTES = 4096;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;

/** True when the request path is a Lambda Invoke. */
export function isLambdaInvoke(path: string): boolean {
  return INVOKE_PATH.test(path);
}

/** Handles one Invoke request. */
export async function handleLambdaInvoke(host: FunctionHost, deliverer: Deliverer, path: string, query: URLSearchParams, headers: Record<string, string | undefined>, body: Buffer): Promise<AwsResponse> {
  const ref = decodeURIComponent(INVOKE_PATH.exec(path)![1]);
  const qualifier = query.get('Qualifier');
  const fn = host.find(ref);
  if (!fn || (qualifier && qualifier !== '$LATEST')) {
    const arn = fn ? `${fn.arn}:${qualifier}` : ref.startsWith('arn:') ? ref : `arn:aws:lambda:::function:${ref}`;
    const known = fn ? '' : ` (Locally served: ${host.names.join(', ') || 'none'}.)`;
    throw new AwsServiceError(404, 'ResourceNotFoundException', `Function not found: ${arn}${known}`, { Type: 'User' });
  }
  const type = headers['x-amz-invocation-type'] ?? 'RequestResponse';
  const payload = body.length ? body.toString('utf8') : '{}';
  if (type !== 'DryRun') {
    try {
      JSON.parse(payload);
    } catch {
      throw new AwsServiceError(400, 'InvalidRequestContentException', 'Could not parse request body into json: Could not parse payload into json', { Type: 'User' });
    }
  }
  const versionHeader = { 'x-amz-executed-version': '$LATEST' };
  switch (type) {
    case 'DryRun':
      return { status: 204, headers: versionHeader, body: '' };
    case 'Event': {
      if (body.length > ASYNC_PAYLOAD_MAX) throw new AwsServiceError(413, 'RequestTooLargeException', `Request must be smaller than ${ASYNC_PAYLOAD_MAX} bytes for the InvokeAsync operation`, { Type: 'User' });
      const requestId = randomUUID();
      void deliverer.invokeAsync(fn, payload, requestId);
      return { status: 202, headers: { 'x-amzn-requestid': requestId }, body: '' };
    }
    case 'RequestResponse':
      break;
    default:
      throw new AwsServiceError(400, 'InvalidParameterValueException', `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`, { Type: 'User' });
  }
  if (body.length > SYNC_PAYLOAD_MAX) throw new AwsServiceError(413, 'RequestTooLargeException', `Request must be smaller than ${SYNC_PAYLOAD_MAX} bytes for the Invoke operation`, { Type: 'User' });

  const requestId = randomUUID();
  const wantLog = headers['x-amz-log-type'] === 'Tail';
  const logs: string[] = [];
  const onLog = (l: FunctionLogRecord) => l.requestId === requestId && logs.push(`${new Date().toISOString()}\t${requestId}\t${l.level}\t${l.text}\n`);
  if (wantLog) host.on('log', onLog);
  try {
    const result = await host.invoke(fn.name, { payload, requestId, overflow: 'throttle', clientContext: headers['x-amz-client-context'] });
    const out: Record<string, string> = { ...versionHeader, 'content-type': 'application/json', 'x-amzn-requestid': requestId };
    if (result.error) out['x-amz-function-error'] = 'Unhandled';
    if (wantLog) out['x-amz-log-result'] = Buffer.from(Buffer.from(logs.join('')).subarray(-LOG_TAIL_BYTES)).toString('base64');
    if (!result.error && Buffer.byteLength(result.payload) > SYNC_PAYLOAD_MAX) {
      out['x-amz-function-error'] = 'Unhandled';
      return { status: 200, headers: out, body: JSON.stringify({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${SYNC_PAYLOAD_MAX} bytes).` }) };
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
