import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ErrorCode, EventApp, EventAppProps, HttpAuthorization, SwitchyardError } from '../../lib';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';
const USERS: HttpAuthorization = { jwt: { issuer: 'https://auth.example.com/', audience: ['shop-api'] } };

function build(fn: (app: EventApp) => void, props?: EventAppProps): Stack {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  fn(new EventApp(stack, 'App', props));
  return stack;
}
const synth = (fn: (app: EventApp) => void, props?: EventAppProps) => Template.fromStack(build(fn, props));

function routeNamed(t: Template, key: string): Record<string, unknown> {
  const found = Object.values(t.findResources('AWS::ApiGatewayV2::Route')).find((r) => r.Properties.RouteKey === key);
  if (!found) throw new Error(`no route ${key}`);
  return found.Properties;
}

describe('HTTP authorization', () => {
  test('JWT: one authorizer for the issuer and audience, per-route scopes, explicit opt-out', () => {
    const t = synth(
      (app) => {
        app.addRoute('POST /orders', HELLO, { scopes: ['orders:write'] });
        app.addRoute('GET /orders/{id}', OTHER);
        app.addRoute('GET /health', { entry: HELLO }, { auth: 'none' });
      },
      { http: { auth: USERS } },
    );
    t.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://auth.example.com/', Audience: ['shop-api'] },
    });
    expect(routeNamed(t, 'POST /orders')).toMatchObject({ AuthorizationType: 'JWT', AuthorizationScopes: ['orders:write'], AuthorizerId: { Ref: expect.any(String) } });
    expect(routeNamed(t, 'GET /orders/{id}')).toMatchObject({ AuthorizationType: 'JWT' });
    expect(routeNamed(t, 'GET /orders/{id}').AuthorizationScopes).toBeUndefined();
    // Public only because it says so.
    expect(routeNamed(t, 'GET /health')).toMatchObject({ AuthorizationType: 'NONE' });
    expect(routeNamed(t, 'GET /health').AuthorizerId).toBeUndefined();
  });

  test('the routes map takes route options, and scopes on the default authorization apply to every route', () => {
    const t = synth(() => undefined, {
      http: { auth: { ...USERS, scopes: ['shop'] } as HttpAuthorization },
      routes: { 'POST /orders': { function: HELLO, scopes: ['orders:write', 'orders:admin'] }, 'GET /orders': OTHER },
    });
    expect(routeNamed(t, 'POST /orders').AuthorizationScopes).toEqual(['orders:write', 'orders:admin']);
    expect(routeNamed(t, 'GET /orders').AuthorizationScopes).toEqual(['shop']);
  });

  test('IAM routes need SigV4 and no authorizer resource', () => {
    const t = synth((app) => app.addRoute('POST /internal', HELLO, { auth: 'iam' }));
    expect(routeNamed(t, 'POST /internal')).toMatchObject({ AuthorizationType: 'AWS_IAM' });
    t.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });

  test('Lambda authorizer: simple responses, identity sources, cache TTL, one function and invoke permission', () => {
    const auth: HttpAuthorization = { lambda: { handler: OTHER, identitySource: ['$request.header.X-Api-Key', '$request.querystring.tenant'], resultsCacheTtl: Duration.seconds(30) } };
    const t = synth((app) => {
      app.addRoute('GET /a', HELLO, { auth });
      app.addRoute('GET /b', HELLO, { auth });
    });
    t.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.X-Api-Key', '$request.querystring.tenant'],
      AuthorizerResultTtlInSeconds: 30,
    });
    expect(routeNamed(t, 'GET /a')).toMatchObject({ AuthorizationType: 'CUSTOM' });
    // GetA, GetB and one Authorizer shared by both routes.
    t.resourceCountIs('AWS::Lambda::Function', 3);
    t.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'apigateway.amazonaws.com', FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('Authorizer'), 'Arn'] } });
  });

  test('no default and no route setting leaves the route without authorization (cdk-nag reports it)', () => {
    const t = synth((app) => app.addRoute('GET /open', HELLO));
    expect(routeNamed(t, 'GET /open').AuthorizationType).toBe('NONE');
  });
});

