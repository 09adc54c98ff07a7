import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  HttpError,
  NotFoundError,
  RequestValidationError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnprocessableEntityError,
  getCorrelationId,
  httpHandler,
  json,
} from '../../lib/runtime';
import { captureLogs, httpEvent, lambdaContext } from './support/lambda';

const schemas = {
  body: z.object({ sku: z.string(), qty: z.number().int().positive() }),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional(), page: z.coerce.number().int().default(1) }),
  params: z.object({ orderId: z.string().startsWith('o-') }),
};

const echo = httpHandler(schemas, (input) => input);

async function call(handler: (e: APIGatewayProxyEventV2, c: ReturnType<typeof lambdaContext>) => Promise<unknown>, event: APIGatewayProxyEventV2) {
  const { result, error, logs } = await captureLogs(() => handler(event, lambdaContext({ awsRequestId: 'lambda-req-1' })));
  expect(error).toBeUndefined();
  const response = result as { statusCode: number; headers: Record<string, string>; body?: string };
  return { response, body: response.body === undefined ? undefined : (JSON.parse(response.body) as Record<string, unknown>), logs };
}

const body = JSON.stringify({ sku: 'A-1', qty: 2 });

describe.each([
  ['a JSON body', { body }],
  ['a base64-encoded body', { body: Buffer.from(body).toString('base64'), isBase64Encoded: true }],
  ['a body with a charset content type', { body, headers: { 'content-type': 'application/json; charset=utf-8' } }],
])('httpHandler with %s', (_name, overrides) => {
  it('gives the function the validated body, query and params, and answers 200 JSON', async () => {
    const event = httpEvent({ ...overrides, queryStringParameters: { page: '3' }, pathParameters: { orderId: 'o-1' } });
    const { response, body: answered } = await call(echo, event);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(answered).toEqual({ body: { sku: 'A-1', qty: 2 }, query: { page: 3 }, params: { orderId: 'o-1' } });
  });
});

describe.each([
  ['malformed JSON', { body: '{"sku": "A-1",' }, 'Malformed JSON in request body', [{ location: 'body', path: '', message: expect.stringMatching(/^the body is not valid JSON/) }]],
  ['malformed base64 JSON', { body: Buffer.from('not json').toString('base64'), isBase64Encoded: true }, 'Malformed JSON in request body', [{ location: 'body', path: '', message: expect.any(String) }]],
  ['a missing body', { body: undefined }, 'Invalid request', [{ location: 'body', path: '', message: expect.any(String) }]],
  ['an invalid body', { body: JSON.stringify({ sku: 1, qty: 0 }) }, 'Invalid request', [{ location: 'body', path: 'sku', message: expect.any(String) }, { location: 'body', path: 'qty', message: expect.any(String) }]],
  ['an invalid query', { body, queryStringParameters: { page: 'two', dryRun: 'maybe' } }, 'Invalid request', [{ location: 'query', path: 'dryRun', message: expect.any(String) }, { location: 'query', path: 'page', message: expect.any(String) }]],
  ['invalid params', { body, pathParameters: { orderId: 'x-1' } }, 'Invalid request', [{ location: 'params', path: 'orderId', message: expect.any(String) }]],
  ['problems in several places', { body: JSON.stringify({ sku: 'A-1' }), pathParameters: {} }, 'Invalid request', [{ location: 'body', path: 'qty', message: expect.any(String) }, { location: 'params', path: 'orderId', message: expect.any(String) }]],
])('a request with %s', (_name, overrides, message, issues) => {
  it('answers 400 with the list of problems, without calling the function', async () => {
    const fn = jest.fn();
    const handler = httpHandler(schemas, fn);
    const { response, body: answered, logs } = await call(handler, httpEvent({ pathParameters: { orderId: 'o-1' }, ...overrides }));
    expect(fn).not.toHaveBeenCalled();
    expect(response.statusCode).toBe(400);
    expect(answered).toEqual({ message, issues });
    expect(logs).toEqual([expect.objectContaining({ level: 'WARN', message: 'Invalid request', statusCode: 400 })]);
  });
});

