/**
 * Writes a minimal cloud assembly serving one handler folder behind an HTTP API route, as CDK
 * would synthesize it (no CDK needed): what the benchmarks run Switchyard on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A function of the generated assembly. */
export interface BenchFunction {
  readonly id: string;
  readonly handler: string;
  readonly reservedConcurrency?: number;
  /** @default 'nodejs20.x' */
  readonly runtime?: string;
}

/** What to put in the assembly. */
export interface BenchAssembly {
  readonly handlerDir: string;
  readonly functions: readonly BenchFunction[];
  /** `GET /hello` -> function id. */
  readonly routes?: Readonly<Record<string, string>>;
  /** Rules on a custom bus `bench`: pattern and target function id. */
  readonly rules?: ReadonlyArray<{ readonly id: string; readonly pattern: object; readonly target: string }>;
}

/** Writes the assembly to `outdir` and returns it. */
export function writeAssembly(outdir: string, spec: BenchAssembly): string {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const hash = 'benchhandler';
  fs.cpSync(spec.handlerDir, path.join(outdir, `asset.${hash}`), { recursive: true });
  const resources: Record<string, unknown> = {};
  for (const f of spec.functions) {
    resources[f.id] = {
      Type: 'AWS::Lambda::Function',
      Properties: { Code: { S3Bucket: 'b', S3Key: `${hash}.zip` }, Handler: f.handler, Runtime: f.runtime ?? 'nodejs20.x', Timeout: 10, ReservedConcurrentExecutions: f.reservedConcurrency },
    };
  }
  if (spec.routes) {
    resources.Api = { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'bench', ProtocolType: 'HTTP' } };
    resources.Stage = { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: '$default', AutoDeploy: true } };
    for (const [i, [routeKey, fn]] of Object.entries(spec.routes).entries()) {
      resources[`Integration${i}`] = { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'Api' }, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': [fn, 'Arn'] }, PayloadFormatVersion: '2.0' } };
      resources[`Route${i}`] = { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'Api' }, RouteKey: routeKey, Target: { 'Fn::Join': ['', ['integrations/', { Ref: `Integration${i}` }]] } } };
    }
  }
  if (spec.rules) {
    resources.Bus = { Type: 'AWS::Events::EventBus', Properties: { Name: 'bench' } };
    for (const r of spec.rules) {
      resources[r.id] = { Type: 'AWS::Events::Rule', Properties: { EventBusName: { Ref: 'Bus' }, EventPattern: r.pattern, Targets: [{ Id: 'T', Arn: { 'Fn::GetAtt': [r.target, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } }] } };
    }
  }
  fs.writeFileSync(path.join(outdir, 'Bench.template.json'), JSON.stringify({ Resources: resources }, null, 1));
  fs.writeFileSync(path.join(outdir, 'Bench.assets.json'), JSON.stringify({ version: '55.0.0', files: { [hash]: { source: { path: `asset.${hash}`, packaging: 'zip' }, destinations: {} } } }));
  fs.writeFileSync(
    path.join(outdir, 'manifest.json'),
    JSON.stringify({
      version: '55.0.0',
      artifacts: {
        'Bench.assets': { type: 'cdk:asset-manifest', properties: { file: 'Bench.assets.json' } },
        Bench: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Bench.template.json' }, dependencies: ['Bench.assets'] },
      },
    }),
  );
  return outdir;
}
