/**
 * One server of the body-limits benchmark, in its own process so that its memory is its own:
 *
 *   tsx serve.ts switchyard <assembly>   the local app (HTTP API and AWS endpoint)
 *   tsx serve.ts buffering               the peer: reads every body whole, then checks its size
 *
 * Prints `READY <httpUrl> <awsUrl>`; answers each `rss` line on stdin with `RSS <rss> <maxRss>`
 * (bytes, current and peak resident set); stops on SIGTERM.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { LocalApp } from '../../lib/local';

const LIMIT = 10 * 1024 * 1024;

async function main(): Promise<void> {
  const [mode, assembly] = process.argv.slice(2);
  let stop: () => Promise<void>;
  if (mode === 'switchyard') {
    const app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false });
    process.stdout.write(`READY ${app.urls[0]} ${app.awsEndpoint}\n`);
    stop = () => app.stop();
  } else {
    const server = await buffering();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.stdout.write(`READY ${url} ${url}\n`);
    stop = () => new Promise((resolve) => server.close(() => resolve()));
  }
  createInterface({ input: process.stdin }).on('line', () => {
    process.stdout.write(`RSS ${process.memoryUsage().rss} ${process.resourceUsage().maxRSS * 1024}\n`);
  });
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
}

/** What a server without a streaming limit does (and what Switchyard did before): buffer, then check. */
function buffering(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.statusCode = body.length > LIMIT ? 413 : 200;
      res.end(JSON.stringify({ message: res.statusCode === 413 ? 'Request Entity Too Large' : 'ok' }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

void main();
