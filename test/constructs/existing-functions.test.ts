import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ErrorCode, EventApp, ExistingFunctionOptions } from '../../lib';
import { thrown } from '../support/thrown';

const ENV = { account: '123456789012', region: 'eu-west-1' };

/** A function defined in the stack outside Switchyard (inline code: nothing to bundle). */
function legacyFunction(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Legacy', {
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
  });
}

/** The alarm on `metricName` whose FunctionName dimension is `functionName`. */
function alarmOn(metricName: string, functionName: unknown) {
  return { MetricName: metricName, Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: functionName }] };
}

describe('a lambda.Function of this app, declared with options', () => {
  const stack = new Stack(new App(), 'Test', { env: ENV });
  const legacy = legacyFunction(stack);
  const app = new EventApp(stack, 'Shop');
  const declared = app.addFunction('Legacy', {
    function: legacy,
    publishes: true,
    secrets: { apiKey: 'shop/api-key' },
    environment: { FEATURE_FLAGS: 'on' },
  });
  app.addRoute('GET /legacy', 'Legacy', { auth: 'none' });
  const template = Template.fromStack(stack);
  const legacyRef = { Ref: stack.getLogicalId(legacy.node.defaultChild as lambda.CfnFunction) };

  test('is the same function, by name in functions', () => {
    expect(declared).toBe(legacy);
    expect(app.functions.Legacy).toBe(legacy);
  });

  test('gets the environment of publishing, secrets and its own', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: {
        Variables: {
          FEATURE_FLAGS: 'on',
          SWITCHYARD_BUS_NAME: { Ref: Match.stringLikeRegexp('ShopBus') },
          SWITCHYARD_SECRETS: JSON.stringify({ apiKey: { service: 'secretsmanager', id: 'shop/api-key' } }),
        },
      },
    });
  });

  test('gets the grants on its own role', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'events:PutEvents' }),
          Match.objectLike({
            Action: 'secretsmanager:GetSecretValue',
            Resource: { 'Fn::Join': ['', Match.arrayWith([':secretsmanager:eu-west-1:123456789012:secret:shop/api-key-??????'])] },
          }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^LegacyServiceRole') }],
    });
  });

  test('gets the alarms every function of the app has', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', alarmOn('Errors', legacyRef));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', alarmOn('Throttles', legacyRef));
  });

  test('serves routes that name it', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationUri: { 'Fn::GetAtt': [legacyRef.Ref, 'Arn'] },
    });
  });
});

describe('an imported function', () => {
  function imported(withRole: boolean) {
    const stack = new Stack(new App(), 'Test', { env: ENV });
    const fn = lambda.Function.fromFunctionAttributes(stack, 'Imported', {
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:legacy',
      role: withRole ? iam.Role.fromRoleName(stack, 'ImportedRole', 'legacy-role') : undefined,
      sameEnvironment: true,
    });
    return { stack, fn, app: new EventApp(stack, 'Shop') };
  }

  test('gets grants on its role, alarms, and a warning naming the variables to set where it is defined', () => {
    const { stack, fn, app } = imported(true);
    app.addFunction('Legacy', { function: fn, publishes: true, secrets: { apiKey: 'shop/api-key' } });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'events:PutEvents' }), Match.objectLike({ Action: 'secretsmanager:GetSecretValue' })]) },
      Roles: ['legacy-role'],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', alarmOn('Errors', 'legacy'));
    const warnings = Annotations.fromStack(stack).findWarning('/Test/Imported', Match.stringLikeRegexp('switchyard:environmentNotSet'));
    expect(warnings.map((w) => w.entry.data)).toEqual([
      expect.stringMatching(/lacks SWITCHYARD_BUS_NAME\. Fix: set SWITCHYARD_BUS_NAME to the name of the app's bus/),
      expect.stringMatching(/lacks SWITCHYARD_SECRETS\. Fix: set SWITCHYARD_SECRETS to \{"apiKey":\{"service":"secretsmanager","id":"shop\/api-key"\}\}/),
    ]);
  });

  test('without a known role, CDK names the statement to add to it', () => {
    const { stack, fn, app } = imported(false);
    app.addFunction('Legacy', { function: fn, publishes: true });
    Annotations.fromStack(stack).hasWarning('/Test/Imported', Match.stringLikeRegexp("Add statement to this resource's role.*events:PutEvents"));
  });

  test.each<[string, Partial<ExistingFunctionOptions>]>([
    ['environment', { environment: { A_B: '1' } }],
    ['deployment', { deployment: true }],
    ['provisionedConcurrency', { provisionedConcurrency: { min: 1 } }],
  ])('with %s fails synth: it needs the function definition', (option, options) => {
    const { fn, app } = imported(true);
    const error = thrown(() => app.addFunction('Legacy', { function: fn, ...options }));
    expect(error.code).toBe(ErrorCode.IMPORTED_FUNCTION);
    expect(error.message).toContain(`functions.Legacy: ${option} need a lambda.Function of this app, but Test/Imported is imported or an alias`);
  });
});

test('a lambda.Function of this app can have safe deployment: routes invoke its live alias', () => {
  const stack = new Stack(new App(), 'Test', { env: ENV });
  const legacy = legacyFunction(stack);
  const app = new EventApp(stack, 'Shop', { functions: { Legacy: { function: legacy, deployment: true } } });
  app.addRoute('GET /legacy', 'Legacy', { auth: 'none' });
  const template = Template.fromStack(stack);
  expect(app.live.Legacy.alias.aliasName).toBe('live');
  template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 1);
  template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationUri: { Ref: Match.stringLikeRegexp('^LegacyLive') } });
});

test('options that only a created function takes are refused with the fix', () => {
  const stack = new Stack(new App(), 'Test');
  const app = new EventApp(stack, 'Shop');
  const error = thrown(() => app.addFunction('Legacy', { function: legacyFunction(stack), memorySize: 512 } as ExistingFunctionOptions));
  expect(error.code).toBe(ErrorCode.INVALID_PROPS);
  expect(error.value).toEqual(['memorySize']);
  expect(error.fix).toContain('where Test/Legacy is defined');
});

test('a function given directly to routes and rules is declared once, under the first name, with alarms', () => {
  const stack = new Stack(new App(), 'Test');
  const legacy = legacyFunction(stack);
  const app = new EventApp(stack, 'Shop');
  app.addRoute('GET /a', legacy, { auth: 'none' });
  app.addRoute('GET /b', legacy, { auth: 'none' });
  app.addSubscription('OnOrder', { pattern: { source: ['shop'] }, handler: legacy });
  expect(Object.keys(app.functions)).toEqual(['GetA']);
  expect(app.functions.GetA).toBe(legacy);
  const errorsAlarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Errors' } });
  expect(Object.keys(errorsAlarms)).toEqual([expect.stringMatching(/GetAErrors/)]);
});

test('function options in the routes map are refused rather than dropped', () => {
  const stack = new Stack(new App(), 'Test');
  const legacy = legacyFunction(stack);
  const error = thrown(() => new EventApp(stack, 'Shop', { routes: { 'GET /legacy': { function: legacy, auth: 'none', publishes: true } } }));
  expect(error.code).toBe(ErrorCode.INVALID_PROPS);
  expect(error.value).toEqual(['publishes']);
  expect(error.fix).toContain('functions: { Name: { function: ..., publishes } }');
});
