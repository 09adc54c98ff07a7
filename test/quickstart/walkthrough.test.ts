/**
 * The README's walkthrough ("Running the app on this machine"), run as a new user runs it on a
 * fresh clone: in a copy of exactly the files git tracks (no `.switchyard/`, no `cdk.out`, no
 * local secrets), set up as `npm ci` sets it up, `npm start` in one process and then each
 * command of the README's code block, read from the README, through bash, in order.
 *
 * What the test adds to the README's commands, only through documented flags and variables:
 * `npm start -- --http-port 0 --aws-port 0 --console-port 0 --time-scale 0.01` (free ports; Lambda's retry
 * delays a hundredfold shorter) and `SWITCHYARD_AWS_PORT` for the other commands. `<orderId>`
 * is the id the POST answered, as the reader copies it. Each command has a check below; a
 * command added to the README without one fails the test.
 */
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanCopy, cleanEnv, type CleanCopy } from './support/clean-copy';
import { shellCommands, withoutComment } from './support/readme';

const repo = path.join(__dirname, '..', '..');
const commands = shellCommands(fs.readFileSync(path.join(repo, 'README.md'), 'utf8'), 'A walk through the example');
const DEV_FLAGS = '-- --http-port 0 --aws-port 0 --console-port 0 --time-scale 0.01';

let copy: CleanCopy;
let dev: ChildProcess | undefined;
let devOutput = '';
/** What the walkthrough learned so far: the shell variables it set, the order, the event. */
const state: { vars: Record<string, string>; awsPort?: string; apiUrl?: string; orderId?: string; eventId?: string } = { vars: {} };

beforeAll(async () => {
  copy = await cleanCopy(repo);
}, 300_000);

afterAll(async () => {
  await stopDev();
  copy?.remove();
}, 60_000);

test('the copy holds only what git tracks: no local state, no synthesized app, no local secrets', () => {
  expect(fs.existsSync(path.join(copy.dir, '.switchyard'))).toBe(false);
  expect(fs.existsSync(path.join(copy.dir, 'cdk.out'))).toBe(false);
  expect(fs.existsSync(path.join(copy.dir, 'dev-secrets.json'))).toBe(true);
  expect(commands[0]).toMatch(/^npm start\b/);
});

test.each(commands.map((c) => [c]))('%s', async (command) => {
  const cmd = withoutComment(command).replaceAll('<orderId>', state.orderId ?? '<orderId>');
  const check = CHECKS.find(([pattern]) => pattern.test(cmd));
  if (!check) throw new Error(`The README's walkthrough has a command this test does not check: ${command}`);
  await check[1](cmd);
}, 300_000);

type Check = [RegExp, (cmd: string) => Promise<void>];

const CHECKS: Check[] = [
  [/^npm start$/, startDev],
  [
    /^TOKEN=/,
    async (cmd) => {
      expect(await assign('TOKEN', cmd)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    },
  ],
  [
    /^API=/,
    async (cmd) => {
      // The ApiUrl output, as dev printed it under Outputs.
      expect(await assign('API', cmd)).toBe(state.apiUrl);
    },
  ],
  [
    /^curl -si -X POST \$API\/orders .* -d '\{"customerId"/,
    async (cmd) => {
      const res = await curl(cmd);
      expect([res.status, res.json]).toEqual([201, expect.objectContaining({ status: 'placed', total: 7, orderId: expect.any(String) })]);
      state.orderId = (res.json as { orderId: string }).orderId;
    },
  ],
  [
    /^curl -si \$API\/orders\/[0-9a-f-]{36} /,
    async (cmd) => {
      // "A moment later": run again, as the reader would, until the subscribers have run.
      const res = await until(() => curl(cmd), (r) => r.status === 200 && (r.json as { status?: string }).status === 'ready-to-ship');
      expect(res.json).toMatchObject({ orderId: state.orderId, status: 'ready-to-ship', shipmentId: expect.stringMatching(/^shp_/) });
    },
  ],
  [
    /^curl -si -X POST \$API\/orders .* -d '\{bad'$/,
    async (cmd) => {
      const res = await curl(cmd);
      expect([res.status, res.json]).toEqual([400, expect.objectContaining({ message: 'Malformed JSON in request body', issues: expect.any(Array) })]);
    },
  ],
  [
    /^npx switchyard put-events /,
    async (cmd) => {
      const r = await sh(cmd);
      expect([r.code, r.stderr]).toEqual([0, '']);
      const out = JSON.parse(r.stdout) as { FailedEntryCount: number; Entries: Array<{ EventId: string }> };
      expect(out.FailedEntryCount).toBe(0);
      state.eventId = out.Entries[0].EventId;
    },
  ],
  [
    /^npx switchyard ledger --state dead-lettered$/,
    async (cmd) => {
      type Delivery = { eventId: string; kind: string; targetArn: string; deadLetterArn: string; attempts: number; lastError?: { errorMessage: string }; outcome?: string };
      const deliveries = (r: { stdout: string }) => (JSON.parse(r.stdout) as { deliveries: Delivery[] }).deliveries;
      const rejected = (r: { stdout: string }) => deliveries(r).filter((d) => d.eventId === state.eventId).sort((a, b) => a.targetArn.localeCompare(b.targetArn));
      // The walkthrough's one message a queue's redrive policy moves: the invalid event's, which ReserveStock fails.
      const redriven = (r: { stdout: string }) => deliveries(r).filter((d) => d.kind === 'redrive');
      const r = await until(() => sh(cmd), (x) => x.code === 0 && rejected(x).length === 2 && redriven(x).length === 1, 60);
      // NotifyCustomer, and billing's BillOrder (the event forwarded to billing's bus), rejected it:
      // Lambda retried each twice, then each subscription's DLQ.
      const byLambda = expect.objectContaining({ kind: 'rule', attempts: 3, lastError: expect.objectContaining({ errorMessage: expect.stringMatching(/Invalid/) }) });
      expect(rejected(r)).toEqual([byLambda, byLambda]);
      expect(rejected(r).map((d) => d.targetArn)).toEqual([expect.stringMatching(/:function:SwitchyardBilling-/), expect.stringMatching(/:function:SwitchyardShop-/)]);
      // ReserveStock reported its message failed each time: after 5 receives, SQS moved it to the queue's DLQ.
      const [moved] = redriven(r);
      expect(moved.outcome).toMatch(/^received 5 times without being deleted: moved to StockReservations\/DeadLetters$/);
      expect(rejected(r).map((d) => d.deadLetterArn)).not.toContain(moved.deadLetterArn);
      // That message is the invalid event, as EventBridge sent it.
      const sqs = new SQSClient({ endpoint: `http://127.0.0.1:${state.awsPort}`, region: moved.deadLetterArn.split(':')[3], credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      try {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: moved.deadLetterArn.split(':')[5] }));
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        expect(Messages.map((m) => [m.MessageId, JSON.parse(m.Body!).id])).toEqual([[moved.eventId, state.eventId]]);
      } finally {
        sqs.destroy();
      }
    },
  ],
  [
    /^npx switchyard trigger Nightly$/,
    async (cmd) => {
      const r = await sh(cmd);
      expect(r).toEqual({ code: 0, stdout: expect.stringMatching(/^fired event [0-9a-f-]{36}\n {2}NightlyReport: ran without error\n$/), stderr: '' });
    },
  ],
];

