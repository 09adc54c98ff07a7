import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';
import { synthPlainApp } from '../local/helpers';

/** Collects what a stream receives; `waitFor` resolves when the text matches. */
function capture() {
  const stream = new PassThrough();
  let text = '';
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  stream.on('data', (c: Buffer) => {
    text += c.toString();
    for (const w of [...waiters]) {
      const m = text.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  return {
    stream,
    text: () => text,
    waitFor: (re: RegExp) => new Promise<RegExpMatchArray>((resolve) => {
      const m = text.match(re);
      if (m) resolve(m);
      else waiters.push({ re, resolve });
    }),
  };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe('switchyard CLI', () => {
  test('no command prints usage and fails; an unknown one names itself', async () => {
    const out = capture();
    const err = capture();
    expect(await main([], { out: out.stream, err: err.stream, cwd: os.tmpdir() })).toBe(1);
    expect(out.text()).toMatch(/Usage: switchyard <command>/);
    expect(await main(['frobnicate'], { out: out.stream, err: err.stream, cwd: os.tmpdir() })).toBe(1);
    expect(err.text()).toMatch(/unknown command 'frobnicate'/);
  });

  test.each([['--help'], ['-h'], ['help']])('%s prints usage and succeeds', async (flag) => {
    const out = capture();
    const err = capture();
    expect(await main([flag], { out: out.stream, err: err.stream, cwd: os.tmpdir() })).toBe(0);
    expect(out.text()).toMatch(/Usage: switchyard <command>/);
    expect(err.text()).toBe('');
  });

  test('client commands say so when no dev server is running', async () => {
    const err = capture();
    const code = await main(['invoke', 'fn', '--aws-port', String(await closedPort())], { out: capture().stream, err: err.stream, cwd: os.tmpdir() });
    expect(code).toBe(1);
    expect(err.text()).toMatch(/Is 'switchyard dev' running\?/);
  });

  test('dev on a port in use says which and how to change it', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const err = capture();
    try {
      expect(await main(['dev', '--assembly', synthPlainApp(), '--aws-port', String(port), '--no-watch'], { out: capture().stream, err: err.stream, cwd: os.tmpdir() })).toBe(1);
    } finally {
      server.close();
    }
    expect(err.text()).toMatch(new RegExp(`port ${port} is already in use`));
  });

  test('dev without cdk.json or --assembly explains what to do', async () => {
    const err = capture();
    const out = capture();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-cli-'));
    expect(await main(['dev', '--no-watch'], { out: out.stream, err: err.stream, cwd: dir })).toBe(1);
    expect(err.text()).toMatch(/No cdk.json in .*pass --assembly/);
  });

  test('dev serves an assembly, prints the table and live logs; invoke, put-events, trigger and ledger talk to it', async () => {
    const assembly = synthPlainApp();
    const out = capture();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-dev-'));
    const running = main(['dev', '--assembly', assembly, '--http-port', '0', '--aws-port', '0', '--no-watch', '--time-scale', '0.001'], { out: out.stream, err: out.stream, cwd, until });
    const [, endpoint] = await out.waitFor(/AWS endpoint +(http:\/\/127\.0\.0\.1:\d+)/);
    await out.waitFor(/Ready\./);
    const text = out.text();
    expect(text).toMatch(/GET +http:\/\/127\.0\.0\.1:\d+\/items\/\{id\} +HttpFn/);
    expect(text).toMatch(/Tick +rate\(5 minutes\) +\d{4}-/);
    expect(text).toMatch(/OrderPlaced +shop-bus +\{"source":\["shop"\],"detail-type":\["OrderPlaced"\]\} +ConsumerFn/);
    const awsPort = new URL(endpoint).port;
    const io = () => ({ out: capture(), err: capture() });

    const inv = io();
    expect(await main(['invoke', 'CjsFn' + 'C45B36EC', '--payload', '{"x":1}', '--aws-port', awsPort], { out: inv.out.stream, err: inv.err.stream, cwd: os.tmpdir() })).toBe(0);
    expect(inv.out.text()).toMatch(/"statusCode":201/);
    await out.waitFor(/CjsFn [0-9a-f-]{36} cold \d+\.\d ms/);

    const failing = io();
    expect(await main(['invoke', 'CrashFn92039C08', '--payload', '{"mode":"throw"}', '--aws-port', awsPort], { out: failing.out.stream, err: failing.err.stream, cwd: os.tmpdir() })).toBe(2);
    expect(failing.out.text()).toMatch(/FunctionError: Unhandled/);

    const put = io();
    expect(await main(['put-events', '--source', 'shop', '--detail-type', 'OrderPlaced', '--detail', '{"fail":true}', '--bus', 'shop-bus', '--aws-port', awsPort], { out: put.out.stream, err: put.err.stream, cwd: os.tmpdir() })).toBe(0);
    const eventId = JSON.parse(put.out.text()).Entries[0].EventId as string;
    await out.waitFor(new RegExp(`event ${eventId} -> dead-lettered to arn:aws:sqs:`));

    const trig = io();
    expect(await main(['trigger', 'Tick6513F4AE', '--aws-port', awsPort], { out: trig.out.stream, err: trig.err.stream, cwd: os.tmpdir() })).toBe(0);
    await out.waitFor(/schedule PlainStack-Tick6513F4AE fired event/);
    await out.waitFor(/TickFn [0-9a-f-]{36} cold/);

    const led = io();
    expect(await main(['ledger', '--state', 'dead-lettered', '--aws-port', awsPort], { out: led.out.stream, err: led.err.stream, cwd: os.tmpdir() })).toBe(0);
    expect(JSON.parse(led.out.text()).deliveries.map((d: { eventId: string }) => d.eventId)).toEqual([eventId]);

    stop();
    expect(await running).toBe(0);
    expect(out.text()).toMatch(/Deliveries: \d+ delivered, 1 dead-lettered, 0 still retrying, 0 dropped\./);
    // Durations for `switchyard cost`, keyed by logical id.
    const durations = JSON.parse(fs.readFileSync(path.join(cwd, '.switchyard', 'durations.json'), 'utf8'));
    expect(durations).toMatchObject({ version: 1, functions: { CjsFnC45B36EC: { invocations: 1, avgMs: expect.any(Number), p99Ms: expect.any(Number) } } });
  });

  test('dev synthesizes through cdk.json when no assembly is given', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-proj-'));
    const synthScript = path.join(__dirname, '..', 'local', 'fixtures', 'synth-plain-app.ts');
    fs.writeFileSync(path.join(project, 'cdk.json'), JSON.stringify({ app: `"${process.execPath}" "${require.resolve('tsx/cli')}" "${synthScript}"` }));
    const out = capture();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const running = main(['dev', '--http-port', '0', '--aws-port', '0', '--no-watch'], { out: out.stream, err: out.stream, cwd: project, until });
    await out.waitFor(/Ready\./);
    expect(fs.existsSync(path.join(project, '.switchyard', 'cdk.out', 'manifest.json'))).toBe(true);
    stop();
    expect(await running).toBe(0);
  });
});
