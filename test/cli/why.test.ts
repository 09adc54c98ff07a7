/**
 * `switchyard why` as a user runs it: the built command (bin/switchyard.js, a separate process)
 * against a running app, events published with the real EventBridge client. And `dev`'s line
 * for an event that matched no rule, and the ledger keeping such events across a restart.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { main } from '../../lib/cli/main';
import type { LocalApp } from '../../lib/local';
import { clientConfig, startPlainApp, synthPlainApp } from '../local/helpers';

const BIN = path.join(__dirname, '..', '..', 'bin', 'switchyard.js');
const EVENT_FILE = path.join(__dirname, 'fixtures', 'events', 'order-placed-v2.json');

/** Runs the built CLI as a process; resolves with its exit code and output. */
function switchyard(app: LocalApp, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...argv, '--aws-port', new URL(app.awsEndpoint).port], { cwd: os.tmpdir(), timeout: 60_000 }, (error, out, err) => {
      resolve({ code: error ? Number(error.code) : 0, out, err });
    });
  });
}

async function put(app: LocalApp, detailType: string, detail: object): Promise<string> {
  const eb = new EventBridgeClient(clientConfig(app));
  try {
    const r = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: detailType, Detail: JSON.stringify(detail) }] }));
    return r.Entries![0].EventId!;
  } finally {
    eb.destroy();
  }
}

describe('switchyard why (the built command against a running app)', () => {
  let app: LocalApp;
  beforeAll(async () => {
    if (!fs.existsSync(path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run node scripts/build.mjs (npm test does)');
    app = await startPlainApp({ timeScale: 0.001 });
  });
  afterAll(() => app.stop());

  test('an event id from the ledger: every rule of its bus, the miss, and the near miss (exit 2: no rule matched)', async () => {
    const id = await put(app, 'orderPlaced', { id: 'o-1' });
    const r = await switchyard(app, 'why', id);
    expect(r.err).toBe('');
    expect(r.code).toBe(2);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`Event ${id} (source "shop", detail-type "orderPlaced") on bus shop-bus: 0 of 3 rules match`);
    expect(lines[1]).toBe('  when put, it matched: no rule');
    expect(r.out).toContain([
      '  OrderPlaced: no match',
      '    detail-type is "orderPlaced"; the pattern wants ["OrderPlaced"]',
      '      near miss (case): "orderPlaced" differs from "OrderPlaced" only in case; match any case with {"equals-ignore-case": "OrderPlaced"}',
    ].join('\n'));
    expect(r.out).toMatch(/\n {2}Elsewhere: no match\n {4}detail-type is "orderPlaced"; the pattern wants \["Elsewhere"\]\n/);
    expect(r.out).toMatch(/No rule matches: EventBridge would drop this event\./);
  });

  test('inline JSON, a PutEvents entry: checked and matched as PutEvents would (exit 0)', async () => {
    const entry = JSON.stringify({ Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"id":"o-2"}', EventBusName: 'shop-bus' });
    const r = await switchyard(app, 'why', entry);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^Event [0-9a-f-]{36} \(source "shop", detail-type "OrderPlaced"\) on bus shop-bus: 1 of 3 rules match\n/);
    expect(r.out).toContain('\n  OrderPlaced: matches\n');
    expect(r.out).not.toContain('when put');
    // Without EventBusName the entry goes where PutEvents puts it, the default bus, which says so.
    const defaulted = await switchyard(app, 'why', JSON.stringify({ Source: 'shop', DetailType: 'OrderPlaced', Detail: '{}' }));
    expect(defaulted.code).toBe(2);
    expect(defaulted.out).toContain('on bus default: 0 of 2 rules match\n  The entry has no EventBusName, so PutEvents puts it on the default bus, where no rule matches events. Buses with rules: shop-bus (--bus NAME asks one)\n');
    // An entry PutEvents would refuse: that is why no rule fires.
    const refused = await switchyard(app, 'why', JSON.stringify({ Source: 'aws.s3', DetailType: 'X', Detail: '{}', EventBusName: 'shop-bus' }));
    expect(refused).toMatchObject({ code: 1, err: 'switchyard: [NotAuthorizedForSourceException] PutEvents would refuse this entry, so no rule sees it: Not authorized for the source.\n' });
  });

  test('a file holding an EventBridge event; --bus picks the bus (the app has only one with rules)', async () => {
    const r = await switchyard(app, 'why', EVENT_FILE);
    expect(r.code).toBe(2);
    expect(r.out).toContain('on bus shop-bus: 0 of 3 rules match');
    expect(r.out).toContain('near miss (prefix): "OrderPlacedV2" starts with "OrderPlaced", but a plain value matches the whole string; use {"prefix": "OrderPlaced"}');
    const onDefault = await switchyard(app, 'why', EVENT_FILE, '--bus', 'default');
    expect(onDefault.out).toContain('on bus default: 0 of 2 rules match');
    expect(onDefault.out).toContain('  Tick: no match (a scheduled rule (rate(5 minutes)): it fires on its schedule and matches no event)');
  });

  test('what cannot be explained fails in one line with a code', async () => {
    expect(await switchyard(app, 'why', 'no-such-event')).toMatchObject({ code: 1, err: expect.stringMatching(/^switchyard: \[ResourceNotFoundException\] No event 'no-such-event' in the ledger: .*'switchyard ledger --unmatched'.*\n$/) });
    expect(await switchyard(app, 'why', EVENT_FILE, '--bus', 'nope')).toMatchObject({ code: 1, err: 'switchyard: [ResourceNotFoundException] Event bus nope does not exist. Buses: default, shop-bus\n' });
    expect(await switchyard(app, 'why', '{"source": ')).toMatchObject({ code: 1, err: expect.stringMatching(/^switchyard: \[InvalidArgument\] the inline event is not JSON: /) });
    expect(await switchyard(app, 'why', 'missing/event.json')).toMatchObject({ code: 1, err: expect.stringMatching(/^switchyard: \[InvalidArgument\] no file .*missing\/event\.json\n$/) });
    expect(await switchyard(app, 'why')).toMatchObject({ code: 1, err: expect.stringMatching(/^switchyard: \[InvalidArgument\] why needs an event/) });
  });

  test('the endpoint answers a malformed why request with a 4xx and the reason', async () => {
    const post = async (body: string) => {
      const res = await fetch(`${app.awsEndpoint}/_switchyard/why`, { method: 'POST', body });
      return { status: res.status, body: (await res.json()) as { __type: string; message: string } };
    };
    expect(await post('{')).toMatchObject({ status: 400, body: { __type: 'SerializationException', message: expect.stringMatching(/^The body is not JSON: /) } });
    expect(await post('[]')).toMatchObject({ status: 400, body: { __type: 'SerializationException', message: 'The body must be a JSON object' } });
    expect(await post('{"event": "text"}')).toMatchObject({ status: 400, body: { __type: 'ValidationException', message: expect.stringContaining("Give 'eventId'") } });
    expect(await post('{"eventId": 5}')).toMatchObject({ status: 400, body: { __type: 'ValidationException', message: "'eventId' must be a non-empty string" } });
  });

  test('ledger --unmatched lists the events no rule matched, and only those', async () => {
    const unmatched = await put(app, 'Nobody', { n: 1 });
    const matched = await put(app, 'OrderPlaced', { n: 2 });
    const r = await switchyard(app, 'ledger', '--unmatched');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`\\S+Z  ${unmatched}  bus shop-bus  source "shop"  detail-type "Nobody"\\n`));
    expect(r.out).not.toContain(matched);
    expect(r.out).toMatch(/\n\d+ event\(s\) matched no rule\. Explain one: switchyard why <id>\n$/);
    await app.ledger.whenIdle();
  });
});

