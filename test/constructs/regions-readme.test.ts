/**
 * The README's two-region example runs as written: its code block is compiled and run (with
 * `switchyard` resolved to this repository), and the app it makes has what the section says.
 * It is also checked with cdk-nag's AwsSolutions and Serverless packs, as the example shop is.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { transform } from 'sucrase';
import * as switchyard from '../../lib';

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Two regions: global endpoint and failover'));
const example = /```ts\n([\s\S]*?)```/.exec(section)![1]!;

/** Runs the example as a CommonJS module and returns the CDK App it made, with an outdir of ours. */
function runExample(outdir: string): App {
  const { code } = transform(example, { transforms: ['typescript', 'imports'] });
  const cdk = { ...require('aws-cdk-lib'), App: class extends App { constructor() { super({ outdir, context: { 'aws:cdk:enable-path-metadata': true } }); } } };
  const modules: Record<string, unknown> = { 'aws-cdk-lib': cdk, switchyard };
  const made: { app?: App } = {};
  new Function('require', 'exports', 'made', `${code}\nmade.app = app;`)((name: string) => modules[name] ?? require(name), {}, made);
  return made.app!;
}

describe("the README's two-region example", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-regions-readme-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const app = runExample(outdir);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  app.synth();
  const stacks = app.node.findAll().filter((c): c is Stack => c instanceof Stack);

  test('makes a stack per region, the global endpoint in the primary, a failover record in each', () => {
    expect(stacks.map((s) => [s.stackName, s.region])).toEqual([['Shop-us-west-2', 'us-west-2'], ['Shop-us-east-1', 'us-east-1']]);
    const [secondary, primary] = stacks.map((s) => Template.fromStack(s));
    primary.resourceCountIs('AWS::Events::Endpoint', 1);
    secondary.resourceCountIs('AWS::Events::Endpoint', 0);
    primary.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'api.shop.example.com.', Failover: 'PRIMARY', SetIdentifier: 'us-east-1' });
    secondary.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'api.shop.example.com.', Failover: 'SECONDARY', SetIdentifier: 'us-west-2' });
    for (const t of [primary, secondary]) t.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ Type: 'HTTPS', ResourcePath: '/health' }) });
  });

  test('cdk-nag AwsSolutions and Serverless packs report no unacknowledged error, and every acknowledgment has a reason', () => {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const unsuppressed = report.pluginReports.flatMap((r: { violations: Array<{ severity: string; ruleName: string; violatingResources: unknown[] }> }) => r.violations.filter((v) => v.severity === 'error'));
    expect(unsuppressed).toEqual([]);
    expect(JSON.stringify(report)).not.toMatch(/"reason":\s*""/);
  });
});
