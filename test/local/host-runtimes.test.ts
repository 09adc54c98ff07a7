/**
 * Runtimes: `dev` says once per runtime when the node that runs it differs from Lambda's or
 * when Lambda deprecated it, and a node binary configured for a runtime runs its functions.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { main } from '../../lib/cli/main';
import { runtimeNotices } from '../../lib/local';
import { writeAssembly } from './fixtures/cloud-assembly';

describe('runtime notices', () => {
  const today = new Date('2026-11-30T12:00:00Z');
  const host = 'v20.20.2';
  test.each([
    ['nodejs24.x', /^nodejs24\.x \(1 function\): runs on this machine's Node v20\.20\.2, not Node 24 \(to match Lambda: --node nodejs24\.x=\/path\/to\/node24\)\.$/],
    ['nodejs22.x', /^nodejs22\.x \(1 function\): runs on this machine's Node v20\.20\.2, not Node 22 /],
    ['nodejs20.x', /^nodejs20\.x \(1 function\): deprecated in Lambda since 2026-04-30 \(no security patches\); creating functions on it is blocked from 2027-02-01: move to nodejs24\.x\.$/],
    ['nodejs18.x', /^nodejs18\.x \(1 function\): runs on this machine's Node v20\.20\.2, not Node 18 .*; deprecated in Lambda since 2025-09-01 .*blocked since 2026-02-03/],
    ['nodejs16.x', /^nodejs16\.x \(1 function\): runs on .*not Node 16 .*; deprecated in Lambda since 2024-06-12 /],
  ])('%s on a Node 20 host', (runtime, line) => {
    expect(runtimeNotices(new Map([[runtime, 1]]), new Map(), host, today)).toEqual([expect.stringMatching(line)]);
  });

  test('one line per runtime, however many functions use it; nothing for a matching, supported runtime or one not of Node', () => {
    const notices = runtimeNotices(new Map([['nodejs22.x', 3], ['nodejs24.x', 2], ['python3.13', 1]]), new Map(), 'v24.11.0', today);
    expect(notices).toEqual([expect.stringMatching(/^nodejs22\.x \(3 functions\): runs on this machine's Node v24\.11\.0, not Node 22/)]);
  });

  test('a configured binary of the right major silences the mismatch', () => {
    expect(runtimeNotices(new Map([['nodejs22.x', 1]]), new Map([['nodejs22.x', { path: '/opt/node22/bin/node', version: 'v22.11.0' }]]), host, today)).toEqual([]);
  });
});

describe('switchyard dev --node RUNTIME=PATH', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-runtimes-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test("runs that runtime's functions on the binary, the others on the host's node, and says what differs from Lambda", async () => {
    // Stands in for a node 22 installation: the host's node behind a script that marks its processes.
    const wrapper = path.join(root, 'node22');
    fs.writeFileSync(wrapper, `#!/bin/sh\nNODE_WRAPPER_MARKER=wrapped exec "${process.execPath}" "$@"\n`, { mode: 0o755 });
    const assetDir = path.join(__dirname, 'fixtures', 'host', 'runtime');
    const assembly = writeAssembly(path.join(root, 'cdk.out'), {
      functions: [
        { id: 'On22', assetDir, handler: 'index.handler', runtime: 'nodejs22.x' },
        { id: 'On24', assetDir, handler: 'index.handler', runtime: 'nodejs24.x' },
      ],
    });
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const running = main(['dev', '--console-port', '0', '--assembly', assembly, '--http-port', '0', '--aws-port', '0', '--no-watch', '--node', `nodejs22.x=${wrapper}`], { out, err: out, cwd: root, until });
    while (!/Ready\./.test(text)) await new Promise((r) => setTimeout(r, 20));
    const endpoint = /AWS endpoint\s+(\S+)/.exec(text)![1];
    const lambda = new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    try {
      const run = async (name: string) => JSON.parse(Buffer.from((await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }))).Payload!).toString());
      expect(await run('HostStack-On22')).toEqual({ node: process.version, marker: 'wrapped', runtime: 'AWS_Lambda_nodejs22.x' });
      expect(await run('HostStack-On24')).toEqual({ node: process.version, marker: null, runtime: 'AWS_Lambda_nodejs24.x' });
    } finally {
      lambda.destroy();
      stop();
    }
    expect(await running).toBe(0);
    // The stand-in reports the host's version: dev says the configured binary is not Node 22.
    expect(text).toContain(`runtime nodejs22.x (1 function): runs on the configured ${wrapper}, which is Node ${process.version}, not Node 22.`);
    expect(text.match(/^runtime nodejs24\.x/gm) ?? []).toHaveLength(process.version.startsWith('v24.') ? 0 : 1);
    expect(text).toMatch(/Throttled \(429\) only by RESERVED concurrency and no account limit \(--account-concurrency\)\. Local instance cap: \d+ at once across functions/);
  });

  test.each([
    [['--node', 'nodejs22.x'], /--node must be RUNTIME=PATH/],
    [['--node', 'nodejs99.x=/usr/bin/true'], /configured for nodejs99\.x \(\/usr\/bin\/true\) is for a runtime Lambda does not have/],
    [['--node', 'nodejs22.x=/nonexistent/node'], /configured for nodejs22\.x \(\/nonexistent\/node\) does not run/],
    [['--max-instances', '0'], /--max-instances must be a whole number of at least 1, got '0'/],
  ])('dev %j fails with a reason', async (args, message) => {
    const assembly = writeAssembly(path.join(root, 'bad-args'), { functions: [] });
    const err = new PassThrough();
    let text = '';
    err.on('data', (c: Buffer) => (text += c.toString()));
    expect(await main(['dev', '--console-port', '0', '--assembly', assembly, '--http-port', '0', '--aws-port', '0', '--no-watch', ...args], { out: new PassThrough(), err, cwd: root, until: Promise.resolve() })).toBe(1);
    expect(text).toMatch(message);
  });
});
