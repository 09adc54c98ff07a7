import { Annotations, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { ErrorCode, SwitchyardError } from '../../errors';
import { SECRETS_ENV, type SecretLocator } from '../../runtime/secrets';
import type { SecretSource } from '../secrets';
import { setEnvironment } from './environment';

// Names each service accepts; checked here so a typo fails synth rather than the first read.
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const PARAMETER_NAME = /^\/?[A-Za-z0-9_.\-/]{1,2047}$/;
const LOGICAL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Gives `fn` read access to exactly the secrets named, and their names or ARNs (never their
 * values) in `SWITCHYARD_SECRETS`, which `getSecret(name)` of `switchyard/runtime` reads:
 * `secretsmanager:GetSecretValue` on each secret, `ssm:GetParameter` on each parameter, and
 * `kms:Decrypt` on a given key only when used by that service.
 */
export function grantSecrets(fn: lambda.IFunction, secrets: Readonly<Record<string, SecretSource>>): void {
  const stack = Stack.of(fn);
  const locators: Record<string, SecretLocator> = {};
  for (const [name, source] of Object.entries(secrets)) {
    if (!LOGICAL_NAME.test(name)) invalid(fn, 'Invalid secret name for getSecret()', name, 'use an identifier such as "paymentApiKey": letters, digits and underscores');
    const { locator, resource, key, service } = describe(fn, stack, name, source);
    locators[name] = locator;
    // Through the grant principal, so an imported function's role gets it too (or, with no role
    // known, CDK warns with the statement to add).
    fn.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [service === 'secretsmanager' ? 'secretsmanager:GetSecretValue' : 'ssm:GetParameter'],
        resources: [resource],
      }),
    );
    if (key) {
      fn.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          // Only for decrypting this service's secrets, not arbitrary ciphertext under the key.
          conditions: { StringEquals: { 'kms:ViaService': `${service}.${stack.region}.amazonaws.com` } },
        }),
      );
    }
  }
  if (Object.keys(locators).length === 0) return;
  const value = JSON.stringify(locators);
  setEnvironment(fn, { [SECRETS_ENV]: value }, `set ${SECRETS_ENV} to ${value} where the function is defined, for getSecret() of switchyard/runtime`);
}

function describe(fn: IConstruct, stack: Stack, name: string, source: SecretSource) {
  if (typeof source === 'string') return describe(fn, stack, name, { secretName: source });
  if ('secretArn' in source) {
    // An ISecret: its full ARN when known, else the name-based ARN plus Secrets Manager's random suffix.
    const resource = source.secretFullArn ?? `${source.secretArn}-??????`;
    return { locator: { service: 'secretsmanager', id: source.secretFullArn ?? source.secretArn }, resource, key: source.encryptionKey, service: 'secretsmanager' } as const;
  }
  if ('secretName' in source) {
    const { secretName } = source;
    if (!Token.isUnresolved(secretName) && !SECRET_NAME.test(secretName)) {
      invalid(fn, `Invalid Secrets Manager secret name for "${name}"`, secretName, 'use the secret\'s name (letters, digits and /_+=.@-), not its ARN or value');
    }
    const resource = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${secretName}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    return { locator: { service: 'secretsmanager', id: secretName }, resource, key: source.encryptionKey, service: 'secretsmanager' } as const;
  }
  const { parameterName } = source;
  if (!Token.isUnresolved(parameterName) && !PARAMETER_NAME.test(parameterName)) {
    invalid(fn, `Invalid SSM parameter name for "${name}"`, parameterName, 'use the parameter\'s name, e.g. "/shop/db-password" (letters, digits and _.-/)');
  }
  const resource = stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.replace(/^\//, ''), arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  return { locator: { service: 'ssm', id: parameterName }, resource, key: source.encryptionKey, service: 'ssm' } as const;
}

function invalid(scope: IConstruct, problem: string, value: unknown, fix: string): never {
  throw new SwitchyardError({ code: ErrorCode.INVALID_SECRET, problem, scope, value, fix });
}

// Names that say "credential" (the suffix is what people use: STRIPE_API_KEY, DB_PASSWORD).
const CREDENTIAL_NAME = /(^|_)(SECRET|SECRET_KEY|PASSWORD|PASSWD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|CLIENT_SECRET)$/i;
// AWS access key ids, and PEM private keys.
const CREDENTIAL_VALUE = /\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----/;

/**
 * Warns (an `Annotations` warning `switchyard:credentialInEnvironment`) for each environment
 * variable whose name or value looks like a credential: Lambda environment variables are
 * readable by anyone with `lambda:GetFunctionConfiguration`, and end up in templates and logs.
 */
export function warnOnCredentials(fn: IConstruct, environment: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(environment)) {
    const literal = !Token.isUnresolved(value);
    const byValue = literal && CREDENTIAL_VALUE.test(value);
    if (!byValue && !CREDENTIAL_NAME.test(name)) continue;
    Annotations.of(fn).addWarningV2(
      'switchyard:credentialInEnvironment',
      `Environment variable ${name} ${byValue ? 'holds what looks like a credential (an AWS access key or a private key)' : 'is named like a credential'}; ` +
        'its value would be readable by anyone who can read the function configuration, and sits in the template. ' +
        `Fix: store it in Secrets Manager or as an SSM SecureString and give it to the function with secrets: { ${camel(name)}: 'its-secret-name' }, ` +
        `then read it in the handler with getSecret('${camel(name)}') from switchyard/runtime.`,
    );
  }
}

function camel(envName: string): string {
  return envName.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
