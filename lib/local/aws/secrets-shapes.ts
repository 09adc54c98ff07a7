/**
 * Input shapes of Secrets Manager `GetSecretValue` and SSM `GetParameter`, as their API
 * references constrain them.
 */
import { boolean, string, structure } from './shapes';

const GetSecretValueInput = structure({
  SecretId: string({ min: 1, max: 2048 }),
  VersionId: string({ min: 32, max: 64 }).optional(),
  VersionStage: string({ min: 1, max: 256 }).optional(),
});

const GetParameterInput = structure({ Name: string({ min: 1, max: 2048 }), WithDecryption: boolean().optional() });

/** The input shape of a served Secrets Manager or SSM target. */
export function secretsInput(target: string) {
  return target === 'secretsmanager.GetSecretValue' ? GetSecretValueInput : GetParameterInput;
}