describe.each([
  [new BadRequestError('bad'), 400, { message: 'bad' }],
  [new UnauthorizedError(), 401, { message: 'Unauthorized' }],
  [new ForbiddenError(), 403, { message: 'Forbidden' }],
  [new NotFoundError('no order o-1'), 404, { message: 'no order o-1' }],
  [new ConflictError('already paid', { paidAt: '2024-01-01' }), 409, { message: 'already paid', details: { paidAt: '2024-01-01' } }],
  [new UnprocessableEntityError(), 422, { message: 'Unprocessable Entity' }],
  [new TooManyRequestsError(), 429, { message: 'Too Many Requests' }],
  [new HttpError(402, 'Payment Required'), 402, { message: 'Payment Required' }],
  [new ServiceUnavailableError('inventory down'), 503, { message: 'inventory down' }],
  [new RequestValidationError([{ location: 'body', path: 'end', message: 'before start' }]), 400, { message: 'Invalid request', issues: [{ location: 'body', path: 'end', message: 'before start' }] }],
])('a thrown %p', (error, status, expected) => {
  it(`answers ${status} with its message`, async () => {
    const handler = httpHandler({}, () => {
      throw error;
    });
    const { response, body: answered, logs } = await call(handler, httpEvent());
    expect(response.statusCode).toBe(status);
    expect(answered).toEqual(expected);
    expect(logs[0]).toMatchObject({ level: status >= 500 ? 'ERROR' : 'WARN', statusCode: status });
  });
});

describe('httpHandler', () => {
  it('answers an unexpected error with 500 and the request id, and logs its stack', async () => {
    const handler = httpHandler({}, () => {
      throw new Error('connection to db-secret-host refused');
    });
    const { response, body: answered, logs } = await call(handler, httpEvent());
    expect(response.statusCode).toBe(500);
    expect(answered).toEqual({ message: 'Internal Server Error', requestId: 'lambda-req-1' });
    expect(response.body).not.toMatch(/db-secret-host|at /);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Unhandled error',
        method: 'POST',
        path: '/orders/o-1',
        requestId: 'lambda-req-1',
        error: expect.objectContaining({ message: 'connection to db-secret-host refused', stack: expect.stringContaining('http-handler.test.ts') }),
      }),
    ]);
  });

  it('answers 500 when the result cannot be serialized', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const { response } = await call(httpHandler({}, () => cyclic), httpEvent());
    expect(response.statusCode).toBe(500);
  });

  it.each([
    ['a value', { ok: true }, 200, { 'content-type': 'application/json' }, '{"ok":true}'],
    ['undefined', undefined, 204, {}, undefined],
    ['json(201, ...)', json(201, { id: 'o-1' }, { location: '/orders/o-1' }), 201, { 'content-type': 'application/json', location: '/orders/o-1' }, '{"id":"o-1"}'],
    ['a response with an object body', { statusCode: 202, body: { queued: true } }, 202, { 'content-type': 'application/json' }, '{"queued":true}'],
    ['a response with a string body', { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'pong' }, 200, { 'content-type': 'text/plain' }, 'pong'],
  ])('answers %s', async (_name, value, status, headers, responseBody) => {
    const { result } = await captureLogs(() => httpHandler({}, () => value)(httpEvent(), lambdaContext()));
    expect(result).toEqual({ statusCode: status, headers: { 'x-correlation-id': 'apigw-req-1', ...headers }, ...(responseBody === undefined ? {} : { body: responseBody }) });
  });

  it.each([
    ['the x-correlation-id header', { 'x-correlation-id': 'corr-from-client' }, 'corr-from-client'],
    ['a header in another case (direct invoke)', { 'X-Correlation-Id': 'corr-upper' }, 'corr-upper'],
    ['API Gateway request id without the header', {}, 'apigw-req-1'],
  ])('takes the correlation id from %s', async (_name, headers, expected) => {
    const handler = httpHandler({}, (_input, ctx) => {
      ctx.logger.info('seen');
      return { correlationId: ctx.correlationId, ambient: getCorrelationId() };
    });
    const { response, body: answered, logs } = await call(handler, httpEvent({ headers }));
    expect(answered).toEqual({ correlationId: expected, ambient: expected });
    expect(response.headers['x-correlation-id']).toBe(expected);
    expect(logs[0]).toMatchObject({ correlationId: expected });
  });

  it('passes raw query and params through when no schema is given', async () => {
    const handler = httpHandler({}, ({ body, query, params }) => ({ body: body ?? null, query, params }));
    const { body: answered } = await call(handler, httpEvent({ body: 'not json', queryStringParameters: { tag: 'a,b' }, pathParameters: { id: '7' } }));
    expect(answered).toEqual({ body: null, query: { tag: 'a,b' }, params: { id: '7' } });
  });
});

describe('HttpError', () => {
  it.each([[200], [399], [600], [404.5]])('rejects status %p', (status) => {
    expect(() => new HttpError(status, 'x')).toThrow(RangeError);
  });
});
