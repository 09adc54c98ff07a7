/**
 * API Gateway's own answers for REST APIs (gateway responses): each failure has a response type
 * with a default status and message, rendered through the API's `AWS::ApiGateway::GatewayResponse`
 * customizations (the type's own, else `DEFAULT_4XX`/`DEFAULT_5XX`): status code, headers
 * (`gatewayresponse.header.X`) and body template (default `{"message":$context.error.messageString}`).
 */
import type { GatewayResponseModel, RestApiModel } from '../../model';
import type { GatewayResponse } from './response';
import { parameterValue, renderTemplate, type TemplateScope } from './rest-templates';

/** The gateway response types the local runtime produces. */
export type GatewayResponseType =
  | 'ACCESS_DENIED'
  | 'API_CONFIGURATION_ERROR'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'AUTHORIZER_FAILURE'
  | 'BAD_REQUEST_BODY'
  | 'BAD_REQUEST_PARAMETERS'
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX'
  | 'INTEGRATION_FAILURE'
  | 'INTEGRATION_TIMEOUT'
  | 'INVALID_API_KEY'
  | 'INVALID_SIGNATURE'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'QUOTA_EXCEEDED'
  | 'REQUEST_TOO_LARGE'
  | 'THROTTLED'
  | 'UNAUTHORIZED'
  | 'UNSUPPORTED_MEDIA_TYPE';

/** A request API Gateway answers itself, and why. */
export interface RestFailure {
  readonly type: GatewayResponseType;
  /** `$context.error.message`; null where API Gateway gives none (authorizer configuration errors). */
  readonly message: string | null;
  /** The status when it is not the type's default (a Lambda function error is a 502 `DEFAULT_5XX`). */
  readonly status?: number;
  readonly validationErrorString?: string;
  /** Why, for the request log, when the answer does not say (an authorizer or integration that failed). */
  readonly reason?: string;
}

const DEFAULT_STATUS: Record<GatewayResponseType, number> = {
  ACCESS_DENIED: 403,
  API_CONFIGURATION_ERROR: 500,
  AUTHORIZER_CONFIGURATION_ERROR: 500,
  AUTHORIZER_FAILURE: 500,
  BAD_REQUEST_BODY: 400,
  BAD_REQUEST_PARAMETERS: 400,
  DEFAULT_4XX: 400,
  DEFAULT_5XX: 500,
  INTEGRATION_FAILURE: 504,
  INTEGRATION_TIMEOUT: 504,
  INVALID_API_KEY: 403,
  INVALID_SIGNATURE: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  QUOTA_EXCEEDED: 429,
  REQUEST_TOO_LARGE: 413,
  THROTTLED: 429,
  UNAUTHORIZED: 401,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

/** `x-amzn-ErrorType` values API Gateway sends with its own answers. */
const ERROR_TYPE: Partial<Record<GatewayResponseType, string>> = {
  ACCESS_DENIED: 'AccessDeniedException',
  AUTHORIZER_CONFIGURATION_ERROR: 'AuthorizerConfigurationException',
  BAD_REQUEST_BODY: 'BadRequestException',
  BAD_REQUEST_PARAMETERS: 'BadRequestException',
  INVALID_API_KEY: 'ForbiddenException',
  INVALID_SIGNATURE: 'InvalidSignatureException',
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationTokenException',
  QUOTA_EXCEEDED: 'LimitExceededException',
  THROTTLED: 'TooManyRequestsException',
  UNAUTHORIZED: 'UnauthorizedException',
};

const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

/**
 * Bodies API Gateway writes itself for integration failures (with a space after the colon),
 * used when the API does not customize the response.
 */
const INTEGRATION_BODIES: Partial<Record<GatewayResponseType, string>> = {
  DEFAULT_5XX: '{"message": "Internal server error"}',
  INTEGRATION_TIMEOUT: '{"message": "Endpoint request timed out"}',
};

/** The response API Gateway sends for a failure, with the API's customizations applied. */
export function gatewayResponse(api: RestApiModel, failure: RestFailure, scope: TemplateScope): GatewayResponse {
  const baseStatus = failure.status ?? DEFAULT_STATUS[failure.type];
  const family = baseStatus >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
  const own = api.gatewayResponses.find((g) => g.responseType === failure.type);
  const fallback = api.gatewayResponses.find((g) => g.responseType === family);
  const statusCode = own?.statusCode ?? (failure.type === family ? undefined : fallback?.statusCode) ?? baseStatus;
  const errorScope: TemplateScope = { ...scope, error: { message: failure.message, responseType: failure.type, validationErrorString: failure.validationErrorString } };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const errorType = ERROR_TYPE[failure.type];
  if (errorType) headers['x-amzn-ErrorType'] = errorType;
  for (const [name, expression] of Object.entries({ ...fallback?.responseParameters, ...own?.responseParameters })) {
    const value = parameterValue(expression, errorScope);
    if (value !== undefined && name.startsWith('gatewayresponse.header.')) headers[name.slice('gatewayresponse.header.'.length)] = value;
  }
  const template = templateOf(own) ?? templateOf(fallback);
  if (template === undefined && INTEGRATION_BODIES[failure.type] && failure.message !== null) {
    return { statusCode, headers, body: Buffer.from(INTEGRATION_BODIES[failure.type]!.replace(/"message": "[^"]*"/, `"message": ${JSON.stringify(failure.message)}`)) };
  }
  // Authorizer denials answer `{"Message": ...}` (capital M) by default, as API Gateway does.
  const text = template ?? (failure.type === 'ACCESS_DENIED' ? '{"Message":$context.error.messageString}' : DEFAULT_TEMPLATE);
  const rendered = renderTemplate(text, errorScope);
  return { statusCode: rendered.status ?? statusCode, headers: { ...headers, ...rendered.headers }, body: Buffer.from(rendered.body) };
}

function templateOf(g: GatewayResponseModel | undefined): string | undefined {
  if (!g) return undefined;
  return g.responseTemplates['application/json'] ?? Object.values(g.responseTemplates)[0];
}
