/**
 * The app the hot-reload benchmark edits: N functions behind `GET /fnK`, synthesized by the
 * `EventApp` construct as a user's app is (so the template carries the same `switchyard:entry`
 * and `switchyard:bundling` metadata). Each handler loads an SDK client (left external, as
 * Lambda provides it) and bundles zod, like the example's handlers; it imports its own module
 * `own/fnK.ts` and one of two shared modules: `shared/a.ts` (the even functions) or
 * `shared/b.ts` (the odd ones).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { EventApp } from '../../lib';

/** The generated project. */
export interface BenchProject {
  readonly dir: string;
  readonly assembly: string;
  readonly functions: readonly string[];
  /** The module only `fn0` imports. */
  readonly ownModule: string;
  /** The module the even functions import. */
  readonly sharedModule: string;
  /** The functions that import `sharedModule`. */
  readonly sharedDependents: readonly string[];
  /** The entry of `fn0`. */
  readonly entry: (fn: string) => string;
}

/** The text of a module exporting `name` with `value`. */
export function moduleText(name: string, value: string): string {
  return `export const ${name}: string = ${JSON.stringify(value)};\n`;
}

/** Writes the sources (at version `v0`) and synthesizes them; entries are recorded relative to the working directory. */
export function writeProject(dir: string, count: number): BenchProject {
  fs.rmSync(dir, { recursive: true, force: true });
  const src = path.join(dir, 'handlers');
  fs.mkdirSync(path.join(src, 'own'), { recursive: true });
  fs.mkdirSync(path.join(src, 'shared'), { recursive: true });
  const functions = Array.from({ length: count }, (_, i) => `fn${i}`);
  for (const [i, name] of functions.entries()) {
    fs.writeFileSync(path.join(src, 'own', `${name}.ts`), moduleText('own', 'v0'));
    fs.writeFileSync(
      path.join(src, `${name}.ts`),
      [
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        "import { z } from 'zod';",
        `import { own } from './own/${name}';`,
        `import { shared } from './shared/${i % 2 === 0 ? 'a' : 'b'}';`,
        '',
        'const db = new DynamoDBClient({});',
        'const Query = z.object({ id: z.string().optional() });',
        '',
        'export const handler = async (event: { queryStringParameters?: Record<string, string> }) => {',
        '  const query = Query.parse(event.queryStringParameters ?? {});',
        `  return { statusCode: 200, body: JSON.stringify({ fn: ${JSON.stringify(name)}, own, shared, id: query.id, region: typeof db.config.region }) };`,
        '};',
        '',
      ].join('\n'),
    );
  }
  fs.writeFileSync(path.join(src, 'shared', 'a.ts'), moduleText('shared', 'v0'));
  fs.writeFileSync(path.join(src, 'shared', 'b.ts'), moduleText('shared', 'v0'));
  const assembly = path.join(dir, 'cdk.out');
  const app = new App({ outdir: assembly });
  new EventApp(new Stack(app, 'HotReloadBench'), 'App', {
    functions: Object.fromEntries(functions.map((name) => [name, path.join(src, `${name}.ts`)])),
    routes: Object.fromEntries(functions.map((name) => [`GET /${name}`, name])),
  });
  app.synth();
  return {
    dir,
    assembly,
    functions,
    ownModule: path.join(src, 'own', 'fn0.ts'),
    sharedModule: path.join(src, 'shared', 'a.ts'),
    sharedDependents: functions.filter((_, i) => i % 2 === 0),
    entry: (fn) => path.join(src, `${fn}.ts`),
  };
}

/** Puts every module back to `v0`, as synthesized. */
export function resetProject(project: BenchProject): void {
  for (const fn of project.functions) fs.writeFileSync(path.join(path.dirname(project.ownModule), `${fn}.ts`), moduleText('own', 'v0'));
  fs.writeFileSync(project.sharedModule, moduleText('shared', 'v0'));
}
