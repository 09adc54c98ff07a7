/**
 * MOCK integrations as API Gateway runs them: the request template (chosen by the request's
 * Content-Type, `application/json` by default) yields the status code (`{"statusCode": 200}`);
 * the integration response whose `SelectionPattern` matches it (else the default one) gives the
 * method response's status, its headers from `ResponseParameters` and its body from the response
 * template (which may set `$context.responseOverride`). This is what CORS preflight methods
 * synthesized by `defaultCorsPreflightOptions` are.
 */
import type { RestIntegrationModel } from '../../model';
import type { RestFailure } from './rest-errors';
import { firstMediaType } from './rest-response';
import { parameterValue, renderTemplate, type TemplateScope } from './rest-templates';
import type { GatewayResponse } from './response';

type MockIntegration = Extract<RestIntegrationModel, { type: 'MOCK' }>;

/** Runs a MOCK integration: the response, or the failure API Gateway answers with. */
export function runMock(integration: MockIntegration, scope: TemplateScope): GatewayResponse | RestFailure {
  const contentType = firstMediaType(String(scope.req.headers['content-type'] ?? '')) || 'application/json';
  const requestTemplate = integration.requestTemplates[contentType] ?? integration.requestTemplates['application/json'];
  const rendered = requestTemplate === undefined ? '' : renderTemplate(requestTemplate, scope).body;
  // The template's output is JSON-like (CDK writes `{ statusCode: 200 }`, with a bare key).
  const status = /["']?statusCode["']?\s*:\s*["']?(\d{3})/.exec(rendered)?.[1] ?? '200';
  const response =
    integration.integrationResponses.find((r) => r.selectionPattern !== undefined && new RegExp(`^(?:${r.selectionPattern})$`).test(status)) ??
    integration.integrationResponses.find((r) => r.selectionPattern === undefined);
  if (!response) return { type: 'API_CONFIGURATION_ERROR', message: 'Internal server error' };

  const headers: Record<string, string> = {};
  for (const [name, expression] of Object.entries(response.responseParameters)) {
    const value = parameterValue(expression, scope);
    if (value !== undefined && name.startsWith('method.response.header.')) headers[name.slice('method.response.header.'.length)] = value;
  }
  const accept = firstMediaType(String(scope.req.headers.accept ?? ''));
  const templateType = response.responseTemplates[accept] !== undefined ? accept : response.responseTemplates['application/json'] !== undefined ? 'application/json' : Object.keys(response.responseTemplates)[0];
  let statusCode = Number(response.statusCode);
  let body = '';
  if (templateType !== undefined) {
    const out = renderTemplate(response.responseTemplates[templateType], scope);
    body = out.body;
    Object.assign(headers, out.headers);
    statusCode = out.status ?? statusCode;
    headers['content-type'] ??= templateType;
  }
  // A 204 or 304 has no body; a template of only `#set` lines renders to whitespace anyway.
  if (statusCode === 204 || statusCode === 304 || !body.trim()) body = '';
  return { statusCode, headers, body: Buffer.from(body) };
}
