import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AppFunctionProps, ErrorCode, EventApp, EventAppProps, FunctionDefaults } from '../../lib';
import { thrown } from '../support/thrown';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';

/** The Lambda function resource whose logical id starts with `id`. */
function functionNamed(template: Template, id: string): Record<string, unknown> {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).find(([logicalId]) => logicalId.includes(id));
  if (!found) throw new Error(`no function ${id} in ${Object.keys(template.findResources('AWS::Lambda::Function')).join(', ')}`);
  return (found[1] as { Properties: Record<string, unknown> }).Properties;
}

describe('Lambda options pass through to the function', () => {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const appSg = new ec2.SecurityGroup(stack, 'AppSg', { vpc });
  const role = new iam.Role(stack, 'ResizeRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const layer = lambda.LayerVersion.fromLayerVersionArn(stack, 'Sharp', 'arn:aws:lambda:eu-west-1:123456789012:layer:sharp:3');
  const envKey = new kms.Key(stack, 'EnvKey');
  const dlq = new sqs.Queue(stack, 'ResizeDlq');
  const app = new EventApp(stack, 'Shop', {
    functionDefaults: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, securityGroups: [appSg] },
  });
  app.addFunction('Resize', {
    entry: HELLO,
    publishes: true,
    functionName: 'shop-resize',
    role,
    layers: [layer],
    ephemeralStorageSize: Size.gibibytes(2),
    environmentEncryption: envKey,
    deadLetterQueue: dlq,
    applicationLogLevelV2: lambda.ApplicationLogLevel.DEBUG,
    systemLogLevelV2: lambda.SystemLogLevel.WARN,
    recursiveLoop: lambda.RecursiveLoop.ALLOW,
  });
  app.addFunction('Plain', OTHER);
  const template = Template.fromStack(stack);
  const resize = functionNamed(template, 'Resize');

  test('VPC, subnets and security groups from functionDefaults reach every function', () => {
    const vpcConfig = {
      SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^AppSg'), 'GroupId'] }],
      SubnetIds: [{ Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('VpcPrivateSubnet2') }],
    };
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { VpcConfig: vpcConfig }, 2);
  });

  test('role, layers, ephemeral storage, environment encryption, DLQ and name are as given', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'shop-resize',
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResizeRole'), 'Arn'] },
      Layers: ['arn:aws:lambda:eu-west-1:123456789012:layer:sharp:3'],
      EphemeralStorage: { Size: 2048 },
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EnvKey'), 'Arn'] },
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ResizeDlq'), 'Arn'] } },
      RecursiveLoop: 'Allow',
    });
  });

  test('log levels pass through while the format stays JSON into the app-created log group', () => {
    expect(resize.LoggingConfig).toEqual({
      LogFormat: 'JSON',
      ApplicationLogLevel: 'DEBUG',
      SystemLogLevel: 'WARN',
      LogGroup: { Ref: expect.stringMatching(/ResizeLogs/) },
    });
  });

  test("Switchyard's grants go to the given role, and its defaults still apply", () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sqs:SendMessage' }), Match.objectLike({ Action: 'events:PutEvents' })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('^ResizeRole') }],
    });
    expect(resize).toMatchObject({ Architectures: ['arm64'], Runtime: 'nodejs24.x', MemorySize: 256, TracingConfig: { Mode: 'Active' } });
  });
});

