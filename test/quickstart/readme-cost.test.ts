/**
 * The README's cost example is true: the usage file it shows is the repository's usage.json, and
 * the total and per-service figures it states are what `switchyard cost --usage usage.json`
 * prints for the example app. Both are read from the README, so they cannot drift apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';
import { synthExampleApp } from '../local/helpers';

const repo = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('**Cost estimate**'), readme.indexOf('**Architecture diagram**'));

async function costOutput(): Promise<string> {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  const code = await main(['cost', '--usage', 'usage.json', '--assembly', await synthExampleApp()], { out, err, cwd: repo });
  expect([code, err.read()?.toString() ?? '']).toEqual([0, '']);
  return text;
}

test("the README's usage file is the repository's usage.json", () => {
  const block = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block).toBeDefined();
  expect(JSON.parse(block!)).toEqual(JSON.parse(fs.readFileSync(path.join(repo, 'usage.json'), 'utf8')));
});

test('the total and the per-service figures the README states are what the command prints', async () => {
  const stated = /puts the example shop at \$(\d+\.\d\d) a month in\s+us-east-1: ([^\n]+(?:\n[^\n]+)*?)\.\n/.exec(section);
  expect(stated).not.toBeNull();
  const [, total, services] = stated!;
  const printed = await costOutput();
  expect(/^Total +\$(\d+\.\d\d)$/m.exec(printed)?.[1]).toBe(total);
  const figures = [...services.replace(/\s+/g, ' ').matchAll(/([A-Z][\w ]*?) \$(\d+\.\d\d)/g)].map((m) => [m[1], m[2]]);
  expect(figures.map(([service]) => service)).toEqual(['Lambda', 'API Gateway', 'EventBridge', 'SQS', 'CloudWatch Logs', 'CloudWatch']);
  for (const [service, cost] of figures) {
    expect([service, new RegExp(`^${service} +\\$(\\d+\\.\\d\\d)$`, 'm').exec(printed)?.[1]]).toEqual([service, cost]);
  }
});
