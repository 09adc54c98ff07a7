/**
 * Secrets Manager `GetSecretValue` and SSM `GetParameter` on the local AWS endpoint, served from
 * two JSON files of the project (never bundled, never in the template), first match wins:
 *
 * 1. `.switchyard/secrets.json`: git-ignored, for real values (a sandbox key, a test database
 *    password). It overrides the committed file key by key.
 * 2. `dev-secrets.json`: committed beside `cdk.json`, holding obviously fake placeholder values
 *    so that a fresh clone runs as is. Never a real value: it is in version control.
 *
 * Both have the same shape:
 *
 *   { "secretsmanager": { "shop/payment-api-key": "..." }, "ssm": { "/shop/db-password": "..." } }
 *
 * Other top-level keys (a `"//"` note) are ignored. Handlers read secrets with the real SDK
 * clients, which the function environment points here through `AWS_ENDPOINT_URL`, so handler
 * code is the same in AWS and locally. The files are read on every call, so an edit takes effect
 * without restarting `switchyard dev`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsServiceError, jsonResponse, type AwsResponse } from '../aws/protocol';

/** The committed file of fake development values, relative to the project folder. */
export const DEV_SECRETS_FILE = 'dev-secrets.json';
/** The git-ignored file of real local values, relative to the project folder. */
export const LOCAL_SECRETS_FILE = path.join('.switchyard', 'secrets.json');

/** The two services a local value can be read through. */
type Service = 'secretsmanager' | 'ssm';
type SecretsFile = Partial<Record<Service, Record<string, unknown>>>;

/** The local values of secrets and parameters. */
export class SecretStore {
  /**
   * @param files the JSON files holding the values, the one that wins first
   */
  constructor(
    readonly files: readonly string[],
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** The store of a project: `.switchyard/secrets.json` over `dev-secrets.json`. */
  static forProject(projectDir: string, region: string, accountId: string): SecretStore {
    return new SecretStore([path.join(projectDir, LOCAL_SECRETS_FILE), path.join(projectDir, DEV_SECRETS_FILE)], region, accountId);
  }

  /** Secrets Manager's answer for a secret name or ARN (with or without its random suffix). */
  secret(id: string): { name: string; value: string; arn: string } | undefined {
    const arnName = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)$/.exec(id)?.[1];
    for (const name of [id, arnName, arnName?.replace(/-[A-Za-z0-9]{6}$/, '')]) {
      const value = name === undefined ? undefined : this.lookup('secretsmanager', name);
      if (name !== undefined && value !== undefined) {
        return { name, value, arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-local0` };
      }
    }
    return undefined;
  }

  /** A parameter's value by name. */
  parameter(name: string): string | undefined {
    return this.lookup('ssm', name);
  }

  /** The parameter's ARN. */
  parameterArn(name: string): string {
    return `arn:aws:ssm:${this.region}:${this.accountId}:parameter/${name.replace(/^\//, '')}`;
  }

  /** What to tell a user whose value is missing: where each file is and the exact JSON to add. */
  missingHint(service: Service, name: string): string {
    const entry = JSON.stringify({ [service]: { [name]: '<value>' } });
    const [local, committed] = this.files;
    const where = committed
      ? `add ${entry} to ${local} (git-ignored, for real values) or, for a fake placeholder the whole team may share, to ${committed} (committed)`
      : `add ${entry} to ${local}`;
    return `(Locally: ${where}.)`;
  }

  private lookup(service: Service, name: string): string | undefined {
    for (const file of this.files) {
      const value = read(file)[service]?.[name];
      if (typeof value === 'string') return value;
    }
    return undefined;
  }
}

function read(file: string): SecretsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  try {
    return JSON.parse(text) as SecretsFile;
  } catch (err) {
    throw new AwsServiceError(500, 'InternalServiceError', `${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** True for the targets answered here. */
export function isSecretsApi(target: string): boolean {
  return target === 'secretsmanager.GetSecretValue' || target === 'AmazonSSM.GetParameter';
}

/** Answers `GetSecretValue` or `GetParameter` in the JSON protocol. */
export function handleSecretsApi(store: SecretStore, target: string, input: Record<string, unknown>): AwsResponse {
  if (target === 'secretsmanager.GetSecretValue') {
    const id = String(input.SecretId ?? '');
    const found = store.secret(id);
    if (!found) {
      throw new AwsServiceError(400, 'ResourceNotFoundException', `Secrets Manager can't find the specified secret. ${store.missingHint('secretsmanager', id)}`);
    }
    return jsonResponse({ ARN: found.arn, Name: found.name, SecretString: found.value, VersionId: 'local-version', VersionStages: ['AWSCURRENT'], CreatedDate: 0 });
  }
  const name = String(input.Name ?? '');
  const value = store.parameter(name);
  if (value === undefined) {
    // AWS answers ParameterNotFound with an empty message; the local one says what to do.
    throw new AwsServiceError(400, 'ParameterNotFound', `Parameter ${name} not found. ${store.missingHint('ssm', name)}`);
  }
  return jsonResponse({ Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1, ARN: store.parameterArn(name), DataType: 'text', LastModifiedDate: 0 } });
}
