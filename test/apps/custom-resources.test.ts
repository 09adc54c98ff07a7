/**
 * Custom resources under the local runtime: each provider function gets CloudFormation's
 * `Create` request at start-up and answers through the ResponseURL, whichever way it sends the
 * answer (fetch to the URL, or https.request with its host and path as cfn-response does).
 * Providers that fail, never answer, or are not functions of the app are reported, and what
 * depends on them is not created.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summary } from '../../lib/cli/format';
import { LocalApp } from '../../lib/local';
import type { CfnTemplate } from '../../lib/model';

const PROVIDERS = path.join(__dirname, 'fixtures', 'custom-resources');

const provider = (handler: string) => ({ Type: 'AWS::Lambda::Function', Metadata: { 'aws:asset:path': PROVIDERS }, Properties: { Handler: handler, Runtime: 'nodejs24.x', Timeout: 10 } });
const inline = (code: string) => ({ Type: 'AWS::Lambda::Function', Properties: { Handler: 'index.handler', Runtime: 'nodejs24.x', Code: { ZipFile: code } } });
const custom = (type: string, fn: string, properties: Record<string, unknown> = {}, dependsOn?: string) => ({
  Type: type,
  ...(dependsOn ? { DependsOn: dependsOn } : {}),
  Properties: { ServiceToken: { 'Fn::GetAtt': [fn, 'Arn'] }, ...properties },
});

const template: CfnTemplate & { Resources: Record<string, unknown> } = {
  Resources: {
    EchoFn: provider('echo.handler'),
    GreetFn: provider('responders.greet'),
    DenyFn: provider('responders.deny'),
    SilentFn: provider('responders.silent'),
    BoomFn: provider('responders.boom'),
    Echo: custom('Custom::Echo', 'EchoFn', { Count: 2, Flag: true, List: [1, 'a'], Nested: { Port: 443 } }),
    Greeter: custom('AWS::CloudFormation::CustomResource', 'GreetFn', { Name: 'ada' }, 'Echo'),
    Denied: custom('Custom::Widget', 'DenyFn'),
    AfterDenied: custom('Custom::Widget', 'EchoFn', {}, 'Denied'),
    Silent: custom('Custom::Widget', 'SilentFn'),
    Boom: custom('Custom::Widget', 'BoomFn'),
    SdkCall: custom('Custom::AWS', 'EchoFn', { Create: '{"service":"DynamoDB","action":"putItem"}', InstallLatestAwsSdk: true }),
    // The classic inline provider: ZipFile code answering through the cfn-response module CloudFormation provides.
    InlineFn: inline("const response = require('cfn-response');\nexports.handler = function (event, context) {\n  response.send(event, context, response.SUCCESS, { Answer: 42 }, 'inline-' + event.LogicalResourceId);\n};"),
    Inline: custom('Custom::Inline', 'InlineFn'),
    HelloFn: inline('exports.handler = async (event) => ({ hello: event.name, file: require("path").basename(__filename) });'),
    Remote: { Type: 'Custom::Remote', Properties: { ServiceToken: 'arn:aws:sns:us-east-1:111111111111:provider' } },
  },
  Outputs: {
    Greeting: { Value: { 'Fn::GetAtt': ['Greeter', 'Greeting'] } },
    Widget: { Value: { 'Fn::GetAtt': ['Denied', 'Id'] } },
  },
};

let app: LocalApp;
beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-custom-'));
  const stack = { type: 'aws:cloudformation:stack', properties: { templateFile: 'App.template.json', stackName: 'my-app' } };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts: { App: stack } }));
  fs.writeFileSync(path.join(dir, 'App.template.json'), JSON.stringify(template));
  app = await LocalApp.start(dir, { httpPort: 0, awsPort: 0, projectDir: dir });
}, 60_000);
afterAll(() => app?.stop());

const result = (logicalId: string) => app.customResources.list().find((r) => r.resource.logicalId === logicalId)!;

test('each custom resource is created once, after what it depends on, and its result kept', () => {
  expect(app.customResources.list().map((r) => [r.resource.logicalId, r.status])).toEqual([
    ['Echo', 'SUCCESS'],
    ['Greeter', 'SUCCESS'],
    ['Denied', 'FAILED'],
    ['AfterDenied', 'NOT_CREATED'],
    ['Silent', 'FAILED'],
    ['Boom', 'FAILED'],
    ['SdkCall', 'SUCCESS'],
    ['Inline', 'SUCCESS'],
    ['Remote', 'NOT_CREATED'],
  ]);
});

test("the provider gets CloudFormation's Create request: properties as strings, the stack's id, the resource's type and id", () => {
  const echo = result('Echo');
  expect(echo).toMatchObject({ physicalResourceId: 'echo-Echo', data: { RequestType: 'Create', ResourceType: 'Custom::Echo', LogicalResourceId: 'Echo', StackId: expect.stringMatching(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/my-app\//) } });
  expect(JSON.parse(echo.data.Properties as string)).toEqual({ ServiceToken: app.host.find('EchoFn')!.arn, Count: '2', Flag: 'true', List: ['1', 'a'], Nested: { Port: '443' } });
});

test('an answer sent the way cfn-response sends it (https.request to the URL host and path) arrives; its Data fills the outputs', () => {
  expect(result('Greeter')).toMatchObject({ physicalResourceId: 'Greeter-1', data: { Greeting: 'hello ada' } });
  const outputs = app.describe().outputs;
  expect(outputs.find((o) => o.key === 'Greeting')).toMatchObject({ value: 'hello ada', unresolved: undefined });
  const widget = outputs.find((o) => o.key === 'Widget')!;
  expect([widget.value, widget.unresolved]).toEqual([undefined, 'custom resource Denied was not created']);
});

test('failures are reported with their reason and what the provider logged; what depends on them is not created', () => {
  expect(result('Denied')).toMatchObject({ reason: 'the widget API said no', logs: ['DenyFn INFO asking the widget API for Denied'] });
  expect(result('Greeter').logs).toBeUndefined();
  expect(result('AfterDenied').reason).toBe('it depends on Denied, which was not created');
  expect(result('Silent').reason).toBe("the provider returned without answering CloudFormation's request (CloudFormation would wait an hour, then fail)");
  expect(result('Boom').reason).toBe("the provider failed (Error: boom) without answering CloudFormation's request (CloudFormation would wait an hour, then fail)");
  expect(result('Remote').reason).toBe('its provider arn:aws:sns:us-east-1:111111111111:provider is not a function of this app');
});

test('inline (ZipFile) code runs as index.js, and an inline provider answers with the cfn-response module', async () => {
  expect(result('Inline')).toMatchObject({ physicalResourceId: 'inline-Inline', data: { Answer: 42 } });
  const hello = await app.invoke('HelloFn', { name: 'ada' });
  expect(JSON.parse(hello.payload)).toEqual({ hello: 'ada', file: 'index.js' });
});

test("AwsCustomResource is asked not to npm-install the latest SDK into this machine's /tmp", () => {
  expect(JSON.parse(result('SdkCall').data.Properties as string)).toMatchObject({ InstallLatestAwsSdk: 'false' });
});

test("dev's summary lists each custom resource with what became of it", () => {
  const lines = summary(app).split('\n');
  expect(lines).toContainEqual(expect.stringMatching(/^Greeter +AWS::CloudFormation::CustomResource +created \(physical id Greeter-1\)$/));
  expect(lines).toContainEqual(expect.stringMatching(/^Denied +Custom::Widget +FAILED: the widget API said no$/));
  expect(lines.slice(lines.indexOf("Denied's provider logged:"), lines.indexOf("Denied's provider logged:") + 2)).toEqual(["Denied's provider logged:", '  DenyFn INFO asking the widget API for Denied']);
  expect(lines).toContainEqual(expect.stringMatching(/^AfterDenied +Custom::Widget +not created: it depends on Denied, which was not created$/));
});

test('a PUT to a ResponseURL nobody waits for is refused', async () => {
  const res = await fetch(`${app.awsEndpoint}/_switchyard/cloudformation-response/unknown`, { method: 'PUT', body: '{}' });
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ __type: 'NoSuchKey' });
});