describe('CORS', () => {
  test('the configuration lands on the API', () => {
    const t = synth((app) => app.addRoute('GET /x', HELLO), {
      http: {
        cors: {
          allowOrigins: ['https://app.example.com', 'http://localhost:5173'],
          allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST],
          allowHeaders: ['content-type', 'authorization'],
          allowCredentials: true,
          maxAge: Duration.hours(1),
        },
      },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: ['https://app.example.com', 'http://localhost:5173'],
        AllowMethods: ['GET', 'POST'],
        AllowHeaders: ['content-type', 'authorization'],
        AllowCredentials: true,
        MaxAge: 3600,
      },
    });
  });
});

describe('synth-time rejections', () => {
  const cases: Array<[string, EventAppProps, (app: EventApp) => void, ErrorCode, RegExp]> = [
    ['wildcard origin with credentials', { http: { cors: { allowOrigins: ['*'], allowCredentials: true } } }, (a) => a.addRoute('GET /x', HELLO), ErrorCode.INVALID_CORS, /any origin/],
    ['origin with a path', { http: { cors: { allowOrigins: ['https://app.example.com/'] } } }, (a) => a.addRoute('GET /x', HELLO), ErrorCode.INVALID_CORS, /not a URL origin/],
    ['origin that is not a URL', { http: { cors: { allowOrigins: ['app.example.com'] } } }, (a) => a.addRoute('GET /x', HELLO), ErrorCode.INVALID_CORS, /not a URL origin/],
    ['max age over a day', { http: { cors: { allowOrigins: ['https://a.example'], maxAge: Duration.days(2) } } }, (a) => a.addRoute('GET /x', HELLO), ErrorCode.INVALID_CORS, /max age/],
    ['JWT issuer not https', { http: { auth: { jwt: { issuer: 'http://auth.example.com', audience: ['a'] } } } }, (a) => a.addRoute('GET /x', HELLO), ErrorCode.INVALID_AUTH, /https URL/],
    ['JWT without audience', { http: { auth: { jwt: { issuer: 'https://auth.example.com', audience: [] } } } }, (a) => a.addRoute('GET /x', HELLO), ErrorCode.INVALID_AUTH, /audience/],
    ['scope with a space', { http: { auth: USERS } }, (a) => a.addRoute('GET /x', HELLO, { scopes: ['orders write'] }), ErrorCode.INVALID_AUTH, /scope/],
    ['scopes on an IAM route', {}, (a) => a.addRoute('GET /x', HELLO, { auth: 'iam', scopes: ['a'] }), ErrorCode.INVALID_AUTH, /only JWT/],
    ['scopes without any authorization', {}, (a) => a.addRoute('GET /x', HELLO, { scopes: ['a'] }), ErrorCode.INVALID_AUTH, /only JWT/],
    ['authorizer cache over an hour', {}, (a) => a.addRoute('GET /x', HELLO, { auth: { lambda: { handler: OTHER, resultsCacheTtl: Duration.hours(2) } } }), ErrorCode.INVALID_AUTH, /1 hour/],
    ['bad identity source', {}, (a) => a.addRoute('GET /x', HELLO, { auth: { lambda: { handler: OTHER, identitySource: ['header.Authorization'] } } }), ErrorCode.INVALID_AUTH, /identity source/],
    ['secret given by value-like name', {}, (a) => a.addFunction('F', { entry: HELLO, secrets: { key: 'not a name!' } }), ErrorCode.INVALID_SECRET, /secret name/],
    ['bad getSecret name', {}, (a) => a.addFunction('F', { entry: HELLO, secrets: { 'api-key': 'shop/key' } }), ErrorCode.INVALID_SECRET, /getSecret/],
  ];
  test.each(cases)('%s', (_name, props, fn, code, message) => {
    let thrown: unknown;
    try {
      build(fn, props);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SwitchyardError);
    expect((thrown as SwitchyardError).code).toBe(code);
    expect((thrown as SwitchyardError).message).toMatch(message);
    expect((thrown as SwitchyardError).message).toMatch(/Fix: /);
  });
});

