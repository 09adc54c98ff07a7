/**
 * The README's diagram of the example is true: the Mermaid block under "Architecture diagram"
 * is what `switchyard diagram` prints for the example app. Read from the README, so a change
 * to the example that changes its diagram fails here until the README shows it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../lib/cli/main';
import { synthExampleApp } from '../local/helpers';

const repo = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('**Architecture diagram**'));

test("the README's diagram of the example is what `switchyard diagram` prints", async () => {
  const shown = /```mermaid\n([\s\S]*?)```/.exec(section)?.[1];
  expect(shown).toBeDefined();
  const out = new PassThrough();
  const err = new PassThrough();
  let printed = '';
  out.on('data', (c: Buffer) => (printed += c.toString()));
  const code = await main(['diagram', '--assembly', await synthExampleApp()], { out, err, cwd: repo });
  expect([code, err.read()?.toString() ?? '']).toEqual([0, '']);
  expect(shown).toBe(printed);
  // The example's queue is in it: the rule sends to StockReservations, which feeds ReserveStock.
  expect(shown).toContain('"batches of 10"');
});
