/**
 * Secrets Manager `GetSecretValue` and SSM `GetParameter` on the local AWS endpoint, served from
 * `.switchyard/secrets.json` (git-ignored; never bundled, never in the template):
 *
 *   { "secretsmanager": { "shop/payment-api-key": "..." }, "ssm": { "/shop/db-password": "..." } }
 *
 * Handlers read secrets with the real SDK clients, which the function environment points here
 * through `AWS_ENDPOINT_URL`, so handler code is the same in AWS and locally. The file is read
 * on every call, so an edit takes effect without restarting `switchyard dev`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AwsServiceError, jsonResponse, type AwsResponse } from '../aws/protocol';

/** The local values of secrets and parameters. */
export class SecretStore {
  /** @param file the JSON file holding the values */
  constructor(
    readonly file: string,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** The store of a project: `<projectDir>/.switchyard/secrets.json`. */
  static forProject(projectDir: string, region: string, accountId: string): SecretStore {
    return new SecretStore(path.join(projectDir, '.switchyard', 'secrets.json'), region, accountId);
  }

  /** Secrets Manager's answer for a secret name or ARN (with or without its random suffix). */
  secret(id: string): { name: string; value: string; arn: string } | undefined {
    const values = this.read().secretsmanager ?? {};
    const arnName = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)$/.exec(id)?.[1];
    for (const name of [id, arnName, arnName?.replace(/-[A-Za-z0-9]{6}$/, '')]) {
      if (name !== undefined && typeof values[name] === 'string') {
        return { name, value: values[name], arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-local0` };
      }
    }
    return undefined;
  }

  /** A parameter's value by name. */
  parameter(name: string): string | undefined {
    const value = (this.read().ssm ?? {})[name];
    return typeof value === 'string' ? value : undefined;
  }

  /** The parameter's ARN. */
  parameterArn(name: string): string {
    return `arn:aws:ssm:${this.region}:${this.accountId}:parameter/${name.replace(/^\//, '')}`;
  }

  private read(): { secretsmanager?: Record<string, string>; ssm?: Record<string, string> } {
    if (!fs.existsSync(this.file)) return {};
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch (err) {
      throw new AwsServiceError(500, 'InternalServiceError', `${this.file} is not valid JSON: ${(err as Error).message}`);
    }
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
      throw new AwsServiceError(400, 'ResourceNotFoundException', `Secrets Manager can't find the specified secret. (Locally: add "${id}" under "secretsmanager" in ${store.file}.)`);
    }
    return jsonResponse({ ARN: found.arn, Name: found.name, SecretString: found.value, VersionId: 'local-version', VersionStages: ['AWSCURRENT'], CreatedDate: 0 });
  }
  const name = String(input.Name ?? '');
  const value = store.parameter(name);
  if (value === undefined) {
    throw new AwsServiceError(400, 'ParameterNotFound', `Parameter ${name} not found. (Locally: add "${name}" under "ssm" in ${store.file}.)`);
  }
  return jsonResponse({ Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1, ARN: store.parameterArn(name), DataType: 'text', LastModifiedDate: 0 } });
}
