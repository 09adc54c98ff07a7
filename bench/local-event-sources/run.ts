/**
 * Event source mappings' throughput on this machine, each against the floor of the same local
 * endpoint in the same run (no SQS or DynamoDB Streams peer installs from npm without a JVM or
 * Docker: ElasticMQ and DynamoDB Local are Java programs downloaded outside npm):
 *
 * - SQS: N messages sent by C SDK clients (SendMessageBatch of 10) to a queue an SqsEventSource
 *   polls (batch 10, default concurrency), until every message was passed to the function and
 *   deleted; against the raw floor: the same sends while C SDK consumers receive (10 at a time,
 *   long polling) and delete (DeleteMessageBatch) from a queue nothing polls.
 * - Streams: N items written by C SDK clients (BatchWriteItem of 25) to a table whose
 *   NEW_AND_OLD_IMAGES stream a DynamoEventSource reads (batch 100), until every record was
 *   passed to the function; against the floor: the same writes to a table without a stream.
 *
 * Everything runs in this one process (clients, endpoint, dynalite); the function instances are
 * processes of their own. Prints messages or records per second and the ratios to the floors.
 *
 *   npx tsx bench/local-event-sources/run.ts [--messages 20000] [--records 20000] [--clients 8] [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LocalApp } from '../../lib/local';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '20000' }, records: { type: 'string', default: '20000' }, clients: { type: 'string', default: '8' }, runs: { type: 'string', default: '3' } } });
const MESSAGES = Number(values.messages);
const RECORDS = Number(values.records);
const CLIENTS = Number(values.clients);
const RUNS = Number(values.runs);

/** Synthesizes the app once into bench/.out. */
function assembly(): string {
  const out = path.resolve(__dirname, '..', '.out', 'event-sources');
  fs.rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, 'app.ts'), out], { stdio: 'inherit' });
  return out;
}

/** Runs `work(i)` for i in [0, n) on `clients` concurrent lanes. */
async function lanes(n: number, clients: number, work: (i: number, lane: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: clients }, async (_, lane) => {
    for (let i = next++; i < n; i = next++) await work(i, lane);
  }));
}

/** Resolves once the mappings' batches from `sourceArn` have passed `n` records to the function. */
function recordsDelivered(app: LocalApp, sourceArn: string, n: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const on = (d: { sourceArn?: string; state: string; batch?: { records: readonly string[] } }, changed: readonly string[]) => {
      if (d.sourceArn !== sourceArn || !changed.includes('state') || d.state !== 'delivered') return;
      seen += d.batch?.records.length ?? 0;
      if (seen >= n) {
        app.ledger.off('change', on);
        resolve();
      }
    };
    app.ledger.on('change', on);
  });
}

async function sendAll(clients: SQSClient[], queueUrl: string, n: number): Promise<void> {
  await lanes(Math.ceil(n / 10), clients.length, async (b, lane) => {
    const entries = Array.from({ length: Math.min(10, n - b * 10) }, (_, j) => ({ Id: String(j), MessageBody: JSON.stringify({ n: b * 10 + j }) }));
    await clients[lane].send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  });
}

async function sqsMapping(app: LocalApp, clients: SQSClient[]): Promise<number> {
  const queue = app.queues.get('polled');
  const started = performance.now();
  const done = recordsDelivered(app, queue.model.arn, MESSAGES);
  await sendAll(clients, queue.url, MESSAGES);
  await done;
  return MESSAGES / ((performance.now() - started) / 1000);
}

async function sqsRaw(app: LocalApp, clients: SQSClient[]): Promise<number> {
  const queue = app.queues.get('raw');
  const started = performance.now();
  let deleted = 0;
  const consumers = clients.map(async (c) => {
    while (deleted < MESSAGES) {
      const got = await c.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      if (!got.Messages?.length) continue;
      await c.send(new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries: got.Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
      deleted += got.Messages.length;
    }
  });
  await sendAll(clients, queue.url, MESSAGES);
  await Promise.all(consumers);
  return MESSAGES / ((performance.now() - started) / 1000);
}

async function writeAll(clients: DynamoDBClient[], table: string, n: number, run: number): Promise<void> {
  await lanes(Math.ceil(n / 25), clients.length, async (b, lane) => {
    const items = Array.from({ length: Math.min(25, n - b * 25) }, (_, j) => ({ PutRequest: { Item: { pk: { S: `r${run}-${b * 25 + j}` }, v: { N: String(j) } } } }));
    await clients[lane].send(new BatchWriteItemCommand({ RequestItems: { [table]: items } }));
  });
}

async function stream(app: LocalApp, clients: DynamoDBClient[], run: number): Promise<number> {
  const table = app.model.tables.find((t) => t.name === 'streamed')!;
  const started = performance.now();
  const done = recordsDelivered(app, table.stream!.arn, RECORDS);
  await writeAll(clients, table.name, RECORDS, run);
  await done;
  return RECORDS / ((performance.now() - started) / 1000);
}

async function plainWrites(clients: DynamoDBClient[], run: number): Promise<number> {
  const started = performance.now();
  await writeAll(clients, 'plain', RECORDS, run);
  return RECORDS / ((performance.now() - started) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const app = await LocalApp.start(assembly(), { httpPort: 0, awsPort: 0, schedules: false });
  const config = { endpoint: app.awsEndpoint, region: app.model.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const sqsClients = Array.from({ length: CLIENTS }, () => new SQSClient(config));
  const dynamoClients = Array.from({ length: CLIENTS }, () => new DynamoDBClient(config));
  const results = { mapping: [] as number[], raw: [] as number[], stream: [] as number[], plain: [] as number[] };
  try {
    for (let run = 0; run < RUNS; run++) {
      results.raw.push(await sqsRaw(app, sqsClients));
      results.mapping.push(await sqsMapping(app, sqsClients));
      results.plain.push(await plainWrites(dynamoClients, run));
      results.stream.push(await stream(app, dynamoClients, run));
      console.error(`run ${run + 1}/${RUNS}: ${results.mapping[run].toFixed(0)} msg/s mapping, ${results.raw[run].toFixed(0)} raw; ${results.stream[run].toFixed(0)} rec/s stream, ${results.plain[run].toFixed(0)} plain writes`);
    }
  } finally {
    for (const c of [...sqsClients, ...dynamoClients]) c.destroy();
    await app.stop();
  }
  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<keyof typeof results, number>;
  console.log(`\n${RUNS} runs, medians; ${CLIENTS} SDK clients; ${MESSAGES} messages, ${RECORDS} records per run\n`);
  console.log('| path | per second | ratio to its floor |');
  console.log('| --- | --- | --- |');
  console.log(`| SQS raw: SendMessageBatch + ReceiveMessage + DeleteMessageBatch (floor) | ${m.raw.toFixed(0)} messages | 1.00x |`);
  console.log(`| SQS through an SqsEventSource (batch 10) | ${m.mapping.toFixed(0)} messages | ${(m.mapping / m.raw).toFixed(2)}x |`);
  console.log(`| DynamoDB BatchWriteItem, no stream (floor) | ${m.plain.toFixed(0)} items | 1.00x |`);
  console.log(`| DynamoDB BatchWriteItem through a DynamoEventSource (batch 100) | ${m.stream.toFixed(0)} records | ${(m.stream / m.plain).toFixed(2)}x |`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
