/**
 * httpHandler(): a Lambda handler for API Gateway HTTP API routes (payload format 2.0). Input is
 * parsed and validated before the user's function runs; every failure answers JSON with the
 * right status; an unexpected error answers 500 with the request id and nothing of its stack,
 * which is logged instead.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { withInvocationContext } from './context';
import { HttpError, RequestValidationError, type RequestIssue, type RequestLocation } from './http-errors';
import { logger as sharedLogger, type Logger } from './logger';
import { runValidation, type InferOutput, type StandardSchemaV1 } from './schema';

/** Validators for the parts of a request; each part left out is passed through unvalidated. */
export interface HttpSchemas {
  /** Validator of the JSON body (base64-encoded bodies are decoded first). */
  readonly body?: StandardSchemaV1;
  /** Validator of the query string parameters (repeated keys arrive comma-joined, as API Gateway sends them). */
  readonly query?: StandardSchemaV1;
  /** Validator of the path parameters. */
  readonly params?: StandardSchemaV1;
}

/** Raw string parameters, as API Gateway sends them. */
export type RawParameters = Readonly<Record<string, string | undefined>>;

/** The validated input of a request, typed from the schemas given. */
export interface HttpInput<S extends HttpSchemas> {
  /** The validated body; `undefined` without a body schema (read `ctx.event.body`). */
  readonly body: S extends { readonly body: infer B extends StandardSchemaV1 } ? InferOutput<B> : undefined;
  /** The validated query parameters, or the raw ones without a schema. */
  readonly query: S extends { readonly query: infer Q extends StandardSchemaV1 } ? InferOutput<Q> : RawParameters;
  /** The validated path parameters, or the raw ones without a schema. */
  readonly params: S extends { readonly params: infer P extends StandardSchemaV1 } ? InferOutput<P> : RawParameters;
}

/** The second argument of an {@link httpHandler} function. */
export interface HttpHandlerContext {
  /** The API Gateway event as received. */
  readonly event: APIGatewayProxyEventV2;
  /** The Lambda context. */
  readonly context: Context;
  /** The shared logger; its records carry this invocation's ids. */
  readonly logger: Logger;
  /** The `x-correlation-id` request header, else API Gateway's request id. */
  readonly correlationId: string;
}

/** A full HTTP response: status, headers, string body (API Gateway payload 2.0 result). */
export type HttpResponse = APIGatewayProxyStructuredResultV2;

/** A Lambda handler for API Gateway HTTP API events. */
export type HttpLambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;

/**
 * A JSON response with a status.
 *
 * @example
 * return json(201, { orderId });
 */
export function json(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * Wraps a function as the Lambda handler of an HTTP API route.
 *
 * The function answers a value (200, as JSON), `undefined` (204), or a full response
 * (`json(201, ...)` or any object with a numeric `statusCode`, as API Gateway itself reads
 * payload 2.0 results). It may throw an {@link HttpError} to answer that status.
 * Malformed JSON and invalid input answer 400 `{ message, issues: [{ location, path, message }] }`;
 * any other error answers 500 `{ message: 'Internal Server Error', requestId }` and is logged
 * with its stack. Every response carries `x-correlation-id`.
 *
 * @example
 * export const handler = httpHandler(
 *   { body: z.object({ sku: z.string(), qty: z.number().int().positive() }), params: z.object({ cartId: z.string() }) },
 *   async ({ body, params }) => {
 *     const cart = await carts.get(params.cartId);
 *     if (!cart) throw new NotFoundError(`no cart ${params.cartId}`);
 *     await publish(ItemAdded, { cartId: cart.id, ...body });
 *     return json(201, { ok: true });
 *   },
 * );
 */
export function httpHandler<S extends HttpSchemas>(
  schemas: S,
  fn: (input: HttpInput<S>, ctx: HttpHandlerContext) => unknown,
): HttpLambdaHandler {
  return async (event, context) => {
    const correlationId = headerValue(event.headers, 'x-correlation-id') ?? event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
    return withInvocationContext(context, { correlationId }, async () => {
      const trace = { 'x-correlation-id': correlationId };
      try {
        const input = (await parseInput(schemas, event)) as HttpInput<S>;
        const result = await fn(input, { event, context, logger: sharedLogger, correlationId });
        return toResponse(result, trace);
      } catch (error) {
        return errorResponse(error, context?.awsRequestId ?? event.requestContext?.requestId, trace, event);
      }
    });
  };
}

async function parseInput(schemas: HttpSchemas, event: APIGatewayProxyEventV2): Promise<HttpInput<HttpSchemas>> {
  const issues: RequestIssue[] = [];
  const check = async (location: RequestLocation, schema: StandardSchemaV1 | undefined, value: unknown): Promise<unknown> => {
    if (!schema) return value;
    const result = await runValidation(schema, value);
    if (result.success) return result.value;
    issues.push(...result.issues.map((issue) => ({ location, ...issue })));
    return undefined;
  };

  let body: unknown;
  if (schemas.body) {
    const decoded = decodeBody(event);
    if (!decoded.ok) {
      // Nothing else is worth validating against a body that could not be read.
      throw new RequestValidationError([{ location: 'body', path: '', message: decoded.message }], 'Malformed JSON in request body');
    }
    body = await check('body', schemas.body, decoded.value);
  }
  const query = await check('query', schemas.query, event.queryStringParameters ?? {});
  const params = await check('params', schemas.params, event.pathParameters ?? {});
  if (issues.length > 0) throw new RequestValidationError(issues);
  return { body, query, params } as HttpInput<HttpSchemas>;
}

function decodeBody(event: APIGatewayProxyEventV2): { ok: true; value: unknown } | { ok: false; message: string } {
  if (event.body === undefined || event.body === null || event.body === '') return { ok: true, value: undefined };
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `the body is not valid JSON: ${(error as Error).message}` };
  }
}

function toResponse(result: unknown, trace: Record<string, string>): HttpResponse {
  if (result === undefined) return { statusCode: 204, headers: { ...trace } };
  if (isResponse(result)) {
    const headers = { ...trace, ...result.headers };
    const { body, ...rest } = result;
    if (body === undefined || typeof body === 'string') return { ...rest, headers, ...(body === undefined ? {} : { body }) };
    return { ...rest, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
  }
  return json(200, result, trace);
}

function isResponse(value: unknown): value is Omit<HttpResponse, 'body'> & { body?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { statusCode?: unknown }).statusCode === 'number';
}

function errorResponse(error: unknown, requestId: string | undefined, trace: Record<string, string>, event: APIGatewayProxyEventV2): HttpResponse {
  const route = { method: event.requestContext?.http?.method, path: event.rawPath, routeKey: event.routeKey };
  if (error instanceof RequestValidationError) {
    sharedLogger.warn('Invalid request', { ...route, statusCode: 400, issues: error.issues });
    return json(400, { message: error.message, issues: error.issues }, trace);
  }
  if (error instanceof HttpError) {
    const level = error.statusCode >= 500 ? 'error' : 'warn';
    sharedLogger[level]('Request failed', { ...route, statusCode: error.statusCode, error });
    const body = error.details === undefined ? { message: error.message } : { message: error.message, details: error.details };
    return json(error.statusCode, body, trace);
  }
  // Unexpected: the client learns only that it failed and the id to quote; the logs keep the stack.
  sharedLogger.error('Unhandled error', { ...route, statusCode: 500, error });
  return json(500, { message: 'Internal Server Error', requestId }, trace);
}

function headerValue(headers: APIGatewayProxyEventV2['headers'] | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  // API Gateway lowercases header names in payload 2.0; a direct invoke may not.
  const value = headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
