import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AssemblyError, readAppModel } from '../../lib/model';

/** Writes a minimal hand-made assembly (no CDK): a function whose code is found only through the asset manifest. */
function writeAssembly(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-model-'));
  const hash = 'abc123';
  fs.mkdirSync(path.join(dir, `asset.${hash}`));
  fs.writeFileSync(path.join(dir, `asset.${hash}`, 'index.mjs'), 'export const handler = async () => 1;');
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: '55.0.0',
    artifacts: {
      'App.assets': { type: 'cdk:asset-manifest', properties: { file: 'App.assets.json' } },
      App: { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json', stackName: 'my-app' }, dependencies: ['App.assets'] },
    },
  }));
  fs.writeFileSync(path.join(dir, 'App.assets.json'), JSON.stringify({
    version: '55.0.0',
    files: { [hash]: { source: { path: `asset.${hash}`, packaging: 'zip' }, destinations: { d: { bucketName: 'b', objectKey: `${hash}.zip` } } } },
  }));
  fs.writeFileSync(path.join(dir, 'App.template.json'), JSON.stringify({
    Resources: {
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orders' } },
      Dlq: { Type: 'AWS::SQS::Queue' },
      Fifo: { Type: 'AWS::SQS::Queue', Properties: { FifoQueue: true, VisibilityTimeout: 60 } },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Metadata: { 'switchyard:entry': 'lambdas/fn.ts', 'switchyard:bundling': { format: 'esm' } },
        Properties: {
          Code: { S3Bucket: { 'Fn::Sub': 'cdk-assets-${AWS::AccountId}-${AWS::Region}' }, S3Key: `${hash}.zip` },
          Handler: 'index.handler',
          Runtime: 'nodejs24.x',
          Timeout: 10,
          MemorySize: 512,
          ReservedConcurrentExecutions: 4,
          DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } },
          Environment: { Variables: { BUS: { Ref: 'Bus' }, QUEUE: { Ref: 'Dlq' }, ARN: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${Bus}' } } },
        },
      },
      Inline: { Type: 'AWS::Lambda::Function', Properties: { Code: { ZipFile: 'x' }, Handler: 'index.handler', Runtime: 'nodejs24.x' } },
      Cfg: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'Fn' }, Qualifier: '$LATEST', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } } } },
      Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'api', ProtocolType: 'HTTP', CorsConfiguration: { AllowOrigins: ['*'], AllowMethods: ['get'], MaxAge: 60 } } },
      Integ: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'Api' }, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': ['Fn', 'Arn'] }, PayloadFormatVersion: '2.0', TimeoutInMillis: 5000 } },
      Route: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'Api' }, RouteKey: 'GET /orders/{id}', Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integ' }]] } } },
      Stage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: '$default', AutoDeploy: true } },
      Rule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventBusName: { Ref: 'Bus' },
          EventPattern: { source: ['shop'] },
          Targets: [{ Id: 'T', Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 3 }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } }, InputPath: '$.detail' }],
        },
      },
      Tick: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 minute)', State: 'DISABLED', Targets: [{ Id: 'T', Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] } }] } },
    },
  }));
  return dir;
}

describe('readAppModel', () => {
  const dir = writeAssembly();
  const { model, skipped } = readAppModel(dir, { region: 'eu-west-1', endpointUrl: 'http://127.0.0.1:9999', projectDir: '/proj' });

  test('finds a function and its code through the asset manifest, without aws:asset:path', () => {
    expect(model.functions).toHaveLength(2);
    const fn = model.functions[0];
    expect(fn).toMatchObject({
      name: 'my-app-Fn',
      arn: 'arn:aws:lambda:eu-west-1:000000000000:function:my-app-Fn',
      codeDir: path.join(dir, 'asset.abc123'),
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      timeoutSeconds: 10,
      memoryMb: 512,
      reservedConcurrency: 4,
      source: { entry: '/proj/lambdas/fn.ts', bundling: { format: 'esm' } },
    });
  });

  test('resolves the environment: bus name, queue URL on the local endpoint, Fn::Sub ARN', () => {
    expect(model.functions[0].environment).toEqual({
      BUS: 'orders',
      QUEUE: 'http://127.0.0.1:9999/000000000000/my-app-Dlq',
      ARN: 'arn:aws:events:eu-west-1:000000000000:event-bus/orders',
    });
  });

  test('reads async invoke config and the function DLQ', () => {
    expect(model.functions[0].asyncConfig).toEqual({
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 21600,
      onFailureArn: 'arn:aws:sqs:eu-west-1:000000000000:my-app-Dlq',
      onSuccessArn: undefined,
      deadLetterArn: 'arn:aws:sqs:eu-west-1:000000000000:my-app-Dlq',
    });
  });

  test('reads inline code, which Lambda deploys as index.js', () => {
    expect(skipped).toEqual([]);
    expect(model.unserved).toEqual([]);
    expect(model.functions[1]).toMatchObject({ logicalId: 'Inline', codeDir: '', inlineCode: 'x', handler: 'index.handler' });
  });

  test('reads HTTP APIs with routes, integration settings and CORS', () => {
    expect(model.httpApis).toHaveLength(1);
    expect(model.httpApis[0]).toMatchObject({
      name: 'api',
      stages: ['$default'],
      routes: [{ routeKey: 'GET /orders/{id}', functionLogicalId: 'Fn', payloadFormatVersion: '2.0', timeoutMs: 5000 }],
      cors: { allowOrigins: ['*'], allowMethods: ['GET'], allowHeaders: [], allowCredentials: false, maxAge: 60 },
    });
    expect(model.httpApis[0].apiId).toMatch(/^[a-z0-9]{10}$/);
  });

  test('reads buses (with the default bus), rules with target defaults, schedules and queues', () => {
    expect(model.eventBuses.map((b) => b.name)).toEqual(['default', 'orders']);
    const rule = model.rules.find((r) => r.logicalId === 'Rule')!;
    expect(rule).toMatchObject({
      arn: 'arn:aws:events:eu-west-1:000000000000:rule/orders/my-app-Rule',
      eventBusName: 'orders',
      eventPattern: { source: ['shop'] },
      state: 'ENABLED',
      targets: [{ id: 'T', maximumRetryAttempts: 3, maximumEventAgeInSeconds: 86400, inputPath: '$.detail', deadLetterArn: 'arn:aws:sqs:eu-west-1:000000000000:my-app-Dlq' }],
    });
    const tick = model.rules.find((r) => r.logicalId === 'Tick')!;
    expect(tick).toMatchObject({ eventBusName: 'default', scheduleExpression: 'rate(1 minute)', state: 'DISABLED', arn: 'arn:aws:events:eu-west-1:000000000000:rule/my-app-Tick' });
    expect(model.queues.map((q) => [q.name, q.fifo, q.visibilityTimeoutSeconds])).toEqual([
      ['my-app-Dlq', false, 30],
      ['my-app-Fifo.fifo', true, 60],
    ]);
  });

  test('the model is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  test('a folder without manifest.json is rejected with a clear error', () => {
    expect(() => readAppModel(os.tmpdir() + '/definitely-missing')).toThrow(AssemblyError);
  });
});
