/**
 * Input shapes of Secrets Manager `GetSecretValue` and SSM `GetParameter`, `GetParameters` and
 * `GetParametersByPath`, as their API references constrain them.
 */
import { boolean, integer, list, string, structure } from './shapes';

const GetSecretValueInput = structure({
  SecretId: string({ min: 1, max: 2048 }),
  VersionId: string({ min: 32, max: 64 }).optional(),
  VersionStage: string({ min: 1, max: 256 }).optional(),
});

const ParameterName = string({ min: 1, max: 2048 });

const GetParameterInput = structure({ Name: ParameterName, WithDecryption: boolean().optional() });

const GetParametersInput = structure({ Names: list(ParameterName, { min: 1, max: 10 }), WithDecryption: boolean().optional() });

const ParameterFilter = structure({
  Key: string({ min: 1, max: 132 }),
  Option: string({ min: 1, max: 10 }).optional(),
  Values: list(string({ min: 1, max: 1024 }), { min: 1, max: 50 }).optional(),
});

const GetParametersByPathInput = structure({
  Path: string({ min: 1, max: 2048 }),
  Recursive: boolean().optional(),
  ParameterFilters: list(ParameterFilter).optional(),
  WithDecryption: boolean().optional(),
  MaxResults: integer({ min: 1, max: 10 }).optional(),
  NextToken: string().optional(),
});

const INPUTS = {
  'secretsmanager.GetSecretValue': GetSecretValueInput,
  'AmazonSSM.GetParameter': GetParameterInput,
  'AmazonSSM.GetParameters': GetParametersInput,
  'AmazonSSM.GetParametersByPath': GetParametersByPathInput,
} as const;

/** The input shape of a served Secrets Manager or SSM target. */
export function secretsInput(target: string) {
  return INPUTS[target as keyof typeof INPUTS] ?? GetParameterInput;
}
