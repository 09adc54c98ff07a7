/**
 * Event delivery throughput: PutEvents (the real @aws-sdk/client-eventbridge, batches of 10)
 * -> 100 rules with content patterns -> Lambda targets, until the ledger says every delivery
 * ended. Prints events/s put and deliveries/s completed, and checks none was lost.
 *
 *   npx tsx bench/local-events/run.ts [--events 20000] [--in-flight 10]
 */
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LocalApp } from '../../lib/local';
import { RULES, batchAt, deliveriesOf, writeEventsAssembly } from './app';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '20000' }, 'in-flight': { type: 'string', default: '10' } } });
  const total = Number(values.events);
  const inFlight = Number(values['in-flight']);
  const assembly = writeEventsAssembly('local-events');
  const app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, schedules: false });
  const eb = new EventBridgeClient({ endpoint: app.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const put = (count: number) => putAll(eb, count, inFlight);
    // Warm-up: let every function scale to the instances this load needs, so that cold starts
    // (one worker thread each) do not dominate the measured run.
    await put(Math.min(total, 5000));
    await app.ledger.whenIdle();
    const warm = app.ledger.counts().delivered;
    const started = performance.now();
    const failed = await put(total);
    const putDone = performance.now();
    await app.ledger.whenIdle();
    const done = performance.now();
    const c = app.ledger.counts();
    const deliveries = c.delivered + c['dead-lettered'] + c.dropped - warm;
    const instances = app.model.functions.reduce((n, f) => n + app.host.instanceCount(f.name), 0);
    console.log(`events put:        ${total} in ${((putDone - started) / 1000).toFixed(2)} s = ${(total / ((putDone - started) / 1000)).toFixed(0)} events/s (failed entries: ${failed})`);
    console.log(`deliveries ended:  ${deliveries} (${c['dead-lettered']} dead-lettered, ${c.dropped} dropped) in ${((done - started) / 1000).toFixed(2)} s = ${(deliveries / ((done - started) / 1000)).toFixed(0)} deliveries/s through ${RULES} rules, ${instances} warm instances`);
    const expected = deliveriesOf(total);
    if (deliveries !== expected) console.log(`MISMATCH: expected ${expected} deliveries`);
  } finally {
    eb.destroy();
    await app.stop();
  }
}

/** Puts `total` events in batches of 10 with `inFlight` requests at a time; returns failed entries. */
async function putAll(eb: EventBridgeClient, total: number, inFlight: number): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < total) {
      const base = next;
      next += 10;
      failed += (await eb.send(new PutEventsCommand({ Entries: batchAt(base, total) }))).FailedEntryCount ?? 0;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return failed;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
