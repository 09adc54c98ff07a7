import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { cleanUp, tempDir, writeFiles } from './support/helpers';

interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function synthInChild(entriesDir: string, cacheDir: string): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'support', 'synth-child.ts'), entriesDir, tempDir('sy-out-')], {
      cwd: path.resolve(__dirname, '..', '..'),
      env: { ...process.env, SWITCHYARD_CACHE_DIR: cacheDir, SWITCHYARD_PROGRESS: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

afterAll(cleanUp);

test('concurrent synths sharing a cold cache all succeed with identical bundles', async () => {
  const files: Record<string, string> = { 'shared.ts': "export const tag = (s: string): string => `[${s}]`;\n" };
  for (let i = 0; i < 20; i++) files[`h${i}.ts`] = `import { tag } from './shared';\nexport const handler = async () => tag('fn-${i}');\n`;
  const entries = writeFiles(tempDir(), files);
  const cache = tempDir('sy-shared-cache-');

  const results = await Promise.all([1, 2, 3].map(() => synthInChild(entries, cache)));

  for (const result of results) expect(result).toMatchObject({ code: 0, stderr: '' });
  const outputs = results.map((r) => JSON.parse(r.stdout) as { hashes: string[] });
  expect(new Set(outputs[0].hashes).size).toBe(20);
  expect(outputs[1].hashes).toEqual(outputs[0].hashes);
  expect(outputs[2].hashes).toEqual(outputs[0].hashes);

  // And the cache they left behind is whole: the next synth builds nothing.
  const warm = JSON.parse((await synthInChild(entries, cache)).stdout) as { hashes: string[]; stats: { cacheHits: number; esbuildCalls: number } };
  expect(warm.hashes).toEqual(outputs[0].hashes);
  expect(warm.stats).toMatchObject({ cacheHits: 20, esbuildCalls: 0 });
});
