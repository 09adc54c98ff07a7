/**
 * Shared setup for the local-runtime end-to-end tests: synthesize the plain-CDK fixture app
 * into a temp folder and start it on ephemeral ports.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { LocalApp, type LocalAppOptions } from '../../lib/local';
import { buildPlainStack, type PlainAppOptions } from './fixtures/plain-app';

/** Synthesizes the fixture app; returns the assembly dir. */
export function synthPlainApp(options: Omit<PlainAppOptions, 'outdir'> = {}): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-plain-'));
  const stack = buildPlainStack({ ...options, outdir });
  Stage.of(stack)!.synth();
  return outdir;
}

/** Starts the fixture app on ephemeral ports. */
export async function startPlainApp(options: LocalAppOptions & { app?: Omit<PlainAppOptions, 'outdir'> } = {}): Promise<LocalApp> {
  const { app, ...rest } = options;
  return LocalApp.start(synthPlainApp(app), { httpPort: 0, awsPort: 0, schedules: false, ...rest });
}

/** Dummy credentials and the endpoint for SDK clients. */
export function clientConfig(app: LocalApp) {
  return { endpoint: app.awsEndpoint, region: app.model.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/** The fixture function named by its construct id (`HttpFn`, ...). */
export function fnName(app: LocalApp, id: string): string {
  const fn = app.model.functions.find((f) => f.logicalId.startsWith(id));
  if (!fn) throw new Error(`No function ${id}`);
  return fn.name;
}
