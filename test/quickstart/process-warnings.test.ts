/**
 * Process warnings from handlers (the AWS SDK's Node.js version notice, deprecations) are WARN
 * lines shown once per function, not ERROR lines on every cold start; the SDK's notice is not
 * shown at all for a function whose Lambda runtime is new enough (AWS would never log it).
 */
import * as path from 'node:path';
import { FunctionHost, type FunctionLogRecord } from '../../lib/local';
import type { FunctionModel } from '../../lib/model';

function fn(name: string, runtime: string): FunctionModel {
  return {
    stack: 'S',
    logicalId: name,
    name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    codeDir: path.join(__dirname, 'fixtures'),
    handler: 'warnings.handler',
    runtime,
    environment: {},
    timeoutSeconds: 3,
    memoryMb: 128,
    asyncConfig: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 60 },
  };
}

let host: FunctionHost;
const logs: FunctionLogRecord[] = [];
const invoke = (name: string) => host.invoke(name, { payload: '{}', overflow: 'wait' });

beforeAll(async () => {
  host = new FunctionHost([fn('on24', 'nodejs24.x'), fn('on20', 'nodejs20.x')], { awsEndpointUrl: 'http://127.0.0.1:1', region: 'us-east-1' });
  host.on('log', (l) => logs.push(l));
  // Two instances of each (concurrent cold starts), then a warm invocation.
  for (const name of ['on24', 'on20']) {
    const results = await Promise.all([invoke(name), invoke(name)]);
    results.push(await invoke(name));
    expect(results.map((r) => [r.error, r.payload])).toEqual([[undefined, '"ok"'], [undefined, '"ok"'], [undefined, '"ok"']]);
    expect(results.filter((r) => r.cold)).toHaveLength(2);
  }
});
afterAll(() => host.stop());

const of = (name: string) => logs.filter((l) => l.functionName === name);

test('no warning is logged as an ERROR', () => {
  expect(logs.filter((l) => l.level === 'ERROR')).toEqual([]);
});

test("the SDK's Node.js notice is not shown for a nodejs24.x function: in Lambda it runs on Node.js 24", () => {
  expect(of('on24').filter((l) => l.text.includes('NodeVersionSupportWarning'))).toEqual([]);
});

test('the notice is shown once, as WARN, for a nodejs20.x function, as Lambda would log it', () => {
  const notices = of('on20').filter((l) => l.text.includes('NodeVersionSupportWarning'));
  expect(notices.map((l) => l.level)).toEqual(['WARN']);
  expect(notices[0].text).toMatch(/^Warning: NodeVersionSupportWarning: The AWS SDK for JavaScript \(v3\)\n[\s\S]*require node >=22/);
});

test('a deprecation is one WARN line per function, with its code, however many instances emit it', () => {
  for (const name of ['on24', 'on20']) {
    expect(of(name).filter((l) => l.text.includes('DEP_FIXTURE')).map((l) => [l.level, l.text])).toEqual([
      ['WARN', '[DEP_FIXTURE] DeprecationWarning: fixture.old() is deprecated, use fixture.new()'],
    ]);
  }
});
