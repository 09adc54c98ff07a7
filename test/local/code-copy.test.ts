/** Staging code from a folder or a zip file asset (lib/local/host/code-copy.ts). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { copyCode } from '../../lib/local/host/code-copy';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-code-copy-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a zip file is extracted with its folders; a later one overwrites what an earlier one wrote', () => {
  const first = path.join(dir, 'a.zip');
  const second = path.join(dir, 'b.zip');
  fs.writeFileSync(first, zipSync({ 'index.js': strToU8('one'), 'lib/util.js': strToU8('util') }));
  fs.writeFileSync(second, zipSync({ 'index.js': strToU8('two') }));
  const dest = path.join(dir, 'out');
  copyCode(first, dest);
  copyCode(second, dest);
  expect(fs.readFileSync(path.join(dest, 'index.js'), 'utf8')).toBe('two');
  expect(fs.readFileSync(path.join(dest, 'lib', 'util.js'), 'utf8')).toBe('util');
});

test('a folder is copied, and a file that is not a zip archive is copied as it is', () => {
  fs.mkdirSync(path.join(dir, 'src', 'nested'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'src', 'nested', 'x.txt'), 'x');
  copyCode(path.join(dir, 'src'), path.join(dir, 'out'));
  expect(fs.readFileSync(path.join(dir, 'out', 'nested', 'x.txt'), 'utf8')).toBe('x');
  fs.writeFileSync(path.join(dir, 'plain.zip'), 'not a zip');
  copyCode(path.join(dir, 'plain.zip'), path.join(dir, 'copied.zip'));
  expect(fs.readFileSync(path.join(dir, 'copied.zip'), 'utf8')).toBe('not a zip');
});

test('files the caller writes next are not copied from a folder; the rest are', () => {
  fs.mkdirSync(path.join(dir, 'asset', 'data'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'asset', 'index.mjs'), 'deployed bundle');
  fs.writeFileSync(path.join(dir, 'asset', 'data', 'index.mjs'), 'a data file of the same name');
  copyCode(path.join(dir, 'asset'), path.join(dir, 'out'), new Set(['index.mjs']));
  expect(fs.existsSync(path.join(dir, 'out', 'index.mjs'))).toBe(false);
  expect(fs.readFileSync(path.join(dir, 'out', 'data', 'index.mjs'), 'utf8')).toBe('a data file of the same name');
});

test('an entry outside the package is refused and nothing is written outside it', () => {
  const evil = path.join(dir, 'evil.zip');
  fs.writeFileSync(evil, zipSync({ '../escaped.txt': strToU8('no') }));
  expect(() => copyCode(evil, path.join(dir, 'out'))).toThrow('the zip entry "../escaped.txt" is outside the package');
  expect(fs.existsSync(path.join(dir, 'escaped.txt'))).toBe(false);
});
