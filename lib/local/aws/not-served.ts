/**
 * The answer to a call for a service the local endpoint does not serve (SNS, Step Functions,
 * S3, ...), in that service's own protocol, so that the SDK in a handler raises a named error
 * saying what is not served, rather than failing to parse a JSON answer it did not expect
 * ("@aws-sdk XML parse error: unexpected content" for SNS's XML protocol).
 *
 * The service is named by the request's SigV4 credential scope (`.../us-east-1/sns/aws4_request`),
 * which every SDK client signs with; the protocol by the request's shape: `X-Amz-Target` for the
 * JSON protocols, a form-encoded `Action=` body for the query protocol (SNS, STS, SES v1,
 * CloudWatch), and for REST services the XML of S3 or the JSON of the others.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AwsResponse } from './protocol';

/** The error code the answer carries: the SDK raises an exception of this name. */
export const NOT_SERVED_CODE = 'UnknownOperationException';

/** Signing names of services as people call them. */
const SERVICE_NAMES: Readonly<Record<string, string>> = {
  sns: 'SNS',
  states: 'Step Functions',
  s3: 'S3',
  kinesis: 'Kinesis',
  firehose: 'Firehose',
  ses: 'SES',
  email: 'SES',
  scheduler: 'EventBridge Scheduler',
  'cognito-idp': 'Cognito user pools',
  monitoring: 'CloudWatch',
  logs: 'CloudWatch Logs',
  sts: 'STS',
  kms: 'KMS',
  appsync: 'AppSync',
  'execute-api': 'API Gateway management',
};

/** The request as far as telling its service and protocol needs. */
export interface NotServedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** What the endpoint does serve, for the message. */
  readonly served: string;
}

/** A 400 in the protocol of the request's service, naming the service and the operation. */
export function notServedResponse(req: NotServedRequest): AwsResponse {
  const signingName = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''))?.[1];
  const service = signingName ? (SERVICE_NAMES[signingName] ?? signingName) : undefined;
  const target = typeof req.headers['x-amz-target'] === 'string' ? req.headers['x-amz-target'] : undefined;
  const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(req.body.toString('utf8')) : undefined;
  const operation = target?.split('.').pop() ?? form?.get('Action') ?? `${req.method} ${req.path}`;
  const message = service
    ? `switchyard dev does not serve ${service} (${operation}); its local AWS endpoint answers ${req.served}. The app's ${service} resources are listed at start-up as not served`
    : `No local service answers ${req.method} ${req.path}${target ? ` (X-Amz-Target: ${target})` : ''}. Served: ${req.served}.`;
  const requestId = crypto.randomUUID();
  if (!target && (form?.has('Action') || signingName === 's3')) return xmlError(message, requestId, form !== undefined);
  const headers = { 'x-amzn-errortype': NOT_SERVED_CODE, 'content-type': target ? 'application/x-amz-json-1.1' : 'application/json' };
  return { status: 400, headers, body: JSON.stringify({ __type: NOT_SERVED_CODE, message }) };
}

/** The query protocol's `ErrorResponse`, or the REST XML protocol's bare `Error` (S3). */
function xmlError(message: string, requestId: string, query: boolean): AwsResponse {
  const fields = `<Code>${NOT_SERVED_CODE}</Code><Message>${escapeXml(message)}</Message>`;
  const body = query
    ? `<ErrorResponse><Error><Type>Sender</Type>${fields}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`
    : `<?xml version="1.0" encoding="UTF-8"?><Error>${fields}<RequestId>${requestId}</RequestId></Error>`;
  return { status: 400, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
