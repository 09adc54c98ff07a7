/**
 * Lambda's REST-JSON `Invoke` (`POST /2015-03-31/functions/{name}/invocations`) with
 * RequestResponse, Event and DryRun invocation types, and `InvokeWithResponseStream`
 * (`POST /2021-11-15/functions/{name}/response-streaming-invocations`, see
 * {@link invokeStreaming}). The function name, qualifier and headers are checked against the
 * Lambda API reference's shapes; payloads against Lambda's limits.
 */
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
// The AWS SDK's own event stream codec (the binary framing with CRCs that its clients decode):
// the same code on both ends, rather than a hand-written encoder.
import { EventStreamCodec } from '@smithy/core/event-streams';
import { DeliveryBacklogFullError, type Deliverer } from '../events/delivery';
import { FunctionNotFoundError, ThrottledError } from '../host/errors';
import type { FunctionHost, FunctionLogRecord } from '../host/function-host';
import { ASYNC_REQUEST_MAX_BYTES, STREAMED_RESPONSE_MAX_BYTES, SYNC_REQUEST_MAX_BYTES, isResponseTooLarge, responseTooLargeError } from './lambda-limits';
import { AwsServiceError, type AwsResponse } from './protocol';
import { enumOf, parseInput, string, structure } from './shapes';

/** `X-Amz-Log-Result` carries the last 4 KB of the log. */
const LOG_TAIL_BYTES = 4096;

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const STREAM_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations\/?$/;

/** The Invoke request's URI and header members, as the Lambda API reference constrains them. */
const INVOKE_MEMBERS = {
  FunctionName: string({
    min: 1,
    max: 170,
    pattern: '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
  }),
  Qualifier: string({ min: 1, max: 128, pattern: '(|[a-zA-Z0-9$_-]+)' }).optional(),
  InvocationType: enumOf(['Event', 'RequestResponse', 'DryRun']).optional(),
  LogType: enumOf(['None', 'Tail']).optional(),
  ClientContext: string({ max: 3583 }).optional(),
};
const InvokeInput = structure(INVOKE_MEMBERS);

/** InvokeWithResponseStream's members: Invoke's, without the `Event` invocation type (the API reference's enum). */
const StreamInput = structure({ ...INVOKE_MEMBERS, InvocationType: enumOf(['RequestResponse', 'DryRun']).optional() });

