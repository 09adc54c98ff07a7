import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/** A Secrets Manager secret by name, with the KMS key it is encrypted with when not the AWS managed one. */
export interface SecretByName {
  /** The secret's name, e.g. `shop/payment-api-key`. */
  readonly secretName: string;
  /**
   * The customer-managed key the secret is encrypted with; the function gets `kms:Decrypt` on it, through Secrets Manager only.
   * @default - the AWS managed key `aws/secretsmanager`, which needs no grant
   */
  readonly encryptionKey?: kms.IKey;
}

/** An SSM Parameter Store parameter (a SecureString, typically) by name. */
export interface ParameterByName {
  /** The parameter's name, e.g. `/shop/db-password`. */
  readonly parameterName: string;
  /**
   * The customer-managed key the SecureString is encrypted with; the function gets `kms:Decrypt` on it, through SSM only.
   * @default - the AWS managed key `aws/ssm`, which needs no grant
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * A secret a function may read: a Secrets Manager secret name, `{ secretName }`,
 * `{ parameterName }` for an SSM parameter, or an `ISecret`.
 */
export type SecretSource = string | SecretByName | ParameterByName | secretsmanager.ISecret;
