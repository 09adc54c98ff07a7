import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ErrorCode, EventApp, EventAppProps, SwitchyardError } from '../../lib';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';

function synth(build: (app: EventApp, stack: Stack) => void, props?: EventAppProps): Template {
  const stack = new Stack(new App(), 'Test');
  build(new EventApp(stack, 'App', props), stack);
  return Template.fromStack(stack);
}

const aliasRef = (fn: string) => ({ Ref: Match.stringLikeRegexp(`Functions${fn}Live[0-9A-F]{8}$`) });

describe('safe deployment of one function', () => {
  let hook!: lambda.IFunction;
  const template = synth((app) => {
    hook = app.addFunction('Smoke', OTHER);
    app.addFunction('Hello', { entry: HELLO, deployment: { preTrafficHook: hook, postTrafficHook: hook } });
    app.addRoute('GET /hello', 'Hello');
    app.addSubscription('OnPlaced', { pattern: { source: ['shop'] }, handler: 'Hello' });
    app.addRoute('GET /other', { entry: OTHER });
  });

  test('a live alias on the current version', () => {
    template.resourceCountIs('AWS::Lambda::Alias', 1);
    template.resourceCountIs('AWS::Lambda::Version', 1);
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionName: { Ref: Match.stringLikeRegexp('FunctionsHello[0-9A-F]{8}$') },
      FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('FunctionsHelloCurrentVersion'), 'Version'] },
    });
  });

  test('CodeDeploy shifts the alias in a 10% canary and rolls back on the errors alarm', () => {
    template.hasResource('AWS::Lambda::Alias', {
      UpdatePolicy: {
        CodeDeployLambdaAliasUpdate: {
          ApplicationName: { Ref: Match.stringLikeRegexp('DeploymentsApplication') },
          DeploymentGroupName: { Ref: Match.stringLikeRegexp('DeploymentsHello') },
          BeforeAllowTrafficHook: { Ref: Match.stringLikeRegexp('FunctionsSmoke') },
          AfterAllowTrafficHook: { Ref: Match.stringLikeRegexp('FunctionsSmoke') },
        },
      },
    });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: Match.stringLikeRegexp('MonitoringHelloErrors') } }] },
      AutoRollbackConfiguration: { Enabled: true, Events: Match.arrayWith(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) },
    });
  });

  test('the hook may report its verdict to the deployment group', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'codedeploy:PutLifecycleEventHookExecutionStatus' })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('FunctionsSmokeServiceRole') }],
    });
  });

  test('the route integration and its permission target the alias', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationUri: aliasRef('Hello') });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'apigateway.amazonaws.com', FunctionName: aliasRef('Hello') });
    // A function without deployment is still integrated directly.
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationUri: { 'Fn::GetAtt': [Match.stringLikeRegexp('FunctionsGetOther'), 'Arn'] } });
  });

  test('the rule target, its permission and the async failure destination are on the alias', () => {
    template.hasResourceProperties('AWS::Events::Rule', { Targets: [Match.objectLike({ Arn: aliasRef('Hello') })] });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', FunctionName: aliasRef('Hello') });
    // The qualifier is the alias name, taken from the alias ARN (arn:aws:lambda:region:account:function:name:live).
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      Qualifier: { 'Fn::Select': [7, { 'Fn::Split': [':', aliasRef('Hello')] }] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('OnPlacedDeadLetters'), 'Arn'] } } },
    });
  });
});

describe('app-wide safe deployment', () => {
  const template = synth(
    (app) => {
      app.addFunction('A', HELLO);
      app.addFunction('B', { entry: OTHER, deployment: { config: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE, aliasName: 'prod' } });
      app.addFunction('C', { entry: OTHER, deployment: false });
    },
    { functionDefaults: { deployment: true } },
  );

  test('every function but the one that opts out gets a deployment group', () => {
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 2);
    template.resourceCountIs('AWS::Lambda::Alias', 2);
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'prod', FunctionName: { Ref: Match.stringLikeRegexp('FunctionsB') } });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute' });
  });

  test('one CodeDeploy application and one service role are shared', () => {
    template.resourceCountIs('AWS::CodeDeploy::Application', 1);
    const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'codedeploy.amazonaws.com' } })] } } });
    expect(Object.keys(roles)).toHaveLength(1);
    const role = Object.values(roles)[0];
    expect(JSON.stringify(role.Properties.ManagedPolicyArns).match(/AWSCodeDeployRoleForLambdaLimited/g)).toHaveLength(1);
  });
});