describe('secrets', () => {
  test('read access to exactly the named secret and parameter, names in the environment, never values', () => {
    const stack = build((app) => {
      const key = kms.Key.fromKeyArn(app, 'ParamKey', 'arn:aws:kms:eu-west-1:123456789012:key/1111');
      app.addFunction('F', { entry: HELLO, secrets: { paymentApiKey: 'shop/payment-api-key', dbPassword: { parameterName: '/shop/db-password', encryptionKey: key } } });
      app.addFunction('G', OTHER);
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SWITCHYARD_SECRETS: JSON.stringify({ paymentApiKey: { service: 'secretsmanager', id: 'shop/payment-api-key' }, dbPassword: { service: 'ssm', id: '/shop/db-password' } }) }) },
    });
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('secretsmanager:GetSecretValue');
    expect(policies).toContain(':secret:shop/payment-api-key-??????');
    expect(policies).toContain('ssm:GetParameter');
    expect(policies).toContain(':parameter/shop/db-password');
    expect(policies).toContain('"kms:ViaService":"ssm.eu-west-1.amazonaws.com"');
    expect(policies).not.toContain('secretsmanager:*');
    expect(policies).not.toContain('DescribeSecret');
    // G got nothing.
    const g = Object.values(t.findResources('AWS::Lambda::Function')).find((f) => !f.Properties.Environment?.Variables?.SWITCHYARD_SECRETS);
    expect(g).toBeDefined();
  });

  test('an ISecret with a full ARN is granted on that ARN', () => {
    const t = synth((app) => {
      const secret = secretsmanager.Secret.fromSecretCompleteArn(app, 'S', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/token-AbCdEf');
      app.addFunction('F', { entry: HELLO, secrets: { token: secret } });
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/token-AbCdEf' }]) },
    });
  });

  test.each([
    ['STRIPE_API_KEY', 'x', true],
    ['DB_PASSWORD', 'hunter2', true],
    ['CLIENT_SECRET', 'x', true],
    ['GITHUB_TOKEN', 'x', true],
    ['SOME_VALUE', 'AKIAABCDEFGHIJKLMNOP', true],
    ['CERT', '-----BEGIN RSA PRIVATE KEY-----\nabc', true],
    ['ORDERS_TABLE', 'orders', false],
    ['TOKEN_TABLE_NAME', 'tokens', false],
  ])('environment variable %s=%s warns: %s', (name, value, warns) => {
    const stack = build((app) => app.addFunction('F', { entry: HELLO, environment: { [name]: value } }));
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('credential'));
    expect(warnings.length).toBe(warns ? 1 : 0);
    if (warns) expect(JSON.stringify(warnings[0].entry.data)).toMatch(/Fix: store it in Secrets Manager/);
  });
});

describe('encryption', () => {
  test('dead-letter queues and log groups use the app key, whose policy lets EventBridge and CloudWatch Logs use it', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const app = new EventApp(stack, 'App', { encryptionKey: key });
    app.addFunction('F', HELLO);
    app.addRoute('GET /x', OTHER);
    app.addSchedule('Tick', { schedule: 'rate(5 minutes)', handler: 'F' });
    const t = Template.fromStack(stack);
    const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
    t.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    t.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const policy = JSON.stringify(t.findResources('AWS::KMS::Key')[keyId].Properties.KeyPolicy);
    expect(policy).toContain('events.amazonaws.com');
    expect(policy).toContain('kms:GenerateDataKey');
    expect(policy).toContain('logs.eu-west-1.amazonaws.com');
    expect(policy).toContain('kms:EncryptionContext:aws:logs:arn');
  });
});
