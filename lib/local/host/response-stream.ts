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

/** The answer for the invocations that streamed nothing: one for all. */
const NOT_STREAMED: StreamedResponse = Object.freeze({ streamed: false });

interface OpenStream {
  readonly sink?: ResponseStreamSink;
  streamed: boolean;
  chunks: Buffer[];
  bytes: number;
}

/**
 * The streams of the invocations in flight, by request id. Only a caller with a sink is
 * registered when its invocation begins; a stream for any other is collected from its first
 * message: the instance passes on only the messages of the invocation it is running (see
 * FunctionInstance), all of them before its result, so none comes after {@link end}. Most
 * invocations stream nothing, and a flood of them then costs no entry each.
 */
export class ResponseStreams {
  private readonly open = new Map<string, OpenStream>();

  /** Starts listening for an invocation's stream; `sink` receives it, else it is collected. */
  begin(requestId: string, sink?: ResponseStreamSink): void {
    if (sink) this.open.set(requestId, { sink, streamed: false, chunks: [], bytes: 0 });
  }

  /** A message of the invocation an instance is running. */
  receive(msg: StreamMessage): void {
    let s = this.open.get(msg.requestId);
    if (!s) this.open.set(msg.requestId, (s = { streamed: false, chunks: [], bytes: 0 }));
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
    if (!s) return NOT_STREAMED;
    this.open.delete(requestId);
    if (!s.streamed) return NOT_STREAMED;
    return s.sink ? { streamed: true } : { streamed: true, payload: Buffer.concat(s.chunks).toString('utf8') };
  }
}
