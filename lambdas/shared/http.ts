import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/** A JSON response for API Gateway HTTP API (payload 2.0). */
export function json(statusCode: number, body: unknown): APIGatewayProxyResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
