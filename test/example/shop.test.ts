import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
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

  describe('stock reservations go through a queue', () => {
    const { app: shop } = stack;
    const reservations = shop.queues.StockReservations;
    const queueArn = stack.resolve(reservations.queue.queueArn);
    const ruleArn = stack.resolve(shop.rules.ReserveStockOnOrderPlaced.ruleArn);
    const reserveFn = stack.resolve((shop.functions.ReserveStock as lambda.Function).functionName);
    const reserveRole = stack.resolve((shop.functions.ReserveStock as lambda.Function).role!.roleName);
    const statements = (type: string, match: (resource: { [key: string]: any }) => boolean) =>
      Object.values(template.findResources(type)).filter(match).flatMap((r) => (r.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement);

    test('the subscription sends OrderPlaced to the queue, with retries and its own dead-letter queue, and invokes nothing', () => {
      const rule = template.toJSON().Resources[stack.getLogicalId(shop.rules.ReserveStockOnOrderPlaced.node.defaultChild as CfnElement)];
      expect(rule.Properties.EventPattern).toEqual({ source: ['shop.orders'], 'detail-type': ['OrderPlaced'] });
      expect(rule.Properties.Targets).toEqual([
        { Id: expect.any(String), Arn: queueArn, RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: { Arn: expect.objectContaining({ 'Fn::GetAtt': expect.any(Array) }) } },
      ]);
      expect(rule.Properties.Targets[0].DeadLetterConfig.Arn).not.toEqual(stack.resolve(reservations.deadLetterQueue.queueArn));
      // EventBridge no longer invokes ReserveStock (as it still invokes NotifyCustomer): no permission, no asynchronous invoke config.
      const naming = (type: string, fn: string) => Object.values(template.findResources(type)).filter((r) => JSON.stringify(r.Properties.FunctionName).includes(`"${fn}"`));
      const [reserveId, notifyId] = [reserveFn.Ref, stack.resolve((shop.functions.NotifyCustomer as lambda.Function).functionName).Ref];
      expect(naming('AWS::Lambda::Permission', notifyId).map((p) => p.Properties.Principal)).toEqual(['events.amazonaws.com']);
      expect(naming('AWS::Lambda::EventInvokeConfig', notifyId)).toHaveLength(1);
      expect(naming('AWS::Lambda::Permission', reserveId)).toEqual([]);
      expect(naming('AWS::Lambda::EventInvokeConfig', reserveId)).toEqual([]);
    });

    test('only that rule may send to the queue, over TLS', () => {
      const policy = statements('AWS::SQS::QueuePolicy', (r) => JSON.stringify(r.Properties.Queues) === JSON.stringify([stack.resolve(reservations.queue.queueUrl)]));
      expect(policy).toEqual([
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } }, Resource: queueArn }),
        expect.objectContaining({ Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } }, Resource: queueArn }),
      ]);
      // No role of the app may send to it or read it, but its consumer's.
      const roles = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes(JSON.stringify(queueArn)));
      expect(roles.map((p) => p.Properties.Roles)).toEqual([[reserveRole]]);
    });

    test('the queue: encrypted, redriven to an alarmed dead-letter queue after 5 receives, hidden 6 x the consumer timeout', () => {
      const dlqArn = stack.resolve(reservations.deadLetterQueue.queueArn);
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 60, // ReserveStock's 10 s timeout, six times, as AWS advises
        RedrivePolicy: { deadLetterTargetArn: dlqArn, maxReceiveCount: 5 },
      });
      const dlqName = { 'Fn::GetAtt': [dlqArn['Fn::GetAtt'][0], 'QueueName'] };
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: dlqName }], Threshold: 1 });
      const queueName = { 'Fn::GetAtt': [queueArn['Fn::GetAtt'][0], 'QueueName'] };
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/SQS', MetricName: 'ApproximateAgeOfOldestMessage', Dimensions: [{ Name: 'QueueName', Value: queueName }], Threshold: 900 });
    });

    test('ReserveStock takes batches of 10 through a mapping with partial batch responses, at most 5 at once', () => {
      const mappings = template.findResources('AWS::Lambda::EventSourceMapping');
      expect(Object.values(mappings).map((m) => m.Properties)).toEqual([
        { EventSourceArn: queueArn, FunctionName: reserveFn, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: 5 } },
      ]);
    });

    test('least privilege: ReserveStock may consume that queue, update and read orders, and publish on the bus; nothing else', () => {
      const policy = statements('AWS::IAM::Policy', (r) => JSON.stringify(r.Properties.Roles) === JSON.stringify([reserveRole]));
      const grants = policy.map((s) => [[s.Action].flat().sort(), s.Resource]);
      expect(grants).toEqual([
        [['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'], // X-Ray takes no resource
        [['events:PutEvents'], stack.resolve(shop.bus.eventBusArn)],
        [['dynamodb:GetItem', 'dynamodb:UpdateItem'], stack.resolve(stack.orders.tableArn)],
        [['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], queueArn],
      ]);
    });
  });

  test('publishers and subscribers agree: no unacknowledged SY121 or SY122 warning', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('^\\[SY12[12]\\]'))).toEqual([]);
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
