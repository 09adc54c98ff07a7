/**
 * JWT authorization as an HTTP API's JWT authorizer performs it: token from the identity source
 * (bare or after `Bearer `), signature against the issuer's keys, `iss`, `aud` (or `client_id`
 * when there is no `aud`), `exp`/`nbf`, then the route's scopes (at least one of them in `scope`
 * or `scp`). Failures answer 401 (token) or 403 (scope) with API Gateway's body and a
 * `www-authenticate` header saying why.
 */
import * as fs from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JSONWebKeySet } from './jose';
import type { JwtAuthModel } from '../../model';
import type { DevIssuer } from './dev-issuer';
import { type AuthDecision, type RequestParts, deny, identityValues } from './decision';

type KeySet = ReturnType<typeof createLocalJWKSet>;

/** Where the local runtime finds an issuer's keys: a JWKS file, or an http(s) URL on localhost. */
export type JwksSource = string;

/** Options of {@link JwtVerifier}. */
export interface JwtVerifierOptions {
  /** The development issuer, trusted for every configured issuer (dev only); absent to trust only `jwks`. */
  readonly devIssuer?: DevIssuer;
  /** Real issuers' key sets by issuer URL: a JWKS file path or a localhost URL. */
  readonly jwks?: Readonly<Record<string, JwksSource>>;
}

/** Verifies tokens for JWT routes. */
export class JwtVerifier {
  private readonly keySets = new Map<string, KeySet[]>();
  private readonly devKeys?: KeySet;

  constructor(private readonly options: JwtVerifierOptions) {
    this.devKeys = options.devIssuer ? createLocalJWKSet(options.devIssuer.jwks()) : undefined;
  }

  /** Authorizes one request for a JWT route. */
  async authorize(auth: JwtAuthModel, request: RequestParts): Promise<AuthDecision> {
    const [raw] = identityValues(auth.identitySource, request);
    if (!raw) return deny(401, 'Unauthorized', { 'www-authenticate': 'Bearer' });
    const token = raw.replace(/^Bearer\s+/i, '').trim();
    const invalid = (description: string) => deny(401, 'Unauthorized', { 'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${description}"` });

    const verified = await this.verify(token, auth.issuer);
    if ('failure' in verified) return invalid(verified.failure);
    const { payload } = verified;
    if (payload.iss !== auth.issuer) return invalid('the token does not have a valid issuer');
    const audiences = payload.aud === undefined ? (typeof payload.client_id === 'string' ? [payload.client_id] : []) : ([] as string[]).concat(payload.aud);
    if (!audiences.some((a) => auth.audience.includes(a))) return invalid('the token does not have a valid audience');

    const tokenScopes = scopesOf(payload);
    if (auth.scopes.length && !auth.scopes.some((s) => tokenScopes.includes(s))) {
      return deny(403, 'Forbidden', {
        'www-authenticate': `Bearer scope="${auth.scopes.join(' ')}" error="insufficient_scope" error_description="the token does not have any of the route's scopes"`,
      });
    }
    return { allowed: true, context: { jwt: { claims: payload, scopes: tokenScopes.length ? tokenScopes : null } } };
  }

  /**
   * Verifies a token's signature against the issuer's keys (and the development key, when
   * trusted) and its `exp`/`nbf`; the caller checks the claims its authorizer cares about.
   */
  async verify(token: string, issuer: string): Promise<{ payload: JWTPayload } | { failure: string }> {
    let failure = 'signature is invalid';
    for (const keys of this.keysFor(issuer)) {
      try {
        return { payload: (await jwtVerify(token, keys, { clockTolerance: 0 })).payload };
      } catch (err) {
        if (err instanceof errors.JWTExpired) return { failure: 'the token has expired' };
        if (err instanceof errors.JWTClaimValidationFailed) return { failure: `the token's "${err.claim}" claim is not valid` };
        if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return { failure: 'the token is malformed' };
        // Signature or key mismatch with this key set: try the next one.
        failure = err instanceof errors.JWKSNoMatchingKey ? 'no key of the issuer matches the token' : 'signature is invalid';
      }
    }
    return { failure: this.keysFor(issuer).length ? failure : `no keys are configured locally for issuer ${issuer}` };
  }

  private keysFor(issuer: string): KeySet[] {
    let sets = this.keySets.get(issuer);
    if (!sets) {
      sets = [];
      const source = this.options.jwks?.[issuer];
      if (source) sets.push(loadKeySet(source));
      if (this.devKeys) sets.push(this.devKeys);
      this.keySets.set(issuer, sets);
    }
    return sets;
  }
}

/** A key set from a JWKS file or a localhost URL (the local runtime fetches nothing from the internet). */
export function loadKeySet(source: JwksSource): KeySet {
  if (/^https?:\/\//.test(source)) {
    const url = new URL(source);
    if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      throw new Error(`JWKS ${source}: only localhost URLs or files are read locally; download the issuer's JWKS to a file instead`);
    }
    return createRemoteJWKSet(url) as unknown as KeySet;
  }
  return createLocalJWKSet(JSON.parse(fs.readFileSync(source, 'utf8')) as JSONWebKeySet);
}

/** Scopes of a token: `scope` (space-separated) or `scp` (string or array). */
export function scopesOf(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (Array.isArray(raw)) return raw.map(String);
  return typeof raw === 'string' ? raw.split(' ').filter(Boolean) : [];
}
