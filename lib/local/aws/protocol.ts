/**
 * Shapes shared by the AWS-compatible API handlers: a service error with its HTTP status, and
 * the answer a handler gives.
 */
import type { Readable } from 'node:stream';

/** A service error as the AWS JSON and REST-JSON protocols carry it. */
export class AwsServiceError extends Error {
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** The error code (`__type`, `x-amzn-errortype`), e.g. `ResourceNotFoundException`. */
    readonly code: string,
    message: string,
    /** Extra fields of the error body (Lambda's `Type`, `Reason`). */
    readonly extra: Readonly<Record<string, unknown>> = {},
    /** Extra headers (SQS's `x-amzn-query-error`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** What an API handler answers. */
export interface AwsResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** The body; a stream is written as it comes (InvokeWithResponseStream's event stream). */
  readonly body: string | Buffer | Readable;
}

/** A JSON 200 answer. */
export function jsonResponse(value: unknown, contentType = 'application/x-amz-json-1.1'): AwsResponse {
  return { status: 200, headers: { 'content-type': contentType }, body: JSON.stringify(value) };
}

/** A validation error in the wording AWS's JSON services use. */
export function validationError(message: string): AwsServiceError {
  return new AwsServiceError(400, 'ValidationException', message);
}

/**
 * How deeply a JSON text nests, counted on its brackets (strings skipped) without parsing: a scan
 * rather than a recursive walk, since the text may nest deeper than the stack allows.
 */
export function nestingDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
