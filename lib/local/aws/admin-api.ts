/**
 * Switchyard's own endpoints beside the AWS ones, under `/_switchyard/`, for the CLI: page
 * through the delivery ledger, trigger a schedule, describe what the app serves. Not an AWS
 * API, but errors come in the same JSON shape (`__type`, `message`) so one client reads both.
 *
 *   GET  /_switchyard/ledger[?state=&limit=&nextToken=]   {counts, deliveries, nextToken?}
 *   POST /_switchyard/schedules/<rule>/trigger[?wait=true] {event, deliveries?}
 *   GET  /_switchyard/app                                  AppDescription
 *   POST /_switchyard/why, GET /_switchyard/unmatched       see why-api.ts
 *   GET  /_switchyard/endpoints                            {endpoints: [{name, endpointId, active, activeBusArn, ...}]}
 *   POST /_switchyard/endpoints/<endpoint>/failover?to=secondary|primary   the endpoint, routed anew
 */
import type { AppDescription } from '../describe';
import type { EventRouter } from '../events/event-router';
import { GlobalEndpointNotFoundError, GlobalEndpoints, type EndpointSide, type GlobalEndpointState } from '../events/global-endpoints';
import { DELIVERY_STATES, DeliveryLedger, type DeliveryRecord, type DeliveryState } from '../events/ledger';
import { ScheduleNotFoundError, type Scheduler } from '../schedule/scheduler';
import { AwsServiceError, jsonResponse, validationError, type AwsResponse } from './protocol';
import { unmatched, why } from './why-api';

/** Path prefix of the admin endpoints. */
export const ADMIN_PREFIX = '/_switchyard/';

/** The one admin endpoint whose body is an event, read against PutEvents' limit rather than the small one. */
export const WHY_PATH = `${ADMIN_PREFIX}why`;

/** Deliveries per ledger page unless `limit` says otherwise, and the most a page holds. */
export const LEDGER_PAGE = { default: 100, max: 1000 } as const;

/** What the admin endpoints read. */
export interface AdminServices {
  readonly ledger: DeliveryLedger;
  readonly scheduler: Scheduler;
  /** The buses and rules `why` explains events against. */
  readonly router: EventRouter;
  /** What the app serves, by display name, with the outputs' local values. */
  readonly describe?: () => AppDescription;
  /** The global endpoints, which `switchyard failover` routes. */
  readonly endpoints?: GlobalEndpoints;
}

/** Handles one admin request. */
export async function handleAdmin(services: AdminServices, method: string, path: string, query: URLSearchParams, body: Buffer): Promise<AwsResponse> {
  if (method === 'GET' && path === `${ADMIN_PREFIX}ledger`) return ledgerPage(services.ledger, query);
  if (method === 'POST' && path === WHY_PATH) return why(services.router, services.ledger, body);
  if (method === 'GET' && path === `${ADMIN_PREFIX}unmatched`) return unmatched(services.ledger);
  if (method === 'GET' && path === `${ADMIN_PREFIX}app` && services.describe) return jsonResponse(services.describe(), 'application/json');
  if (method === 'GET' && path === `${ADMIN_PREFIX}endpoints`) return jsonResponse({ endpoints: (services.endpoints?.list() ?? []).map(endpointOut) }, 'application/json');
  const failover = new RegExp(`^${ADMIN_PREFIX}endpoints/([^/]+)/failover$`).exec(path);
  if (method === 'POST' && failover) return failoverEndpoint(services.endpoints, decodeURIComponent(failover[1]), query.get('to') ?? 'secondary');
  const trigger = new RegExp(`^${ADMIN_PREFIX}schedules/([^/]+)/trigger$`).exec(path);
  if (method === 'POST' && trigger) return triggerSchedule(services, decodeURIComponent(trigger[1]), query.get('wait') === 'true');
  throw new AwsServiceError(404, 'UnknownOperationException', `No admin endpoint ${method} ${path}`);
}

