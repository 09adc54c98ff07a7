/** `switchyard dev` serves the console, links it from its start-up table, and serves none with --no-console. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../lib/cli/main';
import { synthPlainApp } from '../../local/helpers';

async function runDev(flags: readonly string[], check: (text: string) => Promise<void>): Promise<void> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  let stop!: () => void;
  const until = new Promise<void>((r) => (stop = r));
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-console-dev-'));
  const running = main(['dev', '--assembly', synthPlainApp(), '--http-port', '0', '--aws-port', '0', '--no-watch', ...flags], { out, err: out, cwd, until });
  try {
    while (!/Ready\.|^switchyard:/m.test(text)) await new Promise((r) => setTimeout(r, 20));
    await check(text);
  } finally {
    stop();
    expect(await running).toBe(0);
  }
}

test('dev serves the console on the port asked for and prints its URL', async () => {
  await runDev(['--console-port', '0'], async (text) => {
    const url = /\nConsole +(http:\/\/127\.0\.0\.1:\d+\/) +\(/.exec(text)?.[1];
    expect(url).toBeDefined();
    const res = await fetch(new URL('/api/app', url));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { functions: Array<{ name: string }> }).functions.map((f) => f.name)).toContain('HttpFn');
  });
}, 120_000);

test('dev --no-console serves none', async () => {
  await runDev(['--console-port', '0', '--no-console'], async (text) => {
    expect(text).toContain('AWS endpoint');
    expect(text).not.toMatch(/\nConsole /);
  });
}, 120_000);

test('a bad --console-port is refused before anything starts', async () => {
  const err = new PassThrough();
  let text = '';
  err.on('data', (c: Buffer) => (text += c.toString()));
  expect(await main(['dev', '--console-port', 'x'], { out: new PassThrough(), err, cwd: os.tmpdir() })).toBe(1);
  expect(text).toBe("switchyard: [InvalidArgument] --console-port must be a port number from 0 to 65535 (0: any free port), got 'x'\n");
});
