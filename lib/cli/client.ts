/**
 * The commands that talk to a running `switchyard dev` through its AWS endpoint: invoke,
 * put-events, trigger, ledger. Plain HTTP in the AWS wire protocols, so the CLI needs no SDK.
 */

/** Thrown when the endpoint cannot be reached or answers with an error. */
export class EndpointError extends Error {
  /** Stable code. */
  readonly code = 'EndpointError';
  constructor(message: string) {
    super(message);
    this.name = 'EndpointError';
  }
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
  async putEvent(entry: { Source: string; DetailType: string; Detail: string; EventBusName?: string }): Promise<{ FailedEntryCount: number; Entries: Array<{ EventId?: string; ErrorCode?: string; ErrorMessage?: string }> }> {
    const res = await this.request('/', { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' }, JSON.stringify({ Entries: [entry] }));
    return (await res.json()) as never;
  }

  /** Fires a schedule rule now. */
  async trigger(rule: string): Promise<{ event: { id: string } }> {
    const res = await this.request(`/_switchyard/schedules/${encodeURIComponent(rule)}/trigger`, {}, '');
    return (await res.json()) as never;
  }

  /** The delivery ledger. */
  async ledger(state?: string): Promise<{ counts: Record<string, number>; deliveries: Array<Record<string, unknown>> }> {
    const res = await this.request(`/_switchyard/ledger${state ? `?state=${encodeURIComponent(state)}` : ''}`, {}, undefined);
    return (await res.json()) as never;
  }

  private async request(path: string, headers: Record<string, string>, body: string | undefined): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(this.endpoint + path, { method: body === undefined ? 'GET' : 'POST', headers, body });
    } catch {
      throw new EndpointError(`Cannot reach ${this.endpoint}. Is 'switchyard dev' running? (--aws-port sets where to look)`);
    }
    if (res.status >= 400) {
      const text = await res.text();
      let message = text;
      try {
        const parsed = JSON.parse(text) as { message?: string; __type?: string };
        message = `${res.headers.get('x-amzn-errortype') ?? parsed.__type ?? res.status}: ${parsed.message ?? text}`;
      } catch {
        // Not JSON: the raw text is the message.
      }
      throw new EndpointError(message);
    }
    return res;
  }
}
