/**
 * The HTTP API gateway's limits, as API Gateway HTTP APIs apply them: request line and header
 * values (10240 bytes), payload (10 MB, refused as it arrives, chunked or declared), Lambda's
 * 6 MB request and response limits behind the integration.
 */
import * as net from 'node:net';
import type { LocalApp } from '../../lib/local';
import { startPlainApp } from './helpers';
import { upload } from './upload';

let app: LocalApp;
let base: string;
const MB = 1024 * 1024;

beforeAll(async () => {
  app = await startPlainApp();
  base = app.urls[0];
});
afterAll(() => app.stop());

/** Sends a request written byte for byte and returns the status line's code. */
function rawStatus(head: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(head));
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on('error', reject);
  });
}

describe('request line and headers', () => {
  // "GET /items/1 HTTP/1.1" is 21 bytes and the Host value 1: the rest of 10240 goes to X-Big.
  const head = (bigBytes: number) => `GET /items/1 HTTP/1.1\r\nHost: h\r\nX-Big: ${'b'.repeat(bigBytes)}\r\n\r\n`;

  test('a request line and header values of exactly 10240 bytes are served; one byte more is 413', async () => {
    expect(await rawStatus(head(10240 - 22))).toBe(200);
    expect(await rawStatus(head(10240 - 21))).toBe(413);
  });

  test("headers past Node's own parser limit are 413 as well, not Node's 431", async () => {
    expect(await rawStatus(head(64 * 1024))).toBe(413);
  });
});

describe('payload', () => {
  test('a 300 MB chunked upload is answered 413 as it arrives, and the API keeps serving', async () => {
    const answer = await upload(`${base}/echo`, { totalBytes: 300 * MB });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ message: 'Request Entity Too Large' });
    expect((await fetch(`${base}/items/1`)).status).toBe(200);
  });

  test('a declared length over 10 MB with Expect: 100-continue is refused before the body is sent', async () => {
    const answer = await upload(`${base}/echo`, { totalBytes: 10 * MB + 1, declareLength: true, expectContinue: true });
    expect(answer.status).toBe(413);
    expect(answer.continued).toBe(false);
  });

  test('a declared length over 10 MB without Expect is refused as well', async () => {
    const answer = await upload(`${base}/echo`, { totalBytes: 10 * MB + 1, declareLength: true });
    expect(answer.status).toBe(413);
  });

  test('a body of exactly 10 MB passes the API; its event is over Lambda 6 MB, which API Gateway answers with 500', async () => {
    const answer = await upload(`${base}/echo`, { totalBytes: 10 * MB, declareLength: true, headers: { 'content-type': 'text/plain' } });
    expect(answer.status).toBe(500);
  });
});

describe('Lambda responses through the integration', () => {
  test('a response over Lambda 6 MB limit is 502; one under it is served', async () => {
    const big = await fetch(`${base}/items/1?mode=big&bytes=${7 * MB}`);
    expect(big.status).toBe(502);
    expect(await big.json()).toEqual({ message: 'Internal Server Error' });
    const fits = await fetch(`${base}/items/1?mode=big&bytes=${5 * MB}`);
    expect(fits.status).toBe(200);
    expect((await fits.text()).length).toBe(5 * MB);
  });
});
