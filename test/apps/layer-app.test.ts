/**
 * Lambda layers and zip file assets (fixtures/layer-app: an asset layer with `nodejs/node_modules` and a
 * `nodejs/node22/node_modules` of its own, used by a CommonJS and an ES module bundle; layers
 * from outside the app by ARN) under the local runtime, invoked with the real Lambda client.
 */
import * as path from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { summary } from '../../lib/cli/format';
import { LocalApp } from '../../lib/local';
import type { FunctionLogRecord } from '../../lib/local/host/function-host';
import { clientConfig, synthProject } from '../local/helpers';
import { printedOutputs } from './support';

const PROJECT = path.join(__dirname, 'fixtures', 'layer-app');
let app: LocalApp;
let printed: string;
let outputs: Record<string, string>;
const logs: FunctionLogRecord[] = [];

beforeAll(async () => {
  app = await LocalApp.start(await synthProject(PROJECT), { httpPort: 0, awsPort: 0, projectDir: PROJECT });
  app.host.on('log', (l) => logs.push(l));
  printed = summary(app);
  outputs = printedOutputs(printed);
}, 180_000);
afterAll(() => app?.stop());

async function invoke(name: string, payload: unknown = {}) {
  const out = await new LambdaClient(clientConfig(app)).send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(payload) }));
  return { error: out.FunctionError, payload: JSON.parse(Buffer.from(out.Payload!).toString('utf8')) };
}

test("a CommonJS bundle requires the layer's package through NODE_PATH's order (nodejs/node22 first on nodejs22.x) and reads its files", async () => {
  expect(await invoke(outputs.CjsGreeterName, { name: 'layer' })).toEqual({
    error: undefined,
    payload: { format: 'commonjs', version: '2.0.0', greeting: 'hello layer', banner: 'from the greeting layer\n' },
  });
});

test("an ES module bundle imports the layer's package (nodejs/node_modules on nodejs24.x)", async () => {
  expect(await invoke(outputs.EsmGreeterName, { name: 'esm' })).toEqual({ error: undefined, payload: { format: 'esm', version: '1.0.0', greeting: 'hello esm' } });
});

test("a function and a layer deployed as zip files run from their extracted content, as Lambda extracts them", async () => {
  expect(await invoke(outputs.ZippedName)).toEqual({ error: undefined, payload: { message: 'from the zipped package', kit: 'zipped-kit from a zipped layer' } });
});

test('layers from outside the app are listed at start-up with what that means; the Powertools layer is resolved from the project', () => {
  expect(printed).toContain(
    'not served: layer arn:aws:lambda:us-east-1:123456789012:layer:fonts:3 (used by Logged): it is not part of the app, so its content is not here: ' +
      "imports of its packages fail unless they are bundled, and its files are missing from the functions' /opt",
  );
  expect(printed).toContain(
    'not served: layer arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:25 (used by Logged): it is not part of the app, so its content is not here: ' +
      "as the Powertools for AWS Lambda (TypeScript) layer provides @aws-lambda-powertools/* in AWS, those packages are resolved from the project's node_modules instead",
  );
  expect(app.model.unserved?.filter((u) => u.type === 'AWS::Lambda::LayerVersion')).toEqual([]);
});

test("a Powertools package the project has not installed fails as Lambda's import errors do, and the log says to install it", async () => {
  const { error, payload } = await invoke(outputs.LoggedName);
  expect(error).toBe('Unhandled');
  expect(payload).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringContaining("'@aws-lambda-powertools/logger'") });
  expect(logs.map((l) => l.text)).toContain(
    'switchyard: @aws-lambda-powertools/logger is not installed in this project. The layer arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:25 provides it in AWS; locally install it: npm install --save-dev @aws-lambda-powertools/logger',
  );
});
