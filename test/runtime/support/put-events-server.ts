/**
 * A local EventBridge endpoint implementing enough of the JSON protocol for PutEvents
 * (`X-Amz-Target: AWSEvents.PutEvents`, `application/x-amz-json-1.1`) to test publish() with the
 * real AWS SDK client. Listens on 127.0.0.1, port 0.
 */
import { EventBridgeClient, type PutEventsRequestEntry, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { entrySize } from '../../../lib/runtime';

/** A per-entry failure the server answers instead of accepting the entry. */
export interface EntryFailure {
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}

/** One PutEvents call as the server received it. */
export interface ReceivedCall {
  readonly entries: readonly PutEventsRequestEntry[];
  /** Sum of the entries' sizes as AWS counts them. */
  readonly bytes: number;
  readonly failed: number;
}

export interface PutEventsServerOptions {
  /** Decides, per entry, whether to fail it; called in arrival order. */
  readonly fail?: (entry: PutEventsRequestEntry, callIndex: number) => EntryFailure | undefined;
  /** Answers the whole call with an HTTP error instead (status, __type), when it returns one. */
  readonly failCall?: (callIndex: number) => { status: number; type: string } | undefined;
}

export interface PutEventsServer {
  readonly endpoint: string;
  readonly calls: ReceivedCall[];
  /** Entries accepted, in order. */
  readonly accepted: PutEventsRequestEntry[];
  /** A real SDK client pointed at this server. */
  client(): EventBridgeClient;
  close(): Promise<void>;
}

export async function startPutEventsServer(options: PutEventsServerOptions = {}): Promise<PutEventsServer> {
  const calls: ReceivedCall[] = [];
  const accepted: PutEventsRequestEntry[] = [];
  const clients: EventBridgeClient[] = [];
  let callIndex = 0;

  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const reply = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        return reply(400, { __type: 'UnknownOperationException', message: `unsupported ${String(req.headers['x-amz-target'])}` });
      }
      if (!String(req.headers['content-type']).startsWith('application/x-amz-json-1.1')) {
        return reply(400, { __type: 'SerializationException', message: 'expected application/x-amz-json-1.1' });
      }
      const index = callIndex++;
      const callFailure = options.failCall?.(index);
      if (callFailure) return reply(callFailure.status, { __type: callFailure.type, message: 'injected call failure' });

      const entries = (JSON.parse(raw) as { Entries?: PutEventsRequestEntry[] }).Entries ?? [];
      const bytes = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
      if (entries.length > 10 || bytes > 256 * 1024) {
        return reply(400, { __type: 'ValidationException', message: `request too large: ${entries.length} entries, ${bytes} bytes` });
      }
      const results: PutEventsResultEntry[] = entries.map((entry) => {
        try {
          JSON.parse(entry.Detail ?? '');
        } catch {
          return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
        }
        const failure = options.fail?.(entry, index);
        if (failure) return { ...failure };
        accepted.push(entry);
        return { EventId: randomUUID() };
      });
      const failed = results.filter((r) => r.ErrorCode).length;
      calls.push({ entries, bytes, failed });
      return reply(200, { FailedEntryCount: failed, Entries: results });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    calls,
    accepted,
    client() {
      const client = new EventBridgeClient({
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        // publish() owns retries of failed calls in these tests; keep the SDK's own to one try.
        maxAttempts: 1,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so failures repeat run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, as a seed. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
