/**
 * Lambda's payload limits (Invoke API reference: "For synchronous invocations, the maximum
 * payload size is 6 MB. For asynchronous invocations, the maximum payload size is 1 MB."), shared
 * by the Invoke API and the HTTP gateway's Lambda integrations.
 */

/** Largest synchronous (RequestResponse) request payload: 6 MB, as Lambda counts it. */
export const SYNC_REQUEST_MAX_BYTES = 6 * 1024 * 1024;

/** Largest asynchronous (Event) request payload: 1 MB (raised from 256 KB in 2025). */
export const ASYNC_REQUEST_MAX_BYTES = 1024 * 1024;

/**
 * Largest synchronous response payload. Lambda's own error names 6291556 bytes, 100 bytes more
 * than the request limit.
 */
export const RESPONSE_MAX_BYTES = 6_291_556;

/** The largest streamed response (function URLs, InvokeWithResponseStream): 200 MB since July 2025 (it was 20 MB). */
export const STREAMED_RESPONSE_MAX_BYTES = 200 * 1024 * 1024;

/** Lambda's `Function.ResponseSizeTooLarge` error payload for a response over the limit. */
export function responseTooLargeError(): { errorType: string; errorMessage: string } {
  return { errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_MAX_BYTES} bytes).` };
}

/** True when a function's response is over what Lambda returns. */
export function isResponseTooLarge(payload: string): boolean {
  // Cheap bound first: a UTF-8 byte is at least one UTF-16 unit and at most three per unit.
  return payload.length > RESPONSE_MAX_BYTES || (payload.length * 3 > RESPONSE_MAX_BYTES && Buffer.byteLength(payload) > RESPONSE_MAX_BYTES);
}
