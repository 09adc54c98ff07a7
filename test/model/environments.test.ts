/**
 * Stacks of several accounts and regions, and several assemblies, read as one app model: each
 * stack named in its own environment, the collisions that would make a name mean two things
 * refused, and global endpoints read with their primary and secondary buses.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssemblyError, readAppModel } from '../../lib/model';

interface StackSpec {
  readonly id: string;
  readonly environment?: string;
  readonly stackName?: string;
  readonly resources: Record<string, unknown>;
}

/** Writes an assembly of the given stacks (manifest and templates, as `cdk synth` does). */
function assembly(stacks: readonly StackSpec[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-env-'));
  const artifacts: Record<string, unknown> = {};
  for (const s of stacks) {
    fs.writeFileSync(path.join(dir, `${s.id}.template.json`), JSON.stringify({ Resources: s.resources }));
    artifacts[s.id] = { type: 'aws:cloudformation:stack', environment: s.environment ?? 'aws://unknown-account/unknown-region', properties: { templateFile: `${s.id}.template.json`, stackName: s.stackName } };
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts }));
  return dir;
}

const bus = (name: string) => ({ Type: 'AWS::Events::EventBus', Properties: { Name: name } });
const queue = { Type: 'AWS::SQS::Queue', Properties: {} };

test.each([
  ['aws://123456789012/eu-west-1', 'arn:aws:events:eu-west-1:123456789012:event-bus/orders'],
  ['aws://123456789012/unknown-region', 'arn:aws:events:ap-south-1:123456789012:event-bus/orders'],
  ['aws://unknown-account/eu-west-1', 'arn:aws:events:eu-west-1:000000000000:event-bus/orders'],
  ['aws://unknown-account/unknown-region', 'arn:aws:events:ap-south-1:000000000000:event-bus/orders'],
])('a stack bound to %s names its resources there (else the defaults)', (environment, arn) => {
  const { model } = readAppModel(assembly([{ id: 'Orders', environment, resources: { Bus: bus('orders'), Q: queue } }]), { region: 'ap-south-1' });
  expect(model.eventBuses.find((b) => b.name === 'orders')!.arn).toBe(arn);
  const [, , , region, account] = arn.split(':');
  expect(model.queues[0].arn).toBe(`arn:aws:sqs:${region}:${account}:Orders-Q`);
});

test('each account and region of the app has its default bus; rules are on the bus of their own region', () => {
  const rule = { Type: 'AWS::Events::Rule', Properties: { EventBusName: 'orders', EventPattern: { source: ['x'] }, Targets: [] } };
  const { model } = readAppModel(
    assembly([
      { id: 'East', environment: 'aws://111111111111/us-east-1', resources: { Bus: bus('orders'), Rule: rule } },
      { id: 'West', environment: 'aws://111111111111/us-west-2', resources: { Bus: bus('orders'), Rule: rule } },
    ]),
  );
  expect(model.eventBuses.filter((b) => b.name === 'default').map((b) => b.arn)).toEqual([
    'arn:aws:events:us-east-1:000000000000:event-bus/default',
    'arn:aws:events:us-east-1:111111111111:event-bus/default',
    'arn:aws:events:us-west-2:111111111111:event-bus/default',
  ]);
  expect(model.rules.map((r) => [r.stack, r.eventBusArn])).toEqual([
    ['East', 'arn:aws:events:us-east-1:111111111111:event-bus/orders'],
    ['West', 'arn:aws:events:us-west-2:111111111111:event-bus/orders'],
  ]);
});

