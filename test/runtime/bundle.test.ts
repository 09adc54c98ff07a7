/**
 * The runtime is bundled into every Lambda handler: it must never pull in aws-cdk-lib or
 * constructs (megabytes, and CDK code in a function), must depend on nothing but Node built-ins
 * and the SDK the Lambda Node.js runtime ships, must stay small, and must tree-shake.
 */
import { build, type Metafile } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

async function bundle(contents: string) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'handler.ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    metafile: true,
    write: false,
    // As in Lambda bundles: the Node.js runtime ships SDK v3.
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { code, metafile: result.metafile as Metafile, bytes: Buffer.byteLength(code), gzip: gzipSync(code).length };
}

describe('the runtime bundle', () => {
  it('contains only runtime modules: no aws-cdk-lib, constructs or validator library', async () => {
    const { metafile, bytes, gzip } = await bundle("export * from './lib/runtime';");
    const inputs = Object.keys(metafile.inputs).filter((input) => input !== 'handler.ts');
    expect(inputs.filter((input) => /aws-cdk-lib|constructs|node_modules/.test(input))).toEqual([]);
    expect(inputs.every((input) => input.startsWith('lib/runtime/'))).toBe(true);
    const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
    expect([...new Set(imports)].sort()).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-eventbridge',
      '@aws-sdk/client-secrets-manager',
      '@aws-sdk/client-ssm',
      // Loaded by publish() only through a global endpoint, whose functions bundle it.
      '@aws-sdk/signature-v4a',
      '@aws-sdk/util-dynamodb',
      'node:async_hooks',
      'node:crypto',
    ]);
    console.log(`switchyard/runtime, everything: ${bytes} bytes minified, ${gzip} gzipped, from ${inputs.length} modules`);
    expect(bytes).toBeLessThan(30 * 1024);
  });

  it.each([
    ['defineEvent only', 'export { defineEvent, eventPattern } from "./lib/runtime";', ['PutEventsCommand', 'AsyncLocalStorage', 'client-eventbridge', 'Internal Server Error']],
    ['httpHandler only', 'export { httpHandler, NotFoundError } from "./lib/runtime";', ['client-eventbridge', 'PutEventsCommand', 'InvalidEventError', 'GetParametersByPath']],
    ['discoverApp only', 'export { discoverApp } from "./lib/runtime";', ['client-eventbridge', 'client-secrets-manager', 'Internal Server Error', 'AsyncLocalStorage']],
    ['eventHandler only', 'export { eventHandler } from "./lib/runtime";', ['client-eventbridge', 'Internal Server Error']],
    ['sqsBatchHandler only', 'export { sqsBatchHandler } from "./lib/runtime";', ['client-eventbridge', 'client-dynamodb', 'util-dynamodb', 'Internal Server Error']],
    ['streamBatchHandler only', 'export { streamBatchHandler } from "./lib/runtime";', ['client-eventbridge', 'client-dynamodb', 'Internal Server Error']],
    ['idempotent only', 'export { idempotent } from "./lib/runtime";', ['client-eventbridge', 'util-dynamodb', 'batchItemFailures']],
  ])('tree-shakes: %s leaves the rest out', async (_name, entry, absent) => {
    const { code, bytes } = await bundle(entry);
    for (const text of absent) expect(code).not.toContain(text);
    console.log(`switchyard/runtime, ${_name}: ${bytes} bytes minified`);
  });
});
