/**
 * Responses of streaming handlers (`awslambda.streamifyResponse`), on the host side: an
 * instance sends what the handler writes as `stream` messages before the invocation's result;
 * they go to the caller's sink (a function URL in `RESPONSE_STREAM` mode writes them to its
 * client as they come), or, for a caller that wants one payload (Invoke, a buffered URL), are
 * collected into one, as Lambda buffers a streamed response for a buffered invocation.
 */
import { RESPONSE_MAX_BYTES } from '../aws/lambda-limits';
import type { StreamMessage } from './protocol';

/** Where a streamed response goes as it is written. */
export interface ResponseStreamSink {
  /** `responseStream.setContentType(...)`, before any chunk. */
  contentType(type: string): void;
  /** One chunk, in order. */
  write(chunk: Buffer): void;
}

/** How an invocation's response came back. */
export interface StreamedResponse {
  /** True when the handler streamed its response (its `result` then carries nothing). */
  readonly streamed: boolean;
  /**
   * For a caller without a sink: what was streamed, as text; cut one byte past Lambda's 6291556-byte
   * response limit, so that the caller's size check refuses it without holding it all.
   */
  readonly payload?: string;
}

interface OpenStream {
  readonly sink?: ResponseStreamSink;
  streamed: boolean;
  chunks: Buffer[];
  bytes: number;
}

/** The streams of the invocations in flight, by request id. */
export class ResponseStreams {
  private readonly open = new Map<string, OpenStream>();

  /** Starts listening for an invocation's stream; `sink` receives it, else it is collected. */
  begin(requestId: string, sink?: ResponseStreamSink): void {
    this.open.set(requestId, { sink, streamed: false, chunks: [], bytes: 0 });
  }

  /** A message from an instance. Messages of requests not begun (a caller gone) are dropped. */
  receive(msg: StreamMessage): void {
    const s = this.open.get(msg.requestId);
    if (!s) return;
    s.streamed = true;
    if (msg.contentType !== undefined) s.sink?.contentType(msg.contentType);
    if (msg.chunk === undefined) return;
    const chunk = Buffer.from(msg.chunk, 'base64');
    if (s.sink) return s.sink.write(chunk);
    if (s.bytes > RESPONSE_MAX_BYTES) return;
    s.chunks.push(chunk);
    s.bytes += chunk.length;
  }

  /** Ends listening: whether the response was streamed and, without a sink, what was. */
  end(requestId: string): StreamedResponse {
    const s = this.open.get(requestId);
    this.open.delete(requestId);
    if (!s?.streamed) return { streamed: false };
    return s.sink ? { streamed: true } : { streamed: true, payload: Buffer.concat(s.chunks).toString('utf8') };
  }
}
