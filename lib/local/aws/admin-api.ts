/**
 * Switchyard's own endpoints beside the AWS ones, under `/_switchyard/`, for the CLI:
 * list the delivery ledger, trigger a schedule. Not an AWS API.
 */
import type { DeliveryLedger, DeliveryState } from '../events/ledger';
import type { Scheduler } from '../schedule/scheduler';
import { AwsServiceError, jsonResponse, type AwsResponse } from './protocol';

/** Path prefix of the admin endpoints. */
export const ADMIN_PREFIX = '/_switchyard/';

/** Handles `GET /_switchyard/ledger[?state=]` and `POST /_switchyard/schedules/<rule>/trigger`. */
export function handleAdmin(ledger: DeliveryLedger, scheduler: Scheduler, method: string, path: string, query: URLSearchParams): AwsResponse {
  if (method === 'GET' && path === `${ADMIN_PREFIX}ledger`) {
    const state = query.get('state') as DeliveryState | null;
    return jsonResponse({ counts: ledger.counts(), deliveries: ledger.list(state ? { state } : {}) }, 'application/json');
  }
  const trigger = new RegExp(`^${ADMIN_PREFIX}schedules/([^/]+)/trigger$`).exec(path);
  if (method === 'POST' && trigger) {
    try {
      const event = scheduler.trigger(decodeURIComponent(trigger[1]));
      return jsonResponse({ event }, 'application/json');
    } catch (err) {
      throw new AwsServiceError(404, 'ResourceNotFoundException', (err as Error).message);
    }
  }
  throw new AwsServiceError(404, 'UnknownOperationException', `No admin endpoint ${method} ${path}`);
}
