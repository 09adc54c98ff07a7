/** `switchyard dev --iam`: the mode is said at start, and under warn each gap is one line with its CDK fix, printed once. */
import * as os from 'node:os';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';
import { readAppModel } from '../../lib/model';
import { synthIamApp } from '../local/helpers';
import { runDev } from './dev-run';

test('dev --iam warn prints each permission gap once, with the fix', async () => {
  const assembly = synthIamApp();
  const table = readAppModel(assembly).model.tables.find((t) => t.logicalId.startsWith('Readable'))!;
  const dev = runDev(['dev', '--console-port', '0', '--assembly', assembly, '--http-port', '0', '--aws-port', '0', '--no-watch', '--iam', 'warn'], 'sy-dev-iam-');
  const { waitFor } = dev;
  try {
    await waitFor(/Ready\./);
    expect(dev.text()).toContain("Permissions (--iam warn): each call a function makes to the AWS endpoint is checked against its role; what AWS would deny is let through and logged once with its fix (--iam enforce denies it).");
    const awsPort = /AWS endpoint +http:\/\/127\.0\.0\.1:(\d+)/.exec(dev.text())![1];
    const payload = JSON.stringify({ op: 'putItem', table: table.name });
    for (let i = 0; i < 2; i++) {
      const sink = new PassThrough();
      sink.resume();
      expect(await main(['invoke', 'Caller', '--payload', payload, '--aws-port', awsPort], { out: sink, err: sink, cwd: os.tmpdir() })).toBe(0);
    }
    const line = `iam: Caller calls dynamodb:PutItem on ${table.arn}: AWS denies it (no policy of its role allows it); allowed locally (--iam warn). Fix: table.grantWriteData(fn)\n`;
    await waitFor(/Caller [0-9a-f-]{36} warm/);
    expect(dev.text().split(line).length - 1).toBe(1);
  } finally {
    expect(await dev.stop()).toBe(0);
  }
}, 120_000);
