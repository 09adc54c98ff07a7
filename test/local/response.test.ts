import { responseFromLambda } from '../../lib/local/http/response';

const body = (r: ReturnType<typeof responseFromLambda>) => r.body.toString('utf8');

describe('Lambda result -> HTTP response', () => {
  test.each([
    ['an object without statusCode is 200 JSON', '{"a":1}', '2.0', 200, '{"a":1}'],
    ['a string is 200 with the string as body', '"hello"', '2.0', 200, 'hello'],
    ['null is 200 null', 'null', '2.0', 200, 'null'],
    ['an array is 200 JSON', '[1,2]', '2.0', 200, '[1,2]'],
    ['a structured response', '{"statusCode":404,"body":"nope"}', '2.0', 404, 'nope'],
    ['a statusCode string of digits is accepted', '{"statusCode":"201","body":""}', '2.0', 201, ''],
    ['a bad statusCode is a 502', '{"statusCode":"abc"}', '2.0', 502, '{"message":"Internal Server Error"}'],
    ['a non-string body is a 502', '{"statusCode":200,"body":{"a":1}}', '2.0', 502, '{"message":"Internal Server Error"}'],
    ['format 1.0 requires statusCode', '{"a":1}', '1.0', 502, '{"message":"Internal Server Error"}'],
    ['format 1.0 structured', '{"statusCode":200,"body":"ok"}', '1.0', 200, 'ok'],
    ['text that is not JSON is a 502', 'not json', '2.0', 502, '{"message":"Internal Server Error"}'],
  ] as const)('%s', (_name, payload, version, status, text) => {
    const r = responseFromLambda(payload, version);
    expect(r.statusCode).toBe(status);
    expect(body(r)).toBe(text);
  });

  test('headers are lower-cased; multiValueHeaders joined; cookies appended to set-cookie', () => {
    const r = responseFromLambda(JSON.stringify({ statusCode: 200, headers: { 'X-A': 'a', 'Set-Cookie': 'c=0' }, multiValueHeaders: { 'x-b': ['1', '2'] }, cookies: ['d=1'], body: 'x' }), '2.0');
    expect(r.headers).toEqual({ 'x-a': 'a', 'set-cookie': ['c=0', 'd=1'], 'x-b': '1,2', 'content-type': 'application/json' });
  });

  test('a base64 body is decoded', () => {
    const r = responseFromLambda(JSON.stringify({ statusCode: 200, body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true }), '2.0');
    expect([...r.body]).toEqual([1, 2, 3]);
  });
});
