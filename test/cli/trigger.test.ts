/**
 * `switchyard trigger` against a running app: it waits for the schedule's target's first attempt
 * and says how it went; a failure is exit 2 with the error, the retry left to the ledger.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';
import { LocalApp } from '../../lib/local';

/** A hand-written cloud assembly: one function on a schedule, and a queue for its failures. */
function writeAssembly(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-trigger-'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts: { Jobs: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Jobs.template.json' } } } }));
  const cdkPath = (p: string) => ({ 'aws:cdk:path': `Jobs/${p}/Resource`, 'aws:asset:path': path.join(__dirname, 'fixtures', 'failing') });
  fs.writeFileSync(path.join(dir, 'Jobs.template.json'), JSON.stringify({
    Resources: {
      ReportFn1A2B3C4D: { Type: 'AWS::Lambda::Function', Metadata: cdkPath('Report'), Properties: { Handler: 'index.handler', Runtime: 'nodejs24.x', Timeout: 5 } },
      ReportConfig: { Type: 'AWS::Lambda::EventInvokeConfig', Properties: { FunctionName: { Ref: 'ReportFn1A2B3C4D' }, Qualifier: '$LATEST', MaximumRetryAttempts: 1 } },
      DailyRule5E6F7A8B: {
        Type: 'AWS::Events::Rule',
        Metadata: { 'aws:cdk:path': 'Jobs/Daily/Resource' },
        Properties: { ScheduleExpression: 'rate(1 day)', State: 'ENABLED', Targets: [{ Id: 'T', Arn: { 'Fn::GetAtt': ['ReportFn1A2B3C4D', 'Arn'] } }] },
      },
    },
  }));
  return dir;
}

test('a target that fails its first attempt: exit 2, the error, and where to follow the retry', async () => {
  const app = await LocalApp.start(writeAssembly(), { httpPort: 0, awsPort: 0, schedules: false, timeScale: 0.001 });
  try {
    let out = '';
    const stream = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
    const err = new PassThrough();
    expect(await main(['trigger', 'Daily', '--aws-port', new URL(app.awsEndpoint).port], { out: stream, err, cwd: os.tmpdir() })).toBe(2);
    expect(out).toMatch(/^fired event [0-9a-f-]{36}\n {2}Report: failed \(TypeError: Cannot read properties of undefined \(reading "Items"\)\); retrying, see 'switchyard ledger --state retrying'\n$/);
    expect(err.read()).toBeNull();
    await app.ledger.whenIdle();
  } finally {
    await app.stop();
  }
});
