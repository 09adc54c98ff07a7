/** The console over a REST (v1) API: its requests are entries naming the function behind the method, and its routes are listed. */
import type { LocalApp } from '../../../lib/local';
import { LocalApp as App } from '../../../lib/local';
import type { ActivityPage, AppOverview, RequestEntry } from '../../../lib/local/console/api-types';
import { synthRestApp } from '../../local/helpers';
import { call, until } from './helpers';

let app: LocalApp;

beforeAll(async () => {
  app = await App.start(synthRestApp(), { httpPort: 0, awsPort: 0, schedules: false, consolePort: 0 });
}, 120_000);

afterAll(() => app?.stop());

test('a REST request is an entry naming its method\'s function, and the function filter finds it', async () => {
  const res = await fetch(`${app.restApis[0].url}/echo/a/b`);
  const requestId = res.headers.get('x-amzn-requestid');
  await until(app, () => app.console!.activity.find((e) => e.type === 'request' && e.requestId === requestId).length > 0);
  const page = (await call<ActivityPage>(app, '/api/activity?type=request&function=EchoFn')).body;
  expect(page.entries.find((e) => (e as RequestEntry).requestId === requestId)).toMatchObject({ method: 'GET', statusCode: 200, routeKey: 'ANY /echo/{proxy+}', function: 'EchoFn' });
  const overview = (await call<AppOverview>(app, '/api/app')).body;
  expect(overview.routes).toContainEqual(expect.objectContaining({ kind: 'rest', method: 'ANY', path: '/echo/{proxy+}', function: 'EchoFn', authorization: 'NONE' }));
  expect(overview.routes.filter((r) => r.kind === 'rest' && r.path === '/items').map((r) => r.authorization)).not.toContain('NONE');
});
