/**
 * Rules forwarding between buses in a circle: each bus sees the event once, the same event, and
 * the circle ends (an event is never routed through a bus twice by forwarding).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LocalApp } from '../../lib/local';

/** Two buses forwarding everything of source `loop` to each other, each with a queue recording what reaches it. */
function loopAssembly(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-loop-'));
  const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
  const rule = (bus: string, target: string) => ({ Type: 'AWS::Events::Rule', Properties: { EventBusName: { Ref: bus }, EventPattern: { source: ['loop'] }, Targets: [{ Id: 'T', Arn: arn(target) }] } });
  const resources = {
    A: { Type: 'AWS::Events::EventBus', Properties: { Name: 'a' } },
    B: { Type: 'AWS::Events::EventBus', Properties: { Name: 'b' } },
    SeenA: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'seen-a' } },
    SeenB: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'seen-b' } },
    AtoB: rule('A', 'B'),
    BtoA: rule('B', 'A'),
    RecordA: rule('A', 'SeenA'),
    RecordB: rule('B', 'SeenB'),
  };
  fs.writeFileSync(path.join(dir, 'Loop.template.json'), JSON.stringify({ Resources: resources }));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts: { Loop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Loop.template.json' } } } }));
  return dir;
}

test('an event forwarded in a circle reaches each bus once, as the same event', async () => {
  const app = await LocalApp.start(loopAssembly(), { httpPort: 0, awsPort: 0, schedules: false });
  try {
    const config = { endpoint: app.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    const out = await new EventBridgeClient(config).send(new PutEventsCommand({ Entries: [{ EventBusName: 'a', Source: 'loop', DetailType: 'Round', Detail: '{}' }] }));
    const id = out.Entries![0].EventId!;
    await app.ledger.whenIdle();
    const sqs = new SQSClient(config);
    const ids = async (queue: string) => ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: app.queues.get(queue).url, MaxNumberOfMessages: 10 }))).Messages ?? []).map((m) => JSON.parse(m.Body!).id);
    expect(await ids('seen-a')).toEqual([id]);
    expect(await ids('seen-b')).toEqual([id]);
    // Both hand-overs are in the ledger: to b, and back to a (which ended the circle).
    expect(app.ledger.list({ eventId: id }).map((d) => [d.targetArn.split(':').pop(), d.state]).sort()).toEqual([
      ['event-bus/a', 'delivered'],
      ['event-bus/b', 'delivered'],
      ['seen-a', 'delivered'],
      ['seen-b', 'delivered'],
    ]);
  } finally {
    await app.stop();
  }
});
