import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BUNDLE_MANIFEST_FILE, BundledCode } from '../../lib/bundling';
import { ErrorCode } from '../../lib/errors';
import { thrown } from '../support/thrown';
import { isolateCache, synth, tempDir, writeFiles } from './support/helpers';

describe('size budget', () => {
  isolateCache();

  test('a bundle over maxSize fails synth naming the function and its largest inputs', () => {
    const dir = writeFiles(tempDir(), {
      'big.ts': `export const BIG = '${'x'.repeat(5000)}';\n`,
      'fat.ts': "import { BIG } from './big';\nexport const handler = async () => BIG;\n",
      'thin.ts': "export const handler = async () => 'thin';\n",
    });
    const error = thrown(() =>
      synth([
        { id: 'Fat', entry: path.join(dir, 'fat.ts'), bundling: { maxSize: 1000 } },
        { id: 'Thin', entry: path.join(dir, 'thin.ts'), bundling: { maxSize: 1000 } },
      ]),
    );
    expect(error.code).toBe(ErrorCode.BUNDLE_TOO_LARGE);
    expect(error.constructPath).toBe('Test/Fat');
    expect(error.message).toMatch(/over its budget of 1000 bytes/);
    expect(error.message).toMatch(/largest inputs: \S*big\.ts \(50\d\d B\)/);
    expect(error.message).not.toContain('Test/Thin');
    expect(error.fix).toContain('bundling.maxSize');
  });

  test('bundles within budget synthesize', () => {
    const dir = writeFiles(tempDir(), { 'thin.ts': "export const handler = async () => 'thin';\n" });
    expect(synth([{ id: 'Thin', entry: path.join(dir, 'thin.ts'), bundling: { maxSize: 1000 } }]).session.bundles).toHaveLength(1);
  });
});

describe('esbuild errors', () => {
  isolateCache();

  test('name the failing function, its entry, and the file and line of the error', () => {
    const dir = writeFiles(tempDir(), {
      'ok1.ts': "export const handler = async () => 1;\n",
      'ok2.ts': "export const handler = async () => 2;\n",
      'lib.ts': "export const value = 1;\nexport const broken = ;\n",
      'bad.ts': "import { value } from './lib';\nexport const handler = async () => value;\n",
      'ok3.ts': "export const handler = async () => 3;\n",
    });
    const functions = ['ok1', 'ok2', 'bad', 'ok3'].map((name) => ({ id: name.toUpperCase(), entry: path.join(dir, `${name}.ts`) }));
    const error = thrown(() => synth(functions));
    expect(error.code).toBe(ErrorCode.BUNDLING_FAILED);
    expect(error.constructPath).toBe('Test/BAD');
    expect(error.message).toMatch(/Test\/BAD \(\S*bad\.ts\)/);
    expect(error.message).toMatch(/lib\.ts:2:\d+: ERROR/);
    expect(error.message).not.toMatch(/Test\/OK\d/);
  });

  test('an unresolvable import names every function that imports it', () => {
    const dir = writeFiles(tempDir(), {
      'x.ts': "import 'no-such-package-anywhere';\nexport const handler = async () => 1;\n",
      'y.ts': "import 'no-such-package-anywhere';\nexport const handler = async () => 2;\n",
      'z.ts': "export const handler = async () => 3;\n",
    });
    const error = thrown(() => synth(['x', 'y', 'z'].map((name) => ({ id: name.toUpperCase(), entry: path.join(dir, `${name}.ts`) }))));
    expect(error.message).toMatch(/2 functions/);
    expect(error.message).toContain('Test/X');
    expect(error.message).toContain('Test/Y');
    expect(error.message).not.toContain('Test/Z');
    expect(error.message).toMatch(/x\.ts:1:7: ERROR: Could not resolve "no-such-package-anywhere"/);
  });
});

