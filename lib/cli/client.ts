/**
 * The client of a running `switchyard dev`, through its AWS endpoint: Lambda Invoke, EventBridge
 * PutEvents, and the admin endpoints (ledger, trigger, app description, why). Plain HTTP in the AWS
 * wire protocols, so the CLI needs no SDK.
 */
import type { AppDescription, DeliveryRecord, EndpointAnswer, UnmatchedAnswer, WhyAnswer } from '../local';
import { EndpointError } from './errors';

/** One page of the delivery ledger. */
export interface LedgerPage {
  readonly counts: Record<string, number>;
  readonly deliveries: DeliveryRecord[];
  /** Pass as `nextToken` for the next page; absent on the last one. */
  readonly nextToken?: string;
}

/** What `PutEvents` answers. */
export interface PutEventsOutput {
  readonly FailedEntryCount: number;
  readonly Entries: ReadonlyArray<{ readonly EventId?: string; readonly ErrorCode?: string; readonly ErrorMessage?: string }>;
}

/** A client for the local endpoint. */
export class LocalEndpointClient {
  constructor(private readonly endpoint: string) {}

  /** Lambda Invoke; returns the status, function error and payload text. */
  async invoke(functionName: string, payload: string, type: 'RequestResponse' | 'Event' = 'RequestResponse') {
    const res = await this.request(`/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`, { 'x-amz-invocation-type': type }, payload);
    return { status: res.status, functionError: res.headers.get('x-amz-function-error') ?? undefined, payload: await res.text() };
  }

  /** EventBridge PutEvents with one entry. */
  async putEvent(entry: { Source: string; DetailType: string; Detail: string; EventBusName?: string }): Promise<PutEventsOutput> {
    const res = await this.request('/', { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify({ Entries: [entry] }));
    return (await res.json()) as PutEventsOutput;
  }

  /** Fires a schedule rule now; with `wait`, answers once each target's first attempt has ended. */
  async trigger(rule: string, wait: boolean): Promise<{ event: { id: string }; deliveries?: DeliveryRecord[] }> {
    const res = await this.request(`/_switchyard/schedules/${encodeURIComponent(rule)}/trigger${wait ? '?wait=true' : ''}`, {}, '');
    return (await res.json()) as never;
  }

  /** One page of the delivery ledger. */
  async ledger(query: { state?: string; limit?: string; nextToken?: string }): Promise<LedgerPage> {
    const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
    const res = await this.request(`/_switchyard/ledger${params.size ? `?${params}` : ''}`, {}, undefined);
    return (await res.json()) as LedgerPage;
  }

  /** Every rule of the event's bus, matched or not, and why: for an event of the ledger (by id) or one given. */
  async why(query: { eventId: string; bus?: string } | { event: object; bus?: string }): Promise<WhyAnswer> {
    return (await (await this.request('/_switchyard/why', {}, JSON.stringify(query))).json()) as WhyAnswer;
  }

  /** The events that matched no rule, as the ledger keeps them. */
  async unmatched(): Promise<UnmatchedAnswer> {
    return (await (await this.request('/_switchyard/unmatched', {}, undefined)).json()) as UnmatchedAnswer;
  }

  /** Routes a global endpoint to its `secondary` or `primary` region's bus; answers the endpoint as routed now. */
  async failover(endpoint: string, to: string): Promise<EndpointAnswer> {
    const res = await this.request(`/_switchyard/endpoints/${encodeURIComponent(endpoint)}/failover?to=${encodeURIComponent(to)}`, {}, '');
    return (await res.json()) as EndpointAnswer;
  }

  /** What the app serves, by the names `dev` prints, and its outputs' local values. */
  async describe(): Promise<AppDescription> {
    return (await (await this.request('/_switchyard/app', {}, undefined)).json()) as AppDescription;
  }

  private async request(path: string, headers: Record<string, string>, body: string | undefined): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.endpoint + path, { method: body === undefined ? 'GET' : 'POST', headers, body });
    } catch {
      throw new EndpointError('EndpointUnreachable', `Cannot reach ${this.endpoint}. Is 'switchyard dev' running? (--aws-port or SWITCHYARD_AWS_PORT sets where to look)`);
    }
    if (res.status < 400) return res;
    const text = await res.text();
    try {
      const parsed = JSON.parse(text) as { message?: string; __type?: string };
      throw new EndpointError(res.headers.get('x-amzn-errortype') ?? parsed.__type ?? `HTTP${res.status}`, parsed.message ?? text);
    } catch (err) {
      if (err instanceof EndpointError) throw err;
      throw new EndpointError(`HTTP${res.status}`, text);
    }
  }
}