test('one stack name twice in an account and region is refused, naming both; in two regions it is two stacks', () => {
  const twins = assembly([
    { id: 'A', stackName: 'Shop', environment: 'aws://111111111111/us-east-1', resources: { Q: queue } },
    { id: 'B', stackName: 'Shop', environment: 'aws://111111111111/us-east-1', resources: { Q: queue } },
  ]);
  expect(() => readAppModel(twins)).toThrow(AssemblyError);
  expect(() => readAppModel(twins)).toThrow(`Stacks 'A' (${twins}) and 'B' (${twins}) are both named 'Shop' in the same account and region`);
  const regions = assembly([
    { id: 'A', stackName: 'Shop', environment: 'aws://111111111111/us-east-1', resources: { Bus: bus('shop') } },
    { id: 'B', stackName: 'Shop', environment: 'aws://111111111111/eu-west-1', resources: { Bus: bus('shop') } },
  ]);
  expect(readAppModel(regions).model.eventBuses.filter((b) => b.name === 'shop').map((b) => b.arn.split(':')[3])).toEqual(['us-east-1', 'eu-west-1']);
  // Their generated queue names would meet on the one local endpoint: refused, naming both.
  const queues = assembly([
    { id: 'A', stackName: 'Shop', environment: 'aws://111111111111/us-east-1', resources: { Q: queue } },
    { id: 'B', stackName: 'Shop', environment: 'aws://111111111111/eu-west-1', resources: { Q: queue } },
  ]);
  expect(() => readAppModel(queues)).toThrow("The queue 'Shop-Q' is in stack 'A' (arn:aws:sqs:us-east-1:111111111111:Shop-Q) and in stack 'B' (arn:aws:sqs:eu-west-1:111111111111:Shop-Q)");
});

test('two assemblies are one app: imports resolve across them; a stack id in both is refused, naming both', () => {
  const producer = assembly([{ id: 'Orders', resources: { Bus: bus('orders') } }]);
  fs.writeFileSync(
    path.join(producer, 'Orders.template.json'),
    JSON.stringify({ Resources: { Bus: bus('orders') }, Outputs: { BusArn: { Value: { 'Fn::GetAtt': ['Bus', 'Arn'] }, Export: { Name: 'orders-bus-arn' } } } }),
  );
  const consumer = assembly([{ id: 'Billing', resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/billing/orders-bus', Type: 'String', Value: { 'Fn::ImportValue': 'orders-bus-arn' } } } } }]);
  const { model } = readAppModel([producer, consumer]);
  expect(model.parameters).toEqual([expect.objectContaining({ name: '/billing/orders-bus', value: 'arn:aws:events:us-east-1:000000000000:event-bus/orders' })]);
  expect(model.assemblyDirs).toEqual([producer, consumer]);
  expect(() => readAppModel([producer, producer])).toThrow(`Stack 'Orders' is twice in ${producer} (was it given twice?)`);
  const other = assembly([{ id: 'Orders', resources: {} }]);
  expect(() => readAppModel([producer, other])).toThrow(`Stack 'Orders' is in two assemblies, ${producer} and ${other}`);
});

test.each([
  ['ENABLED', true],
  ['DISABLED', false],
  [undefined, true],
])('a global endpoint (replication %s): the secondary is the bus in the Secondary route\'s region', (state, replication) => {
  const endpoint = {
    Type: 'AWS::Events::Endpoint',
    Properties: {
      Name: 'orders-global',
      // Listed secondary first: the route decides, not the order.
      EventBuses: [{ EventBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/orders' }, { EventBusArn: { 'Fn::GetAtt': ['Bus', 'Arn'] } }],
      RoutingConfig: { FailoverConfig: { Primary: { HealthCheck: 'arn:aws:route53:::healthcheck/abc' }, Secondary: { Route: 'eu-west-1' } } },
      ...(state ? { ReplicationConfig: { State: state } } : {}),
    },
  };
  const { model } = readAppModel(assembly([{ id: 'Orders', environment: 'aws://111111111111/us-east-1', resources: { Bus: bus('orders'), Endpoint: endpoint } }]));
  expect(model.globalEndpoints).toEqual([
    expect.objectContaining({
      name: 'orders-global',
      arn: 'arn:aws:events:us-east-1:111111111111:endpoint/orders-global',
      endpointId: expect.stringMatching(/^[a-z0-9]{10}\.[a-z0-9]{3}$/),
      primaryBusArn: 'arn:aws:events:us-east-1:111111111111:event-bus/orders',
      secondaryBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/orders',
      replication,
      healthCheck: 'arn:aws:route53:::healthcheck/abc',
    }),
  ]);
  expect(model.globalEndpoints![0].url).toBe(`https://${model.globalEndpoints![0].endpointId}.endpoint.events.amazonaws.com`);
});