/** Routes a global endpoint to one side, as a Route 53 health check failing (or recovering) would. */
function failoverEndpoint(endpoints: GlobalEndpoints | undefined, ref: string, to: string): AwsResponse {
  if (to !== 'primary' && to !== 'secondary') throw validationError(`to must be primary or secondary; got '${to}'`);
  try {
    // An app without endpoints answers as for an unknown one, listing none.
    return jsonResponse(endpointOut((endpoints ?? new GlobalEndpoints([])).failover(ref, to)), 'application/json');
  } catch (err) {
    if (err instanceof GlobalEndpointNotFoundError) throw new AwsServiceError(404, err.code, err.message);
    throw err;
  }
}

/** An endpoint's routing as the admin API answers it. */
export interface EndpointAnswer {
  readonly name: string;
  readonly endpointId: string;
  readonly arn: string;
  readonly active: EndpointSide;
  readonly activeBusArn: string;
  readonly replicaBusArn?: string;
  readonly primaryBusArn: string;
  readonly secondaryBusArn: string;
}

function endpointOut(state: GlobalEndpointState): EndpointAnswer {
  const { endpoint: e } = state;
  return { name: e.name, endpointId: e.endpointId, arn: e.arn, active: state.active, activeBusArn: state.activeBusArn, replicaBusArn: state.replicaBusArn, primaryBusArn: e.primaryBusArn, secondaryBusArn: e.secondaryBusArn };
}

function ledgerPage(ledger: DeliveryLedger, query: URLSearchParams): AwsResponse {
  const state = query.get('state');
  if (state !== null && !DELIVERY_STATES.includes(state as DeliveryState)) {
    throw validationError(`state must be one of ${DELIVERY_STATES.join(', ')}; got '${state}'`);
  }
  const limitText = query.get('limit');
  const limit = limitText === null ? LEDGER_PAGE.default : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > LEDGER_PAGE.max) {
    throw validationError(`limit must be a whole number from 1 to ${LEDGER_PAGE.max}; got '${limitText}'`);
  }
  const nextToken = query.get('nextToken') ?? undefined;
  if (nextToken !== undefined && !DeliveryLedger.isToken(nextToken)) {
    throw new AwsServiceError(400, 'InvalidNextToken', `'${nextToken}' is not a nextToken of this ledger`);
  }
  const page = ledger.page(state ? { state: state as DeliveryState } : {}, limit, nextToken);
  return jsonResponse({ counts: ledger.counts(), ...page }, 'application/json');
}

async function triggerSchedule(services: AdminServices, ref: string, wait: boolean): Promise<AwsResponse> {
  let event;
  try {
    event = services.scheduler.trigger(ref);
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new AwsServiceError(404, err.code, err.message);
    throw err;
  }
  const deliveries = wait ? await firstAttempts(services.ledger, event.id) : undefined;
  return jsonResponse({ event, deliveries }, 'application/json');
}

/**
 * How long a triggered schedule's first attempts are waited for. Past it the answer lists what
 * is still `pending`: HTTP clients give up on an answer whose headers take five minutes
 * (undici's default, which the CLI's fetch uses), and targets may run for fifteen.
 */
export const TRIGGER_WAIT_MS = 240_000;

/**
 * The deliveries of an event once each has made its first attempt: `delivered`, `retrying` with
 * the error, or ended in a DLQ. (Retries go on after this answers, as they would in AWS.)
 */
function firstAttempts(ledger: DeliveryLedger, eventId: string): Promise<DeliveryRecord[]> {
  return new Promise((resolve) => {
    const done = () => {
      ledger.off('change', check);
      clearTimeout(timer);
      resolve(ledger.list({ eventId }));
    };
    const check = () => {
      if (ledger.list({ eventId }).every((d) => d.state !== 'pending')) done();
    };
    const timer = setTimeout(done, TRIGGER_WAIT_MS).unref();
    ledger.on('change', check);
    check();
  });
}
