/**
 * Route authorization in the local runtime, as API Gateway applies it before the integration:
 * JWT authorizers (signature, issuer, audience, expiry, scopes), Lambda authorizers (with their
 * cache) and IAM (SigV4). The HTTP gateway asks {@link LocalAuth.authorize} for every route
 * that has an `auth` in the app model.
 */
import * as path from 'node:path';
import type { RouteModel } from '../../model';
import type { FunctionHost } from '../host/function-host';
import { type AuthDecision, type RequestParts, authorizerFailure } from './decision';
import { DevIssuer } from './dev-issuer';
import { verifySigV4 } from './iam';
import { JwtVerifier } from './jwt';
import { LambdaAuthorizers } from './lambda-authorizer';

export type { AuthDecision, RequestParts } from './decision';
export { DEV_KEY_ID, DevIssuer, type DevTokenOptions } from './dev-issuer';
export { LOCAL_CREDENTIALS, NodeSha256, verifySigV4 } from './iam';
export { JwtVerifier, loadKeySet, scopesOf } from './jwt';
export { LambdaAuthorizers } from './lambda-authorizer';
export { SecretStore, handleSecretsApi, isSecretsApi, type DeclaredValues } from './secrets-api';

/** How the local runtime authorizes requests. */
export interface LocalAuthOptions {
  /**
   * Trust tokens signed by the development key (`switchyard token`) for every JWT issuer the app
   * configures. Local only: AWS checks tokens against the real issuer's keys and refuses these.
   * @default true
   */
  readonly devIssuer?: boolean;
  /**
   * Real issuers' keys by issuer URL: a JWKS file, or a JWKS URL on localhost.
   * @default - none
   */
  readonly jwks?: Readonly<Record<string, string>>;
  /**
   * Folder of `dev-issuer.json` (the development signing key, created on first use).
   * @default '<projectDir>/.switchyard'
   */
  readonly stateDir?: string;
  /**
   * Access key id -> secret accepted for IAM routes.
   * @default LOCAL_CREDENTIALS (the dummy credentials the local runtime hands out)
   */
  readonly iamCredentials?: Readonly<Record<string, string>>;
}

/** What the gateway hands over for one request. */
export interface AuthRequest extends RequestParts {
  /** The route's `execute-api` ARN (`arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>`). */
  readonly routeArn: string;
  /** Builds the request's event in a payload format version (the Lambda authorizer's). */
  readonly eventFor: (version: '1.0' | '2.0') => Record<string, unknown>;
}

/** The local runtime's authorizers. */
export class LocalAuth {
  /** Lambda authorizers, with their cache. */
  readonly lambdas: LambdaAuthorizers;
  private jwt?: Promise<JwtVerifier>;

  constructor(
    host: FunctionHost,
    private readonly accountId: string,
    private readonly options: LocalAuthOptions & { readonly projectDir?: string } = {},
  ) {
    this.lambdas = new LambdaAuthorizers(host);
  }

  /** Decides whether `request` may reach `route`'s integration. Routes without `auth` are allowed. */
  async authorize(route: RouteModel, request: AuthRequest): Promise<AuthDecision> {
    const auth = route.auth;
    if (!auth) return { allowed: true, context: {} };
    switch (auth.type) {
      case 'JWT':
        return (await this.jwtVerifier()).authorize(auth, request);
      case 'AWS_IAM':
        return verifySigV4(request, { accountId: this.accountId, credentials: this.options.iamCredentials });
      case 'CUSTOM':
        return this.lambdas.authorize(auth, request, request.eventFor(auth.payloadFormatVersion), request.routeArn);
      default:
        return authorizerFailure(`the route's authorization type ${(auth as { type: string }).type} is not served locally`);
    }
  }

  /** The development issuer (created on first use), for `switchyard token` and tests. */
  devIssuer(): Promise<DevIssuer> {
    return DevIssuer.load(this.stateDir());
  }

  private stateDir(): string {
    return this.options.stateDir ?? path.join(this.options.projectDir ?? process.cwd(), '.switchyard');
  }

  /** The JWT verifier (development issuer and configured key sets), created on first use. */
  jwtVerifier(): Promise<JwtVerifier> {
    // Loaded on the first JWT request: apps without JWT routes never create a key.
    this.jwt ??= (async () => {
      const devIssuer = this.options.devIssuer === false ? undefined : await this.devIssuer();
      return new JwtVerifier({ devIssuer, jwks: this.options.jwks });
    })();
    return this.jwt;
  }
}
