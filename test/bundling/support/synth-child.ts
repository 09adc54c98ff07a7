// Synthesizes one function per `h*.ts` file in argv[2] into argv[3] and prints the bundle
// hashes as JSON: a separate process for the concurrent-synth test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BundledCode, BundlingSession } from '../../../lib/bundling';

const [entriesDir, outdir] = process.argv.slice(2);
const app = new App({ outdir, builtinCloudFormationValidation: false });
const stack = new Stack(app, 'Concurrent');
for (const file of fs.readdirSync(entriesDir).filter((f) => /^h.*\.ts$/.test(f)).sort()) {
  const code = new BundledCode(path.join(entriesDir, file));
  new lambda.Function(stack, file.replace(/\W/g, ''), { code, handler: code.handlerFor(), runtime: lambda.Runtime.NODEJS_24_X });
}
app.synth();
const session = BundlingSession.of(stack);
process.stdout.write(JSON.stringify({ hashes: session.bundles.map((b) => b.hash), stats: session.stats }));
