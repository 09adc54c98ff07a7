/** An app built with plain aws-cdk-lib NodejsFunction + HttpApi runs as it is (CJS bundle, no switchyard metadata). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LocalApp } from '../../lib/local';
import { synthNodejsFunctionApp } from './helpers';

let app: LocalApp;
beforeAll(async () => {
  app = await LocalApp.start(synthNodejsFunctionApp(), { httpPort: 0, awsPort: 0, schedules: false });
});
afterAll(() => app.stop());

test('the bundled CommonJS handler answers through the HTTP API', async () => {
  const fn = app.model.functions[0];
  expect(fs.existsSync(path.join(fn.codeDir, 'index.js'))).toBe(true);
  expect(fn.source).toBeUndefined();
  const res = await fetch(`${app.urls[0]}/hello`);
  expect(res.status).toBe(200);
  expect(await res.text()).toBe(`hello world from ${fn.name}`);
});

test('and through Lambda Invoke', async () => {
  const r = await app.invoke(app.model.functions[0].logicalId, { name: 'ada' });
  expect(JSON.parse(r.payload).body).toMatch(/^hello ada from /);
});