test('dev prints an unmatched event with the closest rule and its near miss, and keeps it across a restart', async () => {
  const assembly = synthPlainApp();
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-why-'));
  const run = async (body: (port: string, out: () => string) => Promise<void>) => {
    let text = '';
    const out = new PassThrough().on('data', (c: Buffer) => (text += c.toString()));
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const running = main(['dev', '--console-port', '0', '--assembly', assembly, '--http-port', '0', '--aws-port', '0', '--no-watch'], { out, err: out, cwd, until });
    while (!/Ready\./.test(text)) await new Promise((r) => setTimeout(r, 20));
    await body(/AWS endpoint +http:\/\/127\.0\.0\.1:(\d+)/.exec(text)![1], () => text);
    stop();
    expect(await running).toBe(0);
  };
  let id = '';
  await run(async (port, out) => {
    const eb = new EventBridgeClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const r = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'transform', Detail: '{}' }] }));
    // Without EventBusName: the default bus, whose rules are schedules only.
    const stray = await eb.send(new PutEventsCommand({ Entries: [{ Source: 'shop', DetailType: 'OrderPlaced', Detail: '{}' }] }));
    eb.destroy();
    id = r.Entries![0].EventId!;
    const strayId = stray.Entries![0].EventId!;
    while (!out().includes(`event ${strayId} `)) await new Promise((r) => setTimeout(r, 20));
    expect(out()).toContain(`event ${strayId} (source "shop", detail-type "OrderPlaced") on bus default matched no rule (no rule on this bus matches events; buses with rules: shop-bus). 'switchyard why ${strayId}' explains every rule\n`);
    const line = `event ${id} (source "shop", detail-type "transform") on bus shop-bus matched no rule; closest: Transformed, detail-type is "transform"; the pattern wants ["Transform"] ("transform" differs from "Transform" only in case; match any case with {"equals-ignore-case": "Transform"}). 'switchyard why ${id}' explains every rule\n`;
    while (!out().includes(`event ${id} `)) await new Promise((r) => setTimeout(r, 20));
    expect(out()).toContain(line);
  });
  await run(async (port, out) => {
    expect(out()).toMatch(/Restored from \S+: [^\n]*2 events that matched no rule\./);
    let text = '';
    const o = new PassThrough().on('data', (c: Buffer) => (text += c.toString()));
    expect(await main(['ledger', '--unmatched', '--aws-port', port], { out: o, err: o, cwd })).toBe(0);
    expect(text).toContain(`  ${id}  bus shop-bus  source "shop"  detail-type "transform"\n`);
    expect(text).toContain('\n2 event(s) matched no rule.');
  });
});