describe('provisioned concurrency', () => {
  const template = synth((app) => {
    app.addFunction('Hot', { entry: HELLO, provisionedConcurrency: { min: 2, max: 10, utilization: 0.6 } });
    app.addFunction('Fixed', { entry: OTHER, provisionedConcurrency: { min: 1 } });
    app.addRoute('GET /hot', 'Hot');
  });

  test('lives on the alias, without a deployment group', () => {
    template.hasResourceProperties('AWS::Lambda::Alias', { FunctionName: { Ref: Match.stringLikeRegexp('FunctionsHot') }, ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    template.hasResourceProperties('AWS::Lambda::Alias', { FunctionName: { Ref: Match.stringLikeRegexp('FunctionsFixed') }, ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 1 } });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationUri: aliasRef('Hot') });
  });

  test('scales on utilization between min and max; a fixed amount does not scale', () => {
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 10,
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      ServiceNamespace: 'lambda',
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
        TargetValue: 0.6,
      },
    });
  });
});

describe('safe deployment without monitoring', () => {
  test('creates the errors alarm that rolls back', () => {
    const t = synth((app) => app.addFunction('Hello', { entry: HELLO, deployment: true }), { monitoring: false });
    t.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    t.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { AlarmConfiguration: { Enabled: true, Alarms: [{ Name: { Ref: Match.stringLikeRegexp('DeploymentsHelloErrors') } }] } });
  });
});

describe('invalid settings fail at synth', () => {
  const cases: Array<[string, ErrorCode, EventAppProps['functionDefaults']]> = [
    ['provisioned concurrency of 0', ErrorCode.OUT_OF_RANGE, { provisionedConcurrency: { min: 0 } }],
    ['max below min', ErrorCode.OUT_OF_RANGE, { provisionedConcurrency: { min: 5, max: 2 } }],
    ['utilization over 0.9', ErrorCode.OUT_OF_RANGE, { provisionedConcurrency: { min: 1, max: 4, utilization: 0.95 } }],
    ['more provisioned than reserved', ErrorCode.INVALID_PROPS, { reservedConcurrentExecutions: 3, provisionedConcurrency: { min: 1, max: 4 } }],
    ['an all-digit alias name', ErrorCode.INVALID_PROPS, { deployment: { aliasName: '42' } }],
  ];
  test.each(cases)('%s', (_name, code, defaults) => {
    const build = () => new EventApp(new Stack(new App(), 'Test'), 'App', { functionDefaults: defaults }).addFunction('Hello', HELLO);
    expect(build).toThrow(SwitchyardError);
    expect(build).toThrow(expect.objectContaining({ code, constructPath: expect.stringContaining('Hello') }));
  });
});

describe('no version churn', () => {
  // Handlers in a scratch folder so that the test can edit them; absolute entries.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'churn-'));
  const entry = (name: string) => path.join(dir, `${name}.ts`);
  const write = (name: string, body: string) => fs.writeFileSync(entry(name), `export const handler = async () => ${body};\n`);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const synthesize = (extra?: (stack: Stack) => void) => {
    const stack = new Stack(new App(), 'Test');
    const app = new EventApp(stack, 'App');
    app.addFunction('Safe', { entry: entry('safe'), deployment: true });
    app.addFunction('Neighbour', { entry: entry('neighbour'), deployment: true });
    extra?.(stack);
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
    const versions = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::Lambda::Version');
    const keyOf = (fn: string) => JSON.stringify(Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.includes(fn))![1].Properties.Code);
    return { safe: versions.find((id) => id.includes('Safe'))!, neighbour: versions.find((id) => id.includes('Neighbour'))!, neighbourCode: keyOf('Neighbour') };
  };

  test('a version changes with its own code only', () => {
    write('safe', '"safe"');
    write('neighbour', '"v1"');
    const before = synthesize();

    write('neighbour', '"v2"');
    const neighbourEdited = synthesize();
    expect(neighbourEdited.neighbourCode).not.toEqual(before.neighbourCode); // the edit reached the template...
    expect(neighbourEdited.neighbour).not.toEqual(before.neighbour); // ...and published a new neighbour version...
    expect(neighbourEdited.safe).toEqual(before.safe); // ...but not a new version of this one

    const unrelated = synthesize((stack) => new sqs.Queue(stack, 'Unrelated'));
    expect(unrelated.safe).toEqual(before.safe);

    write('safe', '"safe, edited"');
    expect(synthesize().safe).not.toEqual(before.safe);
  });
});
