/**
 * Server plumbing shared by the HTTP API, REST API and function URL gateways: listening on
 * ports, stopping, and invoking an integration's function under the integration timeout.
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SYNC_REQUEST_MAX_BYTES, isResponseTooLarge } from '../aws/lambda-limits';
import { ThrottledError } from '../host/errors';
import { deferContinue } from '../read-body';
import type { FunctionHost } from '../host/function-host';

/** A request's method (upper case), path and query string, both still percent-encoded. */
export function requestTarget(req: http.IncomingMessage): { method: string; rawPath: string; rawQueryString: string } {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return { method: (req.method ?? 'GET').toUpperCase(), rawPath: q < 0 ? url : url.slice(0, q), rawQueryString: q < 0 ? '' : url.slice(q + 1) };
}

/** Listens on `port` (0 picks a free one). */
export function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** How many following ports are tried when a server's port is taken. */
const PORT_ATTEMPTS = 20;

/** Listens on `port` or, when it is taken, on the next free one (0: any free port). */
export async function listenFrom(server: http.Server, port: number, host: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await listen(server, port, host);
      return (server.address() as AddressInfo).port;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0 || attempt + 1 >= PORT_ATTEMPTS) throw err;
      port++;
    }
  }
}

/** Closes servers and their open connections. */
export async function closeAll(servers: readonly http.Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    ),
  );
}

/**
 * One HTTP server per served resource (an API, a function URL) on consecutive ports: what the
 * three gateways share. Each server keeps connections alive for a minute, as API Gateway does,
 * and answers `Expect: 100-continue` only once the body is wanted (see deferContinue).
 */
export class PortServers<T> {
  private readonly servers: http.Server[] = [];
  private list: T[] = [];

  constructor(private readonly hostname: string) {}

  /** What is served, as `start` described it. */
  get served(): readonly T[] {
    return this.list;
  }

  /**
   * Starts a server for each item from `port` up (0: free ports). With `exactPort`, a taken port
   * fails the start (a port the user asked for); otherwise the next free one is taken.
   */
  async start<I>(items: readonly I[], port: number, options: PortServersOptions<I, T>): Promise<readonly T[]> {
    for (const item of items) {
      const server = options.create(item);
      deferContinue(server);
      server.keepAliveTimeout = 60_000;
      this.servers.push(server);
      const actual = options.exactPort ? await listen(server, port, this.hostname).then(() => (server.address() as AddressInfo).port) : await listenFrom(server, port, this.hostname);
      this.list.push(options.describe(item, actual, this.hostname));
      if (port !== 0) port = actual + 1;
    }
    return this.list;
  }

  /** Stops every server and closes open connections. */
  async stop(): Promise<void> {
    await closeAll(this.servers);
    this.servers.length = 0;
    this.list = [];
  }
}

/** How {@link PortServers.start} makes and names each server. */
export interface PortServersOptions<I, T> {
  /** The server of one item (its request handler and server options). */
  readonly create: (item: I) => http.Server;
  /** What is served for the item at the port it got. */
  readonly describe: (item: I, port: number, hostname: string) => T;
  /** Fail when the port is taken rather than take the next free one. @default false */
  readonly exactPort?: boolean;
}

/**
 * How an integration's invocation ended, for the gateway to answer in its own words; every
 * failure carries `reason`, what the request log says about it (the answer itself says little).
 */
export type IntegrationOutcome =
  | { readonly kind: 'result'; readonly payload: string }
  /** `responseTooLarge`: the function answered more than Lambda returns (`Function.ResponseSizeTooLarge`). */
  | { readonly kind: 'function-error'; readonly reason: string; readonly responseTooLarge?: boolean }
  | { readonly kind: 'timeout'; readonly reason: string }
  | { readonly kind: 'throttled'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Invokes a function for an integration. The integration timeout cuts the request short; the
 * invocation itself runs on, as on AWS (the time a debugger holds the function paused does not count). Lambda's payload limits apply: an event over 6 MB is
 * refused before the function runs (a 10 MB request fits the API, not Lambda), a response over
 * 6291556 bytes is a function error.
 */
export async function invokeIntegration(host: FunctionHost, functionLogicalId: string, event: unknown, timeoutMs: number, requestId: string = randomUUID()): Promise<IntegrationOutcome> {
  const fn = host.find(functionLogicalId);
  if (!fn) return { kind: 'failed', reason: `the integration's function ${functionLogicalId} is not served locally` };
  const payload = JSON.stringify(event);
  const size = Buffer.byteLength(payload);
  if (size > SYNC_REQUEST_MAX_BYTES) return { kind: 'failed', reason: `the event is ${size} bytes, over Lambda's ${SYNC_REQUEST_MAX_BYTES}-byte request limit (Lambda refuses it: RequestEntityTooLargeException)` };
  let cancel: (() => void) | undefined;
  // Under `dev --inspect` it stands still while a debugger holds the function paused.
  const timedOut = new Promise<'timeout'>((resolve) => (cancel = host.callerTimer(fn.name, timeoutMs, () => resolve('timeout'))));
  try {
    const result = await Promise.race([host.invoke(fn.name, { payload, requestId, overflow: 'throttle' }), timedOut]);
    if (result === 'timeout') return { kind: 'timeout', reason: `${fn.name} did not answer within the integration timeout (${timeoutMs} ms)` };
    if (result.error) return { kind: 'function-error', reason: `${fn.name} (request ${result.requestId}) failed: ${result.error.errorType}: ${result.error.errorMessage}` };
    if (isResponseTooLarge(result.payload)) return { kind: 'function-error', responseTooLarge: true, reason: `${fn.name}'s response is over Lambda's response size limit (Function.ResponseSizeTooLarge)` };
    return { kind: 'result', payload: result.payload };
  } catch (err) {
    const reason = `Lambda refused to invoke ${fn.name}: ${(err as Error).message}`;
    return { kind: err instanceof ThrottledError ? 'throttled' : 'failed', reason };
  } finally {
    cancel?.();
  }
}
