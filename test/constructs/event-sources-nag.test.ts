/**
 * Queues, table streams and idempotency pass cdk-nag's AwsSolutions and Serverless packs with
 * nothing unacknowledged, with and without a customer-managed key, and every
 * acknowledgement states its reason.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EventApp } from '../../lib';

const HELLO = 'test/fixtures/handlers/hello.ts';
const OTHER = 'test/fixtures/handlers/other.ts';

test.each([
  ['SSE-SQS and DynamoDB-owned keys', false],
  ["the app's customer-managed key", true],
])('no unacknowledged finding with %s', (_name, withKey) => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
  try {
    const nagApp = new App({ outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
    const stack = new Stack(nagApp, 'Test');
    const encryptionKey = withKey ? new kms.Key(stack, 'Key', { enableKeyRotation: true }) : undefined;
    const app = new EventApp(stack, 'App', { idempotency: true, encryptionKey, http: { auth: 'iam' } });
    app.addQueue('Orders', { handler: { entry: HELLO, timeout: Duration.seconds(20) }, filters: [{ body: { status: ['placed'] } }] });
    app.addQueue('Payments', { handler: OTHER, fifo: true });
    app.addSubscription('BufferOrders', { pattern: { source: ['shop.orders'] }, queue: 'Orders' });
    app.addSubscription('BufferPayments', { pattern: { source: ['shop.payments'] }, queue: 'Payments', messageGroupId: 'payments' });
    app.addRoute('POST /orders', { queue: 'Orders' });
    app.addTable('Items', { partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } });
    app.addTableStream('IndexItems', { table: 'Items', handler: OTHER });
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp), new ServerlessChecks(nagApp));
    expect(() => nagApp.synth()).not.toThrow();
    const reportFile = path.join(outdir, 'validation-report.json');
    const report = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : '{"pluginReports":[]}';
    const errors = (JSON.parse(report) as { pluginReports: Array<{ violations: Array<{ severity: string; ruleName: string }> }> }).pluginReports.flatMap((r) => r.violations.filter((v) => v.severity === 'error').map((v) => v.ruleName));
    expect(errors).toEqual([]);
    expect(report).not.toMatch(/"reason":\s*""/);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
