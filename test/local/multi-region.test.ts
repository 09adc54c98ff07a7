/**
 * Several stacks in two regions and two accounts under one local app, end to end with the real
 * SDK clients: each client reaches the bus of its own region, a rule forwards OrderPlaced to the
 * other account's bus (through its rules, the same event), SSM answers with the local URLs, and a
 * failed hand-over ends in the rule target's DLQ.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { LocalApp } from '../../lib/local';
import { BILLING_BUS_ARN } from './fixtures/multi-app';
import { synthMultiApp } from './helpers';

jest.setTimeout(180_000);

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('stacks of two regions and accounts in one app', () => {
  let app: LocalApp;
  beforeAll(async () => {
    // Under enforce: a forward the target bus's policy does not admit fails, as in AWS.
    app = await LocalApp.start(synthMultiApp('all'), { httpPort: 0, awsPort: 0, schedules: false, timeScale: 0.001, iam: 'enforce' });
  });
  afterAll(() => app?.stop());

  const events = (region: string) => new EventBridgeClient({ endpoint: app.awsEndpoint, region, credentials });
  const queueUrl = (logicalIdPrefix: string) => {
    const queue = app.queues.list().find((q) => q.model.logicalId.startsWith(logicalIdPrefix));
    if (!queue) throw new Error(`no queue ${logicalIdPrefix}`);
    return queue.url;
  };
  /** The bodies on a queue, waiting for at least `count`. */
  async function drain(logicalIdPrefix: string, count = 1): Promise<any[]> {
    const client = new SQSClient({ endpoint: app.awsEndpoint, region: 'us-east-1', credentials });
    const bodies: any[] = [];
    for (let i = 0; i < 20 && bodies.length < count; i++) {
      const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl(logicalIdPrefix), WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
      bodies.push(...Messages.map((m) => JSON.parse(m.Body!)));
    }
    return bodies;
  }

  it('names each stack\'s resources in its own account and region', () => {
    const arnOf = (name: string) => app.model.eventBuses.filter((b) => b.name === name).map((b) => b.arn).sort();
    expect(arnOf('orders')).toEqual(['arn:aws:events:us-east-1:111111111111:event-bus/orders', 'arn:aws:events:us-west-2:111111111111:event-bus/orders']);
    expect(arnOf('billing')).toEqual([BILLING_BUS_ARN]);
    const subscriber = app.model.functions.find((f) => f.logicalId.startsWith('Subscriber'))!;
    expect(subscriber.arn).toMatch(/^arn:aws:lambda:us-west-2:222222222222:function:/);
  });

  it('a client of each region reaches the bus of that name in its region', async () => {
    const put = (region: string, orderId: string) => events(region).send(new PutEventsCommand({ Entries: [{ EventBusName: 'orders', Source: 'shop.test', DetailType: 'Probe', Detail: JSON.stringify({ orderId }) }] }));
    const east = await put('us-east-1', 'east-1');
    const west = await put('us-west-2', 'west-1');
    expect([east.FailedEntryCount, west.FailedEntryCount]).toEqual([0, 0]);
    const [primary] = await drain('PrimarySeen');
    const [standby] = await drain('StandbySeen');
    expect(primary).toMatchObject({ id: east.Entries![0].EventId, region: 'us-east-1', account: '111111111111', detail: { orderId: 'east-1' } });
    expect(standby).toMatchObject({ id: west.Entries![0].EventId, region: 'us-west-2', account: '111111111111', detail: { orderId: 'west-1' } });
  });

  it('a bus name that is not in the client\'s region is not found there', async () => {
    const out = await events('us-east-1').send(new PutEventsCommand({ Entries: [{ EventBusName: 'billing', Source: 'shop.test', DetailType: 'Probe', Detail: '{}' }] }));
    expect(out.Entries![0]).toMatchObject({ ErrorCode: 'ResourceNotFoundException' });
    const byArn = await events('us-east-1').send(new PutEventsCommand({ Entries: [{ EventBusName: BILLING_BUS_ARN, Source: 'shop.test', DetailType: 'Probe', Detail: '{}' }] }));
    expect(byArn.FailedEntryCount).toBe(0);
  });

  it('forwards a matched event to the other account\'s bus, through its rules, as the same event', async () => {
    const out = await events('us-east-1').send(new PutEventsCommand({ Entries: [{ EventBusName: 'orders', Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId: 'o-1' }) }] }));
    const id = out.Entries![0].EventId!;
    const [billed] = await drain('Seen');
    expect(billed.region).toBe('us-west-2');
    expect(billed.event).toMatchObject({ id, source: 'shop.orders', 'detail-type': 'OrderPlaced', account: '111111111111', region: 'us-east-1', detail: { orderId: 'o-1' } });
    const forward = app.ledger.list({ eventId: id }).find((d) => d.targetArn === BILLING_BUS_ARN);
    expect(forward).toMatchObject({ state: 'delivered', kind: 'rule' });
    // And the billing rule's delivery of the same event to its function (delivered once the handler has returned).
    const toFunction = () => app.ledger.list({ eventId: id }).find((d) => /:function:/.test(d.targetArn));
    for (let i = 0; i < 100 && toFunction()?.state !== 'delivered'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(toFunction()).toMatchObject({ state: 'delivered', targetArn: expect.stringMatching(/^arn:aws:lambda:us-west-2:222222222222:/) });
  });

  it('a billing failure ends in billing\'s DLQ, after the forward was delivered', async () => {
    const out = await events('us-east-1').send(new PutEventsCommand({ Entries: [{ EventBusName: 'orders', Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId: 'o-2', fail: true }) }] }));
    const [record] = await drain('Dlq');
    expect(record.requestPayload).toMatchObject({ id: out.Entries![0].EventId, detail: { orderId: 'o-2' } });
    expect(record.responsePayload.errorMessage).toBe('billing cannot bill order o-2');
  });

  const roleOf = (rulePrefix: string) => app.model.rules.find((r) => r.logicalId.startsWith(rulePrefix))!.targets[0].roleArn!;

  it('a forward the other account\'s bus policy does not admit fails into the rule target\'s DLQ', async () => {
    const out = await events('us-east-1').send(new PutEventsCommand({ Entries: [{ EventBusName: 'orders', Source: 'shop.refunds', DetailType: 'RefundIssued', Detail: '{"orderId":"o-9"}' }] }));
    const id = out.Entries![0].EventId!;
    const sqs = new SQSClient({ endpoint: app.awsEndpoint, region: 'us-east-1', credentials });
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl('ForwardDlq'), WaitTimeSeconds: 10, MessageAttributeNames: ['All'] }));
    expect(JSON.parse(Messages[0].Body!)).toMatchObject({ id, source: 'shop.refunds' });
    expect(Messages[0].MessageAttributes).toMatchObject({
      ERROR_CODE: { StringValue: 'NO_PERMISSIONS' },
      // The target's role (CDK gives a cross-account bus target one) is the sender the policy had to name.
      ERROR_MESSAGE: { StringValue: `${roleOf('RefundsToBilling')} is not authorized to perform: events:PutEvents on resource: ${BILLING_BUS_ARN} because no resource-based policy allows the events:PutEvents action` },
    });
    expect(app.iam.gaps).toEqual([expect.objectContaining({ functionName: expect.stringMatching(/^rule RefundsToBilling/), action: 'events:PutEvents', resource: BILLING_BUS_ARN, mode: 'enforce' })]);
  });

  it('SSM answers with the local values of the other stack\'s resources', async () => {
    const ssm = new SSMClient({ endpoint: app.awsEndpoint, region: 'us-west-2', credentials });
    const value = async (Name: string) => (await ssm.send(new GetParameterCommand({ Name }))).Parameter!.Value;
    const billingApi = app.apis.find((a) => a.api.logicalId.startsWith('Api'))!;
    expect(await value('/apps/billing/api-url')).toBe(new URL(billingApi.url).origin);
    const health = await fetch(`${await value('/apps/billing/api-url')}/health`);
    expect(await health.json()).toEqual({ ok: true, region: 'us-west-2' });
    expect(await value('/apps/billing/bus-arn')).toBe(BILLING_BUS_ARN);
    expect(await value('/apps/billing/seen-url')).toBe(queueUrl('Seen'));
  });
});

