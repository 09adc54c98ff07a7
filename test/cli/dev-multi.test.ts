/**
 * `switchyard dev --assembly A --assembly B`: two apps synthesized apart run as one, end to end
 * through the CLI and the real SDK: the producer's forwarding rule reaches the consumer's bus in
 * another account and region, and `switchyard failover` moves a global endpoint's PutEvents
 * (SigV4a-signed, with `EndpointId`) from the primary region's bus to the secondary's.
 */
import '@aws-sdk/signature-v4a';
import * as os from 'node:os';
import { PassThrough } from 'node:stream';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { main } from '../../lib/cli/main';
import { readAppModel } from '../../lib/model';
import { synthMultiApp } from '../local/helpers';
import { runDev } from './dev-run';

jest.setTimeout(240_000);

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Runs the CLI to its end; its exit code and what it wrote. */
async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (c: Buffer) => (out += c.toString()));
  const code = await main(argv, { out: sink, err: sink, cwd: os.tmpdir() });
  return { code, out };
}

test('two assemblies run as one app; failover moves a global endpoint to the secondary bus and back', async () => {
  const [producer, consumer] = [synthMultiApp('producer'), synthMultiApp('consumer')];
  const { model } = readAppModel([producer, consumer]);
  const endpointId = model.globalEndpoints![0].endpointId;
  /** A queue's path on the endpoint (`<account>/<name>`), by the id it was declared with. */
  const queue = (id: string) => {
    const q = model.queues.find((x) => x.logicalId.startsWith(id))!;
    return `${q.arn.split(':')[4]}/${q.name}`;
  };
  const dev = runDev(['dev', '--assembly', producer, '--assembly', consumer, '--http-port', '0', '--aws-port', '0', '--no-watch'], 'sy-dev-multi-');
  const { waitFor } = dev;
  try {
    await waitFor(/Ready\./);
    const text = dev.text();
    expect(text).toMatch(new RegExp(`\\norders-global +${endpointId.replace('.', '\\.')} +primary arn:aws:events:us-east-1:111111111111:event-bus/orders +arn:aws:events:us-west-2:111111111111:event-bus/orders\\n`));
    const endpoint = /AWS endpoint +(http:\/\/127\.0\.0\.1:\d+)/.exec(text)![1];
    const port = new URL(endpoint).port;
    const events = new EventBridgeClient({ endpoint, region: 'us-east-1', credentials });
    const sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials });
    const ids = async (queuePath: string) => {
      const url = `${endpoint}/${queuePath}`;
      const got: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
        got.push(...Messages.map((m) => JSON.parse(m.Body!)).map((b) => (b.event ?? b).id));
      }
      return got;
    };
    const put = async (orderId: string) => {
      const r = await events.send(new PutEventsCommand({ EndpointId: endpointId, Entries: [{ EventBusName: 'orders', Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId }) }] }));
      expect(r.FailedEntryCount).toBe(0);
      return r.Entries![0].EventId!;
    };

    // Primary healthy: the primary's rules (and its forward to billing, in the other assembly) see it, and it is replicated.
    const first = await put('o-1');
    expect(await ids(queue('PrimarySeen'))).toEqual([first]);
    expect(await ids(queue('StandbySeen'))).toEqual([first]);
    expect(await ids(queue('Seen'))).toEqual([first]);

    expect(await cli(['failover', 'orders-global', '--aws-port', port])).toEqual({ code: 0, out: "orders-global (" + endpointId + ") sends to its secondary region's bus arn:aws:events:us-west-2:111111111111:event-bus/orders\n" });
    await waitFor(/endpoint orders-global now sends to its secondary region's bus/);
    const second = await put('o-2');
    expect(await ids(queue('StandbySeen'))).toEqual([second]);
    expect(await ids(queue('PrimarySeen'))).toEqual([]);
    expect(await ids(queue('Seen'))).toEqual([]);

    expect((await cli(['failover', endpointId, '--to', 'primary', '--aws-port', port])).code).toBe(0);
    const third = await put('o-3');
    expect(await ids(queue('PrimarySeen'))).toEqual([third]);

    expect(await cli(['failover', 'no-such-endpoint', '--aws-port', port])).toEqual({ code: 1, out: 'switchyard: [ResourceNotFoundException] Endpoint no-such-endpoint does not exist. Endpoints of the app: orders-global\n' });
    const unknownId = await events.send(new PutEventsCommand({ EndpointId: 'abcdefghij.xyz', Entries: [{ Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: '{}' }] })).catch((e: Error) => e);
    expect(unknownId).toMatchObject({ name: 'ResourceNotFoundException' });
  } finally {
    expect(await dev.stop()).toBe(0);
  }
});

test('the same stack in two assemblies is refused, naming both', async () => {
  const producer = synthMultiApp('producer');
  const all = synthMultiApp('all');
  const r = await cli(['dev', '--assembly', producer, '--assembly', all, '--http-port', '0', '--aws-port', '0', '--no-watch']);
  expect(r.code).toBe(1);
  expect(r.out).toContain(`switchyard: [InvalidCloudAssembly] Stack 'Orders' is in two assemblies, ${producer} and ${all}: stacks run together by one 'dev' need distinct ids.`);
});
