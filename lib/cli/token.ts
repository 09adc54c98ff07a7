/**
 * `switchyard token`: a JWT signed by the project's development key (`.switchyard/dev-issuer.json`),
 * for the issuer and audience of the app's JWT authorizer (HTTP APIs) or Cognito user pool
 * authorizer (REST APIs), which `switchyard dev` accepts. AWS does not: API Gateway checks
 * tokens against the real issuer's keys. For a Cognito pool the token is an ID token (`aud` the
 * app client), or an access token (`client_id`, `scope`) when scopes are asked for, as Cognito
 * issues them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DevIssuer } from '../local/auth/dev-issuer';
import { readAppModel } from '../model';
import { CliError } from './errors';
import { stateDir } from './state-dir';

/** Options of `switchyard token`. */
export interface TokenOptions {
  readonly projectDir: string;
  /** `sub`. */
  readonly subject: string;
  readonly scopes: readonly string[];
  /** @default the app's only JWT issuer */
  readonly issuer?: string;
  /** @default the first audience of that authorizer */
  readonly audience?: string;
  /** @default 3600 */
  readonly expiresInSeconds?: number;
  /** @default `<projectDir>/.switchyard/cdk.out` (what `switchyard dev` synthesized), else `<projectDir>/cdk.out` */
  readonly assembly?: string;
}

/** A token problem the user can fix: no JWT authorizer, several issuers, a bad expiry. */
export class TokenError extends CliError {
  constructor(message: string) {
    super('TokenError', message);
    this.name = 'TokenError';
  }
}

/** Signs a development token. */
export async function devToken(options: TokenOptions): Promise<string> {
  let { issuer, audience } = options;
  if (!issuer || !audience) {
    const found = jwtAuthorizers(options);
    const match = found.filter((a) => !issuer || a.issuer === issuer);
    if (match.length !== 1) {
      const listed = found.map((a) => `'--issuer ${a.issuer} --audience ${a.audience[0]}'`).join(', ');
      throw new TokenError(
        found.length === 0
          ? 'No JWT authorizer found in the app (run `switchyard dev` or `cdk synth` first, or pass --issuer and --audience).'
          : `Several JWT issuers; choose one with --issuer and --audience: ${listed}`,
      );
    }
    issuer ??= match[0].issuer;
    audience ??= match[0].audience[0];
  }
  const expiresInSeconds = options.expiresInSeconds ?? 3600;
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1) throw new TokenError('--expires-in must be a whole number of seconds');
  const key = await DevIssuer.load(stateDir(options.projectDir));
  if (COGNITO_ISSUER.test(issuer)) {
    const claims = options.scopes.length ? { token_use: 'access', client_id: audience, username: options.subject } : { token_use: 'id', 'cognito:username': options.subject };
    return key.sign({ subject: options.subject, issuer, audience: options.scopes.length ? undefined : audience, scopes: options.scopes, expiresInSeconds, claims });
  }
  return key.sign({ subject: options.subject, issuer, audience, scopes: options.scopes, expiresInSeconds });
}

const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[^/]+\.amazonaws\.com\/[^/]+$/;

function jwtAuthorizers(options: TokenOptions): Array<{ issuer: string; audience: readonly string[] }> {
  const assembly = findAssembly(options.projectDir, options.assembly);
  if (!assembly) return [];
  const { model } = readAppModel(assembly, { projectDir: options.projectDir });
  const seen = new Map<string, { issuer: string; audience: readonly string[] }>();
  for (const api of model.httpApis) {
    for (const route of api.routes) {
      if (route.auth?.type === 'JWT') seen.set(`${route.auth.issuer} ${route.auth.audience.join(',')}`, { issuer: route.auth.issuer, audience: route.auth.audience });
    }
  }
  for (const api of model.restApis) {
    for (const method of api.methods) {
      if (method.auth?.type !== 'COGNITO_USER_POOLS') continue;
      // A pool without an app client in the app still gets tokens, for a client id given with --audience.
      const audience = method.auth.clientIds.length ? method.auth.clientIds : ['local-client'];
      for (const issuer of method.auth.issuers) seen.set(`${issuer} ${audience.join(',')}`, { issuer, audience });
    }
  }
  return [...seen.values()];
}

/** The assembly `dev` synthesized (`.switchyard/cdk.out`), else `cdk.out`, or the given one; undefined when none exists. */
export function findAssembly(projectDir: string, assembly?: string): string | undefined {
  const candidates = assembly ? [path.resolve(projectDir, assembly)] : [path.join(projectDir, '.switchyard', 'cdk.out'), path.join(projectDir, 'cdk.out')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'manifest.json')));
}
