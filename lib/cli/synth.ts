/**
 * Synthesizing the app through cdk.json's `app` command, without the CDK CLI and without AWS
 * credentials: the command is run with CDK_OUTDIR and CDK_CONTEXT_JSON set, as the CDK CLI
 * would run it.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliError } from './errors';
import { stateDir } from './state-dir';

/** Options for {@link synthesizeApp}. */
export interface SynthOptions {
  /** Folder holding cdk.json. */
  readonly projectDir: string;
  /** Where the assembly goes. @default `<projectDir>/.switchyard/cdk.out` */
  readonly outdir?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** Where the app's own output goes. @default process.stderr */
  readonly output?: NodeJS.WritableStream;
}

/** Thrown when there is nothing to synthesize or the app command failed. */
export class SynthError extends CliError {
  constructor(message: string) {
    super('SynthFailed', message);
    this.name = 'SynthError';
  }
}

/** Runs the app command of `<projectDir>/cdk.json`; resolves with the assembly folder. */
export async function synthesizeApp(options: SynthOptions): Promise<string> {
  const cdkJson = path.join(options.projectDir, 'cdk.json');
  if (!fs.existsSync(cdkJson)) {
    throw new SynthError(`No cdk.json in ${options.projectDir}. Run in your CDK app's folder, or pass --assembly <cdk.out>.`);
  }
  const config = JSON.parse(fs.readFileSync(cdkJson, 'utf8')) as { app?: string; context?: Record<string, unknown> };
  if (!config.app) throw new SynthError(`${cdkJson} has no "app" command.`);
  const outdir = path.resolve(options.outdir ?? path.join(stateDir(options.projectDir), 'cdk.out'));
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const contextFile = path.join(options.projectDir, 'cdk.context.json');
  const context = {
    ...(fs.existsSync(contextFile) ? JSON.parse(fs.readFileSync(contextFile, 'utf8')) : {}),
    ...config.context,
    // As the CDK CLI does: construct paths in the template, which `cost` and `diagram` name things by.
    'aws:cdk:enable-path-metadata': true,
  };
  const region = options.region ?? 'us-east-1';
  const env = {
    ...process.env,
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(context),
    CDK_DEFAULT_REGION: region,
    CDK_DEFAULT_ACCOUNT: options.accountId ?? '000000000000',
    AWS_REGION: process.env.AWS_REGION ?? region,
  };
  const output = options.output ?? process.stderr;
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(config.app!, { cwd: options.projectDir, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(output, { end: false });
    child.stderr.pipe(output, { end: false });
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new SynthError(`The app command '${config.app}' exited with code ${code}.`);
  if (!fs.existsSync(path.join(outdir, 'manifest.json'))) {
    throw new SynthError(`The app command '${config.app}' wrote no cloud assembly to ${outdir}. Does it call app.synth()?`);
  }
  return outdir;
}
