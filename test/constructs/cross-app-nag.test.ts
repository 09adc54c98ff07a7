/**
 * Discovery and cross-app forwarding pass cdk-nag's AwsSolutions and Serverless packs with
 * nothing unacknowledged: the published parameters, the RAM share, the forwarding rule's role
 * and dead-letter queue, the consumer bus's policy, and a lookup in another region.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { z } from 'zod';
import { EventApp } from '../../lib';
import { defineEvent } from '../../lib/runtime';

const OrderPlaced = defineEvent({ source: 'shop.orders', detailType: 'OrderPlaced', schema: z.object({ orderId: z.string() }) });

test('no unacknowledged finding', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
  try {
    const nagApp = new App({ outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
    const stack = new Stack(nagApp, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const shop = new EventApp(stack, 'Shop', { discovery: { shareWith: ['222222222222'] }, events: [OrderPlaced] });
    shop.forwardEvents('ToBilling', { to: 'arn:aws:events:eu-west-1:222222222222:event-bus/billing', events: [OrderPlaced], roleName: 'shop-to-billing' });
    shop.receiveEvents('FromPartner', { from: { account: '333333333333' }, events: [OrderPlaced] });
    const fn = shop.addFunction('Notify', 'test/fixtures/handlers/hello.ts');
    EventApp.lookup(stack, 'Payments', { region: 'eu-west-1' }).grantPublish(fn);
    Validations.of(nagApp).addPlugins(new AwsSolutionsChecks(nagApp), new ServerlessChecks(nagApp));
    expect(() => nagApp.synth()).not.toThrow();
    const reportFile = path.join(outdir, 'validation-report.json');
    const report = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : '{"pluginReports":[]}';
    const errors = (JSON.parse(report) as { pluginReports: Array<{ violations: Array<{ severity: string; ruleName: string; violatingResources: Array<{ resourceLogicalId: string }> }> }> }).pluginReports.flatMap((r) =>
      r.violations.filter((v) => v.severity === 'error').map((v) => `${v.ruleName} ${v.violatingResources.map((x) => x.resourceLogicalId).join(',')}`),
    );
    expect(errors).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