/** True when the request path is a Lambda Invoke or InvokeWithResponseStream (both need `lambda:InvokeFunction`). */
export function isLambdaInvoke(path: string): boolean {
  return INVOKE_PATH.test(path) || STREAM_PATH.test(path);
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
  const streaming = STREAM_PATH.exec(path);
  const input = parseInput(streaming ? StreamInput : InvokeInput, {
    FunctionName: decodePathSegment((streaming ?? INVOKE_PATH.exec(path)!)[1]),
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
  const type: string = input.InvocationType ?? 'RequestResponse';
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
  if (streaming) return invokeStreaming(host, fn.name, payload, input.LogType === 'Tail', input.ClientContext);
  return invokeSync(host, fn.name, payload, input.LogType === 'Tail', input.ClientContext);
}

async function invokeSync(host: FunctionHost, functionName: string, payload: string, wantLog: boolean, clientContext: string | undefined): Promise<AwsResponse> {
  const requestId = randomUUID();
  const log = wantLog ? logOf(host, requestId) : undefined;
  try {
    const result = await host.invoke(functionName, { payload, requestId, overflow: 'throttle', clientContext });
    const out: Record<string, string> = { 'x-amz-executed-version': '$LATEST', 'content-type': 'application/json', 'x-amzn-requestid': requestId };
    if (result.error) out['x-amz-function-error'] = 'Unhandled';
    if (log) out['x-amz-log-result'] = log.tail();
    if (!result.error && isResponseTooLarge(result.payload)) {
      out['x-amz-function-error'] = 'Unhandled';
      return { status: 200, headers: out, body: JSON.stringify(responseTooLargeError()) };
    }
    return { status: 200, headers: out, body: result.payload };
  } catch (err) {
    throw invokeError(err);
  } finally {
    log?.stop();
  }
}

/**
 * `InvokeWithResponseStream`: the answer is an event stream (`application/vnd.amazon.eventstream`)
 * of `PayloadChunk` events, each carrying what the handler wrote as it wrote it, then one
 * `InvokeComplete` event. A streaming handler's writes go out as they come (its first ones
 * before it ends); a handler that returns its response (not streaming) gets it sent as one
 * chunk, as Lambda buffers it. A failed invocation ends with `InvokeComplete`'s `ErrorCode`
 * (the error's type, e.g. `Sandbox.Timedout`) and `ErrorDetails` (the error payload `Invoke`
 * would have returned) inside the 200, as Lambda reports an error once the stream has begun; a
 * throttle or an unknown function is an HTTP error before it. The response's `Content-Type`
 * (the SDK's `ResponseStreamContentType`) is the one the handler set, else
 * `application/octet-stream` for a streaming handler and `application/json` for a returned
 * response. `LogType: Tail` puts the log's last 4 KB in `InvokeComplete`'s `LogResult`. A
 * stream over Lambda's 200 MB is cut there and ends with `Function.ResponseSizeTooLarge`; a
 * returned response over 6 MB, as `Invoke` refuses it.
 */
async function invokeStreaming(host: FunctionHost, functionName: string, payload: string, wantLog: boolean, clientContext: string | undefined): Promise<AwsResponse> {
  const requestId = randomUUID();
  const log = wantLog ? logOf(host, requestId) : undefined;
  const out = new PassThrough();
  // A client gone mid-stream destroys it (see server.ts); what the function writes after that goes nowhere.
  out.on('error', () => undefined);
  const send = (bytes: Uint8Array, last = false) => {
    if (out.destroyed) return;
    if (last) out.end(bytes);
    else out.write(bytes);
  };
  let contentType: string | undefined;
  // What was streamed: past Lambda's limit for a streamed response, the rest is cut and the stream ends in an error.
  let streamedBytes = 0;
  // The head goes out at the first sign of what the response is: a content type, a chunk, or the end.
  let begin!: () => void;
  const begun = new Promise<void>((resolve) => (begin = resolve));
  const sink = {
    contentType: (type: string) => {
      contentType ??= type;
      begin();
    },
    write: (chunk: Buffer) => {
      contentType ??= 'application/octet-stream';
      streamedBytes += chunk.length;
      if (streamedBytes <= STREAMED_RESPONSE_MAX_BYTES) send(payloadChunk(chunk));
      begin();
    },
  };
  const invoked = host.invoke(functionName, { payload, requestId, overflow: 'throttle', clientContext, responseStream: sink }).finally(() => log?.stop());
  const ended = invoked.then((result) => {
    if (!result.streamed) {
      // A handler that returned its response: one chunk, unless it is over Lambda's response size.
      if (!result.error && isResponseTooLarge(result.payload)) {
        send(invokeComplete('Function.ResponseSizeTooLarge', JSON.stringify(responseTooLargeError()), log?.tail()), true);
        return;
      }
      if (!result.error) send(payloadChunk(Buffer.from(result.payload)));
    }
    const tail = log?.tail();
    if (streamedBytes > STREAMED_RESPONSE_MAX_BYTES) {
      const tooLarge = { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${STREAMED_RESPONSE_MAX_BYTES} bytes).` };
      send(invokeComplete(tooLarge.errorType, JSON.stringify(tooLarge), tail), true);
      return;
    }
    const error = result.error;
    send(invokeComplete(error?.errorType, error ? result.payload : undefined, tail), true);
  });
  try {
    await Promise.race([begun, ended]);
  } catch (err) {
    out.destroy();
    throw invokeError(err);
  }
  // Begun: what fails later (the host stopping) ends the stream short, as a dropped connection would.
  ended.catch((err: unknown) => out.destroy(err as Error));
  const headers = { 'x-amz-executed-version': '$LATEST', 'content-type': contentType ?? 'application/json', 'x-amzn-requestid': requestId };
  return { status: 200, headers, body: out };
}

const codec = new EventStreamCodec(
  (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  (text) => new Uint8Array(Buffer.from(text, 'utf8')),
);

/** One `PayloadChunk` event of InvokeWithResponseStream's stream. */
function payloadChunk(bytes: Uint8Array): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: 'PayloadChunk' },
      ':content-type': { type: 'string', value: 'application/octet-stream' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: bytes,
  });
}

/** The `InvokeComplete` event that ends the stream (fields left out when they have no value). */
function invokeComplete(errorCode: string | undefined, errorDetails: string | undefined, logResult: string | undefined): Uint8Array {
  const body = JSON.stringify({ ErrorCode: errorCode, ErrorDetails: errorDetails, LogResult: logResult });
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: 'InvokeComplete' },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: new Uint8Array(Buffer.from(body)),
  });
}

/**
 * The log lines of one invocation, collected while it runs (`LogType: Tail`): `tail()` is their
 * last 4 KB, base64 (`X-Amz-Log-Result`, `LogResult`); `stop()` stops collecting.
 */
function logOf(host: FunctionHost, requestId: string): { tail(): string; stop(): void } {
  const lines: string[] = [];
  const onLog = (l: FunctionLogRecord) => l.requestId === requestId && lines.push(`${new Date().toISOString()}\t${requestId}\t${l.level}\t${l.text}\n`);
  host.on('log', onLog);
  return {
    tail: () => Buffer.from(Buffer.from(lines.join('')).subarray(-LOG_TAIL_BYTES)).toString('base64'),
    stop: () => host.off('log', onLog),
  };
}

/** What a synchronous invoke that could not run answers: Lambda's throttle or not-found error; anything else as it is. */
function invokeError(err: unknown): unknown {
  if (err instanceof ThrottledError) return new AwsServiceError(429, 'TooManyRequestsException', 'Rate Exceeded.', { Type: 'User', Reason: err.reason });
  if (err instanceof FunctionNotFoundError) return new AwsServiceError(404, 'ResourceNotFoundException', err.message, { Type: 'User' });
  return err;
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
