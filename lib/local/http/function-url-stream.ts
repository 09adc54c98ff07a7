/**
 * A function URL in `RESPONSE_STREAM` mode writing a streaming handler's response to its client
 * as the handler writes it. What Lambda does with the stream:
 *
 * - a stream made by `awslambda.HttpResponseStream.from(stream, prelude)` has the content type
 *   `application/vnd.awslambda.http-integration-response` and starts with a JSON prelude
 *   (`statusCode`, `headers`, `cookies`) followed by 8 NUL bytes: the prelude is the response's
 *   status and headers, the rest its body;
 * - any other stream is a 200 whose content type is the one set on the stream
 *   (`application/octet-stream` when none was);
 * - a streamed response is cut at Lambda's streaming limit, and a handler that fails after
 *   writing leaves its client with a truncated response (the connection ends without the last
 *   chunk), since the status is already sent.
 */
import type * as http from 'node:http';
import { STREAMED_RESPONSE_MAX_BYTES } from '../aws/lambda-limits';
import type { ResponseStreamSink } from '../host/response-stream';

/** What `HttpResponseStream.from` sets on the stream. */
const HTTP_INTEGRATION_RESPONSE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_END = Buffer.alloc(8);
/** A prelude larger than this is not one (it holds a status and headers). */
const PRELUDE_MAX_BYTES = 64 * 1024;

/** Headers the URL adds to every response (CORS, the request id), given the function's. */
export type HeaderDecorator = (headers: Record<string, string | string[]>) => Record<string, string | string[]>;

/** Writes a streamed response to an HTTP client as it comes. */
export class StreamedUrlResponse implements ResponseStreamSink {
  private type?: string;
  private prelude: Buffer[] = [];
  private preludeBytes = 0;
  private bodyBytes = 0;
  private sent = false;
  /** The limit was crossed after the head went out: the response was cut. */
  private broken = false;
  /** The prelude was not one: nothing is sent, the caller answers. */
  private invalid = false;

  constructor(
    private readonly res: http.ServerResponse,
    private readonly decorate: HeaderDecorator,
  ) {}

  /** True once the status and headers went out: an error can no longer change them. */
  get headersSent(): boolean {
    return this.sent;
  }

  contentType(type: string): void {
    this.type = type;
  }

  write(chunk: Buffer): void {
    if (this.broken || this.invalid || this.res.destroyed) return;
    if (!this.sent && this.type === HTTP_INTEGRATION_RESPONSE) return this.readPrelude(chunk);
    if (!this.sent) this.head(200, { 'content-type': this.type ?? 'application/octet-stream' });
    this.body(chunk);
  }

  /**
   * Ends the response once the invocation ended. Returns false when nothing was sent and the
   * caller must answer (the function failed before writing, or its prelude was not one).
   */
  finish(ok: boolean): boolean {
    if (this.broken) return true;
    if (this.sent) {
      if (ok) this.res.end();
      else this.res.destroy();
      return true;
    }
    if (!ok || this.invalid || this.prelude.length) return false;
    this.head(200, { 'content-type': this.type ?? 'application/octet-stream' });
    this.res.end();
    return true;
  }

  private readPrelude(chunk: Buffer): void {
    this.prelude.push(chunk);
    this.preludeBytes += chunk.length;
    const buffered = Buffer.concat(this.prelude);
    const end = buffered.indexOf(PRELUDE_END);
    if (end < 0) {
      if (this.preludeBytes > PRELUDE_MAX_BYTES) this.fail();
      return;
    }
    const parsed = parsePrelude(buffered.subarray(0, end));
    if (!parsed) return this.fail();
    this.prelude = [];
    this.head(parsed.statusCode, parsed.headers);
    const rest = buffered.subarray(end + PRELUDE_END.length);
    if (rest.length) this.body(rest);
  }

  private head(statusCode: number, headers: Record<string, string | string[]>): void {
    this.sent = true;
    this.res.writeHead(statusCode, this.decorate(headers));
  }

  private body(chunk: Buffer): void {
    this.bodyBytes += chunk.length;
    if (this.bodyBytes > STREAMED_RESPONSE_MAX_BYTES) return this.fail();
    this.res.write(chunk);
  }

  /** The response cannot go on: a prelude that is not one (nothing sent yet: the caller answers), or the limit crossed. */
  private fail(): void {
    if (!this.sent) {
      this.invalid = true;
      return;
    }
    this.broken = true;
    this.res.destroy();
  }
}

/** The prelude's status and headers; undefined when it is not a JSON object with a valid status. */
function parsePrelude(bytes: Buffer): { statusCode: number; headers: Record<string, string | string[]> } | undefined {
  let prelude: unknown;
  try {
    prelude = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (prelude === null || typeof prelude !== 'object' || Array.isArray(prelude)) return undefined;
  const p = prelude as { statusCode?: unknown; headers?: unknown; cookies?: unknown };
  const statusCode = p.statusCode === undefined ? 200 : Number(p.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  const headers: Record<string, string | string[]> = {};
  if (p.headers && typeof p.headers === 'object') {
    for (const [k, v] of Object.entries(p.headers)) headers[k.toLowerCase()] = String(v);
  }
  if (Array.isArray(p.cookies) && p.cookies.length) headers['set-cookie'] = p.cookies.map(String);
  return { statusCode, headers };
}
