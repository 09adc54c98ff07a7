/** Functions' roles and the app's resource policies, read from templates with their intrinsics resolved to the local ARNs. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAppModel } from '../../lib/model';
import { statementsOf } from '../../lib/iam';
import { synthIamApp } from '../local/helpers';

const fnCode = { ZipFile: 'exports.handler = async () => ({})' };

/** A hand-made assembly: one role with every kind of attached policy, one function naming a role by ARN, a queue with an inline policy. */
function writeAssembly(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-permissions-'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: '55.0.0',
    artifacts: { App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json', stackName: 'app' } } },
  }));
  const allow = (Action: string, Resource: unknown) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });
  fs.writeFileSync(path.join(dir, 'App.template.json'), JSON.stringify({
    Resources: {
      Jobs: { Type: 'AWS::SQS::Queue', Properties: {} },
      Role: {
        Type: 'AWS::IAM::Role',
        Properties: {
          Path: '/service/',
          RoleName: 'worker',
          Tags: [{ Key: 'team', Value: 'orders' }],
          Policies: [{ PolicyName: 'Send', PolicyDocument: allow('sqs:SendMessage', { 'Fn::GetAtt': ['Jobs', 'Arn'] }) }],
          ManagedPolicyArns: [{ Ref: 'Shared' }, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']] }],
        },
      },
      Shared: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: allow('sqs:GetQueueAttributes', '*') } },
      Attached: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'p', Roles: [{ Ref: 'Role' }], PolicyDocument: allow('sqs:ReceiveMessage', { 'Fn::ImportValue': 'nobody-exports-this' }) } },
      Direct: { Type: 'AWS::IAM::RolePolicy', Properties: { PolicyName: 'd', RoleName: { Ref: 'Role' }, PolicyDocument: allow('sqs:DeleteMessage', { 'Fn::GetAtt': ['Jobs', 'Arn'] }) } },
      Worker: { Type: 'AWS::Lambda::Function', Properties: { Code: fnCode, Handler: 'index.handler', Runtime: 'nodejs24.x', Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      Imported: { Type: 'AWS::Lambda::Function', Properties: { Code: fnCode, Handler: 'index.handler', Runtime: 'nodejs24.x', Role: 'arn:aws:iam::000000000000:role/made-elsewhere' } },
      JobsPolicy: { Type: 'AWS::SQS::QueueInlinePolicy', Properties: { Queue: { Ref: 'Jobs' }, PolicyDocument: allow('sqs:SendMessage', { 'Fn::GetAtt': ['Jobs', 'Arn'] }) } },
      Key: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: 'api-key' } },
      KeyPolicy: { Type: 'AWS::SecretsManager::ResourcePolicy', Properties: { SecretId: { Ref: 'Key' }, ResourcePolicy: { Statement: [{ Effect: 'Deny', Principal: '*', Action: 'secretsmanager:DeleteSecret', Resource: '*' }] } } },
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders' } },
      BusPolicy: { Type: 'AWS::Events::EventBusPolicy', Properties: { EventBusName: { Ref: 'Bus' }, StatementId: 's', Statement: { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:role/service/worker' }, Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': ['Bus', 'Arn'] } } } },
      InvokeWorker: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: { 'Fn::GetAtt': ['Worker', 'Arn'] }, Principal: 'events.amazonaws.com', SourceArn: 'arn:aws:events:us-east-1:000000000000:rule/r' } },
    },
  }));
  return dir;
}

test('a role with inline, attached, role and managed policies, its path and tags; one that cannot be resolved says why', () => {
  const { model } = readAppModel(writeAssembly());
  const queueArn = 'arn:aws:sqs:us-east-1:000000000000:app-Jobs';
  const worker = model.functions.find((f) => f.logicalId === 'Worker')!;
  expect(worker.role).toEqual({
    arn: 'arn:aws:iam::000000000000:role/service/worker',
    name: 'worker',
    declaredAt: { stack: 'App', logicalId: 'Role' },
    policies: [
      { source: 'App/Role (inline policy Send)', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn }] } },
      { source: 'App/Attached', unresolved: "No stack in the assembly exports 'nobody-exports-this'" },
      { source: 'App/Direct', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:DeleteMessage', Resource: queueArn }] } },
      { source: 'App/Shared', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:GetQueueAttributes', Resource: '*' }] } },
    ],
    managedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    tags: { team: 'orders' },
  });
  // A role the template only names: its policies are not known, which the evaluator reports.
  expect(model.functions.find((f) => f.logicalId === 'Imported')!.role).toEqual({
    arn: 'arn:aws:iam::000000000000:role/made-elsewhere',
    name: 'made-elsewhere',
    policies: [],
    managedPolicyArns: ['arn:aws:iam::000000000000:role/made-elsewhere'],
    tags: {},
  });
  const secretArn = model.secrets!.find((x) => x.name === 'api-key')!.arn;
  const workerArn = 'arn:aws:lambda:us-east-1:000000000000:function:app-Worker';
  expect(model.resourcePolicies).toEqual([
    { source: 'queue policy App/JobsPolicy', resourceArns: [queueArn], document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArn }] } },
    { source: 'secret resource policy App/KeyPolicy', resourceArns: [secretArn], document: { Statement: [{ Effect: 'Deny', Principal: '*', Action: 'secretsmanager:DeleteSecret', Resource: '*' }] } },
    {
      source: 'event bus policy App/BusPolicy',
      resourceArns: ['arn:aws:events:us-east-1:000000000000:event-bus/orders'],
      document: { Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:role/service/worker' }, Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:000000000000:event-bus/orders' }] },
    },
    // A function permission as the statement Lambda adds to the function's policy.
    {
      source: 'function permission App/InvokeWorker',
      resourceArns: [workerArn],
      document: { Statement: [{ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'lambda:InvokeFunction', Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:events:us-east-1:000000000000:rule/r' } } }] },
    },
  ]);
});

test("CDK's grants resolve to the ARNs the local resources answer to", () => {
  const { model } = readAppModel(synthIamApp());
  const caller = model.functions.find((f) => f.logicalId.startsWith('Caller'))!;
  const granted = caller.role!.policies.flatMap((p) => statementsOf(p.document)).flatMap((s) => [s.Resource].flat());
  const readable = model.tables.find((t) => t.logicalId.startsWith('Readable'))!;
  expect(granted).toEqual(expect.arrayContaining([readable.arn, model.queues.find((q) => q.logicalId.startsWith('Jobs'))!.arn, model.secrets![0].arn]));
  expect(caller.role!.managedPolicyArns).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
  // The queue policy that names the caller's role, by the ARN the role has.
  const inbox = model.queues.find((q) => q.logicalId.startsWith('Inbox'))!;
  const policy = model.resourcePolicies!.find((p) => p.resourceArns.includes(inbox.arn))!;
  expect(statementsOf(policy.document)[0]).toMatchObject({ Effect: 'Allow', Principal: { AWS: caller.role!.arn }, Action: 'sqs:SendMessage' });
});
