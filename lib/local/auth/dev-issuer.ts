/**
 * The local development issuer: an ES256 key pair generated once into `.switchyard/dev-issuer.json`
 * (git-ignored, mode 0600), which signs tokens for `switchyard token` and which the local runtime
 * trusts for the app's configured JWT issuers, in `switchyard dev` only. AWS never sees this key:
 * API Gateway fetches the real issuer's JWKS, so these tokens are rejected there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK, type JSONWebKeySet } from './jose';

/** Key id of the development key, so a token's origin is visible in its header. */
export const DEV_KEY_ID = 'switchyard-dev';
const ALG = 'ES256';

/** Claims of a development token. */
export interface DevTokenOptions {
  /** `sub`. */
  readonly subject: string;
  /** `iss`: one of the app's JWT issuers. */
  readonly issuer: string;
  /** `aud`; absent for tokens without one (Cognito access tokens name their client in `client_id`). */
  readonly audience?: string | readonly string[];
  /** Space-separated into `scope`. @default none */
  readonly scopes?: readonly string[];
  /** Lifetime in seconds. @default 3600 */
  readonly expiresInSeconds?: number;
  /** Further claims. @default none */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** The development signing key of one project. */
export class DevIssuer {
  /** Loads the key from `<stateDir>/dev-issuer.json`, generating it on first use. */
  static async load(stateDir: string): Promise<DevIssuer> {
    const file = path.join(stateDir, 'dev-issuer.json');
    if (fs.existsSync(file)) {
      const jwk = JSON.parse(fs.readFileSync(file, 'utf8')) as JWK;
      return new DevIssuer(jwk);
    }
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: DEV_KEY_ID, alg: ALG, use: 'sig' };
    fs.mkdirSync(stateDir, { recursive: true });
    try {
      // 'wx': two processes starting at once keep the first key rather than overwrite it.
      fs.writeFileSync(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return new DevIssuer(JSON.parse(fs.readFileSync(file, 'utf8')) as JWK);
    }
    return new DevIssuer(jwk);
  }

  private constructor(private readonly privateJwk: JWK) {}

  /** The public key set, as an issuer's `jwks_uri` serves it. */
  jwks(): JSONWebKeySet {
    const { d: _private, ...publicJwk } = this.privateJwk;
    return { keys: [publicJwk] };
  }

  /** Signs a token. */
  async sign(options: DevTokenOptions): Promise<string> {
    const key = await importJWK(this.privateJwk, ALG);
    const jwt = new SignJWT({ ...options.claims, ...(options.scopes?.length ? { scope: options.scopes.join(' ') } : {}) })
      .setProtectedHeader({ alg: ALG, kid: DEV_KEY_ID, typ: 'JWT' })
      .setSubject(options.subject)
      .setIssuer(options.issuer)
      .setIssuedAt()
      // A number (epoch seconds), so a negative lifetime makes an already expired token for tests.
      .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 3600))
      .setJti(crypto.randomUUID());
    if (options.audience !== undefined) jwt.setAudience(typeof options.audience === 'string' ? options.audience : [...options.audience]);
    return jwt.sign(key);
  }
}
