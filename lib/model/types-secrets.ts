/**
 * The parts of the app model for configuration the template declares: SSM parameters and
 * Secrets Manager secrets, served by the local SSM and Secrets Manager APIs.
 */
import type { ResourceRef } from './types';

/** An SSM parameter of the template (`AWS::SSM::Parameter`: `ssm.StringParameter`, `StringListParameter`). */
export interface ParameterModel extends ResourceRef {
  /** `Name`, else the name CloudFormation generates (`CFN-<logicalId>-<12 characters>`), which `Ref` answers. */
  readonly name: string;
  /** `String` or `StringList` (CloudFormation cannot create a `SecureString`). */
  readonly type: string;
  /** The value, intrinsics resolved to local values. */
  readonly value: string;
  /** `DataType`: `text` (the default) or `aws:ec2:image`. */
  readonly dataType: string;
}

/** `GenerateSecretString` of a secret: how Secrets Manager generates its value at deploy. */
export interface GenerateSecretStringModel {
  /** Characters in the password. AWS's default is 32. */
  readonly passwordLength: number;
  /** Characters never used. */
  readonly excludeCharacters: string;
  readonly excludeLowercase: boolean;
  readonly excludeUppercase: boolean;
  readonly excludeNumbers: boolean;
  readonly excludePunctuation: boolean;
  readonly includeSpace: boolean;
  /** One character of each included type at least. AWS's default is true. */
  readonly requireEachIncludedType: boolean;
  /** A JSON object the password is added to under {@link generateStringKey}. */
  readonly secretStringTemplate?: string;
  readonly generateStringKey?: string;
}

/** A Secrets Manager secret of the template (`AWS::SecretsManager::Secret`: `secretsmanager.Secret`). */
export interface SecretModel extends ResourceRef {
  /** `Name`, else the name CloudFormation generates (`<logicalId>-<12 characters>`). */
  readonly name: string;
  /** The ARN, with the 6 random characters Secrets Manager appends to the name: what `Ref` answers. */
  readonly arn: string;
  /** `SecretString`, when the template sets the value. */
  readonly value?: string;
  /** `GenerateSecretString`, when Secrets Manager generates the value. Neither: the secret has no value. */
  readonly generate?: GenerateSecretStringModel;
}
