/**
 * Where a call to the local endpoint comes from: the region its signature is scoped to, and the
 * account of the function that made it. One endpoint serves every region and account of the app,
 * so a bus or queue given by name is found where the caller's client looks for it.
 */
import type { FunctionModel } from '../../model';
import type { CallerEnvironment } from '../events/event-router';
import { callerAccessKeyId, functionAccessKeyId } from '../iam/credentials';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The region of a SigV4 `Authorization` header's credential scope
 * (`Credential=AKID/20250101/us-west-2/events/aws4_request`). SigV4a (`AWS4-ECDSA-P256-SHA256`,
 * what the SDK signs a global endpoint's PutEvents with) scopes to no region: its region set is
 * `X-Amz-Region-Set`, `*` for a global endpoint; then there is no one region.
 */
export function signingRegion(headers: Headers): string | undefined {
  const auth = headers.authorization;
  const text = Array.isArray(auth) ? auth[0] : auth;
  return text === undefined ? undefined : /Credential=[^/,\s]+\/\d{8}\/([a-z]{2}(?:-[a-z]+)+-\d+)\/[^/,\s]+\/aws4_request/.exec(text)?.[1];
}

/**
 * Tells each call's environment: the signing region, and the account of the function whose
 * credentials signed it (other callers, a test's or a script's, name no account: the bus is then
 * found in the app's default account, else the one account of that region that has it).
 */
export function callerEnvironments(functions: readonly FunctionModel[]): (headers: Headers) => CallerEnvironment {
  const accounts = new Map(functions.map((fn) => [functionAccessKeyId(fn.name), fn.arn.split(':')[4]]));
  return (headers) => {
    const key = callerAccessKeyId(headers);
    return { region: signingRegion(headers), accountId: key === undefined ? undefined : accounts.get(key) };
  };
}
