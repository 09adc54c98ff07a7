/**
 * The console's page: the UI's build served as files (index.html for its views), nothing from
 * outside its folder, and without a build a page that says how to get one. A fixture folder
 * stands for the build (`dist/console/`, which the UI's build step writes).
 */
import * as http from 'node:http';
import * as path from 'node:path';
import type { LocalApp } from '../../../lib/local';
import { ConsoleServer } from '../../../lib/local/console/server';
import { startPlainApp } from '../../local/helpers';

let app: LocalApp;
let built: ConsoleServer;
let unbuilt: ConsoleServer;
let builtUrl: string;
let unbuiltUrl: string;

beforeAll(async () => {
  app = await startPlainApp();
  built = new ConsoleServer(app, { assetsDir: path.join(__dirname, 'fixtures', 'ui-build') });
  unbuilt = new ConsoleServer(app, { assetsDir: path.join(__dirname, 'fixtures', 'no-such-build') });
  builtUrl = await built.listen(0, '127.0.0.1');
  unbuiltUrl = await unbuilt.listen(0, '127.0.0.1');
}, 120_000);

afterAll(async () => {
  await built?.stop();
  await unbuilt?.stop();
  await app?.stop();
});

/** A raw GET (no URL normalization, as a hand-made request would send it). */
function rawGet(base: string, rawPath: string): Promise<{ status: number; type?: string; body: string; csp?: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    http.get({ host: url.hostname, port: url.port, path: rawPath }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body, ...(res.headers['content-security-policy'] ? { csp: String(res.headers['content-security-policy']) } : {}) }));
    }).on('error', reject);
  });
}

test('serves the build: index.html at / and for the UI views, its assets with their types', async () => {
  const index = await rawGet(builtUrl, '/');
  expect(index).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: expect.stringContaining('fixture build') });
  expect((await rawGet(builtUrl, '/events/abc')).body).toContain('fixture build');
  expect(await rawGet(builtUrl, '/assets/app.js')).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', body: 'export const fixture = true;\n' });
});

test("the pages carry a strict Content-Security-Policy: nothing runs but the console's own scripts", async () => {
  // Written out here rather than imported: a policy loosened in the server must fail this test.
  const strict = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  expect((await rawGet(builtUrl, '/')).csp).toBe(strict);
  expect((await rawGet(builtUrl, '/events/abc')).csp).toBe(strict);
  expect((await rawGet(unbuiltUrl, '/')).csp).toBe(strict);
});

test.each(['/assets/missing.js', '/../../../package.json', '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json', '/%E0%A4%A'])('serves nothing outside the build: %s', async (rawPath) => {
  const answer = await rawGet(builtUrl, rawPath);
  expect(answer.status).toBe(404);
  expect(answer.body).not.toContain('"name": "switchyard"');
});

test('without a build, says how to get one, and the API still answers', async () => {
  const page = await rawGet(unbuiltUrl, '/');
  expect(page.status).toBe(503);
  expect(page.body).toContain('npm run build');
  expect((await rawGet(unbuiltUrl, '/api/app')).status).toBe(200);
});
