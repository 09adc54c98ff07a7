/**
 * Secrets Manager `GetSecretValue` and SSM `GetParameter`, `GetParameters` and
 * `GetParametersByPath` on the local AWS endpoint, answered from the {@link SecretStore}: the
 * project's local files over the template's values (see secret-store.ts). Handlers read them with
 * the real SDK clients, which the function environment points here through `AWS_ENDPOINT_URL`,
 * so handler code is the same in AWS and locally.
 */
import { AwsServiceError, jsonResponse, validationError, type AwsResponse } from '../aws/protocol';
import { pageOf } from '../aws/paging';
import type { LocalParameter, SecretStore } from './secret-store';

export { DEV_SECRETS_FILE, GENERATED_SECRETS_FILE, LOCAL_SECRETS_FILE, SecretStore, type DeclaredValues, type LocalParameter, type LocalSecret } from './secret-store';

const TARGETS = ['secretsmanager.GetSecretValue', 'AmazonSSM.GetParameter', 'AmazonSSM.GetParameters', 'AmazonSSM.GetParametersByPath'] as const;

/** The operations answered here, in AWS's names. */
export const SECRETS_OPERATIONS = 'Secrets Manager GetSecretValue and SSM GetParameter, GetParameters and GetParametersByPath';

/** True for the targets answered here. */
export function isSecretsApi(target: string): boolean {
  return (TARGETS as readonly string[]).includes(target);
}

/** Answers one of the targets in the JSON protocol; `input` has been checked against its shape. */
export function handleSecretsApi(store: SecretStore, target: string, input: Record<string, unknown>): AwsResponse {
  switch (target) {
    case 'secretsmanager.GetSecretValue':
      return getSecretValue(store, String(input.SecretId ?? ''));
    case 'AmazonSSM.GetParameters':
      return getParameters(store, input.Names as string[]);
    case 'AmazonSSM.GetParametersByPath':
      return getParametersByPath(store, input as unknown as ByPathInput);
    default:
      return getParameter(store, String(input.Name ?? ''));
  }
}

function getSecretValue(store: SecretStore, id: string): AwsResponse {
  const found = store.secret(id);
  if (!found) throw new AwsServiceError(400, 'ResourceNotFoundException', `Secrets Manager can't find the specified secret. ${store.missingHint('secretsmanager', id)}`);
  if (found.value === undefined) {
    const why = found.problem ? ` (locally: ${found.problem})` : ` ${store.missingHint('secretsmanager', found.name)}`;
    throw new AwsServiceError(400, 'ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: AWSCURRENT${why}`);
  }
  return jsonResponse({ ARN: found.arn, Name: found.name, SecretString: found.value, VersionId: 'local-version', VersionStages: ['AWSCURRENT'], CreatedDate: 0 });
}

function getParameter(store: SecretStore, name: string): AwsResponse {
  const found = store.parameter(name);
  // AWS answers ParameterNotFound with an empty message; the local one says what to do.
  if (!found) throw new AwsServiceError(400, 'ParameterNotFound', `Parameter ${name} not found. ${store.missingHint('ssm', name)}`);
  return jsonResponse({ Parameter: parameterOf(store, found) });
}

function getParameters(store: SecretStore, names: readonly string[]): AwsResponse {
  const unique = [...new Set(names)];
  const found = unique.map((n) => store.parameter(n));
  return jsonResponse({
    Parameters: found.filter((p): p is LocalParameter => p !== undefined).map((p) => parameterOf(store, p)),
    InvalidParameters: unique.filter((_, i) => found[i] === undefined),
  });
}

interface ByPathInput {
  readonly Path: string;
  readonly Recursive?: boolean;
  readonly MaxResults?: number;
  readonly NextToken?: string;
  readonly ParameterFilters?: ReadonlyArray<{ readonly Key: string; readonly Option?: string; readonly Values?: readonly string[] }>;
}

/**
 * The parameters under a path: one level below it, or every level with `Recursive`; names sort
 * so that pages are stable. Of `ParameterFilters`, `Type` is applied; any other filter is refused
 * rather than ignored, so that no answer is silently wider than AWS's.
 */
function getParametersByPath(store: SecretStore, input: ByPathInput): AwsResponse {
  if (!input.Path.startsWith('/')) throw validationError(`The parameter path ${input.Path} is not valid: a path must begin with a forward slash (/).`);
  const prefix = input.Path.endsWith('/') ? input.Path : `${input.Path}/`;
  const types = typeFilter(input.ParameterFilters ?? []);
  const matching = store
    .parameterNames()
    .filter((n) => n.startsWith(prefix) && n.length > prefix.length && (input.Recursive === true || !n.slice(prefix.length).includes('/')))
    .map((n) => store.parameter(n)!)
    .filter((p) => types === undefined || types.includes(p.type));
  const scope = JSON.stringify([prefix, input.Recursive === true, types]);
  const page = pageOf(matching, input.MaxResults ?? 10, input.NextToken, scope);
  if (!page) throw new AwsServiceError(400, 'InvalidNextToken', 'The specified token is not valid.');
  return jsonResponse({ Parameters: page.items.map((p) => parameterOf(store, p)), NextToken: page.nextToken });
}

/** The types a `Type` filter allows; undefined without one. Other keys are refused. */
function typeFilter(filters: NonNullable<ByPathInput['ParameterFilters']>): string[] | undefined {
  let types: string[] | undefined;
  for (const f of filters) {
    if (f.Key !== 'Type' || (f.Option ?? 'Equals') !== 'Equals') {
      throw validationError(`switchyard dev does not apply the parameter filter ${f.Key}${f.Option ? ` (${f.Option})` : ''} locally; Type with Equals is applied.`);
    }
    types = [...(f.Values ?? [])];
  }
  return types;
}

function parameterOf(store: SecretStore, p: LocalParameter): Record<string, unknown> {
  return { Name: p.name, Type: p.type, Value: p.value, Version: 1, ARN: store.parameterArn(p.name), DataType: p.dataType, LastModifiedDate: 0 };
}
