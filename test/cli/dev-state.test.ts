/**
 * `switchyard dev` in a process of its own, killed with SIGKILL while a delivery is in flight:
 * the next start says which deliveries were in flight and delivers them again; a stop says what
 * it kept; --fresh starts empty. Real processes, the real EventBridge client, the admin API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DeliveryRecord } from '../../lib/local';
import { synthPlainApp } from '../local/helpers';

const CLI = path.join(__dirname, 'fixtures', 'switchyard.ts');
/** tsx's loader by URL: `--import tsx` would look for tsx in the project folder the process runs in. */
const TSX = pathToFileURL(require.resolve('tsx')).href;
const STATE = path.join('.switchyard', 'state', 'PlainStack-000000000000-us-east-1');

/** A running `switchyard dev`, its output so far, and a wait for a line of it. */
interface Dev {
  readonly child: ChildProcess;
  readonly endpoint: string;
  output(): string;
  exited(): Promise<number | null>;
}

const running: ChildProcess[] = [];
let project: string;

beforeEach(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-dev-state-'));
});

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  fs.rmSync(project, { recursive: true, force: true });
});

async function startDev(...flags: string[]): Promise<Dev> {
  const child = spawn(process.execPath, ['--import', TSX, CLI, 'dev', '--assembly', synthPlainApp(), '--http-port', '0', '--aws-port', '0', '--no-watch', ...flags], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const check = () => (/Ready\./.test(text) ? resolve() : undefined);
    child.stdout!.on('data', check);
    void exit.then(() => reject(new Error(`dev exited before it was ready:\n${text}`)));
  });
  const endpoint = /AWS endpoint +(http:\/\/127\.0\.0\.1:\d+)/.exec(text)![1];
  return { child, endpoint, output: () => text, exited: () => exit };
}

/** The ledger through the admin API, until `done` holds for it (polled: the process is another one). */
async function ledgerUntil(dev: Dev, done: (deliveries: DeliveryRecord[]) => boolean): Promise<DeliveryRecord[]> {
  for (;;) {
    const page = (await (await fetch(`${dev.endpoint}/_switchyard/ledger`)).json()) as { deliveries: DeliveryRecord[] };
    if (done(page.deliveries)) return page.deliveries;
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a dev killed mid-delivery: the next start lists the delivery that was in flight and delivers it again', async () => {
  const first = await startDev();
  expect(first.output()).toContain(`State: nothing kept yet; kept across restarts in ${STATE}.`);
  const eb = new EventBridgeClient({ endpoint: first.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
  // ConsumerFn holds this event for 2.5 s (its timeout is 3 s).
  const put = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: 'shop-bus', Source: 'shop', DetailType: 'OrderPlaced', Detail: '{"holdMs":2500}' }] }));
  eb.destroy();
  const eventId = put.Entries![0].EventId!;
  const [inFlight] = await ledgerUntil(first, ([d]) => d?.inFlightSince !== undefined);
  expect(inFlight).toMatchObject({ eventId, state: 'pending', attempts: 1 });
  first.child.kill('SIGKILL');
  await first.exited();

  const second = await startDev();
  const started = new Date(inFlight.inFlightSince!).toISOString().slice(11, 23);
  expect(second.output()).toContain(`Restored from ${STATE}: 1 delivery that was in flight.`);
  expect(second.output()).toContain(
    'The last dev did not stop (killed or crashed) with 1 delivery in flight; delivering again, as EventBridge and Lambda deliver at least once (a handler may see an event twice):\n' +
      `  ${inFlight.id} event ${eventId} -> ConsumerFn: attempt 1, started ${started}\n`,
  );
  const [delivered] = await ledgerUntil(second, ([d]) => d?.state === 'delivered');
  expect(delivered).toMatchObject({ id: inFlight.id, eventId, attempts: 1, interruptions: 1 });
  second.child.kill('SIGTERM');
  expect(await second.exited()).toBe(0);
  expect(second.output()).toContain(`Kept for next start: the ledger's 1 ended delivery in ${STATE} (--fresh starts empty).`);

  const third = await startDev('--fresh');
  expect(third.output()).toContain(`State: started empty (--fresh); kept across restarts in ${STATE}.`);
  expect(await ledgerUntil(third, () => true)).toEqual([]);
  third.child.kill('SIGTERM');
  expect(await third.exited()).toBe(0);
  expect(third.output()).toContain(`Kept for next start: nothing in ${STATE} (--fresh starts empty).`);
});
