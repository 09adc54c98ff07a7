import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ShopStack } from '../../bin/shop-stack';
import { normalizeTemplate, templateSerializer } from '../../lib/testing';

expect.addSnapshotSerializer(templateSerializer);

// Fail on CloudFormation schema findings instead of printing them.
const STRICT = { '@aws-cdk/core:validateAgainstDefaultRules': true };

describe('example shop', () => {
  const app = new App({ context: STRICT });
  const stack = new ShopStack(app, 'Shop');
  const template = Template.fromStack(stack);

  test('snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('has the routes, subscriptions and schedule the README describes', () => {
    template.resourceCountIs('AWS::Lambda::Function', 6);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties.RouteKey);
    expect(routes.sort()).toEqual(['GET /orders/{id}', 'POST /orders']);
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => r.Properties.EventPattern?.['detail-type']?.[0]);
    expect(rules.sort()).toEqual(['OrderPlaced', 'OrderPlaced', 'StockReserved']);
    // The nightly report runs on EventBridge Scheduler, at 02:00 UTC.
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).map((s) => [s.Properties.ScheduleExpression, s.Properties.ScheduleExpressionTimezone]);
    expect(schedules).toEqual([['cron(0 2 * * ? *)', 'Etc/UTC']]);
  });

  test('cdk-nag AwsSolutions and Serverless packs report no unacknowledged error', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
    const nagApp = new App({ outdir, context: STRICT });
    new ShopStack(nagApp, 'Shop');
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp), new ServerlessChecks(nagApp));
    expect(() => nagApp.synth()).not.toThrow();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const unsuppressed = report.pluginReports.flatMap((r: { violations: Array<{ severity: string; ruleName: string }> }) => r.violations.filter((v) => v.severity === 'error'));
    expect(unsuppressed).toEqual([]);
    // Every acknowledgment carries a reason.
    const acknowledged = JSON.stringify(report);
    expect(acknowledged).not.toMatch(/"reason":\s*""/);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});

describe('the snapshot serializer', () => {
  test('a handler code change does not change the normalized template', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'snap-'));
    const cwd = process.cwd();
    try {
      // Two copies of the example, one with an edited handler, each synthesized from its own root.
      const synthCopy = (name: string, edit?: (dir: string) => void): object => {
        const dir = path.join(work, name);
        fs.cpSync(path.join(cwd, 'lambdas'), path.join(dir, 'lambdas'), { recursive: true });
        // Handlers import zod and switchyard/runtime (resolved to lib/ by tsconfig.json's paths).
        for (const file of ['package.json', 'tsconfig.json']) fs.copyFileSync(path.join(cwd, file), path.join(dir, file));
        for (const link of ['node_modules', 'lib']) fs.symlinkSync(path.join(cwd, link), path.join(dir, link));
        edit?.(dir);
        process.chdir(dir);
        try {
          return Template.fromStack(new ShopStack(new App(), 'Shop')).toJSON();
        } finally {
          process.chdir(cwd);
        }
      };
      const before = synthCopy('a');
      const after = synthCopy('b', (dir) => fs.appendFileSync(path.join(dir, 'lambdas', 'get-order.ts'), '\nexport const edited = Date.now();\n'));
      expect(JSON.stringify(after)).not.toEqual(JSON.stringify(before)); // the raw templates differ...
      expect(normalizeTemplate(after)).toEqual(normalizeTemplate(before)); // ...the normalized ones do not
    } finally {
      process.chdir(cwd);
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  test('distinct hashes stay distinct and shared ones stay shared', () => {
    const a = 'a'.repeat(64);
    const b = 'b'.repeat(64);
    const normalized = normalizeTemplate({ Resources: { X: { Properties: { Key: `${a}.zip`, Other: `${b}.zip`, Same: a } } } });
    expect(normalized).toEqual({ Resources: { X: { Properties: { Key: '[HASH 1].zip', Other: '[HASH 2].zip', Same: '[HASH 1]' } } } });
  });
});
