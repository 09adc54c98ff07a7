/**
 * EventBridge global endpoints locally: which region's bus each endpoint sends to. In AWS a
 * Route 53 health check decides; here the primary is healthy until `switchyard failover` (the
 * admin API) says otherwise, and back. With replication on (AWS's default), events sent through
 * the endpoint while the primary is active are also put on the secondary's bus, as AWS
 * replicates them; once failed over, the primary counts as down and receives nothing.
 */
import { EventEmitter } from 'node:events';
import type { GlobalEndpointModel } from '../../model';

/** Which side of an endpoint receives its events. */
export type EndpointSide = 'primary' | 'secondary';

/** An endpoint with the side it routes to now. */
export interface GlobalEndpointState {
  readonly endpoint: GlobalEndpointModel;
  readonly active: EndpointSide;
  /** The bus events sent through the endpoint go to now. */
  readonly activeBusArn: string;
  /** The bus they are replicated to as well, when replication is on and the primary is active. */
  readonly replicaBusArn?: string;
}

/** Thrown for an endpoint the app does not have. */
export class GlobalEndpointNotFoundError extends Error {
  /** Stable code, AWS's for a missing endpoint. */
  readonly code = 'ResourceNotFoundException';
  constructor(ref: string, known: readonly string[]) {
    super(`Endpoint ${ref} does not exist. Endpoints of the app: ${known.join(', ') || 'none'}`);
    this.name = 'GlobalEndpointNotFoundError';
  }
}

/** Events of {@link GlobalEndpoints}. */
export interface GlobalEndpointEvents {
  failover: [GlobalEndpointState];
}

/** The app's global endpoints and their routing. */
export class GlobalEndpoints extends EventEmitter<GlobalEndpointEvents> {
  private readonly active = new Map<string, EndpointSide>();

  constructor(private readonly endpoints: readonly GlobalEndpointModel[]) {
    super();
  }

  /** Every endpoint with its routing now, in model order. */
  list(): GlobalEndpointState[] {
    return this.endpoints.map((e) => this.stateOf(e));
  }

  /** An endpoint by `EndpointId`, name or ARN. @throws GlobalEndpointNotFoundError */
  get(ref: string): GlobalEndpointState {
    const endpoint = this.endpoints.find((e) => e.endpointId === ref || e.name === ref || e.arn === ref);
    if (!endpoint) throw new GlobalEndpointNotFoundError(ref, this.endpoints.map((e) => e.name));
    return this.stateOf(endpoint);
  }

  /** Routes an endpoint's events to one side (`secondary`: the regional failover; `primary`: recovery). */
  failover(ref: string, to: EndpointSide): GlobalEndpointState {
    const { endpoint } = this.get(ref);
    this.active.set(endpoint.arn, to);
    const state = this.stateOf(endpoint);
    this.emit('failover', state);
    return state;
  }

  private stateOf(endpoint: GlobalEndpointModel): GlobalEndpointState {
    const active = this.active.get(endpoint.arn) ?? 'primary';
    if (active === 'secondary') return { endpoint, active, activeBusArn: endpoint.secondaryBusArn };
    return { endpoint, active, activeBusArn: endpoint.primaryBusArn, replicaBusArn: endpoint.replication ? endpoint.secondaryBusArn : undefined };
  }
}