test("a function in a VPC gets the VPC access managed policy, acknowledged for cdk-nag with its reason", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
  try {
    const nagApp = new App({ outdir });
    const stack = new Stack(nagApp, 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new EventApp(stack, 'Shop', { monitoring: false }).addFunction('InVpc', { entry: HELLO, vpc });
    // The VPC's own findings are not the subject here.
    Validations.of(vpc).acknowledge({ id: 'AwsSolutions::AwsSolutions-VPC7', reason: 'A test VPC without traffic.' });
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp));
    // An unacknowledged error fails synth, naming it.
    expect(() => nagApp.synth()).not.toThrow();
    const report = fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8');
    expect(report).toContain('AWSLambdaVPCAccessExecutionRole only lets the function manage its network interfaces');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

describe('asynchronous invocation options', () => {
  test('configure a function that no subscription or schedule targets', () => {
    const stack = new Stack(new App(), 'Test');
    const failures = new sqs.Queue(stack, 'Failures');
    new EventApp(stack, 'Shop').addFunction('Worker', {
      entry: HELLO,
      retryAttempts: 0,
      maxEventAge: Duration.minutes(5),
      onFailure: new destinations.SqsDestination(failures),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Failures'), 'Arn'] } } },
    });
  });

  test.each([
    ['a subscription', (app: EventApp) => app.addSubscription('OnOrder', { pattern: { source: ['shop'] }, handler: 'Worker' })],
    ['a schedule', (app: EventApp) => app.addSchedule('Nightly', { schedule: 'rate(1 day)', handler: 'Worker' })],
  ])('on a function that %s targets fail synth naming the options', (_, target) => {
    const app = new EventApp(new Stack(new App(), 'Test'), 'Shop');
    app.addFunction('Worker', { entry: HELLO, retryAttempts: 1, onSuccess: new destinations.EventBridgeDestination() });
    const error = thrown(() => target(app));
    expect(error.code).toBe(ErrorCode.INVALID_PROPS);
    expect(error.message).toContain('Function Worker sets its own asynchronous invocation (onSuccess, retryAttempts)');
    expect(error.fix).toContain('remove onSuccess, retryAttempts from the props of Worker');
  });
});

describe('options Switchyard sets itself are refused', () => {
  const stack = new Stack(new App(), 'Test');
  const logGroup = new logs.LogGroup(stack, 'Mine');
  // What a JavaScript caller (or a cast) can still pass.
  const cases: Array<[string, Partial<AppFunctionProps> & Record<string, unknown>, string]> = [
    ['logGroup', { logGroup }, 'logRetention'],
    ['loggingFormat', { loggingFormat: lambda.LoggingFormat.TEXT }, 'log JSON'],
    ['code', { code: lambda.Code.fromInline('x') }, 'entry'],
    ['applicationLogLevel', { applicationLogLevel: 'DEBUG' }, 'applicationLogLevelV2'],
    ['logRetentionRole', { logRetentionRole: iam.Role.fromRoleName(stack, 'R', 'r') }, 'remove "logRetentionRole"'],
  ];

  test.each(cases)('%s on a function', (option, extra, fix) => {
    const app = new EventApp(stack, `App${option}`);
    const error = thrown(() => app.addFunction('Fn', { entry: HELLO, ...extra } as AppFunctionProps));
    expect(error.code).toBe(ErrorCode.RESERVED_PROP);
    expect(error.message).toContain(`functions.Fn.${option} is set by Switchyard itself`);
    expect(error.fix).toContain(fix);
  });

  test.each<[string, Record<string, unknown>]>([
    ['functionName', { functionName: 'everything' }],
    ['role', { role: iam.Role.fromRoleName(stack, 'Shared', 'shared') }],
    ['retryAttempts', { retryAttempts: 1 }],
    ['logGroup', { logGroup }],
  ])('%s in functionDefaults', (option, defaults) => {
    const error = thrown(() => new EventApp(new Stack(new App(), 'Test'), 'Shop', { functionDefaults: defaults as FunctionDefaults } as EventAppProps));
    expect(error.code).toBe(ErrorCode.RESERVED_PROP);
    expect(error.message).toContain(`functionDefaults.${option}`);
    expect(error.value).toBe(option);
  });
});

test('a handler in Lambda\'s file.export form is refused with the export name to use', () => {
  const app = new EventApp(new Stack(new App(), 'Test'), 'Shop');
  const error = thrown(() => app.addFunction('Fn', { entry: HELLO, handler: 'index.main' }));
  expect(error.code).toBe(ErrorCode.INVALID_PROPS);
  expect(error.fix).toContain('"main"');
});
