/**
 * What the model says about resources `switchyard dev` does not serve, read from a hand-written
 * template: each one with what it means for the app, rule targets marked undeliverable, custom
 * resources in creation order, and outputs that depend on either.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAppModel, type CfnTemplate } from '../../lib/model';

/** One stack, `App` (stack name `my-app`); functions' code is an `aws:asset:path` that need not exist to be read. */
function assemblyOf(template: CfnTemplate): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-unserved-'));
  const stack = { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json', stackName: 'my-app' } };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts: { App: stack } }));
  fs.writeFileSync(path.join(dir, 'App.template.json'), JSON.stringify(template));
  return dir;
}

const at = (cdkPath: string) => ({ 'aws:cdk:path': cdkPath, 'aws:asset:path': 'asset.x' });
const fn = (id: string, extra: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Metadata: at(`App/${id}/Resource`),
  Properties: { Handler: 'index.handler', Runtime: 'nodejs24.x', Code: { S3Key: 'x.zip' }, Role: { 'Fn::GetAtt': [`${id}Role`, 'Arn'] }, ...extra },
});
const role = { Type: 'AWS::IAM::Role', Properties: {} };

const template: CfnTemplate = {
  Resources: {
    Notify: fn('Notify', { Environment: { Variables: { TOPIC_ARN: { Ref: 'Alerts' }, PLAIN: 'x' } } }),
    NotifyRole: role,
    NotifyPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: { Roles: [{ Ref: 'NotifyRole' }], PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'Alerts' } }, { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Jobs', 'Arn'] } }] } },
    },
    Worker: fn('Worker', { Environment: { Variables: { SEED_ID: { 'Fn::GetAtt': ['Seed', 'Id'] } } } }),
    WorkerRole: role,
    Legacy: { Type: 'AWS::Lambda::Function', Metadata: { 'aws:cdk:path': 'App/Legacy/Resource' }, Properties: { Code: { ImageUri: '111111111111.dkr.ecr.us-east-1.amazonaws.com/legacy:1' }, PackageType: 'Image' } },
    Inline: { Type: 'AWS::Lambda::Function', Metadata: { 'aws:cdk:path': 'App/Inline/Resource' }, Properties: { Code: { ZipFile: { 'Fn::Sub': 'exports.handler = async () => "${AWS::Region}"' } }, Handler: 'index.handler', Runtime: 'nodejs24.x' } },
    JavaFn: { Type: 'AWS::Lambda::Function', Metadata: at('App/JavaFn/Resource'), Properties: { Handler: 'example.Handler::handleRequest', Runtime: 'java21', Code: { S3Key: 'x.zip' } } },
    Alerts: { Type: 'AWS::SNS::Topic', Metadata: { 'aws:cdk:path': 'App/Alerts/Resource' } },
    AlertsToWorker: { Type: 'AWS::SNS::Subscription', Metadata: { 'aws:cdk:path': 'App/Alerts/Worker/Resource' }, Properties: { TopicArn: { Ref: 'Alerts' }, Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': ['Worker', 'Arn'] } } },
    Errors: { Type: 'AWS::CloudWatch::Alarm', Metadata: { 'aws:cdk:path': 'App/Errors/Resource' }, Properties: { AlarmActions: [{ Ref: 'Alerts' }] } },
    Flow: { Type: 'AWS::StepFunctions::StateMachine', Metadata: { 'aws:cdk:path': 'App/OrderFlow/Resource' }, Properties: { StateMachineName: 'order-flow', DefinitionString: { 'Fn::Join': ['', ['{"Resource":"', { 'Fn::GetAtt': ['Worker', 'Arn'] }, '"}']] } } },
    Jobs: { Type: 'AWS::SQS::Queue' },
    JobsMapping: { Type: 'AWS::Lambda::EventSourceMapping', Metadata: { 'aws:cdk:path': 'App/Worker/SqsEventSource:Jobs/Resource' }, Properties: { FunctionName: { Ref: 'Worker' }, EventSourceArn: { 'Fn::GetAtt': ['Jobs', 'Arn'] } } },
    WorkerUrl: { Type: 'AWS::Lambda::Url', Metadata: { 'aws:cdk:path': 'App/Worker/FunctionUrl/Resource' }, Properties: { TargetFunctionArn: { 'Fn::GetAtt': ['Worker', 'Arn'] }, AuthType: 'NONE' } },
    LegacyUrl: { Type: 'AWS::Lambda::Url', Metadata: { 'aws:cdk:path': 'App/Legacy/FunctionUrl/Resource' }, Properties: { TargetFunctionArn: { 'Fn::GetAtt': ['Legacy', 'Arn'] }, AuthType: 'NONE' } },
    RemoteUrl: { Type: 'AWS::Lambda::Url', Metadata: { 'aws:cdk:path': 'App/Remote/FunctionUrl/Resource' }, Properties: { TargetFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:remote', AuthType: 'AWS_IAM' } },
    Glue: { Type: 'AWS::Glue::Job', Metadata: { 'aws:cdk:path': 'App/Nightly/Resource' }, Properties: {} },
    Ship: {
      Type: 'AWS::Events::Rule',
      Metadata: { 'aws:cdk:path': 'App/ShipOrder/Resource' },
      Properties: {
        EventPattern: { source: ['shop'] },
        Targets: [
          { Id: 'Flow', Arn: { Ref: 'Flow' }, RoleArn: { 'Fn::GetAtt': ['NotifyRole', 'Arn'] } },
          { Id: 'Topic', Arn: { Ref: 'Alerts' } },
          { Id: 'Fn', Arn: { 'Fn::GetAtt': ['Worker', 'Arn'] } },
          { Id: 'Old', Arn: { 'Fn::GetAtt': ['Legacy', 'Arn'] } },
          { Id: 'Remote', Arn: 'arn:aws:lambda:us-east-1:111111111111:function:remote' },
          { Id: 'Bus', Arn: 'arn:aws:events:us-east-1:111111111111:event-bus/central' },
        ],
      },
    },
    Seed: { Type: 'Custom::Seed', Metadata: { 'aws:cdk:path': 'App/Seed/Default' }, Properties: { ServiceToken: { 'Fn::GetAtt': ['Worker', 'Arn'] }, Count: 3, Enabled: true, Tags: [{ Key: 'a', Value: 1 }], After: { 'Fn::GetAtt': ['First', 'Id'] } } },
    First: { Type: 'AWS::CloudFormation::CustomResource', Metadata: { 'aws:cdk:path': 'App/First/Default' }, Properties: { ServiceToken: { 'Fn::GetAtt': ['Worker', 'Arn'] } } },
    Elsewhere: { Type: 'Custom::Remote', Properties: { ServiceToken: 'arn:aws:sns:us-east-1:111111111111:provider' } },
    Cleanup: { Type: 'Custom::S3AutoDeleteObjects', Properties: { ServiceToken: { 'Fn::GetAtt': ['Worker', 'Arn'] } } },
  },
  Outputs: {
    WorkerUrlOut: { Value: { 'Fn::GetAtt': ['WorkerUrl', 'FunctionUrl'] } },
    LegacyUrlOut: { Value: { 'Fn::GetAtt': ['LegacyUrl', 'FunctionUrl'] } },
    SeedId: { Value: { 'Fn::GetAtt': ['Seed', 'Id'] } },
    WorkerName: { Value: { Ref: 'Worker' } },
  },
};

const { model, skipped } = readAppModel(assemblyOf(template));
const unserved = (logicalId: string) => model.unserved?.find((u) => u.logicalId === logicalId);

test('a topic: the rule targeting it, the function granted and given it, the alarm notifying it', () => {
  expect(unserved('Alerts')).toEqual({
    stack: 'App',
    logicalId: 'Alerts',
    type: 'AWS::SNS::Topic',
    displayName: 'Alerts',
    reason: 'topics are not served: publishing fails and subscribers are never called',
    consequences: [
      'the rule ShipOrder targeting it will not deliver (its events are recorded in the ledger as undeliverable)',
      'calls to SNS from function Notify (granted sns:Publish; env TOPIC_ARN) fail: the local AWS endpoint does not serve SNS',
      'alarm Errors notifies it (no alarm fires locally)',
    ],
  });
});

test('a state machine by its explicit name: the rule targeting it and the function it would invoke', () => {
  expect(unserved('Flow')).toMatchObject({
    displayName: 'order-flow',
    consequences: ['the rule ShipOrder targeting it will not deliver (its events are recorded in the ledger as undeliverable)', 'function Worker is never invoked by it'],
  });
});

test('subscriptions: the functions they would invoke; a mapping from a queue of the app is served', () => {
  expect(unserved('AlertsToWorker')?.consequences).toEqual(['function Worker is never invoked by it']);
  expect(unserved('JobsMapping')).toBeUndefined();
  expect(model.eventSourceMappings?.map((m) => [m.logicalId, m.displayName, m.kind, m.functionLogicalId, m.batchSize])).toEqual([['JobsMapping', 'SqsEventSource:Jobs', 'sqs', 'Worker', 10]]);
});

test("function URLs are served, but not one whose function does not run here or is not the app's", () => {
  expect(unserved('WorkerUrl')).toBeUndefined();
  expect(model.functionUrls?.map((u) => [u.logicalId, u.displayName, u.functionLogicalId, u.authType, u.invokeMode])).toEqual([['WorkerUrl', 'Worker/FunctionUrl', 'Worker', 'NONE', 'BUFFERED']]);
  // The URL as AWS shapes it; the local runtime maps it to the URL's local port (see the function URL tests).
  expect(model.functionUrls![0].url).toMatch(/^https:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws\/$/);
  expect(unserved('LegacyUrl')).toMatchObject({ displayName: 'Legacy/FunctionUrl', reason: 'its function Legacy is not run locally', consequences: ['output LegacyUrlOut has no local value'] });
  expect(unserved('RemoteUrl')).toMatchObject({ reason: 'its function arn:aws:lambda:us-east-1:111111111111:function:remote is not part of the app', consequences: [] });
});

test('functions that cannot run: container images and other runtimes, with rules targeting them; inline code runs', () => {
  expect(model.functions.map((f) => f.logicalId)).toEqual(['Notify', 'Worker', 'Inline']);
  expect(model.functions[2]).toMatchObject({ codeDir: '', inlineCode: 'exports.handler = async () => "us-east-1"' });
  expect(unserved('Legacy')).toMatchObject({
    type: 'AWS::Lambda::Function',
    reason: 'its code is a container image, which switchyard dev does not run',
    consequences: ['the rule ShipOrder targeting it will not deliver (its events are recorded in the ledger as undeliverable)'],
  });
  expect(unserved('JavaFn')?.reason).toBe('its runtime java21 is not run: switchyard dev runs Node.js and Python functions only');
});

test('a type the list does not know is not served, with nothing depending on it', () => {
  expect(unserved('Glue')).toMatchObject({ type: 'AWS::Glue::Job', displayName: 'Nightly', reason: 'not served by `switchyard dev`', consequences: [] });
});

test('the list is sorted by type, then name; what needs nothing locally is counted', () => {
  const listed = model.unserved!.map((u) => `${u.type} ${u.displayName}`);
  expect(listed).toEqual([...listed].sort());
  expect(model.nothingToRun).toEqual({ 'AWS::IAM::Role': 2, 'AWS::IAM::Policy': 1, 'AWS::CloudWatch::Alarm': 1, 'Custom::S3AutoDeleteObjects': 1 });
});

test('rule targets that cannot be delivered to say why; functions, queues and event buses, even missing ones, do not', () => {
  const targets = Object.fromEntries(model.rules[0].targets.map((t) => [t.id, t.notServed]));
  expect(targets).toEqual({
    Flow: 'AWS::StepFunctions::StateMachine order-flow is not served by switchyard dev (state machines are not run)',
    Topic: 'AWS::SNS::Topic Alerts is not served by switchyard dev (topics are not served: publishing fails and subscribers are never called)',
    Fn: undefined,
    Old: 'AWS::Lambda::Function Legacy is not served by switchyard dev (its code is a container image, which switchyard dev does not run)',
    Remote: undefined,
    // Forwarded through the bus's rules; a bus the app does not have fails the hand-over into the DLQ, as in AWS.
    Bus: undefined,
  });
});

test('custom resources: dependencies first, properties as CloudFormation sends them, the provider when it is a local function', () => {
  expect(model.customResources!.map((c) => [c.logicalId, c.displayName, c.functionLogicalId])).toEqual([
    ['First', 'First', 'Worker'],
    ['Seed', 'Seed', 'Worker'],
    ['Elsewhere', 'Elsewhere', undefined],
  ]);
  const seed = model.customResources!.find((c) => c.logicalId === 'Seed')!;
  expect(seed).toMatchObject({ type: 'Custom::Seed', dependsOn: ['First'], serviceToken: model.functions[1].arn });
  expect(seed.properties).toEqual({ ServiceToken: model.functions[1].arn, Count: '3', Enabled: 'true', Tags: [{ Key: 'a', Value: '1' }], After: expect.any(String) });
});

test('outputs: a not-served resource has no local value; a custom resource attribute is filled once it is created', () => {
  expect(model.outputs).toEqual([
    { stack: 'App', key: 'WorkerUrlOut', value: model.functionUrls![0].url, description: undefined, exportName: undefined },
    { stack: 'App', key: 'LegacyUrlOut', unresolved: 'AWS::Lambda::Url Legacy/FunctionUrl is not served by switchyard dev', description: undefined, exportName: undefined },
    { stack: 'App', key: 'SeedId', customResourceAttribute: { logicalId: 'Seed', attribute: 'Id' }, unresolved: 'attribute Id of custom resource Seed, known once it is created', description: undefined, exportName: undefined },
    { stack: 'App', key: 'WorkerName', value: 'my-app-Worker', description: undefined, exportName: undefined },
  ]);
});

test("a function's environment read from a custom resource attribute is said to be a placeholder locally", () => {
  expect(skipped).toEqual([
    `Worker: environment variable SEED_ID reads custom resource Seed, created only after the function's environment is set: locally it is "arn:aws:local:us-east-1:000000000000:Seed/Id"`,
  ]);
});
