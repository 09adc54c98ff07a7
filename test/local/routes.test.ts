import type { RouteModel } from '../../lib/model';
import { compileRoutes, selectRoute } from '../../lib/local/http/routes';

const route = (routeKey: string): RouteModel => ({ stack: 'S', logicalId: routeKey, routeKey, functionLogicalId: 'Fn', payloadFormatVersion: '2.0', timeoutMs: 30000 });
// The example of API Gateway's documentation on route priority, plus ANY and $default cases.
const routes = compileRoutes(['GET /pets/dog/1', 'GET /pets/dog/{id}', 'GET /pets/{proxy+}', 'ANY /{proxy+}', 'ANY /pets/dog/1', 'GET /', '$default'].map(route));

describe('route selection', () => {
  test.each([
    ['GET', '/pets/dog/1', 'GET /pets/dog/1', {}],
    ['GET', '/pets/dog/2', 'GET /pets/dog/{id}', { id: '2' }],
    ['GET', '/pets/cat/1', 'GET /pets/{proxy+}', { proxy: 'cat/1' }],
    ['POST', '/pets/dog/1', 'ANY /pets/dog/1', {}],
    ['POST', '/pets/cat/1', 'ANY /{proxy+}', { proxy: 'pets/cat/1' }],
    ['GET', '/', 'GET /', {}],
    ['POST', '/', '$default', {}],
    ['GET', '/pets/dog/caf%C3%A9', 'GET /pets/dog/{id}', { id: 'café' }],
  ])('%s %s -> %s', (method, path, routeKey, params) => {
    const m = selectRoute(routes, method, path);
    expect(m?.route.route.routeKey).toBe(routeKey);
    expect(m?.pathParameters).toEqual(params);
  });

  test('no match and no $default is undefined (API Gateway answers 404)', () => {
    const noDefault = compileRoutes([route('GET /a/{b}')]);
    expect(selectRoute(noDefault, 'GET', '/a')).toBeUndefined();
    expect(selectRoute(noDefault, 'GET', '/a/b/c')).toBeUndefined();
    expect(selectRoute(noDefault, 'POST', '/a/b')).toBeUndefined();
  });

  test('a greedy variable needs at least one segment', () => {
    const greedy = compileRoutes([route('GET /files/{proxy+}')]);
    expect(selectRoute(greedy, 'GET', '/files')).toBeUndefined();
    expect(selectRoute(greedy, 'GET', '/files/x')?.pathParameters).toEqual({ proxy: 'x' });
  });
});
