/**
 * The README's console screenshots: each one it shows is committed under docs/console/, a PNG of
 * the 1280x800 laptop viewport the browser tests use (which write them again with
 * SWITCHYARD_UPDATE_SCREENSHOTS=1), and none is left unshown.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO } from './support';

const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
const shown = [...readme.matchAll(/!\[[^\]]*\]\((docs\/console\/[^)]+)\)/g)].map((m) => m[1]);

test('the README shows every screenshot of docs/console/, and each exists', () => {
  const committed = fs.readdirSync(path.join(REPO, 'docs', 'console')).filter((f) => f.endsWith('.png')).map((f) => `docs/console/${f}`);
  expect(shown.length).toBeGreaterThanOrEqual(5);
  expect([...shown].sort()).toEqual(committed.sort());
});

test.each(shown.map((f) => [f]))('%s is a 1280x800 PNG', (file) => {
  const bytes = fs.readFileSync(path.join(REPO, file));
  // The PNG signature, then the IHDR chunk: width and height as big-endian 32-bit integers.
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
  expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1280, 800]);
});
