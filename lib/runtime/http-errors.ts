/**
 * Typed HTTP errors: throw one from an `httpHandler` function and the client gets its status and
 * message, as JSON. Anything else thrown is an unexpected error and answers 500 without detail.
 */

/** Code shared by every {@link HttpError}. */
export const HTTP_ERROR_CODE = 'SWITCHYARD_HTTP_ERROR';

/**
 * An error that answers with its status, `{ message, details? }`. Its message and details are
 * shown to the client, so put nothing secret in them.
 *
 * @example
 * throw new HttpError(402, 'Payment required', { balance: 0 });
 */
export class HttpError extends Error {
  /** Stable code for programmatic checks. */
  readonly code = HTTP_ERROR_CODE;
  override readonly name: string = 'HttpError';

  constructor(
    /** The HTTP status code answered. */
    readonly statusCode: number,
    message: string,
    /** JSON-serializable details answered with the message. */
    readonly details?: unknown,
  ) {
    super(message);
    if (!Number.isInteger(statusCode) || statusCode < 400 || statusCode > 599) {
      throw new RangeError(`HttpError: statusCode must be an integer from 400 to 599, got ${statusCode}.`);
    }
  }
}

/** 400: the request is malformed or invalid. */
export class BadRequestError extends HttpError {
  override readonly name = 'BadRequestError';
  constructor(message = 'Bad Request', details?: unknown) {
    super(400, message, details);
  }
}

/** 401: the caller is not authenticated. */
export class UnauthorizedError extends HttpError {
  override readonly name = 'UnauthorizedError';
  constructor(message = 'Unauthorized', details?: unknown) {
    super(401, message, details);
  }
}

/** 403: the caller may not do this. */
export class ForbiddenError extends HttpError {
  override readonly name = 'ForbiddenError';
  constructor(message = 'Forbidden', details?: unknown) {
    super(403, message, details);
  }
}

/** 404: the resource does not exist. */
export class NotFoundError extends HttpError {
  override readonly name = 'NotFoundError';
  constructor(message = 'Not Found', details?: unknown) {
    super(404, message, details);
  }
}

/** 409: the request conflicts with the resource's current state. */
export class ConflictError extends HttpError {
  override readonly name = 'ConflictError';
  constructor(message = 'Conflict', details?: unknown) {
    super(409, message, details);
  }
}

/** 422: the request is well formed but cannot be processed. */
export class UnprocessableEntityError extends HttpError {
  override readonly name = 'UnprocessableEntityError';
  constructor(message = 'Unprocessable Entity', details?: unknown) {
    super(422, message, details);
  }
}

/** 429: the caller sends too many requests. */
export class TooManyRequestsError extends HttpError {
  override readonly name = 'TooManyRequestsError';
  constructor(message = 'Too Many Requests', details?: unknown) {
    super(429, message, details);
  }
}

/** 503: a dependency is unavailable; the client may retry later. */
export class ServiceUnavailableError extends HttpError {
  override readonly name = 'ServiceUnavailableError';
  constructor(message = 'Service Unavailable', details?: unknown) {
    super(503, message, details);
  }
}

/** Where in the request a problem is. */
export type RequestLocation = 'body' | 'query' | 'params';

/** One problem with a request's input. */
export interface RequestIssue {
  /** The part of the request: JSON body, query string, or path parameters. */
  readonly location: RequestLocation;
  /** The field, e.g. `items[0].sku`; empty for the whole part. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

/**
 * 400 with the list of problems, `{ message, issues: [{ location, path, message }] }`. Thrown by
 * `httpHandler` for malformed JSON and schema-invalid input; throw it for checks of your own.
 *
 * @example
 * throw new RequestValidationError([{ location: 'body', path: 'endDate', message: 'must follow startDate' }]);
 */
export class RequestValidationError extends HttpError {
  override readonly name = 'RequestValidationError';

  constructor(
    /** Every problem found. */
    readonly issues: readonly RequestIssue[],
    message = 'Invalid request',
  ) {
    super(400, message);
  }
}
