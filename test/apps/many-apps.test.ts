/**
 * The README's "Many apps" examples are true: each code block is a file of the many-apps fixture
 * project, and the project synthesizes, with
 * cdk.json as a user runs it, to the stacks the README describes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { codeBlock } from '../quickstart/support/readme';
import { synthProject } from '../local/helpers';

const repo = path.resolve(__dirname, '../..');
const project = path.join(__dirname, 'fixtures', 'many-apps');
const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Many apps: discovery and cross-app events'));

test.each([
  ['importing an app by name', '### Importing an app by name', 'test/apps/fixtures/many-apps/bin/import-by-name.ts'],
  ['a handler finding an app by name', 'sends by ARN', 'test/apps/fixtures/many-apps/lambdas/notify.ts'],
  ['the shared events', 'Both apps import the same event definitions', 'test/apps/fixtures/many-apps/lambdas/events.ts'],
  ['one CDK app', 'One CDK app with both apps', 'test/apps/fixtures/many-apps/bin/many-apps.ts'],
  ['two CDK apps', 'Two CDK apps (two teams', 'test/apps/fixtures/many-apps/bin/two-cdk-apps.ts'],
])("the README's block for %s is the file the tests run", (_case, marker, file) => {
  expect(codeBlock(section, marker, 'ts')).toBe(fs.readFileSync(path.join(repo, file), 'utf8'));
});

test('the one-CDK-app example synthesizes to the shop publishing its endpoints and forwarding OrderPlaced to billing, admitted across accounts', async () => {
  const assembly = await synthProject(project);
  const template = (stack: string) => Template.fromJSON(JSON.parse(fs.readFileSync(path.join(assembly, `${stack}.template.json`), 'utf8')));
  const shop = template('Shop');
  const billing = template('Billing');
  const names = Object.values(shop.findResources('AWS::SSM::Parameter')).map((r) => r.Properties.Name).sort();
  expect(names).toEqual([
    '/switchyard/Shop/api-url',
    '/switchyard/Shop/bus-arn',
    '/switchyard/Shop/bus-name',
    '/switchyard/Shop/events/shop.orders/OrderPlaced',
  ]);
  const billingBusName = Object.values(billing.findResources('AWS::Events::EventBus'))[0]!.Properties.Name as string;
  const forwarding = Object.values(shop.findResources('AWS::Events::Rule')).filter((r) => r.Properties.Targets?.[0]?.RoleArn);
  expect(forwarding.map((r) => [r.Properties.EventPattern, r.Properties.Targets[0].Arn])).toEqual([
    [{ source: ['shop.orders'], 'detail-type': ['OrderPlaced'] }, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:eu-west-1:222222222222:event-bus/${billingBusName}`]] }],
  ]);
  const policies = Object.values(billing.findResources('AWS::Events::EventBusPolicy')).map((p) => p.Properties.Statement.Condition);
  expect(policies).toEqual([{ StringEquals: { 'events:source': ['shop.orders'], 'events:detail-type': ['OrderPlaced'] } }]);
  billing.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['shop.orders'], 'detail-type': ['OrderPlaced'] } });
}, 180_000);
