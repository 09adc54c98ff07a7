/**
 * Each function's own credentials: the function host puts them in the function's environment, as
 * Lambda puts its role session's there, and the endpoint maps a call's access key id back to the
 * function that made it. Handlers stay unmodified: the SDK signs with what the environment holds.
 */
import { createHash } from 'node:crypto';

/** The secret of every function's key: nothing locally is protected by it (see {@link callerAccessKeyId}). */
export const FUNCTION_SECRET_ACCESS_KEY = 'local-secret-access-key';
/** The session token every function gets (Lambda's credentials are a role session's, which carry one). */
export const FUNCTION_SESSION_TOKEN = 'local-session-token';

// A role session's key: `ASIA` and 16 characters of base32, as STS issues them. `ASIASY` marks the
// local ones so that they are told from a developer's own keys at a glance.
const PREFIX = 'ASIASY';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const FUNCTION_KEY = /^ASIASY[A-Z2-7]{14}$/;

/** The access key id of a function's credentials: stable across runs, distinct per function name. */
export function functionAccessKeyId(functionName: string): string {
  const digest = createHash('sha256').update(`switchyard-function/${functionName}`).digest();
  return PREFIX + Array.from(digest.subarray(0, 14), (b) => BASE32[b & 31]).join('');
}

/** True for a key id of the shape {@link functionAccessKeyId} makes. */
export function isFunctionAccessKeyId(accessKeyId: string): boolean {
  return FUNCTION_KEY.test(accessKeyId);
}

/**
 * The access key id a request was signed with: the `Credential=` of its SigV4 `Authorization`
 * header, or the `X-Amz-Credential` of a presigned URL.
 *
 * Attribution only, not authentication: the endpoint listens on the loopback interface, and
 * checking every call's signature would cost an HMAC chain per call to protect nothing (any local
 * process can read a function's environment). Routes with `AWS_IAM` authorization still verify
 * signatures (lib/local/auth/iam.ts).
 */
export function callerAccessKeyId(headers: Readonly<Record<string, string | string[] | undefined>>, query?: URLSearchParams): string | undefined {
  const auth = headers.authorization;
  const text = Array.isArray(auth) ? auth[0] : auth;
  const fromHeader = text === undefined ? undefined : /Credential=([^/,\s]+)\//.exec(text)?.[1];
  return fromHeader ?? query?.get('X-Amz-Credential')?.split('/')[0] ?? undefined;
}