describe('nodeModules that cannot be installed', () => {
  isolateCache();
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  /** A project whose lock file pins `tiny-dep` to a tarball, which may be missing. */
  function project(lock: boolean): string {
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'proj', dependencies: { 'tiny-dep': 'file:tiny-dep-1.0.0.tgz' } }),
      'a.ts': "import dep from 'tiny-dep';\nexport const handler = async () => dep;\n",
      'b.ts': "import dep from 'tiny-dep';\nexport const handler = async () => [dep];\n",
    };
    if (lock) {
      files['package-lock.json'] = JSON.stringify({
        name: 'proj',
        lockfileVersion: 3,
        packages: { '': { name: 'proj' }, 'node_modules/tiny-dep': { version: '1.0.0', resolved: 'file:tiny-dep-1.0.0.tgz' } },
      });
    }
    const dir = writeFiles(tempDir(), files);
    process.chdir(dir);
    return dir;
  }

  test('a package the lock file does not pin fails synth naming every function that lists it', () => {
    const dir = project(true);
    const error = thrown(() =>
      synth([
        { id: 'A', entry: path.join(dir, 'a.ts'), bundling: { nodeModules: ['tiny-dep', 'left-pad'] } },
        { id: 'B', entry: path.join(dir, 'b.ts'), bundling: { nodeModules: ['tiny-dep', 'left-pad'] } },
      ]),
    );
    expect(error.code).toBe(ErrorCode.INVALID_BUNDLING_OPTIONS);
    expect(error.constructPath).toBe('Test/A');
    expect(error.message).toContain('"left-pad", which');
    expect(error.message).toContain('also concerns Test/B');
    expect(error.fix).toContain('package.json dependencies');
  });

  test('no lock file at all fails synth with the fix', () => {
    const dir = project(false);
    const error = thrown(() => synth([{ id: 'A', entry: path.join(dir, 'a.ts'), bundling: { nodeModules: ['tiny-dep'] } }]));
    expect(error.code).toBe(ErrorCode.INVALID_BUNDLING_OPTIONS);
    expect(error.message).toContain('needs a package-lock.json');
    expect(error.fix).toContain('npm install');
  });

  test('npm failing to install a pinned package fails synth with npm\'s reason', () => {
    const dir = project(true);
    const error = thrown(() => synth([{ id: 'A', entry: path.join(dir, 'a.ts'), bundling: { nodeModules: ['tiny-dep'] } }]));
    expect(error.code).toBe(ErrorCode.INVALID_BUNDLING_OPTIONS);
    expect(error.constructPath).toBe('Test/A');
    expect(error.message).toContain('npm could not install bundling.nodeModules');
    expect(error.message).toContain(`tiny-dep@file:${path.join(dir, 'tiny-dep-1.0.0.tgz')}`);
  });
});

describe('BundledCode', () => {
  test('reading its location before synth fails with the fix', () => {
    const stack = new Stack(new App(), 'Test');
    const code = new BundledCode('test/fixtures/handlers/hello.ts');
    const fn = new lambda.Function(stack, 'Fn', { code, handler: code.handlerFor(), runtime: lambda.Runtime.NODEJS_24_X });
    const error = thrown(() => stack.resolve((fn.node.defaultChild as lambda.CfnFunction).code));
    expect(error.code).toBe(ErrorCode.BUNDLED_CODE_MISUSE);
    expect(error.constructPath).toBe('Test/Fn');
    expect(error.fix).toContain('Template.fromStack');
  });
});

describe('size report', () => {
  isolateCache();

  test('is written into the cloud assembly', () => {
    const dir = writeFiles(tempDir(), {
      'dep.ts': `export const DEP = '${'d'.repeat(300)}';\n`,
      'h.ts': "import { DEP } from './dep';\nexport const handler = async () => DEP;\n",
    });
    const { outdir, session } = synth([{ id: 'H', entry: path.join(dir, 'h.ts') }]);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, BUNDLE_MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({ version: 1, stats: { built: 1 }, bundles: [{ functionPath: 'Test/H', size: session.bundles[0].size }] });
    expect(manifest.bundles[0].largestInputs[0].path).toMatch(/dep\.ts$/);
    expect(manifest.bundles[0].hash).toBe(session.bundles[0].hash);
  });
});
