import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { EventApp } from '../../lib';
import { idOf, statementsOf, synth } from './support/template';
import { IDEMPOTENCY_TABLE_ENV } from '../../lib/runtime';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';
const RECORD_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/** The idempotency statements of a function's role, and its environment. */
function accessOf(t: Template, fnPrefix: string) {
  const fnId = idOf(t, 'AWS::Lambda::Function', fnPrefix);
  const statements = statementsOf(t, fnPrefix).filter((s) => /"(dynamodb|kms):/.test(JSON.stringify(s.Action)));
  const environment = t.findResources('AWS::Lambda::Function')[fnId].Properties.Environment?.Variables ?? {};
  return { statements, table: environment[IDEMPOTENCY_TABLE_ENV] };
}

describe('idempotency: true on a function', () => {
  const t = synth((app) => {
    app.addFunction('Charge', { entry: HELLO, idempotency: true });
    app.addFunction('Browse', OTHER);
  });

  test('creates a table keyed by id with time to live on expiration, removed with the stack', () => {
    t.resourceCountIs('AWS::DynamoDB::Table', 1);
    t.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
      },
      DeletionPolicy: 'Delete',
    });
  });

  test('grants that function the four record actions on the table only, and names the table in its environment', () => {
    const table = idOf(t, 'AWS::DynamoDB::Table', 'AppIdempotencyTable');
    const { statements, table: env } = accessOf(t, 'AppFunctionsCharge');
    expect(statements).toEqual([expect.objectContaining({ Action: RECORD_ACTIONS, Resource: { 'Fn::GetAtt': [table, 'Arn'] } })]);
    expect(env).toEqual({ Ref: table });
  });

  test('gives nothing to the others', () => {
    expect(accessOf(t, 'AppFunctionsBrowse')).toEqual({ statements: [], table: undefined });
  });
});

test('no function asks: no table', () => {
  synth((app) => app.addFunction('Browse', OTHER)).resourceCountIs('AWS::DynamoDB::Table', 0);
});

test('idempotency: true on the app gives every function access, unless one opts out', () => {
  const t = synth(
    (app) => {
      app.addFunction('A', HELLO);
      app.addRoute('GET /b', OTHER);
      app.addFunction('Out', { entry: OTHER, idempotency: false });
    },
    { idempotency: true },
  );
  expect(accessOf(t, 'AppFunctionsA').statements).toHaveLength(1);
  expect(accessOf(t, 'AppFunctionsGetB').statements).toHaveLength(1);
  expect(accessOf(t, 'AppFunctionsOut')).toEqual({ statements: [], table: undefined });
});

test('options: only functions that ask, an existing table, and existing functions', () => {
  const stack = new Stack(new App(), 'Test');
  const records = dynamodb.Table.fromTableName(stack, 'Records', 'records');
  const app = new EventApp(stack, 'App', { idempotency: { allFunctions: false, table: records } });
  app.addFunction('Quiet', HELLO);
  const legacy = new lambda.Function(stack, 'Legacy', { code: lambda.Code.fromInline('exports.handler = async () => {}'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_24_X });
  app.addFunction('Legacy', { function: legacy, idempotency: true });
  const t = Template.fromStack(stack);
  t.resourceCountIs('AWS::DynamoDB::Table', 0);
  expect(accessOf(t, 'AppFunctionsQuiet').statements).toEqual([]);
  t.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: idOf(t, 'AWS::IAM::Role', 'LegacyServiceRole') }],
    PolicyDocument: { Statement: [{ Action: RECORD_ACTIONS, Effect: 'Allow', Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':table/records'])] }) }] },
  });
  t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { [IDEMPOTENCY_TABLE_ENV]: 'records' } } });
});

test('an imported function gets the grant and a warning naming the variable to set', () => {
  const stack = new Stack(new App(), 'Test');
  const app = new EventApp(stack, 'App');
  app.addFunction('Billing', { function: lambda.Function.fromFunctionArn(stack, 'Billing', 'arn:aws:lambda:eu-west-1:123456789012:function:billing'), idempotency: true });
  Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(`set ${IDEMPOTENCY_TABLE_ENV}`));
});

test("the app's key encrypts the table, and functions may use it through DynamoDB only", () => {
  const stack = new Stack(new App(), 'Test');
  const key = new kms.Key(stack, 'Key');
  new EventApp(stack, 'App', { encryptionKey: key, idempotency: { removalPolicy: RemovalPolicy.RETAIN } }).addFunction('Charge', HELLO);
  const t = Template.fromStack(stack);
  const keyArn = { 'Fn::GetAtt': [idOf(t, 'AWS::KMS::Key', 'Key'), 'Arn'] };
  t.hasResource('AWS::DynamoDB::Table', { Properties: { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn } }, DeletionPolicy: 'Retain' });
  expect(accessOf(t, 'AppFunctionsCharge').statements).toContainEqual(expect.objectContaining({
    Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
    Resource: keyArn,
    Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
  }));
});
