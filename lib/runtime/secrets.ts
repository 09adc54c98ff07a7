/**
 * getSecret(): reads a secret the function was given (`secrets: { name: ... }` on the construct
 * side) from Secrets Manager or SSM Parameter Store, cached per container with a TTL.
 *
 * The same code runs in AWS and under `switchyard dev`: the SDK clients follow
 * `AWS_ENDPOINT_URL`, which the local runtime points at its own Secrets Manager- and
 * SSM-compatible endpoint, serving values from the project's git-ignored
 * `.switchyard/secrets.json` (real values) over its committed `dev-secrets.json` (fake
 * placeholders, so a fresh clone runs). Nothing here reads a value from the environment, so a
 * value can never be bundled or deployed by accident.
 */
import type { GetSecretValueCommand, GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import type { GetParameterCommand, GetParameterCommandOutput } from '@aws-sdk/client-ssm';
import { once } from './once';

/** Environment variable holding, per secret name, where to read it (never its value). */
export const SECRETS_ENV = 'SWITCHYARD_SECRETS';

/** Where one secret lives: the service and the secret's name or ARN, or the parameter's name. */
export interface SecretLocator {
  /** `secretsmanager` or `ssm`. */
  readonly service: 'secretsmanager' | 'ssm';
  /** Secret name or ARN, or parameter name. */
  readonly id: string;
}

/** Options of {@link getSecret}. */
export interface GetSecretOptions {
  /**
   * How long a value read is reused before it is read again (rotation shows up after at most this long).
   * @default 300
   */
  readonly ttlSeconds?: number;
}

/** Code of {@link SecretError}. */
export const SECRET_ERROR_CODE = 'SWITCHYARD_SECRET';

/** A secret could not be read: not given to the function, or the service refused. */
export class SecretError extends Error {
  /** Always {@link SECRET_ERROR_CODE}. */
  readonly code = SECRET_ERROR_CODE;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretError';
  }
}

const DEFAULT_TTL_SECONDS = 300;

interface CacheEntry {
  readonly value: Promise<string>;
  readonly expiresAt: number;
}
const cache = new Map<string, CacheEntry>();

/**
 * The value of a secret given to this function by name: `getSecret('paymentApiKey')` for
 * `secrets: { paymentApiKey: 'shop/payment-api-key' }`. Concurrent first reads share one call;
 * a failed read is not cached.
 *
 * @example
 * const apiKey = await getSecret('paymentApiKey');
 */
export async function getSecret(name: string, options: GetSecretOptions = {}): Promise<string> {
  const now = Date.now();
  const hit = cache.get(name);
  if (hit && hit.expiresAt > now) return hit.value;
  const locator = locate(name);
  const value = read(locator).catch((error: unknown) => {
    cache.delete(name);
    throw new SecretError(`Could not read secret "${name}" (${locator.service} ${locator.id}): ${(error as Error)?.message ?? String(error)}`, { cause: error });
  });
  cache.set(name, { value, expiresAt: now + (options.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000 });
  return value;
}

/** A secret holding JSON (as Secrets Manager's key/value secrets do), parsed. */
export async function getSecretJson<T = Record<string, unknown>>(name: string, options: GetSecretOptions = {}): Promise<T> {
  const text = await getSecret(name, options);
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new SecretError(`Secret "${name}" is not JSON`, { cause: error });
  }
}

/** Forgets cached values (for tests, or after a rotation the handler learned of). */
export function clearSecretCache(): void {
  cache.clear();
}

function locate(name: string): SecretLocator {
  let locators: Record<string, SecretLocator> = {};
  try {
    locators = JSON.parse(process.env[SECRETS_ENV] ?? '{}') as Record<string, SecretLocator>;
  } catch {
    throw new SecretError(`${SECRETS_ENV} is not valid JSON; it is set by the construct from the function's "secrets" prop`);
  }
  const locator = locators[name];
  if (!locator) {
    const given = Object.keys(locators);
    throw new SecretError(`Secret "${name}" was not given to this function (given: ${given.join(', ') || 'none'}). Add it to the function's "secrets" prop.`);
  }
  return locator;
}

async function read(locator: SecretLocator): Promise<string> {
  if (locator.service === 'ssm') {
    const [{ GetParameterCommand }, client] = await Promise.all([loadSsm(), ssmClient()]);
    const out = await client.send(new GetParameterCommand({ Name: locator.id, WithDecryption: true }));
    if (out.Parameter?.Value === undefined) throw new Error('the parameter has no value');
    return out.Parameter.Value;
  }
  const [{ GetSecretValueCommand }, client] = await Promise.all([loadSecretsManager(), secretsManagerClient()]);
  const out = await client.send(new GetSecretValueCommand({ SecretId: locator.id }));
  if (out.SecretString !== undefined) return out.SecretString;
  if (out.SecretBinary !== undefined) return Buffer.from(out.SecretBinary).toString('utf8');
  throw new Error('the secret has no value');
}

// Loaded on first read, not at import: handlers that never read a secret do not pay for the SDK
// client during cold start. The Node.js runtime ships SDK v3, so bundles leave it external.
type SecretsManagerSdk = typeof import('@aws-sdk/client-secrets-manager');
type SsmSdk = typeof import('@aws-sdk/client-ssm');
interface Sender<C, O> {
  send(command: C): Promise<O>;
}

const loadSecretsManager = /* @__PURE__ */ once((): Promise<SecretsManagerSdk> => import('@aws-sdk/client-secrets-manager'));
const loadSsm = /* @__PURE__ */ once((): Promise<SsmSdk> => import('@aws-sdk/client-ssm'));
// One client per service and container, keeping its connections warm.
const secretsManagerClient = /* @__PURE__ */ once(
  async (): Promise<Sender<GetSecretValueCommand, GetSecretValueCommandOutput>> => new (await loadSecretsManager()).SecretsManagerClient({}),
);
const ssmClient = /* @__PURE__ */ once(async (): Promise<Sender<GetParameterCommand, GetParameterCommandOutput>> => new (await loadSsm()).SSMClient({}));
