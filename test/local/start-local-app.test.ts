/** `startLocalApp({ stack })`, the in-process entry for users' jest tests. */
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { startLocalApp } from '../../lib/testing/local-app';

test('a stack built in the test is synthesized, served on ephemeral ports, and stopped', async () => {
  const app = new App();
  const stack = new Stack(app, 'InTest');
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'http.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, 'fixtures', 'handlers')),
    environment: { GREETING: 'from the test' },
  });
  new apigw.HttpApi(stack, 'Api', { defaultIntegration: new HttpLambdaIntegration('Fallback', fn) });
  const local = await startLocalApp({ stack });
  try {
    expect(local.urls).toHaveLength(1);
    expect(local.urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${local.urls[0]}/anything`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { env: { GREETING: string } }).env.GREETING).toBe('from the test');
    expect(local.clientConfig.endpoint).toBe(local.awsEndpoint);
  } finally {
    await local.stop();
  }
  await expect(fetch(`${local.urls[0]}/anything`)).rejects.toThrow();
});
