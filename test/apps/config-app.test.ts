/**
 * SSM parameters and Secrets Manager secrets declared in the template (fixtures/config-app),
 * served by the local SSM and Secrets Manager APIs below the project's committed
 * dev-secrets.json, read by a handler through the SDK and by the real clients from outside.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersByPathCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { summary } from '../../lib/cli/format';
import { LocalApp } from '../../lib/local';
import { clientConfig, synthProject } from '../local/helpers';
import { printedOutputs } from './support';

const PROJECT = path.join(__dirname, 'fixtures', 'config-app');
let assembly: string;
let app: LocalApp;
let printed: string;
let outputs: Record<string, string>;

beforeAll(async () => {
  assembly = await synthProject(PROJECT);
  app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, projectDir: PROJECT, iam: 'enforce' });
  printed = summary(app);
  outputs = printedOutputs(printed);
}, 180_000);
afterAll(() => app?.stop());

async function readConfig(): Promise<any> {
  const res = await fetch(`${outputs.ApiUrl}config`);
  expect(res.status).toBe(200);
  return res.json();
}

test("the handler reads the template's values, the committed dev-secrets.json over them, and a generated secret", async () => {
  const config = await readConfig();
  expect(config.parameters).toEqual({ '/config-app/greeting': 'hello from the template', '/config-app/stage': 'local' });
  expect(config.flags).toEqual({ type: 'StringList', value: 'beta,dark-mode' });
  expect(config.token).toBe('token-from-the-template');
  expect(config.db).toEqual({ arn: outputs.DbSecretArn, username: 'app', password: expect.stringMatching(/^[A-Za-z0-9]{24}$/) });
  // As Secrets Manager shapes it: the generated name, then six random characters.
  expect(outputs.DbSecretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:DbCredentials[0-9A-F]{8}-[A-Za-z0-9]{12}-[A-Za-z0-9]{6}$/);
  expect(outputs.FlagsParameter).toMatch(/^CFN-Flags[0-9A-F]{8}-[A-Za-z0-9]{12}$/);
});

test('dev says where each declared value comes from', () => {
  expect(printed).toMatch(/\n\/config-app\/stage +parameter +dev-secrets\.json\n/);
  expect(printed).toMatch(/\n\/config-app\/greeting +parameter +template\n/);
  expect(printed).toMatch(/\nDbCredentials\S+ +secret +generated \(\.switchyard\/generated-secrets\.json\)\n/);
  expect(printed).toMatch(/\nconfig-app\/api-token +secret +template\n/);
});

test('the real clients: GetParameters with an unknown name, GetParametersByPath with a Type filter, a secret by partial ARN and by name', async () => {
  const ssm = new SSMClient(clientConfig(app));
  const some = await ssm.send(new GetParametersCommand({ Names: ['/config-app/greeting', '/config-app/missing'] }));
  expect(some.Parameters?.map((p) => [p.Name, p.Type, p.Value])).toEqual([['/config-app/greeting', 'String', 'hello from the template']]);
  expect(some.InvalidParameters).toEqual(['/config-app/missing']);

  const lists = await ssm.send(new GetParametersByPathCommand({ Path: '/', Recursive: true, ParameterFilters: [{ Key: 'Type', Option: 'Equals', Values: ['String'] }] }));
  expect(lists.Parameters?.map((p) => p.Name)).toEqual(['/config-app/greeting', '/config-app/stage']);
  const firstPage = await ssm.send(new GetParametersByPathCommand({ Path: '/config-app', MaxResults: 1 }));
  expect(firstPage.Parameters?.map((p) => p.Name)).toEqual(['/config-app/greeting']);
  const next = await ssm.send(new GetParametersByPathCommand({ Path: '/config-app', MaxResults: 1, NextToken: firstPage.NextToken }));
  expect(next.Parameters?.map((p) => p.Name)).toEqual(['/config-app/stage']);

  const sm = new SecretsManagerClient(clientConfig(app));
  const partialArn = outputs.DbSecretArn.replace(/-[A-Za-z0-9]{6}$/, '');
  const byPartial = await sm.send(new GetSecretValueCommand({ SecretId: partialArn }));
  expect(byPartial.ARN).toBe(outputs.DbSecretArn);
  const byName = await sm.send(new GetSecretValueCommand({ SecretId: byPartial.Name }));
  expect(byName.SecretString).toBe(byPartial.SecretString);
});

test('a generated secret keeps its value across restarts, in a file only its owner reads', async () => {
  const before = (await readConfig()).db.password;
  await app.stop();
  app = await LocalApp.start(assembly, { httpPort: 0, awsPort: 0, projectDir: PROJECT, iam: 'enforce' });
  outputs = printedOutputs(summary(app));
  expect((await readConfig()).db.password).toBe(before);
  const file = path.join(PROJECT, '.switchyard', 'generated-secrets.json');
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
}, 60_000);