/** `npm start` with free ports; resolves when dev is ready, with the ports it printed. */
async function startDev(cmd: string): Promise<void> {
  dev = spawn('bash', ['-c', `${cmd} ${DEV_FLAGS}`], { cwd: copy.dir, env: cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  dev.stdout!.on('data', (c: Buffer) => (devOutput += c.toString()));
  dev.stderr!.on('data', (c: Buffer) => (devOutput += c.toString()));
  const exited = new Promise<number | null>((resolve) => dev!.once('exit', resolve));
  const ready = until(async () => devOutput, (text) => /\nReady\./.test(text), 600, 500);
  const code = await Promise.race([ready.then(() => undefined), exited]);
  if (code !== undefined) throw new Error(`npm start exited with ${code}:\n${devOutput}`);
  state.awsPort = /AWS endpoint +http:\/\/127\.0\.0\.1:(\d+)/.exec(devOutput)?.[1];
  state.apiUrl = /SwitchyardShop\.ApiUrl = (\S+)/.exec(devOutput)?.[1];
  expect(state).toMatchObject({ awsPort: expect.stringMatching(/^\d+$/), apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
  // Nothing about the Node.js version is an error, and nothing failed while starting.
  expect(devOutput).not.toMatch(/ ERROR /);
}

async function stopDev(): Promise<void> {
  if (!dev || dev.exitCode !== null) return;
  const exited = new Promise((resolve) => dev!.once('exit', resolve));
  process.kill(-dev.pid!, 'SIGINT');
  const timer = setTimeout(() => process.kill(-dev!.pid!, 'SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Runs one command as the reader's shell would, with what earlier commands set. */
function sh(cmd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = cleanEnv({ ...state.vars, SWITCHYARD_AWS_PORT: state.awsPort ?? '' });
  return new Promise((resolve) => {
    execFile('bash', ['-o', 'pipefail', '-c', cmd], { cwd: copy.dir, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** `VAR=$(...)`: runs it and keeps the value for the commands that follow. */
async function assign(name: string, cmd: string): Promise<string> {
  const r = await sh(`set -e; ${cmd}; printf '%s' "$${name}"`);
  expect([r.code, r.stderr]).toEqual([0, '']);
  state.vars[name] = r.stdout;
  return r.stdout;
}

/** A `curl -si` command: status and JSON body. */
async function curl(cmd: string): Promise<{ status: number; json: unknown }> {
  const r = await sh(cmd);
  expect(r.code).toBe(0);
  const [head, body] = r.stdout.split(/\r\n\r\n/, 2);
  return { status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head)?.[1]), json: JSON.parse(body) };
}

/** Re-runs `attempt` until `done` holds, at most `tries` times; the last result otherwise (the check then fails on it). */
async function until<T>(attempt: () => Promise<T>, done: (t: T) => boolean, tries = 20, pauseMs = 250): Promise<T> {
  let last = await attempt();
  for (let i = 1; i < tries && !done(last); i++) {
    await new Promise((r) => setTimeout(r, pauseMs));
    last = await attempt();
  }
  return last;
}
