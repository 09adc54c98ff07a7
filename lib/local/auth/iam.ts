/**
 * IAM (`AWS_IAM`) authorization: the request must carry a SigV4 `Authorization` header made
 * with credentials the local runtime knows (its dummy ones), over the same method, path, query,
 * signed headers and body. The signature is recomputed with the SDK's own signer and compared.
 * Unsigned requests are refused with 403, as API Gateway refuses them; presigned URLs are not
 * accepted locally.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { FUNCTION_SECRET_ACCESS_KEY, isFunctionAccessKeyId } from '../iam/credentials';
import { type AuthDecision, type RequestParts, deny } from './decision';

/**
 * Credentials the local runtime hands out and therefore accepts: the test helpers' and CLI's
 * `local`/`local`, and each function's own key (see lib/local/iam/credentials.ts), accepted by
 * its shape. Real AWS credentials are never known here, so a request signed with them is refused,
 * as it should be off AWS.
 */
export const LOCAL_CREDENTIALS: Readonly<Record<string, string>> = {
  local: 'local',
};

// API Gateway refuses signatures older or newer than this.
const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTH_HEADER = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** SHA-256 (and HMAC-SHA-256 when given a secret) in the shape the SDK's signer takes. */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/** Options of {@link verifySigV4}. */
export interface SigV4Options {
  /** Account id reported in `requestContext.authorizer.iam`. */
  readonly accountId: string;
  /** Known access key id -> secret. @default LOCAL_CREDENTIALS and the functions' keys */
  readonly credentials?: Readonly<Record<string, string>>;
  /** The current time in ms (injectable for tests). @default Date.now() */
  readonly now?: number;
}

/** Authorizes one request for an `AWS_IAM` route. */
export async function verifySigV4(request: RequestParts, options: SigV4Options): Promise<AuthDecision> {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? AUTH_HEADER.exec(header) : null;
  if (!match) return deny(403, 'Forbidden');
  const [, accessKeyId, , region, service, signedHeaderList, signature] = match;
  const secret = options.credentials ? options.credentials[accessKeyId] : (LOCAL_CREDENTIALS[accessKeyId] ?? (isFunctionAccessKeyId(accessKeyId) ? FUNCTION_SECRET_ACCESS_KEY : undefined));
  if (secret === undefined) return deny(403, 'The security token included in the request is invalid.');
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) return deny(403, 'Forbidden');
  if (Math.abs((options.now ?? Date.now()) - signingDate.getTime()) > MAX_SKEW_MS) {
    return deny(403, `Signature expired: ${amzDate} is now earlier or later than 15 minutes from the current time.`);
  }

  const signed = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = request.headers[name];
    if (value === undefined) return deny(403, mismatch());
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // The signer trusts a signed x-amz-content-sha256 as the payload hash: make sure it is the body's.
  const contentHash = headers['x-amz-content-sha256'];
  if (contentHash !== undefined && contentHash !== 'UNSIGNED-PAYLOAD' && contentHash !== createHash('sha256').update(request.body).digest('hex')) {
    return deny(403, mismatch());
  }
  const sessionToken = typeof request.headers['x-amz-security-token'] === 'string' ? request.headers['x-amz-security-token'] : undefined;
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey: secret, sessionToken }, region, service, sha256: NodeSha256, applyChecksum: false });
  const [hostname, port] = String(request.headers.host ?? '').split(':');
  const resigned = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname,
      port: port === undefined ? undefined : Number(port),
      path: request.rawPath,
      query: queryOf(request.rawQueryString),
      headers,
      body: request.body.length ? request.body : undefined,
    },
    { signingDate, signableHeaders: new Set(signed), unsignableHeaders: new Set(Object.keys(request.headers).filter((h) => !signed.includes(h))) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization ?? resigned.headers.Authorization ?? ''))?.[1] ?? '';
  if (expected.length !== signature.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) return deny(403, mismatch());
  return {
    allowed: true,
    context: {
      iam: {
        accessKey: accessKeyId,
        accountId: options.accountId,
        callerId: accessKeyId,
        cognitoIdentity: null,
        principalOrgId: null,
        userArn: `arn:aws:iam::${options.accountId}:user/${accessKeyId}`,
        userId: accessKeyId,
      },
    },
  };
}

/** What the signer hashes (the SDK's `SourceData`). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Buffer {
  if (typeof data === 'string') return data;
  return data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function mismatch(): string {
  return 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

function queryOf(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
  }
  return out;
}
