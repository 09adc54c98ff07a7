import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { main } from '../../lib/cli/main';
import { inspectPortOf } from '../../lib/cli/options';
import { clientConfig, inspectorTargets, startPlainApp, synthPlainApp } from '../local/helpers';

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

/** The status of a GET with the given Host header (fetch does not let one set it). */
function statusOf(port: number, urlPath: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** The status a WebSocket upgrade request gets (101 when accepted). */
function upgradeStatusOf(port: number, urlPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
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

  test('client commands say so when no dev server is running, in one line with a code', async () => {
    const err = capture();
    const code = await main(['invoke', 'fn', '--aws-port', String(await closedPort())], { out: capture().stream, err: err.stream, cwd: os.tmpdir() });
    expect(code).toBe(1);
    expect(err.text()).toMatch(/^switchyard: \[EndpointUnreachable\] Cannot reach http:\/\/127\.0\.0\.1:\d+\. Is 'switchyard dev' running\?.*\n$/);
    expect(err.text().trim().split('\n')).toHaveLength(1);
  });

  test('SWITCHYARD_AWS_PORT says where dev listens; the flag wins over it', async () => {
    const port = await closedPort();
    const err = capture();
    expect(await main(['ledger'], { out: capture().stream, err: err.stream, cwd: os.tmpdir(), env: { SWITCHYARD_AWS_PORT: String(port) } })).toBe(1);
    expect(err.text()).toContain(`Cannot reach http://127.0.0.1:${port}.`);
    const flagged = capture();
    expect(await main(['ledger', '--aws-port', String(port + 1)], { out: capture().stream, err: flagged.stream, cwd: os.tmpdir(), env: { SWITCHYARD_AWS_PORT: String(port) } })).toBe(1);
    expect(flagged.text()).toContain(`Cannot reach http://127.0.0.1:${port + 1}.`);
  });

  test.each([
    [['dev', '--time-scale', 'abc'], /^switchyard: \[InvalidArgument\] --time-scale must be a positive number such as 0\.01 \(retries 100 times sooner\), got 'abc'\n$/],
    [['dev', '--time-scale=-1'], /--time-scale must be a positive number .*got '-1'/],
    [['dev', '--time-scale', '-1'], /^switchyard: \[InvalidArgument\] Option '--time-scale' argument is ambiguous\. .* \(switchyard --help lists the options\)\n$/],
    [['dev', '--time-scale', 'Infinity'], /--time-scale must be a positive number .*got 'Infinity'/],
    [['dev', '--time-scale', '0'], /--time-scale must be a positive number .*got '0'/],
    [['dev', '--time-scale', ''], /--time-scale must be a positive number .*got ''/],
    [['dev', '--iam', 'strict'], /^switchyard: \[InvalidArgument\] --iam must be one of enforce, warn, off, got 'strict'\n$/],
    [['dev', '--max-backlog', '0'], /^switchyard: \[InvalidArgument\] --max-backlog must be a whole number of at least 1, got '0'\n$/],
    [['dev', '--http-port', '70000'], /^switchyard: \[InvalidArgument\] --http-port must be a port number from 0 to 65535 \(0: any free port\), got '70000'\n$/],
    [['ledger', '--aws-port', 'x'], /--aws-port must be a port number .*got 'x'/],
    [['token', '--sub', 'a', '--expires-in', '1.5'], /^switchyard: \[InvalidArgument\] --expires-in must be a whole number of seconds, got '1\.5'\n$/],
    [['invoke'], /^switchyard: \[InvalidArgument\] invoke needs a function/],
    [['trigger'], /^switchyard: \[InvalidArgument\] trigger needs a schedule/],
    [['put-events', '--source', 's'], /^switchyard: \[InvalidArgument\] put-events needs --source and --detail-type\n$/],
    [['dev', '--frobnicate'], /^switchyard: \[InvalidArgument\] Unknown option '--frobnicate'/],
    [['dev', '--inspect=0.0.0.0:9229'], /^switchyard: \[InvalidArgument\] --inspect listens on 127\.0\.0\.1 only .*got '0\.0\.0\.0:9229'\n$/],
    [['dev', '--inspect=x'], /^switchyard: \[InvalidArgument\] --inspect takes the first debugger port, from 0 to 65535 .*got 'x'\n$/],
    [['dev', '--inspect=70000'], /--inspect takes the first debugger port.*got '70000'/],
  ])('%j is refused before anything runs: %s', async (argv, message) => {
    const err = capture();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-args-'));
    expect(await main(argv, { out: capture().stream, err: err.stream, cwd: dir, env: {} })).toBe(1);
    expect(err.text()).toMatch(message);
    // Nothing was synthesized or written.
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test.each([
    [undefined, undefined],
    ['', 9229],
    ['9300', 9300],
    ['127.0.0.1:9300', 9300],
    ['localhost:0', 0],
  ])('--inspect=%j starts the debugger ports at %j (a bare --inspect arrives as an empty value)', (value, port) => {
    expect(inspectPortOf(value)).toBe(port);
  });

  test('an environment variable with a bad port is named in the message', async () => {
    const err = capture();
    expect(await main(['ledger'], { out: capture().stream, err: err.stream, cwd: os.tmpdir(), env: { SWITCHYARD_AWS_PORT: 'four' } })).toBe(1);
    expect(err.text()).toMatch(/^switchyard: \[InvalidArgument\] SWITCHYARD_AWS_PORT must be a port number .*got 'four'\n$/);
  });

  test.each([
    ['the AWS endpoint', (port: number) => ['--aws-port', String(port)], (port: number) => new RegExp(`^switchyard: \\[PortInUse\\] port ${port} is already in use`)],
    [
      'a debugger (--inspect)',
      (port: number) => ['--http-port', '0', '--aws-port', '0', `--inspect=${port}`],
      (port: number) => new RegExp(`^switchyard: \\[InspectPortInUse\\] port ${port} \\(the debugger port of HttpFn\\) is already in use; choose another first port with --inspect=PORT \\(functions take consecutive ports\\)\\n$`),
    ],
  ])('dev on a port in use for %s says which and how to change it', async (_, flags, message) => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const err = capture();
    try {
      expect(await main(['dev', '--console-port', '0', '--assembly', synthPlainApp(), '--no-watch', ...flags(port)], { out: capture().stream, err: err.stream, cwd: os.tmpdir() })).toBe(1);
    } finally {
      server.close();
    }
    expect(err.text()).toMatch(message(port));
  });

  test('dev without cdk.json or --assembly explains what to do', async () => {
    const err = capture();
    const out = capture();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-cli-'));
    expect(await main(['dev', '--console-port', '0', '--no-watch'], { out: out.stream, err: err.stream, cwd: dir })).toBe(1);
    expect(err.text()).toMatch(/^switchyard: \[SynthFailed\] No cdk.json in .*pass --assembly/);
  });

  test('dev serves an assembly and prints it by names that invoke, put-events, trigger and ledger accept', async () => {
    const assembly = synthPlainApp();
    const out = capture();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-dev-'));
    const running = main(['dev', '--console-port', '0', '--assembly', assembly, '--http-port', '0', '--aws-port', '0', '--no-watch', '--time-scale', '0.001'], { out: out.stream, err: out.stream, cwd, until });
    const [, endpoint] = await out.waitFor(/AWS endpoint +(http:\/\/127\.0\.0\.1:\d+)/);
    await out.waitFor(/Ready\./);
    const text = out.text();
    expect(text).toMatch(/GET +http:\/\/127\.0\.0\.1:\d+\/items\/\{id\} +HttpFn\n/);
    expect(text).toMatch(/Tick +rate\(5 minutes\) +UTC +\d{4}-[^\n]+ TickFn\n/);
    expect(text).toMatch(/OrderPlaced +shop-bus +\{"source":\["shop"\],"detail-type":\["OrderPlaced"\]\} +ConsumerFn\n/);
    expect(text).toMatch(/\nAsyncFailures +http:\/\/127\.0\.0\.1:\d+\/000000000000\/PlainStack-AsyncFailures/);
    // Under --no-watch nothing reloads, and the table does not say otherwise.
    expect(text).toMatch(/\nNAME +RUNTIME +TIMEOUT +RESERVED\n/);
    expect(text).not.toMatch(/RELOAD|watch\n/);
    const awsPort = new URL(endpoint).port;
    const cli = async (...argv: string[]) => {
      const [o, e] = [capture(), capture()];
      const code = await main([...argv, '--aws-port', awsPort], { out: o.stream, err: e.stream, cwd: os.tmpdir() });
      return { code, out: o.text(), err: e.text() };
    };

    // Every function name the table prints is one `invoke` takes.
    const printed = text.slice(text.indexOf('Functions\n')).split('\n').slice(2, 10).map((l) => l.split(/ +/)[0]);
    expect(printed).toEqual(['HttpFn', 'CjsFn', 'SlowFn', 'CrashFn', 'ConsumerFn', 'AsyncFn', 'TickFn', 'SlowGatewayFn']);
    expect(await cli('invoke', 'CjsFn', '--payload', '{"x":1}')).toMatchObject({ code: 0, out: expect.stringMatching(/"statusCode":201/) });
    await out.waitFor(/CjsFn [0-9a-f-]{36} cold \d+\.\d ms/);
    expect(await cli('invoke', 'CrashFn', '--payload', '{"mode":"throw"}')).toMatchObject({ code: 2, out: expect.stringMatching(/FunctionError: Unhandled/) });
    const unknown = await cli('invoke', 'NoSuchFn');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^switchyard: \[ResourceNotFoundException\] Function not found: .*NoSuchFn \(Locally served: HttpFn, CjsFn, SlowFn, CrashFn, ConsumerFn, AsyncFn, TickFn, SlowGatewayFn\.\)\n$/);

    const put = await cli('put-events', '--source', 'shop', '--detail-type', 'OrderPlaced', '--detail', '{"fail":true}', '--bus', 'shop-bus');
    expect(put.code).toBe(0);
    const eventId = JSON.parse(put.out).Entries[0].EventId as string;
    await out.waitFor(new RegExp(`event ${eventId} -> dead-lettered to arn:aws:sqs:`));
    const noBus = await cli('put-events', '--source', 'shop', '--detail-type', 'X', '--bus', 'nope');
    expect(noBus.code).toBe(2);
    expect(JSON.parse(noBus.out).Entries[0]).toEqual({ ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus nope does not exist.' });
    expect(noBus.err).toBe('switchyard: buses: default, shop-bus\n');

    // trigger waits for the target's first attempt and says how it went.
    const trig = await cli('trigger', 'Tick');
    expect(trig).toMatchObject({ code: 0, out: expect.stringMatching(/^fired event [0-9a-f-]{36}\n  TickFn: ran without error\n$/) });
    await out.waitFor(/schedule Tick fired event/);
    expect((await cli('trigger', 'Tick', '--no-wait')).out).toMatch(/^fired event [0-9a-f-]{36}\n$/);
    // Its delivery ends before the stop below counts deliveries (a stop would interrupt it).
    await out.waitFor(/(TickFn [0-9a-f-]{36} (cold|warm)[^\n]*\n[\s\S]*){2}/);
    expect((await cli('trigger', 'Hourly')).err).toBe("switchyard: [ResourceNotFoundException] No schedule 'Hourly'. Schedules: Tick, Nightly\n");

    const led = await cli('ledger', '--state', 'dead-lettered');
    expect(JSON.parse(led.out).deliveries.map((d: { eventId: string }) => d.eventId)).toEqual([eventId]);
    expect(JSON.parse(led.out).nextToken).toBeUndefined();
    expect(led.err).toBe('');

    stop();
    expect(await running).toBe(0);
    expect(out.text()).toMatch(/Deliveries: \d+ delivered, 1 dead-lettered, 0 still retrying, 0 dropped, 0 undeliverable \(target not served\)\./);
    // Durations for `switchyard cost`, keyed by logical id.
    const durations = JSON.parse(fs.readFileSync(path.join(cwd, '.switchyard', 'durations.json'), 'utf8'));
    expect(durations).toMatchObject({ version: 1, functions: { CjsFnC45B36EC: { invocations: 1, avgMs: expect.any(Number), p99Ms: expect.any(Number) } } });
    // The state folder keeps itself out of version control, whatever the project's .gitignore says.
    expect(fs.readFileSync(path.join(cwd, '.switchyard', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
  });

  test('dev --inspect lists a debugger port per function; each answers for its function, to local callers only', async () => {
    const out = capture();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-inspect-'));
    const running = main(['dev', '--console-port', '0', '--assembly', synthPlainApp(), '--http-port', '0', '--aws-port', '0', '--no-watch', '--inspect=0'], { out: out.stream, err: out.stream, cwd, until });
    try {
      await out.waitFor(/Ready\./);
      const text = out.text();
      expect(text).toMatch(/\nNAME +RUNTIME +TIMEOUT +RESERVED +DEBUG\n/);
      expect(text).toMatch(/Debuggers attach to the DEBUG ports/);
      const ports = [...text.matchAll(/\n(\w+Fn) +nodejs\S+ +\d+s +\S+ +127\.0\.0\.1:(\d+)(?=\n)/g)].map(([, name, port]) => ({ name, port: Number(port) }));
      expect(ports.map((p) => p.name)).toEqual(['HttpFn', 'CjsFn', 'SlowFn', 'CrashFn', 'ConsumerFn', 'AsyncFn', 'TickFn', 'SlowGatewayFn']);
      expect(new Set(ports.map((p) => p.port)).size).toBe(ports.length);
      const { port } = ports[0];
      const targets = await inspectorTargets(port);
      expect(targets).toEqual([expect.objectContaining({ title: 'HttpFn (switchyard dev)', webSocketDebuggerUrl: expect.stringMatching(new RegExp(`^ws://127\\.0\\.0\\.1:${port}/[0-9a-f-]{36}$`)) })]);
      // A page served under another name (DNS rebinding) is refused, as node's inspector refuses it.
      expect(await statusOf(port, '/json/list', 'attacker.example')).toBe(400);
      // A WebSocket must name the instance's target id.
      expect(await upgradeStatusOf(port, '/00000000-0000-0000-0000-000000000000')).toBe(404);
      expect(await upgradeStatusOf(port, new URL(targets[0].webSocketDebuggerUrl).pathname)).toBe(101);
      await out.waitFor(new RegExp(`HttpFn[^\\n]*Debugger attached on 127\\.0\\.0\\.1:${port}`));
      // Node's own inspector notices (its private address) are not the function's output.
      expect(out.text()).not.toMatch(/Debugger listening|For help, see/);
    } finally {
      stop();
    }
    expect(await running).toBe(0);
  });

  test('ledger pages: --limit N and --next-token T walk every delivery once, in order', async () => {
    const app = await startPlainApp({ timeScale: 0.001 });
    try {
      const eb = new EventBridgeClient(clientConfig(app));
      await eb.send(new PutEventsCommand({ Entries: Array.from({ length: 5 }, (_, i) => ({ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'OrderPlaced', Detail: JSON.stringify({ i }) })) }));
      eb.destroy();
      await app.ledger.whenIdle();
      const all = app.ledger.list().map((d) => d.id);
      expect(all.length).toBeGreaterThanOrEqual(5);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const [o, e] = [capture(), capture()];
        const argv = ['ledger', '--limit', '2', ...(token ? ['--next-token', token] : []), '--aws-port', new URL(app.awsEndpoint).port];
        expect(await main(argv, { out: o.stream, err: e.stream, cwd: os.tmpdir() })).toBe(0);
        const page = JSON.parse(o.text()) as { deliveries: Array<{ id: string }>; nextToken?: string };
        expect(page.deliveries.length).toBeLessThanOrEqual(2);
        seen.push(...page.deliveries.map((d) => d.id));
        token = page.nextToken;
        // stderr says how to get the next page, in a form that can be run as is.
        expect(e.text()).toBe(token ? `switchyard: more deliveries: switchyard ledger --limit 2 --next-token ${token}\n` : '');
        pages++;
      } while (token && pages < 20);
      expect(seen).toEqual(all);
      expect(pages).toBe(Math.ceil(all.length / 2));
      for (const [flag, value, message] of [
        ['--limit', '0', "[ValidationException] limit must be a whole number from 1 to 1000; got '0'"],
        ['--limit', '1001', "[ValidationException] limit must be a whole number from 1 to 1000; got '1001'"],
        ['--next-token', 'abc', "[InvalidNextToken] 'abc' is not a nextToken of this ledger"],
        ['--state', 'done', "[ValidationException] state must be one of pending, retrying, delivered, failed, dead-lettered, dropped, undeliverable; got 'done'"],
      ]) {
        const e = capture();
        expect(await main(['ledger', flag, value, '--aws-port', new URL(app.awsEndpoint).port], { out: capture().stream, err: e.stream, cwd: os.tmpdir() })).toBe(1);
        expect(e.text()).toBe(`switchyard: ${message}\n`);
      }
    } finally {
      await app.stop();
    }
  });

  test('a reader that goes away (switchyard ledger | head) ends the command quietly', async () => {
    const app = await startPlainApp();
    try {
      // stdout of `| head` once head has exited: every write fails with EPIPE.
      const closed = new Writable({ write: (_chunk, _enc, done) => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
      const err = capture();
      expect(await main(['ledger', '--aws-port', new URL(app.awsEndpoint).port], { out: closed, err: err.stream, cwd: os.tmpdir() })).toBe(0);
      await new Promise((r) => setImmediate(r));
      expect(err.text()).toBe('');
    } finally {
      await app.stop();
    }
  });

  test('dev synthesizes through cdk.json when no assembly is given', async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-proj-'));
    const synthScript = path.join(__dirname, '..', 'local', 'fixtures', 'synth-plain-app.ts');
    fs.writeFileSync(path.join(project, 'cdk.json'), JSON.stringify({ app: `"${process.execPath}" "${require.resolve('tsx/cli')}" "${synthScript}"` }));
    const out = capture();
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const running = main(['dev', '--console-port', '0', '--http-port', '0', '--aws-port', '0', '--no-watch'], { out: out.stream, err: out.stream, cwd: project, until });
    await out.waitFor(/Ready\./);
    expect(fs.existsSync(path.join(project, '.switchyard', 'cdk.out', 'manifest.json'))).toBe(true);
    stop();
    expect(await running).toBe(0);
  });
});
