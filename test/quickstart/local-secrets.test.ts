/**
 * Where `switchyard dev` finds secret values: the committed, fake `dev-secrets.json` of the
 * project, overridden key by key by the git-ignored `.switchyard/secrets.json`; a value in
 * neither answers as AWS does (ResourceNotFoundException / ParameterNotFound) with a message
 * naming both files and the JSON to add. Driven with the real SDK clients.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { LocalApp } from '../../lib/local';
import { clientConfig, startPlainApp } from '../local/helpers';

const repo = path.join(__dirname, '..', '..');
let app: LocalApp;
let projectDir: string;
let sm: SecretsManagerClient;
let ssm: SSMClient;

beforeAll(async () => {
  // A project whose team committed fake values and whose developer keeps one real value locally.
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-secrets-'));
  fs.writeFileSync(
    path.join(projectDir, 'dev-secrets.json'),
    JSON.stringify({ '//': 'fake values', secretsmanager: { 'app/api-key': 'fake-api-key', 'app/webhook': 'fake-webhook' }, ssm: { '/app/db-password': 'fake-db' } }),
  );
  fs.mkdirSync(path.join(projectDir, '.switchyard'));
  fs.writeFileSync(path.join(projectDir, '.switchyard', 'secrets.json'), JSON.stringify({ secretsmanager: { 'app/api-key': 'real-sandbox-key' } }));
  app = await startPlainApp({ projectDir });
  sm = new SecretsManagerClient(clientConfig(app));
  ssm = new SSMClient(clientConfig(app));
}, 120_000);
afterAll(async () => {
  sm?.destroy();
  ssm?.destroy();
  await app?.stop();
});

test('.switchyard/secrets.json overrides dev-secrets.json key by key', async () => {
  expect((await sm.send(new GetSecretValueCommand({ SecretId: 'app/api-key' }))).SecretString).toBe('real-sandbox-key');
  expect((await sm.send(new GetSecretValueCommand({ SecretId: 'app/webhook' }))).SecretString).toBe('fake-webhook');
  expect((await ssm.send(new GetParameterCommand({ Name: '/app/db-password', WithDecryption: true }))).Parameter?.Value).toBe('fake-db');
});

test('a secret in neither file: ResourceNotFoundException naming both files and the JSON to add', async () => {
  const error = await sm.send(new GetSecretValueCommand({ SecretId: 'app/missing' })).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.name).toBe('ResourceNotFoundException');
  expect(error?.message).toContain("Secrets Manager can't find the specified secret.");
  expect(error?.message).toContain(path.join(projectDir, '.switchyard', 'secrets.json'));
  expect(error?.message).toContain(path.join(projectDir, 'dev-secrets.json'));
  expect(error?.message).toContain('{"secretsmanager":{"app/missing":"<value>"}}');
});

test('a parameter in neither file: ParameterNotFound with the JSON to add', async () => {
  const error = await ssm.send(new GetParameterCommand({ Name: '/app/missing' })).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.name).toBe('ParameterNotFound');
  expect(error?.message).toContain('{"ssm":{"/app/missing":"<value>"}}');
});

test("the repository's dev-secrets.json holds the example's payment key, marked as fake, and is not git-ignored", () => {
  const file = JSON.parse(fs.readFileSync(path.join(repo, 'dev-secrets.json'), 'utf8'));
  expect(file.secretsmanager['shop/payment-api-key']).toMatch(/fake/);
  expect(file['//']).toMatch(/Never put a real secret here/);
  const ignored = fs.readFileSync(path.join(repo, '.gitignore'), 'utf8').split('\n');
  expect(ignored).toContain('.switchyard/');
  expect(ignored).not.toContain('dev-secrets.json');
});