describe('a forwarding rule to a bus the app does not have', () => {
  it('retries per the target\'s policy, then sends the event to the target\'s DLQ', async () => {
    const app = await LocalApp.start(synthMultiApp('producer'), { httpPort: 0, awsPort: 0, schedules: false, timeScale: 0.0001 });
    try {
      const client = new EventBridgeClient({ endpoint: app.awsEndpoint, region: 'us-east-1', credentials });
      const out = await client.send(new PutEventsCommand({ Entries: [{ EventBusName: 'orders', Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: '{"orderId":"o-3"}' }] }));
      const id = out.Entries![0].EventId!;
      const dlq = app.queues.list().find((q) => q.model.logicalId.startsWith('ForwardDlq'))!;
      const sqs = new SQSClient({ endpoint: app.awsEndpoint, region: 'us-east-1', credentials });
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, WaitTimeSeconds: 10, MessageAttributeNames: ['All'] }));
      expect(JSON.parse(Messages[0].Body!)).toMatchObject({ id, detail: { orderId: 'o-3' } });
      expect(Messages[0].MessageAttributes).toMatchObject({ TARGET_ARN: { StringValue: BILLING_BUS_ARN }, ERROR_CODE: { StringValue: 'RESOURCE_NOT_FOUND' }, RETRY_ATTEMPTS: { StringValue: '1' }, EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumRetryAttempts' } });
      expect(app.ledger.list({ eventId: id }).find((d) => d.targetArn === BILLING_BUS_ARN)).toMatchObject({ state: 'dead-lettered', attempts: 2 });
    } finally {
      await app.stop();
    }
  });
});

describe('two assemblies with durable state', () => {
  it('keeps their queues\' messages across a restart of the same pair, in one state folder', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-multi-state-'));
    const start = () => LocalApp.start([synthMultiApp('producer'), synthMultiApp('consumer')], { httpPort: 0, awsPort: 0, schedules: false, stateDir });
    let app = await start();
    const sqs = () => new SQSClient({ endpoint: app.awsEndpoint, region: 'us-west-2', credentials });
    const seen = () => app.queues.list().find((q) => q.model.stack === 'Billing' && q.model.logicalId.startsWith('Seen'))!.url;
    try {
      await sqs().send(new SendMessageCommand({ QueueUrl: seen(), MessageBody: 'kept' }));
    } finally {
      await app.stop();
    }
    expect(fs.readdirSync(stateDir)).toEqual(['Billing+Orders+OrdersStandby-000000000000-us-east-1']);
    app = await start();
    try {
      const { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl: seen(), WaitTimeSeconds: 1 }));
      expect(Messages.map((m) => m.Body)).toEqual(['kept']);
    } finally {
      await app.stop();
    }
  });
});
